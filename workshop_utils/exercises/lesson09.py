"""Lesson 09's exercises (glass-box models): reading an EBM's shape function from its bins, and
permutation importance written by hand; two concept questions and a written question.

The shape-function cases are judged against interpret's own ``eval_terms`` (the EBM's scores for
each term), on inputs, values and models the lesson never printed (a monotonized EBM, a small EBM
on synthetic data, values on cut points, beyond the data and missing). The permutation cases are
judged against scikit-learn's ``permutation_importance`` on other models (a logistic regression,
a toy model that ignores one input, whose importance must be exactly 0), within the noise of the
random shuffles.

Example:
    >>> shape_score.title, len(shape_score.hints) >= 2
    ('Reading a shape function', True)
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import sklearn.inspection
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin

from workshop_utils import SEED, glass_box
from workshop_utils.exercises.engine import Case, Exercise, Question, UsedTheHelper, Written, close

__all__ = ["EXERCISES", "LESSON", "permutation", "q_importance", "q_monotonize", "shape_score", "written"]

LESSON = "09_glass_box_models"


# -- 1. reading a shape function --------------------------------------------------------------------------

SEALED = ("eval_terms", "predict_and_contrib", "explain_local")
"""The EBM's own methods that would read the shape function for the learner."""


def sealed(ebm: Any) -> Any:
    """A shallow copy of ``ebm`` whose methods that compute term scores say they were used."""
    copied = copy.copy(ebm)
    for name in SEALED:
        def refuse(*_: Any, _name: str = name, **__: Any) -> Any:
            raise UsedTheHelper(f"the EBM's own {_name}")

        setattr(copied, name, refuse)
    return copied


def library_scores(ebm: Any, feature: str, values: Sequence[float]) -> np.ndarray:
    """The reference: interpret's ``eval_terms`` on rows that differ only in ``feature`` (the
    class's method, so a sealed copy still answers), the column of ``feature``'s own term."""
    names = list(ebm.feature_names_in_)
    rows = pd.DataFrame(0.0, index=range(len(values)), columns=names)
    rows[feature] = np.asarray(values, dtype=float)
    terms = type(ebm).eval_terms(ebm, rows)
    return np.asarray(terms[:, list(ebm.term_names_).index(feature)], dtype=float)


def diagnose_scores(got: Any, expected: np.ndarray) -> str | None:
    """The likely mistake behind wrong term scores."""
    try:
        values = np.asarray(got, dtype=float).ravel()
    except (TypeError, ValueError):
        return "return numbers: one log-odds score per value."
    if values.shape != expected.shape:
        return f"return one score per value ({len(expected)} here), not {values.size}."
    return ("find each value's bin with `np.searchsorted(cuts, values, side='right')`, then add 1: slot 0 of "
            "`term_scores_` is for a missing value, so the first bin is slot 1; a value equal to a cut point "
            "belongs to the bin above it, and a missing value (NaN) reads slot 0.")


@functools.cache
def synthetic_ebm() -> Any:
    """A small EBM on synthetic rows whose risk jumps where x passes 0 (fitted once)."""
    rng = np.random.default_rng(SEED)
    rows = pd.DataFrame({"x": rng.normal(size=600).round(2), "z": rng.normal(size=600)})
    rows["y"] = (rng.random(600) < np.where(rows["x"] > 0, 0.7, 0.2)).astype(int)
    return glass_box.fit_ebm(rows, ["x", "z"], "y", outer_bags=1, interactions=0)


def shape_case(name: str, model: Any, feature: str, values: Any, lesson_result: bool = False) -> Case:
    """A case: ``model`` picks the EBM from the context, ``values`` the values from the EBM."""

    def arguments(c: dict) -> tuple:
        ebm = model(c)
        return sealed(ebm), feature, np.asarray(values(ebm), dtype=float)

    return Case(name, arguments, library_scores, close(1e-9), diagnose_scores, lesson_result)


def cuts_of(ebm: Any, feature: str) -> np.ndarray:
    """The main-effect cut points of ``feature``."""
    return np.asarray(ebm.bins_[list(ebm.feature_names_in_).index(feature)][0], dtype=float)


