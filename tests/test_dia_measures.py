"""The disparity measures against closed forms and fairlearn: the AIR's interval is Katz's log
interval, the marginal effect is fairlearn's demographic parity difference (in points), the
standardised mean difference is Cohen's d, and the band verdict follows the interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import demographic_parity_difference
from scipy.stats import norm

from workshop_utils import dia
from workshop_utils.dia_measures import air_interval, disparity_measures, plot_air_intervals, standardised_mean_difference

RNG = np.random.default_rng(7)
GROUPS = RNG.choice(["a", "b", "c"], size=3000, p=[0.6, 0.35, 0.05])
PROBABILITY = np.clip(RNG.beta(2, 5, size=3000) + 0.08 * (GROUPS == "b"), 0, 1)
DECISION = (PROBABILITY >= 0.35).astype(int)


def katz(y_pred, groups, protected, reference, level=0.95):
    """Katz's log interval for a ratio of two proportions, written out."""
    favoured = np.asarray(y_pred) == 0
    x1, n1 = favoured[groups == protected].sum(), (groups == protected).sum()
    x2, n2 = favoured[groups == reference].sum(), (groups == reference).sum()
    ratio = (x1 / n1) / (x2 / n2)
    spread = norm.ppf(0.5 + level / 2) * np.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    return ratio, ratio * np.exp(-spread), ratio * np.exp(spread)


@pytest.mark.parametrize("protected", ["b", "c"])
@pytest.mark.parametrize("level", [0.9, 0.95])
def test_the_interval_is_katzs(protected, level):
    assert air_interval(DECISION, GROUPS, protected, "a", level) == pytest.approx(katz(DECISION, GROUPS, protected, "a", level))
    assert air_interval(DECISION, GROUPS, protected, "a")[0] == pytest.approx(
        dia.adverse_impact_ratio(DECISION, GROUPS, protected, "a"))


def test_a_small_group_has_a_wider_interval():
    table = disparity_measures(DECISION, PROBABILITY, GROUPS, "a")
    width = table["high"] - table["low"]
    assert width["c"] > 2 * width["b"] and "a" not in table.index, "the reference is not compared with itself"


def test_the_marginal_effect_is_fairlearns_parity_difference_in_points():
    table = disparity_measures(DECISION, PROBABILITY, GROUPS, "a")
    for group in ("b", "c"):
        rows = np.isin(GROUPS, [group, "a"])
        gap = demographic_parity_difference(DECISION[rows], DECISION[rows], sensitive_features=GROUPS[rows])
        assert abs(table.loc[group, "marginal effect"]) == pytest.approx(100 * gap)
    assert table.loc["b", "marginal effect"] < 0, "b is riskier, so favoured less often"


def test_the_standardised_mean_difference_is_cohens_d():
    first, second = PROBABILITY[GROUPS == "b"], PROBABILITY[GROUPS == "a"]
    pooled = np.sqrt(((len(first) - 1) * np.var(first, ddof=1) + (len(second) - 1) * np.var(second, ddof=1))
                     / (len(first) + len(second) - 2))
    assert standardised_mean_difference(PROBABILITY, GROUPS, "b", "a") == pytest.approx(
        (first.mean() - second.mean()) / pooled)
    assert standardised_mean_difference(PROBABILITY, GROUPS, "a", "a") == 0.0


def test_the_band_verdict_follows_the_interval():
    big = np.array(["p"] * 2000 + ["r"] * 2000)
    half = np.r_[np.tile([0, 1], 1000), np.zeros(2000, int)]  # p favoured half as often as r
    same = np.zeros(4000, int)
    tiny = np.array(["p"] * 5 + ["r"] * 2000)
    assert disparity_measures(half, half * 0.5, big, "r").loc["p", "band"] == "outside"
    assert disparity_measures(same, RNG.random(4000), big, "r").loc["p", "band"] == "inside"
    assert disparity_measures(np.r_[[0, 0, 0, 1, 1], np.zeros(2000, int)], RNG.random(2005), tiny,
                              "r").loc["p", "band"] == "unclear"


def test_an_unknown_group_is_named():
    with pytest.raises(KeyError, match="'z' does not occur"):
        air_interval(DECISION, GROUPS, "z", "a")


def test_the_plot_has_a_row_per_group():
    tables = {"G": disparity_measures(DECISION, PROBABILITY, pd.Series(GROUPS, name="G"), "a")}
    fig = plot_air_intervals(tables, "test")
    assert len(fig.axes[0].get_yticks()) == 2 and fig.get_size_inches()[0] <= 7.2
