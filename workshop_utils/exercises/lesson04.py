"""Lesson 04's exercises (LIME, a weighted local linear model): kernel weights, the weighted ridge
fit, the weighted R², the fit's stability over kernel widths and seeds; two concept questions and a
written one.

Each exercise's cases are judged against scikit-learn (``rbf_kernel``, ``Ridge``, ``r2_score``)
or a closed form, never against ``local_models``, the course module the learner re-creates. The
hidden cases go beyond the lesson's customer: another customer, a part of the sample, columns in
another order, two seeds' samples, and synthetic data with a known answer. When an answer is
wrong, each case re-runs the usual mistakes on the same inputs and names the one it matches.

Example:
    >>> [exercise.title for exercise in EXERCISES[:3]]
    ['Kernel weights', 'What a narrower kernel does', 'Fit and score the local model']
    >>> outcome = kernel.try_case(lambda sample, row, scale, width: np.zeros(len(sample)), kernel.visible[0], {})
    >>> print(outcome.message)  # doctest: +ELLIPSIS
    on a toy sample of 3 rows ..., expected [1, 0.3247, 0.1353], got [0, 0, 0].
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sklearn.metrics
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.metrics.pairwise import rbf_kernel

from workshop_utils import local_models
from workshop_utils.exercises.engine import Case, Exercise, Question, Written, close

__all__ = ["EXERCISES", "LESSON", "Judge", "demo_context", "kernel", "local_fit", "q_trust", "q_width",
           "stability", "weighted_r2", "written"]

LESSON = "04_lime"

Mistake = tuple[str, Callable[..., Any]]
"""A likely mistake, in words, and what an answer making it would return on the same arguments."""

Arguments = Callable[[Mapping[str, Any]], tuple]
"""Builds a case's arguments from what the notebook passes to the check."""


@dataclass(frozen=True)
class Judge:
    """How every case of one exercise is judged: the reference, the comparison, the known mistakes
    (each re-run on the case's own arguments when an answer is wrong, naming the first it matches)
    and a fallback diagnosis for the rest."""

    expected: Callable[..., Any]
    compare: Callable[[Any, Any], bool]
    mistakes: Sequence[Mistake]
    fallback: Callable[[Any, Any], str | None]

    def case(self, name: str, arguments: Arguments, lesson_result: bool = False) -> Case:
        """One case, whose diagnosis knows the arguments it was tried on."""
        last: list[tuple] = []

        def remembered(context: Mapping[str, Any]) -> tuple:
            last[:] = [arguments(context)]
            return last[0]

        def diagnose(got: Any, wanted: Any) -> str | None:
            for message, mistaken in self.mistakes:
                try:
                    if self.compare(got, mistaken(*last[0])):
                        return message
                except Exception:  # a mistake that does not apply to these arguments
                    continue
            return self.fallback(got, wanted)

        return Case(name, remembered, self.expected, self.compare, diagnose, lesson_result)

    def exercise(self, grade_id: str, title: str, visible: Mapping[str, Arguments], hidden: Mapping[str, Arguments],
                 **details: Any) -> Exercise:
        """The exercise, its cases given by name; the last visible case is the one on the lesson's own data."""
        lesson_case = list(visible)[-1]
        return Exercise(LESSON, grade_id, title,
                        visible=[self.case(name, made, name == lesson_case) for name, made in visible.items()],
                        hidden=[self.case(name, made) for name, made in hidden.items()], **details)


def standardised(frame: pd.DataFrame, names: Sequence[str], scale: pd.Series) -> np.ndarray:
    """The columns ``names`` of ``frame``, each divided by its ``scale``, as a float array."""
    names = list(names)
    return frame[names].to_numpy(dtype=float) / scale[names].to_numpy(dtype=float)


def one_per_row(got: Any, wanted: np.ndarray) -> str | None:
    """The likely mistake, when no known one matches, for an answer that should hold one number a row.

    >>> one_per_row(3.0, np.zeros(4))
    'return a 1-D NumPy array with one number per row (4 here), not float.'
    """
    if np.shape(got) != np.shape(wanted):
        return f"return a 1-D NumPy array with one number per row ({len(wanted)} here), not {type(got).__name__}."
    return None


