"""Lesson 02's exercises (surrogate tree and LOCO for an H2O GBM): the surrogate's fidelity by
hand, one customer's LOCO by hand, reason codes from a table of contributions, and how often an
ensemble agrees on the top reason; two concept questions and a written question.

Each case is judged against scikit-learn's ``r2_score``, NumPy or a closed form, never against
the course helper the learner is asked to replace. The hidden cases use inputs the lesson never
printed: another split, other customers, a toy model whose answer is known in closed form, and
synthetic contribution tables.

Example:
    >>> fidelity.title, len(fidelity.hints) >= 2
    ('Fidelity by hand', True)
    >>> toy_loco(one_call_toy(), pd.DataFrame({"a": [2.0], "b": [1.0]}), ["a", "b"]).round(2).tolist()
    [0.2, 0.3]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score

from workshop_utils import SEED, loco, surrogate
from workshop_utils.data import MODEL_INPUTS
from workshop_utils.exercises.engine import Case, Compare, Exercise, Question, ScoresOnce, Written, close, shown

__all__ = ["EXERCISES", "LESSON", "agreement", "fidelity", "loco_row", "q_fidelity", "q_missing", "reasons", "written"]

LESSON = "02_surrogate_tree_loco"

Mistake = tuple[Callable[..., Any], str]
"""A common wrong way to compute the answer (same arguments as the answer), and what to say when
an answer's result matches it."""


# -- replaying common mistakes on a case's own arguments ------------------------------------------

@dataclass
class Remembered:
    """A case's argument builder that keeps the arguments it built last, so that the diagnosis
    can replay the usual mistakes on exactly the input the answer was given."""

    build: Callable[[Mapping[str, Any]], tuple]
    last: tuple = ()

    def __call__(self, context: Mapping[str, Any]) -> tuple:
        self.last = self.build(context)
        return self.last


def replay_case(name: str, build: Callable[[Mapping[str, Any]], tuple], expected: Callable[..., Any],
                compare: Compare, mistakes: Sequence[Mistake], fallback: Callable[[Any, Any], str | None],
                lesson_result: bool = False) -> Case:
    """A case whose diagnosis is the first of ``mistakes`` that gives the answer's (wrong)
    result on the same arguments, else what ``fallback`` says."""
    arguments = Remembered(build)

    def diagnose(got: Any, right: Any) -> str | None:
        for mistake, message in mistakes:
            with np.errstate(all="ignore"):
                if compare(got, mistake(*arguments.last)):
                    return message
        return fallback(got, right)

    return Case(name, arguments, expected, compare, diagnose, lesson_result)


# -- 1. fidelity (R²) by hand ----------------------------------------------------------------------

def library_r2(target: Any, fitted: Any) -> float:
    """The reference: scikit-learn's R² of ``fitted`` against ``target``."""
    return float(r2_score(np.asarray(target, dtype=float), np.asarray(fitted, dtype=float)))


def r2_around(target: Any, fitted: Any, centre: float) -> float:
    """1 - (squared differences) / (squared distances of ``target`` from ``centre``): a mistake
    when ``centre`` is not the target's mean."""
    t, f = np.asarray(target, dtype=float), np.asarray(fitted, dtype=float)
    return float(1 - np.sum((t - f) ** 2) / np.sum((t - centre) ** 2))


FIDELITY_MISTAKES: list[Mistake] = [
    (lambda t, f: library_r2(f, t),
     "target and fitted are swapped: the differences are measured around the mean of `target` (the GBM's predictions)."),
    (lambda t, f: r2_around(t, f, float(np.mean(np.asarray(f, dtype=float)))),
     "the denominator uses the mean of `fitted`; it should use the mean of `target`."),
    (lambda t, f: 1 - library_r2(t, f),
     "this is the unexplained share (sum of squared differences / total); R² is 1 minus it."),
    (lambda t, f: max(library_r2(t, f), 0.0),
     "R² can be negative (a fit worse than the mean); do not clip it at 0."),
    (lambda t, f: float(np.mean((np.asarray(t, dtype=float) - np.asarray(f, dtype=float)) ** 2)),
     "this is the mean squared difference; R² divides the sum of squared differences by the target's "
     "total sum of squares around its mean, and subtracts that from 1."),
    (lambda t, f: float(np.corrcoef(np.asarray(t, dtype=float), np.asarray(f, dtype=float))[0, 1] ** 2),
     "this is the squared correlation, which ignores any offset between the two; compute 1 - SSE / SST."),
]


