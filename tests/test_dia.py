"""Disparate impact analysis: hand-computed toy cases, and agreement with scikit-learn and
fairlearn (MetricFrame with its own rate functions) on a real model's decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
)

from workshop_utils import cutoffs, data, dia
from workshop_utils.xgboost_models import predict_default

# Toy data, checked by hand:
#   group a: y_true 1 1 0 0 0, y_pred 1 0 1 0 0  -> tp 1, fn 1, fp 1, tn 2
#   group b: y_true 1 0 0,     y_pred 1 1 0      -> tp 1, fn 0, fp 1, tn 1
TOY_TRUE = [1, 1, 0, 0, 0, 1, 0, 0]
TOY_PRED = [1, 0, 1, 0, 0, 1, 1, 0]
TOY_GROUPS = pd.Series(list("aaaaabbb"), name="G")


@pytest.fixture(scope="module")
def decisions(parts, model):
    """Real model output: the constrained XGBoost model's decisions at the F1-optimal
    validation cutoff, on the test rows, with the readable groups."""
    predict = predict_default(model)
    cutoff, _ = cutoffs.best_f1_cutoff(parts.valid[data.TARGET].to_numpy(), predict(parts.valid))
    y_pred = pd.Series(cutoffs.decide(predict(parts.test), cutoff), index=parts.test.index)
    return parts.test[data.TARGET], y_pred, dia.protected_groups(parts.test)


def library_rates(y_true, y_pred, groups) -> pd.DataFrame:
    """The ten rates per group, straight from fairlearn's MetricFrame and its rate functions."""
    metrics = {
        "n": count,
        "prevalence": lambda t, p: selection_rate(t, t),
        "accuracy": accuracy_score,
        "tpr": true_positive_rate,
        "precision": lambda t, p: precision_score(t, p, zero_division=np.nan),
        "specificity": true_negative_rate,
        "npv": lambda t, p: precision_score(t, p, pos_label=0, zero_division=np.nan),
        "fpr": false_positive_rate,
        "fdr": lambda t, p: 1 - precision_score(t, p, zero_division=np.nan),
        "fnr": false_negative_rate,
        "for": lambda t, p: 1 - precision_score(t, p, pos_label=0, zero_division=np.nan),
    }
    frame = MetricFrame(metrics=metrics, y_true=np.asarray(y_true), y_pred=np.asarray(y_pred),
                        sensitive_features=np.asarray(groups))
    return frame.by_group


# ---------------------------------------------------------------------------------------------
# Hand-computed toy cases
# ---------------------------------------------------------------------------------------------

def test_confusion_by_group_toy():
    counts = dia.confusion_by_group(TOY_TRUE, TOY_PRED, TOY_GROUPS)
    assert list(counts.columns) == ["tp", "fp", "tn", "fn"]
    assert counts.index.name == "G" and list(counts.index) == ["a", "b"]
    assert counts.loc["a"].tolist() == [1, 1, 2, 1]
    assert counts.loc["b"].tolist() == [1, 1, 1, 0]


def test_group_rates_toy():
    rates = dia.group_rates(TOY_TRUE, TOY_PRED, TOY_GROUPS)
    assert list(rates.columns) == ["n", *dia.RATES]
    a = rates.loc["a"]
    expected_a = {"n": 5, "prevalence": 2 / 5, "accuracy": 3 / 5, "tpr": 1 / 2, "precision": 1 / 2,
                  "specificity": 2 / 3, "npv": 2 / 3, "fpr": 1 / 3, "fdr": 1 / 2, "fnr": 1 / 2,
                  "for": 1 / 3}
    assert a.to_dict() == pytest.approx(expected_a)
    b = rates.loc["b"]
    assert b["tpr"] == 1.0 and b["fnr"] == 0.0 and b["npv"] == 1.0 and b["for"] == 0.0
    assert b["precision"] == pytest.approx(0.5) and b["fpr"] == pytest.approx(0.5)


