"""Lesson 07's exercises (debugging with residuals): mean residuals by segment, the drivers of the
loss from its Shapley values, the residual tree's worst leaf turned into a scoring-time
assertion, and a before/after report of a remediation; three concept questions and a written
question.

Each exercise's cases are judged against scikit-learn, pandas or a closed form, never
against the course helper the learner is asked to replace, and the hidden cases use inputs the
lesson never printed (other predictions, groups, shares or models, synthetic data with a known
answer).

Example:
    >>> assertion.title, len(assertion.hints) >= 2
    ('The worst leaf as an assertion', True)
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeRegressor

from workshop_utils import SEED, loss_shapley, residual_comparison, residual_tree
from workshop_utils import residuals as residual_helpers
from workshop_utils.exercises.engine import Case, Exercise, Question, Written, close

__all__ = ["EXERCISES", "LESSON", "assertion", "drivers", "measure", "q_drivers", "q_guard", "q_residual", "segments",
           "written"]

LESSON = "07_debugging_residuals"
EXPECTED = loss_shapley.EXPECTED
INJECTED, REGULARISED = "PAY_0 missing-value injection", "regularised refit"
"""The names of the lesson's two remediated models (keys of its ``after_pred``)."""


# -- the residual tree's worst leaf as an assertion ------------------------------------------------------

def worst_leaf_flags(tree: DecisionTreeRegressor, X_fit: pd.DataFrame, X_new: pd.DataFrame,
                     min_rows: int) -> np.ndarray:
    """The reference, from scikit-learn's own arrays: each leaf's rows among ``X_fit``
    (``tree.apply``) and its value (``tree.tree_.value``, the mean residual of the rows it was
    fitted on); the highest value among leaves of at least ``min_rows`` rows (the first on a tie);
    True for each row of ``X_new`` that ``tree.apply`` puts in that leaf.

    >>> X = pd.DataFrame({"x": range(6)})
    >>> tree = DecisionTreeRegressor(max_depth=1).fit(X, [0, 0, 0, 1, 1, 1])
    >>> worst_leaf_flags(tree, X, pd.DataFrame({"x": [0, 5]}), 1).tolist()
    [False, True]
    """
    return np.isin(apply(tree, X_new), [ranked_leaves(tree, X_fit, min_rows)[0]])


def apply(tree: DecisionTreeRegressor, X: pd.DataFrame) -> np.ndarray:
    """The leaf id of every row of ``X`` (the tree's own columns, in its order)."""
    return tree.apply(X[list(tree.feature_names_in_)])


def ranked_leaves(tree: DecisionTreeRegressor, X_fit: pd.DataFrame, min_rows: int = 1,
                  ascending: bool = False) -> list[int]:
    """The tree's leaves with at least ``min_rows`` rows of ``X_fit``, by their value (highest
    first unless ``ascending``; ties keep the leaf order)."""
    leaves, counts = np.unique(apply(tree, X_fit), return_counts=True)
    kept = leaves[counts >= min_rows]
    values = tree.tree_.value[kept, 0, 0]
    order = np.argsort(values if ascending else -values, kind="stable")
    return [int(leaf) for leaf in kept[order]]