def fidelity_fallback(got: Any, expected: float) -> str | None:
    """What to say about a wrong R² no common mistake explains."""
    if np.ndim(got) != 0:
        return "return one number (a float), not one value per row."
    return "R² = 1 - sum((target - fitted)²) / sum((target - mean of target)²), with both turned into float arrays first."


def fidelity_case(name: str, build: Callable[[Mapping[str, Any]], tuple], lesson_result: bool = False) -> Case:
    """A case of the fidelity exercise, judged against scikit-learn to 1e-9."""
    return replay_case(name, build, library_r2, close(1e-9), FIDELITY_MISTAKES, fidelity_fallback, lesson_result)


def tree_on(rows: str, predictions: str) -> Callable[[Mapping[str, Any]], tuple]:
    """The lesson's surrogate on the rows ``context[rows]``: (GBM predictions, tree output)."""

    def build(c: Mapping[str, Any]) -> tuple:
        tree = c["tree"]
        fitted = tree.predict(c[rows][list(tree.feature_names_in_)])
        return np.asarray(c[predictions], dtype=float), fitted

    return build


def noisy_copy(rows: int = 60) -> tuple:
    """A seeded target and a noisy copy of it: a fit that is good but not perfect."""
    rng = np.random.default_rng(SEED)
    target = rng.uniform(size=rows)
    return target, target + rng.normal(scale=0.2, size=rows)


def fidelity_through_helpers(target: Any, fitted: Any) -> float:
    """A shortcut through the course's helpers (what the exercise rules out): a tree that copies
    ``fitted`` exactly, scored against ``target`` by ``surrogate.fidelity``."""
    X = pd.DataFrame({"fitted": np.asarray(fitted, dtype=float)})
    copy = surrogate.fit_surrogate(X, X["fitted"], max_depth=None, min_samples_leaf=1)
    return surrogate.fidelity(copy, X, target)


fidelity = Exercise(
    LESSON, "ex1_fidelity", "Fidelity by hand",
    visible=[
        fidelity_case("a toy target [1, 2, 3] fitted by [2, 1, 5] (worse than the mean, so R² is negative)",
                      lambda c: ([1.0, 2.0, 3.0], [2.0, 1.0, 5.0])),
        fidelity_case("the lesson's surrogate on the test rows", tree_on("test", "predictions"), lesson_result=True),
    ],
    hidden=[
        fidelity_case("the lesson's surrogate on the validation rows", tree_on("valid", "valid_predictions")),
        fidelity_case("60 random targets and a noisy copy of them", lambda c: noisy_copy()),
        fidelity_case("the same 60 targets as a pandas Series, the noisy copy as a list",
                      lambda c: (pd.Series(noisy_copy()[0]), list(noisy_copy()[1]))),
        fidelity_case("a fit that predicts the target's mean everywhere (R² = 0)",
                      lambda c: (noisy_copy()[0], np.full(60, noisy_copy()[0].mean()))),
        fidelity_case("a perfect fit (R² = 1)", lambda c: ([0.2, 0.5, 0.9, 0.4], [0.2, 0.5, 0.9, 0.4])),
    ],
    hints=[
        "Turn both into float arrays (`np.asarray(x, dtype=float)`). The unexplained part is the sum of squared "
        "differences between target and fitted; the total is the sum of squared differences between target and "
        "the mean of target.",
        "`unexplained = np.sum((target - fitted) ** 2)`, `total = np.sum((target - target.mean()) ** 2)`, then "
        "`return float(1 - unexplained / total)`.",
    ],
    helpers=["workshop_utils.surrogate.fidelity", "workshop_utils.surrogate.fidelity_by_depth", "sklearn.metrics.r2_score"],
    helper_answer=fidelity_through_helpers,
)


