"""Lesson 11's exercises (error analysis and mitigation): down-sampling to a target balance, a
cohort's error rate and error coverage, and a per-group cutoff that reaches a target adverse
impact ratio (checked against fairlearn's ThresholdOptimizer on a synthetic case); two concept
questions and a written question.

Each exercise's cases are judged against a closed form, a brute-force search or fairlearn, never
against the course helper the learner is asked to replace, and the hidden cases use inputs the
lesson never printed (other shares, cohorts, groups and rows, synthetic data with a known answer).

Example:
    >>> cohort.title, len(cohort.hints) >= 2
    ('A cohort by hand', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from workshop_utils import SEED, error_analysis, imbalance, mitigation
from workshop_utils.exercises.engine import Case, Exercise, Question, Written, close

__all__ = ["EXERCISES", "LESSON", "cohort", "cutoff", "downsample", "q_coverage", "q_treatment", "written"]

LESSON = "11_error_analysis_and_mitigation"


# -- 1. down-sampling to a target balance ---------------------------------------------------------------

def wanted_balance(frame: pd.DataFrame, target: str, share: float, seed: int) -> pd.DataFrame:
    """The reference: every row with target 1 and, drawn with pandas, round(p (1 - share) / share)
    rows with target 0 (a closed-form count). Any such draw is right, so the frame carries in its
    ``attrs`` what an answer is judged on: the source frame, the target and the count of 0s."""
    positives, negatives = frame[frame[target] == 1], frame[frame[target] == 0]
    wanted = round(len(positives) * (1 - share) / share)
    sample = pd.concat([positives, negatives.sample(n=wanted, replace=False, random_state=seed)])
    sample.attrs = {"source": frame, "target": target, "negatives": wanted}
    return sample


def is_balanced(got: Any, expected: pd.DataFrame) -> bool:
    """A frame of the source frame's own rows (same index labels, columns and values), no row
    twice, every 1 kept and exactly the wanted number of 0s."""
    return balance_problem(got, expected) is None


def balance_problem(got: Any, expected: pd.DataFrame) -> str | None:
    """What is wrong with a down-sampled frame, or None when nothing is."""
    frame, target, wanted = expected.attrs["source"], expected.attrs["target"], expected.attrs["negatives"]
    if not isinstance(got, pd.DataFrame):
        return "return a pandas DataFrame: the kept rows of `frame`."
    if list(got.columns) != list(frame.columns):
        return "keep every column of `frame`, in its order, and add none."
    if got.index.has_duplicates:
        return "a row appears twice: draw the rows with target 0 WITHOUT replacement (`replace=False`)."
    if not got.index.isin(frame.index).all():
        return "keep `frame`'s own index labels: do not reset the index."
    if not got.equals(frame.loc[got.index]):
        return "return the rows of `frame` as they are: no values changed."
    if not frame.index[frame[target] == 1].isin(got.index).all():
        return f"keep EVERY row with {target} = 1; only rows with {target} = 0 are dropped."
    negatives = int((got[target] == 0).sum())
    if negatives != wanted:
        return (f"you kept {negatives} rows with {target} = 0; with p rows of 1s, a share s needs "
                f"round(p * (1 - s) / s) = {wanted} of them.")
    return None


downsample_case = lambda name, arguments, lesson_result=False: Case(  # noqa: E731
    name, arguments, wanted_balance, is_balanced, balance_problem, lesson_result)


def toy_frame(_: dict) -> tuple:
    """Ten toy rows, two of them defaults, labelled 100 to 109, to a share of 0.4."""
    frame = pd.DataFrame({"x": range(10), "y": [0, 1, 0, 0, 0, 0, 1, 0, 0, 0]}, index=range(100, 110))
    return frame, "y", 0.4, 0


def string_index(_: dict) -> tuple:
    """Forty synthetic rows labelled by strings, a target named "bad", to a share of 0.25."""
    rng = np.random.default_rng(SEED)
    frame = pd.DataFrame({"amount": rng.normal(size=40), "bad": (np.arange(40) % 8 == 0).astype(int)},
                         index=[f"row{i}" for i in range(40)])
    return frame, "bad", 0.25, 3


downsample = Exercise(
    LESSON, "ex1_downsample", "Down-sampling to a target balance",
    visible=[
        downsample_case("ten toy rows with two defaults, to a share of 0.4", toy_frame),
        downsample_case("the lesson's training rows, to a share of 0.5",
                        lambda c: (c["train"], "DEFAULT_NEXT_MONTH", 0.5, SEED), lesson_result=True),
    ],
    hidden=[
        downsample_case("the lesson's training rows, to a share of 0.3",
                        lambda c: (c["train"], "DEFAULT_NEXT_MONTH", 0.3, 7)),
        downsample_case("the validation rows, to a share of 0.35",
                        lambda c: (c["valid"], "DEFAULT_NEXT_MONTH", 0.35, 1)),
        downsample_case("forty synthetic rows with string labels and a target named 'bad', to 0.25", string_index),
    ],
    hints=[
        "Split the rows by the target. Keep all p rows with target 1; from the rows with target 0 draw "
        "round(p * (1 - share) / share) without replacement (`DataFrame.sample` with `random_state=seed`), "
        "then put the two parts together.",
        "`pos, neg = frame[frame[target] == 1], frame[frame[target] == 0]`; "
        "`n = round(len(pos) * (1 - share) / share)`; "
        "`return pd.concat([pos, neg.sample(n=n, replace=False, random_state=seed)])`.",
    ],
    helpers=["workshop_utils.imbalance.downsample", "workshop_utils.imbalance.upsample"],
    helper_answer=lambda frame, target, share, seed: imbalance.downsample(frame, target, share, seed),
)


# -- 2. a cohort's error rate and error coverage ------------------------------------------------------------

def rate_and_coverage(wrong: Any, in_cohort: Any) -> tuple[float, float]:
    """The reference, a closed form: errors in the cohort over its rows, and over all errors."""
    wrong = np.asarray(wrong, dtype=float).ravel()
    inside = np.asarray(in_cohort, dtype=bool).ravel()
    return float(wrong[inside].sum() / inside.sum()), float(wrong[inside].sum() / wrong.sum())


def diagnose_cohort(got: Any, expected: tuple[float, float]) -> str | None:
    """The likely mistake behind a wrong (error rate, error coverage) pair."""
    try:
        rate, coverage = (float(v) for v in got)
    except (TypeError, ValueError):
        return "return a tuple of two numbers: `(error_rate, error_coverage)`."
    if np.isclose(rate, expected[1]) and np.isclose(coverage, expected[0]):
        return "the two are swapped: the error rate comes first, then the coverage."
    if np.isclose(rate, expected[0]):
        return ("the error rate is right; the coverage is the cohort's errors over ALL errors (not over all rows, "
                "and not the cohort's share of rows).")
    return "the error rate is the cohort's errors over the cohort's rows: `wrong[in_cohort].mean()`."


cohort_case = lambda name, arguments, lesson_result=False: Case(  # noqa: E731
    name, arguments, rate_and_coverage, close(1e-9), diagnose_cohort, lesson_result)


def leaf_mask(position: int) -> Any:
    """The cohort of the error tree's leaf at ``position`` in the cohort table (0: the worst)."""
    return lambda c: (c["wrong"], c["leaves"] == c["leaf_order"][position])


