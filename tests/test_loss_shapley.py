"""Shapley values of the logloss: they add up to each row's loss, agree with shap called
directly, and reduce to "loss minus mean background loss" when a model has a single input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shap
import xgboost as xgb
from matplotlib.figure import Figure

from workshop_utils import SEED, data, loss_shapley
from workshop_utils.residuals import logloss_residuals
from workshop_utils.xgboost_models import predict_default


@pytest.fixture(scope="module")
def explained(model, parts):
    background = loss_shapley.background_sample(parts.train, data.MODEL_INPUTS, size=60)
    rows = parts.test.iloc[:300]
    y = rows[data.TARGET]
    contribs = loss_shapley.loss_contributions(model, rows, y, background)
    residual = pd.Series(logloss_residuals(y, predict_default(model)(rows)), index=rows.index)
    return {"background": background, "rows": rows, "y": y, "contribs": contribs, "residual": residual}


def test_contributions_add_up_to_each_rows_logloss(explained):
    contribs = explained["contribs"]
    assert list(contribs.columns) == [*data.MODEL_INPUTS, loss_shapley.EXPECTED]
    assert contribs.index.equals(explained["rows"].index)
    assert loss_shapley.local_accuracy_gap(contribs, explained["residual"]) < 1e-5
    rebuilt = loss_shapley.loss_from_contributions(contribs)
    assert np.allclose(rebuilt, explained["residual"], atol=1e-5)


def test_contributions_agree_with_shap_called_directly(model, explained):
    background, rows, y = explained["background"], explained["rows"], explained["y"]
    masker = shap.maskers.Independent(background, max_samples=len(background))
    explainer = shap.TreeExplainer(model, masker, model_output="log_loss", feature_perturbation="interventional")
    theirs = explainer.shap_values(rows[data.MODEL_INPUTS], y.to_numpy())
    assert np.allclose(explained["contribs"][data.MODEL_INPUTS].to_numpy(), theirs, atol=1e-6)
    expected = [float(explainer.expected_value(label)) for label in y]
    assert np.allclose(explained["contribs"][loss_shapley.EXPECTED], expected)


def test_the_whole_background_is_used(model, parts):
    background = loss_shapley.background_sample(parts.train, data.MODEL_INPUTS, size=150)
    assert loss_shapley.loss_explainer(model, background).data.shape == (150, len(data.MODEL_INPUTS))
    again = loss_shapley.background_sample(parts.train, data.MODEL_INPUTS, size=150)
    assert background.equals(again), "the background sample is seeded"


def test_single_input_model_gets_the_whole_loss_difference():
    rng = np.random.default_rng(SEED)
    frame = pd.DataFrame({"x": rng.normal(size=400)})
    frame["y"] = (frame["x"] + rng.normal(size=400) > 0).astype(int)
    model = xgb.XGBClassifier(n_estimators=20, max_depth=2, n_jobs=1, random_state=SEED).fit(frame[["x"]], frame["y"])
    background, rows = frame[["x"]].iloc[:50], frame.iloc[50:80]
    contribs = loss_shapley.loss_contributions(model, rows, rows["y"], background)
    p_rows, p_back = model.predict_proba(rows[["x"]])[:, 1], model.predict_proba(background)[:, 1]
    loss = logloss_residuals(rows["y"], p_rows)
    mean_background_loss = np.array([logloss_residuals(np.full(50, label), p_back).mean() for label in rows["y"]])
    assert np.allclose(contribs["x"], loss - mean_background_loss, atol=1e-5)
    assert np.allclose(contribs[loss_shapley.EXPECTED], mean_background_loss, atol=1e-5)


def test_drivers_on_the_worst_rows(explained):
    drivers = loss_shapley.loss_drivers(explained["contribs"], explained["residual"], share=0.1)
    assert drivers.index[0] == "PAY_0" and loss_shapley.EXPECTED not in drivers
    assert drivers.is_monotonic_decreasing
    worst = loss_shapley.worst_rows(explained["residual"], 0.1)
    assert len(worst) == 30 and explained["residual"][worst].min() >= explained["residual"].drop(worst).max()


def test_tables_and_figure():
    contribs = pd.DataFrame({"a": [0.2, -0.4, 0.0], "b": [0.1, 0.1, -0.1], loss_shapley.EXPECTED: [0.3, 1.2, 0.3]})
    table = loss_shapley.mean_loss_by_outcome(contribs, [0, 1, 0])
    assert table.loc["a"].tolist() == [0.1, -0.4] and list(table.index) == ["a", "b"]
    assert loss_shapley.worst_rows(pd.Series([1.0, 2.0]), 0.0).tolist() == [1], "at least one row"
    figure = loss_shapley.plot_loss_by_outcome(table, "test")
    assert isinstance(figure, Figure) and len(figure.axes[0].containers) == 2


def test_loss_reason_codes_are_each_rows_largest_positive_contributions(explained):
    contribs, rows = explained["contribs"], explained["rows"]
    worst = explained["residual"].nlargest(3).index
    codes = loss_shapley.loss_reason_codes(contribs, rows, worst, k=3)
    assert list(dict.fromkeys(codes.index.get_level_values(0))) == list(worst)
    for row in worst:
        brute = contribs.loc[row].drop(loss_shapley.EXPECTED)
        brute = brute[brute > 0].sort_values(ascending=False).head(3)
        assert codes.loc[row, "input"].tolist() == brute.index.tolist()
        assert np.allclose(codes.loc[row, "contribution"], brute.round(4))
    figure = loss_shapley.plot_loss_reason_codes(codes, {row: str(row) for row in worst})
    assert isinstance(figure, Figure) and figure.get_size_inches()[0] <= 7.2
