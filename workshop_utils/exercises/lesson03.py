"""Lesson 03's exercises (disparate impact analysis): the F1-optimal cutoff, one group's ten rates,
the adverse impact ratio and flagging disparities; two concept questions and a written question.

Each exercise's cases are judged against scikit-learn, fairlearn or a closed form in numpy, never
against the course helper the learner is asked to replace, and the hidden cases use inputs the
lesson never printed (the test rows, other groups, a reversed comparison, another band, synthetic
rows with repeated scores, toy tables with a known answer).

Example:
    >>> f1_cutoff.title, len(f1_cutoff.hints) >= 2
    ('The F1-optimal cutoff', True)
    >>> best_f1_reference([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.35
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from workshop_utils import SEED, cutoffs, dia
from workshop_utils.exercises.engine import Case, Exercise, Question, Written, close, shown

__all__ = ["EXERCISES", "LESSON", "air", "f1_cutoff", "flags", "q_air", "q_cutoff", "rates", "written"]

LESSON = "03_disparate_impact_analysis"


def case(name: str, build: Callable[[Mapping[str, Any]], tuple], reference: Callable[..., Any],
         compare: Callable[[Any, Any], bool], diagnose: Callable[..., str | None],
         lesson_result: bool = False) -> Case:
    """A case whose diagnosis also sees the arguments the answer was tried on:
    ``diagnose(got, expected, *arguments)``."""
    tried: list[tuple] = [()]

    def arguments(context: Mapping[str, Any]) -> tuple:
        tried[0] = build(context)
        return tried[0]

    return Case(name, arguments, reference, compare, lambda got, expected: diagnose(got, expected, *tried[0]),
                lesson_result)


def is_number(value: Any) -> bool:
    """A single real number (not a bool, a list or an array).

    >>> is_number(0.5), is_number(np.float64(2)), is_number([0.5]), is_number(True)
    (True, True, False, False)
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def one_number(atol: float) -> Callable[[Any, Any], bool]:
    """Compare a single number with the expected one, within ``atol``."""
    within = close(atol)
    return lambda got, expected: is_number(got) and within(got, expected)


# -- 1. the F1-optimal cutoff -------------------------------------------------------------------

def f1_by_cutoff(y_true: Any, probability: Any) -> tuple[np.ndarray, np.ndarray]:
    """Every distinct score as a cutoff and its F1 = 2 TP / (2 TP + FP + FN), from scikit-learn's
    ROC curve (its counts, recovered exactly from the rates)."""
    from sklearn.metrics import roc_curve

    y = np.asarray(y_true).astype(int)
    fpr, tpr, thresholds = roc_curve(y, np.asarray(probability, dtype=float), drop_intermediate=False)
    positives, negatives = y.sum(), len(y) - y.sum()
    tp, fp = np.rint(tpr * positives), np.rint(fpr * negatives)
    f1 = 2 * tp / (2 * tp + fp + (positives - tp))
    finite = np.isfinite(thresholds)
    return thresholds[finite], f1[finite]


def best_f1_reference(y_true: Any, probability: Any) -> float:
    """The reference: the lowest of the cutoffs with the highest F1."""
    thresholds, f1 = f1_by_cutoff(y_true, probability)
    return float(thresholds[f1 == f1.max()].min())


def f1_at(y_true: Any, flagged: Any) -> float:
    """F1 of the decisions ``flagged`` (scikit-learn)."""
    from sklearn.metrics import f1_score

    return float(f1_score(np.asarray(y_true).astype(int), np.asarray(flagged).astype(int), zero_division=0))


def diagnose_cutoff(got: Any, expected: float, y_true: Any, probability: Any) -> str | None:
    """The likely mistake behind a wrong cutoff."""
    if not is_number(got):
        return "return the cutoff alone, as one float (not the F1 with it, and not a list or an array)."
    p = np.asarray(probability, dtype=float)
    if not np.isclose(p, float(got), rtol=0, atol=1e-12).any():
        return "the cutoff should be one of the values in `probability`: try each distinct one (`np.unique`)."
    best = f1_at(y_true, p >= expected)
    if float(got) > expected and np.isclose(f1_at(y_true, p >= float(got)), best):
        return ("several cutoffs give the best F1: return the lowest. Going up from the smallest cutoff, "
                "replace the best only when F1 is strictly higher (`>`, not `>=`).")
    if float(got) < expected and np.isclose(f1_at(y_true, p > float(got)), best):
        return "predict default where `probability >= cutoff` (at or above the cutoff), not strictly above it."
    return ("for each candidate cutoff, count TP, FP and FN with `probability >= cutoff`, compute "
            "F1 = 2 TP / (2 TP + FP + FN), and keep the cutoff with the highest F1.")


