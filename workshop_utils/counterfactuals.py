"""Counterfactual explanations with DiCE: what a declined customer could change to be accepted.

A counterfactual is a copy of the customer's inputs, changed as little as possible, that the
model decides the other way. Only inputs the customer can act on may change (``ACTIONABLE``:
the latest month's repayment status, bill and payment), each only in the direction and range a
customer could actually move it (``recourse_ranges``, always inside the training range); the
earlier months and the credit limit the lender sets stay fixed (``IMMUTABLE``). DiCE's
model-agnostic "random" method does the search on any ``predict`` function, through a
scikit-learn-style wrapper (``ProbabilityModel``).

Example:
    >>> import pandas as pd
    >>> row = pd.Series({"PAY_0": 2, "BILL_AMT1": 5000, "PAY_AMT1": 0})
    >>> ranges = pd.DataFrame({"min": [-2, -1000, 0], "max": [8, 9e5, 8e5]}, index=row.index)
    >>> recourse_ranges(row, ranges)
    {'PAY_0': [-2.0, 2.0], 'BILL_AMT1': [0.0, 5000.0], 'PAY_AMT1': [0.0, 5000.0]}
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from workshop_utils import SEED
from workshop_utils.cutoffs import decide
from workshop_utils.data import BILL_AMOUNTS, DEMOGRAPHICS, PAY_AMOUNTS, PAY_STATUS
from workshop_utils.guards import impossible_values
from workshop_utils.pdp import Predict
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, panel_grid, plt

__all__ = ["ACTIONABLE", "IMMUTABLE", "ProbabilityModel", "changed_inputs", "counterfactual_metrics",
           "dice_explainer", "find_counterfactuals", "greedy_counterfactual", "invalid_changes", "plot_counterfactuals",
           "plot_reasons_against_changes", "recourse_options", "recourse_ranges"]

ACTIONABLE = ["PAY_0", "BILL_AMT1", "PAY_AMT1"]
"""What a customer can still act on: the latest month's repayment status (bring the account up
to date), bill (spend less) and payment (pay more)."""

IMMUTABLE = ["LIMIT_BAL", *PAY_STATUS[1:], *BILL_AMOUNTS[1:], *PAY_AMOUNTS[1:], *DEMOGRAPHICS]
"""What no counterfactual may change: every earlier month (history is history), the credit limit
(the lender sets it, so it is no recourse for the customer) and the demographics (not the
customer's to change, and not model inputs here anyway)."""


class ProbabilityModel:
    """A scikit-learn-style classifier around a ``predict`` function (frame in, probability of
    default out), which is what DiCE's "sklearn" backend calls.

    >>> model = ProbabilityModel(lambda frame: frame["x"].to_numpy() / 10, cutoff=0.3)
    >>> model.predict_proba(pd.DataFrame({"x": [2, 5]})).tolist(), model.predict(pd.DataFrame({"x": [2, 5]})).tolist()
    ([[0.8, 0.2], [0.5, 0.5]], [0, 1])
    """

    def __init__(self, predict: Predict, cutoff: float = 0.5) -> None:
        self.score, self.cutoff = predict, cutoff

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities of no default and default, one row per row of ``X``."""
        probability = np.asarray(self.score(X.astype(float)), dtype=float)
        return np.column_stack([1 - probability, probability])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Decisions at the cutoff: 1 (declined) where the probability is at least the cutoff."""
        return decide(self.predict_proba(X)[:, 1], self.cutoff)


def recourse_ranges(row: pd.Series, ranges: pd.DataFrame) -> dict[str, list[float]]:
    """Where each ``ACTIONABLE`` input of this customer may move, inside the training ``ranges``
    (columns ``min``, ``max``): the repayment status only down to better codes; the bill only
    down, to zero at the lowest (or its current credit balance); the payment only up, to the
    latest bill at most (nobody pays more than they owe)."""
    status, bill, paid = (float(row[name]) for name in ACTIONABLE)
    low = {name: float(v) for name, v in ranges["min"].items()}
    high = {name: float(v) for name, v in ranges["max"].items()}
    return {
        "PAY_0": [low["PAY_0"], status],
        "BILL_AMT1": [max(low["BILL_AMT1"], min(0.0, bill)), bill],
        "PAY_AMT1": [paid, max(paid, min(high["PAY_AMT1"], bill))],
    }


def recourse_options(row: pd.Series, ranges: pd.DataFrame, steps: int = 5) -> dict[str, list[float]]:
    """A few candidate values per ``ACTIONABLE`` input for a simple search: every repayment
    status in its recourse range, and ``steps`` evenly spaced whole amounts across the bill's and
    the payment's ranges, the customer's own value left out.

    >>> row = pd.Series({"PAY_0": 1, "BILL_AMT1": 4000, "PAY_AMT1": 0})
    >>> ranges = pd.DataFrame({"min": [-2, -1000, 0], "max": [8, 9e5, 8e5]}, index=row.index)
    >>> recourse_options(row, ranges, steps=3)
    {'PAY_0': [-2.0, -1.0, 0.0], 'BILL_AMT1': [0.0, 2000.0], 'PAY_AMT1': [2000.0, 4000.0]}
    """
    options = {}
    for name, (low, high) in recourse_ranges(row, ranges).items():
        grid = np.arange(low, high + 1) if name == "PAY_0" else np.round(np.linspace(low, high, steps))
        options[name] = [float(v) for v in dict.fromkeys(grid) if v != float(row[name])]
    return options


def greedy_counterfactual(predict: Predict, row: pd.Series, options: Mapping[str, Sequence[float]], cutoff: float,
                          max_changes: int = 3) -> pd.Series:
    """A simple search for recourse: while the customer is declined, try every option of every
    input not changed yet (all in one call to ``predict``), take the one that lowers the
    probability most (the first on ties), and stop when accepted, when nothing lowers it, or
    after ``max_changes`` inputs. Returns the changed row (it may still be declined).

    >>> toy = lambda frame: (frame["a"] + frame["b"]).to_numpy() / 10
    >>> greedy_counterfactual(toy, pd.Series({"a": 3.0, "b": 3.0}), {"a": [1.0, 2.0], "b": [0.0]}, 0.2).tolist()
    [1.0, 0.0]
    """
    current = row.astype(float).copy()
    probability = float(np.asarray(predict(current.to_frame().T))[0])
    left = dict(options)
    for _ in range(max_changes):
        if probability < cutoff:
            break
        trials = [(name, float(value)) for name, values in left.items() for value in values]
        if not trials:
            break
        frame = pd.DataFrame([current] * len(trials)).reset_index(drop=True)
        for number, (name, value) in enumerate(trials):
            frame.at[number, name] = value
        scores = np.asarray(predict(frame), dtype=float)
        best = int(np.argmin(scores))
        if scores[best] >= probability:
            break
        name, value = trials[best]
        current[name], probability = value, float(scores[best])
        del left[name]
    return current


def dice_explainer(train: pd.DataFrame, inputs: Sequence[str], target: str, predict: Predict,
                   cutoff: float) -> Any:
    """A DiCE explainer (model-agnostic "random" method) on the training rows, for ``predict``
    at ``cutoff``; every input is continuous to DiCE, and inputs stored as whole numbers (all of
    the credit data's) are sampled as whole numbers."""
    import dice_ml

    data = dice_ml.Data(dataframe=train[[*inputs, target]], continuous_features=list(inputs), outcome_name=target)
    model = dice_ml.Model(model=ProbabilityModel(predict, cutoff), backend="sklearn", model_type="classifier")
    return dice_ml.Dice(data, model, method="random")


def find_counterfactuals(explainer: Any, X: pd.DataFrame, customers: Sequence[Any], ranges: pd.DataFrame,
                         cutoff: float, total: int = 4, sample_size: int = 300, seed: int = SEED) -> pd.DataFrame:
    """Up to ``total`` counterfactuals for each declined customer (row labels of ``X``), changing
    only ``ACTIONABLE`` inputs within ``recourse_ranges``, accepted when the probability falls to
    the cutoff or below. One row per counterfactual: ``customer``, ``number``, the inputs. DiCE
    is seeded per customer (``seed`` + position), so the result repeats exactly."""
    found = []
    for position, customer in enumerate(tqdm(customers, desc="DiCE counterfactuals")):
        query = X.loc[[customer]].astype(float)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                result = explainer.generate_counterfactuals(
                    query, total_CFs=total, desired_class=0, features_to_vary=ACTIONABLE,
                    permitted_range=recourse_ranges(query.iloc[0], ranges), stopping_threshold=cutoff,
                    posthoc_sparsity_param=None, sample_size=sample_size, random_seed=seed + position)
            except Exception as error:  # DiCE raises when it finds nothing for the customer
                if "No counterfactuals found" not in str(error):
                    raise
                continue
        table = result.cf_examples_list[0].final_cfs_df
        if table is not None and len(table):
            table = table[list(X.columns)].astype(float).drop_duplicates()
            found.append(table.assign(customer=customer, number=range(1, len(table) + 1)))
    columns = ["customer", "number", *X.columns]
    return pd.concat(found, ignore_index=True)[columns] if found else pd.DataFrame(columns=columns)


def changed_inputs(X: pd.DataFrame, counterfactuals: pd.DataFrame) -> pd.DataFrame:
    """True where a counterfactual's input differs from its customer's (one row per
    counterfactual, one column per input of ``X``).

    >>> X = pd.DataFrame({"a": [1.0], "b": [2.0]}, index=[7])
    >>> changed_inputs(X, pd.DataFrame({"customer": [7], "a": [1.0], "b": [0.0]})).to_dict("list")
    {'a': [False], 'b': [True]}
    """
    original = X.loc[counterfactuals["customer"]].to_numpy(dtype=float)
    return pd.DataFrame(counterfactuals[list(X.columns)].to_numpy(dtype=float) != original,
                        index=counterfactuals.index, columns=list(X.columns))


def invalid_changes(X: pd.DataFrame, counterfactuals: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """Per counterfactual, what would make it no recourse at all: ``immutable`` (an input declared
    fixed changed), ``outside range`` (a changed value outside the training range) and
    ``impossible`` (e.g. a repayment status that is not a valid code), each True or False."""
    changed = changed_inputs(X, counterfactuals)
    fixed = [name for name in IMMUTABLE if name in changed]
    values = counterfactuals[list(ranges.index)].astype(float)
    outside = values.lt(ranges["min"], axis=1) | values.gt(ranges["max"], axis=1)
    return pd.DataFrame({
        "immutable": changed[fixed].any(axis=1),
        "outside range": (outside & changed[list(ranges.index)]).any(axis=1),
        "impossible": impossible_values(counterfactuals[list(X.columns)]).any(axis=1),
    })


def counterfactual_metrics(predict: Predict, X: pd.DataFrame, counterfactuals: pd.DataFrame,
                           ranges: pd.DataFrame, cutoff: float) -> pd.DataFrame:
    """Per counterfactual: its ``probability``; ``valid`` (the decision flips from declined to
    accepted at ``cutoff``); ``inputs changed`` (sparsity); ``distance`` (proximity: the sum over
    inputs of the change divided by the input's training range, so 1.0 is one whole range)."""
    before = decide(predict(X.loc[counterfactuals["customer"]]), cutoff)
    probability = np.asarray(predict(counterfactuals[list(X.columns)]), dtype=float)
    width = (ranges["max"] - ranges["min"]).reindex(X.columns).to_numpy(dtype=float)
    moved = np.abs(counterfactuals[list(X.columns)].to_numpy(dtype=float)
                   - X.loc[counterfactuals["customer"]].to_numpy(dtype=float))
    return pd.DataFrame({
        "customer": counterfactuals["customer"].to_numpy(),
        "probability": probability,
        "valid": (before == 1) & (decide(probability, cutoff) == 0),
        "inputs changed": changed_inputs(X, counterfactuals).sum(axis=1).to_numpy(),
        "distance": (moved / width).sum(axis=1),
    }, index=counterfactuals.index)


def plot_counterfactuals(row: pd.Series, counterfactuals: pd.DataFrame, probabilities: Sequence[float],
                         before: float, cutoff: float, title: str) -> Figure:
    """One panel per actionable input: the customer's value (grey line) and each counterfactual's
    (a dot, blue where it moved), each counterfactual on its own line, its probability on the right."""
    figure, grid = panel_grid(len(ACTIONABLE), len(ACTIONABLE), (3.2, 0.45 * len(counterfactuals) + 1.4), sharey=True)
    labels = [f"CF {n}: p = {p:.2f}" for n, p in zip(counterfactuals["number"], probabilities)]
    y = np.arange(len(counterfactuals))
    for axes, name in zip(grid.ravel(), ACTIONABLE):
        values = counterfactuals[name].to_numpy(dtype=float)
        moved = values != float(row[name])
        axes.axvline(float(row[name]), color=NEUTRAL, linestyle="--", linewidth=1)
        axes.hlines(y[moved], float(row[name]), values[moved], color=RISK_DOWN, linewidth=2)
        axes.scatter(values, y, color=np.where(moved, RISK_DOWN, "0.7"), zorder=3)
        axes.set(title=name, yticks=y, yticklabels=labels)
        axes.tick_params(axis="x", labelsize=7)
    grid[0, 0].invert_yaxis()
    figure.suptitle(f"{title}\n(dashed: the customer now, p = {before:.2f}; accepted below {cutoff:.2f})", fontsize=10)
    figure.tight_layout()
    return figure


def plot_reasons_against_changes(reason_share: pd.Series, change_share: pd.Series, title: str) -> Figure:
    """Side-by-side bars per input: the share of customers with it among their top reasons (red)
    and the share of counterfactuals that change it (blue)."""
    table = pd.DataFrame({"a top-3 reason code": reason_share, "changed by a counterfactual": change_share}).fillna(0.0)
    table = table.loc[table.max(axis=1).sort_values(kind="stable").index]
    figure, axes = plt.subplots(figsize=(7, 0.32 * len(table) + 1.4))
    position = np.arange(len(table))
    axes.barh(position + 0.2, table.iloc[:, 0], height=0.4, color=RISK_UP, label=table.columns[0])
    axes.barh(position - 0.2, table.iloc[:, 1], height=0.4, color=RISK_DOWN, label=table.columns[1])
    axes.set(yticks=position, yticklabels=table.index, xlabel="share of customers / of counterfactuals", title=title)
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure
