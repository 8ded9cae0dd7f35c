"""Lesson 08's exercises (from GLM to GBM): the inputs the LASSO keeps, a cross-validated mean
rank, the profit of a model's decisions at a given cutoff and the cheapest cutoff under stated
costs; two concept questions and a written recommendation.

Every case is judged against scikit-learn, SciPy or a closed form, never against the
course helper the learner replaces. The hidden cases go beyond the lesson's printed numbers:
another penalty, other rows and columns, other metrics, the other models, synthetic tables and
toy customers with a known answer.

A reference result remembers the arguments it came from (:func:`remembered`), so a diagnosis can
work out what a likely mistake would have returned on the same case and name it.

Example:
    >>> selection.title, len(selection.hints) >= 2
    ('Which inputs survive the LASSO', True)
    >>> profit_reference([0, 0, 1], [0.1, 0.5, 0.2], 0.5, 10, 30)
    -20.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from workshop_utils import SEED, lasso, model_choice
from workshop_utils import cross_validation as cv
from workshop_utils.data import MODEL_INPUTS, TARGET
from workshop_utils.exercises.engine import Case, Exercise, Question, Written, close, equal
from workshop_utils.penalised_glm import glm_coefficients

__all__ = ["EXERCISES", "LESSON", "cost_cutoff", "cv_rank", "demo_context", "profit", "q_folds", "q_lasso",
           "selection", "written"]

LESSON = "08_glm_to_gbm"


# -- references that remember their arguments ---------------------------------------------------

class Remembered:
    """A reference result that keeps the arguments it was computed from."""

    arguments: tuple = ()


class RememberedList(Remembered, list):
    """A list reference (compares and prints as a plain list)."""


class RememberedFloat(Remembered, float):
    """A number reference (compares and prints as a plain float)."""


def remembered(value: list | float, arguments: tuple) -> Any:
    """``value`` as a list or float that also carries ``arguments``.

    >>> result = remembered(0.5, ("x",))
    >>> result == 0.5, result.arguments
    (True, ('x',))
    """
    result = RememberedList(value) if isinstance(value, list) else RememberedFloat(value)
    result.arguments = arguments
    return result


def first_mistake(got: Any, expected: Any, mistakes: Mapping[str, Callable[[], Any]],
                  compare: Callable[[Any, Any], bool]) -> str | None:
    """The first mistake whose result (computed only when needed) matches what the answer gave
    and differs from the right result.

    >>> first_mistake(3, 2, {"added one": lambda: 3}, equal)
    'added one'
    """
    for message, result in mistakes.items():
        wrong = result()
        if compare(got, wrong) and not compare(expected, wrong):
            return message
    return None


# -- 1. which inputs survive the LASSO ----------------------------------------------------------

def lasso_reference(X: pd.DataFrame, y: Any, C: float, standardise: bool = True, **settings: Any) -> list[str]:
    """Names of the columns whose L1 logistic-regression coefficient is not zero (scikit-learn)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    values = StandardScaler().fit_transform(X) if standardise else X.to_numpy(dtype=float)
    model = LogisticRegression(C=C, **{**lasso.LASSO_PARAMS, **settings}).fit(values, np.asarray(y))
    return [name for name, coefficient in zip(X.columns, model.coef_[0], strict=True) if coefficient != 0]


def kept_inputs(X: pd.DataFrame, y: Any, C: float) -> list[str]:
    """The reference for exercise 1, remembering its arguments for the diagnosis."""
    return remembered(lasso_reference(X, y, C), (X, y, C))


def diagnose_selection(got: Any, expected: RememberedList) -> str | None:
    """The likely mistake behind a wrong list of surviving inputs."""
    if not isinstance(got, list) or not all(isinstance(name, str) for name in got):
        return "return a plain list of column names (strings), not an Index, an array or the coefficients."
    if sorted(got) == sorted(expected):
        return "list the names in the order of X's columns."
    X, y, C = expected.arguments
    mistakes = {
        "standardise X first (StandardScaler): without it the penalty falls hardest on inputs measured in "
        "small units, whatever their effect.": lambda: lasso_reference(X, y, C, standardise=False),
        "use the L1 penalty (`**LASSO_PARAMS`): the default L2 penalty shrinks coefficients but never makes "
        "them exactly zero.": lambda: list(X.columns),
        "C is the inverse of the penalty: pass C as it is, not 1 / C.": lambda: lasso_reference(X, y, 1 / C),
        "keep the inputs whose coefficient is NOT zero.": lambda: [n for n in X.columns if n not in expected],
    }
    return first_mistake(got, expected, mistakes, equal) or (
        "fit `LogisticRegression(C=C, **LASSO_PARAMS)` on the standardised X and keep the names whose "
        "coefficient is not 0.")