def diagnose_flags(got: Any, expected: np.ndarray, tree: DecisionTreeRegressor, X_fit: pd.DataFrame,
                   X_new: pd.DataFrame, min_rows: int) -> str | None:
    """The likely mistake behind wrong flags."""
    try:
        flags = np.asarray(got)
    except (TypeError, ValueError):
        return "return a boolean array, one entry per row of `X_new`."
    if flags.shape != expected.shape:
        if flags.size == len(X_fit):
            return "flag the rows of `X_new` (the rows being scored), not the rows the tree was fitted on."
        return "return one True/False per row of `X_new`, in its order."
    if flags.dtype != bool and not np.isin(flags, [0, 1]).all():
        return "return True/False flags, not leaf ids: `tree.apply(X_new) == worst`."
    flags = flags.astype(bool)
    leaves_new = apply(tree, X_new)
    if np.array_equal(flags, leaves_new == ranked_leaves(tree, X_fit, min_rows, ascending=True)[0]):
        return "that is the BEST leaf (lowest mean residual): the assertion guards the worst, the highest."
    if np.array_equal(flags, leaves_new == ranked_leaves(tree, X_fit, 1)[0]):
        return "leave out the leaves with fewer than `min_rows` rows of `X_fit`: their means are too noisy to act on."
    new_leaves, new_counts = np.unique(leaves_new, return_counts=True)
    counted_on_new = [leaf for leaf in ranked_leaves(tree, X_fit, 1) if leaf in new_leaves[new_counts >= min_rows]]
    if counted_on_new and np.array_equal(flags, leaves_new == counted_on_new[0]):
        return "count each leaf's rows on `X_fit` (where the tree learned the leaf's mean), not on `X_new`."
    fit_leaves, fit_counts = np.unique(apply(tree, X_fit), return_counts=True)
    if np.array_equal(flags, leaves_new == fit_leaves[np.argmax(fit_counts)]):
        return "pick the leaf with the highest mean residual (`tree.tree_.value`), not the one with the most rows."
    return ("find each leaf's rows with `tree.apply(X_fit)` and its mean residual in `tree.tree_.value[leaf, 0, 0]`, "
            "keep the leaves with at least `min_rows` rows, take the highest, and flag `tree.apply(X_new) == worst`.")


flag_case = partial(Case, expected=worst_leaf_flags, compare=lambda got, expected: bool(
    np.shape(got) == expected.shape and np.array_equal(np.asarray(got, dtype=bool), expected)), diagnose=diagnose_flags)
"""A case of the assertion exercise: ``flag_case(name, arguments, lesson_result=False)``."""


def toy_tree(min_rows: int) -> Any:
    """Twenty toy rows of one input x, a residual that is large past x = 15 and in two rows at
    x = 0, 1 (a leaf of two rows with the highest mean), and six new rows to score."""
    def arguments(_: dict) -> tuple:
        X = pd.DataFrame({"x": np.arange(20.0)})
        residual = np.where(X["x"] >= 15, 1.5, 0.2)
        residual[:2] = 3.0
        tree = DecisionTreeRegressor(max_depth=2, min_samples_leaf=2, random_state=SEED).fit(X, residual)
        return tree, X, pd.DataFrame({"x": [0.5, 3.0, 9.0, 15.5, 19.0, 30.0]}), min_rows
    return arguments


def planted_region(_: dict) -> tuple:
    """2,000 synthetic rows whose residual is high where a > 0.7 and b < 0.3, a depth-2 tree, and
    500 new rows with a third column the tree never saw, in another order."""
    rng = np.random.default_rng(SEED)
    X = pd.DataFrame({"a": rng.random(2000), "b": rng.random(2000)})
    residual = np.where((X["a"] > 0.7) & (X["b"] < 0.3), 2.0, 0.2) + rng.normal(0, 0.05, 2000)
    tree = DecisionTreeRegressor(max_depth=2, min_samples_leaf=20, random_state=SEED).fit(X, residual)
    new = pd.DataFrame({"c": rng.random(500), "b": rng.random(500), "a": rng.random(500)})
    return tree, X, new, 50


def lesson_tree(X_new: str, min_rows: int | None) -> Any:
    """The lesson's residual tree (fitted on the validation rows), scoring ``X_new``'s rows; with
    ``min_rows=None``, only the two leaves with the most validation rows are eligible."""
    def arguments(c: dict) -> tuple:
        tree, fit_rows = c["residual_tree"], c["parts"].valid
        rows = min_rows or int(np.sort(np.unique(apply(tree, fit_rows), return_counts=True)[1])[-2])
        return tree, fit_rows, getattr(c["parts"], X_new), rows
    return arguments


def helper_flags(tree: Any, X_fit: pd.DataFrame, X_new: pd.DataFrame, min_rows: int) -> np.ndarray:
    """A shortcut through the course's helpers (what the exercise rules out)."""
    fit_residual = tree.predict(X_fit[list(tree.feature_names_in_)])
    table = residual_tree.leaf_table(tree, X_fit, fit_residual)
    return residual_tree.assertion_flags(tree, X_new, residual_tree.worst_leaf(table, min_rows))