# -- 2. one customer's LOCO by hand ------------------------------------------------------------------

TOY_WEIGHTS = {"a": 0.1, "b": -0.3, "c": 0.05}
TOY_MISSING = {"a": 0.0, "b": 2.0, "c": 4.0}
"""The toy model: a weighted sum of the inputs, where a missing input counts as this value."""


def toy_score(frame: pd.DataFrame) -> np.ndarray:
    """The toy model: a weighted sum of the inputs, a missing input counted as ``TOY_MISSING``."""
    return np.asarray(sum(weight * frame[name].astype(float).fillna(TOY_MISSING[name])
                          for name, weight in TOY_WEIGHTS.items()), dtype=float)


def one_call_toy() -> ScoresOnce:
    """The toy model as a ``predict`` function that answers one call only: a second call means
    the answer scored its copies one by one."""
    return ScoresOnce(toy_score, "stack the row and all its blanked copies in one frame and score that frame "
                                 "with a single call")


def toy_loco(predict: ScoresOnce, row: pd.DataFrame, inputs: Sequence[str]) -> pd.Series:
    """The toy model's LOCO in closed form: weight × (value - the value missing counts as)."""
    return pd.Series({name: TOY_WEIGHTS[name] * (float(row[name].iloc[0]) - TOY_MISSING[name]) for name in inputs},
                     dtype=float)


def toy_row(_: Mapping[str, Any], inputs: Sequence[str] = ("a", "b")) -> tuple:
    """A fresh toy model, one customer (a = 2, b = 1, c = 10, index label 7) and ``inputs``."""
    return one_call_toy(), pd.DataFrame({"a": [2.0], "b": [1.0], "c": [10.0]}, index=[7]), list(inputs)


def masked_scores(predict: Callable[[pd.DataFrame], Any], row: pd.DataFrame, inputs: Sequence[str]) -> pd.Series:
    """The reference on a real model: the row repeated once per input plus once as is, a NaN on
    the diagonal of the blanked part, scored in one call; as-is minus blanked."""
    inputs = list(inputs)
    repeated = row.iloc[np.zeros(len(inputs) + 1, dtype=int)].reset_index(drop=True)
    repeated = repeated.astype(dict.fromkeys(inputs, "float64"))
    for position, name in enumerate(inputs, start=1):
        repeated.loc[position, name] = np.nan
    scores = np.asarray(predict(repeated), dtype=float)
    return pd.Series(scores[0] - scores[1:], index=inputs, dtype=float)


def customer_row(percentile: int, inputs: Sequence[str] = MODEL_INPUTS) -> Callable[[Mapping[str, Any]], tuple]:
    """The lesson's model and the test customer at ``percentile`` of predicted risk."""

    def build(c: Mapping[str, Any]) -> tuple:
        label = c["rows"].loc[percentile]
        return c["predict"], c["test"].loc[[label]], list(inputs)

    return build


def same_series(atol: float) -> Compare:
    """A pandas Series with the expected index, in order, and values within ``atol``."""

    def compare(got: Any, expected: pd.Series) -> bool:
        return (isinstance(got, pd.Series) and list(got.index) == list(expected.index)
                and close(atol)(got.to_numpy(dtype=float), expected.to_numpy(dtype=float)))

    return compare


def diagnose_loco(got: Any, expected: pd.Series) -> str | None:
    """The likely mistake behind a wrong set of LOCO contributions."""
    if not isinstance(got, pd.Series):
        return "return a pandas Series indexed by the input names: `pd.Series(values, index=list(inputs))`."
    if list(got.index) != list(expected.index):
        return "index the Series by `inputs`, in their order: one value per input, nothing else."
    values = got.to_numpy(dtype=float)
    if np.allclose(values, -expected.to_numpy(dtype=float), atol=1e-6):
        return "the signs are reversed: take the prediction as is MINUS the prediction with the input missing."
    if np.allclose(values, 0) and not np.allclose(expected, 0):
        return "every contribution is 0: in each copy, set that one input to np.nan before scoring."
    return ("the first score is the row as is; score k + 1 is the copy with input k missing. Check that each copy "
            "blanks only its own input (start each copy from `row.copy()`).")


