"""The ``key-figures`` cell every lesson ends on: its main numbers as one JSON object.

nbval compares this cell's output exactly, so values are rounded and keys sorted.

Example:
    >>> show_key_figures(n_test=9000, test_auc=0.78123456)
    {
      "n_test": 9000,
      "test_auc": 0.7812
    }
"""

from __future__ import annotations

import json

import numpy as np

__all__ = ["show_key_figures"]


def plain(value: object, places: int = 4) -> object:
    """``value`` as plain JSON types, floats rounded to ``places``.

    >>> plain({"a": np.float64(0.123456), "b": [np.int64(3), True]})
    {'a': 0.1235, 'b': [3, True]}
    """
    if isinstance(value, dict):
        return {str(key): plain(item, places) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(item, places) for item in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return round(float(value), places)
    return value


def show_key_figures(**figures: object) -> None:
    """Print the lesson's key figures as sorted, rounded JSON."""
    print(json.dumps(plain(figures), indent=2, sort_keys=True))
