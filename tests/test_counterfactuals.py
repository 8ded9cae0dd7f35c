"""Counterfactuals with DiCE: no input declared fixed ever changes, every changed value stays in
the training range (repayment statuses stay valid codes), and every counterfactual flips the
model's decision, checked by scoring it again; the greedy search against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from workshop_utils import attacks, counterfactuals, cutoffs, data
from workshop_utils.xgboost_models import predict_default

CUTOFF = 0.3


@pytest.fixture(scope="module")
def predict(model):
    return predict_default(model)


@pytest.fixture(scope="module")
def ranges(parts):
    return attacks.training_ranges(parts.train, data.MODEL_INPUTS)


@pytest.fixture(scope="module")
def X(parts):
    return parts.test[data.MODEL_INPUTS].astype(float)


@pytest.fixture(scope="module")
def customers(X, predict):
    declined = X.index[predict(X) >= CUTOFF]
    return list(declined[:12])


@pytest.fixture(scope="module")
def found(parts, predict, X, customers, ranges):
    explainer = counterfactuals.dice_explainer(parts.train, data.MODEL_INPUTS, data.TARGET, predict, CUTOFF)
    return counterfactuals.find_counterfactuals(explainer, X, customers, ranges, CUTOFF, total=3, sample_size=200)


def test_dice_finds_counterfactuals_for_some_declined_customers(found, customers):
    assert 0 < found["customer"].nunique() <= len(customers)
    assert found.groupby("customer")["number"].max().le(3).all()


def test_no_input_declared_fixed_ever_changes(found, X):
    changed = counterfactuals.changed_inputs(X, found)
    fixed = [name for name in counterfactuals.IMMUTABLE if name in X]
    assert not changed[fixed].to_numpy().any()
    assert set(changed.columns[changed.any()]) <= set(counterfactuals.ACTIONABLE)
    assert not counterfactuals.invalid_changes(X, found, attacks.training_ranges(X, data.MODEL_INPUTS)
                                               .assign(min=-np.inf, max=np.inf))["immutable"].any()


def test_every_changed_value_is_inside_the_training_and_recourse_ranges(found, X, ranges):
    for _, cf in found.iterrows():
        allowed = counterfactuals.recourse_ranges(X.loc[cf["customer"]], ranges)
        for name, (low, high) in allowed.items():
            assert ranges.loc[name, "min"] <= low <= cf[name] <= high <= ranges.loc[name, "max"], (name, cf[name])
    assert not counterfactuals.invalid_changes(X, found, ranges).any().any()


def test_repayment_statuses_stay_valid_codes(found, parts):
    seen = set(parts.train["PAY_0"].unique())
    assert set(found["PAY_0"]) <= seen and all(float(v).is_integer() for v in found["PAY_0"])


def test_every_counterfactual_flips_the_decision(found, X, predict, ranges):
    metrics = counterfactuals.counterfactual_metrics(predict, X, found, ranges, CUTOFF)
    assert metrics["valid"].all()
    assert (predict(found[data.MODEL_INPUTS]) < CUTOFF).all()
    assert (cutoffs.decide(predict(X.loc[found["customer"]]), CUTOFF) == 1).all()
    assert metrics["inputs changed"].between(1, len(counterfactuals.ACTIONABLE)).all()


def test_the_search_repeats_exactly(parts, predict, X, customers, ranges, found):
    explainer = counterfactuals.dice_explainer(parts.train, data.MODEL_INPUTS, data.TARGET, predict, CUTOFF)
    again = counterfactuals.find_counterfactuals(explainer, X, customers, ranges, CUTOFF, total=3, sample_size=200)
    pd.testing.assert_frame_equal(again, found)


def test_the_checks_catch_what_is_no_recourse(X, ranges):
    customer = X.index[0]
    bad = X.loc[[customer]].assign(customer=customer, number=1).reset_index(drop=True)
    bad = pd.concat([bad.assign(PAY_2=bad["PAY_2"] - 1), bad.assign(PAY_AMT1=ranges.loc["PAY_AMT1", "max"] + 1),
                     bad.assign(PAY_0=0.5)], ignore_index=True)
    flags = counterfactuals.invalid_changes(X, bad, ranges)
    assert flags["immutable"].tolist() == [True, False, False]
    assert flags["outside range"].tolist() == [False, True, False]
    assert flags["impossible"].tolist() == [False, False, True]


def test_metrics_on_a_hand_example():
    X = pd.DataFrame({"a": [1.0, 5.0], "b": [0.0, 0.0]}, index=[10, 11])
    ranges = pd.DataFrame({"min": [0.0, 0.0], "max": [10.0, 4.0]}, index=["a", "b"])
    cfs = pd.DataFrame({"customer": [10, 10], "number": [1, 2], "a": [0.0, 1.0], "b": [2.0, 1.0]})
    score = lambda frame: (frame["a"] + frame["b"]).to_numpy() / 10  # noqa: E731
    metrics = counterfactuals.counterfactual_metrics(score, X, cfs, ranges, cutoff=0.1)
    assert metrics["inputs changed"].tolist() == [2, 1]
    assert np.allclose(metrics["distance"], [0.1 + 0.5, 0.25])
    assert metrics["valid"].tolist() == [False, False]  # customer 10 is accepted already (0.1 >= 0.1 is declined)
    assert metrics["probability"].tolist() == [0.2, 0.2]


def test_the_wrapper_is_what_dice_needs(model, X):
    wrapped = counterfactuals.ProbabilityModel(predict_default(model), cutoff=CUTOFF)
    proba = wrapped.predict_proba(X.iloc[:50])
    assert np.allclose(proba, model.predict_proba(X.iloc[:50]), atol=1e-6)
    assert (wrapped.predict(X.iloc[:50]) == (proba[:, 1] >= CUTOFF)).all()


def brute_force_greedy(predict, row, options, cutoff, max_changes):
    """Every order of changes tried, one input at a time: the greedy path is the one that takes
    the lowest probability at each step."""
    current, p, left = row.astype(float).copy(), float(predict(row.to_frame().T)[0]), dict(options)
    for _ in range(max_changes):
        if p < cutoff:
            break
        moves = {}
        for name, value in itertools.chain.from_iterable(((n, v) for v in vs) for n, vs in left.items()):
            trial = current.copy()
            trial[name] = value
            moves.setdefault(float(predict(trial.to_frame().T)[0]), (name, value))
        if not moves or min(moves) >= p:
            break
        p = min(moves)
        name, value = moves[p]
        current[name] = value
        del left[name]
    return current


def test_the_greedy_search_agrees_with_brute_force(predict, X, ranges, customers):
    for customer in customers[:4]:
        row = X.loc[customer]
        options = counterfactuals.recourse_options(row, ranges)
        got = counterfactuals.greedy_counterfactual(predict, row, options, CUTOFF)
        pd.testing.assert_series_equal(got, brute_force_greedy(predict, row, options, CUTOFF, 3))
        assert set(got.index[got != row]) <= set(counterfactuals.ACTIONABLE)


def test_recourse_options_stay_in_the_recourse_ranges(X, ranges):
    row = X.loc[X["PAY_0"] == 2].iloc[0]
    allowed = counterfactuals.recourse_ranges(row, ranges)
    for name, values in counterfactuals.recourse_options(row, ranges).items():
        assert all(allowed[name][0] <= v <= allowed[name][1] and v != row[name] for v in values)
        assert all(float(v).is_integer() for v in values)
