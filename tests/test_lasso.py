"""LASSO selection against scikit-learn: the path drops pure-noise inputs, its best C has the
lowest validation logloss, and its figure draws one trace per input with the kept ones named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss

from workshop_utils import lasso
from workshop_utils.penalised_glm import glm_coefficients


@pytest.fixture(scope="module")
def synthetic() -> tuple[pd.DataFrame, np.ndarray]:
    """Three informative inputs on very different scales and three pure-noise inputs."""
    rng = np.random.default_rng(11)
    X = pd.DataFrame(rng.normal(size=(3000, 6)), columns=["s1", "s2", "s3", "n1", "n2", "n3"])
    X["s2"] *= 5000.0
    X["n1"] *= 0.001
    logit = 1.2 * X["s1"] - 0.9 * X["s2"] / 5000.0 + 0.7 * X["s3"]
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


@pytest.fixture(scope="module")
def halves(synthetic) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training and validation frames with the target in column ``y``."""
    X, y = synthetic
    return X.iloc[:2000].assign(y=y[:2000]), X.iloc[2000:].assign(y=y[2000:])


def test_lasso_drops_the_irrelevant_inputs(synthetic, halves):
    X, y = synthetic
    train, valid = halves
    path = lasso.lasso_path(train, valid, list(X.columns), "y", lasso.c_grid(X.iloc[:2000], y[:2000]))
    assert path.selected(path.coefficients.index[0]) == [], "at l1_min_c nothing survives"
    chosen = path.selected()
    assert {"s1", "s2", "s3"} <= set(chosen), chosen
    strong_enough = [C for C in path.coefficients.index if path.selected(C) == ["s1", "s2", "s3"]]
    assert strong_enough, "some penalty keeps exactly the informative inputs"
    assert path.scores["n_inputs"].is_monotonic_increasing


def test_best_c_has_the_lowest_validation_logloss(synthetic, halves):
    X, _ = synthetic
    train, valid = halves
    Cs = [0.001, 0.01, 0.1, 1.0]
    path = lasso.lasso_path(train, valid, list(X.columns), "y", Cs)
    for C in Cs:
        model = lasso.fit_lasso(train[list(X.columns)], train["y"], C)
        expected = log_loss(valid["y"], model.predict_proba(valid[list(X.columns)])[:, 1])
        assert np.isclose(path.scores.loc[C, "valid_logloss"], expected)
    assert path.best_C == path.scores["valid_logloss"].idxmin()


def test_lasso_on_its_own_inputs_keeps_the_path_coefficients(synthetic):
    X, y = synthetic
    full = glm_coefficients(lasso.fit_lasso(X, y, 0.01))
    kept = lasso.selected_inputs(full)
    refit = glm_coefficients(lasso.fit_lasso(X[kept], y, 0.01))
    assert np.allclose(refit, full[kept], atol=5e-3)


def test_lasso_fit_predict_scores_the_held_rows_with_a_lasso_fitted_on_the_rest(synthetic):
    X, y = synthetic
    frame = X.assign(y=y)
    rest, held = frame.iloc[:2500], frame.iloc[2500:]
    ours = lasso.lasso_fit_predict(["s1", "s2"], "y", 0.05)(rest, held)
    direct = lasso.fit_lasso(rest[["s1", "s2"]], rest["y"], 0.05).predict_proba(held[["s1", "s2"]])[:, 1]
    assert np.array_equal(ours, direct)


def test_spread_labels_keeps_the_gap():
    placed = lasso.spread_labels([0.0, 0.001, 0.002, 1.0, -0.5], gap=0.1)
    ordered = np.sort(placed)
    assert np.all(np.diff(ordered) >= 0.1 - 1e-12)
    assert np.array_equal(np.argsort(placed), np.argsort([0.0, 0.001, 0.002, 1.0, -0.5]))


def test_the_path_figure_draws_every_input_and_names_the_kept_ones(synthetic, halves):
    X, _ = synthetic
    train, valid = halves
    path = lasso.lasso_path(train, valid, list(X.columns), "y", [0.001, 0.01, 0.1])
    figure = lasso.plot_lasso_path(path)
    top, bottom, counts = figure.axes
    kept = path.selected()
    traces = [line for line in top.get_lines() if len(line.get_xdata()) == len(path.coefficients)]
    assert len(traces) == X.shape[1], "one coefficient trace per input"
    grey = [line for line in traces if line.get_linestyle() == "--"]
    assert len(grey) == X.shape[1] - len(kept), "dropped inputs are dashed"
    assert sorted(text.get_text() for text in top.texts) == sorted(kept)
    assert f"{len(kept)} of {X.shape[1]} kept" in top.get_title()
    assert np.allclose(bottom.get_lines()[-1].get_ydata(), path.scores["valid_logloss"])
    assert np.allclose(counts.get_lines()[0].get_ydata(), path.scores["n_inputs"])
    chosen = [line for line in bottom.get_lines() if line.get_linestyle() == ":"]
    assert np.allclose(chosen[0].get_xdata(), path.best_C)