def cohort_from_tree(wrong: Any, in_cohort: Any) -> tuple[float, float]:
    """An answer that leans on the course's helper: a one-split tree on the cohort flag, read by
    ``error_analysis.cohorts`` (the exercise's trap stops it)."""
    flag = pd.DataFrame({"in": np.asarray(in_cohort, dtype=int)})
    tree = error_analysis.fit_error_tree(flag, wrong, max_depth=1, min_samples_leaf=1)
    table = error_analysis.cohorts(tree, flag, wrong)
    row = table[table["rule"] == "in > 0.5"].iloc[0]
    return float(row["error rate"]), float(row["error coverage"])


cohort = Exercise(
    LESSON, "ex2_cohort", "A cohort by hand",
    visible=[
        cohort_case("eight toy decisions, three wrong, a cohort of four rows holding two of them",
                    lambda c: ([0, 1, 1, 0, 0, 1, 0, 0], [True, True, False, True, True, False, False, False])),
        cohort_case("the lesson's worst cohort (test rows)", leaf_mask(0), lesson_result=True),
    ],
    hidden=[
        cohort_case("the error tree's second-worst cohort", leaf_mask(1)),
        cohort_case("the error tree's best cohort", leaf_mask(-1)),
        cohort_case("customers with PAY_0 at 2 or more, as pandas Series",
                    lambda c: (pd.Series(c["wrong"]), pd.Series(c["X_err"]["PAY_0"].to_numpy() >= 2))),
        cohort_case("a cohort with no errors in it (coverage 0)",
                    lambda c: (np.array([1, 0, 0, 1, 0]), np.array([False, True, True, False, False]))),
    ],
    hints=[
        "The cohort's errors are `wrong` where `in_cohort` is true. The error rate divides them by the cohort's "
        "rows; the error coverage divides them by all errors.",
        "`wrong, inside = np.asarray(wrong, dtype=float), np.asarray(in_cohort, dtype=bool)`; "
        "`errors = wrong[inside].sum()`; `return float(errors / inside.sum()), float(errors / wrong.sum())`.",
    ],
    helpers=["workshop_utils.error_analysis.cohorts", "workshop_utils.error_analysis.error_heatmap"],
    helper_answer=lambda wrong, in_cohort: cohort_from_tree(wrong, in_cohort),
)


