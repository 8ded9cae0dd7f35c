"""Shared fixtures: the data, the lessons' split, and one constrained XGBoost model."""

from __future__ import annotations

import pandas as pd
import pytest
import xgboost as xgb

from workshop_utils import data, monotonic
from workshop_utils.models import fit_xgboost


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