loco_row = Exercise(
    LESSON, "ex2_loco", "One customer's LOCO by hand",
    visible=[
        Case("a toy model 0.1·a - 0.3·b + 0.05·c (a missing a counts as 0, b as 2) and a customer with a = 2, b = 1",
             toy_row, toy_loco, same_series(1e-9), diagnose_loco),
        Case("the lesson's GBM and its riskiest test customer", customer_row(100), masked_scores, same_series(1e-6),
             diagnose_loco, lesson_result=True),
    ],
    hidden=[
        Case("the toy model with only input b", lambda c: toy_row(c, ["b"]), toy_loco, same_series(1e-9), diagnose_loco),
        Case("the toy model with inputs c, a (another order; b stays as it is)", lambda c: toy_row(c, ["c", "a"]),
             toy_loco, same_series(1e-9), diagnose_loco),
        Case("the lesson's GBM and its safest test customer", customer_row(0), masked_scores, same_series(1e-6),
             diagnose_loco),
        Case("the lesson's GBM, the median customer and three inputs (PAY_AMT1, PAY_0, LIMIT_BAL)",
             customer_row(50, ["PAY_AMT1", "PAY_0", "LIMIT_BAL"]), masked_scores, same_series(1e-6), diagnose_loco),
    ],
    hints=[
        "Make a list of frames: the row itself, then for each input a copy of the row (`row.copy()`) with that input "
        "set to `np.nan`. Stack them with `pd.concat(..., ignore_index=True)` and call `predict` once on the stack.",
        "`scores = np.asarray(predict(pd.concat(copies, ignore_index=True)), dtype=float)`; the first score is the "
        "row as is, so `return pd.Series(scores[0] - scores[1:], index=list(inputs))`.",
    ],
    helpers=["workshop_utils.loco.loco_contributions", "workshop_utils.loco.blanked_copies",
             "workshop_utils.loco.blanked_versions", "workshop_utils.loco.ensemble_loco"],
    helper_answer=lambda predict, row, inputs: loco.loco_contributions(predict, row, inputs).iloc[0],
)


# -- 3. reason codes from a table of contributions ---------------------------------------------------

def ranked_positive(contributions: pd.DataFrame, k: int) -> pd.DataFrame:
    """The reference (NumPy): per row, the names of the largest positive contributions, largest
    first (a stable sort), padded with None to ``k`` columns ``reason_1`` ... ``reason_k``."""
    values = contributions.to_numpy(dtype=float)
    order = np.argsort(-values, axis=1, kind="stable")[:, :k]
    names = np.asarray(contributions.columns, dtype=object)[order]
    names[np.take_along_axis(values, order, axis=1) <= 0] = None
    table = np.full((len(values), k), None, dtype=object)
    table[:, : names.shape[1]] = names
    return pd.DataFrame(table, index=contributions.index, columns=[f"reason_{rank}" for rank in range(1, k + 1)])


def same_table(got: Any, expected: pd.DataFrame) -> bool:
    """A DataFrame with the expected columns, index and cells (None where expected)."""
    return (isinstance(got, pd.DataFrame) and list(got.columns) == list(expected.columns)
            and got.index.equals(expected.index) and got.to_numpy().tolist() == expected.to_numpy().tolist())


def diagnose_reasons(got: Any, expected: pd.DataFrame) -> str | None:
    """The likely mistake behind a wrong reason-code table, after the first customer whose
    reasons differ."""
    if not isinstance(got, pd.DataFrame):
        return "return a DataFrame (one row per customer), not a list or a Series."
    if list(got.columns) != list(expected.columns):
        return f"name the columns {', '.join(expected.columns)}: k of them, even where a customer has fewer reasons."
    if not got.index.equals(expected.index):
        return "keep the customers' index: pass `index=contributions.index` when you build the DataFrame."
    return first_difference(got, expected) + reasons_mistake(got, expected)