# -- 1. kernel weights ----------------------------------------------------------------------------

def rbf_weights(sample: pd.DataFrame, row: pd.Series, scale: pd.Series, width: float) -> np.ndarray:
    """The reference: scikit-learn's RBF kernel ``exp(-γ d²)`` with ``γ = 1 / (2 width²)`` on the
    scaled inputs, the same as ``lime``'s ``sqrt(exp(-d² / width²))``."""
    names = list(row.index)
    centre = row[names].to_numpy(dtype=float)[None, :] / scale[names].to_numpy(dtype=float)
    return rbf_kernel(standardised(sample, names, scale), centre, gamma=1.0 / (2.0 * width ** 2))[:, 0]


def scaled_gaps(sample: pd.DataFrame, row: pd.Series, scale: pd.Series) -> np.ndarray:
    """Each sample row's squared scaled distance from ``row`` (for the mistakes below)."""
    names = list(row.index)
    return (((sample[names] - row[names]) / scale[names]) ** 2).sum(axis=1).to_numpy()


KERNEL_MISTAKES: list[Mistake] = [
    ("the kernel is exp(-d² / (2·width²)): the factor 2 in the denominator is missing.",
     lambda s, r, c, w: np.exp(-scaled_gaps(s, r, c) / w ** 2)),
    ("square the distance in the kernel: exp(-d² / (2·width²)), not exp(-d / (2·width²)).",
     lambda s, r, c, w: np.exp(-np.sqrt(scaled_gaps(s, r, c)) / (2 * w ** 2))),
    ("these are the distances; turn them into weights with exp(-d² / (2·width²)).",
     lambda s, r, c, w: np.sqrt(scaled_gaps(s, r, c))),
    ("divide each input's difference by its `scale` before squaring, so NT$ and months count alike.",
     lambda s, r, c, w: rbf_weights(s, r, pd.Series(1.0, index=c.index), w)),
    ("pick the sample's columns by the names in `row.index`, not by position.",
     lambda s, r, c, w: np.exp(-((((s.iloc[:, :len(r)].to_numpy(dtype=float) - r.to_numpy(dtype=float))
                                   / c[list(r.index)].to_numpy(dtype=float)) ** 2).sum(axis=1)) / (2 * w ** 2))),
]


KERNEL = Judge(rbf_weights, close(1e-9), KERNEL_MISTAKES, one_per_row)
"""Kernel weights are judged against scikit-learn's RBF kernel."""


def toy_kernel(_: Mapping[str, Any]) -> tuple:
    """Three rows at scaled distances 0, 3 and 4 from the centre, width 2: weights exp(-d²/8)."""
    sample = pd.DataFrame({"a": [0.0, 3.0, 0.0], "b": [1.0, 1.0, 9.0]})
    return sample, pd.Series({"a": 0.0, "b": 1.0}), pd.Series({"a": 1.0, "b": 2.0}), 2.0


def lesson_kernel(c: Mapping[str, Any]) -> tuple:
    """The lesson's perturbed sample around its customer, with its width."""
    return c["sample"], c["row"], c["scale"], c["width"]


def another_customer(c: Mapping[str, Any]) -> tuple:
    """The first 300 sample rows, measured from the first test customer instead, width 2."""
    row = c["test"].iloc[0][list(c["row"].index)].astype(float)
    return c["sample"].iloc[:300], row, c["scale"], 2.0


def shuffled_columns(c: Mapping[str, Any]) -> tuple:
    """The first 20 sample rows with the columns reversed and one extra column."""
    return c["sample"].iloc[:20, ::-1].assign(extra=1.0), c["row"], c["scale"], c["width"]


kernel = KERNEL.exercise(
    "ex1_kernel", "Kernel weights",
    visible={
        "a toy sample of 3 rows at scaled distances 0, 3 and 4 from the centre, width 2": toy_kernel,
        "the lesson's 5,000-row perturbed sample around its customer": lesson_kernel,
    },
    hidden={
        "the first 50 sample rows with a narrower width, 1.5":
            lambda c: (c["sample"].iloc[:50], c["row"], c["scale"], 1.5),
        "300 sample rows measured from another customer (the first test row), width 2": another_customer,
        "20 sample rows with the columns in reverse order and an extra column": shuffled_columns,
    },
    hints=[
        "Work on the inputs named in `row.index`: subtract the customer's value from every sample row, divide "
        "each column by its `scale`, square, sum across the columns and take the square root: that is d. "
        "The weight is exp(-d² / (2·width²)).",
        "`names = list(row.index)`; `scaled = (sample[names] - row[names]) / scale[names]`; "
        "`d = np.sqrt((scaled ** 2).sum(axis=1)).to_numpy()`; `return np.exp(-d ** 2 / (2 * width ** 2))`.",
    ],
    helpers=["workshop_utils.local_models.kernel_weights", "workshop_utils.local_models.scaled_distance",
             "workshop_utils.local_models.explain_locally"],
    helper_answer=lambda sample, row, scale, width: local_models.kernel_weights(
        local_models.scaled_distance(sample, row, scale), width),
)


# -- 2. the weighted ridge fit ----------------------------------------------------------------------

def ridge_predictions(X: pd.DataFrame, y: Any, weights: Any, scale: pd.Series) -> np.ndarray:
    """The reference: scikit-learn's ``Ridge(alpha=1)`` fitted with the weights on the scaled
    columns, predicting those same rows."""
    inputs = standardised(X, X.columns, scale)
    return Ridge(alpha=1.0).fit(inputs, np.asarray(y, dtype=float), sample_weight=weights).predict(inputs)


def unscaled_predict(X: pd.DataFrame, y: Any, weights: Any, scale: pd.Series) -> np.ndarray:
    """A fit on the scaled columns that then predicts the raw, unscaled ones."""
    model = Ridge(alpha=1.0).fit(standardised(X, X.columns, scale), np.asarray(y, dtype=float), sample_weight=weights)
    return model.predict(X.to_numpy(dtype=float))


FIT_MISTAKES: list[Mistake] = [
    ("pass the kernel weights to the fit: `Ridge(alpha=1.0).fit(..., sample_weight=weights)`.",
     lambda X, y, w, s: ridge_predictions(X, y, np.ones(len(X)), s)),
    ("divide every column of X by its `scale` before fitting, so the penalty treats all inputs alike.",
     lambda X, y, w, s: ridge_predictions(X, y, w, pd.Series(1.0, index=X.columns))),
    ("use `Ridge(alpha=1.0)`, the penalised model; a plain least-squares fit gives other predictions.",
     lambda X, y, w, s: LinearRegression().fit(standardised(X, X.columns, s), y, sample_weight=w)
     .predict(standardised(X, X.columns, s))),
    ("predict the same standardised rows you fitted on, not the raw X.", unscaled_predict),
]


FIT = Judge(ridge_predictions, close(1e-8), FIT_MISTAKES, one_per_row)
"""Local fits are judged against scikit-learn's Ridge."""


def synthetic_inputs(rows: int, seed: int) -> pd.DataFrame:
    """Two random inputs on very different scales."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.normal(size=rows), "b": rng.normal(size=rows) * 10})


def curved_toy(_: Mapping[str, Any]) -> tuple:
    """400 rows whose target is a curve in ``a``, with uneven weights."""
    X = synthetic_inputs(400, 7)
    weights = np.random.default_rng(8).uniform(size=400)
    return X, np.sin(X["a"]).to_numpy() + 0.02 * X["b"].to_numpy(), weights, pd.Series({"a": 1.0, "b": 10.0})


def straight_toy(_: Mapping[str, Any]) -> tuple:
    """400 rows whose target is exactly 0.5 + 2a - 0.3b, equal weights."""
    X = synthetic_inputs(400, 11)
    return X, (0.5 + 2.0 * X["a"] - 0.3 * X["b"]).to_numpy(), np.ones(400), pd.Series({"a": 1.0, "b": 10.0})


def lesson_fit(c: Mapping[str, Any]) -> tuple:
    """The lesson's perturbed sample, the GBM's predictions on it and its kernel weights."""
    return c["sample"], c["perturbed"].black_box, c["perturbed"].weights, c["scale"]


def equal_weights(c: Mapping[str, Any]) -> tuple:
    """The lesson's perturbed sample and GBM predictions, every row weighted 1."""
    return c["sample"], c["perturbed"].black_box, np.ones(len(c["sample"])), c["scale"]


