"""Attacks on a scoring model: adversarial searches, a demographic search and a random attack.

An *adversarial example* here is a change that should NOT matter (at most 10 % of an amount,
staying inside the training ranges) that still flips the decision at the cutoff AND moves the
predicted probability by at least ``BIG_MOVE``. The same search over one repayment-status step
measures something else: exposure to tampering with a field whose changes rightly matter.
A *demographic search* changes inputs the decision must not depend on (sex, age, marital status,
education) in the full records a scoring system receives. A *random attack* scores rows the model
never saw (random rows inside the training ranges, rows with values beyond them, rows with
missing values) and flags odd results by stated rules.

Example:
    >>> import pandas as pd
    >>> train = pd.DataFrame({"PAY_0": [-2, 8], "LIMIT_BAL": [10_000, 500_000]})
    >>> ranges = training_ranges(train, ["PAY_0", "LIMIT_BAL"])
    >>> small_changes("PAY_0", 1, ranges), small_changes("LIMIT_BAL", 50_000, ranges)
    ([0.0, 2.0], [45000.0, 47500.0, 52500.0, 55000.0])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import roc_auc_score

from workshop_utils import SEED
from workshop_utils.cutoffs import best_f1_cutoff, decide, flipped
from workshop_utils.data import BILL_AMOUNTS, EDUCATION_CODES, MARRIAGE_CODES, PAY_AMOUNTS, PAY_STATUS
from workshop_utils.pdp import Predict, make_grid, score_versions
from workshop_utils.plots import RISK_DOWN, RISK_UP, panel_grid, plot_pd_ice, plt, shade_outside_range
from workshop_utils.shapley import BIAS

__all__ = ["AMOUNTS", "AMOUNT_FLOOR", "AMOUNT_SHARE", "BIG_MOVE", "DEMOGRAPHIC_CHANGES", "ODD_RULES",
           "STATUS_STEP", "AttackBench", "adversarial_search", "adversary_surface", "best_change", "budget_grid",
           "decisions_changed_by_missing", "demographic_search", "domain_report", "extended_grid",
           "flag_odd", "plot_adversarial", "plot_adversary_surface", "plot_extended_ice",
           "plot_random_attack", "probe_inputs", "random_attack", "single_input_probes", "small_changes",
           "training_ranges"]

STATUS_STEP = 1
"""A small change of a repayment status: one month more or less delay (one code step)."""
AMOUNT_SHARE = 0.10
"""A small change of an amount: at most this share of it..."""
AMOUNT_FLOOR = 1_000.0
"""...or this many NT dollars (about 30 US dollars), whichever is larger."""
BIG_MOVE = 0.10
"""A move of the predicted probability this large (10 percentage points) counts as "a lot"."""
AMOUNTS = ["LIMIT_BAL", *BILL_AMOUNTS, *PAY_AMOUNTS]
"""The inputs whose small changes should not decide a customer's fate: the amounts."""


def _age_shift(years: int) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A change moving everyone's AGE by ``years``, kept inside the ages the records hold."""
    return lambda records: records.assign(
        AGE=(records["AGE"] + years).clip(records["AGE"].min(), records["AGE"].max()))


def _set_code(name: str, code: int) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A change setting everyone's ``name`` to ``code``."""
    return lambda records: records.assign(**{name: code})


DEMOGRAPHIC_CHANGES: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "SEX swapped": lambda records: records.assign(SEX=3 - records["SEX"]),
    "AGE - 10 years": _age_shift(-10),
    "AGE + 10 years": _age_shift(10),
    **{f"MARRIAGE = {MARRIAGE_CODES[code]}": _set_code("MARRIAGE", code) for code in (1, 2, 3)},
    **{f"EDUCATION = {EDUCATION_CODES[code]}": _set_code("EDUCATION", code) for code in (1, 2, 3, 4)},
}
"""Changes to inputs no decision may depend on: name -> function from records to changed records."""