def repeated_scores(rows: int = 600) -> tuple[list[int], list[float]]:
    """Synthetic rows whose scores are rounded to two decimals (so many repeat), and outcomes
    drawn with those probabilities."""
    rng = np.random.default_rng(SEED)
    probability = np.round(rng.beta(2, 5, size=rows), 2)
    return (rng.random(rows) < probability).astype(int).tolist(), probability.tolist()


def cutoff_case(name: str, build: Callable[[Mapping[str, Any]], tuple], lesson_result: bool = False) -> Case:
    """A case of the cutoff exercise."""
    return case(name, build, best_f1_reference, one_number(1e-12), diagnose_cutoff, lesson_result)


f1_cutoff = Exercise(
    LESSON, "ex1_cutoff", "The F1-optimal cutoff",
    visible=[
        cutoff_case("four toy rows, outcomes [0, 0, 1, 1] and scores [0.1, 0.4, 0.35, 0.8]",
                    lambda c: ([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])),
        cutoff_case("the lesson's validation rows", lambda c: (c["y_valid"], c["valid_prob"]), lesson_result=True),
    ],
    hidden=[
        cutoff_case("four toy rows where the cutoffs 0.2 and 0.9 tie on F1 (the lowest wins)",
                    lambda c: (np.array([1, 0, 0, 1]), np.array([0.9, 0.8, 0.3, 0.2]))),
        cutoff_case("the lesson's test rows, as NumPy arrays",
                    lambda c: (c["y_test"].to_numpy(), c["test_prob"].to_numpy())),
        cutoff_case("600 synthetic rows whose scores repeat (rounded to two decimals), as lists",
                    lambda c: repeated_scores()),
    ],
    hints=[
        "Every distinct score is a candidate: `np.unique(probability)` lists them from lowest to highest. "
        "For each one, the decisions are `probability >= candidate`; count TP, FP and FN against `y_true` "
        "and compute F1 = 2 TP / (2 TP + FP + FN).",
        "Turn both inputs into arrays first (`y = np.asarray(y_true)`, `p = np.asarray(probability, dtype=float)`), "
        "then in the loop: `flagged = p >= candidate; tp = np.sum(flagged & (y == 1))`, the same for FP "
        "(`y == 0`) and FN (`~flagged & (y == 1)`). Keep the candidate when its F1 is strictly higher than the "
        "best so far (so ties keep the lowest), and return `float(best)`.",
    ],
    helpers=["workshop_utils.cutoffs.best_f1_cutoff"],
    helper_answer=lambda y_true, probability: cutoffs.best_f1_cutoff(y_true, probability)[0],
)


# -- 2. one group's ten rates ---------------------------------------------------------------------

FORMULAS = {
    "prevalence": "(TP + FN) / n", "accuracy": "(TP + TN) / n", "tpr": "TP / (TP + FN)",
    "precision": "TP / (TP + FP)", "specificity": "TN / (TN + FP)", "npv": "TN / (TN + FN)",
    "fpr": "FP / (FP + TN)", "fdr": "FP / (FP + TP)", "fnr": "FN / (FN + TP)", "for": "FN / (FN + TN)",
}
"""Each rate's formula, as the lesson's table writes it."""


def fairlearn_rates(y_true: Any, y_pred: Any) -> dict[str, float]:
    """The reference: the ten rates of one group from fairlearn's ``MetricFrame`` with fairlearn's
    and scikit-learn's own metric functions."""
    labels = ["group"] * len(np.asarray(y_pred))
    by_group = dia.fairlearn_metric_frame(y_true, y_pred, labels).by_group.loc["group"]
    return {rate: float(by_group[rate]) for rate in dia.RATES}


def same_rates(got: Any, expected: dict[str, float]) -> bool:
    """A dict with exactly the expected keys, each a number within 1e-9 of the expected rate."""
    return (isinstance(got, dict) and set(got) == set(expected)
            and all(is_number(got[k]) and abs(float(got[k]) - v) <= 1e-9 for k, v in expected.items()))


