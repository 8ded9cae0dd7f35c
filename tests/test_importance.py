"""Importances side by side: the permutation table against scikit-learn's own result and a
t-interval computed by hand, rank agreement against scipy's Kendall's tau and a brute-force
count of concordant pairs, and the figure."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression

from workshop_utils import importance


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(800, 4)), columns=["w", "x", "y", "z"])
    target = (X["w"] * 2 + X["x"] + rng.normal(size=800) > 0).astype(int)
    model = LogisticRegression().fit(X, target)
    return model, X, target


def test_permutation_table_matches_scikit_learn(fitted):
    model, X, target = fitted
    found = permutation_importance(model, X, target, scoring="roc_auc", n_repeats=6, random_state=1)
    table = importance.permutation_table(found.importances, X.columns)
    assert table.index[0] == "w" and table["mean"].is_monotonic_decreasing
    assert np.allclose(table.loc[list(X.columns), "mean"], found.importances_mean)
    assert np.allclose(table.loc[list(X.columns), "std"], found.importances_std)
    from scipy import stats

    drops = found.importances[0]
    half = stats.t.ppf(0.975, 5) * drops.std(ddof=1) / np.sqrt(6)
    assert table.loc["w", "low"] == pytest.approx(drops.mean() - half)
    assert table.loc["w", "high"] == pytest.approx(drops.mean() + half)


def test_one_repeat_has_no_interval():
    table = importance.permutation_table(np.array([[0.2], [0.1]]), ["a", "b"])
    assert (table["low"] == table["mean"]).all() and (table["high"] == table["mean"]).all()


def brute_tau(a: list[float], b: list[float]) -> float:
    """Kendall's tau-a by counting concordant and discordant pairs (no ties)."""
    pairs = list(itertools.combinations(range(len(a)), 2))
    sign = sum(np.sign(a[i] - a[j]) * np.sign(b[i] - b[j]) for i, j in pairs)
    return float(sign / len(pairs))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rank_agreement_is_kendalls_tau(seed):
    rng = np.random.default_rng(seed)
    names = [f"v{i}" for i in range(12)]
    a = pd.Series(rng.random(12), index=names)
    b = pd.Series(rng.random(12), index=names[::-1])  # another order: aligned by name
    expected = brute_tau(a.tolist(), b.reindex(names).tolist())
    assert importance.rank_agreement(a, b) == pytest.approx(expected)


def test_rank_agreement_needs_the_same_inputs():
    with pytest.raises(ValueError, match="same inputs"):
        importance.rank_agreement(pd.Series({"a": 1.0, "b": 2.0}), pd.Series({"a": 1.0, "c": 2.0}))


def test_agreement_table_is_symmetric_with_ones_on_the_diagonal():
    rng = np.random.default_rng(4)
    series = {name: pd.Series(rng.random(6), index=list("abcdef")) for name in ("P", "S", "E")}
    table = importance.agreement_table(series)
    assert np.allclose(np.diag(table), 1.0) and np.allclose(table, table.T)


def test_ranks_put_the_largest_first_and_order_by_the_first():
    table = importance.ranks({"A": pd.Series({"x": 0.1, "y": 0.3, "z": 0.2}),
                              "B": pd.Series({"x": 3.0, "y": 1.0, "z": 2.0})})
    assert table.index.tolist() == ["y", "z", "x"]
    assert table["A"].tolist() == [1, 2, 3] and table["B"].tolist() == [3, 2, 1]


def test_plot_importances_shares_one_order_and_shows_intervals(fitted):
    model, X, target = fitted
    found = permutation_importance(model, X, target, scoring="roc_auc", n_repeats=4, random_state=1)
    table = importance.permutation_table(found.importances, X.columns)
    other = pd.Series({"w": 0.1, "x": 0.3, "y": 0.0, "z": 0.2})
    figure = importance.plot_importances(table, {"other": other}, {"other": "units"}, "drop in AUC")
    first, second = figure.axes[:2]
    labels = [t.get_text() for t in first.get_yticklabels()]
    assert labels == table.index[::-1].tolist(), "largest permutation importance on top"
    assert [bar.get_width() for bar in second.patches] == pytest.approx(other.reindex(labels).tolist())
    bars = next(c for c in first.containers if hasattr(c, "errorbar"))
    (segments,) = bars.errorbar.lines[2]
    widths = [abs(s[1][0] - s[0][0]) for s in segments.get_segments()]
    assert widths == pytest.approx((table["high"] - table["low"])[::-1].tolist()), "the intervals"
    assert first.get_title() == "permutation" and second.get_xlabel() == "units"
    assert figure.get_size_inches()[0] <= 10.5
