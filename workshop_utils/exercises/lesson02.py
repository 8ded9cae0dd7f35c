"""Lesson 02's exercises (surrogate tree and LOCO for an H2O GBM): where the surrogate is
unfaithful (each leaf's share of the squared gap to the GBM), one customer's LOCO by hand, LOCO
rescaled to the original notebook's mean-prediction scale, and how often an ensemble agrees on
the top reason; two concept questions and a written question.

Each case is judged against NumPy or a closed form, never against the course helper the learner
is asked to replace. The hidden cases use inputs the lesson never printed: another split, other
customers, another reference, a toy model whose answer is known in closed form, and synthetic
tables.

Example:
    >>> leaf_gap.title, len(leaf_gap.hints) >= 2
    ('Where the surrogate is unfaithful', True)
    >>> toy_loco(one_call_toy(), pd.DataFrame({"a": [2.0], "b": [1.0]}), ["a", "b"]).round(2).tolist()
    [0.2, 0.3]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workshop_utils import SEED, loco, surrogate
from workshop_utils.data import MODEL_INPUTS
from workshop_utils.exercises.engine import Case, Compare, Exercise, Question, ScoresOnce, Written, close

__all__ = ["EXERCISES", "LESSON", "agreement", "leaf_gap", "loco_row", "mean_scale", "q_fidelity", "q_missing", "written"]

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


# -- 1. where the surrogate is unfaithful: each leaf's share of the squared gap ------------------------

def gap_shares(target: Any, fitted: Any, leaves: Any) -> pd.Series:
    """The reference (NumPy): each leaf's sum of squared differences between ``target`` and
    ``fitted`` over the total sum, indexed by the leaves in ascending order."""
    t, f = np.asarray(target, dtype=float), np.asarray(fitted, dtype=float)
    labels, position = np.unique(np.asarray(leaves), return_inverse=True)
    sums = np.bincount(position, weights=(t - f) ** 2, minlength=len(labels))
    return pd.Series(sums / sums.sum(), index=labels, dtype=float)


def per_leaf(target: Any, fitted: Any, leaves: Any, statistic: Callable[[np.ndarray], float]) -> pd.Series:
    """``statistic`` of each leaf's differences (target - fitted), leaves in ascending order (for the mistakes)."""
    t, f = np.asarray(target, dtype=float), np.asarray(fitted, dtype=float)
    return pd.Series(t - f).groupby(np.asarray(leaves)).agg(statistic).astype(float)


LEAF_MISTAKES: list[Mistake] = [
    (lambda t, f, leaves: pd.Series(np.asarray(leaves)).value_counts(normalize=True).sort_index().astype(float),
     "this is each leaf's share of the ROWS; the exercise asks for its share of the squared differences."),
    (lambda t, f, leaves: per_leaf(t, f, leaves, lambda d: float(np.mean(d ** 2))),
     "this is each leaf's mean squared difference; divide each leaf's SUM of squared differences by the sum over "
     "all rows, so the shares add up to 1."),
    (lambda t, f, leaves: per_leaf(t, f, leaves, lambda d: float(np.sum(d ** 2))),
     "these are the leaves' sums of squared differences; divide each by their total so the shares add up to 1."),
    (lambda t, f, leaves: per_leaf(t, f, leaves, lambda d: float(np.sum(np.abs(d)))) /
     float(np.sum(np.abs(np.asarray(t, dtype=float) - np.asarray(f, dtype=float)))),
     "square the differences (as R² does) instead of taking their sizes."),
    (lambda t, f, leaves: per_leaf(t, f, leaves, lambda d: float(np.sum(d ** 2))) /
     float(np.sum((np.asarray(t, dtype=float) - np.mean(np.asarray(t, dtype=float))) ** 2)),
     "this divides by the target's total sum of squares (so the shares add up to 1 - R²); divide by the total of "
     "the squared differences instead, so they add up to 1."),
]


