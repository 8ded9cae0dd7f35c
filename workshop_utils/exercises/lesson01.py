"""Lesson 01's exercises (monotonic XGBoost): constraints from correlations, partial dependence by
hand, the material reversals of the unconstrained model, reason codes; two concept questions and a written question.

Each exercise's cases are judged against numpy, scikit-learn or a closed form, never against the
course helper the learner is asked to replace, and the hidden cases use inputs the lesson never
printed (another split, another input, a reversed target, synthetic data with a known answer).

Example:
    >>> constraints.title, len(constraints.hints) >= 2
    ('Constraints from correlations', True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workshop_utils import SEED, monotonic, pdp, shapley
from workshop_utils.data import MODEL_INPUTS, TARGET
from workshop_utils.exercises.engine import Case, Exercise, Question, Written, close, equal

__all__ = ["EXERCISES", "LESSON", "constraints", "monotone", "partial_dependence", "q_constraint", "q_ice", "reasons", "written"]

LESSON = "01_monotonic_xgboost"
BIAS = "BIAS"


# -- 1. constraints from the sign of each input's correlation with the target -------------------

def correlation_signs(frame: pd.DataFrame, inputs: list[str], target: str) -> dict[str, int]:
    """The reference: the sign of each input's Pearson correlation with the target (numpy)."""
    y = frame[target].to_numpy(dtype=float)
    return {name: int(np.sign(np.corrcoef(frame[name].to_numpy(dtype=float), y)[0, 1])) for name in inputs}


def toy_table() -> pd.DataFrame:
    """Three inputs with a known direction: one rises with the target, one falls, one is flat."""
    return pd.DataFrame({"up": [1, 2, 3, 4], "down": [9, 7, 4, 1], "flat": [2, 1, 1, 2], "y": [0, 0, 1, 1]})


def synthetic_credit(rows: int = 400) -> pd.DataFrame:
    """Random rows whose target rises with ``a``, falls with ``b`` and ignores ``c``."""
    rng = np.random.default_rng(SEED)
    frame = pd.DataFrame({"a": rng.normal(size=rows), "b": rng.normal(size=rows), "c": rng.normal(size=rows)})
    frame["default"] = (frame["a"] - frame["b"] + rng.normal(scale=0.5, size=rows) > 0).astype(int)
    return frame


def diagnose_signs(got: Any, expected: dict[str, int]) -> str | None:
    """The likely mistake behind a wrong set of constraints."""
    if not isinstance(got, dict):
        return "return a dict: input name -> +1, -1 or 0."
    if set(got) != set(expected):
        return "return one entry per input name given in `inputs` (no more, no fewer)."
    if any(v not in (-1, 0, 1) for v in got.values()):
        return "return the sign of the correlation (+1, -1 or 0), not the correlation itself: np.sign helps."
    if all(got[k] == -v for k, v in expected.items() if v):
        return "the signs are reversed: +1 means the risk of default rises as the input rises."
    return None


constraints = Exercise(
    LESSON, "ex1_constraints", "Constraints from correlations",
    visible=[
        Case("a toy table where `up` rises with the target, `down` falls and `flat` does not move",
             lambda c: (toy_table(), ["up", "down", "flat"], "y"), correlation_signs, equal, diagnose_signs),
        Case("the lesson's training rows and all 19 inputs",
             lambda c: (c["train"], list(MODEL_INPUTS), TARGET), correlation_signs, equal, diagnose_signs,
             lesson_result=True),
    ],
    hidden=[
        Case("synthetic rows whose target rises with a, falls with b and ignores c",
             lambda c: (synthetic_credit(), ["a", "b", "c"], "default"), correlation_signs, equal, diagnose_signs),
        Case("the training rows with the target reversed (1 = pays back)",
             lambda c: (c["train"].assign(PAYS_BACK=1 - c["train"][TARGET]), list(MODEL_INPUTS), "PAYS_BACK"),
             correlation_signs, equal, diagnose_signs),
        Case("only three inputs, in another order",
             lambda c: (c["train"], ["PAY_AMT1", "PAY_0", "BILL_AMT3"], TARGET), correlation_signs, equal, diagnose_signs),
    ],
    hints=[
        "For each input, compute its Pearson correlation with the target column: "
        "`frame[name].corr(frame[target])`.",
        "The constraint is the sign of that correlation as an int: `int(np.sign(r))`. "
        "Collect them in a dict keyed by input name, for the names in `inputs` only.",
    ],
    helpers=["workshop_utils.monotonic.monotone_constraints", "workshop_utils.monotonic.correlations"],
    helper_answer=lambda frame, inputs, target: monotonic.monotone_constraints(frame, inputs, target),
)


# -- 2. partial dependence by hand ---------------------------------------------------------------

