"""Partial dependence and ICE, checked against scikit-learn on the same model and grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.inspection import partial_dependence as sk_partial_dependence

from workshop_utils import data, pdp
from workshop_utils.xgboost_models import predict_default


@pytest.mark.parametrize("feature", ["PAY_0", "LIMIT_BAL", "BILL_AMT1"])
def test_pd_and_ice_match_scikit_learn(model, parts, feature):
    X = parts.test[data.MODEL_INPUTS].iloc[:400].astype(float)
    grid = pdp.make_grid(X[feature], resolution=10)
    ice = pdp.ice_curves(predict_default(model), X, feature, grid)
    average = pdp.partial_dependence(predict_default(model), X, feature, grid)
    library = sk_partial_dependence(model, X, [feature], kind="both", custom_values={feature: grid})
    assert np.allclose(library["grid_values"][0], grid)
    assert np.allclose(ice.to_numpy(), library["individual"][0], atol=1e-6)
    assert np.allclose(average.to_numpy(), library["average"][0], atol=1e-6)


def test_constrained_model_has_monotone_partial_dependence(model, parts, constraints):
    from workshop_utils.monotonic import monotone_violations

    X = parts.test[data.MODEL_INPUTS].iloc[:1000]
    curves = {name: pdp.partial_dependence(predict_default(model), X, name, pdp.make_grid(X[name]))
              for name in data.MODEL_INPUTS}
    assert monotone_violations(curves, constraints) == []


def test_grid_uses_distinct_values_or_quantiles():
    assert pdp.make_grid(pd.Series([2, 0, 1, 1, np.nan])).tolist() == [0.0, 1.0, 2.0]
    wide = pdp.make_grid(pd.Series(np.arange(1000.0)), resolution=5, percentiles=(0.0, 1.0))
    assert wide.tolist() == [0.0, 249.75, 499.5, 749.25, 999.0]


def test_ice_leaves_the_input_frame_alone():
    X = pd.DataFrame({"x": [1.0, 2.0]})
    pdp.ice_curves(lambda f: f["x"].to_numpy(), X, "x", [9.0])
    assert X["x"].tolist() == [1.0, 2.0]


def test_rows_at_percentiles_pick_by_rank():
    predictions = pd.Series(np.linspace(0, 1, 101), index=np.arange(100, 201))
    rows = pdp.rows_at_percentiles(predictions, [0, 10, 50, 100])
    assert rows.tolist() == [100, 110, 150, 200]


def test_score_versions_makes_one_call_and_keeps_each_version_s_rows_together():
    calls = []

    def predict(frame: pd.DataFrame) -> np.ndarray:
        calls.append(len(frame))
        return (frame["x"] + 100 * frame["v"]).to_numpy()

    X = pd.DataFrame({"x": [1.0, 2.0, 3.0], "v": [0.0, 0.0, 0.0]}, index=[7, 5, 9])
    scores = pdp.score_versions(predict, [X.assign(v=version) for version in range(4)])
    assert calls == [12]
    assert scores.shape == (4, 3)
    assert scores.tolist() == [[1.0 + 100 * v, 2.0 + 100 * v, 3.0 + 100 * v] for v in range(4)]