shape_score = Exercise(
    LESSON, "ex1_shape_score", "Reading a shape function",
    visible=[
        shape_case("the lesson's EBM, PAY_0 from -2 to 8", lambda c: c["ebm"], "PAY_0",
                   lambda ebm: np.arange(-2, 9), lesson_result=True),
        shape_case("the lesson's EBM, LIMIT_BAL at its first three cut points and between them",
                   lambda c: c["ebm"], "LIMIT_BAL", lambda ebm: np.sort(np.r_[cuts_of(ebm, "LIMIT_BAL")[:3],
                                                                            cuts_of(ebm, "LIMIT_BAL")[:2] + 1])),
    ],
    hidden=[
        shape_case("the lesson's EBM, BILL_AMT1 below its smallest and above its largest training value",
                   lambda c: c["ebm"], "BILL_AMT1", lambda ebm: [-1e7, -1.0, 0.0, 1e7]),
        shape_case("the lesson's EBM, PAY_AMT1 missing (NaN) and at every tenth cut point",
                   lambda c: c["ebm"], "PAY_AMT1", lambda ebm: np.r_[np.nan, cuts_of(ebm, "PAY_AMT1")[::10]]),
        shape_case("the monotonized EBM, PAY_2 from -2 to 8", lambda c: c["monotonized"], "PAY_2",
                   lambda ebm: np.arange(-2, 9)),
        shape_case("a small EBM on synthetic data, x from -3 to 3 and exactly on its cut points",
                   lambda c: synthetic_ebm(), "x",
                   lambda ebm: np.r_[np.linspace(-3, 3, 13), cuts_of(ebm, "x")]),
    ],
    hints=[
        "An EBM's shape function is a lookup table. For input `feature` (its position `i` in "
        "`ebm.feature_names_in_`), `ebm.bins_[i][0]` holds the cut points and "
        "`ebm.term_scores_[t]` the scores, `t` being the position of `feature` in `ebm.term_names_`. "
        "Slot 0 of the scores is for a missing value; the bins start at slot 1.",
        "`cuts = ebm.bins_[i][0]`; `slots = np.searchsorted(cuts, values, side='right') + 1`; "
        "`slots[np.isnan(values)] = 0`; `return ebm.term_scores_[t][slots]`.",
    ],
    helpers=["workshop_utils.glass_box.shape_function", "workshop_utils.glass_box.pair_surface"],
    helper_answer=lambda ebm, feature, values: glass_box.shape_function(ebm, feature)["score"].to_numpy()[
        np.searchsorted(glass_box.shape_function(ebm, feature)["upper"].to_numpy()[:-1], values, side="right")],
)


# -- 2. permutation importance by hand ------------------------------------------------------------------

def library_importance(model: Any, X: pd.DataFrame, y: pd.Series, n_repeats: int, seed: int) -> pd.Series:
    """The reference: scikit-learn's permutation importance (drop in ROC AUC), the mean over the
    repeats, one value per column, with its tolerance (see ``as_reference``)."""
    return _library_importance(model, X, y, n_repeats, seed)


_CACHE: list[tuple[tuple, pd.Series]] = []
"""scikit-learn's results already computed in this kernel, by (model, X, y, repeats, seed)."""


def as_reference(importances: np.ndarray, columns: Sequence[str]) -> pd.Series:
    """scikit-learn's repeats (columns by repeats) as the reference: their mean per column, and
    ``attrs["tolerance"]``, how far an honest answer with other shuffles may be: 0.002 plus three
    standard errors of the difference of two means, each column's spread taken at the upper end
    of its 95 % chi-square interval (a few repeats can underestimate it badly).

    >>> as_reference(np.array([[0.1, 0.3, 0.2], [0.0, 0.0, 0.0]]), ["a", "b"]).attrs["tolerance"].round(3).tolist()
    [1.084, 0.002]
    """
    drops = np.asarray(importances, dtype=float)
    count = drops.shape[1]
    result = pd.Series(drops.mean(axis=1), index=list(columns), dtype=float)
    if count > 1:
        upper = drops.std(axis=1, ddof=1) * np.sqrt((count - 1) / stats.chi2.ppf(0.05, count - 1))
        spread = np.sqrt(2.0 / count) * upper
    else:
        spread = np.zeros(len(result))
    result.attrs["tolerance"] = 0.002 + 3 * spread
    return result


def remember(key: tuple, result: pd.Series) -> pd.Series:
    """Keep ``result`` for ``key`` (the last four only)."""
    _CACHE.append((key, result))
    del _CACHE[:-4]
    return result


def _library_importance(model: Any, X: pd.DataFrame, y: pd.Series, n_repeats: int, seed: int) -> pd.Series:
    """scikit-learn's result, computed once per (model, rows, target, repeats, seed) objects."""
    for key, result in _CACHE:
        if key[0] is model and key[1] is X and key[2] is y and key[3:] == (n_repeats, seed):
            return result
    found = sklearn.inspection.permutation_importance(model, X, y, scoring="roc_auc", n_repeats=n_repeats,
                                                      random_state=seed, n_jobs=1)
    return remember((model, X, y, n_repeats, seed), as_reference(found.importances, X.columns))


_SLICES: list[tuple[pd.DataFrame, int, tuple[pd.DataFrame, pd.Series]]] = []


