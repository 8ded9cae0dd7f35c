"""Monotonicity constraints from the sign of each input's Pearson correlation with the target.

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"a": [1, 2, 3, 4], "b": [4, 3, 2, 1], "y": [0, 0, 1, 1]})
    >>> monotone_constraints(frame, ["a", "b"], "y")
    {'a': 1, 'b': -1}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "adverse_step",
    "correlations",
    "is_monotone",
    "monotone_constraints",
    "monotone_violations",
    "reversal_sizes",
]


def correlations(frame: pd.DataFrame, inputs: Sequence[str], target: str) -> pd.Series:
    """Pearson correlation of each input with the target, in input order.

    >>> frame = pd.DataFrame({"a": [1, 2, 3], "y": [0, 1, 1]})
    >>> round(float(correlations(frame, ["a"], "y")["a"]), 3)
    0.866
    """
    return frame[list(inputs)].corrwith(frame[target], method="pearson")


def monotone_constraints(frame: pd.DataFrame, inputs: Sequence[str], target: str) -> dict[str, int]:
    """+1 (prediction may only rise with the input) where the correlation is positive, -1 where
    it is negative; an input with no linear relation at all (correlation 0) gets 0 (unconstrained).
    """
    signs = np.sign(correlations(frame, inputs, target))
    return {name: int(sign) for name, sign in signs.items()}


def adverse_step(values: Sequence[float], direction: int) -> float:
    """Largest single step of ``values`` against ``direction`` (+1 rising, -1 falling); 0.0
    when there is none, and always 0.0 for direction 0 (unconstrained).

    >>> adverse_step([0.1, 0.3, 0.2, 0.25], +1)
    0.1
    """
    steps = np.diff(np.asarray(values, dtype=float)) * direction
    return round(float(max(0.0, -steps.min())), 12) if len(steps) else 0.0


def is_monotone(values: Sequence[float], direction: int, tolerance: float = 1e-9) -> bool:
    """True when ``values`` never move against ``direction`` by more than ``tolerance``.

    >>> is_monotone([0.1, 0.2, 0.2, 0.5], +1), is_monotone([0.1, 0.3, 0.2], +1)
    (True, False)
    """
    return adverse_step(values, direction) <= tolerance


def monotone_violations(curves: Mapping[str, Sequence[float]],
                        constraints: Mapping[str, int], tolerance: float = 1e-9) -> list[str]:
    """Names of the inputs whose curve (e.g. partial dependence) steps against its constraint by
    more than ``tolerance`` (a materiality threshold, or 1e-9 for any step at all).

    >>> monotone_violations({"a": [1, 2], "b": [1, 2]}, {"a": 1, "b": -1})
    ['b']
    >>> monotone_violations({"a": [0.50, 0.49]}, {"a": 1}, tolerance=0.02)
    []
    """
    return [name for name, curve in curves.items()
            if not is_monotone(curve, constraints.get(name, 0), tolerance)]


def reversal_sizes(curves: Mapping[str, Sequence[float]], constraints: Mapping[str, int]) -> pd.Series:
    """Each curve's largest step against its constraint (0 for unconstrained inputs), largest first.

    >>> reversal_sizes({"a": [0.1, 0.3, 0.2], "b": [1, 0]}, {"a": 1, "b": 1}).round(2).to_dict()
    {'b': 1.0, 'a': 0.1}
    """
    sizes = pd.Series({name: adverse_step(curve, constraints.get(name, 0)) for name, curve in curves.items()},
                      name="largest step against", dtype=float)
    return sizes.sort_values(ascending=False, kind="stable")
