"""Lesson 05's exercises (sensitivity and residual analysis): logloss residuals by hand, one
month of payment delay, decisions that flip at a cutoff, a single-customer sweep; two concept
questions and a written question.

Each exercise's cases are judged against scipy, scikit-learn or a closed form, never against the
course helper the learner is asked to replace, and the hidden cases use inputs the lesson never
printed (reversed outcomes, another input, the training rows, another cutoff, other customers,
synthetic data with a known answer).

Example:
    >>> residuals.title, len(residuals.hints) >= 2
    ('Logloss residuals by hand', True)
    >>> delay_codes(pd.Series([-2, -1, 0, 1, 8]), 1).tolist()
    [1, 1, 1, 2, 9]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from workshop_utils import SEED, sensitivity
from workshop_utils import residuals as residual_analysis
from workshop_utils.data import MODEL_INPUTS
from workshop_utils.exercises.engine import Case, Exercise, Question, ScoresOnce, Written, close, shown

__all__ = ["EXERCISES", "LESSON", "delay", "flips", "q_missing", "q_residual", "residuals", "sweep", "written"]

LESSON = "05_sensitivity_residual_analysis"
CLIP = 1e-15
"""Probabilities are clipped to [CLIP, 1 - CLIP] before taking logs."""
AS_IS, ONE_MONTH, PAY0_MISSING = "as is", "PAY_0 one month later", "PAY_0 missing"
"""Columns of the lesson's ``scores`` table the cases use."""


# -- 1. logloss residuals ---------------------------------------------------------------------------

def bernoulli_residuals(y_true: Any, probability: Any) -> np.ndarray:
    """The reference: minus scipy's Bernoulli log-likelihood of each outcome, at the clipped
    probability (which is each row's logloss)."""
    from scipy.stats import bernoulli

    p = np.clip(np.asarray(probability, dtype=float), CLIP, 1 - CLIP)
    return -bernoulli.logpmf(np.asarray(y_true, dtype=int), p)


def form_problem(got: Any, expected: np.ndarray, wanted: str) -> str | None:
    """"return ``wanted``" when ``got`` is not numbers in ``expected``'s shape, else None.

    >>> form_problem(0.5, np.zeros(2), "two numbers"), form_problem([1, 2], np.zeros(2), "two numbers")
    ('return two numbers.', None)
    """
    try:
        values = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"return {wanted}."
    return None if values.shape == expected.shape else f"return {wanted}."


def diagnose_residuals(got: Any, expected: np.ndarray) -> str | None:
    """The likely mistake behind wrong residuals."""
    problem = form_problem(got, expected, "one residual per row (an array as long as `y_true`), not their mean or a table")
    if problem:
        return problem
    values = np.asarray(got, dtype=float)
    if not np.all(np.isfinite(values)):
        return "clip the probabilities to [1e-15, 1 - 1e-15] with np.clip before taking the log."
    if np.allclose(values, -expected):
        return "the residual is MINUS the log of the probability given to what happened: -np.log(p)."
    if np.allclose(values, expected / np.log(10)):
        return "use the natural log, np.log, not np.log10."
    return "use -log(p) where `y_true` is 1 and -log(1 - p) where it is 0 (np.where picks one per row)."


def residual_case(name: str, arguments: Callable[[dict], tuple], lesson_result: bool = False) -> Case:
    """A case judged against scipy's Bernoulli log-likelihood."""
    return Case(name, arguments, bernoulli_residuals, close(1e-6, 1e-6), diagnose_residuals, lesson_result)