def first_rows(X: pd.DataFrame, y: pd.Series, count: int) -> tuple[pd.DataFrame, pd.Series]:
    """The first ``count`` rows of ``X`` and ``y``, the same objects each time for the same ``X``
    (so scikit-learn's result for them is computed once)."""
    for frame, size, rows in _SLICES:
        if frame is X and size == count:
            return rows
    rows = (X.iloc[:count], y.iloc[:count])
    _SLICES[:] = [*_SLICES[-1:], (X, count, rows)]
    return rows


def lesson_arguments(c: dict) -> tuple:
    """The lesson's own permutation importance: its model, test rows and repeats; the result the
    lesson computed with scikit-learn (``c["perm"]``, same settings) is the reference, so it is
    not computed again."""
    repeats = int(c["perm"].importances.shape[1])
    arguments = (c["model"], c["X_test"], c["y_test"], repeats, SEED)
    remember(arguments, as_reference(c["perm"].importances, c["X_test"].columns))
    return arguments


def within_noise(got: Any, expected: pd.Series) -> bool:
    """A Series over the same columns, each value within ``expected``'s tolerance.

    >>> e = pd.Series({"a": 0.1, "b": 0.0}); e.attrs["tolerance"] = np.array([0.01, 0.002])
    >>> within_noise(pd.Series({"b": 0.001, "a": 0.105}), e), within_noise(pd.Series({"a": 0.1}), e)
    (True, False)
    """
    if not isinstance(got, pd.Series) or set(got.index) != set(expected.index) or len(got) != len(expected):
        return False
    try:
        gap = np.abs(got.reindex(expected.index).to_numpy(dtype=float) - expected.to_numpy(dtype=float))
    except (TypeError, ValueError):
        return False
    return bool(np.all(gap <= expected.attrs.get("tolerance", 1e-9)))


def diagnose_importance(got: Any, expected: pd.Series) -> str | None:
    """The likely mistake behind a wrong permutation importance."""
    if not isinstance(got, pd.Series) or set(got.index) != set(expected.index):
        return "return a pandas Series indexed by `X.columns`: one mean drop in AUC per column."
    values = got.reindex(expected.index).to_numpy(dtype=float)
    reference = expected.to_numpy(dtype=float)
    if within_noise(pd.Series(-values, index=expected.index), expected):
        return "the importance is the baseline AUC MINUS the AUC with the column shuffled (a drop), not the reverse."
    if np.all(values >= reference - 1e-12) and np.any(np.diff(values - reference) > 0):
        return ("the drops grow from column to column: shuffle each column in a fresh copy of `X`, so the columns "
                "shuffled before are back in place.")
    return ("for each column and each repeat: copy `X`, shuffle that one column (`rng.permutation`), score the "
            "AUC of `model.predict_proba(...)[:, 1]`, and take `baseline - shuffled`; return the mean over repeats.")


class IgnoresC(ClassifierMixin, BaseEstimator):
    """A fixed toy classifier: probability sigmoid(2a - b); column c is never read, so its
    permutation importance is exactly 0."""

    classes_ = np.array([0, 1])

    def fit(self, X: pd.DataFrame, y: Any) -> IgnoresC:
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = 1 / (1 + np.exp(-(2 * np.asarray(X["a"], dtype=float) - np.asarray(X["b"], dtype=float))))
        return np.column_stack([1 - p, p])


@functools.cache
def toy_rows() -> tuple[pd.DataFrame, pd.Series]:
    """1,500 synthetic rows and outcomes drawn from the toy model."""
    rng = np.random.default_rng(7)
    X = pd.DataFrame({"a": rng.normal(size=1500), "b": rng.normal(size=1500), "c": rng.normal(size=1500)})
    y = pd.Series((rng.random(1500) < IgnoresC().predict_proba(X)[:, 1]).astype(int), name="y")
    return X, y