ODD_RULES = {
    "more extreme than any real customer": "score below the lowest or above the highest score "
                                           "the model gives a real (test) customer",
    "missing value moves score > 0.10": "the row has a missing input and its score moves by more "
                                        "than BIG_MOVE when missing inputs get the training median",
    "impossible row scored": "the row holds a value no customer can have, and still got a score",
}
"""The random attack's rules for an odd result: name -> what it means."""


def training_ranges(frame: pd.DataFrame, inputs: Sequence[str]) -> pd.DataFrame:
    """Lowest and highest value of each input (columns ``min`` and ``max``): the training domain.

    >>> training_ranges(pd.DataFrame({"a": [3, 1, 2]}), ["a"]).to_dict("list")
    {'min': [1.0], 'max': [3.0]}
    """
    return frame[list(inputs)].agg(["min", "max"]).T.astype(float)


def extended_grid(values: pd.Series, beyond: float = 0.5, resolution: int = 20) -> np.ndarray:
    """Grid across the whole observed range of ``values`` (distinct values or quantiles from
    min to max) plus two points past each end, up to ``beyond`` times the range; whole numbers
    stay whole.

    >>> extended_grid(pd.Series([0, 1, 2, 3, 4])).tolist()
    [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    """
    inside = make_grid(values, resolution, percentiles=(0.0, 1.0))
    low, high = float(values.min()), float(values.max())
    span = high - low
    outside = np.array([low - beyond * span, low - beyond * span / 2,
                        high + beyond * span / 2, high + beyond * span])
    if np.allclose(values.dropna(), np.round(values.dropna())):
        outside = np.round(outside)
    return np.unique(np.concatenate([inside, outside]))


def _budget(values: np.ndarray) -> np.ndarray:
    """How far a small change may move each amount: ``max(10 % of it, NT$1,000)``."""
    return np.maximum(AMOUNT_SHARE * np.abs(values), AMOUNT_FLOOR)


def _steps(name: str, values: np.ndarray) -> np.ndarray:
    """The small steps allowed from each value (one row of steps per value)."""
    if name in PAY_STATUS:
        return np.tile([-STATUS_STEP, STATUS_STEP], (len(values), 1)).astype(float)
    return _budget(values)[:, None] * np.array([-1.0, -0.5, 0.5, 1.0])


def budget_grid(name: str, value: float, ranges: pd.DataFrame, points: int = 21) -> np.ndarray:
    """Evenly spaced values of an amount across its small-change budget around ``value``,
    clipped to the training range: the inside of the budget box, for ``adversary_surface``.

    >>> budget_grid("x", 500.0, pd.DataFrame({"min": [0.0], "max": [9e9]}, index=["x"]), 3).tolist()
    [0.0, 500.0, 1500.0]
    """
    half = float(_budget(np.array([value]))[0])
    grid = np.linspace(value - half, value + half, points)
    return np.unique(grid.clip(ranges.loc[name, "min"], ranges.loc[name, "max"]))


def small_changes(name: str, value: float, ranges: pd.DataFrame) -> list[float]:
    """The values one input may take in the adversarial search: a status one step either way,
    an amount moved by half or all of ``max(10 % of it, NT$1,000)`` either way, rounded to
    whole NT dollars; only values inside the training range."""
    new = np.round(value + _steps(name, np.array([float(value)]))[0])
    inside = (new >= ranges.loc[name, "min"]) & (new <= ranges.loc[name, "max"])
    return new[inside].tolist()


