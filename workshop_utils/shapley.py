"""Shapley contributions of tree models, global importance and per-customer reason codes.

Contributions are on the margin (log-odds) scale: for each row, the contributions plus the
bias add up to the model's margin prediction.

Example:
    >>> import pandas as pd
    >>> row = pd.Series({"PAY_0": 0.9, "LIMIT_BAL": -0.2, "BILL_AMT1": 0.1})
    >>> top_reasons(row, k=2).index.tolist()
    ['PAY_0', 'BILL_AMT1']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xgboost as xgb

from workshop_utils.data import BILL_AMOUNTS, PAY_AMOUNTS, PAY_STATUS, describe_pay_status

__all__ = ["BIAS", "contributions_frame", "describe_value", "global_importance", "largest_first",
           "reason_codes", "top_reasons", "xgb_contributions"]

BIAS = "BIAS"
"""The column of the bias: the part of each row's margin no input accounts for."""


def contributions_frame(values: np.ndarray, index: pd.Index, inputs: Sequence[str],
                        bias: float | np.ndarray) -> pd.DataFrame:
    """The one shape of every contributions table: one row per ``index`` label, one column per
    input (``values``, rows by inputs, in the order of ``inputs``), then ``BIAS`` (one number
    for every row, or one per row).

    >>> contributions_frame(np.array([[0.5, -0.2]]), pd.Index([7]), ["a", "b"], -1.0).to_dict("list")
    {'a': [0.5], 'b': [-0.2], 'BIAS': [-1.0]}
    """
    frame = pd.DataFrame(np.asarray(values), index=index, columns=list(inputs))
    frame[BIAS] = bias
    return frame


def xgb_contributions(model: xgb.XGBClassifier, X: pd.DataFrame) -> pd.DataFrame:
    """Exact TreeSHAP contributions from XGBoost itself, one column per input plus ``BIAS``,
    using the trees up to the early-stopping best iteration (as ``predict_proba`` does)."""
    booster = model.get_booster()
    columns = list(booster.feature_names)
    matrix = xgb.DMatrix(X[columns])
    rounds = (0, model.best_iteration + 1) if hasattr(model, "best_iteration") else (0, 0)
    values = booster.predict(matrix, pred_contribs=True, iteration_range=rounds)
    return contributions_frame(values[:, :-1], X.index, columns, values[:, -1])


def global_importance(contributions: pd.DataFrame) -> pd.Series:
    """Mean absolute contribution of each input, largest first (bias excluded).

    >>> global_importance(pd.DataFrame({"a": [1, -3], "b": [1, 1], BIAS: [5, 5]})).to_dict()
    {'a': 2.0, 'b': 1.0}
    """
    means = contributions.drop(columns=[BIAS], errors="ignore").abs().mean()
    return means.sort_values(ascending=False, kind="stable").astype(float)


def largest_first(values: pd.Series) -> pd.Series:
    """``values`` reordered by absolute size, largest first (ties keep their order).

    >>> largest_first(pd.Series({"a": 0.1, "b": -0.5, "c": 0.3})).index.tolist()
    ['b', 'c', 'a']
    """
    return values.reindex(values.abs().sort_values(ascending=False, kind="stable").index)


def top_reasons(contributions: pd.Series, k: int = 3) -> pd.Series:
    """The ``k`` inputs that push this row's risk up the most (largest positive contributions),
    largest first: the row's reason codes. Inputs that lower the risk are never reasons."""
    positive = contributions.drop(labels=[BIAS], errors="ignore")
    positive = positive[positive > 0]
    return positive.sort_values(ascending=False, kind="stable").head(k)


def describe_value(name: str, value: float) -> str:
    """An input's value in plain words.

    >>> describe_value("PAY_0", 2), describe_value("LIMIT_BAL", 50000)
    ('PAY_0 = 2 (payment 2 months late)', 'LIMIT_BAL = 50,000 NT$ (credit limit)')
    """
    if name in PAY_STATUS:
        return f"{name} = {int(value)} ({describe_pay_status(int(value))})"
    meanings = {"LIMIT_BAL": "credit limit", **dict.fromkeys(BILL_AMOUNTS, "bill amount"),
                **dict.fromkeys(PAY_AMOUNTS, "amount paid")}
    if name in meanings:
        return f"{name} = {value:,.0f} NT$ ({meanings[name]})"
    return f"{name} = {value:g}"


def reason_codes(contributions: pd.Series, values: pd.Series, k: int = 3) -> pd.DataFrame:
    """The row's top ``k`` reasons as a table: input, its value in words, its contribution.

    >>> codes = reason_codes(pd.Series({"PAY_0": 0.9, "LIMIT_BAL": -0.2}),
    ...                      pd.Series({"PAY_0": 2, "LIMIT_BAL": 50000}))
    >>> codes["reason"].tolist()
    ['PAY_0 = 2 (payment 2 months late)']
    """
    top = top_reasons(contributions, k)
    return pd.DataFrame({
        "input": top.index,
        "reason": [describe_value(name, float(values[name])) for name in top.index],
        "contribution": np.round(top.to_numpy(dtype=float), 4),
    }, index=pd.RangeIndex(1, len(top) + 1, name="rank"))
