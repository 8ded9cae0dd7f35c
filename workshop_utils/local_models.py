"""Local linear explanations (LIME-style) of one prediction of any model.

The recipe: draw a seeded sample of made-up customers around one real customer, score them all
with the model in one call, weight each by how close it is (an exponential kernel on a scaled
distance), fit a weighted ridge regression to the model's predictions, and check the fit
(weighted R², ranked predictions, its stability over kernel widths and seeds) before reading its
coefficients as the explanation. A "practical" sample of the real rows nearest to the customer
gives a second, more realistic fit. The
sampler, kernel and ridge penalty are those of the ``lime`` package's tabular explainer with
``discretize_continuous=False, sample_around_instance=True``, so the two agree exactly.

Example:
    >>> import pandas as pd
    >>> row = pd.Series({"x": 1.0, "z": 0.0})
    >>> scale = pd.Series({"x": 1.0, "z": 2.0})
    >>> sample = perturbed_sample(row, scale, n=2000)
    >>> black_box = (3 * sample["x"] - sample["z"]).to_numpy()
    >>> fit = explain_locally(sample, black_box, row, scale)
    >>> (fit.model.per_unit.round(1).to_dict(), round(fit.r2, 3))
    ({'x': 3.0, 'z': -1.0}, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score

from workshop_utils import SEED
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, panel_grid, plot_reason_codes, plt
from workshop_utils.shapley import largest_first, reason_codes, top_reasons

__all__ = ["N_SAMPLES", "PRACTICAL_K", "RIDGE_ALPHA", "LocalFit", "LocalModel", "compare_reasons",
           "explain_locally", "fit_local_model", "input_scale", "kernel_weights", "kernel_width",
           "lime_weights", "local_contributions", "local_reason_codes", "perturbed_sample",
           "plot_coefficients", "plot_local_reason_codes", "plot_ranked_predictions", "plot_weights",
           "plot_width_seed_grid", "practical_sample", "scaled_distance", "shared_reasons",
           "top_k_by_size", "width_seed_grid"]

N_SAMPLES = 5000
"""Size of the perturbed sample (the ``lime`` package's default ``num_samples``)."""

RIDGE_ALPHA = 1.0
"""Ridge penalty of the local model (the ``lime`` package's default)."""

PRACTICAL_K = 100
"""How many real customers nearest to the explained one form the practical sample."""


def input_scale(train: pd.DataFrame, inputs: list[str]) -> pd.Series:
    """Each input's standard deviation on the training rows (population formula, ddof=0, as
    scikit-learn's StandardScaler and ``lime`` use); a constant input gets 1.

    >>> input_scale(pd.DataFrame({"a": [0.0, 2.0], "b": [5.0, 5.0]}), ["a", "b"]).tolist()
    [1.0, 1.0]
    """
    scale = train[list(inputs)].astype(float).std(ddof=0)
    return scale.where(scale > 0, 1.0)


def kernel_width(n_inputs: int) -> float:
    """Default kernel width: 0.75 times the square root of the number of inputs (``lime``'s).

    >>> round(kernel_width(19), 4)
    3.2692
    """
    return 0.75 * float(np.sqrt(n_inputs))


def perturbed_sample(row: pd.Series, scale: pd.Series, n: int = N_SAMPLES,
                     seed: int = SEED) -> pd.DataFrame:
    """``n`` rows around ``row``: each input is the customer's value plus Gaussian noise with that
    input's ``scale`` as standard deviation. Row 0 is the customer, unchanged. The draws come from
    ``np.random.RandomState(seed)`` in ``lime``'s order, so ``lime`` with the same seed draws the
    very same sample. Values are not clipped: some rows are impossible customers (see the lesson).

    >>> sample = perturbed_sample(pd.Series({"a": 1.0}), pd.Series({"a": 0.5}), n=3, seed=0)
    >>> sample["a"].round(3).tolist()
    [1.0, 1.2, 1.489]
    """
    names = list(row.index)
    centre = row.to_numpy(dtype=float)
    noise = np.random.RandomState(seed).normal(0, 1, n * len(names)).reshape(n, len(names))
    values = noise * scale[names].to_numpy(dtype=float) + centre
    values[0] = centre
    return pd.DataFrame(values, columns=names)


def scaled_distance(sample: pd.DataFrame, row: pd.Series, scale: pd.Series) -> np.ndarray:
    """Euclidean distance of every sample row from ``row``, each input measured in units of its
    ``scale`` (so a credit limit in NT$ and a repayment status count alike).

    >>> scaled_distance(pd.DataFrame({"a": [0.0, 3.0], "b": [0.0, 8.0]}),
    ...                 pd.Series({"a": 0.0, "b": 0.0}), pd.Series({"a": 1.0, "b": 2.0})).tolist()
    [0.0, 5.0]
    """
    names = list(row.index)
    scaled = (sample[names].to_numpy(dtype=float) - row.to_numpy(dtype=float)) / scale[names].to_numpy(dtype=float)
    return np.sqrt((scaled ** 2).sum(axis=1))


def kernel_weights(distances: np.ndarray, width: float) -> np.ndarray:
    """Exponential kernel: ``exp(-d² / (2 width²))``, 1 at the customer and falling towards 0
    with distance; the same as ``lime``'s ``sqrt(exp(-d² / width²))``.

    >>> kernel_weights(np.array([0.0, 1.0]), 1.0).round(4).tolist()
    [1.0, 0.6065]
    """
    distances = np.asarray(distances, dtype=float)
    return np.exp(-distances ** 2 / (2.0 * width ** 2))


@dataclass(frozen=True)
class LocalModel:
    """A linear model on standardised inputs: prediction = intercept + Σ coefficient × x / scale.

    ``coefficients`` is the change in prediction per one training standard deviation of each
    input (comparable across inputs, and what ``lime`` reports); ``per_unit`` per one unit.
    """

    intercept: float
    coefficients: pd.Series
    scale: pd.Series

    @property
    def per_unit(self) -> pd.Series:
        """Change in prediction per one unit (NT$, month of delay...) of each input."""
        return self.coefficients / self.scale[self.coefficients.index]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The local model's prediction for each row of ``X``."""
        names = list(self.coefficients.index)
        return self.intercept + X[names].to_numpy(dtype=float) @ self.per_unit.to_numpy(dtype=float)


def fit_local_model(X: pd.DataFrame, y: np.ndarray, weights: np.ndarray, scale: pd.Series,
                    alpha: float = RIDGE_ALPHA) -> LocalModel:
    """Weighted ridge regression of ``y`` (the black box's predictions) on the columns of ``X``,
    each divided by its ``scale`` first so the penalty treats every input alike.

    >>> X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0]})
    >>> fit_local_model(X, np.array([1.0, 3.0, 5.0, 7.0]), np.ones(4), pd.Series({"a": 1.0}),
    ...                 alpha=0.0).per_unit.round(3).tolist()
    [2.0]
    """
    names = list(X.columns)
    standardised = X.to_numpy(dtype=float) / scale[names].to_numpy(dtype=float)
    ridge = Ridge(alpha=alpha).fit(standardised, np.asarray(y, dtype=float), sample_weight=weights)
    return LocalModel(float(ridge.intercept_), pd.Series(ridge.coef_, index=names),
                      scale[names].astype(float))


@dataclass(frozen=True)
class LocalFit:
    """One local explanation: the model, the sample's weights, the black box's and the local
    model's predictions on the sample, and the weighted R² between them."""

    model: LocalModel
    weights: np.ndarray
    black_box: np.ndarray
    local: np.ndarray
    r2: float


def explain_locally(sample: pd.DataFrame, black_box: np.ndarray, row: pd.Series, scale: pd.Series,
                    width: float | None = None, alpha: float = RIDGE_ALPHA) -> LocalFit:
    """Distances from ``row``, kernel weights (``width`` defaults to :func:`kernel_width`), the
    weighted ridge fit to ``black_box`` and its weighted R², in one go (see the module's example).

    >>> fit = explain_locally(sample, predict(sample), row, scale)  # doctest: +SKIP
    """
    width = kernel_width(len(row)) if width is None else width
    weights = kernel_weights(scaled_distance(sample, row, scale), width)
    model = fit_local_model(sample[list(row.index)], black_box, weights, scale, alpha)
    local = model.predict(sample)
    black_box = np.asarray(black_box, dtype=float)
    return LocalFit(model, weights, black_box, local,
                    float(r2_score(black_box, local, sample_weight=weights)))


def practical_sample(frame: pd.DataFrame, row: pd.Series, scale: pd.Series,
                     k: int = PRACTICAL_K) -> pd.DataFrame:
    """Real rows near a customer: the ``k`` rows of ``frame`` nearest to ``row`` in input space,
    each input divided by its ``scale`` (the distance of :func:`scaled_distance`), nearest first.
    Found with scikit-learn's ``NearestNeighbors``; a row of ``frame`` equal to ``row`` comes first.

    >>> frame = pd.DataFrame({"x": [0.0, 5.0, 4.0, 9.0], "z": [0.0, 0.0, 5.0, 0.0]})
    >>> practical_sample(frame, pd.Series({"x": 4.0, "z": 0.0}), pd.Series({"x": 1.0, "z": 10.0}), k=2).index.tolist()
    [2, 1]
    """
    from sklearn.neighbors import NearestNeighbors

    names = list(row.index)
    divisor = scale[names].to_numpy(dtype=float)
    finder = NearestNeighbors(n_neighbors=k).fit(frame[names].to_numpy(dtype=float) / divisor)
    positions = finder.kneighbors(row.to_numpy(dtype=float)[None, :] / divisor, return_distance=False)[0]
    return frame.iloc[positions]


def width_seed_grid(samples: Mapping[int, tuple[pd.DataFrame, np.ndarray]], row: pd.Series,
                    scale: pd.Series, widths: list[float]) -> pd.DataFrame:
    """The local fit's stability: for every kernel width (outer) and every seed's perturbed sample
    with the black box's predictions on it (``samples`` maps seed to ``(sample, predictions)``,
    inner), the weighted R² and the input with the largest absolute coefficient.

    >>> row, scale = pd.Series({"x": 1.0, "z": 0.0}), pd.Series({"x": 1.0, "z": 2.0})
    >>> samples = {seed: (s, (3 * s["x"] - s["z"]).to_numpy())
    ...            for seed in (1, 2) for s in [perturbed_sample(row, scale, n=500, seed=seed)]}
    >>> width_seed_grid(samples, row, scale, [2.0])[["seed", "top_input"]].values.tolist()
    [[1, 'x'], [2, 'x']]
    """
    records = []
    for width in widths:
        for seed, (sample, black_box) in samples.items():
            fit = explain_locally(sample, black_box, row, scale, width)
            records.append({"width": float(width), "seed": seed, "r2": fit.r2,
                            "top_input": str(fit.model.coefficients.abs().idxmax())})
    return pd.DataFrame(records, columns=["width", "seed", "r2", "top_input"])


def plot_width_seed_grid(grid: pd.DataFrame, practical: pd.Series, acceptable: float,
                         practical_label: str = "practical sample") -> Figure:
    """Weighted R² against kernel width: one line per seed's perturbed sample (from
    :func:`width_seed_grid`), one for the ``practical`` sample (R² by width), and the
    ``acceptable`` level as a dashed line."""
    figure, axes = plt.subplots(figsize=(7, 3.8))
    for number, (seed, rows) in enumerate(grid.groupby("seed", sort=False)):
        axes.plot(rows["width"], rows["r2"], marker="o", color=RISK_DOWN, alpha=0.35 + 0.15 * number,
                  label=f"perturbed sample, seed {seed}")
    axes.plot(practical.index, practical.to_numpy(dtype=float), marker="s", linewidth=2.5, color="#27ae60",
              label=practical_label)
    axes.axhline(acceptable, color=NEUTRAL, linestyle="--", label=f"acceptable: R² ≥ {acceptable:g}")
    axes.set(xscale="log", xlabel="kernel width (log scale)", ylabel="weighted R²", ylim=(0, 1),
             title="Which local fits can be trusted?")
    axes.set_xticks(list(practical.index), [f"{w:.2g}" for w in practical.index])
    axes.xaxis.set_minor_locator(NullLocator())
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure


def local_contributions(model: LocalModel, row: pd.Series, reference: pd.Series) -> pd.Series:
    """What each input adds to the local model's prediction for ``row`` compared with the
    ``reference`` customer (e.g. the training means): per-unit coefficient × (value - reference).

    >>> model = LocalModel(0.0, pd.Series({"a": 2.0, "b": 1.0}), pd.Series({"a": 2.0, "b": 1.0}))
    >>> local_contributions(model, pd.Series({"a": 3.0, "b": 1.0}), pd.Series({"a": 1.0, "b": 2.0})).tolist()
    [2.0, -1.0]
    """
    names = list(model.coefficients.index)
    return model.per_unit * (row[names].astype(float) - reference[names].astype(float))


def local_reason_codes(model: LocalModel, row: pd.Series, reference: pd.Series,
                       k: int = 3) -> pd.DataFrame:
    """The ``k`` inputs whose local contributions raise this customer's predicted risk most,
    as a reason-code table (see ``shapley.reason_codes``).

    >>> model = LocalModel(0.0, pd.Series({"PAY_0": 0.05}), pd.Series({"PAY_0": 1.0}))
    >>> local_reason_codes(model, pd.Series({"PAY_0": 2}), pd.Series({"PAY_0": 0}))["reason"].tolist()
    ['PAY_0 = 2 (payment 2 months late)']
    """
    return reason_codes(local_contributions(model, row, reference), row, k)


def plot_local_reason_codes(codes: pd.DataFrame, title: str) -> Figure:
    """Bars of a local model's reason codes, top reason on top."""
    figure = plot_reason_codes(codes, title)
    figure.set_size_inches(8, figure.get_size_inches()[1] + 0.3)
    figure.axes[0].set_xlabel("local model's contribution to the probability of default,\n"
                              "compared with the average customer")
    figure.tight_layout()
    return figure


def lime_weights(train: pd.DataFrame, row: pd.Series, predict: Callable[[pd.DataFrame], np.ndarray],
                 n: int = N_SAMPLES, seed: int = SEED, **options: object) -> tuple[pd.Series, float]:
    """The ``lime`` package's explanation of ``row``: one weight per input (all inputs kept) and
    the explanation's weighted R². ``predict`` maps a frame to probabilities and is called once;
    ``options`` go to ``LimeTabularExplainer`` (e.g. ``discretize_continuous=False``).

    >>> weights, r2 = lime_weights(parts.train, row, h2o_predict(gbm))  # doctest: +SKIP
    """
    from lime.lime_tabular import LimeTabularExplainer

    names = list(row.index)
    explainer = LimeTabularExplainer(train[names].to_numpy(dtype=float), mode="regression",
                                     feature_names=names, random_state=seed, **options)
    explanation = explainer.explain_instance(
        row.to_numpy(dtype=float),
        lambda values: np.asarray(predict(pd.DataFrame(values, columns=names)), dtype=float),
        num_features=len(names), num_samples=n)
    found = dict(explanation.as_map()[1])
    return pd.Series([found.get(i, 0.0) for i in range(len(names))], index=names), float(explanation.score)


def top_k_by_size(weights: pd.Series, k: int = 3) -> list[str]:
    """The ``k`` inputs with the largest absolute weights, largest first.

    >>> top_k_by_size(pd.Series({"a": 0.1, "b": -0.5, "c": 0.3}), 2)
    ['b', 'c']
    """
    return list(largest_first(weights).index[:k])


def compare_reasons(explanations: Mapping[str, pd.Series], k: int = 3) -> pd.DataFrame:
    """Side by side, each explanation's top ``k`` reasons: the inputs with the largest positive
    values (contributions, or ``lime`` weights), largest first; blank where there are fewer.

    >>> compare_reasons({"ours": pd.Series({"a": 1.0, "b": -3.0, "c": 0.5}),
    ...                  "lime": pd.Series({"a": 2.0, "b": 0.3, "c": -1.0})}, k=2)["lime"].tolist()
    ['a', 'b']
    """
    table = {name: top_reasons(values, k).index.tolist() for name, values in explanations.items()}
    return pd.DataFrame({name: names + [""] * (k - len(names)) for name, names in table.items()},
                        index=pd.RangeIndex(1, k + 1, name="rank"))


def shared_reasons(explanations: Mapping[str, pd.Series], k: int = 3) -> list[str]:
    """The inputs that every explanation has among its top ``k`` reasons, in the first
    explanation's order.

    >>> shared_reasons({"ours": pd.Series({"a": 1.0, "b": -3.0, "c": 0.5}),
    ...                 "lime": pd.Series({"a": 2.0, "b": 0.3, "c": -1.0})}, k=2)
    ['a']
    """
    tops = [top_reasons(values, k).index.tolist() for values in explanations.values()]
    return [name for name in tops[0] if all(name in top for top in tops[1:])]


def plot_weights(distances: np.ndarray, width: float) -> Figure:
    """The kernel's weight against scaled distance, over a histogram of the sample's distances."""
    figure, axes = plt.subplots(figsize=(7, 3.6))
    counts = axes.twinx()
    counts.hist(distances, bins=40, color="0.85")
    counts.set_ylabel("sample rows", color="0.5")
    counts.tick_params(axis="y", colors="0.5")
    axes.set_zorder(counts.get_zorder() + 1)
    axes.patch.set_visible(False)
    grid = np.linspace(0, float(np.max(distances)), 200)
    axes.plot(grid, kernel_weights(grid, width), color=RISK_DOWN, linewidth=2.5, label="kernel weight")
    axes.axvline(width, color=NEUTRAL, linestyle=":", label=f"kernel width {width:.2f}")
    axes.set(xlabel="scaled distance from the customer", ylabel="kernel weight", ylim=(0, 1.05),
             title="Close rows count more")
    axes.legend(loc="upper right")
    figure.tight_layout()
    return figure


def plot_coefficients(explanations: Mapping[str, pd.Series], title: str, top: int = 10,
                      xlabel: str = "change in predicted probability per training standard deviation") -> Figure:
    """Grouped horizontal bars of several explanations' weights, for the ``top`` inputs with the
    largest absolute weight in the first one (largest on top)."""
    first = next(iter(explanations.values()))
    names = top_k_by_size(first, top)[::-1]
    figure, axes = plt.subplots(figsize=(7.5, 0.45 * len(names) + 1.5))
    height = 0.8 / len(explanations)
    colours = [RISK_DOWN, "#e67e22", "#27ae60", "#8e44ad"]
    for number, (label, weights) in enumerate(explanations.items()):
        positions = np.arange(len(names)) + (len(explanations) - 1 - number) * height - 0.4 + height / 2
        axes.barh(positions, weights[names].to_numpy(dtype=float), height=height,
                  color=colours[number % len(colours)], label=label)
    axes.set_yticks(np.arange(len(names)), names)
    axes.axvline(0, color=NEUTRAL, linewidth=0.8)
    axes.set(title=title, xlabel=xlabel)
    axes.legend(fontsize=8, loc="best")
    figure.tight_layout()
    return figure


def plot_ranked_predictions(fits: Mapping[str, LocalFit], customer: Mapping[str, int] | None = None) -> Figure:
    """One panel per local fit: the black box's predictions on the sample sorted from lowest to
    highest (line) and the local model's predictions for the same rows (dots, darker for
    heavier weight). ``customer`` maps a panel to the sample position of the explained row,
    marked with both models' predictions."""
    figure, grid = panel_grid(len(fits), len(fits), (min(6.0, 7.2 / len(fits)), 4))  # fits a 720 px slide
    for axes, (name, fit) in zip(grid.ravel(), fits.items()):
        order = np.argsort(fit.black_box, kind="stable")
        ranks = np.arange(len(order))
        shade = np.clip(fit.weights[order] / fit.weights.max(), 0.05, 1.0)
        axes.scatter(ranks, fit.local[order], s=6, c=shade, cmap="Oranges", vmin=0, vmax=1,
                     label="local linear model")
        axes.plot(ranks, fit.black_box[order], color=RISK_DOWN, linewidth=2.5, label="GBM")
        if customer and name in customer:
            where = int(np.flatnonzero(order == customer[name])[0])
            axes.scatter([where], [fit.black_box[customer[name]]], marker="*", s=250, color=RISK_UP,
                         edgecolor="black", zorder=5, label="the customer, GBM")
            axes.scatter([where], [fit.local[customer[name]]], marker="X", s=110, color="black",
                         zorder=5, label="the customer, local model")
        axes.set(xlabel="rows, ranked by the GBM's prediction", ylabel="predicted probability of default")
        axes.set_title(f"{name}: weighted R² = {fit.r2:.2f}", fontsize=10)
        axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    return figure
