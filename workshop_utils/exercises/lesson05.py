"""Lesson 05's exercises (sensitivity and residual analysis): one month of payment delay, decisions
that flip at a cutoff, a single-customer sweep, the paired bootstrap interval of the AUC change a
remediation brings; two concept questions and a written question.

Each exercise's cases are judged against scikit-learn or a closed form, never against the course
helper the learner is asked to replace, and the hidden cases use inputs the lesson never printed
(another input, the training rows, another cutoff, other customers, the models swapped, synthetic
data with a known answer).

Example:
    >>> auc_change.title, len(auc_change.hints) >= 2
    ('A paired interval for an AUC change', True)
    >>> delay_codes(pd.Series([-2, -1, 0, 1, 8]), 1).tolist()
    [1, 1, 1, 2, 9]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from workshop_utils import SEED, metric_change, sensitivity
from workshop_utils.data import MODEL_INPUTS
from workshop_utils.exercises.engine import Case, Exercise, Question, ScoresOnce, Written, close, shown

__all__ = ["EXERCISES", "LESSON", "auc_change", "delay", "flips", "q_missing", "q_paired", "sweep", "written"]

LESSON = "05_sensitivity_residual_analysis"
AS_IS, ONE_MONTH, PAY0_MISSING = "as is", "PAY_0 one month later", "PAY_0 missing"
"""Columns of the lesson's ``scores`` table the cases use."""


# -- 1. one month of payment delay -----------------------------------------------------------------

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
    LESSON, "ex1_delay", "One month later",
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


# -- 2. decisions that flip ---------------------------------------------------------------------------

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
    LESSON, "ex2_flips", "Decisions that flip",
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