def first_difference(got: pd.DataFrame, expected: pd.DataFrame) -> str:
    """Where two tables of the same shape first differ: the row label and both rows."""
    for label, have, want in zip(expected.index, got.to_numpy().tolist(), expected.to_numpy().tolist()):
        if have != want:
            return f"for row {label!r} the reasons should be {shown(want)}, yours are {shown(have)}; "
    return ""


def reasons_mistake(got: pd.DataFrame, expected: pd.DataFrame) -> str:
    """The likely mistake behind reason codes in a table of the right shape."""
    cells = list(zip(got.to_numpy().ravel(), expected.to_numpy().ravel()))
    if any(want is None and isinstance(have, float) and np.isnan(have) for have, want in cells):
        return "fill the empty places with None, not NaN (build the rows as lists and pad them with None)."
    if any(want is None and have is not None for have, want in cells):
        return "only positive contributions are reasons: leave out zeros and negatives."
    rows = zip(got.to_numpy().tolist(), expected.to_numpy().tolist())
    if all(sorted(map(str, a)) == sorted(map(str, b)) for a, b in rows):
        return "largest first: sort each customer's positive contributions in descending order."
    return "for each row: keep the positive contributions, sort them largest first, take the first k names."


def contribution_rows(select: Callable[[pd.DataFrame, pd.Series], pd.DataFrame], k: int) -> Callable[[Mapping[str, Any]], tuple]:
    """Rows of the lesson's LOCO table, chosen by ``select(contributions, rows)``, and ``k``."""
    return lambda c: (select(c["contributions"], c["rows"]), k)


def toy_contributions(_: Mapping[str, Any]) -> pd.DataFrame:
    """Three customers: two positive reasons, one, and none (all zero)."""
    return pd.DataFrame({"a": [0.3, -0.1, 0.0], "b": [0.5, -0.2, 0.0], "c": [-0.1, 0.4, 0.0]}, index=["x", "y", "z"])


def random_contributions(rows: int = 50, columns: int = 6) -> pd.DataFrame:
    """Seeded synthetic contributions, about a third of them negative, on a string index."""
    rng = np.random.default_rng(SEED + 2)
    values = rng.normal(loc=0.02, scale=0.05, size=(rows, columns))
    return pd.DataFrame(values, index=[f"customer {n}" for n in range(rows)], columns=[f"input_{n}" for n in range(columns)])


reasons_case = functools.partial(Case, expected=ranked_positive, compare=same_table, diagnose=diagnose_reasons)
"""A case of the reason-code exercise (its name and arguments), judged against the NumPy reference."""


reasons = Exercise(
    LESSON, "ex3_reasons", "Reason codes from LOCO",
    visible=[
        reasons_case("a toy table of three customers (two, one and no positive contributions), k = 2",
                     lambda c: (toy_contributions(c), 2)),
        reasons_case("the lesson's six customers across the risk range, k = 3",
                     contribution_rows(lambda frame, rows: frame.loc[rows.to_numpy()], 3), lesson_result=True),
    ],
    hidden=[
        reasons_case("the toy table with k = 1", lambda c: (toy_contributions(c), 1)),
        reasons_case("the toy table with k = 4 (more than its three inputs)", lambda c: (toy_contributions(c), 4)),
        reasons_case("the first 300 sampled customers of the lesson, k = 3",
                     contribution_rows(lambda frame, rows: frame.iloc[:300], 3)),
        reasons_case("300 other sampled customers of the lesson, k = 5",
                     contribution_rows(lambda frame, rows: frame.iloc[500:800], 5)),
        reasons_case("50 synthetic customers and six inputs, k = 3", lambda c: (random_contributions(), 3)),
    ],
    helpers=["workshop_utils.loco.reason_table", "workshop_utils.loco.reasons_at_percentiles",
             "workshop_utils.shapley.top_reasons"],
    helper_answer=lambda contributions, k: loco.reason_table(contributions, k),
    hints=[
        "Go row by row (`for label, row in contributions.iterrows()`): keep the positive values (`row[row > 0]`), "
        "sort them largest first, take the first k names, and pad the list with None up to k.",
        "`names = list(row[row > 0].sort_values(ascending=False).index[:k])`; append `names + [None] * (k - len(names))`; "
        "finally `pd.DataFrame(table, index=contributions.index, columns=[f'reason_{i}' for i in range(1, k + 1)])`.",
    ],
)