def test_complementary_rates_add_to_one():
    rates = dia.group_rates(TOY_TRUE, TOY_PRED, TOY_GROUPS)
    for one, other in (("tpr", "fnr"), ("specificity", "fpr"), ("precision", "fdr"), ("npv", "for")):
        assert np.allclose(rates[one] + rates[other], 1.0)


def test_undefined_rates_are_nan():
    rates = dia.group_rates([0, 0, 1, 1], [0, 0, 1, 1], ["payers", "payers", "defaulters", "defaulters"])
    assert np.isnan(rates.loc["payers", "tpr"]) and np.isnan(rates.loc["payers", "precision"])
    assert np.isnan(rates.loc["defaulters", "specificity"]) and np.isnan(rates.loc["defaulters", "npv"])
    assert rates.loc["payers", "specificity"] == 1.0 and rates.loc["defaulters", "tpr"] == 1.0


def test_disparity_toy():
    rates = dia.group_rates(TOY_TRUE, TOY_PRED, TOY_GROUPS)
    ratios = dia.disparity(rates, "a")
    assert list(ratios.columns) == dia.RATES, "the count column is not a rate"
    assert (ratios.loc["a"] == 1.0).all()
    assert ratios.loc["b", "tpr"] == pytest.approx(2.0)
    assert ratios.loc["b", "fnr"] == 0.0
    assert ratios.loc["b", "fpr"] == pytest.approx(1.5)
    with pytest.raises(KeyError, match="reference group"):
        dia.disparity(rates, "c")


def test_adverse_impact_ratio_toy():
    # favourable (predicted 0): a 3 of 5, b 1 of 3
    air = dia.adverse_impact_ratio(TOY_PRED, TOY_GROUPS, protected="b", reference="a")
    assert air == pytest.approx((1 / 3) / (3 / 5))
    assert dia.adverse_impact_ratio(TOY_PRED, TOY_GROUPS, "a", "a") == 1.0
    with pytest.raises(KeyError):
        dia.adverse_impact_ratio(TOY_PRED, TOY_GROUPS, "z", "a")


def test_four_fifths_pass_boundaries():
    assert dia.four_fifths_pass(0.8) and dia.four_fifths_pass(1.25) and dia.four_fifths_pass(1.0)
    assert not dia.four_fifths_pass(0.7999) and not dia.four_fifths_pass(1.2501)
    assert dia.four_fifths_pass(0.85, low=0.9) is False
    assert isinstance(dia.four_fifths_pass(np.float64(0.9)), bool)


def test_flag_disparities_boundaries_and_nan():
    ratios = pd.DataFrame({"tpr": [1.0, 0.8, 0.79, np.nan], "fpr": [1.25, 1.26, 0.0, np.inf]},
                          index=list("abcd"))
    flags = dia.flag_disparities(ratios)
    assert flags.dtypes.eq(bool).all()
    assert flags["tpr"].tolist() == [False, False, True, False]
    assert flags["fpr"].tolist() == [False, True, True, True]
    assert dia.flag_disparities(ratios, low=0.9, high=1.1).loc["b", "tpr"]


def test_age_bands_edges():
    bands = dia.age_bands(pd.Series([21, 24, 25, 34, 35, 44, 45, 54, 55, 79]))
    assert bands.tolist() == ["<25", "<25", "25-34", "25-34", "35-44", "35-44",
                              "45-54", "45-54", "55+", "55+"]
    assert list(bands.cat.categories) == dia.AGE_BANDS and bands.cat.ordered


def test_inputs_are_positional_and_untouched():
    y_true = pd.Series(TOY_TRUE, index=range(100, 108))
    y_pred = pd.Series(TOY_PRED, index=range(200, 208))
    groups = TOY_GROUPS.copy()
    before = (y_true.copy(), y_pred.copy(), groups.copy())
    from_series = dia.group_rates(y_true, y_pred, groups)
    from_lists = dia.group_rates(list(TOY_TRUE), np.array(TOY_PRED), list(TOY_GROUPS))
    pd.testing.assert_frame_equal(from_series, from_lists, check_names=False)
    for now, then in zip((y_true, y_pred, groups), before):
        pd.testing.assert_series_equal(now, then)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="groups has"):
        dia.group_rates([1, 0], [1, 0, 1], ["a", "b", "c"])
    with pytest.raises(ValueError, match="only 0 and 1"):
        dia.group_rates([1, 0, 1], [0.2, 0.7, 0.9], ["a", "b", "c"])


