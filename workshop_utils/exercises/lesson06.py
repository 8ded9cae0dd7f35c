"""Lesson 06's exercises (debugging with sensitivity analysis): one step of the adversarial search,
an out-of-range assertion, and the share of decisions a blank input changes; three concept
questions and a written question.

Each exercise's cases are judged against numpy, pandas, scikit-learn or a closed form, never
against the course helper the learner is asked to replace, and the hidden cases use inputs the
lesson never printed (another customer, input, model or set of rows, toy models with a known
answer).

Example:
    >>> best_change.title, len(best_change.hints) >= 2
    ('One step of the search', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from workshop_utils import attacks, guards
from workshop_utils.exercises.engine import Case, Exercise, Question, Written, close

__all__ = ["EXERCISES", "LESSON", "best_change", "decision_change", "outside", "q_aim", "q_blank", "q_tamper",
           "written"]

LESSON = "06_debugging_sensitivity"


# -- 1. the written question comes first in the notebook ----------------------------------------------

written = Written(LESSON, "ex1_written", "Reading the curves beyond the data")


# -- 2. one step of the adversarial search ------------------------------------------------------------

def strongest_candidate(predict: Any, row: pd.Series, feature: str, candidates: Sequence[float],
                        raise_risk: bool) -> tuple[float, float]:
    """The reference: score every candidate in one frame (numpy's argmax/argmin keep the first on
    ties) and return the strongest candidate with its probability."""
    trials = pd.DataFrame([{**row.to_dict(), feature: float(value)} for value in candidates])
    scores = np.asarray(predict(trials[list(row.index)]), dtype=float)
    best = int(np.argmax(scores)) if raise_risk else int(np.argmin(scores))
    return float(candidates[best]), float(scores[best])


def same_pair(got: Any, expected: tuple[float, float]) -> bool:
    """The same candidate value and a probability within 1e-6.

    >>> same_pair((4.0, 0.4000001), (4.0, 0.4)), same_pair([4.0], (4.0, 0.4))
    (True, False)
    """
    try:
        value, probability = got
        return float(value) == expected[0] and abs(float(probability) - expected[1]) < 1e-6
    except (TypeError, ValueError):
        return False


def diagnose_pair(got: Any, expected: tuple[float, float]) -> str | None:
    """The likely mistake behind a wrong (value, probability) pair."""
    if not isinstance(got, tuple | list) or len(got) != 2:
        return "return a tuple of two numbers: `(value, probability)`."
    try:
        value, probability = float(got[0]), float(got[1])
    except (TypeError, ValueError):
        return "return numbers: the candidate value itself (not its position) and its probability."
    if value == expected[0]:
        return "the right candidate, but return the probability the model gives the row with that value."
    return ("with `raise_risk` true keep the candidate with the HIGHEST probability, otherwise the LOWEST; "
            f"return the candidate's value, not its position (you returned {value:g}, probability {probability:.4g}).")


class WholeBatches:
    """A toy model that scores only a whole batch of ``size`` rows at once: 0.1·x + z."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        if len(frame) != self.size:
            raise ValueError(f"score all {self.size} candidates in ONE call to predict (got a frame of {len(frame)} row(s))")
        return (frame["x"] / 10 + frame["z"]).to_numpy()


def toy_row() -> pd.Series:
    """A customer of the toy model: x = 5, z = 0."""
    return pd.Series({"x": 5.0, "z": 0.0})


def toy_case(name: str, predict: Any, candidates: list[float], raise_risk: bool) -> Case:
    """A case on the toy customer with a toy model."""
    return Case(name, lambda c: (predict, toy_row(), "x", list(candidates), raise_risk),
                strongest_candidate, same_pair, diagnose_pair)


def linear_toy(frame: pd.DataFrame) -> np.ndarray:
    """A toy model: probability 0.1·x + z."""
    return (frame["x"] / 10 + frame["z"]).to_numpy()


def customer_case(name: str, feature: str, raise_risk: bool, pick: Any, lesson_result: bool = False) -> Case:
    """A case on one of the lesson's test customers (``pick`` chooses the row label from the
    context), with the lesson's small changes of ``feature`` as the candidates."""

    def arguments(c: dict) -> tuple:
        row = c["X_test"].loc[pick(c)]
        return c["predict"], row, feature, attacks.small_changes(feature, row[feature], c["ranges"]), raise_risk

    return Case(name, arguments, strongest_candidate, same_pair, diagnose_pair, lesson_result)