@functools.cache
def logistic_case_data() -> tuple[Any, pd.DataFrame, pd.Series]:
    """A logistic regression on six of the credit inputs (scaled), with 2,000 validation rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from workshop_utils import data

    parts = data.split_data(data.load_credit_data())
    chosen = ["PAY_0", "PAY_2", "LIMIT_BAL", "BILL_AMT1", "PAY_AMT1", "PAY_AMT2"]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(parts.train[chosen],
                                                                                   parts.train[data.TARGET])
    rows = parts.valid.iloc[:2000]
    return model, rows[chosen], rows[data.TARGET]


permutation = Exercise(
    LESSON, "ex2_permutation", "Permutation importance by hand",
    visible=[
        Case("a toy model sigmoid(2a - b) that never reads c, 1,500 rows, 5 repeats",
             lambda c: (IgnoresC(), *toy_rows(), 5, 0), library_importance, within_noise, diagnose_importance),
        Case("a logistic regression on six credit inputs, 2,000 validation rows, 5 repeats",
             lambda c: (*logistic_case_data(), 5, 3), library_importance, within_noise, diagnose_importance),
    ],
    hidden=[
        Case("the toy model with another seed and 8 repeats",
             lambda c: (IgnoresC(), *toy_rows(), 8, 11), library_importance, within_noise, diagnose_importance),
        Case("the logistic regression on its first 500 rows, 10 repeats",
             lambda c: (logistic_case_data()[0], *first_rows(*logistic_case_data()[1:], 500), 10, 5),
             library_importance, within_noise, diagnose_importance),
        Case("lesson 1's XGBoost on the test rows, as printed in the lesson", lesson_arguments,
             library_importance, within_noise, diagnose_importance, lesson_result=True),
    ],
    hints=[
        "First score the model on `X` as it is: `baseline = roc_auc_score(y, model.predict_proba(X)[:, 1])`. "
        "Then, for each column and each repeat, shuffle only that column in a copy of `X`, score again, and "
        "keep `baseline - shuffled`. The importance of a column is the mean of its drops.",
        "`rng = np.random.default_rng(seed)`; for `name in X.columns`: `drops = []`; for each repeat: "
        "`shuffled = X.copy()`; `shuffled[name] = rng.permutation(shuffled[name].to_numpy())`; "
        "`drops.append(baseline - roc_auc_score(y, model.predict_proba(shuffled)[:, 1]))`; then "
        "`result[name] = np.mean(drops)`; `return pd.Series(result)`.",
    ],
    helpers=["sklearn.inspection.permutation_importance"],
    helper_answer=lambda model, X, y, n_repeats, seed: pd.Series(sklearn.inspection.permutation_importance(
        model, X, y, scoring="roc_auc", n_repeats=n_repeats, random_state=seed).importances_mean, index=list(X.columns)),
)


# -- the written question ----------------------------------------------------------------------------------

written = Written(LESSON, "ex3_written", "When is a glass box enough?")


# -- concept questions ----------------------------------------------------------------------------------

q_monotonize = Question.choice(LESSON, "q1_monotonize", "What monotonize guarantees", """
(c) no: monotonize changes only the single-input shape functions; the pairwise terms that hold these
    inputs (PAY_0 & PAY_3, LIMIT_BAL & BILL_AMT1, ...) are left as they were and can still move a score
    against the direction. A guaranteed monotone EBM leaves those pairs out (or constrains them at fit).
(a) monotonize adjusts one term at a time and never touches a pairwise term, as its documentation says.
(b) a small loss of AUC says the model changed little on average; it guarantees nothing about any input's
    direction for any customer.
(d) a shape function is a lookup table over bins: once its scores rise (or fall) bin after bin, every value
    in any row, test rows included, reads a score from that same table.
""")

q_importance = Question.choice(LESSON, "q2_importance", "What a small permutation importance means", """
(b) the model can read nearly the same information from the other bill amounts, which move together with
    BILL_AMT2: shuffling one of them takes little away. Permutation importance measures what the model loses
    when one input alone is scrambled, not whether the input carries signal.
(a) the test set has the same bills as the training set; an input the model relies on loses AUC when it is
    shuffled, whatever rows are used.
(c) five repeats give an interval, and the interval of BILL_AMT2 is narrow and close to 0: more repeats
    would narrow it, not move it.
(d) a constraint limits the direction of an input's effect, not its size; PAY_0 and LIMIT_BAL are
    constrained too, and they have the largest importances.
""")

EXERCISES = [shape_score, q_monotonize, permutation, q_importance, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its EBM, the monotonized EBM, lesson
    1's model, test rows and scikit-learn's permutation importance), built quickly for the
    course's own tests of these exercises."""
    from workshop_utils import data, monotonic
    from workshop_utils.xgboost_models import fit_xgboost

    parts = data.split_data(data.load_credit_data())
    inputs = list(data.MODEL_INPUTS)
    train = parts.train.iloc[:4000]
    constraints = monotonic.monotone_constraints(train, inputs, data.TARGET)
    model = fit_xgboost(train, parts.valid.iloc[:1000], inputs, data.TARGET, constraints)
    ebm = glass_box.fit_ebm(train, inputs, data.TARGET, outer_bags=1, interactions=2)
    X_test, y_test = parts.test[inputs].iloc[:2000], parts.test[data.TARGET].iloc[:2000]
    perm = sklearn.inspection.permutation_importance(model, X_test, y_test, scoring="roc_auc", n_repeats=2,
                                                     random_state=SEED)
    return {"ebm": ebm, "monotonized": glass_box.monotonize(ebm, constraints), "model": model,
            "X_test": X_test, "y_test": y_test, "perm": perm}