def diagnose_rates(got: Any, expected: dict[str, float], *_: Any) -> str | None:
    """The likely mistake behind a wrong set of rates: the first rate that is off, and why."""
    if not isinstance(got, dict):
        return "return a dict: each of the ten rate names -> a float."
    missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
    if missing or extra:
        return f"use exactly the ten keys {dia.RATES}; missing {missing}, not asked for {extra}."
    for rate in dia.RATES:
        value, right = got[rate], expected[rate]
        if not is_number(value):
            return f"`{rate}` should be one float, not {shown(value, 40)}: wrap it in `float(...)`."
        if abs(float(value) - right) <= 1e-9:
            continue
        formula = f"{rate} = {FORMULAS[rate]}, where positive means default (1)"
        twin = next((other for other in dia.RATES if abs(float(value) - expected[other]) <= 1e-9), None)
        if twin is not None:
            return f"your `{rate}` is the right `{twin}`: {formula}."
        if abs(float(value) - (1 - right)) <= 1e-9:
            return f"your `{rate}` is 1 minus the right value: {formula}."
        return f"`{rate}` is off: {formula}."
    return None


def group_rows(attribute: str, group: str, as_kind: Callable[[pd.Series], Any]) -> Callable[[Mapping[str, Any]], tuple]:
    """Build the outcomes and decisions of one of the lesson's groups, as ``as_kind`` turns them."""

    def build(c: Mapping[str, Any]) -> tuple:
        inside = (c["groups"][attribute] == group).to_numpy()
        return as_kind(c["y_test"][inside]), as_kind(c["decision"][inside])

    return build