def test_unobserved_categories_are_left_out():
    groups = pd.Series(pd.Categorical(["x", "x"], categories=["x", "y"]))
    assert list(dia.group_rates([1, 0], [1, 1], groups).index) == ["x"]


# ---------------------------------------------------------------------------------------------
# Agreement with scikit-learn and fairlearn on real model output
# ---------------------------------------------------------------------------------------------

def test_confusion_by_group_matches_sklearn(decisions):
    y_true, y_pred, groups = decisions
    for name in groups.columns:
        counts = dia.confusion_by_group(y_true, y_pred, groups[name])
        for group, row in counts.iterrows():
            inside = (groups[name] == group).to_numpy()
            tn, fp, fn, tp = confusion_matrix(y_true[inside], y_pred[inside], labels=[0, 1]).ravel()
            assert row.tolist() == [tp, fp, tn, fn], (name, group)
        assert counts.to_numpy().sum() == len(y_true)


def test_group_rates_match_fairlearn_metricframe(decisions):
    y_true, y_pred, groups = decisions
    for name in groups.columns:
        ours = dia.group_rates(y_true, y_pred, groups[name])
        theirs = library_rates(y_true, y_pred, groups[name]).loc[list(ours.index), list(ours.columns)]
        defined = ours.notna()  # fairlearn reports 0 where a rate's denominator is 0
        assert defined.loc[ours["n"] >= 100].all().all(), "large groups have every rate defined"
        assert np.allclose(ours.where(defined, 0).astype(float), theirs.where(defined, 0).astype(float),
                           atol=1e-12), name


def test_fairlearn_metric_frame_helper_matches(decisions):
    y_true, y_pred, groups = decisions
    for name in ("SEX", "AGE_BAND"):
        ours = dia.group_rates(y_true, y_pred, groups[name])
        helper = dia.fairlearn_metric_frame(y_true, y_pred, groups[name]).by_group
        assert np.allclose(ours.astype(float), helper.loc[ours.index, ours.columns].astype(float),
                           atol=1e-12)


def test_adverse_impact_ratio_matches_fairlearn(decisions):
    y_true, y_pred, groups = decisions
    favourable = MetricFrame(metrics=lambda t, p: selection_rate(t, p, pos_label=0), y_true=y_true,
                             y_pred=y_pred, sensitive_features=groups["SEX"]).by_group
    air = dia.adverse_impact_ratio(y_pred, groups["SEX"], "female", "male")
    assert air == pytest.approx(favourable["female"] / favourable["male"], abs=1e-12)
    assert air == pytest.approx(dia.fairlearn_air(y_pred, groups["SEX"], "female", "male"), abs=1e-12)
    # fairlearn's demographic parity ratio of the favourable outcome is min/max of the two rates
    parity = demographic_parity_ratio(y_true, 1 - y_pred, sensitive_features=groups["SEX"])
    assert min(air, 1 / air) == pytest.approx(parity, abs=1e-12)


def test_air_table_and_cutoff_sweep_agree(decisions, parts, model):
    _y_true, y_pred, groups = decisions
    table = dia.air_table(y_pred, groups["AGE_BAND"], "35-44")
    for band in dia.AGE_BANDS:
        assert table.loc[band, "AIR"] == pytest.approx(
            dia.adverse_impact_ratio(y_pred, groups["AGE_BAND"], band, "35-44"))
        assert table.loc[band, "passes"] == dia.four_fifths_pass(table.loc[band, "AIR"])
    probability = predict_default(model)(parts.test)
    sweep = dia.air_by_cutoff(probability, groups["SEX"], ["female"], "male", [0.2, 0.5])
    for cut in (0.2, 0.5):
        expected = dia.adverse_impact_ratio(cutoffs.decide(probability, cut), groups["SEX"], "female", "male")
        assert sweep.loc[cut, "female vs male"] == pytest.approx(expected)