def toy_signals(_: Mapping | None = None) -> pd.DataFrame:
    """2,000 rows: three inputs that drive a 0/1 target (one in thousands, one in thousandths)
    and three pure-noise inputs; the target is the last column, ``y``."""
    rng = np.random.default_rng(7)
    toy = pd.DataFrame(rng.normal(size=(2000, 6)), columns=["s1", "s2", "s3", "n1", "n2", "n3"])
    log_odds = 1.5 * toy["s1"] - 1.0 * toy["s2"] + 0.8 * toy["s3"]
    toy["s2"] *= 1000.0
    toy["s3"] /= 1000.0
    toy["y"] = (rng.random(2000) < 1 / (1 + np.exp(-log_odds))).astype(int)
    return toy


def toy_selection(C: float) -> Callable[[Mapping], tuple]:
    """Arguments of a case on the toy table at penalty ``C``."""
    def arguments(_: Mapping) -> tuple:
        toy = toy_signals()
        return toy.drop(columns="y"), toy["y"], C

    return arguments


def selection_case(name: str, arguments: Callable[[Mapping], tuple], lesson_result: bool = False) -> Case:
    """A case of exercise 1."""
    return Case(name, arguments, kept_inputs, equal, diagnose_selection, lesson_result)


SHUFFLED = ["PAY_AMT1", "BILL_AMT2", "BILL_AMT1", "LIMIT_BAL", "PAY_2", "PAY_0"]
"""Six of the lesson's inputs in an order of their own."""

selection = Exercise(
    LESSON, "ex1_lasso", "Which inputs survive the LASSO",
    visible=[
        selection_case("a toy table of 2,000 rows (three inputs drive the target, one of them in thousands and one "
                       "in thousandths; three are noise) at C = 0.01", toy_selection(0.01)),
        selection_case("the lesson's training rows and 19 inputs at the chosen C",
                       lambda c: (c["train"][list(MODEL_INPUTS)], c["train"][TARGET], c["C"]), lesson_result=True),
    ],
    hidden=[
        selection_case("the toy table at C = 1 (a weak penalty, so the noise gets in too)", toy_selection(1.0)),
        selection_case("the toy table at C = 0.00001 (so strong a penalty that nothing survives)", toy_selection(1e-5)),
        selection_case("the lesson's training rows at a ten times stronger penalty (C / 10)",
                       lambda c: (c["train"][list(MODEL_INPUTS)], c["train"][TARGET], c["C"] / 10)),
        selection_case("the first 3,000 training rows, six inputs in another order, at the chosen C",
                       lambda c: (c["train"][SHUFFLED].iloc[:3000], c["train"][TARGET].iloc[:3000], c["C"])),
    ],
    hints=[
        "Two steps: put every column on the same scale (`StandardScaler().fit_transform(X)`), then fit the L1 "
        "logistic regression with `LogisticRegression(C=C, **LASSO_PARAMS)`. The fitted `coef_[0]` has one "
        "coefficient per column, in X's order.",
        "After the imports: `scaled = StandardScaler().fit_transform(X)`; "
        "`model = LogisticRegression(C=C, **LASSO_PARAMS).fit(scaled, y)`; "
        "`return [name for name, coef in zip(X.columns, model.coef_[0]) if coef != 0]`.",
    ],
    helpers=["workshop_utils.lasso.fit_lasso", "workshop_utils.lasso.selected_inputs", "workshop_utils.lasso.lasso_path",
             "workshop_utils.penalised_glm.fit_glm"],
    helper_answer=lambda X, y, C: lasso.selected_inputs(glm_coefficients(lasso.fit_lasso(X, y, C))),
)


# -- 2. a cross-validated mean rank --------------------------------------------------------------