def probe_inputs(contributions: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """For each row, the ``k`` inputs with the largest absolute Shapley value (local importance),
    largest first: the inputs worth probing for that customer.

    >>> c = pd.DataFrame({"a": [0.1, -2.0], "b": [0.5, 0.1], BIAS: [9.0, 9.0]})
    >>> probe_inputs(c, k=1)[1].tolist()
    ['b', 'a']
    """
    values = contributions.drop(columns=[BIAS], errors="ignore")
    order = np.argsort(-values.abs().to_numpy(), axis=1, kind="stable")[:, :k]
    names = values.columns.to_numpy()[order]
    return pd.DataFrame(names, index=contributions.index, columns=range(1, k + 1))


def single_input_probes(index: pd.Index, name: str) -> pd.DataFrame:
    """Probes (as ``probe_inputs`` returns them) that send every row's search to one input.

    >>> single_input_probes(pd.Index([7, 8]), "PAY_0").to_dict("list")
    {1: ['PAY_0', 'PAY_0']}
    """
    return pd.DataFrame({1: [name] * len(index)}, index=index)


def best_change(predict: Predict, row: pd.Series, feature: str, candidates: Sequence[float],
                raise_risk: bool) -> tuple[float, float]:
    """One step of the search: try each candidate value of ``feature`` in ``row``; return the one
    giving the highest probability (``raise_risk``) or the lowest, and that probability
    (the first such candidate on ties).

    >>> predict = lambda f: (f["x"] / 10).to_numpy()
    >>> best_change(predict, pd.Series({"x": 5.0}), "x", [4.0, 6.0, 7.0], raise_risk=True)
    (7.0, 0.7)
    """
    trials = pd.DataFrame([row] * len(candidates)).reset_index(drop=True)
    trials[feature] = np.asarray(candidates, dtype=float)
    scores = np.asarray(predict(trials), dtype=float)
    best = int(np.argmax(scores) if raise_risk else np.argmin(scores))
    return float(candidates[best]), float(scores[best])


def adversarial_search(predict: Predict, X: pd.DataFrame, probes: pd.DataFrame, cutoff: float,
                       ranges: pd.DataFrame, big_move: float = BIG_MOVE) -> pd.DataFrame:
    """For each row of ``X``: try every small change of each probed input (one at a time), keep
    the one that pushes the probability furthest toward the other side of ``cutoff`` (down for
    a declined customer, up for an accepted one). All candidates are scored in one call.

    Returns one row per customer: ``feature``, ``old``, ``new``, ``before``, ``after``,
    ``toward`` (the move toward the other side), ``flipped`` (decision changed) and
    ``adversarial`` (flipped and ``toward >= big_move``)."""
    pieces = []
    for name in pd.unique(probes.to_numpy().ravel()):
        labels = probes.index[(probes == name).any(axis=1).to_numpy()]
        old = X.loc[labels, name].to_numpy(dtype=float)
        new = np.round(old[:, None] + _steps(name, old))
        which, step = np.nonzero((new >= ranges.loc[name, "min"]) & (new <= ranges.loc[name, "max"]))
        pieces.append(pd.DataFrame({"row": labels[which], "feature": name, "old": old[which],
                                    "new": new[which, step]}))
    tried = pd.concat(pieces, ignore_index=True)
    trials = X.loc[tried["row"]].astype(float).reset_index(drop=True)
    for name, where in tried.groupby("feature").groups.items():
        trials.loc[where, name] = tried.loc[where, "new"]
    before = pd.Series(np.asarray(predict(X), dtype=float), index=X.index)
    tried["before"] = before.loc[tried["row"]].to_numpy()
    tried["after"] = np.asarray(predict(trials), dtype=float)
    declined = decide(tried["before"], cutoff) == 1
    tried["toward"] = np.where(declined, tried["before"] - tried["after"], tried["after"] - tried["before"])
    best = tried.loc[tried.groupby("row", sort=False)["toward"].idxmax()].set_index("row")
    best = best.reindex(X.index)
    best["before"] = before
    best["after"] = best["after"].fillna(best["before"])
    best["toward"] = best["toward"].fillna(0.0)
    best["flipped"] = flipped(best["before"], best["after"], cutoff)
    best["adversarial"] = best["flipped"] & (best["toward"] >= big_move)
    best.index.name = X.index.name
    return best[["feature", "old", "new", "before", "after", "toward", "flipped", "adversarial"]]


def random_attack(ranges: pd.DataFrame, n: int, seed: int = SEED, beyond: float = 0.5,
                  max_touched: int = 3, whole: Sequence[str] = tuple(PAY_STATUS)) -> pd.DataFrame:
    """``n`` random rows in three equal-ish parts, labelled in column ``kind``: ``inside`` (every
    input uniform between its training min and max), ``beyond`` (1 to ``max_touched`` inputs
    pushed past the min or max by up to ``beyond`` times the range) and ``missing`` (1 to
    ``max_touched`` inputs blanked). Inputs in ``whole`` are whole numbers. Seeded.

    >>> rows = random_attack(pd.DataFrame({"min": [0.0], "max": [1.0]}, index=["x"]), 6)
    >>> rows["kind"].tolist(), int(rows["x"].isna().sum())
    (['inside', 'inside', 'beyond', 'beyond', 'missing', 'missing'], 2)
    """
    rng = np.random.default_rng(seed)
    names = ranges.index.tolist()
    low, high = ranges["min"].to_numpy(), ranges["max"].to_numpy()
    rows = pd.DataFrame(rng.uniform(low, high, size=(n, len(names))), columns=names)
    kinds = np.array(["inside", "beyond", "missing"])[np.arange(n) * 3 // n]
    for position in np.flatnonzero(kinds != "inside"):
        touched = rng.choice(len(names), size=rng.integers(1, min(max_touched, len(names)) + 1),
                             replace=False)
        for column in touched:
            if kinds[position] == "missing":
                rows.iat[position, column] = np.nan
            else:
                push = rng.uniform(0.05, beyond) * (high[column] - low[column])
                rows.iat[position, column] = low[column] - push if rng.random() < 0.5 else high[column] + push
    for name in set(whole) & set(names):
        rows[name] = rows[name].round()
    rows["kind"] = kinds
    return rows


def flag_odd(predict: Predict, rows: pd.DataFrame, reference: np.ndarray, fill: pd.Series,
             impossible: pd.Series, big_move: float = BIG_MOVE) -> pd.DataFrame:
    """One boolean column per rule in ``ODD_RULES`` (True = odd), one row per row of ``rows``
    (the model's inputs only). ``predict`` may return NaN for a row it refuses to score (a
    guard); such rows are never flagged. ``reference`` holds the scores of real customers,
    ``fill`` one value per input for missing ones, ``impossible`` marks rows no customer can have.
    """
    scores = np.asarray(predict(rows), dtype=float)
    filled = np.asarray(predict(rows.fillna(fill)), dtype=float)
    scored = ~np.isnan(scores)
    flags = pd.DataFrame(index=rows.index)
    names = list(ODD_RULES)
    flags[names[0]] = scored & ((scores < np.min(reference)) | (scores > np.max(reference)))
    flags[names[1]] = scored & rows.isna().any(axis=1).to_numpy() & (np.abs(scores - filled) > big_move)
    flags[names[2]] = scored & impossible.reindex(rows.index).fillna(False).to_numpy(dtype=bool)
    return flags


def domain_report(ice: dict[str, pd.DataFrame], ranges: pd.DataFrame) -> pd.DataFrame:
    """What ICE curves over ``extended_grid`` grids show, one row per input: partial dependence
    at the training min and max, the largest move of any ICE curve beyond the range (away from
    its value at the nearest edge), and the steepest step of the partial dependence inside it.

    >>> ice = {"x": pd.DataFrame([[0.1, 0.1, 0.2, 0.6, 0.6]], columns=[-1.0, 0.0, 1.0, 2.0, 3.0])}
    >>> domain_report(ice, pd.DataFrame({"min": [0.0], "max": [2.0]}, index=["x"])).round(4).iloc[0].tolist()
    [0.1, 0.6, 0.0, 0.4, 1.0, 2.0]
    """
    records = {}
    for name, curves in ice.items():
        grid = curves.columns.to_numpy(dtype=float)
        low, high = ranges.loc[name, "min"], ranges.loc[name, "max"]
        at_low, at_high = curves.iloc[:, np.argmin(np.abs(grid - low))], curves.iloc[:, np.argmin(np.abs(grid - high))]
        beyond = max(curves.loc[:, grid < low].sub(at_low, axis=0).abs().to_numpy().max(initial=0.0),
                     curves.loc[:, grid > high].sub(at_high, axis=0).abs().to_numpy().max(initial=0.0))
        inside = grid[(grid >= low) & (grid <= high)]
        average = curves.mean(axis=0).to_numpy()[(grid >= low) & (grid <= high)]
        step = int(np.argmax(np.abs(np.diff(average))))
        records[name] = {"PD at min": at_low.mean(), "PD at max": at_high.mean(),
                         "largest ICE move beyond the range": beyond,
                         "steepest PD step inside": abs(average[step + 1] - average[step]),
                         "step from": inside[step], "step to": inside[step + 1]}
    return pd.DataFrame(records).T.astype(float)


def decisions_changed_by_missing(predict: Predict, X: pd.DataFrame, feature: str,
                                 cutoff: float) -> float:
    """Share of rows whose decision at ``cutoff`` changes when ``feature`` goes missing.

    >>> predict = lambda f: f["x"].fillna(9).to_numpy() / 10
    >>> decisions_changed_by_missing(predict, pd.DataFrame({"x": [1.0, 6.0]}), "x", 0.5)
    0.5
    """
    return float(np.mean(flipped(predict(X), predict(X.assign(**{feature: np.nan})), cutoff)))


def demographic_search(predict: Predict, records: pd.DataFrame, cutoff: float,
                       changes: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] | None = None
                       ) -> pd.DataFrame:
    """Apply each change in ``changes`` (default ``DEMOGRAPHIC_CHANGES``) to every record and
    rescore: per change, how many decisions at ``cutoff`` flip and the largest move of a
    probability; a last row counts the customers any change flips. ``predict`` receives whole
    records, as a scoring system does. All versions are scored in one call.

    >>> predict = lambda f: f["SEX"].to_numpy() / 4
    >>> records = pd.DataFrame({"SEX": [1, 2], "AGE": [30, 40], "MARRIAGE": 1, "EDUCATION": 2})
    >>> demographic_search(predict, records, 0.4).loc["SEX swapped"].tolist()
    [2.0, 0.25]
    """
    changes = DEMOGRAPHIC_CHANGES if changes is None else changes
    scores = score_versions(predict, [records, *(change(records) for change in changes.values())])
    flips = flipped(np.broadcast_to(scores[0], scores[1:].shape), scores[1:], cutoff)
    moves = np.abs(scores[1:] - scores[0])
    table = pd.DataFrame({"decisions flipped": flips.sum(axis=1), "largest move": moves.max(axis=1)},
                         index=list(changes)).astype(float)
    table.loc["any of these (customers)"] = [float(flips.any(axis=0).sum()), float(moves.max(initial=0.0))]
    return table


def adversary_surface(predict: Predict, row: pd.Series, x: tuple[str, Sequence[float]],
                      y: tuple[str, Sequence[float]]) -> pd.DataFrame:
    """The predicted probability for ``row`` with two inputs moved together over their grids:
    ``x`` and ``y`` are (input, grid) pairs; one row per ``y`` value, one column per ``x`` value.
    One ``predict`` call.

    >>> surface = adversary_surface(lambda f: (f["a"] + f["b"]).to_numpy(), pd.Series({"a": 0.0, "b": 0.0}),
    ...                             ("a", [1.0, 2.0]), ("b", [10.0]))
    >>> surface.to_numpy().tolist(), surface.index.name, surface.columns.name
    ([[11.0, 12.0]], 'b', 'a')
    """
    (x_name, x_grid), (y_name, y_grid) = x, y
    xx, yy = np.meshgrid(np.asarray(x_grid, dtype=float), np.asarray(y_grid, dtype=float))
    trials = pd.DataFrame([row.astype(float)] * xx.size).reset_index(drop=True)
    trials[x_name], trials[y_name] = xx.ravel(), yy.ravel()
    scores = np.asarray(predict(trials), dtype=float).reshape(xx.shape)
    return pd.DataFrame(scores, index=pd.Index(y_grid, name=y_name, dtype=float),
                        columns=pd.Index(x_grid, name=x_name, dtype=float))


@dataclass(frozen=True)
class AttackBench:
    """Everything needed to measure a model (or a model behind guards) the same way before and
    after a fix: the rows to measure on with their targets, the validation rows that set each
    model's cutoff, the training ranges, the random attack's rows with the impossible ones
    marked, the fill for missing values, and the input to blank and to tamper with."""

    X: pd.DataFrame
    y: pd.Series
    X_valid: pd.DataFrame
    y_valid: pd.Series
    ranges: pd.DataFrame
    attack: pd.DataFrame
    impossible: pd.Series
    fill: pd.Series
    blank: str = "PAY_0"

    def measure(self, predict: Predict) -> pd.Series:
        """AUC, AUC with ``blank`` missing for everyone, share of decisions a missing ``blank``
        changes, decisions one falsified step of ``blank`` flips by at least ``BIG_MOVE``, and
        random-attack rows flagged, with the model's own best-F1 cutoff on the validation rows."""
        cutoff, _ = best_f1_cutoff(self.y_valid, predict(self.X_valid))
        scores = np.asarray(predict(self.X), dtype=float)
        blanked = np.asarray(predict(self.X.assign(**{self.blank: np.nan})), dtype=float)
        tampered = adversarial_search(predict, self.X, single_input_probes(self.X.index, self.blank),
                                      cutoff, self.ranges)
        flags = flag_odd(predict, self.attack[self.ranges.index], scores, self.fill, self.impossible)
        return pd.Series({
            "AUC": roc_auc_score(self.y, scores),
            f"AUC, {self.blank} blank": roc_auc_score(self.y, blanked),
            f"decisions changed by blank {self.blank}": float(np.mean(flipped(scores, blanked, cutoff))),
            f"flips by one {self.blank} step": float(tampered["adversarial"].sum()),
            "attack rows flagged": float(flags.any(axis=1).sum()),
        })


def plot_extended_ice(curves: dict[str, tuple[pd.Series, pd.DataFrame]], data: pd.DataFrame,
                      ranges: pd.DataFrame, labels: pd.Series | None = None,
                      columns: int = 2) -> Figure:
    """Partial dependence and ICE panels (as ``plots.plot_pd_ice``) over grids that run past the
    training range, with the region outside it shaded: there the model has never seen data."""
    figure, grid = panel_grid(len(curves), columns, (6, 3.6))
    for axes, (name, (pd_curve, ice)) in zip(grid.ravel(), curves.items()):
        plot_pd_ice(pd_curve, ice, data[name], labels, axes, legend=False)
        x = pd_curve.index.to_numpy(dtype=float)
        shade_outside_range(axes, x, ranges.loc[name, "min"], ranges.loc[name, "max"])
    handles, names = grid[0, 0].get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", ncol=min(len(names), 4), fontsize=8)
    figure.tight_layout(rect=(0, 0.04 + 0.03 * int(np.ceil(len(names) / 4)) / len(grid), 1, 1))
    return figure


def plot_adversarial(result: pd.DataFrame, cutoff: float, title: str) -> Figure:
    """Each customer's probability before (x) and after (y) their best small change: points
    that cross a cutoff line changed decision; adversarial ones are drawn in colour."""
    figure, axes = plt.subplots(figsize=(6, 5))
    calm = result[~result["adversarial"]]
    axes.scatter(calm["before"], calm["after"], s=4, color="0.75", label="best change, not adversarial")
    for name, part in result[result["adversarial"]].groupby("feature"):
        axes.scatter(part["before"], part["after"], s=8, label=f"adversarial via {name}")
    axes.plot([0, 1], [0, 1], color="0.4", linewidth=0.8)
    axes.axvline(cutoff, color=RISK_UP, linestyle="--", linewidth=1)
    axes.axhline(cutoff, color=RISK_UP, linestyle="--", linewidth=1, label=f"cutoff {cutoff:.3f}")
    axes.set(xlabel="probability of default, as scored", ylabel="after one small change",
             title=title, xlim=(0, 1), ylim=(0, 1))
    axes.legend(fontsize=7, loc="upper left", markerscale=2)
    figure.tight_layout()
    return figure


def plot_random_attack(scores: pd.Series, kinds: pd.Series, flagged: pd.Series,
                       reference: np.ndarray, title: str) -> Figure:
    """Scores of the random rows, one strip per kind, flagged rows in red, against the range of
    scores real customers get (shaded)."""
    figure, axes = plt.subplots(figsize=(7, 3.2))
    rng = np.random.default_rng(SEED)
    order = list(dict.fromkeys(kinds))
    axes.axvspan(np.min(reference), np.max(reference), color=RISK_DOWN, alpha=0.1,
                 label="range of real customers' scores")
    for position, kind in enumerate(order):
        mine = (kinds == kind).to_numpy()
        jitter = position + rng.uniform(-0.25, 0.25, mine.sum())
        colours = np.where(flagged[mine], RISK_UP, "0.6")
        axes.scatter(scores[mine], jitter, s=4, c=colours)
    axes.scatter([], [], s=8, color=RISK_UP, label="flagged odd")
    axes.set_yticks(range(len(order)), [f"{k}\n({(kinds == k).sum()} rows)" for k in order])
    axes.set(xlabel="predicted probability of default", title=title, xlim=(0, 1))
    axes.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    return figure


def plot_adversary_surface(surface: pd.DataFrame, row: pd.Series, cutoff: float, title: str) -> Figure:
    """The probability over two inputs (from ``adversary_surface``) as filled contours, the
    cutoff as a line, the customer as a point and the small-change budget around it as a box."""
    figure, axes = plt.subplots(figsize=(6.4, 4.6))
    x_name, y_name = surface.columns.name, surface.index.name
    x, y = surface.columns.to_numpy(dtype=float), surface.index.to_numpy(dtype=float)
    filled = axes.contourf(x, y, surface.to_numpy(), levels=12, cmap="RdBu_r")
    figure.colorbar(filled, ax=axes, label="probability of default")
    if surface.to_numpy().min() < cutoff < surface.to_numpy().max():
        axes.contour(x, y, surface.to_numpy(), levels=[cutoff], colors="black", linewidths=1.5)
    axes.plot([], [], color="black", linewidth=1.5, label=f"cutoff {cutoff:.3f}")
    x0, y0 = float(row[x_name]), float(row[y_name])
    half_x, half_y = _budget(np.array([x0, y0]))
    axes.add_patch(plt.Rectangle((x0 - half_x, y0 - half_y), 2 * half_x, 2 * half_y, fill=False,
                                 edgecolor="black", linestyle="--", label="small-change budget"))
    axes.scatter([x0], [y0], color="black", s=30, zorder=3, label="the customer")
    for axis, values, scale, limits in ((axes.xaxis, x, axes.set_xscale, axes.set_xlim),
                                        (axes.yaxis, y, axes.set_yscale, axes.set_ylim)):
        scale("symlog", linthresh=AMOUNT_FLOOR)
        limits(values.min(), values.max())
        ticks = [tick for tick in (0.0, *(sign * 10.0 ** power for power in range(3, 7) for sign in (-1, 1)))
                 if values.min() <= tick <= values.max()]
        axis.set_ticks(sorted(ticks), [f"{tick:,.0f}" for tick in sorted(ticks)])
    axes.set(xlabel=f"{x_name} (NT$, log scale past 1,000)", ylabel=f"{y_name} (NT$, log scale past 1,000)",
             title=title)
    axes.legend(fontsize=7, loc="upper right", framealpha=0.9)
    figure.tight_layout()
    return figure
