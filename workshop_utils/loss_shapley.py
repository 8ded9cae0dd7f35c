"""Shapley values of a model's loss: which inputs make each row's logloss larger or smaller.

shap's TreeExplainer can explain the logloss of a tree model directly (``model_output="log_loss"``)
when it is given the actual outcomes and a background sample ("interventional" Shapley values).
For every row, the loss contributions plus the expected loss (the average loss over the
background rows, given that row's outcome) add up to that row's logloss. A positive contribution
means the input made this row's prediction *worse*; a negative one, better.

Example:
    >>> import pandas as pd
    >>> contribs = pd.DataFrame({"a": [0.5, -0.2], "b": [0.1, -0.1], EXPECTED: [0.4, 0.4]})
    >>> loss_from_contributions(contribs).round(2).tolist()
    [1.0, 0.1]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shap
import xgboost as xgb
from matplotlib.figure import Figure

from workshop_utils import SEED
from workshop_utils.plots import RISK_DOWN, RISK_UP, panel_grid, plt
from workshop_utils.shapley import reason_codes

__all__ = ["EXPECTED", "background_sample", "local_accuracy_gap", "loss_contributions", "loss_drivers", "loss_explainer",
           "loss_from_contributions", "loss_reason_codes", "mean_loss_by_outcome", "plot_loss_by_outcome",
           "plot_loss_reason_codes", "worst_rows"]

EXPECTED = "EXPECTED"
"""Column holding each row's expected loss (the explainer's base value for that row's outcome)."""


def background_sample(frame: pd.DataFrame, inputs: Sequence[str], size: int = 200,
                      seed: int = SEED) -> pd.DataFrame:
    """A seeded random sample of ``size`` rows of ``inputs``: the reference the Shapley values
    of the loss are measured against (small, because the cost grows with it).

    >>> frame = pd.DataFrame({"a": range(10), "b": range(10)})
    >>> background_sample(frame, ["a"], size=3).shape
    (3, 1)
    """
    return frame[list(inputs)].sample(n=min(size, len(frame)), random_state=seed)


def loss_explainer(model: xgb.XGBClassifier, background: pd.DataFrame) -> shap.TreeExplainer:
    """shap's TreeExplainer for the model's logloss, against every row of ``background``
    (shap would otherwise quietly subsample it to 100 rows)."""
    masker = shap.maskers.Independent(background, max_samples=len(background))
    return shap.TreeExplainer(model, data=masker, model_output="log_loss",
                              feature_perturbation="interventional")


def loss_contributions(model: xgb.XGBClassifier, X: pd.DataFrame, y: Sequence[int],
                       background: pd.DataFrame) -> pd.DataFrame:
    """Shapley values of each row's logloss, one column per input of ``background``, plus
    ``EXPECTED``: the expected loss for that row's actual outcome. Rows sum to the logloss."""
    explainer = loss_explainer(model, background)
    columns = list(background.columns)
    outcome = np.asarray(y, dtype=float)
    values = explainer.shap_values(X[columns], outcome)
    base = {label: float(explainer.expected_value(label)) for label in (0.0, 1.0)}
    out = pd.DataFrame(values, index=X.index, columns=columns)
    out[EXPECTED] = np.where(outcome == 1, base[1.0], base[0.0])
    return out


def loss_from_contributions(contributions: pd.DataFrame) -> pd.Series:
    """Each row's logloss rebuilt from its loss contributions plus its expected loss."""
    return contributions.sum(axis=1)


def local_accuracy_gap(contributions: pd.DataFrame, residual: Sequence[float]) -> float:
    """Largest absolute difference between the rebuilt and the actual per-row logloss
    (local accuracy: it should be rounding noise).

    >>> contribs = pd.DataFrame({"a": [0.5, -0.2], EXPECTED: [0.4, 0.4]})
    >>> round(local_accuracy_gap(contribs, [0.9, 0.25]), 3)
    0.05
    """
    rebuilt = loss_from_contributions(contributions).to_numpy()
    return float(np.abs(rebuilt - np.asarray(residual, dtype=float)).max())


def mean_loss_by_outcome(contributions: pd.DataFrame, y: Sequence[int]) -> pd.DataFrame:
    """Mean loss contribution of each input (rows) among actual non-defaulters (column 0) and
    defaulters (column 1), largest mean absolute contribution first.

    >>> contribs = pd.DataFrame({"a": [0.1, -0.3], "b": [0.0, 0.1], EXPECTED: [0.4, 0.6]})
    >>> mean_loss_by_outcome(contribs, [0, 1]).to_dict("index")
    {'a': {0: 0.1, 1: -0.3}, 'b': {0: 0.0, 1: 0.1}}
    """
    inputs = contributions.drop(columns=[EXPECTED], errors="ignore")
    table = inputs.groupby(np.asarray(y)).mean().T
    table.columns = [int(label) for label in table.columns]
    order = table.abs().mean(axis=1).sort_values(ascending=False, kind="stable").index
    return table.loc[order]


