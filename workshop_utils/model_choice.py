"""Choosing among the ladder's models: the business value of each model's decisions (profit at a
cutoff, and as the cutoff moves), the closing table of accuracy, transparency, fairness and
value, and a stated rule that picks one.

Example:
    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 1, 0, 1])
    >>> p = np.array([0.1, 0.4, 0.8, 0.6, 0.2, 0.3])
    >>> profit_at_cutoff(y, p, 0.5, gain_tn=100, loss_fn=400)  # 3 good approved, 1 bad approved
    -100.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from workshop_utils.cutoffs import decide
from workshop_utils.model_ladder import MODELS, TRANSPARENCY

__all__ = ["COSTS", "PROFIT_MODEL", "closing_table", "decision_cost", "min_cost_cutoff", "profit", "profit_at_cutoff",
           "profit_curve", "recommend"]

PROFIT_MODEL: dict[str, float] = {"gain_tn": 2_000.0, "loss_fn": 8_000.0}
"""ASSUMED profit model (NT$ per customer): approving a customer who pays (a true negative) earns
``gain_tn``; approving one who defaults (a false negative) loses ``loss_fn``; declining earns and
loses nothing. Illustrative numbers, not figures from the data."""

COSTS: dict[str, float] = {"cost_fn": PROFIT_MODEL["loss_fn"], "cost_fp": PROFIT_MODEL["gain_tn"]}
"""The same ASSUMED numbers as costs of the two kinds of wrong decision (NT$ per customer): a missed
default (a defaulter approved, a false negative) costs ``cost_fn``; a wrongly declined customer (a
payer declined, a false positive) costs ``cost_fp``, the earnings the bank forgoes. Total cost and
:func:`profit` then differ by a constant, so the cheapest cutoff is also the most profitable one."""

_TRANSPARENCY_ORDER = {"high": 0, "medium": 1, "low": 2}


def profit(y_true: Sequence[int], y_pred: Sequence[int], gain_tn: float = PROFIT_MODEL["gain_tn"],
           loss_fn: float = PROFIT_MODEL["loss_fn"]) -> float:
    """Value of a set of decisions (1 = predicted to default, declined): every approved payer
    (true negative) earns ``gain_tn``, every approved defaulter (false negative) loses
    ``loss_fn``, and declined customers count zero.

    >>> profit([0, 0, 1, 1], [0, 1, 0, 1], gain_tn=10, loss_fn=30)
    -20.0
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    true_negatives = int(np.sum((y_true == 0) & (y_pred == 0)))
    false_negatives = int(np.sum((y_true == 1) & (y_pred == 0)))
    return float(gain_tn * true_negatives - loss_fn * false_negatives)


def profit_at_cutoff(y_true: Sequence[int], probability: Sequence[float], cutoff: float,
                     gain_tn: float = PROFIT_MODEL["gain_tn"],
                     loss_fn: float = PROFIT_MODEL["loss_fn"]) -> float:
    """:func:`profit` of declining everyone whose probability is at or above ``cutoff``."""
    return profit(y_true, decide(probability, cutoff), gain_tn, loss_fn)


def profit_curve(y_true: Sequence[int], probability: Sequence[float], cutoffs: Sequence[float],
                 gain_tn: float = PROFIT_MODEL["gain_tn"],
                 loss_fn: float = PROFIT_MODEL["loss_fn"]) -> pd.Series:
    """:func:`profit_at_cutoff` at every cutoff, indexed by cutoff.

    >>> profit_curve([0, 1], [0.2, 0.9], [0.5, 1.0], gain_tn=1, loss_fn=5).tolist()
    [1.0, -4.0]
    """
    return pd.Series([profit_at_cutoff(y_true, probability, c, gain_tn, loss_fn) for c in cutoffs],
                     index=pd.Index(np.asarray(cutoffs, dtype=float), name="cutoff"), name="profit")


