"""What passes between a check and the frontier: one attempt's answer
(:class:`Attempted`), the run's rules (:class:`Rules`), and a queued target
(:class:`Job`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checker.hoststats import HostStats
from checker.models import Result, Target
from checker.scheduler.hosts import Cause, Host


@dataclass(slots=True, frozen=True)
class Attempted:
    """One attempt's result, as a check returns it to the frontier.

    ``result`` is reported if no other try follows. ``retryable``: another try
    may change it. ``wait``: the ``Retry-After`` the host asked for, seconds.
    ``requests``: what the attempt sent (HEAD and GET, redirect hops), which
    is what a host's rate limit counts.
    """

    result: Result
    cause: Cause = Cause.NONE
    retryable: bool = False
    wait: float | None = None
    requests: int = 1


@dataclass(slots=True, frozen=True)
class Rules:
    """What the frontier needs to know about the run."""

    retries: int = 0
    max_retry_wait: float = 60.0
    retry_wait: float | None = None  # --retry-wait: the backoff's base (None: retry.py's)
    dead_after: int = 0  # 0: never give a host up
    lookahead: int = 8192
    # host -> (concurrency, request interval); a host of None is unlimited.
    limits: Callable[[str], tuple[int, float]] = lambda host: (10, 0.0)
    stats: dict[str, HostStats] | None = None
    # A growing input (a crawl): the targets iterator may run dry and have more
    # later. Called once with the function that says it has more.
    on_grow: Callable[[Callable[[], None]], None] | None = None
    # --warn, --redirects (levels.Judge): for the results the frontier makes
    # itself (a dead host's other URLs), as targetcheck.Check judges the rest.
    judge: Callable[[Result], Result] | None = None
    # A target's result known without an attempt (the store's, --cache), or
    # None: it is reported at once, taking no host slot (targetcheck.Check.answer).
    answer: Callable[[Target], Result | None] | None = None


class Job:
    __slots__ = (
        "alone",
        "host",
        "last",
        "paced",
        "queued_at",
        "sent_at",
        "silent",
        "started",
        "target",
        "tries",
    )

    def __init__(self, target: Target, host: Host) -> None:
        self.target = target
        self.host = host
        self.tries = 1  # the attempt about to be made, 1-based
        self.last: Result | None = None  # the previous attempt's result
        self.silent = False  # an earlier attempt timed out
        self.started = 0.0
        self.alone = False  # nothing else was in flight to its host when it was sent
        self.paced = 0  # the attempt's later requests to its host, paced one by one
        self.sent_at = 0.0  # when the attempt sent its last request to its host
        self.queued_at = 0.0