class ModelPredict:
    """The model's probability of default as a function of a frame; it keeps the model, so the
    reference can hand the same model to scikit-learn."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(frame[list(MODEL_INPUTS)])[:, 1]


def sklearn_pd(predict: ModelPredict, X: pd.DataFrame, feature: str, grid: np.ndarray) -> np.ndarray:
    """The reference: scikit-learn's partial dependence of the same model at exactly these values."""
    from sklearn.inspection import partial_dependence as library_pd

    result = library_pd(predict.model, X, [feature], kind="average", custom_values={feature: np.asarray(grid, dtype=float)})
    return result["average"][0]


def pd_case(name: str, feature: str, rows: slice, points: int, lesson_result: bool = False) -> Case:
    """A case on the lesson's model: ``feature`` over ``points`` quantiles of the test rows ``rows``."""

    def arguments(c: dict) -> tuple:
        X = c["test"][list(MODEL_INPUTS)].iloc[rows].astype(float)
        grid = np.unique(np.quantile(X[feature], np.linspace(0, 1, points)))
        return ModelPredict(c["model"]), X, feature, grid

    return Case(name, arguments, sklearn_pd, close(1e-6), diagnose_pd, lesson_result)


def diagnose_pd(got: Any, expected: np.ndarray) -> str | None:
    """The likely mistake behind a wrong partial dependence curve."""
    values = np.asarray(got, dtype=float) if np.ndim(got) else None
    if values is None or values.shape != expected.shape:
        return "return one value per grid point, in the grid's order."
    if np.ptp(values) == 0 and np.ptp(expected) > 0:
        return "every grid point gives the same value: set the feature to the grid value in every row before predicting."
    return "for each grid value: copy X, set the feature to that value in every row, predict, and take the mean."


def linear_toy(_: dict) -> tuple:
    """A model that is 0.1·a + b, three rows, and a two-point grid: PD is 0.1·value + mean(b)."""
    rows = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [1.0, 2.0, 3.0]})
    return (lambda f: (0.1 * f["a"] + f["b"]).to_numpy()), rows, "a", np.array([0.0, 10.0])


partial_dependence = Exercise(
    LESSON, "ex2_pd", "Partial dependence by hand",
    visible=[
        Case("a linear toy model 0.1·a + b on three rows, with a set to 0 and to 10", linear_toy,
             lambda predict, X, feature, grid: 0.1 * grid + X["b"].mean(), close(1e-9), diagnose_pd),
        pd_case("the lesson's model on 300 test rows, PAY_0 over its grid", "PAY_0", slice(0, 300), 8, True),
    ],
    hidden=[
        pd_case("the lesson's model on 500 other test rows, LIMIT_BAL over 8 grid points", "LIMIT_BAL", slice(1000, 1500), 8),
        pd_case("the lesson's model on 200 test rows, BILL_AMT1 over 5 grid points", "BILL_AMT1", slice(4000, 4200), 5),
    ],
    hints=[
        "Partial dependence at one value: set the feature to that value in every row (on a copy of X), "
        "predict all rows, take the mean.",
        "Loop over the grid: `changed = X.copy(); changed[feature] = value; means.append(np.mean(predict(changed)))`, "
        "then return `np.array(means)`.",
    ],
    helpers=["workshop_utils.pdp.partial_dependence", "workshop_utils.pdp.ice_curves", "workshop_utils.pdp.score_versions"],
    helper_answer=lambda predict, X, feature, grid: pdp.partial_dependence(predict, X, feature, grid).to_numpy(),
)


# -- 3. material reversals: which curves step against their constraint by more than a threshold? --

MATERIALITY = 0.01
"""The lesson's materiality threshold: one percentage point of predicted probability of default."""


def largest_reversals(curves: Any, constraints: dict[str, int]) -> dict[str, float]:
    """Each curve's largest step against its constraint (0 for none or no constraint), with numpy."""
    sizes = {}
    for name, values in curves.items():
        steps = np.diff(np.asarray(values, dtype=float)) * constraints.get(name, 0)
        sizes[name] = float(max(0.0, -steps.min())) if steps.size else 0.0
    return sizes


def material(curves: Any, constraints: dict[str, int], threshold: float) -> list[str]:
    """The reference: inputs whose largest reversal exceeds ``threshold``, largest first (ties by name)."""
    sizes = largest_reversals(curves, constraints)
    return sorted((name for name, size in sizes.items() if size > threshold), key=lambda name: (-sizes[name], name))


