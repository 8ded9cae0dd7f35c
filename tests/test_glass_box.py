"""The EBM helpers against interpret itself: shape functions read from the lookup tables agree
with the EBM's own term scores (``eval_terms``) and add up to its log-odds; monotonize leaves the
original alone and makes every chosen shape keep its direction; pair tables match the EBM's;
the figures draw what they say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from workshop_utils import glass_box, plots


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    """Synthetic rows: risk rises with a (with a dip the EBM will learn), falls with b, and a
    times c interact; d is noise."""
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"a": rng.normal(size=3000).round(2), "b": rng.integers(-2, 9, size=3000).astype(float),
                      "c": rng.normal(size=3000), "d": rng.normal(size=3000)})
    margin = X["a"] - 0.3 * X["b"] + 0.8 * X["a"] * X["c"] + 0.6 * np.sin(4 * X["a"])
    return X.assign(y=(rng.random(3000) < 1 / (1 + np.exp(-margin))).astype(int))


@pytest.fixture(scope="module")
def ebm(rows: pd.DataFrame):
    return glass_box.fit_ebm(rows, ["a", "b", "c", "d"], "y", outer_bags=2, interactions=2)


def lookup(shape: pd.DataFrame, values: np.ndarray) -> np.ndarray:
    """Brute force: the score of the bin whose [lower, upper) holds each value (the last bin
    also holds everything above it, the first everything below)."""
    out = []
    for value in values:
        inside = shape.index[(shape["lower"] <= value) & (value < shape["upper"])]
        slot = inside[0] if len(inside) else (0 if value < shape["lower"].iloc[0] else shape.index[-1])
        out.append(shape.loc[slot, "score"])
    return np.array(out)


def test_the_settings_are_fixed():
    assert glass_box.EBM_PARAMS["random_state"] == 12345 and glass_box.EBM_PARAMS["n_jobs"] == 2


def test_shape_function_agrees_with_the_ebm_own_term_scores(ebm, rows):
    shape = glass_box.shape_function(ebm, "a")
    assert list(shape.columns) == ["lower", "upper", "score", "sd", "rows"]
    assert shape["lower"].iloc[0] == rows["a"].min() and shape["upper"].iloc[-1] == rows["a"].max()
    assert (shape["upper"].to_numpy() >= shape["lower"].to_numpy()).all()
    values = np.r_[rows["a"].iloc[:200].to_numpy(), shape["lower"].iloc[1:20].to_numpy(), -99.0, 99.0]
    frame = pd.DataFrame({"a": values, "b": 0.0, "c": 0.0, "d": 0.0})
    library = ebm.eval_terms(frame)[:, list(ebm.term_names_).index("a")]
    assert np.allclose(lookup(shape, values), library), "a value on a cut point belongs to the bin above"


def test_the_rows_per_bin_are_the_training_counts(ebm, rows):
    shape = glass_box.shape_function(ebm, "b")
    assert shape["rows"].sum() == pytest.approx(len(rows) * 1.0)


def test_terms_add_up_to_the_log_odds(ebm, rows):
    X = rows[["a", "b", "c", "d"]].iloc[:50]
    probability = ebm.predict_proba(X)[:, 1]
    assert np.allclose(ebm.intercept_[0] + ebm.eval_terms(X).sum(axis=1), np.log(probability / (1 - probability)))


def test_term_importance_is_interprets_and_split_into_main_and_pairs(ebm):
    terms = glass_box.term_importance(ebm)
    assert dict(terms) == pytest.approx(dict(zip(ebm.term_names_, ebm.term_importances())))
    assert terms.is_monotonic_decreasing
    assert set(glass_box.main_terms(terms).index) == {"a", "b", "c", "d"}
    assert len(glass_box.pair_terms(terms)) == 2 and all(" & " in n for n in glass_box.pair_terms(terms).index)


def test_term_importance_is_the_mean_absolute_score_over_training_rows(ebm, rows):
    scores = ebm.eval_terms(rows[["a", "b", "c", "d"]])
    assert glass_box.term_importance(ebm)["a"] == pytest.approx(np.abs(scores[:, 0]).mean())


def test_monotonize_keeps_the_original_and_fixes_every_direction(ebm):
    directions = {"a": 1, "b": -1, "c": 0}
    before = [scores.copy() for scores in ebm.term_scores_]
    assert glass_box.shape_violations(ebm, {"a": 1})["a"] > 0, "the dip makes a step against"
    changed = glass_box.monotonize(ebm, directions)
    assert all(np.array_equal(a, b) for a, b in zip(before, ebm.term_scores_)), "the original is untouched"
    after = glass_box.shape_violations(changed, directions)
    assert (after == 0).all()
    c = list(ebm.term_names_).index("c")
    assert np.array_equal(changed.term_scores_[c], ebm.term_scores_[c]), "direction 0 leaves an input alone"
    pair = next(i for i, name in enumerate(ebm.term_names_) if " & " in name)
    assert np.array_equal(changed.term_scores_[pair], ebm.term_scores_[pair]), "pairs are not changed"
    assert glass_box.shape_function(changed, "a")["sd"].isna().all()


def test_shape_violations_against_monotonic_adverse_step(ebm):
    shape = glass_box.shape_function(ebm, "a")["score"].to_numpy()
    worst = max(0.0, float(-np.diff(shape).min()))
    assert glass_box.shape_violations(ebm, {"a": 1})["a"] == pytest.approx(worst)


def test_pair_surface_matches_the_ebm_scores(ebm, rows):
    term = glass_box.pair_terms(glass_box.term_importance(ebm)).index[0]
    surface = glass_box.pair_surface(ebm, term)
    first, second = surface.index.name, surface.columns.name
    assert term == f"{first} & {second}"
    assert surface.index[0] == rows[first].min() and surface.columns[0] == rows[second].min()
    index = list(ebm.term_names_).index(term)
    X = rows[["a", "b", "c", "d"]].iloc[:100]
    slot = [np.searchsorted(surface.index.to_numpy(), X[first], side="right") - 1,
            np.searchsorted(surface.columns.to_numpy(), X[second], side="right") - 1]
    assert np.allclose(surface.to_numpy()[slot[0], slot[1]], ebm.eval_terms(X)[:, index])


def test_plot_shape_functions_draws_one_panel_per_input_and_colours_the_risk(ebm, rows):
    figure = glass_box.plot_shape_functions({"EBM": ebm}, ["a", "b"], rows, columns=2)
    first = figure.axes[0]
    assert [a.get_title() for a in figure.axes] == ["a", "b"]
    shape = glass_box.shape_function(ebm, "a")
    assert np.allclose(first.lines[0].get_ydata()[:-1], shape["score"])
    colours = {to_hex(c.get_facecolor()[0], keep_alpha=False) for c in first.collections}
    assert {plots.RISK_UP, plots.RISK_DOWN} <= colours
    assert first.get_xlim()[1] == pytest.approx(rows["a"].quantile(0.99))


def test_plot_shape_functions_compares_models_with_a_legend(ebm, rows):
    changed = glass_box.monotonize(ebm, {"a": 1})
    figure = glass_box.plot_shape_functions({"fitted": ebm, "monotonized": changed}, ["a"], rows)
    axes = figure.axes[0]
    assert [line.get_label() for line in axes.lines[:2]] == ["fitted", "monotonized"]
    assert axes.get_legend() is not None


def test_plot_pair_is_a_heat_map_centred_on_zero(ebm, rows):
    term = glass_box.pair_terms(glass_box.term_importance(ebm)).index[0]
    figure = glass_box.plot_pair(ebm, term, rows)
    mesh = figure.axes[0].collections[0]
    low, high = mesh.get_clim()
    assert low == pytest.approx(-high) and figure.axes[0].get_title() == f"Interaction {term}"
    assert figure.get_size_inches()[0] <= 7.2
