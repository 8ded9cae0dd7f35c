"""Constraints from correlation, and the monotonicity checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workshop_utils import data, monotonic


def test_constraints_follow_correlation_signs(parts, constraints):
    corr = parts.train[data.MODEL_INPUTS].corrwith(parts.train[data.TARGET])
    assert constraints == {name: int(np.sign(value)) for name, value in corr.items()}
    assert all(constraints[name] == 1 for name in data.PAY_STATUS)
    assert constraints["LIMIT_BAL"] == -1


def test_zero_correlation_is_unconstrained():
    frame = pd.DataFrame({"flat": [2, 1, 1, 2], "y": [0, 0, 1, 1]})
    assert monotonic.monotone_constraints(frame, ["flat"], "y") == {"flat": 0}


@pytest.mark.parametrize("values, direction, expected", [
    ([1, 2, 2, 3], 1, True), ([1, 3, 2], 1, False), ([3, 2, 2, 1], -1, True),
    ([3, 1, 2], -1, False), ([1, 5, 2], 0, True), ([1.0, 1.0 - 1e-12], 1, True), ([5], 1, True),
])
def test_is_monotone(values, direction, expected):
    assert monotonic.is_monotone(values, direction) is expected


def test_adverse_step_measures_the_largest_reversal():
    assert monotonic.adverse_step([0.1, 0.3, 0.2, 0.25, 0.05], 1) == pytest.approx(0.2)
    assert monotonic.adverse_step([0.3, 0.1], -1) == 0.0


def test_violations_name_the_broken_curves():
    curves = {"a": [1, 2, 3], "b": [1, 2, 1], "c": [3, 2, 1]}
    assert monotonic.monotone_violations(curves, {"a": 1, "b": 1, "c": 1}) == ["b", "c"]
