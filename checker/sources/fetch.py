"""Fetch a remote sitemap (``--sitemap URL``, or one a sitemap index names).

Sources are read before the checking loop starts, and a sitemap is one
document, so plain blocking urllib is enough here: it keeps the source
stage synchronous and free of aiohttp. It sends the run's User-Agent,
honours ``--timeout`` and ``--insecure``, and accepts gzip (``.xml.gz``).
The user's ``-H`` headers are not sent: they belong to the checks.
"""

from __future__ import annotations

import gzip
import http.client
import io
import ssl
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, BinaryIO

from checker.sources.interface import SourceError
from checker.sources.sitemap import Fetch

if TYPE_CHECKING:
    from checker.settings import Settings

MAX_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
_GZIP_MAGIC = b"\x1f\x8b"


def fetcher(settings: Settings) -> Fetch:
    context = ssl._create_unverified_context() if settings.insecure else None

    def fetch(url: str) -> BinaryIO:
        request = urllib.request.Request(
            url, headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip"}
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.timeout, context=context) as r:
                data = r.read(MAX_BYTES + 1)
            if data.startswith(_GZIP_MAGIC):
                data = gzip.GzipFile(fileobj=io.BytesIO(data)).read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise SourceError(f"cannot fetch sitemap {url}: HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            raise SourceError(f"cannot fetch sitemap {url}: {exc.reason}") from None
        except (OSError, ValueError, EOFError, http.client.HTTPException) as exc:
            raise SourceError(f"cannot fetch sitemap {url}: {exc}") from None
        if len(data) > MAX_BYTES:
            raise SourceError(f"cannot fetch sitemap {url}: larger than 50 MB")
        return io.BytesIO(data)

    return fetch
