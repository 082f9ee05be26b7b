"""Durations written as people write them: ``1d``, ``6h``, ``30m``, ``45s``, ``2w``.

Used by ``--max-cache-age`` and ``urlcheck cache prune --older-than``. A
bare number is seconds (a configuration file may hold ``max_cache_age = 3600``).
"""

from __future__ import annotations

import math
import re

UNITS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}
# Past ten years a value is a typo or an attack; a float that large would
# also make ``now - age`` meaningless.
MAX_DURATION = 10 * 365 * 86_400
_DURATION = re.compile(r"(\d{1,12}(?:\.\d{1,6})?)\s*([smhdw]?)", re.ASCII)


def parse_duration(text: str) -> float:
    """Seconds in ``text``; ``ValueError`` with a readable reason otherwise."""
    match = _DURATION.fullmatch(text.strip().lower()) if len(text) <= 40 else None
    if match is None:
        raise ValueError(f"{text[:40]!r} is not a duration: write e.g. 1d, 6h, 30m or 45s")
    seconds = float(match.group(1)) * UNITS[match.group(2) or "s"]
    if not math.isfinite(seconds) or seconds > MAX_DURATION:
        raise ValueError(f"{text!r} is longer than ten years")
    return seconds


def as_duration(value: object) -> object:
    """A setting's raw value: text is parsed, numbers are left to the field's limits."""
    return parse_duration(value) if isinstance(value, str) else value


def format_duration(seconds: float) -> str:
    for unit in ("w", "d", "h", "m"):
        size = UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