best_change = Exercise(
    LESSON, "ex2_best_change", "One step of the search",
    visible=[
        toy_case("a toy model 0.1·x + z, a customer with x = 5, candidates 4, 6, 7, raise_risk=False",
                 linear_toy, [4.0, 6.0, 7.0], False),
        customer_case("the lesson's customer, PAY_0 one step either way, raise_risk=False", "PAY_0", False,
                      lambda c: c["customer"], lesson_result=True),
    ],
    hidden=[
        toy_case("the toy model with raise_risk=True", linear_toy, [4.0, 6.0, 7.0], True),
        toy_case("a model that gives every row the same probability (keep the first candidate on ties)",
                 lambda f: np.ones(len(f)), [3.0, 1.0], True),
        toy_case("a toy model that scores only whole batches (all candidates in one call)",
                 WholeBatches(3), [1.0, 2.0, 3.0], True),
        customer_case("another test customer, LIMIT_BAL moved by up to 10 %, raise_risk=True", "LIMIT_BAL", True,
                      lambda c: c["X_test"].index[7]),
        customer_case("the lesson's customer, PAY_2 one step either way, raise_risk=True", "PAY_2", True,
                      lambda c: c["customer"]),
    ],
    hints=[
        "Build one DataFrame with a copy of `row` for every candidate, set `feature` to the candidate values, "
        "and score them all with one call to `predict`. Then pick the highest score (`raise_risk` true) or the "
        "lowest, and return that candidate with its score.",
        "`trials = pd.DataFrame([row] * len(candidates)).reset_index(drop=True)`; "
        "`trials[feature] = np.asarray(candidates, dtype=float)`; `scores = np.asarray(predict(trials))`; "
        "`best = int(np.argmax(scores) if raise_risk else np.argmin(scores))`; "
        "`return float(candidates[best]), float(scores[best])`.",
    ],
    helpers=["workshop_utils.attacks.best_change", "workshop_utils.attacks.adversarial_search"],
    helper_answer=lambda predict, row, feature, candidates, raise_risk:
        attacks.best_change(predict, row, feature, candidates, raise_risk),
)


# -- 3. an assertion that catches out-of-range values ------------------------------------------------

