"""Per-row logloss residuals average to scikit-learn's log_loss; summaries group correctly; the
figures draw the residuals by outcome and the mean residual of each group."""

import numpy as np
import pandas as pd
from matplotlib.colors import to_hex
from sklearn.metrics import log_loss

from workshop_utils.attacks import extended_grid, training_ranges
from workshop_utils.data import MODEL_INPUTS, TARGET
from workshop_utils.plots import RISK_DOWN, RISK_UP
from workshop_utils.residuals import (
    logloss_residuals,
    plot_residual_dependence,
    plot_residuals_by_input,
    plot_residuals_by_outcome,
    residual_dependence,
    residual_summary,
    residuals_by_input,
)
from workshop_utils.xgboost_models import predict_default


def test_residuals_average_to_log_loss():
    rng = np.random.default_rng(3)
    y, p = rng.integers(0, 2, 1000), rng.random(1000)
    assert np.isclose(logloss_residuals(y, p).mean(), log_loss(y, p))
    assert np.isfinite(logloss_residuals(np.array([1, 0]), np.array([0.0, 1.0]))).all()


def test_summary_by_quantile_bins():
    residual = pd.Series(np.arange(10.0))
    table = residual_summary(residual, pd.Series(np.arange(10.0)), bins=2)
    assert table["count"].tolist() == [5, 5] and table["mean"].tolist() == [7.0, 2.0]


def test_residuals_by_input_are_the_summary_in_the_inputs_order():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"PAY_0": rng.integers(-2, 4, 300), "LIMIT_BAL": rng.random(300) * 1e5})
    residual = pd.Series(rng.random(300))
    tables = residuals_by_input(residual, frame, ["PAY_0", "LIMIT_BAL"], bins=4)
    assert tables["PAY_0"].index.tolist() == sorted(frame["PAY_0"].unique())
    pd.testing.assert_frame_equal(tables["PAY_0"], residual_summary(residual, frame["PAY_0"]).sort_index())
    assert len(tables["LIMIT_BAL"]) == 4 and tables["LIMIT_BAL"]["count"].sum() == 300


def test_residuals_by_outcome_histograms_means_and_boxes():
    residual = pd.Series([0.1, 0.3, 2.0, 1.0, 0.2])
    actual = pd.Series([0, 0, 1, 1, 0])
    left, right = plot_residuals_by_outcome(residual, actual, bins=4).axes
    assert sum(patch.get_height() for patch in left.patches) == 5, "every row in one histogram"
    means = [line.get_xdata()[0] for line in left.get_lines()]
    assert np.allclose(means, [0.2, 1.5]), "dashed line at each outcome's mean"
    assert [text.get_text() for text in left.get_legend().get_texts()][::2] == [
        "did not default (3 rows)", "defaulted (2 rows)"]
    assert [label.get_text() for label in right.get_xticklabels()] == ["did not default", "defaulted"]
    assert len(right.patches) == 2, "one box per outcome"


def test_residuals_by_input_bars_coloured_against_the_overall_mean():
    tables = {"PAY_0": pd.DataFrame({"count": [10, 5], "mean": [0.2, 0.9]}, index=[0, 2]),
              "LIMIT_BAL": pd.DataFrame({"count": [7], "mean": [0.4]}, index=[pd.Interval(10_000, 50_000)])}
    figure = plot_residuals_by_input(tables, overall=0.5, columns=2)
    pay, limit = figure.axes[:2]
    assert [axes.get_title() for axes in (pay, limit)] == ["PAY_0", "LIMIT_BAL"]
    assert [bar.get_height() for bar in pay.containers[0]] == [0.2, 0.9]
    assert [to_hex(bar.get_facecolor()) for bar in pay.containers[0]] == [RISK_DOWN, RISK_UP]
    assert [text.get_text() for text in pay.texts] == ["n=10", "n=5"]
    assert [label.get_text() for label in limit.get_xticklabels()] == ["10k to 50k"]
    assert np.allclose(pay.get_lines()[0].get_ydata(), 0.5), "dashed line at the overall mean"
    assert "overall mean 0.500" in figure.get_suptitle()


def test_residual_dependence_is_the_log_loss_with_the_input_set(model, parts):
    predict = predict_default(model)
    X, y = parts.valid[MODEL_INPUTS].astype(float).iloc[:500], parts.valid[TARGET].iloc[:500]
    grid = extended_grid(parts.train["PAY_0"])
    curve = residual_dependence(predict, X, y, "PAY_0", grid)
    expected = [log_loss(y, predict(X.assign(PAY_0=value)), labels=[0, 1]) for value in grid]
    assert curve.index.tolist() == grid.tolist() and np.allclose(curve, expected)
    figure = plot_residual_dependence({"PAY_0": curve}, 0.4, training_ranges(parts.train, MODEL_INPUTS))
    panel = figure.axes[0]
    assert np.allclose(panel.lines[0].get_ydata(), curve) and panel.lines[1].get_ydata() == [0.4, 0.4]
    assert [(p.get_x(), p.get_x() + p.get_width()) for p in panel.patches] == [(grid.min(), -2.0), (8.0, grid.max())]