def decision_cost(y_true: Sequence[int], y_pred: Sequence[int], cost_fn: float = COSTS["cost_fn"],
                  cost_fp: float = COSTS["cost_fp"]) -> float:
    """Total cost of a set of decisions (1 = declined): ``cost_fn`` per approved defaulter (a
    missed default) plus ``cost_fp`` per declined payer (a wrongly declined customer).

    >>> decision_cost([0, 0, 1, 1], [0, 1, 0, 1], cost_fn=30, cost_fp=10)
    40.0
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    missed = int(np.sum((y_true == 1) & (y_pred == 0)))
    wrongly_declined = int(np.sum((y_true == 0) & (y_pred == 1)))
    return float(cost_fn * missed + cost_fp * wrongly_declined)


def min_cost_cutoff(y_true: Sequence[int], probability: Sequence[float], cost_fn: float = COSTS["cost_fn"],
                    cost_fp: float = COSTS["cost_fp"]) -> tuple[float, float]:
    """The cutoff (decline when probability >= cutoff) with the lowest :func:`decision_cost` on
    these rows, and that cost. The candidates are every distinct probability and ``inf`` (decline
    nobody); ties go to the lowest such cutoff.

    >>> min_cost_cutoff([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], cost_fn=30, cost_fp=10)
    (0.35, 10.0)
    """
    y = np.asarray(y_true)
    p = np.asarray(probability, dtype=float)
    values = np.unique(p)[::-1]  # distinct probabilities, highest first
    # declining at or above each value: defaulters and payers declined, counted cumulatively
    defaulters = np.cumsum(np.bincount(np.searchsorted(-values, -p[y == 1]), minlength=len(values)))
    payers = np.cumsum(np.bincount(np.searchsorted(-values, -p[y == 0]), minlength=len(values)))
    cutoffs = np.concatenate([[np.inf], values])
    costs = np.concatenate([[0.0], cost_fp * payers]) + cost_fn * (
        int(np.sum(y == 1)) - np.concatenate([[0], defaulters]))
    best = len(costs) - 1 - int(np.argmin(costs[::-1]))  # the lowest cutoff among equal costs
    return float(cutoffs[best]), float(costs[best])


def closing_table(summary: pd.DataFrame, test_auc: Mapping[str, float], n_inputs: Mapping[str, int],
                  monotone: Mapping[str, bool], air: Mapping[str, float],
                  four_fifths: Mapping[str, bool], value: Mapping[str, float],
                  age_air: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per model: accuracy (CV AUC, its spread, mean CV rank, test AUC), transparency
    (inputs, monotone, a rating), fairness (adverse impact ratio, four-fifths rule) and value
    (profit at the model's cutoff), in the ladder's order. ``age_air`` (optional: each model's
    age-band AIR furthest from 1) adds the column "worst AIR by age" after the sex AIR."""
    names = [name for name in MODELS if name in summary.index]
    table = pd.DataFrame({
        "CV AUC": summary.loc[names, "auc"], "CV AUC sd": summary.loc[names, "auc sd"],
        "CV mean rank": summary.loc[names, "mean rank"],
        "test AUC": [test_auc[n] for n in names],
        "inputs": [int(n_inputs[n]) for n in names], "monotone": [bool(monotone[n]) for n in names],
        "transparency": [TRANSPARENCY[n] for n in names],
        "AIR female/male": [air[n] for n in names],
        "four-fifths": [bool(four_fifths[n]) for n in names],
        "profit (NT$)": [value[n] for n in names],
    }, index=pd.Index(names, name="model"))
    if age_air is not None:
        table.insert(table.columns.get_loc("AIR female/male") + 1, "worst AIR by age",
                     [age_air[n] for n in names])
    return table


def recommend(table: pd.DataFrame, auc_margin: float = 0.01) -> tuple[str, str]:
    """A careful team's pick under a stated rule: drop any model that fails the four-fifths
    rule; keep those whose CV AUC is within ``auc_margin`` of the best remaining one; of
    those, take the most transparent (then the most profitable). Returns (model, reason).

    >>> t = pd.DataFrame({"CV AUC": [0.72, 0.770, 0.776], "four-fifths": [True] * 3,
    ...                   "transparency": ["high", "medium", "low"], "profit (NT$)": [1, 2, 3]},
    ...                  index=["glm", "mgbm", "gbm"])
    >>> recommend(t)[0]
    'mgbm'
    """
    fair = table[table["four-fifths"]]
    if fair.empty:
        return "none", "every model fails the four-fifths rule: none can be deployed as it is"
    best = fair["CV AUC"].max()
    close = fair[fair["CV AUC"] >= best - auc_margin - 1e-12]
    order = close.assign(_t=close["transparency"].map(_TRANSPARENCY_ORDER),
                         _p=-close["profit (NT$)"]).sort_values(["_t", "_p"], kind="stable")
    pick = str(order.index[0])
    dropped = [str(n) for n in table.index if n not in fair.index]
    behind = [str(n) for n in fair.index if n not in close.index]
    reason = (f"{pick}: passes the four-fifths rule, its CV AUC {table.loc[pick, 'CV AUC']:.4f} is "
              f"within {auc_margin} of the best fair model ({best:.4f}), and it is the most "
              f"transparent such model ({table.loc[pick, 'transparency']})")
    if behind:
        reason += f"; too far behind on CV AUC: {', '.join(behind)}"
    if dropped:
        reason += f"; failing the four-fifths rule: {', '.join(dropped)}"
    return pick, reason