def three_inputs(c: Mapping[str, Any]) -> tuple:
    """Three of the sample's inputs, in another order, and the first 2,000 rows."""
    rows = slice(0, 2000)
    X = c["sample"][["PAY_AMT1", "PAY_0", "LIMIT_BAL"]].iloc[rows]
    return X, c["perturbed"].black_box[rows], c["perturbed"].weights[rows], c["scale"]


local_fit = FIT.exercise(
    "ex2_fit", "Fit and score the local model",
    visible={"400 synthetic rows whose target is sin(a) + 0.02·b, with uneven weights": curved_toy,
             "the lesson's perturbed sample, the GBM's predictions and the kernel weights": lesson_fit},
    hidden={"400 synthetic rows whose target is exactly 0.5 + 2a - 0.3b, equal weights": straight_toy,
            "three of the sample's inputs (PAY_AMT1, PAY_0, LIMIT_BAL) on its first 2,000 rows": three_inputs,
            "the perturbed sample with equal weights": equal_weights},
    hints=[
        "Three steps: standardise (`X / scale[X.columns]`), fit `Ridge(alpha=1.0)` to y with "
        "`sample_weight=weights`, predict the standardised rows.",
        "`standardised = X / scale[X.columns]`; "
        "`model = Ridge(alpha=1.0).fit(standardised, y, sample_weight=weights)`; "
        "`return model.predict(standardised)`.",
    ],
    helpers=["workshop_utils.local_models.fit_local_model", "workshop_utils.local_models.explain_locally"],
    helper_answer=lambda X, y, weights, scale: local_models.fit_local_model(X, y, weights, scale).predict(X),
)


# -- 3. the weighted R² ----------------------------------------------------------------------------

def sklearn_r2(y: Any, predicted: Any, weights: Any) -> float:
    """The reference: scikit-learn's ``r2_score`` with the weights as ``sample_weight``."""
    return float(r2_score(np.asarray(y, dtype=float), np.asarray(predicted, dtype=float),
                          sample_weight=np.asarray(weights, dtype=float)))


def plain_mean_r2(y: Any, predicted: Any, weights: Any) -> float:
    """Weighted sums of squares around the unweighted mean of y."""
    y, predicted, weights = (np.asarray(a, dtype=float) for a in (y, predicted, weights))
    return float(1 - np.sum(weights * (y - predicted) ** 2) / np.sum(weights * (y - y.mean()) ** 2))


R2_MISTAKES: list[Mistake] = [
    ("weight the sums of squares: this is the unweighted R².",
     lambda y, p, w: float(r2_score(np.asarray(y, dtype=float), np.asarray(p, dtype=float)))),
    ("centre y on its weighted mean, Σ w·y / Σ w, not on its plain mean.", plain_mean_r2),
    ("R² is 1 minus the ratio of the two sums, not the ratio itself.", lambda y, p, w: 1 - sklearn_r2(y, p, w)),
]


def r2_fallback(got: Any, wanted: float) -> str | None:
    """The likely mistake when no known one matches."""
    if np.ndim(got) != 0:
        return "return one number (a float), not one per row."
    return None


R2 = Judge(sklearn_r2, close(1e-9, 1e-9), R2_MISTAKES, r2_fallback)
"""Weighted R² values are judged against scikit-learn's ``r2_score``."""


