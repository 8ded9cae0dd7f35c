"""Shared fixtures: the data, the lessons' split, and one constrained XGBoost model.

Set WORKSHOP_TEST_LESSONS=01_monotonic_xgboost,02_... to test only some lessons' notebooks,
release sync and grading (the default is every lesson).
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
import xgboost as xgb

from workshop_utils import data, monotonic
from workshop_utils.paths import lesson_names
from workshop_utils.xgboost_models import fit_xgboost


def lessons_under_test() -> list[str]:
    """Every lesson, or those named in WORKSHOP_TEST_LESSONS."""
    chosen = os.environ.get("WORKSHOP_TEST_LESSONS")
    return [name for name in lesson_names() if not chosen or name in chosen.split(",")]


@pytest.fixture(scope="session")
def frame() -> pd.DataFrame:
    return data.load_credit_data()


@pytest.fixture(scope="session")
def parts(frame: pd.DataFrame) -> data.Split:
    return data.split_data(frame)


@pytest.fixture(scope="session")
def constraints(parts: data.Split) -> dict[str, int]:
    return monotonic.monotone_constraints(parts.train, data.MODEL_INPUTS, data.TARGET)


@pytest.fixture(scope="session")
def model(parts: data.Split, constraints: dict[str, int]) -> xgb.XGBClassifier:
    return fit_xgboost(parts.train, parts.valid, data.MODEL_INPUTS, data.TARGET, constraints)


@pytest.fixture(autouse=True)
def close_figures():
    """Close the figures a test drew, so a long run does not pile up open matplotlib figures."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
