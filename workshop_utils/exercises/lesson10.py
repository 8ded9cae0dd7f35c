"""Lesson 10's exercises (counterfactual explanations and anchors): a greedy counterfactual
search, a rule's precision and coverage counted by hand; two concept questions and a written
question on recourse.

Each exercise's cases are judged against pandas, numpy or a closed form, never against the
course helper the learner is asked to replace, and the hidden cases use inputs the lesson never
printed (other customers, rules, rows and decisions, toy models with a known answer).

Example:
    >>> greedy.title, len(rule_counts.hints) >= 2
    ('A greedy counterfactual search', True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workshop_utils import anchors, counterfactuals
from workshop_utils.anchors import Predicate
from workshop_utils.exercises.engine import Case, Exercise, Question, ScoresOnce, Written, close
from workshop_utils.exercises.lesson02 import same_series

__all__ = ["EXERCISES", "LESSON", "greedy", "q_anchor", "q_fixed", "rule_counts", "written"]

LESSON = "10_counterfactuals_and_anchors"


# -- 1. a greedy counterfactual search ------------------------------------------------------------------

def greedy_path(predict: Any, row: pd.Series, options: Mapping[str, Sequence[float]], cutoff: float,
                max_changes: int) -> pd.Series:
    """The reference, in NumPy: at each step stack one copy of the current row per single change of
    an input not yet changed, keep the lowest probability (numpy's argmin keeps the first on
    ties), stop when the probability is below the cutoff, when nothing lowers it, or after
    ``max_changes`` inputs."""
    names = list(row.index)
    current = row.to_numpy(dtype=float).copy()
    probability = float(np.asarray(predict(pd.DataFrame([current], columns=names)), dtype=float)[0])
    left = {name: [float(v) for v in values] for name, values in options.items()}
    for _ in range(max_changes):
        pairs = [(name, value) for name, values in left.items() for value in values]
        if probability < cutoff or not pairs:
            break
        trials = np.repeat(current[None, :], len(pairs), axis=0)
        for number, (name, value) in enumerate(pairs):
            trials[number, names.index(name)] = value
        scores = np.asarray(predict(pd.DataFrame(trials, columns=names)), dtype=float)
        best = int(np.argmin(scores))
        if scores[best] >= probability:
            break
        name, value = pairs[best]
        current[names.index(name)], probability = value, float(scores[best])
        del left[name]
    return pd.Series(current, index=row.index, name=row.name)


def diagnose_row(got: Any, expected: pd.Series) -> str | None:
    """The likely mistake behind a wrong counterfactual row."""
    if not isinstance(got, pd.Series):
        return "return the changed customer as a pandas Series (a copy of `row` with the chosen values set)."
    if list(got.index) != list(expected.index):
        return "keep every input of `row`, in its order: start from `row.copy()` and set values on it."
    moved = [name for name in got.index if float(got[name]) != float(expected[name])]
    return (f"the result differs in {', '.join(moved)}. At each step try every value of every input not changed "
            "yet, keep the single change with the LOWEST probability, change each input at most once, and stop "
            "as soon as the probability is below the cutoff (or when no change lowers it).")


def toy_linear(frame: pd.DataFrame) -> np.ndarray:
    """A toy model: probability (a + b + c) / 10."""
    return ((frame["a"] + frame["b"] + frame["c"]) / 10).to_numpy(dtype=float)


def toy_customer() -> pd.Series:
    """A toy customer: a = 3, b = 2, c = 1 (probability 0.6)."""
    return pd.Series({"a": 3.0, "b": 2.0, "c": 1.0})


def toy_greedy(name: str, options: dict[str, list[float]], cutoff: float, max_changes: int,
               predict: Any = toy_linear) -> Case:
    """A case on the toy customer."""
    return Case(name, lambda c: (predict, toy_customer(), options, cutoff, max_changes), greedy_path, same_series(1e-9),
                diagnose_row)


def lesson_greedy(name: str, pick: Any, max_changes: int, lesson_result: bool = False) -> Case:
    """A case on one of the lesson's declined customers (``pick`` chooses the row label), with the
    lesson's recourse options."""

    def arguments(c: dict) -> tuple:
        row = c["X_test"].loc[pick(c)]
        return c["predict"], row, counterfactuals.recourse_options(row, c["ranges"]), c["cutoff"], max_changes

    return Case(name, arguments, greedy_path, same_series(1e-9), diagnose_row, lesson_result)