assertion = Exercise(
    LESSON, "ex1_assertion", "The worst leaf as an assertion",
    visible=[
        flag_case("twenty toy rows, a tree of depth 2, min_rows=3", toy_tree(3)),
        flag_case("the lesson's residual tree, fitted on validation rows, scoring the test rows, min_rows=200",
                  lesson_tree("test", 200), lesson_result=True),
    ],
    hidden=[
        flag_case("the toy rows with min_rows=1 (the two-row leaf is now eligible)", toy_tree(1)),
        flag_case("2,000 synthetic rows with a planted bad region, new rows with an extra column", planted_region),
        flag_case("the lesson's residual tree with min_rows=1 (a smaller leaf is worse)", lesson_tree("test", 1)),
        flag_case("the lesson's residual tree scoring the training rows, only its two largest leaves eligible",
                  lesson_tree("train", None)),
    ],
    hints=[
        "`tree.apply(X)` gives each row's leaf, and a regression tree's leaf value `tree.tree_.value[leaf, 0, 0]` is "
        "the mean residual of the rows it was fitted on. Count each leaf's rows on `X_fit`, keep the leaves with "
        "at least `min_rows`, take the one with the highest value, and flag the rows of `X_new` that land in it. "
        "Use the tree's own columns: `X[list(tree.feature_names_in_)]`.",
        "`cols = list(tree.feature_names_in_)`; `leaves, counts = np.unique(tree.apply(X_fit[cols]), "
        "return_counts=True)`; `kept = leaves[counts >= min_rows]`; "
        "`worst = kept[np.argmax(tree.tree_.value[kept, 0, 0])]`; `return tree.apply(X_new[cols]) == worst`.",
    ],
    helpers=["workshop_utils.residual_tree.leaf_table", "workshop_utils.residual_tree.worst_leaf",
             "workshop_utils.residual_tree.assertion_flags"],
    helper_answer=helper_flags,
)


# -- 2. mean residual by segment --------------------------------------------------------------------------

def group_means(residual: pd.Series, groups: pd.Series, min_count: int = 1) -> pd.Series:
    """The reference, with pandas: each group's mean and size, groups of at least ``min_count``
    rows, largest mean first."""
    stats = residual.groupby(groups, observed=True).agg(["mean", "size"])
    kept = stats.loc[stats["size"] >= min_count, "mean"]
    return kept.sort_values(ascending=False, kind="stable")


def same_ranking(got: Any, expected: pd.Series) -> bool:
    """A Series with the same labels in the same order and the same values.

    >>> same_ranking(pd.Series({"b": 2.0, "a": 1.0}), pd.Series({"b": 2.0, "a": 1.0 + 1e-12}))
    True
    """
    if not isinstance(got, pd.Series) or list(got.index) != list(expected.index):
        return False
    return close(1e-9)(got.to_numpy(dtype=float), expected.to_numpy(dtype=float))


def diagnose_means(got: Any, expected: pd.Series) -> str | None:
    """The likely mistake behind a wrong table of group means."""
    if not isinstance(got, pd.Series):
        return "return a pandas Series: one mean per group, indexed by the group."
    labels, wanted = set(got.index), set(expected.index)
    if labels > wanted:
        return "leave out the groups with fewer than `min_count` rows (count each group's rows)."
    if labels < wanted:
        return "keep every group with at least `min_count` rows (>=, not >)."
    if labels != wanted:
        return "group the residuals by the labels in `groups` (`residual.groupby(groups)`)."
    if list(got.index) == list(expected.index)[::-1]:
        return "worst (largest mean) first: sort with `ascending=False`."
    if list(got.index) != list(expected.index):
        return "sort the groups by their mean residual, largest first."
    return "each group's value is the mean of its residuals."


segment_case = partial(Case, expected=group_means, compare=same_ranking, diagnose=diagnose_means)
"""A case of the segments exercise: ``segment_case(name, arguments, lesson_result=False)``."""


def toy_segments(min_count: int) -> Any:
    """Five toy residuals in three groups (c has one row)."""
    return lambda c: (pd.Series([1.0, 3.0, 0.5, 0.7, 9.0]), pd.Series(["a", "a", "b", "b", "c"]), min_count)


def age_bands(c: dict) -> tuple:
    """The lesson's residuals by age band, with a band (81-100) nobody is in."""
    bands = pd.cut(c["readable"]["AGE"], [20, 30, 40, 50, 80, 100], labels=["21-30", "31-40", "41-50", "51-80", "81-100"])
    return c["resid"], bands


