"""Profit counted by hand, the closing table in the ladder's order, and the pick rule."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workshop_utils import model_choice
from workshop_utils.cutoffs import decide
from workshop_utils.model_ladder import MODELS


def test_profit_by_hand_on_toy_data():
    y = np.array([0, 0, 0, 1, 1, 0, 1])
    p = np.array([0.1, 0.2, 0.6, 0.3, 0.9, 0.5, 0.05])
    # cutoff 0.5: approved rows 0, 1, 3, 6 -> payers 0, 1 (2 x 100), defaulters 3, 6 (2 x 300)
    assert model_choice.profit_at_cutoff(y, p, 0.5, gain_tn=100, loss_fn=300) == 2 * 100 - 2 * 300
    assert model_choice.profit_at_cutoff(y, p, 0.0, gain_tn=100, loss_fn=300) == 0.0
    assert model_choice.profit_at_cutoff(y, p, 1.5, gain_tn=100, loss_fn=300) == 4 * 100 - 3 * 300
    assumed = model_choice.PROFIT_MODEL
    assert model_choice.profit(y, decide(p, 0.5)) == 2 * assumed["gain_tn"] - 2 * assumed["loss_fn"]
    curve = model_choice.profit_curve(y, p, [0.0, 0.5, 1.5], gain_tn=100, loss_fn=300)
    assert curve.tolist() == [0.0, -400.0, -500.0] and curve.index.name == "cutoff"


def test_profit_does_not_change_its_inputs():
    y, p = pd.Series([0, 1, 0]), pd.Series([0.2, 0.8, 0.4])
    model_choice.profit_at_cutoff(y, p, 0.5)
    assert y.tolist() == [0, 1, 0] and p.tolist() == [0.2, 0.8, 0.4]


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
    return model_choice.closing_table(summary, **args)


def test_closing_table_has_one_row_per_rung():
    table = _table()
    assert table.index.tolist() == list(MODELS)
    assert table.loc["gbm", "transparency"] == "low" and table.loc["mgbm", "inputs"] == 13


def test_recommend_follows_its_rule():
    assert model_choice.recommend(_table())[0] == "mgbm"
    assert model_choice.recommend(_table(), auc_margin=0.1)[0] == "glm"
    assert model_choice.recommend(_table(), auc_margin=0.001)[0] == "gbm"
    unfair = _table(four_fifths={"glm": True, "mgbm": False, "gbm": True})
    pick, reason = model_choice.recommend(unfair)
    assert pick == "gbm" and "failing the four-fifths rule: mgbm" in reason
    nobody = _table(four_fifths={"glm": False, "mgbm": False, "gbm": False})
    assert model_choice.recommend(nobody)[0] == "none"


def _brute_force_cutoff(y, p, cost_fn, cost_fp):
    """Every candidate cutoff tried with scikit-learn's confusion matrix; ties to the lowest."""
    from sklearn.metrics import confusion_matrix

    best = None
    for cutoff in sorted([*np.unique(p), np.inf], reverse=True):
        _, fp, fn, _ = confusion_matrix(y, decide(p, cutoff), labels=[0, 1]).ravel()
        cost = cost_fn * fn + cost_fp * fp
        if best is None or cost <= best[1]:
            best = (float(cutoff), float(cost))
    return best


def test_min_cost_cutoff_matches_brute_force_and_roc_curve():
    from sklearn.metrics import roc_curve

    rng = np.random.default_rng(3)
    for trial in range(30):
        n = int(rng.integers(1, 60))
        y = rng.integers(0, 2, n)
        p = rng.uniform(size=n).round(int(rng.integers(1, 4)))  # rounding makes ties
        cost_fn, cost_fp = float(rng.integers(0, 10)), float(rng.integers(0, 10))
        got = model_choice.min_cost_cutoff(y, p, cost_fn, cost_fp)
        assert got == _brute_force_cutoff(y, p, cost_fn, cost_fp), trial
        if 0 < y.sum() < n:  # scikit-learn's ROC points give the same lowest cost
            fpr, tpr, _ = roc_curve(y, p, drop_intermediate=False)
            costs = cost_fp * fpr * (n - y.sum()) + cost_fn * (1 - tpr) * y.sum()
            assert np.isclose(got[1], costs.min())


def test_min_cost_cutoff_is_the_most_profitable_and_agrees_with_decision_cost():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 300)
    p = rng.uniform(size=300).round(2)
    cutoff, cost = model_choice.min_cost_cutoff(y, p)
    assert cost == model_choice.decision_cost(y, decide(p, cutoff))
    candidates = [*np.unique(p), np.inf]
    best_profit = max(model_choice.profit_at_cutoff(y, p, c) for c in candidates)
    assert model_choice.profit_at_cutoff(y, p, cutoff) == best_profit
    assert model_choice.min_cost_cutoff(y, p, cost_fn=0, cost_fp=1) == (np.inf, 0.0)  # decline nobody
    assert model_choice.min_cost_cutoff(y, p, cost_fn=1, cost_fp=0) == (float(p.min()), 0.0)  # decline all


def test_closing_table_can_add_the_worst_age_air_after_the_sex_air():
    table = _table(age_air={"glm": 0.9, "mgbm": 0.85, "gbm": 1.3})
    columns = table.columns.tolist()
    assert columns[columns.index("AIR female/male") + 1] == "worst AIR by age"
    assert table["worst AIR by age"].tolist() == [0.9, 0.85, 1.3]
    assert "worst AIR by age" not in _table().columns
