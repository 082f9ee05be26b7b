"""urlcheck: a concurrent HTTP link checker.

The public API is re-exported here lazily, so that ``urlcheck --version`` does
not pay for importing aiohttp and pydantic (about 0.2 s together).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from checker._version import __version__

__all__ = [
    "ErrorKind",
    "Failure",
    "Outcome",
    "Report",
    "Result",
    "Settings",
    "Source",
    "Summary",
    "__version__",
    "check",
    "check_sync",
]

_LAZY = {
    "ErrorKind": "checker.models",
    "Failure": "checker.models",
    "Outcome": "checker.models",
    "Report": "checker.models",
    "Result": "checker.models",
    "Source": "checker.models",
    "Summary": "checker.models",
    "Settings": "checker.settings",
    "check": "checker.api",
    "check_sync": "checker.api",
}

if TYPE_CHECKING:
    from checker.api import check, check_sync
    from checker.models import (
        ErrorKind,
        Failure,
        Outcome,
        Report,
        Result,
        Source,
        Summary,
    )
    from checker.settings import Settings


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'checker' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
