"""Lesson 08's side-by-side figures draw each model's numbers, in its colour and under its label."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

from workshop_utils import ladder_plots
from workshop_utils.model_ladder import COLOURS, LABELS


def test_fold_ranks_one_panel_per_metric_one_line_per_model():
    index = pd.MultiIndex.from_product([[0, 1, 2], ["glm", "gbm"]], names=["fold", "model"])
    ranks = pd.DataFrame({"auc": [2.0, 1.0, 1.0, 2.0, 2.0, 1.0], "f1": [1.5, 1.5, 2.0, 1.0, 1.0, 2.0]}, index=index)
    figure = ladder_plots.plot_fold_ranks(ranks)
    assert [axes.get_title() for axes in figure.axes] == ["auc", "f1"]
    for axes, metric in zip(figure.axes, ranks.columns):
        lines = {line.get_label(): line for line in axes.get_lines()}
        assert list(lines) == [LABELS["glm"], LABELS["gbm"]]
        for name in ("glm", "gbm"):
            assert np.allclose(lines[LABELS[name]].get_ydata(), ranks[metric].xs(name, level="model"))
            assert to_hex(lines[LABELS[name]].get_color()) == to_hex(COLOURS[name])


def test_importance_side_by_side_shares_the_input_axis():
    importances = {"glm": pd.Series({"a": 1.0}), "gbm": pd.Series({"a": 2.0, "b": 3.0})}
    figure = ladder_plots.plot_importance_side_by_side(importances)
    assert [axes.get_title() for axes in figure.axes] == [LABELS["glm"], LABELS["gbm"]]
    glm_bars, gbm_bars = (axes.containers[0] for axes in figure.axes)
    # ordered by the last model's importance, smallest at the bottom; missing inputs are empty bars
    assert [bar.get_width() for bar in gbm_bars] == [2.0, 3.0]
    assert [bar.get_width() for bar in glm_bars] == [1.0, 0.0]


def test_pd_side_by_side_one_panel_per_input_one_curve_per_model():
    grid = pd.Index([0.0, 1.0, 2.0])
    curves = {name: {"glm": pd.Series([0.1, 0.2, 0.3], index=grid), "mgbm": pd.Series([0.2, 0.2, 0.4], index=grid)}
              for name in ("x", "y", "z")}
    data = pd.DataFrame({"x": [0.0, 1.0, 2.0, 5.0], "y": [1.0] * 4, "z": [2.0] * 4})
    figure = ladder_plots.plot_pd_side_by_side(curves, data, columns=2)
    panels = [axes for axes in figure.axes if axes.get_visible() and axes.get_title()]
    assert [axes.get_title() for axes in panels] == ["x", "y", "z"]
    assert sum(not axes.get_visible() for axes in figure.axes) == 1, "the fourth panel is hidden"
    for axes in panels:
        assert [line.get_label() for line in axes.get_lines()] == [LABELS["glm"], LABELS["mgbm"]]
        assert np.allclose(axes.get_lines()[1].get_ydata(), [0.2, 0.2, 0.4])
    histogram = figure.axes[-1]  # the last twin: z's histogram, only rows inside the grid
    assert sum(patch.get_height() for patch in histogram.patches) == 4


def test_profit_curves_in_millions_with_the_cutoff_marked():
    curves = {"glm": pd.Series([1.0e6, 3.0e6], index=[0.1, 0.3]), "gbm": pd.Series([2.0e6, 0.0], index=[0.1, 0.3])}
    figure = ladder_plots.plot_profit_curves(curves, {"glm": 0.2, "gbm": 0.3})
    lines = figure.axes[0].get_lines()
    assert np.allclose(lines[0].get_ydata(), [1.0, 3.0]) and lines[0].get_label() == LABELS["glm"]
    assert np.allclose(lines[1].get_ydata(), [2.0]), "the glm's cutoff dot, interpolated"
    assert np.allclose(lines[3].get_xdata(), [0.3]) and np.allclose(lines[3].get_ydata(), [0.0])
    assert "F1-optimal cutoff" in figure.axes[0].get_title()


def test_partial_dependence_side_by_side_matches_scikit_learn_one_call_per_model():
    from sklearn.inspection import partial_dependence
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    model = LogisticRegression().fit(X, (X["a"] + X["b"] ** 2 > 1).astype(int))
    calls = []

    def predict(frame):
        calls.append(len(frame))
        return model.predict_proba(frame)[:, 1]

    grids = {"a": np.linspace(-1, 1, 5), "c": np.array([-0.5, 0.5])}
    curves = ladder_plots.partial_dependence_side_by_side({"lr": predict}, X, grids)
    assert calls == [len(X) * 7]
    for name, grid in grids.items():
        expected = partial_dependence(model, X, [name], grid_resolution=len(grid), kind="average",
                                      custom_values={name: grid})["average"][0]
        assert np.allclose(curves[name]["lr"].to_numpy(), expected)
        assert np.allclose(curves[name]["lr"].index, grid)