# -- 3. a per-group cutoff that reaches a target ratio ---------------------------------------------------------

def brute_force_cutoffs(probability: Any, groups: Any, cutoff: float, target: float) -> dict:
    """The reference, by brute force: for each group try ``cutoff``, then each of the group's own
    probabilities above it in turn, then a value just above its highest, and keep the first at
    which its favourable rate reaches ``target`` times the best group's rate at ``cutoff``."""
    p = np.asarray(probability, dtype=float)
    labels = np.asarray(groups, dtype=object)
    names = sorted(set(labels.tolist()))
    best = max(float(np.mean(p[labels == g] < cutoff)) for g in names)
    cuts = {}
    for g in names:
        values = p[labels == g]
        candidates = [cutoff, *sorted(set(values[values > cutoff].tolist())), float(np.nextafter(values.max(), np.inf))]
        cuts[g] = next(float(t) for t in candidates if np.mean(values < t) >= target * best - 1e-12)
    return cuts


def same_cutoffs(got: Any, expected: dict) -> bool:
    """A dict (or Series) with the same groups and the same cutoffs within 1e-12."""
    try:
        got = dict(got)
    except (TypeError, ValueError):
        return False
    return set(got) == set(expected) and all(abs(float(got[g]) - expected[g]) <= 1e-12 for g in expected)


def diagnose_cutoffs(got: Any, expected: dict) -> str | None:
    """The likely mistake behind wrong per-group cutoffs."""
    try:
        got = dict(got)
    except (TypeError, ValueError):
        return "return a dict: group -> cutoff."
    if set(got) != set(expected):
        return f"return one cutoff for every group that occurs: {sorted(expected)}."
    lowered = [g for g in expected if float(got[g]) < expected[g] - 1e-12]
    if lowered:
        return (f"the cutoff for {lowered[0]!r} is too low: its favourable rate (probability BELOW the cutoff) "
                "must reach target times the best group's rate; count strictly below (<).")
    return ("a cutoff is higher than needed: a group that already reaches the target keeps `cutoff`; any other takes "
            "the LOWEST of its own probabilities above `cutoff` at which it reaches it.")


cutoff_case = lambda name, arguments, lesson_result=False: Case(  # noqa: E731
    name, arguments, brute_force_cutoffs, same_cutoffs, diagnose_cutoffs, lesson_result)


class GivenScore(ClassifierMixin, BaseEstimator):
    """A 'model' whose probability of class 1 is the first column of its input: fairlearn's
    ThresholdOptimizer then post-processes exactly the scores we give it."""

    def fit(self, X: Any, y: Any) -> GivenScore:
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        score = np.asarray(X, dtype=np.float64)[:, 0]
        return np.column_stack([1 - score, score])