greedy = Exercise(
    LESSON, "ex1_greedy", "A greedy counterfactual search",
    visible=[
        toy_greedy("a toy model (a + b + c) / 10, a customer a = 3, b = 2, c = 1, options a: [0, 2], b: [1], "
                   "cutoff 0.35, at most 3 changes", {"a": [0.0, 2.0], "b": [1.0]}, 0.35, 3),
        lesson_greedy("the lesson's customer with the lesson's options, at most 3 changes", lambda c: c["customer"], 3,
                      lesson_result=True),
    ],
    hidden=[
        toy_greedy("the toy customer, cutoff 0.05 (still declined after every input changed once)",
                   {"a": [2.0, 1.0], "b": [0.0]}, 0.05, 3),
        toy_greedy("the toy customer, at most 1 change", {"a": [2.0], "b": [0.0], "c": [0.0]}, 0.2, 1),
        toy_greedy("the toy customer, options that only raise the probability (nothing to change)",
                   {"a": [5.0], "b": [4.0]}, 0.35, 3),
        toy_greedy("the toy customer, two options tie (keep the first)", {"b": [1.0], "c": [0.0]}, 0.55, 1),
        lesson_greedy("another declined customer, at most 2 changes", lambda c: c["others"][0], 2),
        lesson_greedy("a third declined customer, at most 3 changes", lambda c: c["others"][1], 3),
    ],
    hints=[
        "Keep a copy of `row` and its probability. In a loop of at most `max_changes` steps: stop if the "
        "probability is below `cutoff`; otherwise make one trial row per (input, value) over the inputs not "
        "changed yet, score them all at once, and apply the lowest-scoring change if it lowers the probability.",
        "`trials = [(n, v) for n, values in left.items() for v in values]`; `frame = pd.DataFrame([current] * "
        "len(trials)).reset_index(drop=True)`; set `frame.at[i, n] = v` for each trial; `scores = predict(frame)`; "
        "`best = int(np.argmin(scores))`; if `scores[best] < probability`, set it on `current` and `del left[n]`.",
    ],
    helpers=["workshop_utils.counterfactuals.greedy_counterfactual", "workshop_utils.counterfactuals.find_counterfactuals"],
    helper_answer=lambda predict, row, options, cutoff, max_changes:
        counterfactuals.greedy_counterfactual(predict, row, options, cutoff, max_changes),
)


# -- 2. a rule's precision and coverage, counted -----------------------------------------------------------

def counted(decide: Any, rows: pd.DataFrame, rule: Sequence[Predicate], decision: int) -> tuple[float, float]:
    """The reference, with pandas' query: the share of ``rows`` meeting every condition
    (coverage), and among them the share the model decides as ``decision`` (precision)."""
    query = " and ".join(f"`{feature}` {op} {float(value)!r}" for feature, op, value in rule) or "index == index"
    covered = rows.query(query)
    precision = float((np.asarray(decide(covered)) == decision).mean())
    return precision, len(covered) / len(rows)


def diagnose_counts(got: Any, expected: tuple[float, float]) -> str | None:
    """The likely mistake behind a wrong (precision, coverage) pair."""
    try:
        precision, cover = (float(v) for v in got)
    except (TypeError, ValueError):
        return "return a tuple of two numbers: `(precision, coverage)`."
    if abs(precision - expected[1]) < 1e-9 and abs(cover - expected[0]) < 1e-9:
        return "the two numbers are swapped: return `(precision, coverage)`."
    if abs(cover - expected[1]) > 1e-9:
        return ("coverage is the share of ALL rows that meet every condition of the rule (>= and <= include the "
                "cut value itself).")
    if abs(precision - (1 - expected[0])) < 1e-9:
        return "precision counts the covered rows whose decision EQUALS `decision`, not those that differ."
    return ("precision is computed on the covered rows only: among the rows that meet the rule, the share whose "
            "decision equals `decision`.")


def toy_rows() -> pd.DataFrame:
    """Eight toy customers: x from 1 to 8, z alternating 0 and 1."""
    return pd.DataFrame({"x": np.arange(1.0, 9.0), "z": [0.0, 1.0] * 4})


def toy_decide(frame: pd.DataFrame) -> np.ndarray:
    """A toy model: declined (1) when x + z >= 6."""
    return ((frame["x"] + frame["z"]) >= 6).astype(int).to_numpy()


def toy_rule_case(name: str, rule: list[Predicate], decision: int) -> Case:
    """A case on the toy customers."""
    return Case(name, lambda c: (toy_decide, toy_rows(), rule, decision), counted, close(1e-9), diagnose_counts)


def lesson_rule_case(name: str, rows: str, rule: Any, decision: int, lesson_result: bool = False) -> Case:
    """A case on the lesson's rows (``rows`` names them in the context) with its model."""
    return Case(name, lambda c: (c["decide"], c[rows], rule(c), decision), counted, close(1e-9), diagnose_counts,
                lesson_result)