def scipy_mean_rank(table: pd.DataFrame, higher_is_better: bool = True) -> pd.Series:
    """The reference: SciPy's average ranks within each row (1 = best), averaged down the columns."""
    from scipy.stats import rankdata

    values = table.to_numpy(dtype=float)
    ranks = rankdata(-values if higher_is_better else values, axis=1, method="average")
    return pd.Series(ranks.mean(axis=0), index=table.columns)


def same_by_model(got: Any, expected: pd.Series) -> bool:
    """A Series with the same model names (in any order) and the same values."""
    if not isinstance(got, pd.Series) or got.index.has_duplicates or set(got.index) != set(expected.index):
        return False
    return close(1e-9)(got.reindex(expected.index).to_numpy(dtype=float), expected.to_numpy(dtype=float))


def diagnose_rank(got: Any, expected: pd.Series) -> str | None:
    """The likely mistake behind wrong mean ranks."""
    if not isinstance(got, pd.Series):
        return "return a pandas Series indexed by model name (the mean of a table of ranks, `.mean(axis=0)`, is one)."
    if set(got.index) != set(expected.index):
        return "index the result by model name (the table's columns): rank along each row, then average down each column."
    values = got.reindex(expected.index).to_numpy(dtype=float)
    models = len(expected)
    if np.allclose(values, models + 1 - expected.to_numpy(dtype=float)):
        return "the ranks run the wrong way: 1 is the best model, the highest value (the lowest when higher_is_better is False)."
    if not np.isclose(values.sum(), models * (models + 1) / 2):
        return ("rank the models within each fold, so each row's ranks are 1 to the number of models "
                "(`axis=1`), and let tied models share the average of their ranks (`method='average'`).")
    return None


def rank_case(name: str, arguments: Callable[[Mapping], tuple], lesson_result: bool = False) -> Case:
    """A case of exercise 2."""
    return Case(name, arguments, scipy_mean_rank, same_by_model, diagnose_rank, lesson_result)


def fold_table(metric: str) -> Callable[[Mapping], pd.DataFrame]:
    """One metric of the lesson's cross-validation, one row per fold and one column per model."""
    return lambda c: c["scores"][metric].unstack("model").astype(float)


def toy_folds() -> pd.DataFrame:
    """Four folds, three models, with ties (fold 1: a and b; fold 3: all three)."""
    return pd.DataFrame({"a": [0.9, 0.5, 0.7, 0.6], "b": [0.8, 0.5, 0.9, 0.6], "c": [0.1, 0.2, 0.3, 0.6]})


def random_folds() -> pd.DataFrame:
    """Ten folds, four models, values rounded to one decimal so ties are common."""
    rng = np.random.default_rng(SEED)
    return pd.DataFrame(rng.uniform(size=(10, 4)).round(1), columns=["w", "x", "y", "z"])


cv_rank = Exercise(
    LESSON, "ex2_rank", "A cross-validated mean rank",
    visible=[
        rank_case("a toy table of 4 folds and models a, b, c, with ties, higher is better", lambda c: (toy_folds(),)),
        rank_case("the lesson's AUC in each fold", lambda c: (fold_table("auc")(c),), lesson_result=True),
    ],
    hidden=[
        rank_case("the toy table with lower is better", lambda c: (toy_folds(), False)),
        rank_case("the lesson's logloss in each fold (lower is better)", lambda c: (fold_table("logloss")(c), False)),
        rank_case("the lesson's accuracy in each fold", lambda c: (fold_table("accuracy")(c), True)),
        rank_case("a random table of 10 folds and 4 models with many ties", lambda c: (random_folds(),)),
    ],
    hints=[
        "`table.rank(axis=1)` ranks the models within each row (fold); its `ascending` argument says whether the "
        "smallest value gets rank 1, and `method='average'` shares ranks between ties. Then average each column.",
        "`ranked = table.rank(axis=1, ascending=not higher_is_better, method='average')`; `return ranked.mean(axis=0)`.",
    ],
    helpers=["workshop_utils.cross_validation.fold_ranks", "workshop_utils.cross_validation.mean_ranks",
             "workshop_utils.cross_validation.cv_summary"],
    helper_answer=lambda table, higher_is_better=True: cv.fold_ranks(
        table.stack().rename_axis(["fold", "model"]).to_frame("metric"), {"metric": higher_is_better}
    )["metric"].groupby(level="model").mean(),
)


