"""Warning levels: which failures are reported without failing the run
(``--warn``), and what a redirect is (``--redirects``, ``--allowed-redirect``).

Both are judged by :class:`Judge`, on the probe's final result inside
``targetcheck.Check`` (so the first-exception strategy already sees a warning as
one), and again in ``engine.Run`` for the results the scheduler makes
without a check (a dead host's other URLs); judging twice changes nothing.
A warned result keeps its outcome and gains ``Result.warning``:
``matched --warn RULE`` or ``redirects are warnings (--redirects warn)``.

``--warn RULE`` (repeatable) takes one to three conditions, all of which must
hold, for a broken or errored result (a cancelled one never finished, and is
never a warning):

- a status set as ``--accept`` writes it (``403``, ``400..499,999``): the
  final status the link was broken for;
- an error kind (``timeout``, ``dns``, ``missing_file``…; not ``internal``,
  a bug in urlcheck, which always exits 3);
- ``url:REGEX``, last, found in the URL (``re.search``, as ``--exclude``).

One option rather than a flag per kind (lychee's ``--accept-timeouts``) so
that one rule can join them: ``--warn '403 url:^https://www\\.linkedin\\.com/'``
demotes LinkedIn's bot wall and nothing else.

``--redirects error`` makes a link that answered ok only after redirecting
elsewhere ``broken``, with the error kind ``redirected``, as linkinator's
``--redirects error`` calls it broken; ``warn`` does the same and reports it
as a warning, as Sphinx's linkcheck warns of it. A redirect that only adds or
drops a trailing slash or a fragment is not one (Sphinx's rule too), and a
pair of ``--allowed-redirect 'SOURCE_REGEX TARGET_REGEX'`` allows the link
when both match from the start (``re.match``, as Sphinx's
``linkcheck_allowed_redirects``, so its patterns copy over unchanged).
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Annotated, Any, assert_never

from pydantic import BaseModel, BeforeValidator, ConfigDict

from checker.choices import RedirectPolicy
from checker.models import ErrorKind, Failure, Outcome, Result
from checker.optiontypes import StatusSet, compile_regex

if TYPE_CHECKING:
    from checker.settings import Settings

URL_PREFIX = "url:"
# Result.warning's texts. Not starting with "-": a CSV cell that does is
# taken for a formula, and gets a "'" (reporters/csv.py).
REDIRECTS_WARN = "redirects are warnings (--redirects warn)"
WARN = "matched --warn "
_KINDS = ", ".join(k for k in ErrorKind if k is not ErrorKind.INTERNAL)
_FORM = f"write a status (403, 400..499), an error kind ({_KINDS}) or {URL_PREFIX}REGEX"


class WarnRule(BaseModel):
    """One ``--warn RULE``; ``text`` is how it was written, for the result's ``warning``."""

    model_config = ConfigDict(frozen=True)

    text: str
    statuses: StatusSet | None = None
    kind: ErrorKind | None = None
    url: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, text: str) -> WarnRule:
        rest = text.strip()
        fields: dict[str, Any] = {}
        while rest:
            if rest.startswith(URL_PREFIX):
                fields["url"] = _url_pattern(rest.removeprefix(URL_PREFIX))
                break
            word, *more = rest.split(None, 1)
            rest = more[0] if more else ""
            name, value = _condition(word)
            if name in fields:
                what = "status sets" if name == "statuses" else "error kinds"
                raise ValueError(f"{text.strip()!r} names two {what}: a rule has one of each")
            fields[name] = value
        if not fields:
            raise ValueError(f"an empty --warn rule: {_FORM}")
        if "statuses" in fields and "kind" in fields:
            raise ValueError(
                f"{text.strip()!r} names a status and an error kind, which never hold together: "
                "a broken status has no error kind (write two rules)"
            )
        return cls(text=text.strip(), **fields)

    def matches(self, result: Result) -> bool:
        """Whether ``result``, a failure, is what this rule demotes."""
        return _Matcher.of(self).matches(result)

    def __str__(self) -> str:
        return self.text


def _condition(word: str) -> tuple[str, Any]:
    if word[:1].isdigit() or word.startswith(".."):
        try:
            return "statuses", StatusSet.parse(word)
        except ValueError as exc:
            raise ValueError(f"{exc}; {_FORM}") from None
    try:
        kind = ErrorKind(word.lower())
    except ValueError:
        raise ValueError(f"{word!r} is not a condition: {_FORM}") from None
    if kind is ErrorKind.INTERNAL:
        raise ValueError("internal errors are bugs in urlcheck: they always fail the run (exit 3)")
    return "kind", kind


def _url_pattern(text: str) -> re.Pattern[str]:
    if not text.strip():
        raise ValueError(f"{URL_PREFIX} needs a regular expression after it")
    return compile_regex(text.strip())