@dataclass(frozen=True)
class ThresholdOptimizerRates:
    """The favourable rate fairlearn's ThresholdOptimizer (demographic parity) reaches in every
    group, in expectation, and the data a learner's cutoffs are judged on."""

    rates: dict
    probability: np.ndarray
    groups: np.ndarray

    def __repr__(self) -> str:
        shown = ", ".join(f"{g!r}: {r:.3f}" for g, r in self.rates.items())
        return f"favourable rates within two rows of ThresholdOptimizer's ({shown})"


def synthetic_parity() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """400 rows of group 'a' and 300 of group 'b' (riskier scores), outcomes drawn from the scores."""
    rng = np.random.default_rng(SEED + 11)
    groups = np.array(["a"] * 400 + ["b"] * 300, dtype=object)
    score = np.concatenate([rng.beta(2, 6, 400), rng.beta(3, 4, 300)])
    return score, groups, (rng.random(len(score)) < score).astype(int)


def threshold_optimizer_case(_: dict) -> tuple:
    """Fit ThresholdOptimizer (demographic parity, accuracy) on the synthetic rows; the common
    cutoff is where group 'a' (the most favoured) has its favourable rate; target 1.0."""
    score, groups, _outcome = synthetic_parity()
    rate = threshold_optimizer_rates(score, groups, _outcome)["a"]
    values = np.sort(score[groups == "a"])
    common = float(values[int(np.ceil(rate * len(values) - 1e-9))])
    return score, groups, common, 1.0


def threshold_optimizer_rates(score: np.ndarray, groups: np.ndarray, outcome: np.ndarray) -> dict:
    """Expected favourable rate per group of fairlearn's ThresholdOptimizer on these scores."""
    from fairlearn.postprocessing import ThresholdOptimizer

    optimizer = ThresholdOptimizer(estimator=GivenScore(), constraints="demographic_parity",
                                   predict_method="predict_proba", objective="accuracy_score")
    X = score.reshape(-1, 1)
    optimizer.fit(X, outcome, sensitive_features=groups)
    flagged = optimizer._pmf_predict(X, sensitive_features=groups)[:, 1]
    return {g: float(1 - flagged[groups == g].mean()) for g in sorted(set(groups))}


def expected_by_fairlearn(probability: Any, groups: Any, cutoff: float, target: float) -> ThresholdOptimizerRates:
    """The reference of the fairlearn case: ThresholdOptimizer's rates on the same synthetic rows."""
    score, labels, outcome = synthetic_parity()
    return ThresholdOptimizerRates(threshold_optimizer_rates(score, labels, outcome), score, labels)


def near_fairlearn(got: Any, expected: ThresholdOptimizerRates) -> bool:
    """The learner's cutoffs give every group a favourable rate within two rows of ThresholdOptimizer's."""
    try:
        got = dict(got)
        for g, rate in expected.rates.items():
            values = expected.probability[expected.groups == g]
            if abs(float(np.mean(values < float(got[g]))) - rate) > 2 / len(values) + 1e-9:
                return False
        return True
    except (TypeError, ValueError, KeyError):
        return False


cutoff = Exercise(
    LESSON, "ex3_group_cutoff", "A per-group cutoff by hand",
    visible=[
        cutoff_case("eight toy rows in groups a and b, cutoff 0.4, target 0.6",
                    lambda c: ([.1, .2, .3, .6, .3, .5, .7, .8], list("aaaabbbb"), 0.4, 0.6)),
        cutoff_case("the lesson's validation rows by sex and age band, target 0.8",
                    lambda c: (c["valid_probability"], c["valid_groups"], c["cutoff"], 0.8), lesson_result=True),
    ],
    hidden=[
        Case("a synthetic case against fairlearn's ThresholdOptimizer (demographic parity, target 1.0)",
             threshold_optimizer_case, expected_by_fairlearn, near_fairlearn),
        cutoff_case("the lesson's test rows by sex and age band, target 0.9",
                    lambda c: (c["test_probability"], c["test_groups"], c["cutoff"], 0.9)),
        cutoff_case("the toy rows where every group already passes (target 0.3)",
                    lambda c: (np.array([.1, .2, .3, .6, .3, .5, .7, .8]), np.array(list("aaaabbbb")), 0.4, 0.3)),
        cutoff_case("a group that needs every row favourable (target 1.0)",
                    lambda c: ([.1, .2, .3, .5, .6, .7], list("aaabbb"), 0.4, 1.0)),
    ],
    hints=[
        "First the best group's favourable rate at `cutoff` (the share of its probabilities below `cutoff`). For "
        "each group: if its own rate at `cutoff` reaches `target` times that, keep `cutoff`; otherwise try its own "
        "probabilities above `cutoff`, lowest first, until its rate (share strictly below) reaches it. If none does, "
        "use `np.nextafter(highest, np.inf)`.",
        "`p, g = np.asarray(probability, dtype=float), np.asarray(groups, dtype=object)`; "
        "`best = max(np.mean(p[g == k] < cutoff) for k in set(g))`; per group `v = p[g == k]`, "
        "`candidates = [cutoff, *np.unique(v[v > cutoff]), np.nextafter(v.max(), np.inf)]` and keep the first "
        "`t` with `np.mean(v < t) >= target * best - 1e-12`.",
    ],
    helpers=["workshop_utils.mitigation.group_cutoffs", "workshop_utils.mitigation.decide_by_group"],
    helper_answer=lambda probability, groups, cutoff, target:
        mitigation.group_cutoffs(probability, groups, cutoff, target).to_dict(),
)


