"""LOCO: one stacked call gives the same numbers as scoring every blanked frame on its own (on a
tiny H2O GBM); reason codes rank positive contributions; the stability measures behave on
hand-made inputs and agree with scipy's Spearman correlation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from scipy.stats import spearmanr

from workshop_utils import data, loco, pdp, shapley, surrogate
from workshop_utils.plots import RISK_DOWN, RISK_UP


def linear(frame: pd.DataFrame) -> np.ndarray:
    """A toy model that treats a missing input as 0."""
    return (0.1 * frame["a"].fillna(0) - 0.2 * frame["b"].fillna(0) + 0.05 * frame["c"].fillna(0)).to_numpy()


TOY = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 0.0, -1.0], "c": [4, 0, 2]}, index=[10, 20, 30])


# ---------------------------------------------------------------------------------------------
# Without H2O
# ---------------------------------------------------------------------------------------------

def test_blanked_copies_stack_the_original_then_one_block_per_input():
    stacked = loco.blanked_copies(TOY, ["a", "c"])
    assert len(stacked) == 3 * len(TOY)
    assert stacked.iloc[:3].to_numpy().tolist() == TOY.to_numpy(dtype=float).tolist()
    assert stacked["a"].iloc[3:6].isna().all() and stacked["c"].iloc[3:6].notna().all()
    assert stacked["c"].iloc[6:].isna().all() and stacked["a"].iloc[6:].tolist() == [1.0, 2.0, 3.0]
    assert TOY["c"].tolist() == [4, 0, 2], "the caller's frame is left alone"


def test_loco_of_a_linear_model_is_coefficient_times_value():
    contributions = loco.loco_contributions(linear, TOY, ["a", "b", "c"])
    assert contributions.index.tolist() == [10, 20, 30]
    assert np.allclose(contributions["a"], 0.1 * TOY["a"])
    assert np.allclose(contributions["b"], -0.2 * TOY["b"])
    assert np.allclose(contributions["c"], 0.05 * TOY["c"])


def test_loco_scores_everything_in_one_call():
    calls = []

    def counting(frame):
        calls.append(len(frame))
        return linear(frame)

    loco.loco_contributions(counting, TOY, ["a", "b", "c"])
    assert calls == [4 * len(TOY)]


def test_reason_table_ranks_positive_contributions_only():
    contributions = pd.DataFrame({"a": [0.3, -0.1, 0.0], "b": [0.5, -0.2, 0.0], "c": [-0.1, 0.4, 0.0]},
                                 index=["x", "y", "z"])
    table = loco.reason_table(contributions, k=2)
    assert table.index.tolist() == ["x", "y", "z"]
    assert table.columns.tolist() == ["reason_1", "reason_2"]
    assert table.loc["x"].tolist() == ["b", "a"]
    assert table.loc["y"].tolist() == ["c", None]
    assert table.loc["z"].tolist() == [None, None], "zero is not a reason"
    for label, row in contributions.iterrows():
        expected = shapley.top_reasons(row, 2).index.tolist()
        assert [r for r in table.loc[label] if r is not None] == expected


def test_reasons_at_percentiles_use_the_rows_pdp_picks():
    rng = np.random.default_rng(3)
    contributions = pd.DataFrame(rng.normal(size=(50, 4)), columns=list("abcd"), index=range(100, 150))
    predictions = pd.Series(rng.uniform(size=50), index=contributions.index)
    table = loco.reasons_at_percentiles(contributions, predictions, [0, 50, 100], k=2,
                                        ids=pd.Series(contributions.index + 1, index=contributions.index))
    rows = pdp.rows_at_percentiles(predictions, [0, 50, 100])
    assert table.index.tolist() == [0, 50, 100]
    assert table["customer"].tolist() == (rows + 1).tolist()
    assert table["prediction"].tolist() == predictions[rows].round(4).tolist()
    assert table[["reason_1", "reason_2"]].to_numpy().tolist() == \
        loco.reason_table(contributions.loc[rows], 2).to_numpy().tolist()
    chosen = pd.Series([149, 100], index=pd.Index([5, 95], name="percentile"))
    given = loco.reasons_at_percentiles(contributions, predictions, k=1, rows=chosen)
    assert given.index.tolist() == [5, 95] and given["customer"].tolist() == [149, 100]


def test_sample_index_is_seeded_and_keeps_the_chosen_rows():
    index = pd.Index(range(1000, 2000))
    one = loco.sample_index(index, 100, include=[1999, 1000])
    assert one.equals(loco.sample_index(index, 100, include=[1999, 1000]))
    assert len(one) == 102 and one.is_unique and one[:2].tolist() == [1999, 1000]
    assert not one.equals(loco.sample_index(index, 100, include=[1999, 1000], seed=7))
    assert len(loco.sample_index(index, 5000)) == 1000


def test_scaled_contributions_add_up_to_the_gap_from_the_reference():
    rng = np.random.default_rng(8)
    contributions = pd.DataFrame(rng.normal(size=(30, 5)), columns=list("abcde"), index=range(200, 230))
    contributions.iloc[4] = 0.0  # no factor exists
    predictions = rng.uniform(size=30)
    scaled = loco.scaled_to_reference(contributions, predictions, 0.3)
    factors = loco.scale_factors(contributions, predictions, 0.3)
    assert scaled.index.equals(contributions.index) and scaled.columns.equals(contributions.columns)
    assert scaled.iloc[4].isna().all() and np.isnan(factors.iloc[4])
    keep = np.arange(30) != 4
    assert np.allclose(scaled.sum(axis=1).to_numpy()[keep], predictions[keep] - 0.3)
    for row in np.flatnonzero(keep):  # brute force: one factor per row
        factor = (predictions[row] - 0.3) / contributions.iloc[row].sum()
        assert factors.iloc[row] == pytest.approx(factor)
        assert np.allclose(scaled.iloc[row], contributions.iloc[row] * factor)
        if factor < 0:
            assert (np.sign(scaled.iloc[row]) == -np.sign(contributions.iloc[row])).all(), "every sign flips"


def test_side_by_side_ranks_each_method_largest_first():
    table = loco.side_by_side({"LOCO": pd.Series({"a": 0.1, "b": 0.3, "c": 0.3}),
                               "Shapley": pd.Series({"a": 0.5, "b": -0.2, "c": 0.0})})
    assert table.index.tolist() == ["b", "c", "a"]
    assert table["LOCO rank"].tolist() == [1, 1, 3] and table["Shapley rank"].tolist() == [3, 2, 1]


def test_mean_contributions_average_cell_by_cell():
    one = pd.DataFrame({"a": [1.0, 2.0], "b": [0.0, 4.0]})
    two = pd.DataFrame({"a": [3.0, 2.0], "b": [2.0, -4.0]})
    assert loco.mean_contributions([one, two]).to_dict("list") == {"a": [2.0, 2.0], "b": [1.0, 0.0]}
    assert one["a"].tolist() == [1.0, 2.0]


def test_top_reason_agreement_on_hand_made_members():
    one = pd.DataFrame({"a": [0.9, 0.1, 0.0, 0.5], "b": [0.1, 0.9, 0.2, 0.4]})
    two = pd.DataFrame({"a": [0.8, 0.7, 0.1, 0.5], "b": [0.2, 0.1, 0.3, 0.4]})
    three = pd.DataFrame({"a": [0.8, 0.2, 0.1, 0.1], "b": [0.2, 0.3, 0.3, 0.4]})
    assert loco.top_reason_agreement([one]) == 1.0
    assert loco.top_reason_agreement([one, one]) == 1.0
    assert loco.top_reason_agreement([one, two]) == 0.75  # row 1 disagrees
    assert loco.top_reason_agreement([one, two, three]) == 0.5  # rows 1 and 3 disagree
    assert loco.top_reason_match(one, two) == 0.75


def test_rank_agreement_is_the_mean_pairwise_spearman_correlation():
    rng = np.random.default_rng(5)
    members = [pd.DataFrame(rng.normal(size=(20, 6)), columns=list("abcdef")) for _ in range(3)]
    members[1].iloc[:, :2] = 0.0  # ties
    ours = loco.rank_agreement(members)
    for row in range(20):
        pairs = [spearmanr(members[i].iloc[row], members[j].iloc[row]).statistic
                 for i, j in ((0, 1), (0, 2), (1, 2))]
        assert ours.iloc[row] == pytest.approx(np.mean(pairs), abs=1e-12)


def test_rank_agreement_edge_cases():
    same = pd.DataFrame({"a": [1.0, 5.0], "b": [2.0, 5.0], "c": [3.0, 5.0]})
    flipped = pd.DataFrame({"a": [3.0, 1.0], "b": [2.0, 2.0], "c": [1.0, 3.0]})
    result = loco.rank_agreement([same, same])
    assert result.iloc[0] == pytest.approx(1.0) and np.isnan(result.iloc[1]), "a constant row has no ranking"
    assert loco.rank_agreement([same, flipped]).iloc[0] == pytest.approx(-1.0)


def test_reason_grid_draws_each_customer_s_largest_contributions():
    contributions = loco.loco_contributions(linear, TOY, ["a", "b", "c"])
    predictions = pd.Series(linear(TOY), index=TOY.index)
    rows = pdp.rows_at_percentiles(predictions, [0, 50, 100])
    figure = loco.plot_reason_grid(contributions, rows, predictions, TOY, top=2, columns=2)
    assert figure.get_size_inches().tolist() == pytest.approx([10.4, 5.6])
    assert [axes.get_visible() for axes in figure.axes] == [True, True, True, False]
    for axes, (percentile, label) in zip(figure.axes, rows.items()):
        shown = shapley.largest_first(contributions.loc[label])[:2][::-1]
        assert [bar.get_width() for bar in axes.patches] == pytest.approx(shown.tolist())
        assert [tick.get_text() for tick in axes.get_yticklabels()] == [
            f"{name} = {TOY.loc[label, name]:,.0f}" for name in shown.index]
        assert [to_hex(bar.get_facecolor()) for bar in axes.patches] == [
            RISK_UP if value > 0 else RISK_DOWN for value in shown]
        assert axes.get_title() == f"p{percentile}: predicted {predictions[label]:.3f}"


def test_ensemble_figure_draws_the_mean_and_every_member():
    contributions = loco.loco_contributions(linear, TOY, ["a", "b", "c"])
    members = [contributions, contributions * 1.5, contributions * 0.5]
    rows = pd.Series([10, 30], index=[0, 100])
    figure = loco.plot_ensemble_loco(members, rows, top=2)
    assert [axes.get_visible() for axes in figure.axes] == [True, True, False]
    for axes, label in zip(figure.axes, rows):
        names = [tick.get_text() for tick in axes.get_yticklabels()]
        assert names == shapley.largest_first(contributions.loc[label]).index[:2][::-1].tolist()
        assert [bar.get_width() for bar in axes.patches] == pytest.approx(contributions.loc[label, names].tolist())
        assert len(axes.collections) == len(members), "one marker set per model"
        for member, markers in zip(members, axes.collections):
            assert markers.get_offsets()[:, 0].tolist() == pytest.approx(member.loc[label, names].tolist())


# ---------------------------------------------------------------------------------------------
# With a tiny H2O GBM
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_gbm(parts):
    from workshop_utils.h2o_models import fit_h2o_gbm
    from workshop_utils.h2o_session import start_h2o, stop_h2o

    start_h2o(verbose=False)
    yield fit_h2o_gbm(parts.train.iloc[:3000], parts.valid.iloc[:1000], data.MODEL_INPUTS, data.TARGET,
                      ntrees=15)
    stop_h2o()


def test_loco_on_h2o_equals_scoring_each_blanked_frame_alone(tiny_gbm, parts):
    from workshop_utils.h2o_models import h2o_predict

    predict = h2o_predict(tiny_gbm)
    X = parts.test.iloc[:40]
    inputs = ["PAY_0", "LIMIT_BAL", "BILL_AMT1", "PAY_AMT1"]
    contributions = loco.loco_contributions(predict, X, inputs)
    base = predict(X)
    for name in inputs:
        alone = base - predict(X.assign(**{name: np.nan}))
        assert np.allclose(contributions[name].to_numpy(), alone, atol=1e-12), name
    assert contributions["PAY_0"].abs().max() > 0, "blanking the main input changes predictions"


def test_seed_ensemble_members_differ_only_by_seed(tiny_gbm, parts):
    from workshop_utils.h2o_models import h2o_predict

    members = loco.fit_seed_ensemble(parts.train.iloc[:3000], parts.valid.iloc[:1000], data.MODEL_INPUTS,
                                     data.TARGET, seeds=[1, 2], ntrees=15)
    assert [m.actual_params["seed"] for m in members] == [1, 2]
    X = parts.test.iloc[:200]
    one, two = (h2o_predict(m)(X) for m in members)
    assert not np.allclose(one, two), "different seeds sample different rows and columns"
    contributions = loco.ensemble_loco([h2o_predict(m) for m in members], X, data.MODEL_INPUTS)
    assert len(contributions) == 2 and all(c.shape == (200, len(data.MODEL_INPUTS)) for c in contributions)
    assert -1 <= loco.rank_agreement(contributions).mean() <= 1


def test_h2o_importance_matches_the_models_own_table(tiny_gbm):
    table = tiny_gbm.varimp(use_pandas=True)
    ours = surrogate.h2o_importance(tiny_gbm)
    assert ours.index.tolist() == table["variable"].tolist()
    assert ours.sum() == pytest.approx(1.0)
