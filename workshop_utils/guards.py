"""Scoring-time guards: assertions checked on every row before a model scores it, which reject
or repair the rows that fail, and say which row failed which rule.

The rules (a row *fails* a rule when the rule's column is True):

- ``missing``: a model input is missing. Repair: the input's training median.
- ``outside training range``: an input below its training minimum or above its maximum.
  Repair: cap it to the range.
- ``impossible``: a value no customer can have: a credit limit of zero or less, a negative
  payment, or a repayment status that is not a whole number from -2 to 9. Reject: no score.

Example:
    >>> import pandas as pd
    >>> ranges = pd.DataFrame({"min": [10_000.0, -2.0], "max": [500_000.0, 8.0]},
    ...                       index=["LIMIT_BAL", "PAY_0"])
    >>> rows = pd.DataFrame({"LIMIT_BAL": [50_000, -5, 90_000], "PAY_0": [9, 0, None]})
    >>> failures(check_rows(rows, ranges)).to_dict()
    {0: ['outside training range'], 1: ['outside training range', 'impossible'], 2: ['missing']}
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import xgboost as xgb
from matplotlib.figure import Figure

from workshop_utils.data import PAY_AMOUNTS, PAY_STATUS
from workshop_utils.pdp import Predict
from workshop_utils.plots import RISK_DOWN, RISK_UP, panel_grid

__all__ = ["RULES", "STATUS_CODES", "SplitNode", "check_rows", "failures", "guarded_predict",
           "impossible_values", "majority_missing_direction", "missing_directions",
           "plot_remediations", "repair", "split_nodes"]

RULES = ("missing", "outside training range", "impossible")
"""The guard's rules, in the order they are checked and reported."""
STATUS_CODES = (-2, 9)
"""Lowest and highest repayment status code that exists (see data/DATASHEET.md)."""