def synthetic_decisions(rows: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes with a 30 % default rate and decisions that are right four times in five."""
    rng = np.random.default_rng(SEED + 3)
    y = (rng.random(rows) < 0.3).astype(int)
    return y, np.where(rng.random(rows) < 0.8, y, 1 - y)


def rates_case(name: str, build: Callable[[Mapping[str, Any]], tuple], lesson_result: bool = False) -> Case:
    """A case of the rates exercise."""
    return case(name, build, fairlearn_rates, same_rates, diagnose_rates, lesson_result)


rates = Exercise(
    LESSON, "ex2_rates", "One group's ten rates",
    visible=[
        rates_case("five toy rows, outcomes [1, 1, 0, 0, 0] and decisions [1, 0, 1, 0, 0] (TP 1, FN 1, FP 1, TN 2)",
                   lambda c: ([1, 1, 0, 0, 0], [1, 0, 1, 0, 0])),
        rates_case("the lesson's women (test rows)", group_rows("SEX", "female", pd.Series.to_numpy), lesson_result=True),
    ],
    hidden=[
        rates_case("the lesson's men, as lists", group_rows("SEX", "male", list)),
        rates_case("the lesson's customers under 25, as pandas Series", group_rows("AGE_BAND", "<25", pd.Series.copy)),
        rates_case("1,000 synthetic rows, 30 % defaulters, decisions right four times in five",
                   lambda c: synthetic_decisions()),
        rates_case("a perfect model on six rows (no false positives or negatives)",
                   lambda c: (np.array([1, 0, 0, 1, 0, 0]), np.array([1, 0, 0, 1, 0, 0]))),
    ],
    hints=[
        "Turn both inputs into arrays and count the four cells of the confusion matrix, with 1 (default) as "
        "positive: TP = actual 1 and predicted 1, FP = actual 0 and predicted 1, TN = both 0, FN = actual 1 and "
        "predicted 0. Every rate is then one line from the table above.",
        "`y, p = np.asarray(y_true), np.asarray(y_pred)`; `tp = np.sum((y == 1) & (p == 1))`, and the same for "
        "fp, tn and fn; `n = tp + fp + tn + fn`. Return "
        "`{\"prevalence\": float((tp + fn) / n), \"tpr\": float(tp / (tp + fn)), ...}` with all ten keys.",
    ],
    helpers=["workshop_utils.dia.group_rates", "workshop_utils.dia.rates_from_confusion",
             "workshop_utils.dia.confusion_by_group", "workshop_utils.dia.confusion_table",
             "workshop_utils.dia.fairlearn_metric_frame"],
    helper_answer=lambda y_true, y_pred: dia.group_rates(y_true, y_pred, ["g"] * len(y_pred)).loc["g", dia.RATES].to_dict(),
)


# -- 3. the adverse impact ratio ----------------------------------------------------------------

def share(y_pred: Any, groups: Any, group: object, outcome: int) -> float:
    """Share of ``group``'s rows whose decision is ``outcome``.

    >>> share([1, 1, 0, 1], list("ffmm"), "m", 1)
    0.5
    """
    inside = np.asarray(groups, dtype=object) == group
    return float(np.mean(np.asarray(y_pred)[inside] == outcome))


def share_ratio(y_pred: Any, groups: Any, protected: object, reference: object, outcome: int) -> float:
    """``protected``'s share of ``outcome`` over ``reference``'s (NaN when the latter is 0).

    >>> share_ratio([1, 1, 0, 1], list("ffmm"), "f", "m", 1)
    2.0
    """
    bottom = share(y_pred, groups, reference, outcome)
    return share(y_pred, groups, protected, outcome) / bottom if bottom else float("nan")


def diagnose_air(got: Any, expected: float, y_pred: Any, groups: Any, protected: object, reference: object) -> str | None:
    """The likely mistake behind a wrong adverse impact ratio."""
    if not is_number(got):
        return "return one float: the protected group's favourable share divided by the reference group's."
    value = float(got)
    if expected and np.isclose(value, 1 / expected):
        return "the ratio is upside down: divide the protected group's share by the reference group's."
    if np.isclose(value, share_ratio(y_pred, groups, protected, reference, 1)):
        return ("the favourable outcome is being predicted NOT to default (`y_pred == 0`); "
                "you divided the shares predicted to default.")
    if np.isclose(value, share(y_pred, groups, protected, 0)):
        return "that is the protected group's share alone: divide it by the reference group's share."
    return "for each of the two groups, take the share of its rows with `y_pred == 0`; divide protected by reference."


def air_case(name: str, build: Callable[[Mapping[str, Any]], tuple], lesson_result: bool = False) -> Case:
    """A case of the adverse impact ratio exercise; the reference is fairlearn's ``selection_rate``
    of the favourable outcome (0), protected group over reference group. Within 1e-4, so the
    lesson's ratio as printed (four decimals) counts as the lesson's result when it is memorised."""
    return case(name, build, dia.fairlearn_air, one_number(1e-4), diagnose_air, lesson_result)


air = Exercise(
    LESSON, "ex3_air", "The adverse impact ratio",
    visible=[
        air_case("eight toy rows as lists: group f is favoured (0) once in four, group m twice in four",
                 lambda c: ([0, 1, 1, 1, 0, 1, 0, 1], list("ffffmmmm"), "f", "m")),
        air_case("the lesson's decisions, women against men", lambda c: (c["decision"], c["groups"]["SEX"], "female", "male"),
                 lesson_result=True),
    ],
    hidden=[
        air_case("the lesson's decisions, men against women (the reverse comparison)",
                 lambda c: (c["decision"], c["groups"]["SEX"], "male", "female")),
        air_case("the lesson's customers under 25 against those aged 35 to 44, as NumPy arrays",
                 lambda c: (c["decision"].to_numpy(), c["groups"]["AGE_BAND"].to_numpy(), "<25", "35-44")),
        air_case("high-school against graduate-school customers, as lists",
                 lambda c: (c["decision"].tolist(), c["groups"]["EDUCATION"].tolist(), "high school", "graduate school")),
        air_case("eight toy rows: group f is favoured once in four, group m three times in four",
                 lambda c: ([0, 1, 1, 1, 0, 0, 0, 1], list("ffffmmmm"), "f", "m")),
        air_case("four toy rows with the groups interleaved (an AIR of exactly 1)",
                 lambda c: ([0, 0, 1, 1], ["m", "f", "m", "f"], "f", "m")),
    ],
    hints=[
        "The favourable outcome is `y_pred == 0` (not predicted to default). Take its share among the protected "
        "group's rows, the same share among the reference group's rows, and divide the first by the second.",
        "`favourable = np.asarray(y_pred) == 0; labels = np.asarray(groups)`; then "
        "`float(favourable[labels == protected].mean() / favourable[labels == reference].mean())`.",
    ],
    helpers=["workshop_utils.dia.adverse_impact_ratio", "workshop_utils.dia.favourable_rates",
             "workshop_utils.dia.air_table", "workshop_utils.dia.air_by_cutoff", "workshop_utils.dia.fairlearn_air"],
    helper_answer=lambda y_pred, groups, protected, reference: dia.adverse_impact_ratio(y_pred, groups, protected, reference),
)


# -- 4. flagging disparities ---------------------------------------------------------------------

def ratios_to(rates: pd.DataFrame, reference: object) -> pd.DataFrame:
    """Every rate (not ``n``) over the reference row's, computed in numpy."""
    values = rates.drop(columns="n")
    matrix = values.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = matrix / matrix[values.index.get_loc(reference)]
    return pd.DataFrame(ratios, index=values.index, columns=values.columns)


def band_flags(rates: pd.DataFrame, reference: object, low: float = dia.LOW, high: float = dia.HIGH) -> pd.DataFrame:
    """The reference: True where a ratio to the reference row is below ``low`` or above ``high``
    (NaN compares False, so it is never flagged).

    >>> toy = pd.DataFrame({"n": [5, 5], "tpr": [0.5, 0.3]}, index=["r", "a"])
    >>> band_flags(toy, "r")["tpr"].tolist()
    [False, True]
    """
    ratios = ratios_to(rates, reference)
    return (ratios < low) | (ratios > high)


def same_flags(got: Any, expected: pd.DataFrame) -> bool:
    """A DataFrame of booleans with the expected rows and columns, in order, and the same values."""
    return (isinstance(got, pd.DataFrame) and list(got.index) == list(expected.index)
            and list(got.columns) == list(expected.columns)
            and all(pd.api.types.is_bool_dtype(dtype) for dtype in got.dtypes)
            and bool(np.array_equal(got.to_numpy(dtype=bool), expected.to_numpy(dtype=bool))))


def diagnose_flags(got: Any, expected: pd.DataFrame, rates: pd.DataFrame, reference: object,
                   low: float = dia.LOW, high: float = dia.HIGH) -> str | None:
    """The likely mistake behind wrong flags."""
    if not isinstance(got, pd.DataFrame):
        return "return a pandas DataFrame of True/False, one row per group and one column per rate."
    if "n" in got.columns:
        return "leave out the count column `n`: flag the rates only (`rates.drop(columns=\"n\")`)."
    if list(got.index) != list(expected.index) or list(got.columns) != list(expected.columns):
        return "keep one row per group and one column per rate, in the order `rates` has them."
    if not all(pd.api.types.is_bool_dtype(dtype) for dtype in got.dtypes):
        return "return booleans: compare the ratios with `low` and `high`."
    ratios = ratios_to(rates, reference)
    marked = got.to_numpy(dtype=bool)
    if (marked & ratios.isna().to_numpy()).any():
        return ("a missing ratio (NaN) must not be flagged: `(ratios < low) | (ratios > high)` is False for NaN, "
                "while `~((ratios >= low) & (ratios <= high))` is True.")
    if np.array_equal(marked, ((ratios <= low) | (ratios >= high)).to_numpy()):
        return "a ratio exactly at `low` or `high` is inside the band: use `<` and `>`, not `<=` and `>=`."
    if (low, high) != (dia.LOW, dia.HIGH) and np.array_equal(marked, band_flags(rates, reference).to_numpy()):
        return "use the `low` and `high` arguments, not fixed numbers 0.8 and 1.25."
    if np.array_equal(marked, ((1 / ratios < low) | (1 / ratios > high)).to_numpy()):
        return "divide each group's rate by the reference group's rate (group / reference), not the other way round."
    return "divide every rate column by the reference row (`values / values.loc[reference]`), then flag ratios below `low` or above `high`."


def lesson_rates(attribute: str) -> Callable[[Mapping[str, Any]], pd.DataFrame]:
    """The lesson's rate table for one attribute (built with the lesson's helper: it is the input
    here, not the answer)."""
    return lambda c: dia.group_rates(c["y_test"], c["decision"], c["groups"][attribute])


def toy_rates() -> pd.DataFrame:
    """Three groups, reference ``r``: ``a``'s TPR ratio is 0.78 (flagged), ``b``'s 1.4 (flagged),
    ``a``'s FPR ratio 1.2 (not flagged) and ``b``'s FPR is missing (not flagged)."""
    return pd.DataFrame({"n": [5, 5, 5], "tpr": [0.5, 0.39, 0.7], "fpr": [0.2, 0.24, np.nan]}, index=["r", "a", "b"])


def edge_rates() -> pd.DataFrame:
    """Ratios exactly on the band's edges (0.8 and 1.25, exact in floating point), the reference
    row last and ``n`` as the last column."""
    return pd.DataFrame({"tpr": [0.5, 0.625, 0.625], "fnr": [0.625, 0.5, 0.625], "n": [10, 12, 40]},
                        index=["low edge", "high edge", "ref"])


def flags_case(name: str, build: Callable[[Mapping[str, Any]], tuple], lesson_result: bool = False) -> Case:
    """A case of the flagging exercise."""
    return case(name, build, band_flags, same_flags, diagnose_flags, lesson_result)


flags = Exercise(
    LESSON, "ex4_flags", "Flagging disparities",
    visible=[
        flags_case("a toy table of three groups (reference r) with one missing FPR", lambda c: (toy_rates(), "r")),
        flags_case("the lesson's age bands against 35-44", lambda c: (lesson_rates("AGE_BAND")(c), "35-44"),
                   lesson_result=True),
    ],
    hidden=[
        flags_case("ratios exactly on the band's edges, 0.8 and 1.25 (neither is flagged)", lambda c: (edge_rates(), "ref")),
        flags_case("the toy table with a narrower band, 0.9 to 1.1", lambda c: (toy_rates(), "r", 0.9, 1.1)),
        flags_case("the lesson's age bands against customers under 25, band 0.9 to 1.1",
                   lambda c: (lesson_rates("AGE_BAND")(c), "<25", 0.9, 1.1)),
        flags_case("the lesson's education groups against graduate school (some rates are undefined)",
                   lambda c: (lesson_rates("EDUCATION")(c), "graduate school")),
    ],
    hints=[
        "Drop the count column `n`, divide every remaining column by the reference group's row "
        "(`values.loc[reference]`; pandas lines the columns up for you), and compare the ratios with the band.",
        "`values = rates.drop(columns=\"n\")`; `ratios = values / values.loc[reference]`; "
        "`return (ratios < low) | (ratios > high)` (both comparisons are False for NaN, so a missing ratio is not flagged).",
    ],
    helpers=["workshop_utils.dia.disparity", "workshop_utils.dia.flag_disparities",
             "workshop_utils.dia.disparity_report", "workshop_utils.dia.flagged_cells"],
    helper_answer=lambda rates, reference, low=dia.LOW, high=dia.HIGH: dia.flag_disparities(
        dia.disparity(rates, reference), low, high),
)


# -- concept questions and the written question -----------------------------------------------------

written = Written(LESSON, "ex5_written", "Does passing mean fair?")

q_air = Question.choice(LESSON, "q1_air", "What an AIR of 1.0491 says", """
(b) women are predicted not to default 1.0491 times as often as men; inside 0.8 to 1.25, so the ratio passes
    the four-fifths screen.
(a) the AIR compares the favourable outcome, being predicted NOT to default; women get it slightly more
    often than men, not the adverse one.
(c) the four-fifths rule is a screen, not a verdict: error rates, the cutoff and the reference group can all
    tell another story, as sections 7 and 8 show.
(d) the band runs from 0.8 to 1.25; 1.0491 is well inside it, so nobody is flagged.
""")

q_cutoff = Question.choice(LESSON, "q2_cutoff", "Why the youngest customers' AIR collapses at a low cutoff", """
(b) at 0.1, 5.6 % of customers under 25 are predicted not to default against 29 % of those aged 35 to 44:
    0.056 / 0.29 is about 0.19, far below 0.8.
(a) the same model gives customers under 25 an AIR of 0.851 at a cutoff of 0.2 and 0.194 at 0.1: an AIR
    belongs to a model and a cutoff.
(c) a lower cutoff predicts default MORE often, so fewer customers get the favourable outcome, and the young
    lose it first.
(d) the model is the same at every cutoff; only the rule that turns its probabilities into decisions moved.
""")


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (validation and test outcomes and
    probabilities, the test decisions at the F1-optimal cutoff, the protected groups), from a
    quick XGBoost model instead of the lesson's H2O GBM."""
    from workshop_utils import data
    from workshop_utils.xgboost_models import fit_xgboost

    parts = data.split_data(data.load_credit_data())
    model = fit_xgboost(parts.train.iloc[:4000], parts.valid.iloc[:1000], data.MODEL_INPUTS, data.TARGET)

    def probability(frame: pd.DataFrame) -> pd.Series:
        return pd.Series(model.predict_proba(frame[data.MODEL_INPUTS])[:, 1], index=frame.index)

    valid_prob, test_prob = probability(parts.valid), probability(parts.test)
    cutoff, _ = cutoffs.best_f1_cutoff(parts.valid[data.TARGET], valid_prob)
    return {"y_valid": parts.valid[data.TARGET], "valid_prob": valid_prob, "y_test": parts.test[data.TARGET],
            "test_prob": test_prob, "decision": pd.Series(cutoffs.decide(test_prob, cutoff), index=parts.test.index),
            "groups": dia.protected_groups(parts.test)}


EXERCISES = [f1_cutoff, rates, air, q_air, flags, q_cutoff, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""