rule_counts = Exercise(
    LESSON, "ex3_rule_counts", "A rule's precision and coverage",
    visible=[
        toy_rule_case("eight toy customers, the rule x >= 5 AND z <= 0, decision 1",
                      [Predicate("x", ">=", 5.0), Predicate("z", "<=", 0.0)], 1),
        lesson_rule_case("the lesson's anchor on the test customers, declined", "X_test", lambda c: list(c["rule"]), 1,
                         lesson_result=True),
    ],
    hidden=[
        toy_rule_case("the toy customers, the rule x <= 6, decision 0", [Predicate("x", "<=", 6.0)], 0),
        toy_rule_case("the toy customers, a rule on a cut value itself: x >= 4 AND x <= 4",
                      [Predicate("x", ">=", 4.0), Predicate("x", "<=", 4.0)], 1),
        lesson_rule_case("the validation customers, PAY_0 >= 2 AND PAY_2 >= 2, declined", "valid",
                         lambda c: [Predicate("PAY_0", ">=", 2.0), Predicate("PAY_2", ">=", 2.0)], 1),
        lesson_rule_case("the test customers, PAY_0 <= 0 AND LIMIT_BAL >= 200,000, accepted", "X_test",
                         lambda c: [Predicate("PAY_0", "<=", 0.0), Predicate("LIMIT_BAL", ">=", 200000.0)], 0),
        Case("toy customers scored in one call (a model that answers once)",
             lambda c: (ScoresOnce(toy_decide, "score the covered rows in one call"), toy_rows(),
                        [Predicate("z", ">=", 1.0)], 1), lambda d, r, rule, decision: counted(toy_decide, r, rule, decision),
             close(1e-9), diagnose_counts),
    ],
    hints=[
        "Start with a mask of True for every row; for each `(feature, op, value)` in the rule, AND it with "
        "`rows[feature] >= value` or `rows[feature] <= value`. Coverage is the mask's mean; precision is the "
        "mean of `decide(rows[mask]) == decision`.",
        "`mask = np.ones(len(rows), bool)`; `for feature, op, value in rule: mask &= (rows[feature] >= value) if op "
        "== '>=' else (rows[feature] <= value)`; `return float(np.mean(np.asarray(decide(rows[mask])) == decision)), "
        "float(mask.mean())`.",
    ],
    helpers=["workshop_utils.anchors.satisfies", "workshop_utils.anchors.coverage", "workshop_utils.anchors.precision"],
    helper_answer=lambda decide, rows, rule, decision:
        (float(np.mean(decide(rows[anchors.satisfies(rows, rule)]) == decision)), anchors.coverage(rows, rule)),
)


# -- the written question, and the concept questions ------------------------------------------------------

written = Written(LESSON, "ex2_written", "Which changes are recourse?")

q_fixed = Question.choice(LESSON, "q1_fixed", "Why the counterfactuals never touch PAY_2", """
(c) we declared PAY_2 fixed (it is August's status, already history), so DiCE was never allowed to vary it;
    the reason codes explain the score, the counterfactuals only what the customer can still change.
(a) PAY_2 is among this customer's top reasons, so the model does use it: changing it would move the score.
(b) DiCE changes whole numbers well: it changed PAY_0, another repayment status, in most counterfactuals.
(d) DiCE never tried PAY_2, so we do not know whether changing it would flip the decision; the reason is
    the list of inputs we let it vary.
""")

q_anchor = Question.choice(LESSON, "q2_anchor", "What an anchor's precision and coverage say", """
(b) among rows drawn to satisfy the rule, the model makes this customer's decision on 99 in 100; about
    one training customer in ten satisfies the rule.
(a) precision is not accuracy: it says how often the MODEL agrees with itself under the rule, not how often
    its decisions are right about defaults.
(c) coverage is the share of customers who satisfy the rule, whatever the model decides for them; it says
    nothing about how many declines the rule explains.
(d) the rule is not a guarantee for one in ten customers: it holds for the rows that satisfy it, about one in
    ten training customers, and even there only with the stated precision.
""")

EXERCISES = [greedy, q_fixed, written, rule_counts, q_anchor]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its model's predict and decide
    functions, test and validation rows, ranges, cutoff, customers and anchor rule), built
    quickly for the course's own tests of these exercises."""
    from workshop_utils import attacks, cutoffs, data
    from workshop_utils.xgboost_models import fit_xgboost, predict_default

    parts = data.split_data(data.load_credit_data())
    inputs = list(data.MODEL_INPUTS)
    model = fit_xgboost(parts.train.iloc[:4000], parts.valid.iloc[:1000], inputs, data.TARGET)
    predict = predict_default(model)
    X_test = parts.test[inputs].astype(float).iloc[:3000]
    cutoff = 0.28
    declined = X_test.index[predict(X_test) >= cutoff]
    return {"predict": predict, "decide": lambda frame: cutoffs.decide(predict(frame), cutoff), "X_test": X_test,
            "valid": parts.valid[inputs].astype(float), "ranges": attacks.training_ranges(parts.train, inputs),
            "cutoff": cutoff, "customer": declined[0], "others": list(declined[1:3]),
            "rule": (Predicate("PAY_0", ">=", 2.0), Predicate("PAY_AMT3", "<=", 10000.0))}
