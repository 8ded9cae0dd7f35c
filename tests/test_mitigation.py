"""Mitigation helpers against fairlearn (demographic_parity_ratio, MetricFrame and its bootstrap,
ThresholdOptimizer) and against brute force."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb
from fairlearn.metrics import MetricFrame, demographic_parity_ratio, selection_rate
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from workshop_utils import cutoffs, data, dia, mitigation
from workshop_utils.exercises import lesson11
from workshop_utils.xgboost_models import predict_default


@pytest.fixture(scope="module")
def scored(parts, model):
    predict = predict_default(model)
    cutoff, _ = cutoffs.best_f1_cutoff(parts.valid[data.TARGET], predict(parts.valid))
    groups = {name: mitigation.intersections(dia.protected_groups(getattr(parts, name))).to_numpy()
              for name in ("valid", "test")}
    return predict(parts.valid), predict(parts.test), cutoff, groups


def test_intersections_label_every_row(parts):
    labels = mitigation.intersections(dia.protected_groups(parts.test))
    assert labels.name == "SEX x AGE_BAND" and labels.nunique() == 10 and labels.index.equals(parts.test.index)


def test_worst_air_is_fairlearns_demographic_parity_ratio_of_the_favourable_outcome(parts, scored):
    _, test_p, cutoff, groups = scored
    decided = cutoffs.decide(test_p, cutoff)
    y = parts.test[data.TARGET].to_numpy()
    expected = demographic_parity_ratio(y, 1 - decided, sensitive_features=groups["test"])
    assert mitigation.worst_air(decided, groups["test"]) == pytest.approx(expected)
    frame = mitigation.favourable_frame(y, decided, dia.protected_groups(parts.test)[["SEX", "AGE_BAND"]])
    assert frame.ratio()["favourable rate"] == pytest.approx(expected)
    assert frame.by_group["rows"].sum() == len(y)


def test_bootstrap_air_agrees_with_fairlearns_bootstrap(parts, scored):
    _, test_p, cutoff, groups = scored
    decided = cutoffs.decide(test_p, cutoff)[:3000]
    labels = np.where(np.char.startswith(groups["test"][:3000].astype(str), "male"), "male", "female")
    ours = mitigation.bootstrap_air(decided, labels, n_boot=300, seed=1)
    theirs = MetricFrame(metrics=lambda t, p: selection_rate(t, p, pos_label=0), y_true=decided, y_pred=decided,
                         sensitive_features=labels, n_boot=300, ci_quantiles=[0.025, 0.975], random_state=1)
    assert ours.at["worst group", "AIR"] == pytest.approx(theirs.ratio())
    low, high = theirs.ratio_ci()
    assert ours.at["worst group", "low"] == pytest.approx(low, abs=0.02)
    assert ours.at["worst group", "high"] == pytest.approx(high, abs=0.02)
    assert ours.equals(mitigation.bootstrap_air(decided, labels, n_boot=300, seed=1)), "seeded"


def test_group_cutoffs_match_the_brute_force_search(scored):
    valid_p, test_p, cutoff, groups = scored
    for probability, labels, target in ((valid_p, groups["valid"], 0.8), (test_p, groups["test"], 0.95)):
        ours = mitigation.group_cutoffs(probability, labels, cutoff, target)
        expected = lesson11.brute_force_cutoffs(probability, labels, cutoff, target)
        assert ours.to_dict() == pytest.approx(expected, abs=1e-12)
        assert mitigation.worst_air(mitigation.decide_by_group(probability, labels, ours), labels) >= target - 1e-12


def test_group_cutoffs_reach_thresholdoptimizers_rates_on_a_synthetic_case():
    score, groups, outcome = lesson11.synthetic_parity()
    rates = lesson11.threshold_optimizer_rates(score, groups, outcome)
    assert rates["a"] == pytest.approx(rates["b"], abs=0.01), "demographic parity: equal rates"
    *_, common, target = lesson11.threshold_optimizer_case({})
    cuts = mitigation.group_cutoffs(score, groups, common, target)
    for group, rate in rates.items():
        inside = groups == group
        assert np.mean(score[inside] < cuts[group]) == pytest.approx(rate, abs=2 / inside.sum())


def test_shifted_score_decides_like_the_per_group_cutoffs(scored):
    valid_p, test_p, cutoff, groups = scored
    cuts = mitigation.group_cutoffs(valid_p, groups["valid"], cutoff)
    shifted = mitigation.shifted_score(test_p, groups["test"], cuts, cutoff)
    decided = mitigation.decide_by_group(test_p, groups["test"], cuts)
    assert np.mean((shifted >= cutoff) == decided) > 0.999  # equal up to floating-point rounding


def test_probability_model_gives_fairlearn_float64_and_decides_at_its_cutoff(parts, model, scored):
    valid_p, _, cutoff, groups = scored
    wrapped = mitigation.ProbabilityModel.of(model, cutoff)
    probability = wrapped.predict_proba(parts.valid[data.MODEL_INPUTS])
    assert probability.dtype == np.float64 and np.allclose(probability[:, 1], valid_p)
    assert (wrapped.predict(parts.valid[data.MODEL_INPUTS]) == cutoffs.decide(valid_p, cutoff)).all()
    optimizer = ThresholdOptimizer(estimator=wrapped, constraints="demographic_parity", prefit=True,
                                   predict_method="predict_proba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # pandas' warning that becomes an error in pandas 3
        optimizer.fit(parts.valid[data.MODEL_INPUTS], parts.valid[data.TARGET], sensitive_features=groups["valid"])
        optimizer.predict(parts.valid[data.MODEL_INPUTS], sensitive_features=groups["valid"], random_state=0)


def test_probability_model_fits_with_sample_weights_like_xgboost():
    rng = np.random.default_rng(0)
    X, y, weight = rng.normal(size=(300, 3)), rng.integers(0, 2, 300), rng.random(300)
    base = xgb.XGBClassifier(n_estimators=5, max_depth=2, n_jobs=1, random_state=0)
    ours = clone(mitigation.ProbabilityModel(base, 0.3)).fit(X, y, sample_weight=weight)
    theirs = clone(base).fit(X, y, sample_weight=weight)
    assert np.allclose(ours.predict_proba(X)[:, 1], theirs.predict_proba(X)[:, 1])


def test_summarise_and_pick_model():
    y, score, decided = np.array([0, 1, 0, 1]), np.array([0.1, 0.8, 0.4, 0.3]), np.array([0, 1, 1, 0])
    line = mitigation.summarise(y, score, decided, list("aabb"))
    assert line["AUC"] == pytest.approx(roc_auc_score(y, score))
    assert line["worst AIR"] == pytest.approx(1.0) and line["flagged"] == 0.5 and line["error rate"] == 0.5
    table = pd.DataFrame({"AUC": [0.8, 0.7], "worst AIR": [0.5, 0.6]}, index=["x", "y"])
    with pytest.raises(ValueError):
        mitigation.pick_model(table)


def test_figures_draw():
    table = pd.DataFrame({"AUC": [0.78, 0.77], "worst AIR": [0.7, 0.9]}, index=["a", "b"])
    assert mitigation.plot_tradeoff(table, table + 0.01, "b").axes
    intervals = mitigation.bootstrap_air([0, 1, 0, 0] * 20, list("aabb") * 20, n_boot=20)
    assert mitigation.plot_group_intervals(intervals).axes