# -- 4. how often the members agree on the top reason ---------------------------------------------------

def unanimous_share(members: Sequence[pd.DataFrame]) -> float:
    """The reference (NumPy): the share of rows whose column of largest value is the same in
    every member (``argmax`` takes the first of equal values, as ``idxmax`` does)."""
    tops = np.stack([np.argmax(member.to_numpy(dtype=float), axis=1) for member in members])
    return float(np.mean(np.all(tops == tops[0], axis=0)))


def toy_members() -> list[pd.DataFrame]:
    """Three members, four customers: `one` and `two` agree on 3 customers, all three on 2."""
    one = pd.DataFrame({"a": [0.9, 0.1, 0.0, 0.5], "b": [0.1, 0.9, 0.2, 0.4]})
    two = pd.DataFrame({"a": [0.8, 0.7, 0.1, 0.5], "b": [0.2, 0.1, 0.3, 0.4]})
    three = pd.DataFrame({"a": [0.8, 0.2, 0.1, 0.1], "b": [0.2, 0.3, 0.3, 0.4]})
    return [one, two, three]


def noisy_members(count: int = 4, rows: int = 200) -> list[pd.DataFrame]:
    """``count`` synthetic members: one base table plus seeded noise each, so they mostly agree."""
    rng = np.random.default_rng(SEED + 3)
    base = rng.normal(scale=0.05, size=(rows, 5))
    columns = ["PAY_0", "PAY_2", "LIMIT_BAL", "BILL_AMT1", "PAY_AMT1"]
    return [pd.DataFrame(base + rng.normal(scale=0.02, size=base.shape), columns=columns) for _ in range(count)]


def top_labels(members: Sequence[pd.DataFrame], rank: Callable[[pd.DataFrame], pd.Series]) -> pd.DataFrame:
    """Each member's label per row under ``rank``, side by side (for the mistakes below)."""
    return pd.concat([rank(member) for member in members], axis=1)


def all_same(labels: pd.DataFrame) -> pd.Series:
    """Per row, whether every column holds the same label."""
    return labels.nunique(axis=1) == 1


AGREEMENT_MISTAKES: list[Mistake] = [
    (lambda members: float(all_same(top_labels(members, lambda m: m.idxmax(axis=1))).sum()),
     "this is the number of customers; return the share (divide by the number of rows, or take the mean)."),
    (lambda members: 1 - unanimous_share(members),
     "this is the share where the members disagree; return the share where they all agree."),
    (lambda members: unanimous_share(members[:2]),
     "this compares only the first two members; every member must name the same top reason."),
    (lambda members: float(all_same(top_labels(members, lambda m: m.idxmin(axis=1))).mean()),
     "the top reason is the column with the LARGEST contribution (`idxmax`), not the smallest."),
    (lambda members: float(all_same(top_labels(members, lambda m: m.abs().idxmax(axis=1))).mean()),
     "rank by the contribution itself, not by its size: use `member.idxmax(axis=1)` without `.abs()`."),
]


def agreement_fallback(got: Any, expected: float) -> str | None:
    """What to say about a wrong share no common mistake explains."""
    if np.ndim(got) != 0:
        return "return one number (the share over all rows), not one value per row: take the mean of the per-row verdicts."
    return "per row, collect each member's `idxmax(axis=1)`; a row counts when they are all the same (`nunique(axis=1) == 1`)."


def agreement_case(name: str, members: Callable[[Mapping[str, Any]], list[pd.DataFrame]],
                   lesson_result: bool = False) -> Case:
    """A case of the agreement exercise on the ``members`` built from the context, judged
    against the NumPy reference."""
    return replay_case(name, lambda c: (list(members(c)),), unanimous_share, close(1e-12), AGREEMENT_MISTAKES,
                       agreement_fallback, lesson_result)


