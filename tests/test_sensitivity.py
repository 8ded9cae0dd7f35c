"""Sensitivity helpers: perturbations leave their input alone, flip shares match a hand count and
scikit-learn's confusion matrix, and one stacked H2O call scores exactly what separate calls do
(and what H2O's own partial dependence computes)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.metrics import confusion_matrix

from workshop_utils import data, sensitivity
from workshop_utils.cutoffs import decide
from workshop_utils.residuals import residual_summary

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


def test_residuals_by_input_are_the_shared_summary_in_order():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"PAY_0": rng.integers(-2, 4, 300), "LIMIT_BAL": rng.random(300) * 1e5})
    residual = pd.Series(rng.random(300))
    tables = sensitivity.residuals_by_input(residual, frame, ["PAY_0", "LIMIT_BAL"], bins=4)
    assert tables["PAY_0"].index.tolist() == sorted(frame["PAY_0"].unique())
    pd.testing.assert_frame_equal(tables["PAY_0"], residual_summary(residual, frame["PAY_0"]).sort_index())
    assert len(tables["LIMIT_BAL"]) == 4 and tables["LIMIT_BAL"]["count"].sum() == 300


def test_figures_draw():
    rng = np.random.default_rng(1)
    residual, actual = pd.Series(rng.random(100) * 3), pd.Series(rng.integers(0, 2, 100))
    frame = pd.DataFrame({"PAY_0": rng.integers(-2, 3, 100), "LIMIT_BAL": rng.random(100) * 1e5})
    scores = pd.DataFrame({sensitivity.AS_IS: rng.random(100), "x": rng.random(100)})
    curves = {"PAY_0": pd.DataFrame([[0.1, 0.5, 0.3]], index=[7],
                                    columns=pd.Index([0.0, 1.0, np.nan], name="PAY_0"))}
    figures = [
        sensitivity.plot_residuals_by_outcome(residual, actual),
        sensitivity.plot_residuals_by_input(sensitivity.residuals_by_input(residual, frame, ["PAY_0", "LIMIT_BAL"]), 1.5),
        sensitivity.plot_sensitivity(sensitivity.sensitivity_table(scores, 0.5), "toy"),
        sensitivity.plot_sweep(curves, pd.DataFrame({"PAY_0": [1]}, index=[7]), 0.4, pd.Series({7: "ID 8"})),
    ]
    assert all(isinstance(figure, Figure) for figure in figures)
    plt.close("all")


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