def random_r2(_: Mapping[str, Any]) -> tuple:
    """Sixty random targets, guesses and weights."""
    rng = np.random.default_rng(3)
    return rng.normal(size=60), rng.normal(size=60), rng.uniform(size=60)


weighted_r2 = R2.exercise(
    "ex3_r2", "The weighted R²",
    visible={
        "a toy of five rows: y = [1, 2, 3, 4, 10], predicted [1, 2, 2, 5, 6], weights [1, 1, 2, 2, 0.5]":
            lambda c: ([1.0, 2.0, 3.0, 4.0, 10.0], [1.0, 2.0, 2.0, 5.0, 6.0], [1.0, 1.0, 2.0, 2.0, 0.5]),
        "the lesson's perturbed sample: the GBM, the local model and the kernel weights":
            lambda c: (c["perturbed"].black_box, c["perturbed"].local, c["perturbed"].weights),
    },
    hidden={
        "60 random targets and guesses with random weights": random_r2,
        "60 random targets and guesses with equal weights (the usual R²)": lambda c: (*random_r2(c)[:2], np.ones(60)),
        "three rows, the last with weight 0 (it must not count): R² = 1":
            lambda c: ([0.0, 1.0, 5.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0]),
        "the first 500 sample rows, the local model against the GBM, as Python lists":
            lambda c: (list(c["perturbed"].black_box[:500]), list(c["perturbed"].local[:500]),
                       list(c["perturbed"].weights[:500])),
    },
    hints=[
        "Turn the three inputs into float arrays. The weighted mean of y is Σ w·y / Σ w; the residual sum "
        "is Σ w·(y − ŷ)² and the total sum is Σ w·(y − weighted mean)²; R² is 1 − residual / total.",
        "`y, predicted, weights = (np.asarray(a, dtype=float) for a in (y, predicted, weights))`; "
        "`centre = np.sum(weights * y) / np.sum(weights)`; "
        "`return float(1 - np.sum(weights * (y - predicted) ** 2) / np.sum(weights * (y - centre) ** 2))`.",
    ],
    helpers=["sklearn.metrics.r2_score"],
    helper_answer=lambda y, predicted, weights: float(sklearn.metrics.r2_score(y, predicted, sample_weight=weights)),
)


# -- 4. stability over kernel widths and seeds ----------------------------------------------------

GRID_COLUMNS = ["width", "seed", "r2", "top_input"]


def grid_by_sklearn(samples: Mapping[int, tuple[pd.DataFrame, Any]], row: pd.Series, scale: pd.Series,
                    widths: Sequence[float], *, factor: float = 2.0, weighted_fit: bool = True,
                    weighted_score: bool = True, by_size: bool = True, unit_scale: bool = False,
                    one_sample: bool = False) -> pd.DataFrame:
    """The reference, from scikit-learn's ``rbf_kernel``, ``Ridge(alpha=1)`` and ``r2_score``: for
    every width (outer) and seed (inner), the weighted R² and the input with the largest absolute
    coefficient. The keyword arguments re-create the usual mistakes (for the diagnoses below).
    The last few results are kept, so the lesson's 5,000-row samples are fitted once per check."""
    key = (id(samples), id(row), id(scale), tuple(widths), factor, weighted_fit, weighted_score, by_size,
           unit_scale, one_sample)
    kept = GRID_CACHE.get(key)
    if kept is not None and kept[0] is samples and kept[1] is row and kept[2] is scale:
        return kept[3].copy()
    if len(GRID_CACHE) > 16:
        GRID_CACHE.clear()
    result = grid_uncached(samples, row, scale, widths, factor, weighted_fit, weighted_score, by_size,
                           unit_scale, one_sample)
    GRID_CACHE[key] = (samples, row, scale, result)  # the objects are kept alive, so their ids stay theirs
    return result.copy()


GRID_CACHE: dict[tuple, tuple] = {}
"""Recent reference grids, by the identity of their arguments."""