def same_shares(got: Any, expected: pd.Series) -> bool:
    """A Series with the expected leaves, in ascending order, and shares within 1e-9."""
    return (isinstance(got, pd.Series) and list(got.index) == list(expected.index)
            and close(1e-9)(got.to_numpy(dtype=float), expected.to_numpy(dtype=float)))


def leaf_fallback(got: Any, expected: pd.Series) -> str | None:
    """What to say about a wrong table of shares no common mistake explains."""
    if not isinstance(got, pd.Series):
        return "return a pandas Series indexed by leaf (one share per leaf), not a list, array or DataFrame."
    if sorted(map(str, got.index)) != sorted(map(str, expected.index)):
        return "index the Series by the leaves that occur in `leaves`, one entry each (group by `leaves`)."
    if list(got.index) != list(expected.index):
        return "order the leaves ascending (`.sort_index()`), as `groupby` does."
    return "square each row's difference (target - fitted), add the squares up per leaf, and divide by the sum over all rows."


def leaf_case(name: str, build: Callable[[Mapping[str, Any]], tuple], lesson_result: bool = False) -> Case:
    """A case of the leaf exercise, judged against the NumPy reference, its diagnosis replaying
    the usual mistakes on the case's own arguments."""
    return replay_case(name, build, gap_shares, same_shares, LEAF_MISTAKES, leaf_fallback, lesson_result)


def tree_leaves_on(rows: str, predictions: str) -> Callable[[Mapping[str, Any]], tuple]:
    """The lesson's surrogate on the rows ``context[rows]``: (GBM predictions, tree output, leaf of each row)."""

    def build(c: Mapping[str, Any]) -> tuple:
        tree = c["tree"]
        X = c[rows][list(tree.feature_names_in_)]
        return np.asarray(c[predictions], dtype=float), tree.predict(X), tree.apply(X)

    return build


def noisy_leaves(rows: int = 90) -> tuple:
    """A seeded target, a noisy copy whose noise grows with the leaf, and string leaf labels."""
    rng = np.random.default_rng(SEED)
    leaves = rng.choice(["left", "middle", "right"], size=rows)
    scale = pd.Series(leaves).map({"left": 0.05, "middle": 0.1, "right": 0.3}).to_numpy()
    target = rng.uniform(size=rows)
    return pd.Series(target), list(target + rng.normal(size=rows) * scale), pd.Series(leaves)


def shares_through_helpers(target: Any, fitted: Any, leaves: Any) -> pd.Series:
    """A shortcut through the course's helpers (what the exercise rules out): a tree grown on
    the leaf labels, read by ``surrogate.leaf_fidelity``."""
    X = pd.DataFrame({"leaf": pd.factorize(np.asarray(leaves), sort=True)[0].astype(float)})
    copy = surrogate.fit_surrogate(X, fitted, max_depth=None, min_samples_leaf=1)
    return surrogate.leaf_fidelity(copy, X, target)["share_of_gap"]