def flags_outside(frame: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """The reference, with numpy: True where a value lies strictly below its input's ``min`` or
    above its ``max`` (comparisons with NaN are False, so a missing value is never outside)."""
    names = list(ranges.index)
    values = frame[names].to_numpy(dtype=float)
    low, high = ranges["min"].to_numpy(dtype=float), ranges["max"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        flags = np.less(values, low) | np.greater(values, high)
    return pd.DataFrame(flags, index=frame.index, columns=names)


def same_flags(got: Any, expected: pd.DataFrame) -> bool:
    """The same columns in the same order, the same index and the same True/False cells."""
    if not isinstance(got, pd.DataFrame) or list(got.columns) != list(expected.columns):
        return False
    if not got.index.equals(expected.index):
        return False
    try:
        return bool(np.array_equal(got.to_numpy(dtype=bool), expected.to_numpy(dtype=bool)))
    except (TypeError, ValueError):
        return False


def diagnose_flags(got: Any, expected: pd.DataFrame) -> str | None:
    """The likely mistake behind a wrong table of out-of-range flags."""
    if isinstance(got, pd.Series):
        return "return one column per input (a DataFrame), not one flag per row: leave out `.any(axis=1)`."
    if not isinstance(got, pd.DataFrame):
        return "return a pandas DataFrame of True/False."
    if list(got.columns) != list(expected.columns):
        return ("return one column per input of `ranges`, in the order of `ranges.index`, and no other column: "
                "start from `frame[ranges.index.tolist()]`.")
    if not got.index.equals(expected.index):
        return "keep `frame`'s own index (do not reset or sort it)."
    extra = got.to_numpy(dtype=bool) & ~expected.to_numpy(dtype=bool)
    if extra.any():
        return ("it flags values that are not outside: a missing value is not outside the range, and a value "
                "equal to `min` or `max` is inside (use strict < and >).")
    return ("some values below `min` or above `max` are not flagged: compare each column with its own input's "
            "bounds, e.g. `X.lt(ranges['min'], axis=1) | X.gt(ranges['max'], axis=1)`.")


def toy_ranges() -> pd.DataFrame:
    """Ranges of two toy inputs: a from 0 to 10, b from -2 to 8."""
    return pd.DataFrame({"min": [0.0, -2.0], "max": [10.0, 8.0]}, index=["a", "b"])


def toy_rows() -> pd.DataFrame:
    """Four toy rows: columns in another order than the ranges, a blank, values on the bounds, an extra column."""
    return pd.DataFrame({"b": [9.0, 0.0, np.nan, -2.0], "a": [5.0, -0.5, 3.0, 10.0], "c": [1, 2, 3, 4]},
                        index=[7, 8, 9, 10])


outside = Exercise(
    LESSON, "ex3_outside_range", "An out-of-range assertion",
    visible=[
        Case("four toy rows (columns b, a, c; a blank; values on the bounds) with ranges for a and b",
             lambda c: (toy_rows(), toy_ranges()), flags_outside, same_flags, diagnose_flags),
        Case("the lesson's 3,000 random-attack rows and the training ranges",
             lambda c: (c["attack"], c["ranges"]), flags_outside, same_flags, diagnose_flags, lesson_result=True),
    ],
    hidden=[
        Case("the validation rows (real customers the model did not train on)",
             lambda c: (c["valid"], c["ranges"]), flags_outside, same_flags, diagnose_flags),
        Case("the random-attack rows with ranges for three inputs only, in another order",
             lambda c: (c["attack"], c["ranges"].loc[["PAY_AMT1", "LIMIT_BAL", "PAY_0"]]),
             flags_outside, same_flags, diagnose_flags),
        Case("toy rows with narrower ranges (a from 4 to 6)",
             lambda c: (toy_rows(), toy_ranges().assign(min=[4.0, -2.0], max=[6.0, 8.0])),
             flags_outside, same_flags, diagnose_flags),
    ],
    hints=[
        "Take the inputs named in `ranges.index` from `frame`, then compare every column with its own minimum "
        "and maximum. Comparisons with a missing value are False, so blanks take care of themselves.",
        "`X = frame[ranges.index.tolist()].astype(float)`; then "
        "`return X.lt(ranges['min'], axis=1) | X.gt(ranges['max'], axis=1)`.",
    ],
    helpers=["workshop_utils.guards.check_rows", "workshop_utils.guards.repair"],
    helper_answer=lambda frame, ranges: frame[list(ranges.index)].ne(guards.repair(frame, ranges)[list(ranges.index)]),
)


# -- 4. the share of decisions a blank input changes --------------------------------------------------

def changed_share(predict: Any, X: pd.DataFrame, feature: str, cutoff: float) -> float:
    """The reference: 1 - scikit-learn's accuracy of the decisions with the input blank against
    the decisions without (a decision is 1 when the probability is at least the cutoff)."""
    from sklearn.metrics import accuracy_score

    before = np.asarray(predict(X), dtype=float) >= cutoff
    after = np.asarray(predict(X.assign(**{feature: np.nan})), dtype=float) >= cutoff
    return 1.0 - float(accuracy_score(before, after))


def diagnose_share(got: Any, expected: float) -> str | None:
    """The likely mistake behind a wrong share of changed decisions."""
    try:
        share = float(got)
    except (TypeError, ValueError):
        return "return one number: the share of rows whose decision changes."
    if share > 1:
        return "return a share (changed rows divided by all rows), not a count."
    if abs(share - (1 - expected)) < 1e-9:
        return ("count the rows whose decision CHANGES, not those that stay the same; and a probability equal "
                "to the cutoff is a decision of 1 (>=, not >).")
    return ("a decision is 1 when the probability is at least the cutoff (>=, not >); score `X`, then a copy with "
            "`feature` set to np.nan in every row, and take the mean of `before != after`.")


def toy_blank(frame: pd.DataFrame) -> np.ndarray:
    """A toy model: probability x / 10, and a blank x is scored like x = 9."""
    return frame["x"].fillna(9).to_numpy() / 10


def toy_scores(cutoff: float, values: list[float]) -> Case:
    """A case on the toy model, rows with x = ``values``, at ``cutoff``."""
    return Case(f"a toy model x / 10 (blank scored as 0.9) on x = {values}, cutoff {cutoff}",
                lambda c: (toy_blank, pd.DataFrame({"x": list(values)}), "x", cutoff), changed_share,
                close(1e-9), diagnose_share)


def lesson_rows_case(name: str, model: str, feature: str, rows: slice, lesson_result: bool = False) -> Case:
    """A case on the lesson's test rows, with the model under ``model`` in the context."""
    return Case(name, lambda c: (c[model], c["X_test"].iloc[rows], feature, c["cutoff"]), changed_share,
                close(1e-9), diagnose_share, lesson_result)


decision_change = Exercise(
    LESSON, "ex4_decision_change", "Decisions changed by a blank input",
    visible=[
        toy_scores(0.5, [1.0, 6.0, 4.9, 9.5]),
        lesson_rows_case("the lesson's model on the test rows, PAY_0 blank", "predict", "PAY_0", slice(None),
                       lesson_result=True),
    ],
    hidden=[
        toy_scores(0.9, [1.0, 6.0, 4.9, 9.5]),
        toy_scores(0.05, [0.5]),
        lesson_rows_case("the edited model on the test rows, PAY_0 blank", "edited", "PAY_0", slice(None)),
        lesson_rows_case("the lesson's model on 2,000 test rows, LIMIT_BAL blank", "predict", "LIMIT_BAL", slice(0, 2000)),
        lesson_rows_case("the lesson's model on 2,000 test rows, PAY_AMT1 blank", "predict", "PAY_AMT1", slice(0, 2000)),
    ],
    hints=[
        "Score `X` as it is, then a copy where `feature` is `np.nan` in every row (`X.assign(**{feature: np.nan})` "
        "leaves `X` alone). Turn both into decisions with `>= cutoff` and count how often they differ.",
        "`before = np.asarray(predict(X)) >= cutoff`; `after = np.asarray(predict(X.assign(**{feature: np.nan}))) "
        ">= cutoff`; `return float(np.mean(before != after))`.",
    ],
    helpers=["workshop_utils.attacks.decisions_changed_by_missing", "workshop_utils.cutoffs.flipped"],
    helper_answer=lambda predict, X, feature, cutoff: attacks.decisions_changed_by_missing(predict, X, feature, cutoff),
)


# -- concept questions ----------------------------------------------------------------------------------

q_aim = Question.choice(LESSON, "q1_aim", "Why aim the search with local Shapley values", """
(b) an input the model hardly uses barely moves the probability when it changes a little; local Shapley
    values point at the amounts that can move it, customer by customer.
(a) every amount may move by half or all of 10 % of itself (at least NT$1,000), so a large bill may move
    further than NT$1,000; the budget is the same rule for both searches.
(c) both searches used the same cutoff and the same budget; only the probed inputs differed.
(d) the search never leaves the training range, and Shapley values are not what moves a score: the model is.
    The weakest inputs barely move it anywhere.
""")

q_tamper = Question.choice(LESSON, "q2_tamper", "Why a PAY_0 step is a tampering risk, not an adversarial example", """
(b) a month more or less delay is a real change in behaviour and the model's jump there is calibrated
    (lesson 7): the risk is someone falsifying the field, which data controls must stop.
(a) the count is of flips that moved the probability by at least 0.10, the same size as an adversarial
    example's; size is not what sets them apart.
(c) the search stays inside the training range for PAY_0 as for every input; the range is not the reason.
(d) PAY_0 is the input the model leans on most; these flips happen precisely because it uses it.
""")

q_blank = Question.choice(LESSON, "q3_blank", "What the model does with a blank PAY_0", """
(c) with no missing values in training, every split sends a blank to its default side, here always the
    high-value side: a blank PAY_0 is scored like a very late payment.
(a) XGBoost scores the row anyway; refusing a row is what the guards of section 6 add.
(b) filling in the training median is the guard's repair, not something the model does by itself.
(d) a blank is not a zero: if it were, the mean score would barely move, but a blank PAY_0 raised it by
    0.328.
""")

EXERCISES = [written, best_change, q_aim, q_tamper, q_blank, outside, decision_change]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its model's predict function, test
    rows, customer, ranges, random attack, validation rows, cutoff and edited model), built
    quickly for the course's own tests of these exercises."""
    from workshop_utils import data
    from workshop_utils.xgboost_models import fit_xgboost, predict_default

    parts = data.split_data(data.load_credit_data())
    inputs = list(data.MODEL_INPUTS)
    model = fit_xgboost(parts.train.iloc[:4000], parts.valid.iloc[:1000], inputs, data.TARGET)
    X_test = parts.test[inputs].astype(float).iloc[:3000]
    ranges = attacks.training_ranges(parts.train, inputs)
    return {"predict": predict_default(model), "X_test": X_test, "ranges": ranges,
            "customer": X_test.index[X_test["PAY_0"] == 2][0], "attack": attacks.random_attack(ranges, n=300),
            "valid": parts.valid, "cutoff": 0.28, "edited": predict_default(guards.majority_missing_direction(model))}
