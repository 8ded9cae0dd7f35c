"""Paired residual comparisons and bootstrap intervals behave as documented, and their figures
draw the compared numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

from workshop_utils import residual_comparison
from workshop_utils.plots import RISK_DOWN, RISK_UP


def test_comparison_and_much_worse():
    table = residual_comparison.compare_residuals(pd.Series([0.1, 2.5, 1.5]), pd.Series([0.2, 0.9, 1.0]), names=("a", "b"))
    assert list(table.columns) == ["a", "b", "difference"]
    assert np.allclose(table["difference"], [-0.1, 1.6, 0.5])
    assert residual_comparison.much_worse(table, margin=1.0).index.tolist() == [1]


def test_bootstrap_interval_covers_a_known_shift():
    rng = np.random.default_rng(1)
    first = rng.normal(0.5, 1.0, 2000)
    second = first - 0.2 + rng.normal(0, 0.1, 2000)
    result = residual_comparison.bootstrap_difference(first, second)
    assert np.isclose(result["mean"], np.mean(first - second))
    assert result["low"] < 0.2 < result["high"] and result["high"] - result["low"] < 0.02
    assert result.equals(residual_comparison.bootstrap_difference(first, second)), "seeded"


def test_bootstrap_by_group_matches_each_group():
    first = pd.Series([1.0, 2.0, 3.0, 5.0], index=list("abcd"))
    second = pd.Series([1.0, 1.0, 1.0, 1.0], index=list("abcd"))
    groups = pd.Series(["x", "y", "x", "y"], index=list("abcd"))
    table = residual_comparison.bootstrap_by_group(first, second, groups)
    assert table.index.tolist() == ["all", "x", "y"]
    assert table.loc["y", "mean"] == residual_comparison.bootstrap_difference([2.0, 5.0], [1.0, 1.0])["mean"] == 2.5


def test_residual_comparison_scatters_each_outcome_against_the_diagonal():
    table = residual_comparison.compare_residuals(pd.Series([0.1, 2.5, 0.4]), pd.Series([0.2, 0.9, 0.3]))
    axes = residual_comparison.plot_residual_comparison(table, [0, 1, 0], margin=0.5).axes[0]
    no_default, default = axes.collections
    # x: the GLM's residual, y: the GBM's, one colour per actual outcome
    assert np.allclose(no_default.get_offsets(), [[0.2, 0.1], [0.3, 0.4]])
    assert np.allclose(default.get_offsets(), [[0.9, 2.5]])
    assert to_hex(no_default.get_facecolor()[0]) == RISK_DOWN and to_hex(default.get_facecolor()[0]) == RISK_UP
    diagonal, band = axes.get_lines()
    top = 2.5 * 1.05
    assert np.allclose(diagonal.get_xydata(), [[0, 0], [top, top]])
    assert np.allclose(band.get_xydata(), [[0, 0.5], [top - 0.5, top]])
    assert axes.get_title() == "Row by row: GBM against GLM residuals"


def test_difference_intervals_one_marker_per_group_and_table():
    intervals = pd.DataFrame({"mean": [0.1, -0.1], "low": [0.0, -0.2], "high": [0.2, 0.05]}, index=["all", "g"])
    axes = residual_comparison.plot_difference_intervals({"fix": intervals, "other": intervals * 2}, "t").axes[0]
    assert len(axes.containers) == 2, "one error-bar series per table"
    markers = axes.containers[0].lines[0]
    assert np.allclose(markers.get_xdata(), [0.1, -0.1])
    ticks = {label.get_text(): label.get_position()[1] for label in axes.get_yticklabels()}
    assert ticks == {"all": 1, "g": 0}, "the first group on top"
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["fix", "other"]
    assert axes.get_title() == "t"