segments = Exercise(
    LESSON, "ex2_segments", "A segment's residuals",
    visible=[
        segment_case("five toy residuals in groups a, a, b, b, c", toy_segments(1)),
        segment_case("the lesson's residuals by sex", lambda c: (c["resid"], c["readable"]["SEX"]), lesson_result=True),
    ],
    hidden=[
        segment_case("the toy residuals with min_count=2 (group c has one row)", toy_segments(2)),
        segment_case("the lesson's residuals by repayment status, min_count=30",
                     lambda c: (c["resid"], c["readable"]["PAY_0_STATUS"], 30)),
        segment_case("the lesson's residuals by age band, with one band nobody is in", age_bands),
        segment_case("the lesson's residuals by marriage, min_count=50",
                     lambda c: (c["resid"], c["readable"]["MARRIAGE"], 50)),
    ],
    hints=[
        "Group the residuals by `groups` (`residual.groupby(groups, observed=True)`), take each group's mean and "
        "its number of rows, keep the groups with at least `min_count` rows, and sort the means largest first.",
        "`stats = residual.groupby(groups, observed=True).agg(['mean', 'count'])`; "
        "`stats = stats[stats['count'] >= min_count]`; `return stats['mean'].sort_values(ascending=False)`.",
    ],
    helpers=["workshop_utils.residuals.residual_summary", "workshop_utils.residuals.residuals_by_input"],
    helper_answer=lambda residual, groups, min_count=1: residual_helpers.residual_summary(residual, groups)["mean"],
)


# -- 3. the drivers of the loss -------------------------------------------------------------------------------

def worst_share_means(contributions: pd.DataFrame, residual: pd.Series, share: float) -> pd.Series:
    """The reference, with numpy: the mean loss contribution of each input over the
    ``max(1, round(share * n))`` rows of ``contributions`` with the largest residual, largest first."""
    own = residual.loc[contributions.index].to_numpy(dtype=float)
    count = max(1, round(share * len(own)))
    rows = np.argsort(-own, kind="stable")[:count]
    inputs = contributions.drop(columns=[EXPECTED])
    means = pd.Series(inputs.to_numpy(dtype=float)[rows].mean(axis=0), index=inputs.columns)
    return means.sort_values(ascending=False, kind="stable")


def same_drivers(got: Any, expected: pd.Series) -> bool:
    """The same inputs with the same means (within 1e-9), largest first (ties in any order).

    >>> same_drivers(pd.Series({"b": 1.0, "a": 1.0}), pd.Series({"a": 1.0, "b": 1.0}))
    True
    """
    if not isinstance(got, pd.Series) or set(got.index) != set(expected.index) or len(got) != len(expected):
        return False
    values = got.to_numpy(dtype=float)
    return close(1e-9)(values, expected.loc[got.index].to_numpy(dtype=float)) and bool(np.all(np.diff(values) <= 1e-12))


def diagnose_drivers(got: Any, expected: pd.Series) -> str | None:
    """The likely mistake behind wrong loss drivers."""
    if not isinstance(got, pd.Series):
        return "return a pandas Series: one mean per input, indexed by the input's name."
    if EXPECTED in got.index:
        return "leave out the EXPECTED column: it is the expected loss, not an input."
    if set(got.index) != set(expected.index):
        return "return one entry per input column of `contributions`."
    if close(1e-9)(got.to_numpy(dtype=float), expected.loc[got.index].to_numpy(dtype=float)):
        return "sort the means largest first."
    return ("average only over the worst rows: the `max(1, round(share * n))` rows of `contributions` with the "
            "LARGEST residual, where `residual.loc[contributions.index]` keeps only the rows `contributions` has.")


drivers_case = partial(Case, expected=worst_share_means, compare=same_drivers, diagnose=diagnose_drivers)
"""A case of the loss drivers exercise: ``drivers_case(name, arguments, lesson_result=False)``."""


