"""The model ladder helpers against scikit-learn, shap and hand calculations; H2O parts against
H2O itself (one private cluster for the module)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shap
from matplotlib.figure import Figure
from scipy.stats import rankdata
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score

from workshop_utils import data
from workshop_utils import model_ladder as ladder
from workshop_utils.cutoffs import best_f1_cutoff, decide
from workshop_utils.shapley import BIAS


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
def toy_cv() -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 600)
    predictions = {"weak": np.clip(0.1 * y + rng.random(600) * 0.9, 0, 1),
                   "strong": np.clip(0.4 * y + rng.random(600) * 0.6, 0, 1),
                   "noise": rng.random(600)}
    return y, predictions, ladder.assign_folds(y, k=4, seed=5)


# ------------------------------------------------------------------------------- LASSO and GLM

def test_lasso_drops_the_irrelevant_inputs(synthetic):
    X, y = synthetic
    train, valid = X.iloc[:2000].assign(y=y[:2000]), X.iloc[2000:].assign(y=y[2000:])
    path = ladder.lasso_path(train, valid, list(X.columns), "y", ladder.c_grid(X.iloc[:2000], y[:2000]))
    assert path.selected(path.coefficients.index[0]) == [], "at l1_min_c nothing survives"
    chosen = path.selected()
    assert {"s1", "s2", "s3"} <= set(chosen), chosen
    strong_enough = [C for C in path.coefficients.index if path.selected(C) == ["s1", "s2", "s3"]]
    assert strong_enough, "some penalty keeps exactly the informative inputs"
    assert path.scores["n_inputs"].is_monotonic_increasing


def test_best_c_has_the_lowest_validation_logloss(synthetic):
    X, y = synthetic
    train, valid = X.iloc[:2000].assign(y=y[:2000]), X.iloc[2000:].assign(y=y[2000:])
    Cs = [0.001, 0.01, 0.1, 1.0]
    path = ladder.lasso_path(train, valid, list(X.columns), "y", Cs)
    for C in Cs:
        model = ladder.fit_lasso(train[list(X.columns)], train["y"], C)
        expected = log_loss(valid["y"], model.predict_proba(valid[list(X.columns)])[:, 1])
        assert np.isclose(path.scores.loc[C, "valid_logloss"], expected)
    assert path.best_C == path.scores["valid_logloss"].idxmin()


def test_glm_on_its_own_inputs_keeps_the_path_coefficients(synthetic):
    X, y = synthetic
    full = ladder.glm_coefficients(ladder.fit_lasso(X, y, 0.01))
    kept = ladder.selected_inputs(full)
    refit = ladder.glm_coefficients(ladder.fit_lasso(X[kept], y, 0.01))
    assert np.allclose(refit, full[kept], atol=5e-3)


def test_glm_contributions_are_shap_linear_values(synthetic):
    X, y = synthetic
    glm = ladder.fit_lasso(X, y, 0.05)
    ours = ladder.glm_contributions(glm, X.iloc[:200])
    scaler, lasso = glm[0], glm[-1]
    raw_coef = lasso.coef_[0] / scaler.scale_
    background = shap.maskers.Independent(X, max_samples=len(X))  # every row: mean = training mean
    explainer = shap.LinearExplainer((raw_coef, lasso.intercept_[0]), background)
    assert np.allclose(ours[list(X.columns)].to_numpy(), explainer.shap_values(X.iloc[:200]), atol=1e-10)
    assert np.allclose(ours.sum(axis=1), glm.decision_function(X.iloc[:200]))
    assert ours[BIAS].nunique() == 1


def test_coefficient_signs_and_predict():
    signs = ladder.coefficient_signs(pd.Series({"a": 0.2, "b": -1e-9, "c": 0.0}))
    assert signs == {"a": 1, "b": -1}
    X = pd.DataFrame({"a": [0.0, 1, 2, 3, 4, 5], "z": [1.0] * 6})
    glm = ladder.fit_lasso(X[["a"]], [0, 0, 1, 0, 1, 1], 10.0)
    assert np.allclose(ladder.glm_predict(glm)(X), glm.predict_proba(X[["a"]])[:, 1])


# ---------------------------------------------------------------------- cross-validation, ranks

def test_assign_folds_is_stratified_and_seeded():
    y = np.array([1] * 100 + [0] * 400)
    folds = ladder.assign_folds(y, k=5)
    assert np.array_equal(folds, ladder.assign_folds(y, k=5))
    for number in range(5):
        assert (folds == number).sum() == 100 and y[folds == number].sum() == 20


def test_cross_validated_predictions_never_train_on_the_held_out_rows():
    frame = pd.DataFrame({"row": np.arange(20)})
    folds = np.arange(20) % 4
    seen = []

    def fit_predict(rest, held):
        assert not set(rest["row"]) & set(held["row"])
        seen.append(len(held))
        return held["row"].to_numpy() * 1.0

    out = ladder.cross_validated_predictions(frame, folds, fit_predict)
    assert np.array_equal(out, np.arange(20)) and seen == [5, 5, 5, 5]


def test_cv_auc_per_fold_equals_sklearn(toy_cv):
    y, predictions, folds = toy_cv
    scores = ladder.cv_scores(y, predictions, folds)
    assert len(scores) == 4 * 3
    for (number, name), row in scores.iterrows():
        held = folds == number
        p = predictions[name][held]
        assert np.isclose(row["auc"], roc_auc_score(y[held], p))
        assert np.isclose(row["logloss"], log_loss(y[held], p))
        cutoff, best = best_f1_cutoff(y[held], p)
        assert np.isclose(row["cutoff"], cutoff)
        assert np.isclose(row["f1"], f1_score(y[held], decide(p, cutoff)))
        assert np.isclose(row["f1"], best)
        assert np.isclose(row["accuracy"], accuracy_score(y[held], decide(p, cutoff)))


def test_fold_ranks_match_scipy_rankdata(toy_cv):
    y, predictions, folds = toy_cv
    scores = ladder.cv_scores(y, predictions, folds)
    ranks = ladder.fold_ranks(scores)
    for number in range(4):
        for metric, higher in ladder.METRICS.items():
            values = scores.loc[number, metric].astype(float)
            expected = rankdata(-values if higher else values, method="average")
            assert np.allclose(ranks.loc[number, metric], expected)
    means = ladder.mean_ranks(ranks)
    assert means.index[0] == "strong" and means.index[-1] == "noise"
    assert np.isclose(means.mean(), 2.0), "ranks of 3 models average to 2"
    summary = ladder.cv_summary(scores, ranks)
    assert summary.index[0] == "strong"
    assert np.isclose(summary.loc["weak", "auc"], scores.xs("weak", level="model")["auc"].mean())


def test_ties_share_the_average_rank():
    scores = pd.DataFrame({"auc": [0.7, 0.7, 0.6], "logloss": [0.5, 0.4, 0.4]},
                          index=pd.MultiIndex.from_product([[0], ["a", "b", "c"]], names=["fold", "model"]))
    ranks = ladder.fold_ranks(scores, {"auc": True, "logloss": False})
    assert ranks["auc"].tolist() == [1.5, 1.5, 3.0]
    assert ranks["logloss"].tolist() == [3.0, 1.5, 1.5]


# --------------------------------------------------------------------------------------- profit

def test_profit_by_hand_on_toy_data():
    y = np.array([0, 0, 0, 1, 1, 0, 1])
    p = np.array([0.1, 0.2, 0.6, 0.3, 0.9, 0.5, 0.05])
    # cutoff 0.5: approved rows 0, 1, 3, 6 -> payers 0, 1 (2 x 100), defaulters 3, 6 (2 x 300)
    assert ladder.profit_at_cutoff(y, p, 0.5, gain_tn=100, loss_fn=300) == 2 * 100 - 2 * 300
    assert ladder.profit_at_cutoff(y, p, 0.0, gain_tn=100, loss_fn=300) == 0.0
    assert ladder.profit_at_cutoff(y, p, 1.5, gain_tn=100, loss_fn=300) == 4 * 100 - 3 * 300
    assert ladder.profit(y, decide(p, 0.5)) == 2 * ladder.PROFIT_MODEL["gain_tn"] - 2 * ladder.PROFIT_MODEL["loss_fn"]
    curve = ladder.profit_curve(y, p, [0.0, 0.5, 1.5], gain_tn=100, loss_fn=300)
    assert curve.tolist() == [0.0, -400.0, -500.0] and curve.index.name == "cutoff"


def test_profit_does_not_change_its_inputs():
    y, p = pd.Series([0, 1, 0]), pd.Series([0.2, 0.8, 0.4])
    ladder.profit_at_cutoff(y, p, 0.5)
    assert y.tolist() == [0, 1, 0] and p.tolist() == [0.2, 0.8, 0.4]


# ------------------------------------------------------------------------- closing table, pick

def _table(**changes) -> pd.DataFrame:
    summary = pd.DataFrame({"auc": [0.72, 0.770, 0.777], "auc sd": [0.01] * 3, "mean rank": [3.0, 1.8, 1.2]},
                           index=["glm", "mgbm", "gbm"])
    args = {"test_auc": {"glm": 0.73, "mgbm": 0.78, "gbm": 0.785},
                "n_inputs": {"glm": 13, "mgbm": 13, "gbm": 19},
                "monotone": {"glm": True, "mgbm": True, "gbm": False},
                "air": {"glm": 1.03, "mgbm": 1.04, "gbm": 1.05},
                "four_fifths": {"glm": True, "mgbm": True, "gbm": True},
                "value": {"glm": 4.0e6, "mgbm": 5.0e6, "gbm": 5.3e6}}
    args.update(changes)
    return ladder.closing_table(summary, **args)


def test_closing_table_has_one_row_per_rung():
    table = _table()
    assert table.index.tolist() == list(ladder.MODELS)
    assert table.loc["gbm", "transparency"] == "low" and table.loc["mgbm", "inputs"] == 13


def test_recommend_follows_its_rule():
    assert ladder.recommend(_table())[0] == "mgbm"
    assert ladder.recommend(_table(), auc_margin=0.1)[0] == "glm"
    assert ladder.recommend(_table(), auc_margin=0.001)[0] == "gbm"
    unfair = _table(four_fifths={"glm": True, "mgbm": False, "gbm": True})
    pick, reason = ladder.recommend(unfair)
    assert pick == "gbm" and "failing the four-fifths rule: mgbm" in reason
    nobody = _table(four_fifths={"glm": False, "mgbm": False, "gbm": False})
    assert ladder.recommend(nobody)[0] == "none"


# -------------------------------------------------------------------------------------- figures

def test_spread_labels_keeps_the_gap():
    placed = ladder.spread_labels([0.0, 0.001, 0.002, 1.0, -0.5], gap=0.1)
    ordered = np.sort(placed)
    assert np.all(np.diff(ordered) >= 0.1 - 1e-12)
    assert np.array_equal(np.argsort(placed), np.argsort([0.0, 0.001, 0.002, 1.0, -0.5]))


def test_figures_draw(synthetic, toy_cv):
    X, y = synthetic
    train, valid = X.iloc[:2000].assign(y=y[:2000]), X.iloc[2000:].assign(y=y[2000:])
    path = ladder.lasso_path(train, valid, list(X.columns), "y", [0.001, 0.01, 0.1])
    y_cv, predictions, folds = toy_cv
    ranks = ladder.fold_ranks(ladder.cv_scores(y_cv, predictions, folds))
    curve = pd.Series([0.1, 0.2], index=pd.Index([0.0, 1.0], name="s1"))
    figures = [
        ladder.plot_lasso_path(path),
        ladder.plot_fold_ranks(ranks),
        ladder.plot_importance_side_by_side({"glm": pd.Series({"a": 1.0}), "gbm": pd.Series({"a": 2.0, "b": 1.0})}),
        ladder.plot_pd_side_by_side({"s1": {"glm": curve, "gbm": curve * 2}}, X),
        ladder.plot_profit_curves({"glm": pd.Series([1.0, 2.0], index=[0.1, 0.2])}, {"glm": 0.15}),
    ]
    assert all(isinstance(figure, Figure) for figure in figures)


# ------------------------------------------------------------------------------------------ H2O

@pytest.fixture(scope="module")
def h2o_parts(parts):
    from workshop_utils.h2o_session import start_h2o, stop_h2o

    start_h2o(verbose=False)
    small = data.Split(train=parts.train.iloc[:3000], valid=parts.valid.iloc[:1000], test=parts.test.iloc[:500])
    yield small
    stop_h2o()


def test_h2o_contributions_add_up_to_the_log_odds(h2o_parts):
    from workshop_utils.h2o_models import fit_h2o_gbm, h2o_predict

    inputs = ["PAY_0", "LIMIT_BAL", "PAY_AMT1"]
    gbm = fit_h2o_gbm(h2o_parts.train, h2o_parts.valid, inputs, data.TARGET,
                      {"PAY_0": 1, "LIMIT_BAL": -1}, ntrees=20, **ladder.GBM_OVERRIDES)
    contributions = ladder.h2o_contributions(gbm, h2o_parts.test)
    assert contributions.columns.tolist() == [*inputs, BIAS]
    assert contributions.index.equals(h2o_parts.test.index)
    p = h2o_predict(gbm)(h2o_parts.test)
    assert np.allclose(contributions.sum(axis=1), np.log(p / (1 - p)), atol=1e-4)
    assert 1 <= ladder.n_trees(gbm) <= 20


def test_h2o_cross_validation_is_out_of_fold_and_repeatable(h2o_parts):
    pool = pd.concat([h2o_parts.train, h2o_parts.valid])
    folds = ladder.assign_folds(pool[data.TARGET], k=3)
    inputs = ["PAY_0", "PAY_2", "LIMIT_BAL"]
    first = ladder.h2o_cross_validated_predictions(pool, folds, inputs, data.TARGET, ntrees=15,
                                                   constraints={"PAY_0": 1, "PAY_2": 1, "LIMIT_BAL": -1})
    again = ladder.h2o_cross_validated_predictions(pool, folds, inputs, data.TARGET, ntrees=15,
                                                   constraints={"PAY_0": 1, "PAY_2": 1, "LIMIT_BAL": -1})
    assert not np.isnan(first).any() and ((first > 0) & (first < 1)).all()
    assert np.allclose(first, again)
    assert roc_auc_score(pool[data.TARGET], first) > 0.65
    # a model that saw its held-out rows would score them better than out-of-fold ones
    from workshop_utils.h2o_models import fit_h2o_gbm, h2o_predict

    seen = fit_h2o_gbm(pool, pool, inputs, data.TARGET, ntrees=15, stopping_rounds=0, **ladder.GBM_OVERRIDES)
    assert roc_auc_score(pool[data.TARGET], h2o_predict(seen)(pool)) > roc_auc_score(pool[data.TARGET], first)