# -- 3. profit at a cutoff -------------------------------------------------------------------------

def approved_value(y_true: np.ndarray, approved: np.ndarray, gain_tn: float, loss_fn: float) -> float:
    """``gain_tn`` per approved payer minus ``loss_fn`` per approved defaulter, from scikit-learn's
    confusion matrix (declined = predicted 1)."""
    from sklearn.metrics import confusion_matrix

    tn, _, fn, _ = confusion_matrix(y_true, (~approved).astype(int), labels=[0, 1]).ravel()
    return float(gain_tn * tn - loss_fn * fn)


def profit_reference(y_true: Any, probability: Any, cutoff: float, gain_tn: float, loss_fn: float) -> float:
    """The reference: decline at or above ``cutoff``, value the approved customers."""
    value = approved_value(np.asarray(y_true), np.asarray(probability) < cutoff, gain_tn, loss_fn)
    return remembered(value, (y_true, probability, cutoff, gain_tn, loss_fn))


def diagnose_profit(got: Any, expected: RememberedFloat) -> str | None:
    """The likely mistake behind a wrong profit."""
    y_true, probability, cutoff, gain_tn, loss_fn = expected.arguments
    y, p = np.asarray(y_true), np.asarray(probability)
    mistakes = {
        "a customer whose probability equals the cutoff is declined: approve only `probability < cutoff`.":
            lambda: approved_value(y, p <= cutoff, gain_tn, loss_fn),
        "the decisions are reversed: approve the customers BELOW the cutoff, decline the rest.":
            lambda: approved_value(y, p >= cutoff, gain_tn, loss_fn),
        "gain and loss are swapped: an approved payer earns gain_tn, an approved defaulter loses loss_fn.":
            lambda: approved_value(y, p < cutoff, loss_fn, gain_tn),
        "an approved defaulter is a loss: subtract loss_fn for each one.":
            lambda: approved_value(y, p < cutoff, gain_tn, -loss_fn),
    }
    return first_mistake(got, expected, mistakes, close(1e-6)) or (
        "count the approved payers and the approved defaulters; declined customers count zero.")


def profit_case(name: str, arguments: Callable[[Mapping], tuple], lesson_result: bool = False) -> Case:
    """A case of exercise 3."""
    return Case(name, arguments, profit_reference, close(1e-6), diagnose_profit, lesson_result)


def lesson_profit(model: str, gain_tn: float, loss_fn: float, cutoff: float | None = None) -> Callable[[Mapping], tuple]:
    """Arguments of a case on one model's test probabilities, at its F1 cutoff unless ``cutoff`` is given."""
    return lambda c: (c["y"], c["probability"][model], c["cutoffs"][model] if cutoff is None else cutoff,
                      gain_tn, loss_fn)


TOY_Y = [0, 0, 1, 1, 0, 1]
TOY_P = [0.1, 0.4, 0.8, 0.6, 0.5, 0.3]

profit = Exercise(
    LESSON, "ex3_profit", "Profit at a cutoff",
    visible=[
        profit_case("six toy customers (y [0, 0, 1, 1, 0, 1], probability [0.1, 0.4, 0.8, 0.6, 0.5, 0.3]), "
                    "cutoff 0.5, gain 100, loss 400", lambda c: (np.array(TOY_Y), np.array(TOY_P), 0.5, 100, 400)),
        profit_case("the lesson's GLM at its F1 cutoff, gain 2,000, loss 8,000", lesson_profit("glm", 2_000, 8_000),
                    lesson_result=True),
    ],
    hidden=[
        profit_case("the toy customers as lists, cutoff 0 (everyone declined)", lambda c: (TOY_Y, TOY_P, 0.0, 100, 400)),
        profit_case("the toy customers, cutoff 1.01 (everyone approved)",
                    lambda c: (np.array(TOY_Y), np.array(TOY_P), 1.01, 100, 400)),
        profit_case("the lesson's unconstrained GBM at its F1 cutoff, gain 1,500, loss 6,000",
                    lesson_profit("gbm", 1_500, 6_000)),
        profit_case("the lesson's monotonic GBM at cutoff 0.3, gain 2,500, loss 9,000",
                    lesson_profit("mgbm", 2_500, 9_000, cutoff=0.3)),
    ],
    hints=[
        "Approved customers are those with `probability < cutoff`. Among them, count the payers (`y_true == 0`) "
        "and the defaulters (`y_true == 1`); declined customers add nothing.",
        "`y_true = np.asarray(y_true)`; `approved = np.asarray(probability) < cutoff`; "
        "`return float(gain_tn * np.sum(approved & (y_true == 0)) - loss_fn * np.sum(approved & (y_true == 1)))`.",
    ],
    helpers=["workshop_utils.model_choice.profit", "workshop_utils.model_choice.profit_at_cutoff",
             "workshop_utils.model_choice.profit_curve"],
    helper_answer=lambda y_true, probability, cutoff, gain_tn, loss_fn: model_choice.profit_at_cutoff(
        y_true, probability, cutoff, gain_tn, loss_fn),
)


