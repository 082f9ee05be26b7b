"""The HTTP panel's settings: timeouts, retries, methods, headers, TLS,
proxies and credentials. Every credential is a secret (Settings.secrets)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator

from checker._version import __version__
from checker.auth import BasicAuthRule
from checker.choices import Cli, Method, Panel
from checker.optiontypes import (
    Count,
    HeaderItem,
    ScopedHeaderItem,
    Seconds,
    Wait,
    check_user_agent,
    host_pattern,
    http_url,
)
from checker.settings.hosts import HostPolicy
from checker.tls import TlsVersion

INPUTS, CHECKING, HTTP, OUTPUT = Panel.INPUTS, Panel.CHECKING, Panel.HTTP, Panel.OUTPUT


class HttpSettings(BaseModel):
    timeout: Annotated[Seconds, Cli(panel=HTTP)] = Field(
        default=20.0, description="Seconds per attempt, counted from when the request starts."
    )
    connect_timeout: Annotated[Seconds, Cli(panel=HTTP)] = Field(
        default=10.0, description="Seconds for the TCP and TLS handshake."
    )
    retries: Annotated[Count, Cli(panel=HTTP)] = Field(
        default=2, description="Retries after a timeout, disconnect, 408, 429 or 5xx."
    )
    max_retry_wait: Annotated[Wait, Cli(panel=HTTP)] = Field(
        default=60.0, description="Cap in seconds on any wait, even one a server asks for."
    )
    method: Annotated[Method, Cli(panel=HTTP)] = Field(
        default=Method.AUTO,
        description="auto: HEAD, then GET when HEAD's status is not accepted; learns per host "
        "to send GET first or to believe HEAD. auto-strict: never believes a failing HEAD.",
    )
    dead_host_after: Annotated[Count, Cli(panel=HTTP, metavar="N")] = Field(
        default=3,
        description="After this many connection failures in a row on a host (DNS, refused, "
        "TLS, connect timeout; timeouts of distinct URLs, or any timeout while the host "
        "never answered), report its other URLs without trying them. 0: never.",
    )
    max_redirects: Annotated[Count, Cli(panel=HTTP)] = Field(
        default=10, description="Redirect hops to follow."
    )
    headers: Annotated[
        tuple[HeaderItem, ...],
        Cli(panel=HTTP, long="--header", short="-H", metavar="'NAME: VALUE'"),
    ] = Field(
        default=(),
        description="Sent with every request (repeatable). Never printed; dropped when a "
        "redirect leaves the origin.",
    )
    header_for: Annotated[
        tuple[ScopedHeaderItem, ...], Cli(panel=HTTP, metavar="'HOST=NAME: VALUE'")
    ] = Field(
        default=(),
        description="A header sent only to HOST (a host name or *.domain), never to another "
        "host nor after a redirect to another origin (repeatable). Never printed.",
    )
    user_agent: Annotated[str, Cli(panel=HTTP, default_help="urlcheck/VERSION")] = Field(
        default=f"urlcheck/{__version__}", description="User-Agent header."
    )
    insecure: Annotated[bool, Cli(panel=HTTP)] = Field(
        default=False, description="Skip TLS certificate checks."
    )
    cookie_jar: Annotated[Path | None, Cli(panel=HTTP, metavar="FILE")] = Field(
        default=None,
        description="Send the cookies of this Netscape cookie file (as curl and lychee "
        "write it) wherever their domain and path match. Never printed.",
    )
    retry_wait: Annotated[Wait | None, Cli(panel=HTTP, metavar="SECONDS", default_help="1")] = (
        Field(
            default=None,
            description="Seconds before the first retry; each further one waits twice as "
            "long (±25 %).",
        )
    )
    request_interval: Annotated[Wait, Cli(panel=HTTP, metavar="SECONDS")] = Field(
        default=0.0,
        description="Seconds between the starts of two requests to one host, for every "
        'host ([hosts."..."] tables may set their own).',
    )
    min_tls: Annotated[
        TlsVersion | None, Cli(panel=HTTP, default_help="the system's, TLS 1.2 on current systems")
    ] = Field(
        default=None,
        description="Refuse servers that cannot speak at least this TLS version.",
    )
    require_https: Annotated[bool, Cli(panel=HTTP)] = Field(
        default=False,
        description="Note on each http:// link that answers ok whether its host also "
        "answers over https (the result's reason), checking the https:// URL too.",
    )
    basic_auth: Annotated[
        tuple[BasicAuthRule, ...], Cli(panel=HTTP, metavar="'URL_REGEX USER:PASSWORD'")
    ] = Field(
        default=(),
        description="HTTP Basic credentials sent to URLs that match, never after a redirect "
        "to another origin (repeatable). Never printed.",
    )
    github_token: Annotated[
        SecretStr | None, Cli(panel=HTTP, metavar="TOKEN", default_help="$GITHUB_TOKEN")
    ] = Field(
        default_factory=lambda: _env_secret("GITHUB_TOKEN"),
        description="Check github.com repository, issue, pull request, blob and tree links "
        "through the REST API with this token. Never printed.",
    )
    github_api_url: Annotated[str, Cli(panel=HTTP, metavar="URL")] = Field(
        default="https://api.github.com",
        description="The GitHub REST API to ask, for GitHub Enterprise: https://HOST/api/v3.",
    )
    http_proxy: Annotated[
        str | None,
        Cli(panel=HTTP, metavar="URL", default_help="$http_proxy, $HTTP_PROXY or $ALL_PROXY"),
    ] = Field(
        default_factory=lambda: _proxy_env("http"),
        description="Proxy for http:// URLs, e.g. http://proxy:3128.",
    )
    https_proxy: Annotated[
        str | None,
        Cli(panel=HTTP, metavar="URL", default_help="$https_proxy, $HTTPS_PROXY or $ALL_PROXY"),
    ] = Field(
        default_factory=lambda: _proxy_env("https"),
        description="Proxy for https:// URLs, through a CONNECT tunnel.",
    )
    no_proxy: Annotated[
        str | None, Cli(panel=HTTP, metavar="HOSTS", default_help="$no_proxy or $NO_PROXY")
    ] = Field(
        default_factory=lambda: _proxy_env("no"),
        description="Hosts reached directly, not through a proxy: comma-separated domains, "
        "IP addresses, CIDR blocks or *.",
    )
    # Per-host policy: only in configuration files.
    hosts: Annotated[dict[str, HostPolicy], Cli(option=False)] = {}

    @field_validator("hosts", mode="before")
    @classmethod
    def _hosts(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        hosts: dict[str, Any] = {}
        for key, policy in value.items():
            pattern = host_pattern(str(key))
            if pattern in hosts:
                raise ValueError(f"two tables name the host {pattern!r}")
            hosts[pattern] = policy
        return hosts

    @field_validator("user_agent")
    @classmethod
    def _user_agent(cls, value: str) -> str:
        return check_user_agent(value)

    @field_validator("cookie_jar")
    @classmethod
    def _cookie_jar(cls, value: Path | None) -> Path | None:
        if value is not None:
            from checker import cookies

            cookies.read(value)  # CookieFileError (a ValueError) names what is wrong
        return value

    @field_validator("basic_auth", mode="before")
    @classmethod
    def _basic_auth(cls, value: Any) -> Any:
        return tuple(BasicAuthRule.parse(v) if isinstance(v, str) else v for v in value)

    @field_validator("http_proxy", "https_proxy")
    @classmethod
    def _proxy(cls, value: str | None, info: ValidationInfo) -> str | None:
        from checker.proxy import check_proxy_url

        return None if value is None else check_proxy_url(value, str(info.field_name).upper())

    @field_validator("github_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        return http_url(value)

    @field_validator("github_token")
    @classmethod
    def _github_token(cls, value: SecretStr | None) -> SecretStr | None:
        token = None if value is None else value.get_secret_value().strip()
        if token and any(c in token for c in "\r\n\0"):
            raise ValueError("the token contains a line break (not shown)")
        return SecretStr(token) if token else None


def _env_secret(name: str) -> SecretStr | None:
    import os

    value = os.environ.get(name, "").strip()
    return SecretStr(value) if value else None


def _proxy_env(scheme: str) -> str | None:
    from checker import proxy

    match scheme:
        case "http":
            return proxy.env_http_proxy()
        case "https":
            return proxy.env_https_proxy()
        case _:
            return proxy.env_no_proxy()
