"""Disparate impact analysis at the level of one customer: the members of a group wrongly
flagged (predicted to default, yet they paid), the most wrongly first, each with the notice a
lender would send, its reasons taken from the model's Shapley contributions.

Example:
    >>> rows = wrongly_flagged([0, 1, 0, 0], [1, 1, 1, 0], [0.4, 0.9, 0.7, 0.1], list("ffmf"), "f")
    >>> rows.index.tolist(), rows["probability"].tolist()
    ([0], [0.4])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from workshop_utils.shapley import reason_codes

__all__ = ["LENDER_SET", "adverse_action_notice", "wrongly_flagged"]

LENDER_SET = ("LIMIT_BAL",)
"""Inputs the lender decides, left out of the reasons given to a customer."""


def wrongly_flagged(y_true: Iterable, decision: Iterable, probability: Iterable, groups: Iterable,
                    group: object) -> pd.DataFrame:
    """The rows of ``group`` predicted to default (decision 1) that did not (y_true 0), by
    predicted probability, highest (most wrong) first; keeps the index of ``probability`` when it
    is a Series."""
    index = probability.index if isinstance(probability, pd.Series) else pd.RangeIndex(len(np.asarray(probability)))
    table = pd.DataFrame({"y_true": np.asarray(y_true).ravel(), "decision": np.asarray(decision).ravel(),
                          "probability": np.asarray(probability, dtype=float).ravel(),
                          "group": np.asarray(groups, dtype=object).ravel()}, index=index)
    wrong = table[(table["group"] == group) & (table["decision"] == 1) & (table["y_true"] == 0)]
    return wrong[["probability"]].sort_values("probability", ascending=False, kind="stable")


def adverse_action_notice(customer: object, probability: float, contributions: pd.Series,
                          values: pd.Series, k: int = 3, lender_set: Sequence[str] = LENDER_SET) -> str:
    """The notice for one declined customer: the decision and its ``k`` main reasons in words,
    from the customer's Shapley contributions (log-odds) and input values. Inputs the lender
    sets itself (``lender_set``) are never given as reasons (lesson 1: a low credit limit is
    the lender's own judgement, not something the customer did).

    >>> print(adverse_action_notice(7, 0.41, pd.Series({"PAY_0": 0.9, "LIMIT_BAL": 0.2, "PAY_2": -0.1}),
    ...                             pd.Series({"PAY_0": 2, "LIMIT_BAL": 20000, "PAY_2": 0})))
    Customer 7: declined (predicted risk of default 41 %). Main reasons:
      1. PAY_0 = 2 (payment 2 months late)
    """
    codes = reason_codes(contributions.drop(labels=list(lender_set), errors="ignore"), values, k)
    lines = [f"Customer {customer}: declined (predicted risk of default {100 * probability:.0f} %). Main reasons:"]
    lines += [f"  {rank}. {reason}" for rank, reason in zip(codes.index, codes["reason"], strict=True)]
    return "\n".join(lines)