leaf_gap = Exercise(
    LESSON, "ex1_leaf_gap", "Where the surrogate is unfaithful",
    visible=[
        leaf_case("six toy rows in leaves 3, 3, 4, 4, 4, 7 (the tree is exact in leaf 7)",
                  lambda c: ([0.1, 0.3, 0.5, 0.6, 0.7, 0.9], [0.2, 0.2, 0.6, 0.6, 0.6, 0.9], [3, 3, 4, 4, 4, 7])),
        leaf_case("the lesson's surrogate on the test rows", tree_leaves_on("test", "predictions"), lesson_result=True),
    ],
    hidden=[
        leaf_case("the lesson's surrogate on the validation rows", tree_leaves_on("valid", "valid_predictions")),
        leaf_case("90 random targets, a noisy copy (as a list) and three named leaves", lambda c: noisy_leaves()),
        leaf_case("a single leaf (its share is 1)", lambda c: ([0.1, 0.4, 0.2], [0.2, 0.2, 0.2], [5, 5, 5])),
        leaf_case("leaves given as a NumPy array, not in order", lambda c: (
            np.array([0.2, 0.9, 0.4, 0.8]), np.array([0.3, 0.6, 0.3, 0.7]), np.array([9, 2, 9, 2]))),
    ],
    hints=[
        "Turn `target` and `fitted` into float arrays and square each row's difference. Put the squares in a pandas "
        "Series and group them by `leaves`: each leaf's sum, divided by the sum over all rows, is its share.",
        "`squared = pd.Series((np.asarray(target, dtype=float) - np.asarray(fitted, dtype=float)) ** 2)`; "
        "`sums = squared.groupby(np.asarray(leaves)).sum()`; `return sums / sums.sum()`.",
    ],
    helpers=["workshop_utils.surrogate.leaf_fidelity", "workshop_utils.surrogate.fidelity"],
    helper_answer=shares_through_helpers,
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


# -- 3. LOCO on the mean-prediction scale ---------------------------------------------------------------

def rescaled(contributions: pd.DataFrame, predictions: Any, reference: float) -> pd.DataFrame:
    """The reference (NumPy): each row times (prediction - reference) / (the row's sum); NaN
    for a row whose sum is exactly 0."""
    values = contributions.to_numpy(dtype=float)
    totals = values.sum(axis=1)
    gaps = np.asarray(predictions, dtype=float) - float(reference)
    factors = np.full(len(values), np.nan)
    np.divide(gaps, totals, out=factors, where=totals != 0)
    return pd.DataFrame(values * factors[:, None], index=contributions.index, columns=contributions.columns)


def times(contributions: pd.DataFrame, factors: Any) -> pd.DataFrame:
    """Each row of ``contributions`` times its factor (for the mistakes below)."""
    return contributions.astype(float).mul(np.asarray(factors, dtype=float), axis=0)


def row_sums(contributions: pd.DataFrame) -> np.ndarray:
    """Each row's sum, as floats."""
    return contributions.to_numpy(dtype=float).sum(axis=1)


SCALE_MISTAKES: list[Mistake] = [
    (lambda c, p, r: times(c, np.asarray(p, dtype=float) / row_sums(c)),
     "the factor is (prediction - reference) / sum: subtract the reference from each prediction first."),
    (lambda c, p, r: times(c, (np.asarray(p, dtype=float) - r) / np.abs(c.to_numpy(dtype=float)).sum(axis=1)),
     "divide by the plain sum of the row's contributions, not the sum of their sizes (the factor can be negative)."),
    (lambda c, p, r: times(c, row_sums(c) / (np.asarray(p, dtype=float) - r)),
     "the factor is upside down: (prediction - reference) divided by the row's sum."),
    (lambda c, p, r: c.astype(float).add(((np.asarray(p, dtype=float) - r) - row_sums(c)) / c.shape[1], axis=0),
     "this spreads the gap evenly over the inputs; the original multiplies every contribution of a row by ONE factor."),
    (lambda c, p, r: times(c, np.where(row_sums(c) != 0, (np.asarray(p, dtype=float) - r)
                                       / np.where(row_sums(c) != 0, row_sums(c), 1), 0.0)),
     "a row whose contributions sum to 0 cannot be rescaled: give it NaN, not 0."),
]


def same_frame(got: Any, expected: pd.DataFrame) -> bool:
    """A DataFrame with the expected index and columns and values within 1e-9 (NaN where expected)."""
    return (isinstance(got, pd.DataFrame) and list(got.columns) == list(expected.columns)
            and got.index.equals(expected.index)
            and close(1e-9)(got.to_numpy(dtype=float), expected.to_numpy(dtype=float)))


def scale_fallback(got: Any, expected: pd.DataFrame) -> str | None:
    """What to say about a wrong rescaled table no common mistake explains."""
    if not isinstance(got, pd.DataFrame):
        return "return a DataFrame shaped like `contributions` (same index and columns)."
    if list(got.columns) != list(expected.columns) or not got.index.equals(expected.index):
        return "keep the index and columns of `contributions`: multiply it row by row (`contributions.mul(factor, axis=0)`)."
    values = got.to_numpy(dtype=float)
    if np.isinf(values).any():
        return "a row whose contributions sum to 0 cannot be rescaled: give it NaN, not infinity."
    return "each row times ONE number, (its prediction - reference) / (the sum of its contributions)."


def scale_case(name: str, build: Callable[[Mapping[str, Any]], tuple], lesson_result: bool = False) -> Case:
    """A case of the rescaling exercise, judged against the NumPy reference."""
    return replay_case(name, build, rescaled, same_frame, SCALE_MISTAKES, scale_fallback, lesson_result)


def toy_scaling(_: Mapping[str, Any]) -> tuple:
    """Three customers: one whose sum and gap agree in sign, one where they disagree (every
    sign flips), and one with no contributions at all; reference 0.2."""
    contributions = pd.DataFrame({"a": [0.1, 0.2, 0.0], "b": [0.3, -0.1, 0.0]}, index=["x", "y", "z"])
    return contributions, pd.Series([0.5, 0.1, 0.3], index=["x", "y", "z"]), 0.2


def lesson_rows(select: Callable[[pd.DataFrame, pd.Series], pd.Index],
                reference: Callable[[Mapping[str, Any]], float]) -> Callable[[Mapping[str, Any]], tuple]:
    """Rows of the lesson's LOCO table chosen by ``select(contributions, rows)``, their
    predictions (a Series) and a reference."""

    def build(c: Mapping[str, Any]) -> tuple:
        labels = select(c["contributions"], c["rows"])
        return c["contributions"].loc[labels], c["predictions"].loc[labels], reference(c)

    return build


def synthetic_scaling(rows: int = 40) -> tuple:
    """Seeded synthetic contributions on five inputs, predictions as a plain list, reference 0.25."""
    rng = np.random.default_rng(SEED + 4)
    contributions = pd.DataFrame(rng.normal(0.01, 0.05, size=(rows, 5)), columns=[f"x{n}" for n in range(5)],
                                 index=range(100, 100 + rows))
    return contributions, list(rng.uniform(0.02, 0.9, size=rows)), 0.25


mean_scale = Exercise(
    LESSON, "ex3_mean_scale", "LOCO on the mean-prediction scale",
    visible=[
        scale_case("three toy customers (sum and gap agree, disagree, a row of zeros), reference 0.2", toy_scaling),
        scale_case("the lesson's six customers across the risk range, reference = the mean test prediction",
                   lesson_rows(lambda frame, rows: rows.to_numpy(), lambda c: float(c["predictions"].mean())),
                   lesson_result=True),
    ],
    hidden=[
        scale_case("the first 300 sampled customers, reference = the mean test prediction",
                   lesson_rows(lambda frame, rows: frame.index[:300], lambda c: float(c["predictions"].mean()))),
        scale_case("300 other sampled customers, reference = the observed default rate 0.221",
                   lesson_rows(lambda frame, rows: frame.index[500:800], lambda c: 0.221)),
        scale_case("40 synthetic customers, five inputs, predictions as a list, reference 0.25",
                   lambda c: synthetic_scaling()),
        scale_case("one customer whose contributions already add up to prediction - reference (factor 1)",
                   lambda c: (pd.DataFrame({"a": [0.25], "b": [0.05]}), [0.5], 0.2)),
    ],
    hints=[
        "For each row: the gap is its prediction minus `reference`, the total is the sum of its contributions "
        "(`contributions.sum(axis=1)`). Multiply every contribution of the row by gap / total. Where the total is "
        "exactly 0 there is no factor: the row becomes NaN.",
        "`totals = contributions.sum(axis=1).to_numpy()`; `gaps = np.asarray(predictions, dtype=float) - reference`; "
        "`factors = np.where(totals != 0, gaps / np.where(totals != 0, totals, 1), np.nan)`; "
        "`return contributions.mul(factors, axis=0)`.",
    ],
    helpers=["workshop_utils.loco.scaled_to_reference"],
    helper_answer=lambda contributions, predictions, reference:
        loco.scaled_to_reference(contributions, predictions, reference),
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

EXERCISES = [q_fidelity, leaf_gap, loco_row, q_missing, mean_scale, agreement, written]
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
