"""``--github-token``: github.com links checked through the REST API.

github.com rate-limits its HTML pages hard (429 after a few dozen requests
from one address), which fails CI runs with many GitHub links. With a token
(``--github-token`` or ``GITHUB_TOKEN``), these links are asked of the API
instead, which allows 5,000 requests an hour per token:

=====================================  ==========================================
``github.com/OWNER/REPO``              ``GET /repos/OWNER/REPO``
``…/issues/N``                         ``GET /repos/OWNER/REPO/issues/N``
``…/pull/N`` (and its tabs)            ``GET /repos/OWNER/REPO/pulls/N``
``…/blob/REF/PATH``, ``…/tree/REF/PATH`` ``GET /repos/OWNER/REPO/contents/PATH?ref=REF``
``…/tree/REF``                         ``GET /repos/OWNER/REPO/commits/REF``
=====================================  ==========================================

The API's status is the link's status, and the result keeps the github.com
URL. A blob or tree the API does not find is asked of github.com after all,
because a branch name may hold slashes (``feature/x/README.md`` cannot be
split into REF and PATH without asking). Any other github.com page is checked
as before, and so is everything without a token.

The token goes only to ``--github-api-url`` (GitHub Enterprise, tests): the
probe drops it if the API redirects to another origin. It is a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from multidict import CIMultiDict
from yarl import URL

DEFAULT_API_URL = "https://api.github.com"
HOSTS = frozenset({"github.com", "www.github.com"})
_NAME = re.compile(r"[A-Za-z0-9_.-]+\Z")
# First path segments of github.com that are pages, not owners.
_NOT_OWNERS = frozenset(
    {
        "about",
        "apps",
        "collections",
        "contact",
        "enterprise",
        "explore",
        "features",
        "login",
        "marketplace",
        "notifications",
        "orgs",
        "pricing",
        "search",
        "settings",
        "sponsors",
        "topics",
        "users",
    }
)


@dataclass(frozen=True, slots=True)
class ApiRequest:
    url: URL
    headers: CIMultiDict[str]
    fallback: bool  # on 404, ask github.com itself (see the module docstring)


class GitHub:
    def __init__(self, token: str, api_url: str = DEFAULT_API_URL) -> None:
        self._api = URL(api_url.rstrip("/"))
        self._headers = CIMultiDict(
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            }
        )

    def route(self, url: URL) -> ApiRequest | None:
        """The API request that answers for ``url``, or None to check it as is."""
        if url.raw_host not in HOSTS or url.scheme not in ("http", "https"):
            return None
        parts = url.raw_parts[1:]  # still percent-encoded: a %2F stays inside its segment
        if parts and parts[-1] == "":
            parts = parts[:-1]  # a trailing slash
        if len(parts) < 2 or any(p in ("", ".", "..") for p in parts):
            return None
        owner, repo = parts[0], parts[1].removesuffix(".git")
        if owner.lower() in _NOT_OWNERS or not _NAME.match(owner) or not _NAME.match(repo):
            return None
        base = f"/repos/{owner}/{repo}"
        ref: str | None = None
        match parts[2:]:
            case []:
                path = base
            case ["issues", number] if number.isascii() and number.isdigit():
                path = f"{base}/issues/{number}"
            case ["pull", number, *_] if number.isascii() and number.isdigit():
                path = f"{base}/pulls/{number}"
            case ["tree", tree]:
                path = f"{base}/commits/{tree}"
            case ["blob" | "tree", ref, *rest] if rest:
                path = f"{base}/contents/{'/'.join(rest)}"
            case _:
                return None
        api = self._api.with_path(self._api.raw_path.rstrip("/") + path, encoded=True)
        if ref is not None:
            api = api.with_query({"ref": unquote(ref)})
        return ApiRequest(api, self._headers, fallback=parts[2:3] in (("blob",), ("tree",)))
