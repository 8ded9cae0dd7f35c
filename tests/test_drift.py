"""The population stability index, against scipy's relative entropy and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import rel_entr

from workshop_utils import drift


def test_psi_is_the_symmetric_relative_entropy_of_the_binned_shares():
    rng = np.random.default_rng(3)
    expected, actual = rng.lognormal(size=3000), rng.lognormal(0.3, 1.2, size=2000)
    cuts = drift.psi_cuts(expected)
    edges = np.concatenate([[-np.inf], cuts, [np.inf]])
    e = np.maximum(np.histogram(expected, edges)[0] / len(expected), drift.EMPTY_SHARE)
    a = np.maximum(np.histogram(actual, edges)[0] / len(actual), drift.EMPTY_SHARE)
    assert abs(drift.psi(expected, actual) - np.sum(rel_entr(a, e) + rel_entr(e, a))) < 1e-12
    assert drift.psi(expected, expected) == 0.0


def test_cuts_are_the_distinct_deciles_and_a_value_on_a_cut_goes_up():
    assert np.allclose(drift.psi_cuts(np.arange(1, 11)), np.quantile(np.arange(1, 11), np.arange(1, 10) / 10))
    codes = np.array([0, 0, 0, 1, 1, 2] * 10)
    assert drift.psi_cuts(codes).tolist() == np.unique(np.quantile(codes, np.arange(1, 10) / 10)).tolist() == [0, 0.5, 1, 2]
    assert drift.bin_shares([0, 1, 2], np.array([1.0])).tolist() == [1 / 3, 2 / 3]


def test_an_empty_bin_counts_as_a_small_share_not_zero():
    shares = drift.bin_shares([1.0, 1.0], np.array([0.0, 5.0]))
    assert shares.tolist() == [drift.EMPTY_SHARE, 1.0, drift.EMPTY_SHARE]
    assert np.isfinite(drift.psi(np.arange(100.0), np.full(50, 3.0)))


def test_the_table_reads_each_input_and_the_figure_has_a_bar_per_input():
    rng = np.random.default_rng(0)
    reference = pd.DataFrame({"same": rng.normal(size=4000), "moved": rng.normal(size=4000), "bit": rng.normal(size=4000)})
    current = pd.DataFrame({"same": rng.normal(size=2000), "moved": rng.normal(1.0, 1, 2000), "bit": rng.normal(0.3, 1, 2000)})
    table = drift.psi_table(reference, current, ["same", "moved", "bit"])
    assert table.index.tolist() == ["moved", "bit", "same"]
    assert table["reading"].tolist() == ["shifted", "watch", "stable"]
    figure = drift.plot_psi(table, "t")
    assert len(figure.axes[0].patches) == 3
