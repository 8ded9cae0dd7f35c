"""Sensitivity analysis: perturb a model's inputs, rescore, and measure what moves.

A *perturbation* is a function from a frame to a changed copy of it (the input is never
modified): shift an input by an amount, set it to a value (an extreme, an out-of-range value)
or to missing, or add months of payment delay to a repayment status. ``score_perturbed`` stacks
the original and every perturbed copy and scores them in ONE ``predict`` call; ``sensitivity_table``
then reports, per perturbation, how far the predictions moved and how many decisions at a cutoff
flipped, in which direction. The figures (sensitivity bars, single-customer sweeps, residuals by
outcome and by input) live here too.

Example:
    >>> import pandas as pd
    >>> X = pd.DataFrame({"x": [0.1, 0.4, 0.7]})
    >>> predict = lambda frame: frame["x"].fillna(0.0).to_numpy()
    >>> scores = score_perturbed(predict, X, {"x + 0.2": lambda f: shift(f, "x", 0.2)})
    >>> scores.round(2).to_dict("list")
    {'as is': [0.1, 0.4, 0.7], 'x + 0.2': [0.3, 0.6, 0.9]}
    >>> decision_changes(scores["as is"], scores["x + 0.2"], cutoff=0.5)
    {'flipped': 0.3333333333333333, 'to_default': 0.3333333333333333, 'to_no_default': 0.0}
"""

from __future__ import annotations

import matplotlib

if matplotlib.get_backend().lower() not in {"module://matplotlib_inline.backend_inline", "inline"}:
    matplotlib.use("Agg")  # headless outside Jupyter (tests, graders, CI)

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workshop_utils.cutoffs import decide
from workshop_utils.pdp import Predict, ice_curves, score_versions
from workshop_utils.plots import RISK_DOWN, RISK_UP
from workshop_utils.residuals import residual_summary

Perturb = Callable[[pd.DataFrame], pd.DataFrame]
"""A perturbation: takes a frame, returns a changed copy (never changes its argument)."""

AS_IS = "as is"
"""Column name of the unperturbed scores in ``score_perturbed``'s result."""

NO_DELAY = 0
"""Repayment status codes up to this one (-2 no consumption, -1 paid in full, 0 revolving
credit) all mean "no payment delay"."""

TOP_STATUS = 9
"""Highest repayment status code: "payment delayed nine months or more"."""


# ---------------------------------------------------------------------------------------------
# Perturbations
# ---------------------------------------------------------------------------------------------