def worst_rows(residual: pd.Series, share: float) -> pd.Index:
    """Index labels of the ``share`` of rows with the largest residuals (at least one row).

    >>> worst_rows(pd.Series([0.1, 3.0, 0.5, 2.0]), 0.5).tolist()
    [1, 3]
    """
    count = max(1, round(share * len(residual)))
    return residual.sort_values(ascending=False, kind="stable").index[:count]


def loss_drivers(contributions: pd.DataFrame, residual: pd.Series, share: float = 0.1) -> pd.Series:
    """Mean loss contribution of each input over the ``share`` worst-predicted rows, largest
    first: the inputs that add most to the loss where the model is most wrong.

    >>> contribs = pd.DataFrame({"a": [0.1, 0.9, 0.0], "b": [0.2, -0.1, 0.0], EXPECTED: [1, 1, 1]})
    >>> loss_drivers(contribs, pd.Series([1.3, 1.8, 1.0]), share=0.34).to_dict()
    {'a': 0.9, 'b': -0.1}
    """
    rows = worst_rows(residual.loc[contributions.index], share)
    means = contributions.loc[rows].drop(columns=[EXPECTED], errors="ignore").mean()
    return means.sort_values(ascending=False, kind="stable").astype(float)


def plot_loss_by_outcome(table: pd.DataFrame, title: str, top: int = 10) -> Figure:
    """Paired horizontal bars of a ``mean_loss_by_outcome`` table (the ``top`` inputs): left of
    zero an input lowers the loss on average (helps), right of zero it raises it (hurts)."""
    shown = table.head(top).iloc[::-1]
    positions = np.arange(len(shown))
    figure, axes = plt.subplots(figsize=(7.5, 0.45 * len(shown) + 1.5))
    axes.barh(positions + 0.2, shown[0], height=0.4, color=RISK_DOWN, label="actual: no default")
    axes.barh(positions - 0.2, shown[1], height=0.4, color=RISK_UP, label="actual: default")
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(positions, shown.index)
    axes.set(title=title, xlabel="mean Shapley contribution to the logloss\n"
                                 "(< 0: the input lowers the loss, > 0: it raises it)")
    axes.legend(loc="lower left", fontsize=8)
    figure.tight_layout()
    return figure


def loss_reason_codes(contributions: pd.DataFrame, values: pd.DataFrame, rows: Sequence, k: int = 3) -> pd.DataFrame:
    """Loss reason codes: for each row label in ``rows``, the ``k`` inputs whose values raised that
    row's logloss the most (largest positive loss contributions), in words, largest first.
    Index: (row, rank); columns ``input``, ``reason`` and ``contribution``.

    >>> contribs = pd.DataFrame({"PAY_0": [1.2, -0.1], "LIMIT_BAL": [0.3, 0.2], EXPECTED: [0.5, 0.5]},
    ...                         index=[7, 8])
    >>> values = pd.DataFrame({"PAY_0": [0, 2], "LIMIT_BAL": [500000, 20000]}, index=[7, 8])
    >>> loss_reason_codes(contribs, values, [7], k=2)["reason"].tolist()
    ['PAY_0 = 0 (revolving credit)', 'LIMIT_BAL = 500,000 NT$ (credit limit)']
    """
    inputs = contributions.drop(columns=[EXPECTED], errors="ignore")
    return pd.concat({row: reason_codes(inputs.loc[row], values.loc[row], k) for row in rows},
                     names=["row", "rank"])


def plot_loss_reason_codes(codes: pd.DataFrame, titles: dict) -> Figure:
    """One panel per row of a :func:`loss_reason_codes` table: bars of its loss reasons, the top
    reason on top; ``titles`` maps each row label to its panel's title."""
    rows = list(dict.fromkeys(codes.index.get_level_values(0)))
    figure, grid = panel_grid(len(rows), 1, (7, 0.35 * codes.index.get_level_values(1).max() + 1.0), sharex=True)
    for axes, row in zip(grid.ravel(), rows):
        shown = codes.loc[row].iloc[::-1]
        axes.barh([reason.replace(" (", "\n(") for reason in shown["reason"]], shown["contribution"], color=RISK_UP)
        axes.set_title(titles.get(row, str(row)), fontsize=9)
        axes.tick_params(labelsize=8)
    grid.ravel()[len(rows) - 1].set_xlabel("Shapley contribution to the row's logloss")
    figure.tight_layout()
    return figure