def grid_uncached(samples: Mapping[int, tuple[pd.DataFrame, Any]], row: pd.Series, scale: pd.Series,
                  widths: Sequence[float], factor: float, weighted_fit: bool, weighted_score: bool,
                  by_size: bool, unit_scale: bool, one_sample: bool) -> pd.DataFrame:
    """:func:`grid_by_sklearn` without the cache."""
    names = list(row.index)
    scale = pd.Series(1.0, index=names) if unit_scale else scale
    first = next(iter(samples.values()))
    records = []
    for width in widths:
        for seed, (sample, black_box) in samples.items():
            sample, black_box = first if one_sample else (sample, black_box)
            X = standardised(sample, names, scale)
            centre = row[names].to_numpy(dtype=float)[None, :] / scale[names].to_numpy(dtype=float)
            weights = rbf_kernel(X, centre, gamma=1.0 / (factor * width ** 2))[:, 0]
            y = np.asarray(black_box, dtype=float)
            model = Ridge(alpha=1.0).fit(X, y, sample_weight=weights if weighted_fit else None)
            score = r2_score(y, model.predict(X), sample_weight=weights if weighted_score else None)
            top = np.argmax(np.abs(model.coef_)) if by_size else np.argmax(model.coef_)
            records.append({"width": float(width), "seed": seed, "r2": float(score), "top_input": names[int(top)]})
    return pd.DataFrame(records, columns=GRID_COLUMNS)


def same_grid(got: Any, wanted: pd.DataFrame) -> bool:
    """The same widths, seeds and top inputs, in the same order, and R² values within 1e-6."""
    try:
        got = pd.DataFrame(got).reset_index(drop=True)
        return (list(got.columns) == GRID_COLUMNS and len(got) == len(wanted)
                and np.allclose(got["width"].to_numpy(dtype=float), wanted["width"].to_numpy(dtype=float))
                and got["seed"].tolist() == wanted["seed"].tolist()
                and np.allclose(got["r2"].to_numpy(dtype=float), wanted["r2"].to_numpy(dtype=float), atol=1e-6, rtol=0)
                and [str(name) for name in got["top_input"]] == wanted["top_input"].tolist())
    except (TypeError, ValueError, KeyError):
        return False


GRID_MISTAKES: list[Mistake] = [
    ("draw the weights into both steps: `sample_weight=weights` in the Ridge fit and in `r2_score`.",
     lambda s, r, c, w: grid_by_sklearn(s, r, c, w, weighted_fit=False, weighted_score=False)),
    ("score the fit with the same kernel weights: `r2_score(y, predicted, sample_weight=weights)`.",
     lambda s, r, c, w: grid_by_sklearn(s, r, c, w, weighted_score=False)),
    ("fit with the kernel weights too (`sample_weight=weights`), not only the score.",
     lambda s, r, c, w: grid_by_sklearn(s, r, c, w, weighted_fit=False)),
    ("the kernel is exp(-d² / (2·width²)): the factor 2 in the denominator is missing.",
     lambda s, r, c, w: grid_by_sklearn(s, r, c, w, factor=1.0)),
    ("divide every input by its `scale`, for the distances and for the fit.",
     lambda s, r, c, w: grid_by_sklearn(s, r, c, w, unit_scale=True)),
    ("the top input has the largest coefficient in absolute value: a large negative slope counts too.",
     lambda s, r, c, w: grid_by_sklearn(s, r, c, w, by_size=False)),
    ("use each seed's own sample and predictions: every seed gave the same numbers here.",
     lambda s, r, c, w: grid_by_sklearn(s, r, c, w, one_sample=True)),
]


def grid_fallback(got: Any, wanted: pd.DataFrame) -> str | None:
    """The likely mistake when no known one matches."""
    if not isinstance(got, pd.DataFrame):
        return "return a pandas DataFrame with one row per (width, seed)."
    if list(got.columns) != GRID_COLUMNS:
        return f"name the columns {GRID_COLUMNS}, in that order."
    if len(got) != len(wanted):
        return f"return one row per (width, seed): {len(wanted)} here, not {len(got)}."
    if got["width"].tolist() != wanted["width"].tolist() or got["seed"].tolist() != wanted["seed"].tolist():
        return "loop over the widths outside and the seeds inside, in the order given."
    return None