# -- 4. the cheapest cutoff, chosen on validation rows ---------------------------------------------

def sklearn_cost_cutoff(y_true: Any, probability: Any, cost_fn: float, cost_fp: float,
                        lowest_on_ties: bool = True, sign: float = 1.0) -> float:
    """The reference: scikit-learn's ROC points (every distinct probability as a threshold, and
    ``inf`` for declining nobody) turned back into counts of missed defaults and wrongly declined
    payers; the cutoff of the lowest total cost, ties to the lowest cutoff. ``lowest_on_ties`` and
    ``sign`` (-1: the highest cost) describe likely mistakes."""
    from sklearn.metrics import roc_curve

    y = np.asarray(y_true)
    fpr, tpr, thresholds = roc_curve(y, np.asarray(probability, dtype=float), drop_intermediate=False)
    payers, defaulters = int(np.sum(y == 0)), int(np.sum(y == 1))
    wrongly_declined = np.rint(fpr * payers) if payers else np.zeros_like(fpr)
    missed = defaulters - (np.rint(tpr * defaulters) if defaulters else np.zeros_like(tpr))
    costs = sign * (cost_fn * missed + cost_fp * wrongly_declined)
    best = len(costs) - 1 - int(np.argmin(costs[::-1])) if lowest_on_ties else int(np.argmin(costs))
    return float(thresholds[best])


def cheapest_cutoff(y_true: Any, probability: Any, cost_fn: float, cost_fp: float) -> float:
    """The reference for exercise 4, remembering its arguments for the diagnosis."""
    return remembered(sklearn_cost_cutoff(y_true, probability, cost_fn, cost_fp),
                      (y_true, probability, cost_fn, cost_fp))


def same_cutoff(got: Any, expected: float) -> bool:
    """The same cutoff (``inf`` included), as a number."""
    try:
        value = float(got)
    except (TypeError, ValueError):
        return False
    return bool(value == expected or (np.isfinite(expected) and abs(value - expected) <= 1e-12))


def diagnose_cost_cutoff(got: Any, expected: RememberedFloat) -> str | None:
    """The likely mistake behind a wrong cheapest cutoff."""
    y_true, probability, cost_fn, cost_fp = expected.arguments
    y, p = np.asarray(y_true), np.asarray(probability, dtype=float)

    def total(cutoff: float) -> float:
        declined = p >= cutoff
        return float(cost_fn * np.sum(~declined & (y == 1)) + cost_fp * np.sum(declined & (y == 0)))

    def without_inf() -> float:
        values = np.unique(p)
        costs = np.array([total(v) for v in values])
        return float(values[int(np.argmin(costs))])

    def f1_cutoff() -> float:
        from sklearn.metrics import precision_recall_curve

        precision, recall, thresholds = precision_recall_curve(y, p)
        with np.errstate(divide="ignore", invalid="ignore"):
            f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
        return float(thresholds[int(np.argmax(f1[:-1]))])

    mistakes = {
        "return the cutoff, not its cost.": lambda: total(float(expected)),
        "the costs are swapped: a missed default (a defaulter approved) costs cost_fn, a wrongly declined payer "
        "costs cost_fp.": lambda: sklearn_cost_cutoff(y, p, cost_fp, cost_fn),
        "keep the LOWEST total cost, not the highest.": lambda: sklearn_cost_cutoff(y, p, cost_fn, cost_fp, sign=-1.0),
        "when several cutoffs cost the same, return the lowest of them.":
            lambda: sklearn_cost_cutoff(y, p, cost_fn, cost_fp, lowest_on_ties=False),
        "declining nobody is a candidate too: include `np.inf` among the cutoffs.": without_inf,
        "that is the F1-optimal cutoff; this exercise weighs the two kinds of error by their costs.": f1_cutoff,
    }
    return first_mistake(got, expected, mistakes, same_cutoff) or (
        "try every distinct probability (and np.inf) as the cutoff; at each, count the approved defaulters "
        "(probability < cutoff, y = 1) and the declined payers (probability >= cutoff, y = 0), weigh them by "
        "cost_fn and cost_fp, and keep the cheapest.")