def random_outcomes(rows: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Seeded random outcomes with probabilities that are sometimes right, sometimes not."""
    rng = np.random.default_rng(SEED)
    return rng.integers(0, 2, size=rows), rng.uniform(0.001, 0.999, size=rows)


residuals = Exercise(
    LESSON, "ex1_residuals", "Logloss residuals by hand",
    visible=[
        residual_case("three toy customers: a defaulter given 0.9, a non-defaulter given 0.9, a defaulter given 0.05",
                      lambda c: (np.array([1, 0, 1]), np.array([0.9, 0.9, 0.05]))),
        residual_case("the lesson's test customers and the GBM's probabilities",
                      lambda c: (c["y_test"].to_numpy(), c["test_pred"].to_numpy()), lesson_result=True),
    ],
    hidden=[
        residual_case("probabilities of exactly 0 and 1 (right and wrong)",
                      lambda c: (np.array([1, 0, 1, 0]), np.array([0.0, 1.0, 1.0, 0.0]))),
        residual_case("pandas Series instead of arrays",
                      lambda c: (pd.Series([0, 1, 1]), pd.Series([0.25, 0.25, 0.6]))),
        residual_case("the lesson's test customers with every outcome reversed",
                      lambda c: (1 - c["y_test"].to_numpy(), c["test_pred"].to_numpy())),
        residual_case("1,000 random outcomes and probabilities", lambda c: random_outcomes()),
    ],
    hints=[
        "Clip the probabilities first: `p = np.clip(np.asarray(probability, dtype=float), 1e-15, 1 - 1e-15)`. "
        "Then a defaulter's residual is -log(p) and a non-defaulter's is -log(1 - p).",
        "`y = np.asarray(y_true)`, then `return np.where(y == 1, -np.log(p), -np.log(1 - p))`.",
    ],
    helpers=["workshop_utils.residuals.logloss_residuals"],
    helper_answer=lambda y_true, probability: residual_analysis.logloss_residuals(y_true, probability),
)


# -- 2. one month of payment delay -----------------------------------------------------------------

def delay_codes(codes: pd.Series, months: int) -> pd.Series:
    """Closed form of "``months`` months later" for repayment status codes: a no-delay code
    (-2, -1, 0) becomes ``months``; a late code gains ``months``; 9 is the top code."""
    later = np.where(codes <= 0, months, codes + months)
    return pd.Series(np.minimum(later, 9), index=codes.index)


def delayed_frame(frame: pd.DataFrame, feature: str, months: int) -> pd.DataFrame:
    """The reference: a copy of ``frame`` with ``delay_codes`` applied to ``feature`` only."""
    return frame.assign(**{feature: delay_codes(frame[feature], months)})


def same_frame(got: Any, expected: pd.DataFrame) -> bool:
    """A frame with the same columns and rows, and the same values (whatever the number type)."""
    return (isinstance(got, pd.DataFrame) and list(got.columns) == list(expected.columns)
            and got.index.equals(expected.index)
            and bool(np.array_equal(got.to_numpy(dtype=float), expected.to_numpy(dtype=float), equal_nan=True)))


def diagnose_delay(got: Any, expected: pd.DataFrame) -> str | None:
    """The likely mistake behind a wrong delayed frame."""
    if not isinstance(got, pd.DataFrame):
        return "return the whole frame (a changed copy), not only the changed column."
    if list(got.columns) != list(expected.columns) or not got.index.equals(expected.index):
        return "keep every row and column of the frame, in order; change only the column `feature`."
    different = [name for name in expected.columns if not np.array_equal(got[name].to_numpy(dtype=float),
                                                                         expected[name].to_numpy(dtype=float))]
    if len(different) != 1:
        return "change only the column `feature`; every other column stays as it was."
    name = different[0]
    column = got[name].to_numpy(dtype=float)
    where = f"{name} came back as {shown(got[name].head(8).tolist())} instead of {shown(expected[name].head(8).tolist())}"
    if np.any(column > 9):
        return f"{where}: nothing goes above 9 (nine months or more); cap the result with np.minimum(..., 9)."
    if np.any(column < 1):
        return f"{where}: codes -2, -1 and 0 all mean no delay; start from max(code, 0), then add the months."
    return f"{where}: a no-delay code (-2, -1, 0) becomes `months`, a late code c becomes c + months, capped at 9."


def delay_case(name: str, arguments: Callable[[dict], tuple], lesson_result: bool = False) -> Case:
    """A case judged against the closed form."""
    return Case(name, arguments, delayed_frame, same_frame, diagnose_delay, lesson_result)


def status_toy() -> pd.DataFrame:
    """Every kind of repayment status code, next to another input that must not move."""
    return pd.DataFrame({"PAY_0": [-2, -1, 0, 1, 2, 8, 9], "LIMIT_BAL": [10, 20, 30, 40, 50, 60, 70]})


delay = Exercise(
    LESSON, "ex2_delay", "One month later",
    visible=[
        delay_case("a toy frame with every kind of PAY_0 code, one month later", lambda c: (status_toy(), "PAY_0", 1)),
        delay_case("the lesson's test customers, PAY_0 one month later",
                   lambda c: (c["test"][list(MODEL_INPUTS)], "PAY_0", 1), lesson_result=True),
    ],
    hidden=[
        delay_case("the toy frame, three months later", lambda c: (status_toy(), "PAY_0", 3)),
        delay_case("the lesson's test customers, PAY_2 two months later",
                   lambda c: (c["test"][list(MODEL_INPUTS)], "PAY_2", 2)),
        delay_case("500 training customers, PAY_6 one month later",
                   lambda c: (c["train"][list(MODEL_INPUTS)].iloc[:500], "PAY_6", 1)),
    ],
    hints=[
        "Work on `changed = frame.copy()`. The months already late are `max(code, 0)` (np.maximum), "
        "so every no-delay code counts as 0; add `months`; then cap at 9 (np.minimum).",
        "`changed = frame.copy(); changed[feature] = np.minimum(np.maximum(frame[feature], 0) + months, 9)`; "
        "then `return changed`.",
    ],
    helpers=["workshop_utils.sensitivity.add_delay"],
    helper_answer=lambda frame, feature, months: sensitivity.add_delay(frame, feature, months),
)


# -- 3. decisions that flip ---------------------------------------------------------------------------

def confusion_shares(before: Any, after: Any, cutoff: float) -> dict[str, float]:
    """The reference: scikit-learn's confusion matrix of the decisions before (rows) and after
    (columns), as shares of all customers; its off-diagonal cells are the flips.

    >>> confusion_shares([0.1, 0.6, 0.5, 0.2], [0.5, 0.4, 0.5, 0.1], 0.5)
    {'flipped': 0.5, 'to_default': 0.25, 'to_no_default': 0.25}
    """
    from sklearn.metrics import confusion_matrix

    old = (np.asarray(before, dtype=float) >= cutoff).astype(int)
    new = (np.asarray(after, dtype=float) >= cutoff).astype(int)
    shares = confusion_matrix(old, new, labels=[0, 1], normalize="all")
    return {"flipped": float(shares[0, 1] + shares[1, 0]), "to_default": float(shares[0, 1]),
            "to_no_default": float(shares[1, 0])}


def same_shares(got: Any, expected: dict[str, float]) -> bool:
    """A dict with exactly the expected keys and values within 1e-9."""
    return (isinstance(got, dict) and set(got) == set(expected)
            and all(close(1e-9)(got[key], value) for key, value in expected.items()))


def diagnose_flips(got: Any, expected: dict[str, float]) -> str | None:
    """The likely mistake behind wrong flip shares."""
    if not isinstance(got, dict) or set(got) != set(expected):
        return 'return a dict with exactly the keys "flipped", "to_default" and "to_no_default".'
    try:
        values = {key: float(value) for key, value in got.items()}
    except (TypeError, ValueError):
        return "each value is one number: a share between 0 and 1."
    if any(value > 1 for value in values.values()):
        return "return shares of all customers (np.mean of a True/False array), not counts."
    if np.isclose(values["to_default"], expected["to_no_default"]) and np.isclose(values["to_no_default"], expected["to_default"]):
        return '"to_default" is a customer who was below the cutoff before and is at or above it after; you swapped the two.'
    if not np.isclose(values["flipped"], values["to_default"] + values["to_no_default"]):
        return '"flipped" is every changed decision: the two directions added up.'
    return "a customer is predicted to default when the probability is AT or above the cutoff: use >=, not >."


def flips_case(name: str, arguments: Callable[[dict], tuple], lesson_result: bool = False) -> Case:
    """A case judged against scikit-learn's confusion matrix."""
    return Case(name, arguments, confusion_shares, same_shares, diagnose_flips, lesson_result)


def scored(column: str, cutoff: float | None = None) -> Callable[[dict], tuple]:
    """Arguments from the lesson's ``scores`` table: as-is and ``column``, at the lesson's cutoff
    (or at ``cutoff``)."""

    def arguments(c: dict) -> tuple:
        scores = c["scores"]
        return scores[AS_IS].to_numpy(), scores[column].to_numpy(), c["cutoff"] if cutoff is None else cutoff

    return arguments


def random_pairs(rows: int = 1000) -> tuple[np.ndarray, np.ndarray, float]:
    """Seeded random probabilities before, and after a random nudge, at a cutoff of 0.3."""
    rng = np.random.default_rng(SEED + 5)
    before = rng.uniform(size=rows)
    return before, np.clip(before + rng.normal(scale=0.1, size=rows), 0, 1), 0.3


flips = Exercise(
    LESSON, "ex3_flips", "Decisions that flip",
    visible=[
        flips_case("four toy customers at a cutoff of 0.5, two of them exactly at it",
                   lambda c: (np.array([0.1, 0.6, 0.5, 0.2]), np.array([0.5, 0.4, 0.5, 0.1]), 0.5)),
        flips_case("the lesson's scores, as is and with PAY_0 one month later", scored(ONE_MONTH), lesson_result=True),
    ],
    hidden=[
        flips_case("the lesson's scores, as is and with PAY_0 missing", scored(PAY0_MISSING)),
        flips_case("the lesson's scores with PAY_0 one month later, at a cutoff of 0.5", scored(ONE_MONTH, 0.5)),
        flips_case("the same scores before and after (nothing flips)", scored(AS_IS)),
        flips_case("1,000 random customers nudged at random, at a cutoff of 0.3", lambda c: random_pairs()),
    ],
    hints=[
        "Turn both arrays into decisions first: `old = np.asarray(before) >= cutoff` and the same for `after`. "
        "A flip is where they differ; np.mean of a True/False array is a share.",
        '`return {"flipped": float(np.mean(old != new)), "to_default": float(np.mean(~old & new)), '
        '"to_no_default": float(np.mean(old & ~new))}`',
    ],
    helpers=["workshop_utils.sensitivity.decision_changes", "workshop_utils.sensitivity.sensitivity_table",
             "workshop_utils.cutoffs.flipped"],
    helper_answer=lambda before, after, cutoff: sensitivity.decision_changes(before, after, cutoff),
)


# -- 4. sweep one customer -------------------------------------------------------------------------

class AsClassifier(ClassifierMixin, BaseEstimator):
    """Any ``predict`` function (frame in, probability out) dressed as a fitted scikit-learn
    classifier, so scikit-learn's own ICE (``partial_dependence``) can score it."""

    def __init__(self, scorer: Callable[[pd.DataFrame], Any] | None = None) -> None:
        self.scorer = scorer
        self.classes_ = np.array([0, 1])

    def fit(self, X: Any, y: Any = None) -> AsClassifier:
        """Nothing to learn: the function is the model."""
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """The two class probabilities, from the function's probability of default."""
        p = np.asarray(self.scorer(X), dtype=float).ravel()
        return np.column_stack([1 - p, p])


LIBRARY_SWEEPS: dict[tuple, tuple[Callable, np.ndarray]] = {}
"""Reference sweeps already computed, with the function they scored: scikit-learn scores one value
at a time, which is slow for an H2O model, and a check asks for the same reference more than once."""


def sklearn_sweep(predict: Callable[[pd.DataFrame], Any], row: pd.Series, feature: str, values: Sequence[float]) -> np.ndarray:
    """The reference: scikit-learn's individual conditional expectation of the row, at exactly
    these values, in their order."""
    from sklearn.inspection import partial_dependence

    grid = np.asarray(values, dtype=float)
    key = (id(predict), feature, tuple(row.index), row.to_numpy(dtype=float).tobytes(), grid.tobytes())
    if key not in LIBRARY_SWEEPS or LIBRARY_SWEEPS[key][0] is not predict:
        X = row.to_frame().T.astype(float)
        result = partial_dependence(AsClassifier(predict), X, [feature], kind="individual",
                                    custom_values={feature: grid})
        LIBRARY_SWEEPS[key] = (predict, result["individual"][0][0])
    return LIBRARY_SWEEPS[key][1].copy()


def sweep_toy() -> ScoresOnce:
    """A toy model, 0.1·a + b, that scores only one frame: a second call is an error."""
    return ScoresOnce(lambda frame: 0.1 * frame["a"] + frame["b"],
                      "this model may be called only once per sweep: put all the copies of the row in one frame")


def linear_sweep(predict: ScoresOnce, row: pd.Series, feature: str, values: Sequence[float]) -> np.ndarray:
    """Closed form of the toy model's sweep over ``a``: 0.1·value + b."""
    return 0.1 * np.asarray(values, dtype=float) + float(row["b"])


def diagnose_sweep(got: Any, expected: np.ndarray) -> str | None:
    """The likely mistake behind a wrong sweep."""
    problem = form_problem(got, expected, "a 1-D array with one probability per value, in order "
                                          "(`np.asarray(...).ravel()` helps)")
    if problem:
        return problem
    values = np.asarray(got, dtype=float)
    if np.ptp(values) == 0 and np.ptp(expected) > 0:
        return "every value gives the same probability: set `feature` to the values in the copies before predicting."
    return "make one copy of the row per value, set `feature` to the values in order, and score the copies."


def customer_case(name: str, position: int, feature: str, values: Sequence[float], lesson_result: bool = False) -> Case:
    """A case on one of the lesson's chosen customers (by position) and the lesson's model."""

    def arguments(c: dict) -> tuple:
        customers = c["customers"]
        return c["predict"], customers.loc[customers.index[position]], feature, list(values)

    return Case(name, arguments, sklearn_sweep, close(1e-6), diagnose_sweep, lesson_result)


def toy_case(name: str, values: Sequence[float]) -> Case:
    """A case on the toy model that scores one frame only."""
    return Case(name, lambda c: (sweep_toy(), pd.Series({"a": 1.0, "b": 2.0}), "a", list(values)),
                linear_sweep, close(1e-9), diagnose_sweep)


sweep = Exercise(
    LESSON, "ex4_sweep", "Sweep one customer",
    visible=[
        toy_case("a toy model 0.1·a + b that may be called only once, the row a = 1, b = 2, a set to 0, 10 and 20",
                 [0.0, 10.0, 20.0]),
        customer_case("the lesson's worst-residual customer, PAY_0 from -2 to 9", 0, "PAY_0", range(-2, 10),
                      lesson_result=True),
    ],
    hidden=[
        toy_case("the toy model with the values in falling order, 5, 3 and -1", [5.0, 3.0, -1.0]),
        customer_case("the lesson's last chosen customer, LIMIT_BAL at 10,000, 200,000 and 900,000", -1,
                      "LIMIT_BAL", [10_000, 200_000, 900_000]),
        customer_case("the lesson's second chosen customer, BILL_AMT1 at 0, 50,000 and 500,000", 1,
                      "BILL_AMT1", [0, 50_000, 500_000]),
    ],
    hints=[
        "Repeat the row once per value in a frame: `pd.DataFrame([row] * len(values))`. Set the column `feature` "
        "to `values` in that frame (the row itself stays as it is), then call `predict` once on the whole frame.",
        "`copies = pd.DataFrame([row] * len(values)).reset_index(drop=True)`; "
        "`copies[feature] = np.asarray(values, dtype=float)`; `return np.asarray(predict(copies), dtype=float)`.",
    ],
    helpers=["workshop_utils.sensitivity.sweep", "workshop_utils.pdp.ice_curves", "workshop_utils.pdp.score_versions"],
    helper_answer=lambda predict, row, feature, values: sensitivity.sweep(
        predict, row.to_frame().T, feature, values, missing=False).to_numpy().ravel(),
)


# -- concept questions and the written question -----------------------------------------------------

q_residual = Question.choice(LESSON, "q1_residual", "Which customer has the largest residual", """
(c) a defaulter given 0.03 has -log(0.03) = 3.51: a confident mistake, like the lesson's worst rows.
(a) a defaulter given 0.60 has a residual of -log(0.60) = 0.51: the model leaned the right way.
(b) a non-defaulter given 0.27 has -log(1 - 0.27) = 0.31: uncertain, but not badly wrong.
(d) a non-defaulter given 0.80 has -log(0.20) = 1.61: wrong, but less confident than (c).
""")

q_missing = Question.choice(LESSON, "q2_missing", "Why a missing PAY_0 looks safe", """
(b) with no missing values in training, a missing PAY_0 follows the majority branch at each split, and most
    training customers had no delay: so it is scored much like no delay (the sweep's 'missing' column shows
    it).
(a) H2O's GBM does not fill in a mean; the trees route the missing value down a branch at each split.
(c) no customer in the data has a missing PAY_0, and the newly approved ones default about half the time.
(d) a tree model cannot drop an input and reweight the others; it scores the same trees, with the missing
    value sent down one branch at each split.
""")

written = Written(LESSON, "ex5_written", "What is wrong with this model?")

EXERCISES = [residuals, q_residual, delay, flips, q_missing, sweep, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its test outcomes and predictions,
    split, perturbed scores, cutoff, predict function and chosen customers), built quickly with a
    small XGBoost model instead of H2O, for the course's own tests of these exercises."""
    from workshop_utils import data
    from workshop_utils.cutoffs import best_f1_cutoff
    from workshop_utils.xgboost_models import fit_xgboost, predict_default

    parts = data.split_data(data.load_credit_data())
    model = fit_xgboost(parts.train.iloc[:4000], parts.valid.iloc[:1000], MODEL_INPUTS, data.TARGET)
    predict = predict_default(model)
    X_test = parts.test[list(MODEL_INPUTS)]
    test_pred = pd.Series(predict(X_test), index=X_test.index)
    cutoff, _ = best_f1_cutoff(parts.valid[data.TARGET], predict(parts.valid))
    scores = sensitivity.score_perturbed(predict, X_test, {
        ONE_MONTH: lambda f: sensitivity.add_delay(f, "PAY_0", months=1),
        PAY0_MISSING: lambda f: sensitivity.set_missing(f, "PAY_0")})
    return {"y_test": parts.test[data.TARGET], "test_pred": test_pred, "test": parts.test, "train": parts.train,
            "scores": scores, "cutoff": cutoff, "predict": predict, "customers": X_test.iloc[[5, 50, 500, 5000]]}