agreement = Exercise(
    LESSON, "ex4_agreement", "A stability measure",
    visible=[
        agreement_case("two toy members that agree on 3 of 4 customers", lambda c: toy_members()[:2]),
        agreement_case("the lesson's four GBMs on the sampled customers", lambda c: c["members"], lesson_result=True),
    ],
    hidden=[
        agreement_case("a single toy member (it always agrees with itself)", lambda c: toy_members()[:1]),
        agreement_case("three toy members that all agree on 2 of 4 customers", lambda c: toy_members()),
        agreement_case("the lesson's first two GBMs only", lambda c: c["members"][:2]),
        agreement_case("the lesson's last three GBMs on every other customer",
                       lambda c: [member.iloc[::2] for member in c["members"][1:]]),
        agreement_case("four synthetic members that mostly agree, 200 rows", lambda c: noisy_members()),
    ],
    hints=[
        "For each member, `member.idxmax(axis=1)` gives each row's top reason. Put the members' top reasons side by "
        "side (`pd.concat([...], axis=1)`) and ask, row by row, whether they are all the same.",
        "`tops = pd.concat([m.idxmax(axis=1) for m in members], axis=1)`; then "
        "`return float((tops.nunique(axis=1) == 1).mean())`.",
    ],
    helpers=["workshop_utils.loco.top_reason_agreement", "workshop_utils.loco.top_reason_match",
             "workshop_utils.loco.top_reason"],
    helper_answer=lambda members: loco.top_reason_agreement(members),
)


# -- concept questions and the written question -----------------------------------------------------

q_fidelity = Question.choice(LESSON, "q1_fidelity", "What a fidelity of R² = 0.852 means", """
(b) on test rows neither model saw, the tree's output accounts for about 85 % of the variation in the GBM's
    predictions: its splits describe the GBM's main structure, but not every customer.
(a) fidelity compares the tree with the GBM's predictions, not with who really defaulted, and R² is not a
    share of customers predicted correctly.
(c) fidelity says nothing about how good the GBM is; the GBM's own quality is its test AUC (0.785).
(d) fidelity is about predictions, not importance: the tree agrees with the GBM on the top two inputs only
    and gives zero to every input it does not split on.
""")

q_missing = Question.choice(LESSON, "q2_missing", "What LIMIT_BAL as the riskiest customer's top LOCO reason says", """
(c) LOCO compares the customer as they are with the same customer whose limit is missing, and a missing
    limit goes down the GBM's missing-value branch: the reason depends on that reference point.
(a) LOCO explains one customer at a time; one customer's contribution says nothing about every customer.
(b) nothing was refitted: LOCO here scores the same GBM with the input set to missing, and it is a change in
    one customer's predicted probability, not in AUC.
(d) LOCO compares the actual value with 'missing', not with a higher or lower value; what changing the value
    would do is what an ICE curve (lesson 1) shows.
""")

written = Written(LESSON, "ex5_written", "Can you send these reasons to a customer?")

EXERCISES = [fidelity, q_fidelity, loco_row, q_missing, reasons, agreement, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (an XGBoost model in place of the H2O
    GBM: it also routes missing values down a learned branch), built quickly for the course's own
    tests of these exercises."""
    from workshop_utils import data, pdp
    from workshop_utils.xgboost_models import fit_xgboost, predict_default

    parts = data.split_data(data.load_credit_data())
    inputs = list(MODEL_INPUTS)
    predict = predict_default(fit_xgboost(parts.train.iloc[:4000], parts.valid.iloc[:1000], inputs, data.TARGET))
    predictions = pd.Series(predict(parts.test), index=parts.test.index)
    rows = pdp.rows_at_percentiles(predictions)
    tree = surrogate.fit_surrogate(parts.train[inputs], predict(parts.train))
    sample = loco.sample_index(parts.test.index, 800, include=rows.to_numpy())
    contributions = loco.loco_contributions(predict, parts.test.loc[sample], inputs)
    rng = np.random.default_rng(SEED)
    members = [contributions, *(contributions + rng.normal(scale=0.01, size=contributions.shape) for _ in range(3))]
    return {"tree": tree, "test": parts.test, "predictions": predictions, "valid": parts.valid,
            "valid_predictions": predict(parts.valid), "predict": predict, "rows": rows,
            "contributions": contributions, "members": members}