def impossible_values(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a value cannot be real: ``LIMIT_BAL <= 0``, a negative ``PAY_AMT*``, or a
    ``PAY_*`` status that is not a whole number in ``STATUS_CODES``. Missing is not impossible.

    >>> impossible_values(pd.DataFrame({"PAY_0": [1, 1.5, 12], "PAY_AMT1": [0, -1, 5]})).any(axis=1).tolist()
    [False, True, True]
    """
    flags = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for name in frame.columns:
        value = frame[name].astype(float)
        if name == "LIMIT_BAL":
            flags[name] = value <= 0
        elif name in PAY_AMOUNTS:
            flags[name] = value < 0
        elif name in PAY_STATUS:
            flags[name] = (value != value.round()) | (value < STATUS_CODES[0]) | (value > STATUS_CODES[1])
    return flags & frame.notna()


def check_rows(frame: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per rule in ``RULES``, one row per row of ``frame`` (the inputs named
    in ``ranges``, whose columns ``min`` and ``max`` give the training range): True = failed."""
    X = frame[ranges.index.tolist()].astype(float)
    outside = X.lt(ranges["min"], axis=1) | X.gt(ranges["max"], axis=1)
    return pd.DataFrame({
        RULES[0]: X.isna().any(axis=1),
        RULES[1]: outside.any(axis=1),
        RULES[2]: impossible_values(X).any(axis=1),
    }, index=frame.index)


def failures(report: pd.DataFrame) -> pd.Series:
    """Which rows failed which rules: the failed rule names of each failing row of a
    ``check_rows`` report (rows that pass everything are left out).

    >>> failures(pd.DataFrame({"missing": [True, False], "impossible": [True, False]})).to_dict()
    {0: ['missing', 'impossible']}
    """
    failed = report[report.any(axis=1)]
    return pd.Series([failed.columns[row].tolist() for row in failed.to_numpy()],
                     index=failed.index, dtype=object)


def repair(frame: pd.DataFrame, ranges: pd.DataFrame, fill: pd.Series | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with every input in ``ranges`` capped to its training range and
    missing ones set to ``fill`` (e.g. the training medians; None leaves them missing).

    >>> ranges = pd.DataFrame({"min": [0.0], "max": [10.0]}, index=["x"])
    >>> repair(pd.DataFrame({"x": [-3, 12, None]}), ranges, pd.Series({"x": 4.0}))["x"].tolist()
    [0.0, 10.0, 4.0]
    """
    out = frame.copy()
    names = ranges.index.tolist()
    out[names] = out[names].astype(float).clip(ranges["min"], ranges["max"], axis=1)
    if fill is not None:
        out[names] = out[names].fillna(fill[names])
    return out


def guarded_predict(predict: Predict, ranges: pd.DataFrame, fill: pd.Series | None = None) -> Predict:
    """``predict`` behind the guard: impossible rows are rejected (NaN, no score); the others
    are repaired (``repair``: capped, and missing values filled unless ``fill`` is None, when
    the model's own missing-value handling is trusted) and then scored.

    >>> ranges = pd.DataFrame({"min": [1.0], "max": [10.0]}, index=["LIMIT_BAL"])
    >>> guarded = guarded_predict(lambda f: f["LIMIT_BAL"].to_numpy() / 10, ranges, pd.Series({"LIMIT_BAL": 5.0}))
    >>> guarded(pd.DataFrame({"LIMIT_BAL": [20.0, None, -1.0]})).tolist()
    [1.0, 0.5, nan]
    """
    def guarded(frame: pd.DataFrame) -> np.ndarray:
        rejected = check_rows(frame, ranges)["impossible"].to_numpy()
        scores = np.asarray(predict(repair(frame, ranges, fill)), dtype=float)
        return np.where(rejected, np.nan, scores)

    return guarded


class SplitNode(NamedTuple):
    """One split of an XGBoost tree (in the model's JSON): its ``tree`` (editable in place), its
    position ``node`` in it, the ``feature`` it splits on, its ``left`` and ``right`` children
    and whether missing values go left (``default_left``)."""

    tree: dict
    node: int
    feature: str
    left: int
    right: int
    default_left: bool


def split_nodes(dump: dict, names: Sequence[str]) -> Iterator[SplitNode]:
    """Every split node of every tree of an XGBoost model's JSON ``dump`` (leaves left out), in
    tree and node order; ``names`` are the model's input names.

    >>> tree = {"split_indices": [1, 0, 0], "left_children": [1, -1, -1], "right_children": [2, -1, -1],
    ...         "default_left": [0, 0, 0]}
    >>> dump = {"learner": {"gradient_booster": {"model": {"trees": [tree]}}}}
    >>> [(split.node, split.feature, split.left, split.right) for split in split_nodes(dump, ["x", "z"])]
    [(0, 'z', 1, 2)]
    """
    for tree in dump["learner"]["gradient_booster"]["model"]["trees"]:
        for node, (feature, left, right, default_left) in enumerate(zip(
                tree["split_indices"], tree["left_children"], tree["right_children"], tree["default_left"])):
            if left >= 0:
                yield SplitNode(tree, node, names[feature], left, right, bool(default_left))


def _model_json(model: xgb.XGBClassifier) -> tuple[dict, list[str]]:
    """The trained model as JSON (XGBoost's own format) and its input names."""
    booster = model.get_booster()
    return json.loads(booster.save_raw("json")), list(booster.feature_names)


def majority_missing_direction(model: xgb.XGBClassifier,
                               inputs: Sequence[str] | None = None) -> xgb.XGBClassifier:
    """An edited copy of a trained XGBoost model: at every split on one of ``inputs`` (default:
    all), missing values go to the child that more training rows went to (the larger cover,
    ``sum_hessian``) instead of the side XGBoost picked when training saw no missing values.
    Only rows with a missing input change; leave out inputs whose missing branch was learned.

    >>> edited = majority_missing_direction(model)  # doctest: +SKIP
    """
    dump, names = _model_json(model)
    edit = set(inputs or names)
    if not edit <= set(names):
        raise ValueError(f"not inputs of the model: {sorted(edit - set(names))}")
    for split in split_nodes(dump, names):
        if split.feature in edit:
            cover = split.tree["sum_hessian"]
            split.tree["default_left"][split.node] = int(cover[split.left] >= cover[split.right])
    edited = xgb.XGBClassifier()
    edited.load_model(bytearray(json.dumps(dump).encode()))
    return edited


def missing_directions(model: xgb.XGBClassifier) -> pd.Series:
    """Share of each input's splits that send missing values to the left (lower-value) child.

    >>> missing_directions(model)["PAY_0"]  # doctest: +SKIP
    0.0
    """
    dump, names = _model_json(model)
    sent_left: dict[str, list[int]] = {name: [] for name in names}
    for split in split_nodes(dump, names):
        sent_left[split.feature].append(int(split.default_left))
    return pd.Series({name: float(np.mean(v)) if v else np.nan for name, v in sent_left.items()},
                     name="share of splits sending missing left")


def plot_remediations(scorecard: pd.DataFrame, title: str) -> Figure:
    """One panel per column of ``scorecard`` (a measure), one bar per row (a model or
    pipeline), the first row (the model before any fix) in red."""
    measures = scorecard.shape[1]
    figure, panels = panel_grid(measures, measures, (3.2, 0.45 * len(scorecard) + 1.6), sharey=True)
    colours = [RISK_UP] + [RISK_DOWN] * (len(scorecard) - 1)
    for axes, column in zip(panels.ravel(), scorecard.columns):
        values = scorecard[column].astype(float)
        axes.barh(scorecard.index[::-1], values.to_numpy()[::-1], color=colours[::-1])
        counts = bool(np.allclose(values, values.round()) and values.max() >= 1)
        for position, value in enumerate(values.to_numpy()[::-1]):
            axes.text(value, position, f" {value:,.0f}" if counts else f" {value:.4f}",
                      va="center", fontsize=8)
        axes.set_title(column, fontsize=9)
        axes.set_xlim(0, values.max() * 1.35 if values.max() > 0 else 1)
    figure.suptitle(title)
    figure.tight_layout()
    return figure