def test_report_and_flags_are_consistent(decisions):
    y_true, y_pred, groups = decisions
    report = dia.disparity_report(y_true, y_pred, groups)
    assert list(report.index.get_level_values(0).unique()) == list(groups.columns)
    for name, reference in dia.REFERENCES.items():
        assert (report.loc[(name, reference)] == 1.0).all()
        expected = dia.disparity(dia.group_rates(y_true, y_pred, groups[name]), reference)
        assert report.loc[name].index.astype(str).tolist() == expected.index.astype(str).tolist()
        assert np.allclose(report.loc[name].to_numpy(), expected.to_numpy(), equal_nan=True)
    sizes = dia.group_sizes(groups)
    assert sizes.groupby(level=0).sum().eq(len(y_true)).all()
    cells = dia.flagged_cells(report, sizes)
    assert len(cells) == int(dia.flag_disparities(report).to_numpy().sum())
    assert ((cells["ratio"] < dia.LOW) | (cells["ratio"] > dia.HIGH)).all()


def test_precision_recall_figure_marks_the_cutoff_on_the_curve(parts, model):
    y_valid = parts.valid[data.TARGET]
    probability = predict_default(model)(parts.valid)
    axes = dia.plot_precision_recall(y_valid, probability, 0.3).axes[0]
    lines = {line.get_label(): line for line in axes.lines}
    precision, recall, _ = precision_recall_curve(y_valid, probability)
    assert np.allclose(lines["model"].get_xdata(), recall) and np.allclose(lines["model"].get_ydata(), precision)
    decided = cutoffs.decide(probability, 0.3)
    point = lines[f"cutoff 0.300: F1 {f1_score(y_valid, decided):.3f}"]
    assert point.get_xdata()[0] == pytest.approx(recall_score(y_valid, decided))
    assert point.get_ydata()[0] == pytest.approx(precision_score(y_valid, decided))


def test_disparity_heat_map_shows_every_ratio_and_boxes_the_flagged_ones(decisions):
    y_true, y_pred, groups = decisions
    report = dia.disparity_report(y_true, y_pred, groups)
    sizes = dia.group_sizes(groups)
    axes = dia.plot_disparities(report, sizes).axes[0]
    assert np.allclose(axes.images[0].get_array(), report[dia.RATES].clip(0.5, 2.0).fillna(1.0))
    assert len(axes.patches) == int(dia.flag_disparities(report).to_numpy().sum()) > 0, "one box per flag"
    assert [label.get_text() for label in axes.get_xticklabels()] == dia.RATES
    assert [label.get_text() for label in axes.get_yticklabels()] == [
        f"{attribute}: {group} (n={int(sizes[(attribute, group)])})" for attribute, group in report.index]


def test_air_by_cutoff_figure_draws_the_sweep_the_band_and_the_cutoff(decisions, parts, model):
    _y_true, _y_pred, groups = decisions
    sweep = dia.air_by_cutoff(predict_default(model)(parts.test), groups["SEX"], ["female"], "male",
                              np.linspace(0.1, 0.6, 6))
    axes = dia.plot_air_by_cutoff(sweep, 0.3).axes[0]
    lines = {line.get_label(): line for line in axes.lines}
    assert np.allclose(lines["female vs male"].get_xdata(), sweep.index)
    assert np.allclose(lines["female vs male"].get_ydata(), sweep["female vs male"])
    assert list(lines["F1-optimal cutoff 0.300"].get_xdata()) == [0.3, 0.3]
    (band,) = axes.patches
    assert (band.get_y(), band.get_y() + band.get_height()) == pytest.approx((dia.LOW, dia.HIGH))
