"""Shapley contributions, importance and reason codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shap

from workshop_utils import data, shapley


def test_contributions_sum_to_the_margin(model, parts):
    contribs = shapley.xgb_contributions(model, parts.test)
    margin = model.predict(parts.test[data.MODEL_INPUTS], output_margin=True)
    assert np.allclose(contribs.sum(axis=1), margin, atol=1e-4)
    assert list(contribs.columns) == [*data.MODEL_INPUTS, shapley.BIAS]


def test_contributions_agree_with_shap(model, parts):
    X = parts.test[data.MODEL_INPUTS].iloc[:300]
    ours = shapley.xgb_contributions(model, X)[data.MODEL_INPUTS].to_numpy()
    theirs = shap.TreeExplainer(model).shap_values(X)
    assert np.allclose(ours, theirs, atol=1e-5)


def test_global_importance_is_led_by_recent_repayment(model, parts):
    importance = shapley.global_importance(shapley.xgb_contributions(model, parts.test))
    assert importance.index[0] == "PAY_0"
    assert importance.is_monotonic_decreasing and shapley.BIAS not in importance


def test_reason_codes_are_only_risk_raising_inputs():
    row = pd.Series({"PAY_0": 0.4, "LIMIT_BAL": -1.0, "PAY_AMT1": 0.7, shapley.BIAS: 3.0})
    values = pd.Series({"PAY_0": 1, "LIMIT_BAL": 10000, "PAY_AMT1": 0})
    codes = shapley.reason_codes(row, values, k=5)
    assert codes["input"].tolist() == ["PAY_AMT1", "PAY_0"]
    assert codes["reason"].tolist() == ["PAY_AMT1 = 0 NT$ (amount paid)", "PAY_0 = 1 (payment 1 month late)"]
    assert codes.index.tolist() == [1, 2]


def test_contributions_frame_puts_the_bias_last():
    values = np.array([[0.5, -0.2], [0.1, 0.3]], dtype=np.float32)
    frame = shapley.contributions_frame(values, pd.Index([7, 3], name="ID"), ("a", "b"), -1.0)
    assert frame.columns.tolist() == ["a", "b", shapley.BIAS] and frame.index.tolist() == [7, 3]
    assert frame.index.name == "ID" and frame[shapley.BIAS].tolist() == [-1.0, -1.0]
    assert frame["a"].dtype == np.float32 and frame["b"].tolist() == pytest.approx([-0.2, 0.3])
    per_row = shapley.contributions_frame(values, pd.Index([7, 3]), ["a", "b"], np.array([1.0, 2.0]))
    assert per_row[shapley.BIAS].tolist() == [1.0, 2.0]


def test_describe_value_falls_back_to_the_number():
    assert shapley.describe_value("AGE", 35) == "AGE = 35"