def cost_case(name: str, arguments: Callable[[Mapping], tuple], lesson_result: bool = False) -> Case:
    """A case of exercise 4."""
    return Case(name, arguments, cheapest_cutoff, same_cutoff, diagnose_cost_cutoff, lesson_result)


def lesson_cost(model: str, cost_fn: float, cost_fp: float) -> Callable[[Mapping], tuple]:
    """Arguments of a case on one model's validation probabilities."""
    return lambda c: (c["y_valid"], c["valid_probability"][model], cost_fn, cost_fp)


def tied_scores(_: Mapping | None = None) -> tuple:
    """500 customers whose probabilities take only 21 values (many ties), with the true default rate."""
    rng = np.random.default_rng(SEED)
    probability = rng.uniform(size=500).round(1) / 2 + rng.uniform(size=500).round(1) / 2
    y = (rng.random(500) < probability).astype(int)
    return pd.Series(y), pd.Series(probability)


TOY_COST_Y = [0, 0, 1, 1, 0, 1, 0, 0]
TOY_COST_P = [0.1, 0.3, 0.35, 0.8, 0.5, 0.2, 0.6, 0.05]

cost_cutoff = Exercise(
    LESSON, "ex4_cost_cutoff", "The cheapest cutoff",
    visible=[
        cost_case("eight toy customers (y [0, 0, 1, 1, 0, 1, 0, 0], probability [0.1, 0.3, 0.35, 0.8, 0.5, 0.2, "
                  "0.6, 0.05]), a missed default costing 5 and a wrong decline 1",
                  lambda c: (np.array(TOY_COST_Y), np.array(TOY_COST_P), 5.0, 1.0)),
        cost_case("the monotonic GBM's validation rows, NT$ 8,000 per missed default and 2,000 per wrong decline",
                  lesson_cost("mgbm", 8_000, 2_000), lesson_result=True),
    ],
    hidden=[
        cost_case("the toy customers as lists, wrong declines free (so declining everyone costs nothing)",
                  lambda c: (TOY_COST_Y, TOY_COST_P, 5.0, 0.0)),
        cost_case("the toy customers with probabilities 1 - p and missed defaults free (so the cheapest choice is "
                  "to decline nobody)", lambda c: (np.array(TOY_COST_Y), 1 - np.array(TOY_COST_P), 0.0, 1.0)),
        cost_case("the toy customers with equal costs (several cutoffs tie)",
                  lambda c: (np.array(TOY_COST_Y), np.array(TOY_COST_P), 1.0, 1.0)),
        cost_case("the GLM's validation rows, NT$ 8,000 and 2,000", lesson_cost("glm", 8_000, 2_000)),
        cost_case("the unconstrained GBM's validation rows, NT$ 3,000 per missed default and 2,000 per wrong decline",
                  lesson_cost("gbm", 3_000, 2_000)),
        cost_case("500 synthetic customers as pandas Series with only 21 distinct probabilities, costs 7 and 2",
                  lambda c: (*tied_scores(), 7.0, 2.0)),
    ],
    hints=[
        "The candidate cutoffs are the distinct probabilities (`np.unique(probability)`) and `np.inf` (decline "
        "nobody). At a cutoff, the missed defaults are the customers with `probability < cutoff` and `y_true == 1`; "
        "the wrongly declined are those with `probability >= cutoff` and `y_true == 0`. Keep the cutoff with the "
        "lowest `cost_fn * missed + cost_fp * wrongly_declined`, the lowest cutoff on ties.",
        "`y, p = np.asarray(y_true), np.asarray(probability, dtype=float)`; "
        "`candidates = np.append(np.unique(p), np.inf)`; "
        "`costs = [cost_fn * np.sum((p < c) & (y == 1)) + cost_fp * np.sum((p >= c) & (y == 0)) for c in candidates]`; "
        "`return float(candidates[int(np.argmin(costs))])` (np.argmin keeps the first, i.e. the lowest, of equal costs).",
    ],
    helpers=["workshop_utils.model_choice.min_cost_cutoff", "workshop_utils.model_choice.decision_cost",
             "workshop_utils.model_choice.profit_curve", "workshop_utils.model_choice.profit_at_cutoff"],
    helper_answer=lambda y_true, probability, cost_fn, cost_fp: model_choice.min_cost_cutoff(
        y_true, probability, cost_fn, cost_fp)[0],
)


