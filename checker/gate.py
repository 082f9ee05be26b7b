"""The gate: the one step between the targets and the probe that decides
whether a target is requested at all.

Asked once per target, in this order:

1. the exclusion rules of :class:`~checker.filters.LinkFilter` (fragments,
   ``mailto:`` and friends, ``--scheme``, ``--exclude``/``--include``, the
   ``.urlcheckignore`` rules given by the caller, and the literal half of
   ``--exclude-private``); ``--dump`` asks the same object;
2. ``file:`` and root-relative links, checked on disk (localfile.py), and
   their ``#fragment`` against the file's anchors (anchors/local.py);
3. the offline URL checks of urls.py (``invalid_url``,
   ``unsupported_scheme``);
4. the DNS half of ``--exclude-private`` (:class:`~checker.filters.PrivateHosts`),
   on the host exactly as the connection will use it.

What passes is handed to the probe already parsed, so the probe does HTTP
only and a URL is parsed once.
"""

from __future__ import annotations

from yarl import URL

from checker import localfile
from checker.anchors.local import LocalAnchors
from checker.choices import Fragments
from checker.filters import IgnoreRules, LinkFilter, PrivateHosts
from checker.models import Failure, Outcome, Result, Target
from checker.settings import Settings
from checker.settings.inputs import split_names
from checker.urls import parse


def lookup_of(settings: Settings) -> localfile.Lookup:
    """How ``file:`` links find their file: ``--index-files``, ``--fallback-extensions``."""
    return localfile.Lookup(
        index_files=split_names(settings.index_files),
        fallback_extensions=split_names(settings.fallback_extensions),
    )


class Gate:
    """``await gate(target)`` is the target's final :class:`Result` when it is
    not to be requested (excluded, a local file, an invalid URL), else its
    parsed URL for the probe."""

    def __init__(self, settings: Settings, ignore: IgnoreRules = ()) -> None:
        self._filter = LinkFilter(settings, ignore)
        self._lookup = lookup_of(settings)
        self._private = PrivateHosts(settings.connect_timeout) if settings.exclude_private else None
        off = settings.fragments is Fragments.OFF
        self._anchors = None if off else LocalAnchors(settings.max_page_size)

    @property
    def resolves(self) -> bool:
        """Whether admitting a URL may ask DNS (``--exclude-private``)."""
        return self._private is not None

    def excluded(self, target: Target) -> Result | None:
        """Step 1 alone: the target's ``excluded`` result, if the rules exclude it."""
        reason = self._filter(target.url)
        return (
            None if reason is None else Result.for_target(target, Outcome.EXCLUDED, reason=reason)
        )

    async def __call__(self, target: Target, filtered: bool = False) -> Result | URL:
        """``filtered``: step 1 was asked already (:meth:`excluded`)."""
        parsed = self.offline(target, filtered)
        if self._private is not None and not isinstance(parsed, Result):
            reason = await self._private.reason(parsed.raw_host or "")
            if reason is not None:
                return Result.for_target(target, Outcome.EXCLUDED, reason=reason)
        return parsed

    def offline(self, target: Target, filtered: bool = False) -> Result | URL:
        """Steps 1 to 3, which ask no DNS: the whole answer unless :attr:`resolves`.
        A plain call, so that a run without ``--exclude-private`` makes no
        coroutine per URL for it."""
        url = target.url
        if not filtered:
            reason = self._filter(url)
            if reason is not None:
                return Result.for_target(target, Outcome.EXCLUDED, reason=reason)
        local = localfile.check(target, self._lookup, self._anchors)
        if local is not None:
            return local
        parsed = parse(url)
        if isinstance(parsed, Failure):
            return Result.for_target(target, Outcome.ERROR, error=parsed)
        return parsed