def diagnose_reversals(got: Any, expected: list[str], curves: Any, constraints: dict[str, int],
                       threshold: float) -> str | None:
    """The likely mistake behind a wrong list of material reversals."""
    if not isinstance(got, list):
        return "return a list of input names (a Python list), largest reversal first."
    if sorted(map(str, got)) == sorted(expected):
        return "the right inputs in the wrong order: put the largest step against the constraint first."
    sizes = largest_reversals(curves, constraints)
    if any(constraints.get(name, 0) == 0 for name in got if name in sizes):
        return "an input with no constraint (0, or missing from `constraints`) can never be reversed."
    if set(got) == {name for name, size in sizes.items() if size >= threshold} != set(expected):
        return "a step exactly AT the threshold is not material: keep only steps strictly greater than it."
    wrong_way = largest_reversals(curves, {name: -d for name, d in constraints.items()})
    if set(got) == {name for name, size in wrong_way.items() if size > threshold} != set(expected):
        return ("you found the steps that go WITH the constraint: a reversal is a step against it "
                "(down for +1, up for -1), so multiply each step by the direction and look for negatives.")
    return "for each curve take the largest single step against its direction, and keep it when it exceeds the threshold."


def reversal_case(name: str, curves: dict[str, list[float]], constraints: dict[str, int], threshold: float) -> Case:
    """A case on given curves, constraints and threshold."""
    return Case(name, lambda c: (curves, constraints, threshold), material, equal, diagnose_reversals)


def lesson_curves(threshold: float, lesson_result: bool = False) -> Case:
    """A case on the unconstrained model's partial dependence curves and the lesson's constraints."""
    return Case(f"the unconstrained model's partial dependence curves, threshold {threshold:g}",
                lambda c: (c["free_curves"], c["constraints"], threshold), material, equal, diagnose_reversals,
                lesson_result=lesson_result)


def walk_with_dips(steps: int, dips: dict[int, float], seed: int) -> list[float]:
    """A rising curve (random steps of 0.001 to 0.01) with dips of given sizes at given places."""
    rng = np.random.default_rng(seed)
    values = np.cumsum(rng.uniform(0.001, 0.01, size=steps))
    for at, size in dips.items():
        values[at:] -= size + (values[at] - values[at - 1])  # the step into ``at`` becomes exactly -size
    return values.tolist()


monotone = Exercise(
    LESSON, "ex3_monotone", "Material reversals",
    visible=[
        reversal_case("three curves: up (+1) dips by 0.03, down (-1) climbs by 0.06, free (0) zigzags; threshold 0.01",
                      {"up": [0.10, 0.20, 0.17], "down": [0.50, 0.495, 0.555], "free": [1.0, 0.0, 1.0]},
                      {"up": 1, "down": -1, "free": 0}, 0.01),
        reversal_case("a step of exactly the threshold (0.25 against +1; threshold 0.25)",
                      {"a": [0.75, 0.5], "b": [0.75, 0.25]}, {"a": 1, "b": 1}, 0.25),
        lesson_curves(MATERIALITY, lesson_result=True),
    ],
    hidden=[
        lesson_curves(0.02),
        reversal_case("curves without a constraint entry, and a one-point curve",
                      {"x": [0.3, 0.1], "y": [0.2], "z": [0.2, 0.1]}, {"z": 1}, 0.05),
        reversal_case("a long rising curve with small and large dips (+1; threshold 0.02)",
                      {"walk": walk_with_dips(40, {10: 0.005, 25: 0.03}, SEED), "smooth": walk_with_dips(40, {}, SEED + 1),
                       "small": walk_with_dips(40, {5: 0.015}, SEED + 2)},
                      {"walk": 1, "smooth": 1, "small": 1}, 0.02),
        reversal_case("falling curves (-1) that rise by different amounts, largest first; threshold 0.001",
                      {"p": [0.9, 0.8, 0.805], "q": [0.9, 0.95, 0.7], "r": [0.5, 0.52, 0.4, 0.43]},
                      {"p": -1, "q": -1, "r": -1}, 0.001),
    ],
    hints=[
        "For one curve, look at the steps between neighbouring points: `np.diff(values)`. Multiplied by the "
        "constraint's direction, a step against the constraint is negative, so the largest reversal is "
        "`max(0, -min(steps * direction))`. An input with direction 0, or missing from `constraints`, has none.",
        "Loop over `curves.items()`, compute each largest reversal, keep the names whose reversal is strictly "
        "greater than `threshold`, and sort them by reversal, largest first: "
        "`sorted(kept, key=lambda name: -size[name])`.",
    ],
    helpers=["workshop_utils.monotonic.is_monotone", "workshop_utils.monotonic.adverse_step",
             "workshop_utils.monotonic.monotone_violations", "workshop_utils.monotonic.reversal_sizes"],
    helper_answer=lambda curves, constraints, threshold: [
        name for name, size in monotonic.reversal_sizes(curves, constraints).items() if size > threshold],
)


# -- 4. reason codes from Shapley contributions ----------------------------------------------------

