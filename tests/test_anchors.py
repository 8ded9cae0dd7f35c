"""Anchors: the beam search finds the known anchor of a synthetic model; precision and coverage
estimates agree with brute-force counts; the KL bound agrees with scipy's relative entropy."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.special import rel_entr

from workshop_utils import anchors, cutoffs, data
from workshop_utils.anchors import Predicate
from workshop_utils.xgboost_models import predict_default

GRID = pd.DataFrame(list(itertools.product(range(5), range(5), range(5))), columns=["x1", "x2", "x3"])
CUTS = {name: [1, 2, 3, 4] for name in GRID}


def both_high(frame: pd.DataFrame) -> np.ndarray:
    """The synthetic model: declined (1) exactly when x1 >= 3 and x2 >= 3."""
    return ((frame["x1"] >= 3) & (frame["x2"] >= 3)).astype(int).to_numpy()


def test_the_search_finds_the_known_anchor():
    result = anchors.anchor_search(both_high, pd.Series({"x1": 4, "x2": 4, "x3": 0}), GRID, cuts=CUTS)
    assert result.rule == (Predicate("x1", ">=", 3), Predicate("x2", ">=", 3))
    assert result.valid and result.precision == 1.0 and result.coverage == pytest.approx(4 / 25)
    assert "x1 ≥ 3 AND x2 ≥ 3" in str(result)


def test_the_search_finds_the_known_anchor_of_the_other_decision():
    result = anchors.anchor_search(both_high, pd.Series({"x1": 1, "x2": 4, "x3": 2}), GRID, cuts=CUTS)
    assert result.rule == (Predicate("x1", "<=", 2),) and result.valid and result.coverage == pytest.approx(0.6)


def test_no_anchor_is_claimed_when_no_rule_is_precise_enough():
    noisy = lambda frame: (frame["x3"].to_numpy() + frame["x1"].to_numpy()) % 2  # noqa: E731
    result = anchors.anchor_search(noisy, pd.Series({"x1": 1, "x2": 0, "x3": 2}), GRID, cuts=CUTS, max_size=2)
    assert not result.valid and "not an anchor" in str(result)


def exact_precision(decide, rule, reference, decision):
    """Brute force over the sampler's distribution: every reference row, and for each value that
    breaks a condition, every reference value that meets it (each equally likely)."""
    total = 0.0
    for _, row in reference.iterrows():
        choices = []
        for predicate in rule:
            if predicate.holds(row.to_frame().T)[0]:
                choices.append([(predicate.feature, row[predicate.feature])])
            else:
                allowed = reference.loc[predicate.holds(reference), predicate.feature]
                choices.append([(predicate.feature, v) for v in allowed])
        combos = list(itertools.product(*choices))
        for combo in combos:
            z = row.copy()
            for name, value in combo:
                z[name] = value
            total += (decide(z.to_frame().T)[0] == decision) / len(combos)
    return total / len(reference)


def test_precision_estimate_agrees_with_a_brute_force_count():
    rng = np.random.default_rng(3)
    reference = pd.DataFrame(rng.integers(0, 6, size=(30, 3)), columns=["x1", "x2", "x3"])
    decide = lambda frame: ((frame["x1"] + frame["x2"] - frame["x3"]) >= 4).astype(int).to_numpy()  # noqa: E731
    for rule in [(Predicate("x1", ">=", 3),), (Predicate("x1", ">=", 2), Predicate("x3", "<=", 2))]:
        exact = exact_precision(decide, rule, reference, 1)
        n = 40_000
        estimate = anchors.precision(decide, rule, reference, 1, n, np.random.default_rng(0))
        assert abs(estimate - exact) < 4 * np.sqrt(exact * (1 - exact) / n) + 1e-9, (rule, estimate, exact)


def test_a_rule_every_row_meets_is_plain_resampling():
    reference = GRID.iloc[::3]
    estimate = anchors.precision(both_high, (), reference, 0, 50_000, np.random.default_rng(1))
    assert estimate == pytest.approx(float(np.mean(both_high(reference) == 0)), abs=0.01)


def test_coverage_is_a_brute_force_count():
    rule = (Predicate("x1", ">=", 2), Predicate("x3", "<=", 1))
    count = sum(1 for _, row in GRID.iterrows() if row["x1"] >= 2 and row["x3"] <= 1)
    assert anchors.coverage(GRID, rule) == count / len(GRID)


def test_samples_satisfy_the_rule_and_keep_the_other_inputs_real():
    rule = (Predicate("x1", ">=", 3), Predicate("x2", "<=", 1))
    sample = anchors.sample_given(rule, GRID, 500, np.random.default_rng(2))
    assert anchors.satisfies(sample, rule).all()
    assert set(sample["x3"]) <= set(GRID["x3"]) and len(set(sample["x3"])) == 5


def test_kl_lower_bound_matches_scipy_relative_entropy():
    for p_hat, n, delta in [(0.9, 200, 0.05), (0.5, 50, 0.1), (0.99, 1000, 0.01)]:
        q = anchors.kl_lower_bound(p_hat, n, delta)
        kl = float(rel_entr(p_hat, q) + rel_entr(1 - p_hat, 1 - q))
        assert q < p_hat and n * kl == pytest.approx(np.log(1 / delta), rel=1e-6)
    assert anchors.kl_lower_bound(1.0, 100, 0.05) == pytest.approx(0.05 ** (1 / 100))
    assert anchors.kl_lower_bound(0.0, 100, 0.05) == 0.0


def test_candidates_are_the_conditions_the_customer_meets():
    row = pd.Series({"x1": 2, "x2": 0, "x3": 4})
    found = anchors.candidate_predicates(row, GRID, CUTS)
    assert all(p.holds(row.to_frame().T)[0] for p in found)
    assert {str(p) for p in found if p.feature == "x1"} == {"x1 ≥ 1", "x1 ≥ 2", "x1 ≤ 2", "x1 ≤ 3"}
    assert not [p for p in found if p.feature == "x2" and p.op == ">="]  # x2 >= 0 holds for everyone


def test_on_the_credit_model_the_anchor_holds_and_repeats(model, parts):
    predict = predict_default(model)
    decide = lambda frame: cutoffs.decide(predict(frame), 0.3)  # noqa: E731
    reference = parts.train[data.MODEL_INPUTS].iloc[:3000]
    row = parts.test[data.MODEL_INPUTS].astype(float).iloc[0]
    first = anchors.anchor_search(decide, row, reference, samples=100, max_size=3)
    again = anchors.anchor_search(decide, row, reference, samples=100, max_size=3)
    assert first.rule == again.rule and first.precision == again.precision
    assert all(p.holds(row.to_frame().T)[0] for p in first.rule)
    assert first.coverage == anchors.coverage(reference, first.rule)
    figure = anchors.plot_anchor_search({"customer": first}, 0.95)
    assert figure.get_size_inches()[0] * figure.dpi <= 720
