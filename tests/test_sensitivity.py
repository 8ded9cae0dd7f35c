"""Sensitivity helpers: perturbations leave their input alone, flip shares match a hand count and
scikit-learn's confusion matrix, and one stacked H2O call scores exactly what separate calls do
(and what H2O's own partial dependence computes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from sklearn.metrics import confusion_matrix

from workshop_utils import data, sensitivity
from workshop_utils.cutoffs import decide
from workshop_utils.plots import RISK_DOWN, RISK_UP

TOY = pd.DataFrame({"PAY_0": [-2, -1, 0, 1, 8, 9], "LIMIT_BAL": [1e4, 2e4, 5e4, 8e4, 1e5, 3e5]})


def perturbations() -> dict[str, sensitivity.Perturb]:
    return {
        "PAY_0 one month later": lambda f: sensitivity.add_delay(f, "PAY_0", 1),
        "PAY_0 missing": lambda f: sensitivity.set_missing(f, "PAY_0"),
        "LIMIT_BAL - 50k": lambda f: sensitivity.shift(f, "LIMIT_BAL", -50_000, low=10_000),
        "LIMIT_BAL out of range": lambda f: sensitivity.set_value(f, "LIMIT_BAL", 5e6),
    }


def test_perturbations_never_change_their_input():
    before = TOY.copy()
    for name, perturb in perturbations().items():
        changed = perturb(TOY)
        assert changed is not TOY, name
        assert not changed.equals(TOY), f"{name} changed nothing"
    pd.testing.assert_frame_equal(TOY, before)


def test_perturbations_do_what_they_say():
    assert sensitivity.add_delay(TOY)["PAY_0"].tolist() == [1, 1, 1, 2, 9, 9]
    assert sensitivity.add_delay(TOY, months=3)["PAY_0"].tolist() == [3, 3, 3, 4, 9, 9]
    assert sensitivity.shift(TOY, "LIMIT_BAL", -50_000, low=10_000)["LIMIT_BAL"].tolist() == [
        1e4, 1e4, 1e4, 3e4, 5e4, 2.5e5]
    assert sensitivity.shift(TOY, "PAY_0", 5, high=9)["PAY_0"].tolist() == [3, 4, 5, 6, 9, 9]
    assert sensitivity.set_missing(TOY, "PAY_0")["PAY_0"].isna().all()
    assert (sensitivity.set_value(TOY, "LIMIT_BAL", 5e6)["LIMIT_BAL"] == 5e6).all()
    assert sensitivity.set_value(TOY, "LIMIT_BAL", 5e6)["PAY_0"].equals(TOY["PAY_0"])


def test_flip_share_counted_by_hand():
    before = np.array([0.10, 0.60, 0.30, 0.20, 0.55, 0.90, 0.49, 0.50])
    after = np.array([0.60, 0.40, 0.35, 0.10, 0.70, 0.20, 0.50, 0.49])
    # decisions at 0.5:  before 0 1 0 0 1 1 0 1 ; after 1 0 0 0 1 0 1 0
    # flips: rows 0 and 6 to default, rows 1, 5 and 7 to no default: 5 of 8
    changes = sensitivity.decision_changes(before, after, cutoff=0.5)
    assert changes == {"flipped": 5 / 8, "to_default": 2 / 8, "to_no_default": 3 / 8}
    assert sensitivity.decision_changes(before, before, 0.5)["flipped"] == 0.0


def test_flip_share_agrees_with_a_confusion_matrix():
    rng = np.random.default_rng(5)
    before, after = rng.random(500), rng.random(500)
    matrix = confusion_matrix(decide(before, 0.3), decide(after, 0.3), labels=[0, 1]) / 500
    changes = sensitivity.decision_changes(before, after, 0.3)
    assert np.isclose(changes["to_default"], matrix[0, 1])
    assert np.isclose(changes["to_no_default"], matrix[1, 0])
    assert np.isclose(changes["flipped"], 1 - np.trace(matrix))


def test_score_perturbed_makes_one_call_in_order():
    calls = []

    def predict(frame):
        calls.append(len(frame))
        return frame["PAY_0"].fillna(-10).to_numpy(dtype=float) + frame["LIMIT_BAL"].to_numpy() / 1e6

    scores = sensitivity.score_perturbed(predict, TOY, perturbations())
    assert calls == [len(TOY) * 5], "everything is scored in one stacked call"
    assert scores.columns.tolist() == [sensitivity.AS_IS, *perturbations()]
    assert scores.index.equals(TOY.index)
    for name, perturb in perturbations().items():
        assert np.allclose(scores[name], predict(perturb(TOY))), name


def test_sensitivity_table_matches_its_parts():
    rng = np.random.default_rng(2)
    scores = pd.DataFrame({sensitivity.AS_IS: rng.random(200), "a": rng.random(200),
                           "b": rng.random(200)})
    table = sensitivity.sensitivity_table(scores, cutoff=0.4)
    assert table.index.tolist() == ["a", "b"]
    for name in ("a", "b"):
        change = scores[name] - scores[sensitivity.AS_IS]
        assert np.isclose(table.loc[name, "mean_change"], change.mean())
        assert np.isclose(table.loc[name, "mean_abs_change"], change.abs().mean())
        assert np.isclose(table.loc[name, "share_up"] + table.loc[name, "share_down"], 1.0)
        flips = sensitivity.decision_changes(scores[sensitivity.AS_IS], scores[name], 0.4)
        assert np.isclose(table.loc[name, "flipped"], flips["flipped"])


def test_sensitivity_figure_draws_the_mean_change_and_the_flips():
    table = pd.DataFrame({"mean_change": [0.2, -0.1], "to_default": [0.3, 0.0], "to_no_default": [0.0, 0.25],
                          "flipped": [0.3, 0.25]}, index=pd.Index(["up", "down"], name="perturbation"))
    left, right = sensitivity.plot_sensitivity(table, "toy").axes
    # first perturbation on top: bars are drawn bottom-up
    assert [bar.get_width() for bar in left.containers[0]] == [-0.1, 0.2]
    assert [to_hex(bar.get_facecolor()) for bar in left.containers[0]] == [RISK_DOWN, RISK_UP]
    assert [label.get_text() for label in left.get_yticklabels()] == ["down", "up"]
    newly_declined, newly_approved = right.containers
    assert [bar.get_width() for bar in newly_declined] == [0.0, 0.3]
    assert [bar.get_width() for bar in newly_approved] == [0.25, 0.0]
    assert [text.get_text() for text in right.texts] == [" 25.0%", " 30.0%"]
    assert left.get_title() == "toy"


def test_sweep_figure_one_line_per_customer_and_the_missing_point():
    curves = {"PAY_0": pd.DataFrame([[0.1, 0.5, 0.3], [0.2, 0.6, 0.7]], index=[7, 9],
                                    columns=pd.Index([0.0, 1.0, np.nan], name="PAY_0"))}
    observed = pd.DataFrame({"PAY_0": [1, 0]}, index=[7, 9])
    figure = sensitivity.plot_sweep(curves, observed, 0.4, pd.Series({7: "ID 8", 9: "ID 10"}), columns=2)
    axes, hidden = figure.axes
    assert not hidden.get_visible(), "one input: the second panel is hidden"
    customers = [line for line in axes.get_lines() if line.get_label().startswith("ID")]
    assert [line.get_label() for line in customers] == ["ID 8", "ID 10"]
    assert np.allclose(customers[1].get_ydata(), [0.2, 0.6])
    cutoff = [line for line in axes.get_lines() if line.get_label() == "cutoff 0.400"]
    assert np.allclose(cutoff[0].get_ydata(), 0.4)
    dots = [collection.get_offsets()[0].tolist() for collection in axes.collections]
    assert [0.0, 0.2] in dots and [1.0, 0.5] in dots, "each customer's real value"
    assert [1.15, 0.7] in dots, "the missing point, right of the grid"
    assert axes.get_xticklabels()[-1].get_text() == "missing"
    assert axes.get_title() == "Sweeping PAY_0 (dot: the customer's real value)"


# ---------------------------------------------------------------------------------------------
# Against a tiny H2O model
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_h2o():
    from workshop_utils.h2o_models import fit_h2o_gbm, h2o_predict
    from workshop_utils.h2o_session import start_h2o, stop_h2o

    start_h2o(verbose=False)
    parts = data.split_data(data.load_credit_data())
    inputs = ["LIMIT_BAL", "PAY_0", "PAY_2", "BILL_AMT1", "PAY_AMT1"]
    model = fit_h2o_gbm(parts.train.iloc[:3000], parts.valid.iloc[:1000], inputs, data.TARGET,
                        ntrees=10, max_depth=3)
    yield model, h2o_predict(model), parts.test[inputs].iloc[:200]
    stop_h2o()


def test_one_stacked_h2o_call_equals_separate_calls(tiny_h2o):
    _, predict, X = tiny_h2o
    scores = sensitivity.score_perturbed(predict, X, perturbations())
    assert np.allclose(scores[sensitivity.AS_IS], predict(X), atol=1e-12)
    for name, perturb in perturbations().items():
        assert np.allclose(scores[name], predict(perturb(X)), atol=1e-12), name
    assert scores["PAY_0 missing"].nunique() > 1, "H2O scores rows with a missing value"


def test_sweep_agrees_with_h2o_partial_dependence(tiny_h2o):
    from workshop_utils.h2o_models import to_h2o

    model, predict, X = tiny_h2o
    grid = [-2.0, 0.0, 1.0, 2.0, 4.0]
    curves = sensitivity.sweep(predict, X, "PAY_0", grid)
    assert curves.shape == (len(X), len(grid) + 1) and np.isnan(curves.columns[-1])
    library = model.partial_plot(to_h2o(X, X.columns), cols=["PAY_0"], plot=False,
                                 user_splits={"PAY_0": grid}, include_na=True)[0]
    table = pd.DataFrame(library.cell_values, columns=library.col_header)
    known = table[table["pay_0"].notna()]
    assert np.allclose(known["mean_response"], curves.iloc[:, :-1].mean(axis=0), atol=1e-6)
    assert np.isclose(table.loc[table["pay_0"].isna(), "mean_response"].iloc[0], curves.iloc[:, -1].mean(), atol=1e-6)
