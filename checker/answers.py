"""What one attempt's answer means: the URL's result, and what it tells the
scheduler (checker/scheduler/): why it failed, whether another try may
help, and how long the host asked to be left alone. Pure: the probe
(probe.py) makes the request, this reads what came back.
"""

from __future__ import annotations

from checker import retry
from checker.models import ErrorKind, Failure, Outcome, Result, Target
from checker.replies import Reply
from checker.scheduler import Attempted, Cause

THROTTLE_STATUSES = retry.RETRY_AFTER_STATUSES
# Connect-class failures count toward giving a host up (scheduler/hosts.py);
# a timeout counts once per URL (it may be a black hole or a slow answer).
FAILURE_CAUSES = {
    ErrorKind.DNS: Cause.UNREACHABLE,
    ErrorKind.CONNECT: Cause.UNREACHABLE,
    ErrorKind.TLS: Cause.UNREACHABLE,
    ErrorKind.TIMEOUT: Cause.SILENT,
}


def attempted(
    target: Target,
    reply: Reply | Failure,
    tries: int,
    elapsed: float,
    accept: frozenset[int],
    requests: int,
) -> Attempted:
    """Attempt number ``tries`` at ``target``, which took ``elapsed`` ms and
    ``requests`` requests (hops and HEAD + GET included), as the scheduler
    takes it."""
    result = _result(target, reply, tries, elapsed, accept)
    if isinstance(reply, Failure):
        cause = FAILURE_CAUSES.get(reply.kind, Cause.NONE)
        return Attempted(result, cause, retry.should_retry(None, reply), requests=requests)
    status = reply.status
    wait = retry.retry_after(reply.retry_after) if status in THROTTLE_STATUSES else None
    if status == 429 or wait is not None:  # a 503 with Retry-After is a rate limit
        cause = Cause.RATE_LIMITED
    elif status >= 500:
        cause = Cause.SERVER_ERROR
    else:
        cause = Cause.ANSWERED
    return Attempted(result, cause, retry.should_retry(status, None), wait, requests)


def _result(
    target: Target, reply: Reply | Failure, attempts: int, elapsed: float, accept: frozenset[int]
) -> Result:
    if isinstance(reply, Failure):
        return Result.for_target(
            target, Outcome.ERROR, error=reply, attempts=attempts, elapsed_ms=elapsed
        )
    # Built directly, not through for_target(**fields): this is once per URL.
    return Result(
        url=target.url,
        outcome=Outcome.OK if reply.status in accept else Outcome.BROKEN,
        sources=target.sources,
        status=reply.status,
        final_url=reply.final_url,
        redirects=reply.redirects,
        elapsed_ms=elapsed,
        attempts=attempts,
        index=target.index,
        moved_to=reply.moved_to,
    )