def toy_drivers(share: float) -> Any:
    """Four toy rows of contributions and five residuals (row 14 is not in the contributions)."""
    frame = pd.DataFrame({"a": [0.1, 0.9, 0.0, 0.3], "b": [0.2, -0.1, 0.5, 0.0], EXPECTED: [1.0] * 4},
                         index=[10, 11, 12, 13])
    residual = pd.Series([1.3, 1.8, 1.5, 0.2, 99.0], index=[10, 11, 12, 13, 14])
    return lambda c: (frame, residual, share)


def planted_driver(_: dict) -> tuple:
    """100 synthetic rows in shuffled order whose 10 worst all have x = 1 (x is 0 elsewhere, y is
    always -1), and residuals for 50 more rows the contributions do not hold."""
    rng = np.random.default_rng(SEED)
    index = rng.permutation(100)
    residual = pd.Series(index.astype(float), index=index)
    frame = pd.DataFrame({"y": -1.0, "x": (index >= 90).astype(float), EXPECTED: 0.5}, index=index)
    extra = pd.Series(1000.0, index=range(100, 150))
    return frame, pd.concat([residual, extra]), 0.1


drivers = Exercise(
    LESSON, "ex4_drivers", "The drivers of the loss",
    visible=[
        drivers_case("four toy rows (a, b, EXPECTED) and five residuals, share 0.25", toy_drivers(0.25)),
        drivers_case("the lesson's loss contributions, the worst 10 % of rows",
                     lambda c: (c["loss_contribs"], c["resid"], 0.1), lesson_result=True),
    ],
    hidden=[
        drivers_case("the toy rows with share 0.5", toy_drivers(0.5)),
        drivers_case("the toy rows with a share too small for one row (at least one row counts)", toy_drivers(0.01)),
        drivers_case("100 synthetic rows whose 10 worst all have x = 1, and residuals of 50 rows not explained",
                     planted_driver),
        drivers_case("the lesson's loss contributions, the worst 2 % of rows",
                     lambda c: (c["loss_contribs"], c["resid"], 0.02)),
        drivers_case("the lesson's loss contributions, the worst 15 % of rows",
                     lambda c: (c["loss_contribs"], c["resid"], 0.15)),
    ],
    hints=[
        "Keep the residuals of the rows `contributions` has (`residual.loc[contributions.index]`), pick the "
        "`max(1, round(share * n))` largest, average each input's contribution over those rows, and sort.",
        "`own = residual.loc[contributions.index]`; `count = max(1, int(round(share * len(own))))`; "
        "`rows = own.sort_values(ascending=False).index[:count]`; "
        "`return contributions.loc[rows].drop(columns=['EXPECTED']).mean().sort_values(ascending=False)`.",
    ],
    helpers=["workshop_utils.loss_shapley.loss_drivers", "workshop_utils.loss_shapley.worst_rows"],
    helper_answer=lambda contributions, residual, share: loss_shapley.loss_drivers(contributions, residual, share),
)


# -- 4. measure a remediation -------------------------------------------------------------------------------------