GRID = Judge(grid_by_sklearn, same_grid, GRID_MISTAKES, grid_fallback)
"""Stability grids are judged against scikit-learn's RBF kernel, Ridge and r2_score."""


def synthetic_samples(seeds: Sequence[int], box: Callable[[pd.DataFrame], np.ndarray],
                      rows: int = 400) -> dict[int, tuple[pd.DataFrame, np.ndarray]]:
    """Seeded Gaussian samples of three inputs around (0, 5, 1), with scales 1, 10 and 0.5, scored by ``box``."""
    samples = {}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        sample = pd.DataFrame({"a": rng.normal(0, 1, rows), "b": rng.normal(5, 10, rows), "c": rng.normal(1, 0.5, rows)})
        samples[seed] = (sample, box(sample))
    return samples


TOY_ROW, TOY_SCALE = pd.Series({"a": 0.0, "b": 5.0, "c": 1.0}), pd.Series({"a": 1.0, "b": 10.0, "c": 0.5})


def curved_box(sample: pd.DataFrame) -> np.ndarray:
    """A black box that is curved in ``a`` and falls with ``b``: exp(a) / 3 - b / 40 + 0.1 c."""
    return (np.exp(sample["a"]) / 3 - sample["b"] / 40 + 0.1 * sample["c"]).to_numpy()


def straight_box(sample: pd.DataFrame) -> np.ndarray:
    """A linear black box with a known largest slope per standard deviation (``b``, negative)."""
    return (0.3 + 0.05 * sample["a"] - 0.02 * sample["b"] + 0.1 * sample["c"]).to_numpy()


def lesson_grid(c: Mapping[str, Any]) -> tuple:
    """The lesson's perturbed samples for every seed, its customer, scale and widths."""
    return c["samples"], c["row"], c["scale"], c["widths"]


def another_customer_grid(c: Mapping[str, Any]) -> tuple:
    """The first 1,000 rows of two of the lesson's samples, measured from the first test customer."""
    row = c["test"].iloc[0][list(c["row"].index)].astype(float)
    chosen = dict(list(c["samples"].items())[:2])
    return {seed: (sample.iloc[:1000], np.asarray(box)[:1000]) for seed, (sample, box) in chosen.items()}, row, c["scale"], [2.5, 5.0]


stability = GRID.exercise(
    "ex4_stability", "Does the explanation survive another width or seed?",
    visible={
        "400-row samples for seeds 1 and 2 of a curved black box, widths 0.5 and 2":
            lambda c: (synthetic_samples([1, 2], curved_box), TOY_ROW, TOY_SCALE, [0.5, 2.0]),
        "the lesson's perturbed samples (one per seed), its customer and its widths": lesson_grid,
    },
    hidden={
        "a linear black box (R² near 1, top input b, whose slope is negative), seeds 5, 6 and 7, widths 1 and 4":
            lambda c: (synthetic_samples([5, 6, 7], straight_box), TOY_ROW, TOY_SCALE, [1.0, 4.0]),
        "the curved black box, one seed (3) and three widths given largest first, 3, 1 and 0.3":
            lambda c: (synthetic_samples([3], curved_box, 250), TOY_ROW, TOY_SCALE, [3.0, 1.0, 0.3]),
        "two of the lesson's samples (1,000 rows each) measured from another customer, widths 2.5 and 5":
            another_customer_grid,
    },
    hints=[
        "Two loops, widths outside and seeds inside. In each: divide the sample's inputs (and the customer) by "
        "`scale`, weight every row with exp(-d² / (2·width²)), fit `Ridge(alpha=1.0)` with `sample_weight`, score "
        "it with `r2_score(..., sample_weight=weights)`, and name the input with the largest |coefficient|. "
        "Collect one dict per (width, seed) and make a DataFrame with the columns width, seed, r2, top_input.",
        "`names = list(row.index)`; in the loops: `X = sample[names] / scale[names]`; "
        "`d2 = ((X - row[names] / scale[names]) ** 2).sum(axis=1)`; `w = np.exp(-d2 / (2 * width ** 2))`; "
        "`model = Ridge(alpha=1.0).fit(X, y, sample_weight=w)`; "
        "`r2 = r2_score(y, model.predict(X), sample_weight=w)`; "
        "`top = names[int(np.argmax(np.abs(model.coef_)))]`; "
        "`records.append({\"width\": width, \"seed\": seed, \"r2\": r2, \"top_input\": top})`.",
    ],
    helpers=["workshop_utils.local_models.width_seed_grid", "workshop_utils.local_models.explain_locally",
             "workshop_utils.local_models.fit_local_model", "workshop_utils.local_models.kernel_weights"],
    helper_answer=lambda samples, row, scale, widths: local_models.width_seed_grid(samples, row, scale, list(widths)),
)