# -- concept questions and the written question -----------------------------------------------------

q_lasso = Question.choice(LESSON, "q1_lasso", "Why the LASSO dropped the older bill amounts", """
(b) once this month's bill is in the model, the older bills, which move with it, add almost nothing, so the
    penalty removes them; another sample could keep a different month.
(a) on its own an older bill does say something about default; the LASSO drops it because BILL_AMT1 already
    says nearly the same thing (the monthly bills move together).
(c) the choice is the GLM's: the unconstrained GBM uses all 19 inputs, and among inputs that move together
    the LASSO's pick is somewhat arbitrary.
(d) a weaker penalty (a larger C) lets more inputs in: the path table keeps 18 inputs at the largest C.
""")

q_folds = Question.choice(LESSON, "q2_folds", "A gap smaller than the spread over folds", """
(b) every model is scored on the same folds, so much of the spread is shared (some folds are harder for
    all); the order holding in all three folds is the evidence that the small gap is real.
(a) the spread says how much every model's AUC moves from fold to fold; on identical folds the models move
    together (fold 2 is the hardest for all three, fold 0 the easiest), so compare them fold by fold: the
    unconstrained GBM wins all three.
(c) one test split is a single draw, exactly what a fold-to-fold spread of about 0.01 warns about;
    cross-validation scores every pooled row once, with a model that never trained on it.
(d) three folds give three paired comparisons, and an order that holds in all three is informative; more
    folds would narrow the uncertainty, not make a ranking possible.
""")

written = Written(LESSON, "ex5_written", "Your recommendation")

EXERCISES = [selection, q_lasso, cv_rank, q_folds, profit, cost_cutoff, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""

DEMO_PENALTIES = {"glm": 0.001, "mgbm": 0.005, "gbm": 0.05}
"""Three LASSO penalties (C) standing in for the ladder's three models in :func:`demo_context`."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its training rows and chosen C, the
    cross-validation scores, each model's test probabilities and F1 cutoffs, and the validation
    rows' outcomes and probabilities), from three quick LASSO fits instead of the lesson's GLM and
    H2O GBMs."""
    from workshop_utils import data
    from workshop_utils.cutoffs import best_f1_cutoff

    parts = data.split_data(data.load_credit_data())
    pool = pd.concat([parts.train, parts.valid])
    folds = cv.assign_folds(pool[TARGET], k=3)
    fitters = {name: lasso.lasso_fit_predict(MODEL_INPUTS, TARGET, C) for name, C in DEMO_PENALTIES.items()}
    scores = cv.cv_scores(pool[TARGET], {name: cv.cross_validated_predictions(pool, folds, fit)
                                         for name, fit in fitters.items()}, folds)
    scored = {name: fit(parts.train, pd.concat([parts.valid, parts.test])) for name, fit in fitters.items()}
    cutoffs = {name: best_f1_cutoff(parts.valid[TARGET], p[:len(parts.valid)])[0] for name, p in scored.items()}
    probability = {name: p[len(parts.valid):] for name, p in scored.items()}
    return {"train": parts.train, "C": 0.02, "scores": scores, "y": parts.test[TARGET], "probability": probability,
            "cutoffs": cutoffs, "y_valid": parts.valid[TARGET],
            "valid_probability": {name: p[:len(parts.valid)] for name, p in scored.items()}}