def logloss_table(y_true: pd.Series, before: pd.Series, after: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """The reference: scikit-learn's ``log_loss`` of each model on all rows and within each group
    (groups matched to rows by index), and the change after - before."""
    from sklearn.metrics import log_loss

    labels = groups.reindex(y_true.index)
    parts = {"all": np.ones(len(y_true), dtype=bool)} | {level: (labels == level).to_numpy()
                                                         for level in sorted(labels.unique())}
    rows = {name: {"before": log_loss(y_true[mask], before[mask], labels=[0, 1]),
                   "after": log_loss(y_true[mask], after[mask], labels=[0, 1])} for name, mask in parts.items()}
    table = pd.DataFrame(rows).T
    table["change"] = table["after"] - table["before"]
    return table


def same_report(got: Any, expected: pd.DataFrame) -> bool:
    """Columns before, after, change; "all" first, then every group (any order); values within 1e-6."""
    if not isinstance(got, pd.DataFrame) or list(got.columns) != list(expected.columns):
        return False
    if len(got) != len(expected) or set(got.index) != set(expected.index) or got.index[0] != "all":
        return False
    return close(1e-6)(got.to_numpy(dtype=float), expected.loc[got.index].to_numpy(dtype=float))


def diagnose_report(got: Any, expected: pd.DataFrame) -> str | None:
    """The likely mistake behind a wrong remediation report."""
    if not isinstance(got, pd.DataFrame):
        return "return a pandas DataFrame: one row per group, columns before, after and change."
    if list(got.columns) != ["before", "after", "change"]:
        return "use exactly the columns 'before', 'after' and 'change', in that order."
    if len(got) == 0 or got.index[0] != "all" or set(got.index) != set(expected.index):
        return "the first row is 'all' (every row), then one row per group label, no others."
    table = got.loc[expected.index].astype(float)
    if close(1e-6)(table["change"], expected["before"] - expected["after"]):
        return "change is after - before (negative means the remediation helped)."
    if close(1e-6)(table["before"], expected["after"]) and close(1e-6)(table["after"], expected["before"]):
        return "'before' is the mean logloss of the `before` probabilities, 'after' of the `after` ones."
    return ("each cell is the mean per-row logloss (-log p for an actual 1, -log(1 - p) for a 0) over that "
            "group's rows; match groups to rows by index.")


report_case = partial(Case, expected=logloss_table, compare=same_report, diagnose=diagnose_report)
"""A case of the remediation report exercise: ``report_case(name, arguments, lesson_result=False)``."""


def toy_report(reversed_groups: bool) -> Any:
    """Four toy rows: the remediation helps group x and leaves group y alone (groups may be given
    in another row order, matched by index)."""
    y = pd.Series([1, 0, 1, 0], index=list("pqrs"))
    before, after = pd.Series(0.5, index=y.index), pd.Series([0.9, 0.1, 0.5, 0.5], index=y.index)
    groups = pd.Series(["x", "x", "y", "y"], index=y.index)
    return lambda c: (y, before, after, groups.iloc[::-1] if reversed_groups else groups)


def synthetic_report(_: dict) -> tuple:
    """300 random outcomes, two random models and three groups."""
    rng = np.random.default_rng(SEED)
    index = pd.RangeIndex(1000, 1300)
    y = pd.Series(rng.integers(0, 2, 300), index=index)
    before, after = (pd.Series(rng.uniform(0.05, 0.95, 300), index=index) for _ in range(2))
    return y, before, after, pd.Series(rng.choice(["north", "south", "west"], 300), index=index)


def lesson_report(model: str, groups: Any) -> Any:
    """The lesson's original model against one of its remediated models, by ``groups``."""
    return lambda c: (c["y"], c["test_pred"], c["after_pred"][model], groups(c))


def sex(c: dict) -> pd.Series:
    """The lesson's customers' sex, as text."""
    return c["readable"]["SEX"].astype(str)


def late(c: dict) -> pd.Series:
    """Whether the lesson's customers' latest payment was late."""
    pay = c["readable"]["PAY_0"]
    return pd.Series(np.where(pay >= 1, "PAY_0 late (>= 1)", "PAY_0 on time (<= 0)"), index=pay.index)


measure = Exercise(
    LESSON, "ex5_measure", "Measure a remediation",
    visible=[
        report_case("four toy rows: the remediation helps group x and leaves group y alone", toy_report(False)),
        report_case("the lesson's missing-value injection against the original model, by sex",
                    lesson_report(INJECTED, sex), lesson_result=True),
    ],
    hidden=[
        report_case("the toy rows with the groups given in another row order (match by index)", toy_report(True)),
        report_case("300 synthetic rows, two random models, three groups", synthetic_report),
        report_case("the lesson's missing-value injection, by late and on-time payers", lesson_report(INJECTED, late)),
        report_case("the lesson's regularised refit, by sex", lesson_report(REGULARISED, sex)),
    ],
    hints=[
        "Compute each row's logloss under both models (one column each, indexed like `y_true`), then take the "
        "column means over all rows (the 'all' row) and within each group (`groupby(groups)`); 'change' is "
        "after minus before.",
        "With `loss(p) = -(y * np.log(p) + (1 - y) * np.log(1 - p))` on clipped p: "
        "`table = pd.DataFrame({'before': loss(before), 'after': loss(after)}, index=y_true.index)`; "
        "`report = pd.concat([table.mean().to_frame('all').T, table.groupby(groups).mean()])`; "
        "`report['change'] = report['after'] - report['before']`.",
    ],
    helpers=["workshop_utils.residual_comparison.bootstrap_by_group",
             "workshop_utils.residual_comparison.bootstrap_difference"],
    helper_answer=lambda y_true, before, after, groups: residual_comparison.bootstrap_by_group(
        pd.Series(residual_helpers.logloss_residuals(y_true, after), index=y_true.index),
        pd.Series(residual_helpers.logloss_residuals(y_true, before), index=y_true.index), groups),
)


# -- concept questions and the written question -----------------------------------------------------------------

q_residual = Question.choice(LESSON, "q1_residual", "Which prediction costs the most", """
(c) a defaulter scored 0.03 costs -log(0.03) = 3.51: a confident miss is the most expensive residual, like
    the worst rows of the lesson.
(a) a defaulter scored 0.6 costs -log(0.6) = 0.51: the model leaned the right way.
(b) a non-defaulter scored 0.3 costs -log(0.7) = 0.36: the model leaned the right way.
(d) a non-defaulter scored 0.9 costs -log(0.1) = 2.30: a bad miss, but (c) costs more.
""")

q_drivers = Question.choice(LESSON, "q2_drivers", "What a positive loss contribution means", """
(b) a positive loss contribution means this input's value made this row's prediction worse (compared with
    the background rows): on the worst rows, PAY_0 is what pushed the model the wrong way.
(a) that is a contribution to the prediction. Raising the risk lowers the loss of a defaulter and raises the
    loss of a non-defaulter, so the sign of a loss contribution depends on the outcome.
(c) a loss contribution says how the model used the value, not whether the value was recorded correctly; the
    lesson found no data error behind PAY_0.
(d) on average PAY_0 lowers the loss more than any other input; dropping it would make most predictions
    worse. Even making the model lean on it less (the lesson's missing-value injection) made the test
    logloss worse.
""")

q_guard = Question.choice(LESSON, "q3_guard", "Why the AUC fell on the rows the guard lets through", """
(b) the flagged customers default about half the time, far more often than the rest, so they were easy to rank
    above the safe customers; taking them out removes those easy pairs. The model did not change, only the rows
    it is judged on.
(a) the guard does not touch the model: every row it still scores gets the same probability as before.
(c) the tree learned on validation rows and is judged on test rows it never saw, so overfitting would show as a
    smaller gap between the flagged rows and the rest, not as a lower AUC on the rest.
(d) a person deciding the flagged customers is not a model score; the AUC here is the model's on the rows it
    still decides, which is the right thing to report, next to the logloss and the error rate.
""")

written = Written(LESSON, "ex3_written", "Is the model less accurate for men?")

EXERCISES = [q_residual, segments, written, q_drivers, drivers, assertion, q_guard, measure]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its test outcomes, predictions,
    residuals, readable test rows, loss contributions, residual tree and its split, and
    remediated predictions), built quickly for the course's own tests of these exercises."""
    from workshop_utils import data
    from workshop_utils.remediation import inject_missing
    from workshop_utils.xgboost_models import fit_xgboost, predict_default

    parts = data.split_data(data.load_credit_data())
    inputs, target = list(data.MODEL_INPUTS), data.TARGET
    train, valid, test = parts.train.iloc[:4000], parts.valid.iloc[:1000], parts.test.iloc[:3000]
    model = fit_xgboost(train, valid, inputs, target)
    injected = fit_xgboost(inject_missing(train, "PAY_0", 0.2), valid, inputs, target)
    y = test[target]
    test_pred = pd.Series(predict_default(model)(test), index=y.index)
    valid_resid = residual_helpers.logloss_residuals(valid[target], predict_default(model)(valid))
    tree = residual_tree.fit_residual_tree(valid[inputs], valid_resid)
    explained = test.iloc[:150]
    background = loss_shapley.background_sample(train, inputs, size=40)
    return {"y": y, "test_pred": test_pred, "readable": data.recode(test),
            "resid": pd.Series(residual_helpers.logloss_residuals(y, test_pred), index=y.index),
            "residual_tree": tree, "parts": data.Split(train, valid, test),
            "loss_contribs": loss_shapley.loss_contributions(model, explained, y[explained.index], background),
            "after_pred": {INJECTED: pd.Series(predict_default(injected)(test), index=y.index),
                           REGULARISED: 0.8 * test_pred + 0.2 * y.mean()}}
