"""Strategies: how checks are scheduled, ordered and stopped.

Adding one is one module with a ``run`` function (see interface.py), plus
one member of ``StrategyName`` (choices.py) and one ``case`` below;
``tests/strategies/test_strategies.py`` fails if a member is not wired in.
"""

from __future__ import annotations

from typing import assert_never

from checker.choices import StrategyName
from checker.strategies.interface import Check, Strategy

__all__ = ["Check", "Strategy", "load"]


def load(name: StrategyName) -> Strategy:
    from checker.strategies import as_completed, first_completed, first_exception, gather

    match name:
        case StrategyName.GATHER:
            return gather.run
        case StrategyName.AS_COMPLETED:
            return as_completed.run
        case StrategyName.FIRST_COMPLETED:
            return first_completed.run
        case StrategyName.FIRST_EXCEPTION:
            return first_exception.run
        case _:
            assert_never(name)