# -- concept questions and the written question -----------------------------------------------------

q_width = Question.choice(LESSON, "q1_width", "What a narrower kernel does", """
(b) with a narrower kernel only the rows close to the customer keep much weight: the line describes a
    smaller neighbourhood, but it rests on fewer rows that really count, so its coefficients are noisier.
(a) a narrower kernel makes the weight fall faster with distance, so every row but the customer gets a
    smaller weight, not a larger one.
(c) the weights do not all shrink by the same factor: far rows lose much more than near ones, so the
    weighted fit, its coefficients and its R² change.
(d) the width changes only the weights; the sample is drawn the same way, with the same impossible rows
    (they only count less).
""")

q_trust = Question.choice(LESSON, "q2_trust", "What the weighted R² says about the explanation", """
(c) the line reproduces less than half of the GBM's weighted variation and misses the very prediction it
    explains, so its slopes are weak evidence of the GBM's reasons.
(a) this R² compares the local line with the GBM, not the GBM with what customers did; the GBM's own quality
    is its test AUC (0.78).
(b) the GBM's 0.69 is the prediction being explained; the local line is an approximation of the GBM, not a
    better estimate of the customer's risk.
(d) 5,000 rows are plenty for 19 coefficients; the fit is poor because the GBM is not linear over this wide
    neighbourhood, and more rows of the same neighbourhood give the same line.
""")

written = Written(LESSON, "ex5_written", "Would you send these reasons?")

EXERCISES = [kernel, q_width, local_fit, weighted_r2, q_trust, stability, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its perturbed samples, one per seed, and
    customer, the widths, the perturbed and practical local fits, the test rows and the reference
    customer), from a small
    scikit-learn model instead of the H2O GBM, for the course's own tests of these exercises."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from workshop_utils import SEED, data, pdp

    parts = data.split_data(data.load_credit_data())
    inputs = list(data.MODEL_INPUTS)
    model = HistGradientBoostingClassifier(max_iter=60, random_state=SEED)
    model.fit(parts.train[inputs].iloc[:5000], parts.train[data.TARGET].iloc[:5000])

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return model.predict_proba(frame[inputs])[:, 1]

    test_pred = pd.Series(predict(parts.test), index=parts.test.index)
    label = pdp.rows_at_percentiles(test_pred, [95]).iloc[0]
    row = parts.test.loc[label, inputs].astype(float)
    scale = local_models.input_scale(parts.train, inputs)
    width = local_models.kernel_width(len(inputs))
    samples = {seed: (frame, predict(frame)) for seed in (SEED, 1, 2)
               for frame in [local_models.perturbed_sample(row, scale, seed=seed)]}
    sample = samples[SEED][0]
    near = local_models.practical_sample(parts.test[inputs], row, scale)
    return {"sample": sample, "row": row, "scale": scale, "width": width, "test": parts.test,
            "reference": parts.train[inputs].mean(), "samples": samples, "widths": [1.0, width, 6.0],
            "perturbed": local_models.explain_locally(sample, samples[SEED][1], row, scale, width),
            "practical": local_models.explain_locally(near, test_pred[near.index].to_numpy(), row, scale, width)}
