"""The plotting base and the shared figures: what each figure draws (bars, lines, panels), read
back from the matplotlib objects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from workshop_utils import plots

GRID = pd.Index([0.0, 1.0, 2.0, 3.0], name="PAY_0")


def curves(rows: int, shift: float = 0.0) -> tuple[pd.Series, pd.DataFrame]:
    """A partial dependence and ``rows`` ICE curves over ``GRID``."""
    ice = pd.DataFrame(np.arange(rows * len(GRID)).reshape(rows, len(GRID)) / 10 + shift,
                       index=[f"r{n}" for n in range(rows)], columns=GRID)
    return ice.mean(), ice


def test_panel_grid_hides_the_panels_past_count():
    figure, grid = plots.panel_grid(5, 3, (4, 2.5), sharex=True)
    assert grid.shape == (2, 3) and figure.get_size_inches().tolist() == [12.0, 5.0]
    assert [axes.get_visible() for axes in grid.ravel()] == [True] * 5 + [False]
    assert grid[0, 0].get_shared_x_axes().joined(grid[0, 0], grid[1, 1]), "options reach plt.subplots"


@pytest.mark.parametrize(("count", "columns", "shape"), [(1, 3, (1, 3)), (4, 2, (2, 2)), (0, 2, (1, 2))])
def test_panel_grid_rows(count, columns, shape):
    _, grid = plots.panel_grid(count, columns, (1, 1))
    assert grid.shape == shape
    assert sum(axes.get_visible() for axes in grid.ravel()) == count


def test_importance_bars_largest_on_top_and_cut_at_top():
    importance = pd.Series({"PAY_0": 0.5, "LIMIT_BAL": 0.2, "BILL_AMT1": 0.1, "PAY_AMT1": 0.05})
    figure = plots.plot_importance(importance, "Importance", top=3)
    axes = figure.axes[0]
    assert [bar.get_width() for bar in axes.patches] == [0.1, 0.2, 0.5], "drawn bottom to top"
    assert [label.get_text() for label in axes.get_yticklabels()] == ["BILL_AMT1", "LIMIT_BAL", "PAY_0"]
    assert {to_hex(bar.get_facecolor()) for bar in axes.patches} == {plots.RISK_DOWN}
    assert axes.get_title() == "Importance" and axes.get_xlabel() == "mean |Shapley value| (log-odds)"
    assert figure.get_size_inches()[1] == pytest.approx(0.35 * 3 + 1.2)


def test_pd_ice_draws_one_thin_line_per_row_and_the_average_on_top():
    pd_curve, ice = curves(3)
    values = pd.Series([0.0, 1.0, 1.0, 3.0, 9.0], name="PAY_0")
    axes = plots.plot_pd_ice(pd_curve, ice, values, labels=pd.Series({"r0": "A", "r1": "B", "r2": "C"}))
    *thin, average = axes.lines
    assert len(thin) == 3 and [line.get_label() for line in thin] == ["ICE A", "ICE B", "ICE C"]
    assert all(np.allclose(line.get_ydata(), ice.loc[row]) for line, row in zip(thin, ice.index))
    assert np.allclose(average.get_xdata(), GRID) and np.allclose(average.get_ydata(), ice.mean())
    assert average.get_linewidth() == 3 and average.get_label() == "partial dependence"
    assert axes.get_title() == "PAY_0" and axes.get_legend() is not None
    (histogram,) = [other for other in axes.figure.axes if other is not axes]
    assert sum(bar.get_height() for bar in histogram.patches) == 4, "9.0 lies outside the grid"


def test_pd_ice_grid_one_panel_per_input_legend_on_the_first():
    data = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [1.0, 2.0, 3.0], "c": [0.0, 0.0, 3.0]})
    chosen = {name: curves(2, shift) for name, shift in zip(data, (0.0, 1.0, 2.0))}
    figure = plots.plot_pd_ice_grid(chosen, data)
    assert figure.get_size_inches().tolist() == [12.0, 8.0]
    panels = [axes for axes in figure.axes if axes.get_visible() and axes.get_ylabel().startswith("predicted")]
    assert len(panels) == 3 and sum(not axes.get_visible() for axes in figure.axes) == 1
    assert [axes.get_legend() is not None for axes in panels] == [True, False, False]
    for axes, (pd_curve, _ice) in zip(panels, chosen.values()):
        assert len(axes.lines) == 3 and np.allclose(axes.lines[-1].get_ydata(), pd_curve)


def test_reason_codes_bars_top_reason_on_top():
    codes = pd.DataFrame({"input": ["PAY_0", "PAY_AMT1"], "reason": ["PAY_0 = 2", "PAY_AMT1 = 0"],
                          "contribution": [0.9, 0.3]}, index=pd.RangeIndex(1, 3, name="rank"))
    axes = plots.plot_reason_codes(codes, "Customer 7").axes[0]
    assert [bar.get_width() for bar in axes.patches] == [0.3, 0.9]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["PAY_AMT1 = 0", "PAY_0 = 2"]
    assert {to_hex(bar.get_facecolor()) for bar in axes.patches} == {plots.RISK_UP}
    assert axes.get_title() == "Customer 7"