@dataclasses.dataclass(slots=True, frozen=True)
class _Matcher:
    """A rule's conditions as plain attributes: a pydantic model's private
    status set costs ~1.5 µs a lookup (optiontypes.StatusSet.statuses)."""

    text: str
    statuses: frozenset[int] | None
    kind: ErrorKind | None
    url: re.Pattern[str] | None

    @classmethod
    def of(cls, rule: WarnRule) -> _Matcher:
        statuses = None if rule.statuses is None else rule.statuses.statuses
        return cls(rule.text, statuses, rule.kind, rule.url)

    def matches(self, result: Result) -> bool:
        error = result.error
        if self.statuses is not None and not (
            result.outcome is Outcome.BROKEN and error is None and result.status in self.statuses
        ):
            return False
        if self.kind is not None and (error is None or error.kind is not self.kind):
            return False
        return self.url is None or self.url.search(result.url) is not None


class AllowedRedirect(BaseModel):
    """One ``--allowed-redirect 'SOURCE_REGEX TARGET_REGEX'``, or one
    ``allowed_redirects = {SOURCE = TARGET}`` entry of a configuration file."""

    model_config = ConfigDict(frozen=True)

    source: re.Pattern[str]
    target: re.Pattern[str]

    @classmethod
    def parse(cls, text: str) -> AllowedRedirect:
        parts = text.split()
        if len(parts) != 2:
            raise ValueError(f"{text!r} is not 'SOURCE_REGEX TARGET_REGEX' (two words)")
        return cls.of(*parts)

    @classmethod
    def of(cls, source: str, target: str) -> AllowedRedirect:
        return cls(source=compile_regex(source), target=compile_regex(target))

    def allows(self, url: str, final_url: str) -> bool:
        return self.source.match(url) is not None and self.target.match(final_url) is not None

    def __str__(self) -> str:
        return f"{self.source.pattern} {self.target.pattern}"


def _allowed_redirect(value: Any) -> Any:
    if isinstance(value, str):
        return AllowedRedirect.parse(value)
    if isinstance(value, tuple | list) and len(value) == 2:  # a TOML table's (source, target)
        return AllowedRedirect.of(str(value[0]), str(value[1]))
    return value


def _warn_rule(value: Any) -> Any:
    return WarnRule.parse(value) if isinstance(value, str) else value


WarnRuleItem = Annotated[WarnRule, BeforeValidator(_warn_rule)]
AllowedRedirectItem = Annotated[AllowedRedirect, BeforeValidator(_allowed_redirect)]


def _bare(url: str) -> str:
    return url.partition("#")[0].rstrip("/")


def redirected(result: Result) -> bool:
    """Whether ``result`` reached its final status somewhere else than its URL."""
    final = result.final_url
    return bool(result.redirects) and final is not None and _bare(final) != _bare(result.url)


class Judge:
    """Applies ``--redirects`` then ``--warn`` to one result: ``judge(result)``.

    Returns the result unchanged, or a changed copy (a result may be held
    elsewhere, such as a retried job's last one). Idempotent.
    """

    __slots__ = ("_allowed", "_policy", "_rules")

    def __init__(
        self,
        rules: tuple[WarnRule, ...],
        policy: RedirectPolicy,
        allowed: tuple[AllowedRedirect, ...] = (),
    ) -> None:
        self._rules = tuple(map(_Matcher.of, rules))
        self._policy = policy
        self._allowed = allowed

    @classmethod
    def of(cls, settings: Settings) -> Judge | None:
        """The run's judge, or None when it would change nothing (the default)."""
        if not settings.warn and settings.redirects is RedirectPolicy.ALLOW:
            return None
        return cls(settings.warn, settings.redirects, settings.allowed_redirects)

    def __call__(self, result: Result) -> Result:
        outcome = result.outcome
        if outcome is Outcome.OK and self._policy is not RedirectPolicy.ALLOW:
            return self._redirect(result)
        if result.warning is None and outcome in (Outcome.BROKEN, Outcome.ERROR):
            for rule in self._rules:
                if rule.matches(result):
                    return dataclasses.replace(result, warning=WARN + rule.text)
        return result

    def _redirect(self, result: Result) -> Result:
        final = result.final_url
        if final is None or not redirected(result):
            return result
        if any(pair.allows(result.url, final) for pair in self._allowed):
            return result
        hops = len(result.redirects)
        failure = Failure(
            ErrorKind.REDIRECTED,
            f"redirected to {final} ({hops} hop{'s' if hops > 1 else ''}, then HTTP "
            f"{result.status}); no --allowed-redirect allows it",
        )
        broken = dataclasses.replace(result, outcome=Outcome.BROKEN, error=failure)
        match self._policy:
            case RedirectPolicy.WARN:
                broken.warning = REDIRECTS_WARN
                return broken
            case RedirectPolicy.ERROR:
                return self(broken)  # a --warn rule may still demote it
            case RedirectPolicy.ALLOW:
                return result
            case _:
                assert_never(self._policy)
