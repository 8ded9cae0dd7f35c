"""Adversarial search and random attack: checked against brute force, scikit-learn and shap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shap
from sklearn.inspection import partial_dependence as sk_partial_dependence
from sklearn.metrics import roc_auc_score

from workshop_utils import attacks, data, guards, pdp, shapley
from workshop_utils.cutoffs import best_f1_cutoff
from workshop_utils.plots import RISK_UP
from workshop_utils.xgboost_models import predict_default


@pytest.fixture(scope="module")
def ranges(parts):
    return attacks.training_ranges(parts.train, data.MODEL_INPUTS)


@pytest.fixture(scope="module")
def X(parts):
    return parts.test[data.MODEL_INPUTS].astype(float).iloc[:300]


def test_training_ranges_are_the_observed_min_and_max(parts, ranges):
    assert list(ranges.columns) == ["min", "max"] and list(ranges.index) == data.MODEL_INPUTS
    assert ranges.loc["PAY_0"].tolist() == [-2.0, 8.0]
    assert ranges.loc["LIMIT_BAL", "min"] == parts.train["LIMIT_BAL"].min()


def test_extended_grid_runs_past_both_ends():
    values = pd.Series(np.arange(100.0) * 1.5)
    grid = attacks.extended_grid(values, beyond=0.5, resolution=10)
    span = values.max() - values.min()
    assert grid.min() == values.min() - 0.5 * span and grid.max() == values.max() + 0.5 * span
    assert values.min() in grid and values.max() in grid and np.all(np.diff(grid) > 0)
    status = attacks.extended_grid(pd.Series([-2, 0, 3, 8]))
    assert np.array_equal(status, np.round(status)), "whole-number inputs get whole-number grids"


def test_ice_beyond_the_domain_matches_scikit_learn_and_is_flat(model, X, ranges):
    grid = attacks.extended_grid(X["LIMIT_BAL"], resolution=8)
    ice = pdp.ice_curves(predict_default(model), X, "LIMIT_BAL", grid)
    library = sk_partial_dependence(model, X, ["LIMIT_BAL"], kind="individual",
                                    custom_values={"LIMIT_BAL": grid})
    assert np.allclose(ice.to_numpy(), library["individual"][0], atol=1e-6)
    report = attacks.domain_report({"LIMIT_BAL": ice}, ranges)
    assert report.loc["LIMIT_BAL", "largest ICE move beyond the range"] == 0.0, "trees are flat beyond the data"


def test_domain_report_finds_the_steepest_step():
    curves = pd.DataFrame([[0.1, 0.1, 0.2, 0.3, 0.9, 0.9, 1.0]], columns=[-9.0, 0, 1, 2, 3, 4, 9])
    report = attacks.domain_report({"x": curves}, pd.DataFrame({"min": [0.0], "max": [4.0]}, index=["x"]))
    row = report.loc["x"]
    assert row["step from"] == 2 and row["step to"] == 3
    assert row["steepest PD step inside"] == pytest.approx(0.6)
    assert row["largest ICE move beyond the range"] == pytest.approx(0.1)


def test_small_changes_respect_the_budget_and_the_range(ranges):
    assert attacks.small_changes("PAY_0", 1, ranges) == [0.0, 2.0]
    assert attacks.small_changes("PAY_0", -2, ranges) == [-1.0], "never below the lowest status"
    assert attacks.small_changes("PAY_AMT1", 50_000, ranges) == [45_000.0, 47_500.0, 52_500.0, 55_000.0]
    assert attacks.small_changes("PAY_AMT1", 0, ranges) == [500.0, 1_000.0], "amounts never go negative"
    for value in attacks.small_changes("BILL_AMT1", 123_456, ranges):
        assert abs(value - 123_456) <= 0.1 * 123_456 + 1


def test_probes_rank_local_shapley_values_like_shap(model, X):
    ours = attacks.probe_inputs(shapley.xgb_contributions(model, X), k=3)
    values = pd.DataFrame(shap.TreeExplainer(model).shap_values(X), index=X.index, columns=X.columns)
    theirs = values.abs().apply(lambda row: row.nlargest(3).index.tolist(), axis=1, result_type="expand")
    agree = (ours.to_numpy() == theirs.to_numpy()).all(axis=1).mean()
    assert agree > 0.97, "ties at single precision may reorder a few rows, nothing more"
    assert shapley.BIAS not in set(ours.to_numpy().ravel())


def test_best_change_picks_the_extreme_candidate_first_on_ties():
    def predict(f):
        return (f["x"] / 10).to_numpy()
    row = pd.Series({"x": 5.0, "z": 1.0})
    assert attacks.best_change(predict, row, "x", [4.0, 6.0], raise_risk=True) == (6.0, 0.6)
    assert attacks.best_change(predict, row, "x", [4.0, 6.0], raise_risk=False) == (4.0, 0.4)
    assert attacks.best_change(lambda f: np.zeros(len(f)), row, "x", [3.0, 1.0], True) == (3.0, 0.0)
    assert row.to_dict() == {"x": 5.0, "z": 1.0}


def test_adversarial_search_agrees_with_brute_force(model, parts, X, ranges):
    predict = predict_default(model)
    cutoff, _ = best_f1_cutoff(parts.valid[data.TARGET], predict(parts.valid))
    probes = attacks.probe_inputs(shapley.xgb_contributions(model, X), k=3)
    before = X.copy()
    result = attacks.adversarial_search(predict, X, probes, cutoff, ranges)
    pd.testing.assert_frame_equal(X, before)
    assert result.index.equals(X.index)
    scores = predict(X)
    for position, label in enumerate(X.index[:60]):
        raise_risk = scores[position] < cutoff
        best = [attacks.best_change(predict, X.loc[label], name, options, raise_risk)
                for name in probes.loc[label]
                if (options := attacks.small_changes(name, X.at[label, name], ranges))]
        probabilities = [p for _, p in best]
        extreme = max(probabilities) if raise_risk else min(probabilities)
        assert result.at[label, "after"] == pytest.approx(extreme, abs=1e-6)
    flipped = (result["before"] >= cutoff) != (result["after"] >= cutoff)
    assert result["flipped"].equals(flipped)
    assert result["adversarial"].equals(flipped & (result["toward"] >= attacks.BIG_MOVE))
    assert (result["toward"] >= 0).all(), "a customer's own value is never worse than nothing"


def test_adversarial_search_on_a_toy_cliff():
    X = pd.DataFrame({"PAY_0": [1.0, 0.0, 5.0]}, index=["a", "b", "c"])
    ranges = pd.DataFrame({"min": [-2.0], "max": [8.0]}, index=["PAY_0"])
    def cliff(f):
        return np.where(f["PAY_0"] >= 2, 0.7, 0.1)
    result = attacks.adversarial_search(cliff, X, pd.DataFrame({1: ["PAY_0"] * 3}, index=X.index), 0.5, ranges)
    assert result["adversarial"].tolist() == [True, False, False]
    assert result.loc["a", ["new", "after"]].tolist() == [2.0, 0.7]


def test_random_attack_is_seeded_and_shaped(ranges):
    rows = attacks.random_attack(ranges, 300)
    again = attacks.random_attack(ranges, 300)
    pd.testing.assert_frame_equal(rows, again)
    assert rows["kind"].value_counts().to_dict() == {"inside": 100, "beyond": 100, "missing": 100}
    values = rows[ranges.index]
    outside = values.lt(ranges["min"], axis=1) | values.gt(ranges["max"], axis=1)
    inside = rows["kind"] == "inside"
    assert not outside[inside].to_numpy().any() and values[inside].notna().all().all()
    assert outside[rows["kind"] == "beyond"].any(axis=1).all()
    missing = values[rows["kind"] == "missing"].isna().sum(axis=1)
    assert missing.between(1, 3).all() and not values[rows["kind"] != "missing"].isna().any().any()
    status = values[data.PAY_STATUS].dropna()
    assert np.array_equal(status, np.round(status))
    assert not attacks.random_attack(ranges, 300, seed=1).equals(rows)


def test_flag_odd_applies_each_rule():
    rows = pd.DataFrame({"x": [0.5, 2.0, np.nan, -1.0, np.nan]})
    def predict(f):
        return f["x"].fillna(0.95).clip(0, 1).to_numpy()
    impossible = pd.Series([False, False, False, True, False])
    flags = attacks.flag_odd(predict, rows, np.array([0.1, 0.9]), pd.Series({"x": 0.5}), impossible)
    assert list(flags.columns) == list(attacks.ODD_RULES)
    assert flags.to_numpy().tolist() == [
        [False, False, False],  # an ordinary row
        [True, False, False],   # scored 1.0: above every real customer
        [True, True, False],    # blank scored 0.95, but 0.5 with the fill
        [True, False, True],    # impossible, yet scored (0.0, below every real customer)
        [True, True, False],
    ]
    def refused(f):
        return np.full(len(f), np.nan)
    assert not attacks.flag_odd(refused, rows, np.array([0.1, 0.9]), pd.Series({"x": 0.5}), impossible).any().any()


def test_decisions_changed_by_missing():
    def predict(f):
        return f["x"].fillna(9).to_numpy() / 10
    X = pd.DataFrame({"x": [1.0, 6.0, 2.0, 9.0]})
    assert attacks.decisions_changed_by_missing(predict, X, "x", 0.5) == 0.5
    assert X["x"].tolist() == [1.0, 6.0, 2.0, 9.0]


def test_attack_bench_measures_consistently(model, parts, ranges):
    X = parts.test[data.MODEL_INPUTS].astype(float).iloc[:500]
    y = parts.test[data.TARGET].iloc[:500]
    attack = attacks.random_attack(ranges, 90)
    bench = attacks.AttackBench(X, y, parts.valid[data.MODEL_INPUTS], parts.valid[data.TARGET], ranges,
                                attack, guards.check_rows(attack, ranges)["impossible"],
                                parts.train[data.MODEL_INPUTS].median())
    predict = predict_default(model)
    measures = bench.measure(predict)
    cutoff, _ = best_f1_cutoff(parts.valid[data.TARGET], predict(parts.valid))
    assert measures["AUC"] == pytest.approx(roc_auc_score(y, predict(X)))
    assert measures["decisions changed by blank PAY_0"] == pytest.approx(
        attacks.decisions_changed_by_missing(predict, X, "PAY_0", cutoff))
    # tampering: brute force over one PAY_0 step either way, inside the training range
    before = predict(X)
    moves = []
    for step in (-1, 1):
        after = predict(X.assign(PAY_0=X["PAY_0"] + step))
        inside = (X["PAY_0"] + step).between(ranges.loc["PAY_0", "min"], ranges.loc["PAY_0", "max"]).to_numpy()
        toward = np.where(before >= cutoff, before - after, after - before)
        moves.append(np.where(inside & ((before >= cutoff) != (after >= cutoff)), toward, -np.inf))
    assert measures["flips by one PAY_0 step"] == int((np.max(moves, axis=0) >= attacks.BIG_MOVE).sum()) > 0
    assert 0 <= measures["attack rows flagged"] <= 90


def test_demographic_search_counts_flips_like_brute_force(parts):
    records = parts.test[[*data.MODEL_INPUTS, *data.DEMOGRAPHICS]].astype(float).iloc[:400]

    def predict(rows):
        return (0.3 + 0.05 * (rows["SEX"] == 2) + 0.004 * (rows["AGE"] - 35) + 0.02 * rows["EDUCATION"]).to_numpy()

    table = attacks.demographic_search(predict, records, 0.35)
    assert list(table.index) == [*attacks.DEMOGRAPHIC_CHANGES, "any of these (customers)"]
    before = predict(records)
    any_flip = np.zeros(len(records), dtype=bool)
    for name, change in attacks.DEMOGRAPHIC_CHANGES.items():
        after = predict(change(records))
        flips = (before >= 0.35) != (after >= 0.35)
        any_flip |= flips
        assert table.loc[name].tolist() == pytest.approx([flips.sum(), np.abs(after - before).max()])
    assert table.loc["any of these (customers)", "decisions flipped"] == any_flip.sum() > 0
    changed = attacks.DEMOGRAPHIC_CHANGES["SEX swapped"](records)
    assert set(changed["SEX"]) == {1.0, 2.0} and (changed["SEX"] != records["SEX"]).all()
    older = attacks.DEMOGRAPHIC_CHANGES["AGE + 10 years"](records)
    assert older["AGE"].max() == records["AGE"].max(), "ages stay inside those the records hold"
    blind = attacks.demographic_search(lambda rows: predict(rows.assign(SEX=1, AGE=35, EDUCATION=2)), records, 0.35)
    assert (blind.to_numpy() == 0).all(), "a model that ignores the demographics flips nothing"


def test_adversary_surface_is_every_pair_scored(model, X):
    predict = predict_default(model)
    row = X.iloc[0]
    xs, ys = [0.0, 1_000.0, 50_000.0], [0.0, 5_000.0]
    surface = attacks.adversary_surface(predict, row, ("PAY_AMT1", xs), ("BILL_AMT1", ys))
    assert surface.shape == (2, 3) and surface.columns.name == "PAY_AMT1" and surface.index.name == "BILL_AMT1"
    for y_value in ys:
        for x_value in xs:
            one = row.to_frame().T.astype(float).assign(PAY_AMT1=x_value, BILL_AMT1=y_value)
            assert surface.loc[y_value, x_value] == pytest.approx(float(predict(one)[0]), abs=1e-6)


def test_budget_grid_spans_the_small_change_budget(ranges):
    grid = attacks.budget_grid("LIMIT_BAL", 200_000.0, ranges, points=5)
    assert grid.tolist() == [180_000.0, 190_000.0, 200_000.0, 210_000.0, 220_000.0]
    low = attacks.budget_grid("PAY_AMT1", 0.0, ranges, points=5)
    assert low.tolist() == [0.0, 500.0, 1_000.0], "NT$1,000 either way, clipped at the training minimum"
    assert set(attacks.small_changes("PAY_AMT1", 0.0, ranges)) <= set(low)


def test_single_input_probes_send_every_row_to_one_input(model, X, ranges):
    probes = attacks.single_input_probes(X.index, "PAY_0")
    result = attacks.adversarial_search(predict_default(model), X, probes, 0.3, ranges)
    assert set(result["feature"].dropna()) == {"PAY_0"}
    assert result["new"].dropna().sub(result["old"].dropna()).abs().eq(1).all()


def test_adversary_surface_plot_draws_the_cutoff_the_customer_and_the_box():
    surface = pd.DataFrame([[0.1, 0.5], [0.2, 0.6]], index=pd.Index([0.0, 2_000.0], name="b"),
                           columns=pd.Index([0.0, 30_000.0], name="a"))
    figure = attacks.plot_adversary_surface(surface, pd.Series({"a": 20_000.0, "b": 0.0}), 0.3, "t")
    axes = figure.axes[0]
    (box,) = axes.patches
    assert (box.get_x(), box.get_width(), box.get_y(), box.get_height()) == (18_000.0, 4_000.0, -1_000.0, 2_000.0)
    assert axes.collections[-1].get_offsets().tolist() == [[20_000.0, 0.0]]
    assert [text.get_text() for text in axes.get_legend().get_texts()] == [
        "cutoff 0.300", "small-change budget", "the customer"]
    assert axes.get_xscale() == "symlog" and axes.get_title() == "t"


def test_extended_ice_shades_what_lies_outside_the_training_range(model, parts, ranges):
    X = parts.test[data.MODEL_INPUTS].astype(float).iloc[:50]
    grid = attacks.extended_grid(parts.train["PAY_0"])
    ice = pdp.ice_curves(predict_default(model), X, "PAY_0", grid)
    figure = attacks.plot_extended_ice({"PAY_0": (ice.mean(), ice.iloc[:3])}, parts.test, ranges)
    assert figure.get_size_inches().tolist() == [12.0, 3.6]
    panel, unused, _histogram = figure.axes
    assert panel.get_visible() and not unused.get_visible(), "one input, two columns: one panel hidden"
    assert len(panel.lines) == 4, "three ICE curves and the partial dependence"
    assert np.allclose(panel.lines[-1].get_xdata(), grid) and np.allclose(panel.lines[-1].get_ydata(), ice.mean())
    assert np.allclose(panel.lines[0].get_ydata(), ice.iloc[0])
    shaded = [(span.get_x(), span.get_x() + span.get_width()) for span in panel.patches]
    assert shaded == [(grid.min(), -2.0), (8.0, grid.max())], "below and above PAY_0's training range"
    assert panel.get_xlim() == (grid.min(), grid.max())
    assert [text.get_text() for text in figure.legends[0].get_texts()] == ["partial dependence",
                                                                         "outside training data"]


def test_adversarial_plot_puts_each_customer_at_before_and_after():
    result = pd.DataFrame({"feature": ["PAY_0", None], "before": [0.6, 0.1], "after": [0.2, 0.1],
                           "adversarial": [True, False]})
    axes = attacks.plot_adversarial(result, 0.3, "t").axes[0]
    assert [points.get_offsets().tolist() for points in axes.collections] == [[[0.1, 0.1]], [[0.6, 0.2]]]
    assert [text.get_text() for text in axes.get_legend().get_texts()] == [
        "best change, not adversarial", "adversarial via PAY_0", "cutoff 0.300"]
    assert axes.lines[1].get_xdata() == [0.3, 0.3] and axes.lines[2].get_ydata() == [0.3, 0.3]
    assert axes.get_title() == "t"


def test_random_attack_plot_has_one_strip_per_kind_and_flags_in_red():
    from matplotlib.colors import to_hex

    scores = pd.Series([0.1, 0.5, 0.7])
    kinds = pd.Series(["inside", "beyond", "missing"])
    axes = attacks.plot_random_attack(scores, kinds, pd.Series([False, True, False]),
                                      np.array([0.05, 0.9]), "t").axes[0]
    strips = axes.collections[:3]
    assert [points.get_offsets()[0, 0] for points in strips] == [0.1, 0.5, 0.7]
    assert [to_hex(points.get_facecolors()[0]) for points in strips] == ["#999999", RISK_UP, "#999999"]
    assert [label.get_text() for label in axes.get_yticklabels()] == [
        "inside\n(1 rows)", "beyond\n(1 rows)", "missing\n(1 rows)"]
    (real,) = axes.patches
    assert (real.get_x(), real.get_x() + real.get_width()) == pytest.approx((0.05, 0.9))