def positive_largest_first(contributions: pd.Series, k: int) -> list[str]:
    """The reference: inputs with a positive contribution, largest first, at most ``k``, no bias."""
    row = contributions.drop(BIAS, errors="ignore")
    return row[row > 0].sort_values(ascending=False, kind="stable").index[:k].tolist()


def diagnose_reasons(got: Any, expected: list[str]) -> str | None:
    """The likely mistake behind wrong reason codes."""
    if not isinstance(got, list):
        return "return a plain list of input names (`list(...)` or `.tolist()`)."
    if BIAS in got:
        return "leave out the BIAS column: it is the model's starting point, not an input."
    if sorted(got) == sorted(expected):
        return "put the largest contribution first."
    return "only inputs that raise the risk (positive contributions) are reasons, largest first, at most k."


def customer_case(name: str, pick: str, k: int, lesson_result: bool = False) -> Case:
    """A case on one of the lesson's customers: the riskiest (``max``) or the safest (``min``)."""

    def arguments(c: dict) -> tuple:
        predictions = c["predictions"]
        row = predictions.idxmax() if pick == "max" else predictions.idxmin()
        return c["contributions"].loc[row], k

    return Case(name, arguments, positive_largest_first, equal, diagnose_reasons, lesson_result)


reasons = Exercise(
    LESSON, "ex4_reasons", "Reason codes from Shapley values",
    visible=[
        Case("a toy customer: a +0.5, b -2.0, c +0.9, BIAS +5.0, k = 2",
             lambda c: (pd.Series({"a": 0.5, "b": -2.0, "c": 0.9, BIAS: 5.0}), 2), positive_largest_first, equal,
             diagnose_reasons),
        customer_case("the lesson's riskiest customer, k = 3", "max", 3, True),
    ],
    hidden=[
        Case("the toy customer with k = 5 (only two inputs raise the risk)",
             lambda c: (pd.Series({"a": 0.5, "b": -2.0, "c": 0.9, BIAS: 5.0}), 5), positive_largest_first, equal,
             diagnose_reasons),
        customer_case("the lesson's safest customer, k = 4", "min", 4),
    ],
    hints=[
        "Drop the BIAS entry, keep only the positive contributions (they raise the risk), and sort them "
        "from largest to smallest.",
        "`row = contributions.drop('BIAS', errors='ignore'); row = row[row > 0].sort_values(ascending=False)`; "
        "then return `list(row.index[:k])`.",
    ],
    helpers=["workshop_utils.shapley.top_reasons", "workshop_utils.shapley.reason_codes",
             "workshop_utils.shapley.largest_first"],
    helper_answer=lambda contributions, k: shapley.top_reasons(contributions, k).index.tolist(),
)


# -- concept questions and the written question -----------------------------------------------------

q_constraint = Question.choice(LESSON, "q1_constraint", "What a -1 constraint on LIMIT_BAL promises", """
(b) a -1 constraint means that raising LIMIT_BAL, all else equal, never raises the predicted risk, for every
    customer.
(a) a constraint limits the direction of the effect, not its size; a higher limit can still lower the risk a
    lot.
(c) the constraint holds for every customer, not only on average: each ICE curve obeys it too.
(d) constraints are about the model's response to an input; the data's correlation chose the sign.
""")

q_ice = Question.choice(LESSON, "q2_ice", "What ICE curves add to partial dependence", """
(c) one curve per customer shows whether the average (partial dependence) hides customers who respond
    differently, such as interactions.
(a) ICE curves use the same model and grid; they do not refit anything.
(b) partial dependence is the average of the ICE curves, so they agree on average by construction.
(d) ICE curves are computed on real rows, like partial dependence; they are not a confidence band.
""")

written = Written(LESSON, "ex5_written", "Why constrain a credit model?")

EXERCISES = [constraints, partial_dependence, monotone, reasons, q_constraint, q_ice, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its split, model, contributions and
    predictions), built quickly for the course's own tests of these exercises."""
    from workshop_utils import data
    from workshop_utils.xgboost_models import fit_xgboost

    parts = data.split_data(data.load_credit_data())
    model = fit_xgboost(parts.train.iloc[:4000], parts.valid.iloc[:1000], MODEL_INPUTS, TARGET)
    predictions = pd.Series(model.predict_proba(parts.test[MODEL_INPUTS])[:, 1], index=parts.test.index)
    free = ModelPredict(model)  # trained without constraints, like the lesson's free model
    rows = parts.test[MODEL_INPUTS].iloc[:300]
    free_curves = {name: pdp.partial_dependence(free, rows, name, pdp.make_grid(rows[name])).to_numpy() for name in MODEL_INPUTS}
    return {"train": parts.train, "test": parts.test, "model": model, "predictions": predictions,
            "contributions": shapley.xgb_contributions(model, parts.test), "free_curves": free_curves,
            "constraints": monotonic.monotone_constraints(parts.train, MODEL_INPUTS, TARGET)}