# -- concept questions and the written question ----------------------------------------------------------------

q_coverage = Question.choice(LESSON, "q1_coverage", "Which cohort to look at first", """
(c) B: it holds 40 % of all the errors at an error rate well above the overall 20 %; fixing it changes many
    decisions. A's rate is higher, but it holds only 5 % of the errors.
(a) a high error rate on a cohort that holds 5 % of the errors cannot move the overall error rate much, and a
    small cohort's rate is the noisiest.
(b) error coverage alone is not enough: C covers 50 % of the errors only because it is half of the rows, and
    its error rate is the overall rate, so nothing about it is special.
(d) the cohorts differ: two have error rates above the overall rate, and one of them holds many errors.
""")

q_treatment = Question.choice(LESSON, "q2_treatment", "Which methods need sex and age at decision time", """
(b) per-group cutoffs, and ThresholdOptimizer, choose each applicant's cutoff from their group, so they must
    know every applicant's sex and age band when deciding.
(a) ExponentiatedGradient uses the groups while it trains; its models then score the inputs alone.
(c) resampling changes the training rows; the model it gives scores the inputs alone.
(d) fairlearn removes nothing: ThresholdOptimizer's predict asks for sensitive_features for every row.
""")

written = Written(LESSON, "ex4_written", "What mitigation can and cannot fix")

EXERCISES = [downsample, cohort, q_coverage, q_treatment, cutoff, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (training and validation rows, the test
    decisions' errors, the error tree's leaves, validation and test probabilities with their groups
    and the cutoff), built quickly for the course's own tests of these exercises."""
    from workshop_utils import cutoffs, data, dia
    from workshop_utils.xgboost_models import fit_xgboost, predict_default

    parts = data.split_data(data.load_credit_data())
    inputs = list(data.MODEL_INPUTS)
    predict = predict_default(fit_xgboost(parts.train.iloc[:4000], parts.valid.iloc[:1000], inputs, data.TARGET, n_jobs=1))
    valid_p, test_p = predict(parts.valid), predict(parts.test)
    common, _ = cutoffs.best_f1_cutoff(parts.valid[data.TARGET], valid_p)
    wrong = error_analysis.wrong_decisions(parts.test[data.TARGET], cutoffs.decide(test_p, common))
    X_err = parts.test[[*inputs, "SEX", "AGE", "EDUCATION", "MARRIAGE"]]
    tree = error_analysis.fit_error_tree(X_err, wrong)
    return {"train": parts.train, "valid": parts.valid, "wrong": wrong, "X_err": X_err,
            "leaves": tree.apply(X_err), "leaf_order": error_analysis.cohorts(tree, X_err, wrong).index.to_numpy(),
            "valid_probability": valid_p, "test_probability": test_p, "cutoff": common,
            "valid_groups": mitigation.intersections(dia.protected_groups(parts.valid)).to_numpy(),
            "test_groups": mitigation.intersections(dia.protected_groups(parts.test)).to_numpy()}
