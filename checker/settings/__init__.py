"""The one settings model shared by the CLI, configuration files and the library.

Each option is declared once, as a field of one of the panel models below
(inputs.py, checking.py, http.py, output.py, crawl.py, scale.py, store.py:
one per ``--help`` panel): its type, default, limits and help
(``Field(description=...)``), and how it looks on the command line
(:class:`checker.choices.Cli`). The CLI is built from these fields
(checker/cli/options.py), so ``--help``, the README and library callers
cannot drift apart. :class:`Settings` joins them and is validated once, from
raw values (checker/config.py merges a file's with the command line's).
Secret values are ``SecretStr`` and listed by :attr:`Settings.secrets`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, model_validator

from checker.optiontypes import (
    Header,
    Remap,
    ReportFile,
    StatusSet,
    host_pattern,
    listed,
)
from checker.settings.checking import CheckingSettings
from checker.settings.crawl import CrawlSettings
from checker.settings.hosts import HostPolicy
from checker.settings.http import HttpSettings
from checker.settings.inputs import InputSettings
from checker.settings.output import OutputSettings
from checker.settings.scale import ScaleSettings, Shard
from checker.settings.store import FailOn, StoreSettings

__all__ = [
    "FailOn",
    "Header",
    "HostPolicy",
    "Remap",
    "ReportFile",
    "Settings",
    "Shard",
    "StatusSet",
    "host_pattern",
]


# Fields come in panel order: pydantic lists a base's fields after those of
# the bases that follow it in the class statement, so the last base is first.
class Settings(
    StoreSettings,
    ScaleSettings,
    CrawlSettings,
    OutputSettings,
    HttpSettings,
    CheckingSettings,
    InputSettings,
):
    """Everything that shapes a run. Defaults follow lychee unless the README says why not."""

    # Inputs stay out of error messages: a malformed header is all value.
    # No float may be inf or nan: aiohttp's timers overflow on them.
    model_config = ConfigDict(
        extra="forbid",
        validate_default=True,
        frozen=True,
        hide_input_in_errors=True,
        allow_inf_nan=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, values: Any) -> Any:
        return listed(cls, values)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value: header values, the cookie file's, proxy and
        --basic-auth passwords, the GitHub token. Masked in every output."""
        from checker import auth, cookies
        from checker.proxy import password

        every = (
            *self.headers,
            *(h for _, h in self.header_for),
            *(h for policy in self.hosts.values() for h in policy.headers),
        )
        values = tuple(h.value.get_secret_value() for h in every if h.value)
        proxies = tuple(p for p in map(password, (self.http_proxy, self.https_proxy)) if p)
        token = (self.github_token.get_secret_value(),) if self.github_token else ()
        return (
            values
            + cookies.values(self.cookie_jar)
            + proxies
            + auth.secrets(self.basic_auth)
            + token
        )