# -- 3. sweep one customer -------------------------------------------------------------------------

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
    LESSON, "ex3_sweep", "Sweep one customer",
    visible=[
        toy_case("a toy model 0.1·a + b that may be called only once, the row a = 1, b = 2, a set to 0, 10 and 20",
                 [0.0, 10.0, 20.0]),
        customer_case("the lesson's worst-residual customer, PAY_0 from -1 to 3", 0, "PAY_0", range(-1, 4),
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


# -- 4. the paired bootstrap interval of an AUC change ----------------------------------------------

LIBRARY_CHANGES: dict[bytes, dict[str, float]] = {}
"""Reference results already computed (scikit-learn scores every resample, which takes a moment on
the lesson's 9,000 rows, and a check asks for the same reference more than once)."""


def sklearn_auc_change(y_true: Any, before: Any, after: Any, samples: np.ndarray) -> dict[str, float]:
    """The reference, by brute force: scikit-learn's AUC of both models on every resample of rows
    (``samples`` holds positions), the differences' 2.5th and 97.5th percentiles, and the change on
    all rows.

    >>> sklearn_auc_change([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], [0.1, 0.4, 0.3, 0.5], np.array([[0, 1, 2, 3]]))
    {'change': 0.25, 'low': 0.25, 'high': 0.25}
    """
    import hashlib

    from sklearn.metrics import roc_auc_score

    y, b, a, rows = (np.asarray(v) for v in (y_true, before, after, samples))
    key = hashlib.sha1(b"".join(np.ascontiguousarray(v).tobytes() for v in (y, b, a, rows))).digest()
    if key not in LIBRARY_CHANGES:
        differences = [roc_auc_score(y[r], a[r]) - roc_auc_score(y[r], b[r]) for r in rows]
        low, high = np.percentile(differences, [2.5, 97.5])
        LIBRARY_CHANGES[key] = {"change": float(roc_auc_score(y, a) - roc_auc_score(y, b)),
                                "low": float(low), "high": float(high)}
    return dict(LIBRARY_CHANGES[key])


CHANGE_KEYS = ("change", "low", "high")


def same_change(got: Any, expected: dict[str, float]) -> bool:
    """A dict with the keys change, low and high, each within 1e-9 of the reference."""
    try:
        return set(got) == set(CHANGE_KEYS) and all(close(1e-9)(got[k], expected[k]) for k in CHANGE_KEYS)
    except TypeError:
        return False


def diagnose_change(got: Any, expected: dict[str, float], y_true: Any, before: Any, after: Any,
                    samples: np.ndarray) -> str | None:
    """The likely mistake behind a wrong change or interval."""
    from sklearn.metrics import roc_auc_score

    if not isinstance(got, dict) or set(got) != set(CHANGE_KEYS):
        return 'return a dict with exactly the keys "change", "low" and "high".'
    try:
        change, low, high = (float(got[k]) for k in CHANGE_KEYS)
    except (TypeError, ValueError):
        return "each value is one number (an AUC difference)."
    near = lambda a, b: bool(np.isclose(a, b, atol=1e-9))  # noqa: E731
    if near(change, -expected["change"]) and near(low, -expected["high"]):
        return "the change is AUC(after) minus AUC(before): above zero means the new model ranks better."
    y, b, a = (np.asarray(v) for v in (y_true, before, after))
    differences = [roc_auc_score(y[r], a[r]) - roc_auc_score(y[r], b[r]) for r in np.asarray(samples)]
    if not near(change, expected["change"]):
        if near(change, float(np.mean(differences))):
            return "`change` is the AUC difference on ALL the rows, not the mean of the resampled differences."
        return '`change` is roc_auc_score(y, after) - roc_auc_score(y, before) on all the rows.'
    if np.allclose([low, high], np.percentile(differences, [5, 95]), atol=1e-9):
        return "a 95 % interval runs from the 2.5th to the 97.5th percentile, not the 5th to the 95th."
    if high - low > (expected["high"] - expected["low"]) * 1.05:
        return ("your interval is wider than the paired one: score BOTH models on the same rows, `samples[b]`, "
                "take the AUC difference within each resample, then the percentiles of those differences.")
    if isinstance(y_true, pd.Series) and not y_true.index.equals(pd.RangeIndex(len(y_true))):
        return ("`samples` holds row POSITIONS, and these inputs have another index: turn them into arrays first "
                "(`y = np.asarray(y_true)`) so that `y[rows]` picks by position.")
    return ("for each row of `samples`: `rows = samples[b]`, the difference `AUC(y[rows], after[rows]) - "
            "AUC(y[rows], before[rows])`; then `low, high = np.percentile(differences, [2.5, 97.5])`.")


def change_case(name: str, arguments: Callable[[dict], tuple], lesson_result: bool = False) -> Case:
    """A case judged against scikit-learn's AUC on every resample."""
    return Case(name, arguments, sklearn_auc_change, same_change, diagnose_change, lesson_result)


def toy_change() -> tuple:
    """Six customers, two models, three resamples written out (each holds both outcomes)."""
    return (np.array([0, 0, 0, 1, 1, 1]), np.array([0.1, 0.4, 0.6, 0.3, 0.5, 0.9]),
            np.array([0.1, 0.3, 0.5, 0.4, 0.6, 0.9]),
            np.array([[0, 1, 2, 3, 4, 5], [0, 0, 2, 3, 5, 5], [1, 2, 2, 3, 4, 4]]))


def synthetic_change(rows: int = 500) -> tuple:
    """Seeded outcomes and two noisy models as pandas Series with a shuffled index, and 30 resamples
    of row positions."""
    rng = np.random.default_rng(SEED + 14)
    index = rng.permutation(np.arange(10_000, 10_000 + rows))
    y = rng.integers(0, 2, rows)
    before, after = (np.clip(share * y + rng.uniform(0, 1 - share, rows), 0, 1) for share in (0.2, 0.3))
    return (pd.Series(y, index=index), pd.Series(before, index=index), pd.Series(after, index=index),
            rng.integers(0, rows, size=(30, rows)))


def lesson_change(resamples: int, swap: bool = False, same: bool = False) -> Callable[[dict], tuple]:
    """The lesson's outcomes and models (or swapped, or the original twice) on its first resamples."""

    def arguments(c: dict) -> tuple:
        before, after = c["test_pred"].to_numpy(), c["remedied_pred"].to_numpy()
        if swap:
            before, after = after, before
        if same:
            after = before
        return c["y_test"].to_numpy(), before, after, np.asarray(c["samples"])[:resamples]

    return arguments


auc_change = Exercise(
    LESSON, "ex4_auc_change", "A paired interval for an AUC change",
    visible=[
        change_case("six toy customers, two models, three resamples", lambda c: toy_change()),
        change_case("the lesson's two GBMs on its first 20 resamples of the test rows", lesson_change(20),
                    lesson_result=True),
    ],
    hidden=[
        change_case("the lesson's two GBMs swapped, on 10 resamples", lesson_change(10, swap=True)),
        change_case("the lesson's original GBM against itself (no change at all)", lesson_change(5, same=True)),
        change_case("500 synthetic customers in pandas Series with a shuffled index, 30 resamples",
                    lambda c: synthetic_change()),
    ],
    hints=[
        "Turn the inputs into arrays (`np.asarray`) so that `samples[b]`, a row of positions, picks rows by position. "
        "For each resample, score BOTH models on the same rows and keep AUC(after) - AUC(before); the interval is "
        "the 2.5th and 97.5th percentiles of those differences; `change` is the difference on all rows.",
        "`y, b, a = (np.asarray(v) for v in (y_true, before, after))`; `differences = [roc_auc_score(y[r], a[r]) - "
        "roc_auc_score(y[r], b[r]) for r in samples]`; `low, high = np.percentile(differences, [2.5, 97.5])`; "
        '`return {"change": roc_auc_score(y, a) - roc_auc_score(y, b), "low": low, "high": high}`.',
    ],
    helpers=["workshop_utils.metric_change.paired_auc_change", "workshop_utils.metric_change.auc_changes",
             "workshop_utils.metric_change.resampled_auc", "workshop_utils.metric_change.compare_models"],
    helper_answer=lambda y_true, before, after, samples: metric_change.paired_auc_change(
        y_true, before, after, samples).to_dict(),
)


# -- concept questions and the written question -----------------------------------------------------

q_missing = Question.choice(LESSON, "q1_missing", "Why a missing PAY_0 looks safe", """
(b) with no missing values in training, a missing PAY_0 follows the majority branch at each split, and most
    training customers had no delay: so it is scored much like no delay (the sweep's 'missing' column shows
    it).
(a) H2O's GBM does not fill in a mean; the trees route the missing value down a branch at each split.
(c) no customer in the data has a missing PAY_0, and the newly approved ones default about half the time.
(d) a tree model cannot drop an input and reweight the others; it scores the same trees, with the missing
    value sent down one branch at each split.
""")

q_paired = Question.choice(LESSON, "q2_paired", "Why resample the same rows for both models", """
(b) a resample full of hard customers lowers BOTH models' AUC; subtracting within the resample cancels that
    shared luck and leaves how the models differ on the same customers. Independent resamples add both
    models' row-to-row noise, so the interval is much wider (the lesson's unpaired row shows it).
(a) a seed only fixes which rows are drawn; it is the rows, not the seed, that must be shared.
(c) AUC can be computed on any rows, but a difference between two different sets of rows mixes the change of
    model with the luck of the draw.
(d) pairing removes shared noise; it guarantees nothing about zero: a paired interval can still hold zero,
    and then the data cannot tell the two models apart.
""")

written = Written(LESSON, "ex5_written", "What is wrong with this model?")

EXERCISES = [delay, flips, q_missing, sweep, auc_change, q_paired, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its test outcomes and predictions,
    split, perturbed scores, cutoff, predict function, chosen customers, the remediated model's
    predictions and the bootstrap resamples), built quickly with small XGBoost models instead of H2O,
    for the course's own tests of these exercises."""
    from workshop_utils import data
    from workshop_utils.cutoffs import best_f1_cutoff
    from workshop_utils.remediation_inputs import BILL_SPREAD, add_bill_variability
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
    extra = [*MODEL_INPUTS, BILL_SPREAD]
    remedied = fit_xgboost(add_bill_variability(parts.train.iloc[:4000]), add_bill_variability(parts.valid.iloc[:1000]),
                           extra, data.TARGET)
    remedied_pred = pd.Series(predict_default(remedied)(add_bill_variability(X_test)[extra]), index=X_test.index)
    return {"test": parts.test, "train": parts.train, "test_pred": test_pred, "y_test": parts.test[data.TARGET],
            "scores": scores, "cutoff": cutoff, "predict": predict, "customers": X_test.iloc[[5, 50, 500, 5000]],
            "remedied_pred": remedied_pred, "samples": metric_change.bootstrap_samples(len(X_test), n_boot=20)}