def shift(frame: pd.DataFrame, feature: str, amount: float, low: float | None = None,
          high: float | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with ``amount`` added to ``feature``, clipped to [``low``, ``high``]
    when given.

    >>> shift(pd.DataFrame({"x": [1, 5]}), "x", 3, high=6)["x"].tolist()
    [4, 6]
    """
    changed = frame.copy()
    changed[feature] = (frame[feature] + amount).clip(lower=low, upper=high)
    return changed


def set_value(frame: pd.DataFrame, feature: str, value: float) -> pd.DataFrame:
    """Copy of ``frame`` with ``feature`` set to ``value`` in every row (an extreme value, an
    out-of-range value, NaN for missing...).

    >>> set_value(pd.DataFrame({"x": [1, 5]}), "x", 99)["x"].tolist()
    [99, 99]
    """
    return frame.assign(**{feature: value})


def set_missing(frame: pd.DataFrame, feature: str) -> pd.DataFrame:
    """Copy of ``frame`` with ``feature`` missing (NaN) in every row.

    >>> set_missing(pd.DataFrame({"x": [1, 5]}), "x")["x"].isna().tolist()
    [True, True]
    """
    return set_value(frame, feature, np.nan)


def add_delay(frame: pd.DataFrame, feature: str = "PAY_0", months: int = 1,
              top: int = TOP_STATUS) -> pd.DataFrame:
    """Copy of ``frame`` where repayment status ``feature`` is ``months`` months later: a
    customer with no delay (codes -2, -1, 0) becomes ``months`` late (code ``months``), a late
    one gets ``months`` more, capped at ``top`` (code 9 means nine months or more).

    >>> add_delay(pd.DataFrame({"PAY_0": [-2, -1, 0, 1, 8, 9]}))["PAY_0"].tolist()
    [1, 1, 1, 2, 9, 9]
    """
    changed = frame.copy()
    months_late = frame[feature].clip(lower=NO_DELAY)
    changed[feature] = (months_late + months).clip(upper=top)
    return changed


# ---------------------------------------------------------------------------------------------
# Scoring and measuring
# ---------------------------------------------------------------------------------------------

def score_perturbed(predict: Predict, frame: pd.DataFrame,
                    perturbations: Mapping[str, Perturb]) -> pd.DataFrame:
    """Predictions for ``frame`` as it is (column ``"as is"``) and after each perturbation (one
    column per name), all scored in ONE ``predict`` call on the stacked frames.

    >>> X = pd.DataFrame({"x": [1.0, 2.0]})
    >>> score_perturbed(lambda f: f["x"].to_numpy(), X, {"zero": lambda f: set_value(f, "x", 0)})["zero"].tolist()
    [0.0, 0.0]
    """
    versions = [frame, *(perturb(frame)[frame.columns] for perturb in perturbations.values())]
    scores = score_versions(predict, versions)
    return pd.DataFrame(scores.T, index=frame.index, columns=[AS_IS, *perturbations])


def decision_changes(before: Sequence[float], after: Sequence[float], cutoff: float) -> dict[str, float]:
    """Share of rows whose decision at ``cutoff`` changes (``flipped``), split into the share
    newly predicted to default (``to_default``) and newly predicted not to (``to_no_default``).

    >>> decision_changes([0.1, 0.6, 0.3, 0.2], [0.6, 0.4, 0.35, 0.1], cutoff=0.5)
    {'flipped': 0.5, 'to_default': 0.25, 'to_no_default': 0.25}
    """
    old, new = decide(np.asarray(before, dtype=float), cutoff), decide(np.asarray(after, dtype=float), cutoff)
    to_default = float(np.mean((old == 0) & (new == 1)))
    to_no_default = float(np.mean((old == 1) & (new == 0)))
    return {"flipped": to_default + to_no_default, "to_default": to_default,
            "to_no_default": to_no_default}


def sensitivity_table(scores: pd.DataFrame, cutoff: float, tolerance: float = 1e-6) -> pd.DataFrame:
    """One row per perturbation (each column of ``scores`` but ``"as is"``): the mean change of
    the prediction, its mean absolute change, the largest absolute change, the shares of rows
    whose prediction went up or down by more than ``tolerance``, and ``decision_changes``.

    >>> s = pd.DataFrame({AS_IS: [0.1, 0.6], "up": [0.7, 0.8]})
    >>> sensitivity_table(s, 0.5).loc["up", ["mean_change", "share_up", "flipped"]].tolist()
    [0.4, 1.0, 0.5]
    """
    rows = {}
    for name in scores.columns.drop(AS_IS):
        change = scores[name] - scores[AS_IS]
        rows[name] = {"mean_change": change.mean(), "mean_abs_change": change.abs().mean(),
                      "max_abs_change": change.abs().max(),
                      "share_up": float((change > tolerance).mean()),
                      "share_down": float((change < -tolerance).mean()),
                      **decision_changes(scores[AS_IS], scores[name], cutoff)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "perturbation"
    return table


def sweep(predict: Predict, rows: pd.DataFrame, feature: str, values: Sequence[float],
          missing: bool = True) -> pd.DataFrame:
    """Single-customer sensitivity: each row of ``rows`` scored with ``feature`` set to each of
    ``values`` (and, with ``missing``, to NaN in a last column), all in one ``predict`` call.
    One row per customer, one column per value (the ICE curves of ``pdp.ice_curves``).

    >>> X = pd.DataFrame({"x": [1.0, 2.0]})
    >>> sweep(lambda f: f["x"].fillna(-1).to_numpy(), X, "x", [0.0, 5.0]).to_numpy().tolist()
    [[0.0, 5.0, -1.0], [0.0, 5.0, -1.0]]
    """
    grid = [*np.asarray(values, dtype=float), *([np.nan] if missing else [])]
    return ice_curves(predict, rows, feature, grid)


# ---------------------------------------------------------------------------------------------
# Residuals by input
# ---------------------------------------------------------------------------------------------

def residuals_by_input(residual: pd.Series, frame: pd.DataFrame, inputs: Sequence[str],
                       bins: int = 5, max_levels: int = 12) -> dict[str, pd.DataFrame]:
    """``residuals.residual_summary`` for each input, in the input's own order: by level when
    it has at most ``max_levels`` distinct values, else by ``bins`` quantile bins.

    >>> r = pd.Series([0.1, 0.2, 2.0]); X = pd.DataFrame({"PAY_0": [0, 0, 2]})
    >>> residuals_by_input(r, X, ["PAY_0"])["PAY_0"]["mean"].round(2).tolist()
    [0.15, 2.0]
    """
    tables = {}
    for name in inputs:
        few = frame[name].nunique() <= max_levels
        table = residual_summary(residual, frame[name], bins=None if few else bins)
        tables[name] = table.sort_index()
    return tables


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

def plot_residuals_by_outcome(residual: pd.Series, actual: pd.Series, bins: int = 40) -> Figure:
    """Left: histograms of the logloss residuals for each actual outcome, with each mean marked.
    Right: the same residuals as box plots, side by side."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [2, 1]})
    edges = np.linspace(0, float(residual.max()), bins + 1)
    groups = [(0, "did not default", RISK_DOWN), (1, "defaulted", RISK_UP)]
    for value, label, colour in groups:
        part = residual[actual == value]
        left.hist(part, bins=edges, color=colour, alpha=0.55, label=f"{label} ({len(part)} rows)")
        left.axvline(part.mean(), color=colour, linestyle="--", linewidth=1.5,
                     label=f"mean {part.mean():.3f}")
    left.set(yscale="log", xlabel="logloss residual", ylabel="rows (log scale)",
             title="Residuals by actual outcome")
    left.legend(fontsize=8)
    boxes = right.boxplot([residual[actual == v] for v, _, _ in groups], vert=True, widths=0.5,
                          patch_artist=True, flierprops={"markersize": 2, "alpha": 0.3})
    for patch, (_, _, colour) in zip(boxes["boxes"], groups):
        patch.set(facecolor=colour, alpha=0.55)
    right.set_xticks([1, 2], [label for _, label, _ in groups])
    right.set(ylabel="logloss residual", title="Spread by outcome")
    figure.tight_layout()
    return figure


def _bin_label(level: object) -> str:
    """Short tick label for a level or a quantile bin (amounts in thousands)."""
    if isinstance(level, pd.Interval):
        return f"{level.left / 1000:,.0f}k to {level.right / 1000:,.0f}k"
    return f"{level:g}" if isinstance(level, (int, float, np.number)) else str(level)


def plot_residuals_by_input(tables: Mapping[str, pd.DataFrame], overall: float,
                            columns: int = 2) -> Figure:
    """One panel per input: mean residual per level or bin (bars, labelled with the row count),
    against the overall mean residual (dashed line); bars above it are red."""
    rows = int(np.ceil(len(tables) / columns))
    figure, grid = plt.subplots(rows, columns, figsize=(6 * columns, 3.2 * rows + 0.5), squeeze=False)
    for axes, (name, table) in zip(grid.ravel(), tables.items()):
        labels = [_bin_label(level) for level in table.index]
        colours = [RISK_UP if m > overall else RISK_DOWN for m in table["mean"]]
        bars = axes.bar(range(len(table)), table["mean"], color=colours, alpha=0.8)
        axes.bar_label(bars, labels=[f"n={n}" for n in table["count"]], fontsize=6.5, padding=1)
        axes.axhline(overall, color="0.3", linestyle="--", linewidth=1)
        axes.set_xticks(range(len(table)), labels, fontsize=7.5)
        axes.set(title=name, ylabel="mean logloss residual")
        axes.set_ylim(0, float(table["mean"].max()) * 1.15)
    for axes in grid.ravel()[len(tables):]:
        axes.set_visible(False)
    figure.suptitle(f"Mean residual by group (n = test rows in the group); dashed line: overall "
                    f"mean {overall:.3f}", fontsize=10)
    figure.tight_layout()
    return figure


def plot_sensitivity(table: pd.DataFrame, title: str) -> Figure:
    """Left: mean change of the predicted probability per perturbation (risk up in red, down in
    blue). Right: share of decisions flipped, split into newly declined and newly approved."""
    shown = table.iloc[::-1]
    positions = np.arange(len(shown))
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 0.42 * len(shown) + 1.6), sharey=True)
    colours = [RISK_UP if change > 0 else RISK_DOWN for change in shown["mean_change"]]
    left.barh(positions, shown["mean_change"], color=colours)
    left.axvline(0, color="0.3", linewidth=0.8)
    left.set_yticks(positions, shown.index)
    left.set(xlabel="mean change of the predicted probability of default", title=title)
    right.barh(positions, shown["to_default"], color=RISK_UP, label="now predicted to default")
    right.barh(positions, shown["to_no_default"], left=shown["to_default"], color=RISK_DOWN,
               label="now predicted not to default")
    for position, share in zip(positions, shown["flipped"]):
        right.text(share, position, f" {share:.1%}", va="center", fontsize=8)
    right.set(xlabel="share of decisions flipped at the cutoff", title="Decisions that change")
    right.set_xlim(0, max(float(shown["flipped"].max()) * 1.2, 0.01))
    right.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure


def _tick_label(value: float) -> str:
    """Short tick label: thousands as "200k", small numbers as they are.

    >>> _tick_label(200000.0), _tick_label(-2.0)
    ('200k', '-2')
    """
    return f"{value / 1000:g}k" if abs(value) >= 1000 else f"{value:g}"


def _missing_position(grid: np.ndarray) -> float:
    """Where the "missing" point goes on a sweep's x axis: a little past the last value."""
    span = grid.max() - grid.min() if len(grid) > 1 else 1.0
    return float(grid.max() + 0.15 * span)


def plot_sweep(curves: Mapping[str, pd.DataFrame], observed: pd.DataFrame, cutoff: float,
               labels: pd.Series, columns: int = 2) -> Figure:
    """Single-customer sweeps, one panel per input: ``curves`` maps an input to a ``sweep``
    result (a NaN column, if any, is drawn as a separate "missing" point at the right). Each
    customer (a row, named by ``labels``) gets a line and a dot at its real value
    (``observed``, indexed like the curves); the dashed line is the decision cutoff."""
    rows = int(np.ceil(len(curves) / columns))
    figure, grid = plt.subplots(rows, columns, figsize=(6 * columns, 4 * rows), squeeze=False)
    colours = plt.cm.viridis(np.linspace(0, 0.85, len(labels)))
    for number, (axes, (name, table)) in enumerate(zip(grid.ravel(), curves.items())):
        values = table.columns.to_numpy(dtype=float)
        known = ~np.isnan(values)
        where_missing = _missing_position(values[known])
        for colour, (row, curve) in zip(colours, table.iterrows()):
            axes.plot(values[known], curve.to_numpy()[known], color=colour, linewidth=1.6,
                      label=labels[row])
            real = float(observed.loc[row, name])
            axes.scatter([real], [np.interp(real, values[known], curve.to_numpy()[known])],
                         color=colour, s=45, zorder=3, edgecolor="black")
            if not known.all():
                axes.scatter([where_missing], [curve.to_numpy()[~known][0]], color=colour,
                             marker="D", s=40, zorder=3)
        axes.axhline(cutoff, color=RISK_UP, linestyle="--", linewidth=1,
                     label=f"cutoff {cutoff:.3f}")
        if not known.all():
            axes.axvline(where_missing, color="0.85", linewidth=8, zorder=0)
            low, high = values[known].min(), values[known].max()
            ticks = [tick for tick in axes.get_xticks()
                     if low <= tick <= high and where_missing - tick > 0.12 * (high - low)]
            axes.set_xticks([*ticks, where_missing], [_tick_label(t) for t in ticks] + ["missing"])
        axes.set(xlabel=name, ylabel="predicted probability of default", ylim=(0, 1),
                 title=f"Sweeping {name} (dot: the customer's real value)")
        if number == 0:
            axes.legend(fontsize=7, loc="upper left")
    for axes in grid.ravel()[len(curves):]:
        axes.set_visible(False)
    figure.tight_layout()
    return figure
