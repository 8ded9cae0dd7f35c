"""Leave-one-covariate-out (LOCO) contributions, reason codes from them, and their stability
across an ensemble of models.

A row's LOCO contribution for an input is the model's prediction for the row minus its
prediction with that input set to missing (NaN). H2O trees send a missing value down the
branch they keep for missing values, so no refitting is needed. A positive contribution means
the input's actual value pushes this customer's risk up.

Every blanked copy of every row is scored in ONE call of ``predict``.

Example:
    >>> X = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 0.0]})
    >>> predict = lambda f: (0.1 * f["a"].fillna(0) + 0.2 * f["b"].fillna(1)).to_numpy()
    >>> loco_contributions(predict, X, ["a", "b"]).round(2).to_dict("list")
    {'a': [0.1, 0.2], 'b': [0.4, -0.2]}
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workshop_utils import SEED, pdp, shapley
from workshop_utils.pdp import Predict
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, panel_grid

__all__ = ["blanked_copies", "ensemble_loco", "fit_seed_ensemble", "loco_contributions",
           "mean_contributions", "plot_ensemble_loco", "plot_reason_grid", "rank_agreement",
           "reason_table", "reasons_at_percentiles", "sample_index", "scale_factors", "scaled_to_reference",
           "side_by_side", "top_reason", "top_reason_agreement", "top_reason_match"]


def blanked_copies(X: pd.DataFrame, inputs: Sequence[str]) -> pd.DataFrame:
    """``X`` itself, then one copy of ``X`` per input with that input set to missing, stacked
    in that order (``len(X) * (1 + len(inputs))`` rows, fresh index). ``X`` is not changed.

    >>> blanked_copies(pd.DataFrame({"a": [1, 2], "b": [3, 4]}), ["a", "b"]).to_dict("list")
    {'a': [1.0, 2.0, nan, nan, 1.0, 2.0], 'b': [3.0, 4.0, 3.0, 4.0, nan, nan]}
    """
    return pd.concat(blanked_versions(X, inputs), ignore_index=True)


def blanked_versions(X: pd.DataFrame, inputs: Sequence[str]) -> list[pd.DataFrame]:
    """The blocks of :func:`blanked_copies`, unstacked: ``X``, then ``X`` with each input missing."""
    return [X.astype(dict.fromkeys(inputs, "float64")),
            *(X.assign(**{name: np.nan}) for name in inputs)]


def loco_contributions(predict: Predict, X: pd.DataFrame, inputs: Sequence[str]) -> pd.DataFrame:
    """One row per row of ``X``, one column per input: prediction minus prediction with that
    input missing. Scores every :func:`blanked_copies` block in a single ``predict`` call."""
    inputs = list(inputs)
    scores = pdp.score_versions(predict, blanked_versions(X, inputs))
    return pd.DataFrame((scores[0] - scores[1:]).T, index=X.index, columns=inputs)


def scale_factors(contributions: pd.DataFrame, predictions: Sequence[float], reference: float) -> pd.Series:
    """Per row, (prediction - ``reference``) / (the sum of the row's contributions): the number
    the original notebook multiplies a row by; NaN where the sum is exactly 0.

    >>> scale_factors(pd.DataFrame({"a": [0.1, 0.0], "b": [0.3, 0.0]}), [0.5, 0.3], 0.2).round(2).tolist()
    [0.75, nan]
    """
    totals = contributions.sum(axis=1).to_numpy(dtype=float)
    gaps = np.asarray(predictions, dtype=float) - float(reference)
    factors = np.full(len(totals), np.nan)
    np.divide(gaps, totals, out=factors, where=totals != 0)
    return pd.Series(factors, index=contributions.index, name="factor")


def scaled_to_reference(contributions: pd.DataFrame, predictions: Sequence[float],
                        reference: float) -> pd.DataFrame:
    """Each row's contributions times its :func:`scale_factors` factor, so that they add up to
    the prediction minus ``reference`` (the original notebook's scale, with ``reference`` the
    mean prediction). A row whose contributions sum to exactly 0 cannot be rescaled: it is all
    NaN. Where the sum and prediction - ``reference`` have opposite signs, the factor is
    negative and every sign in the row flips.

    >>> loco = pd.DataFrame({"a": [0.1, 0.2, 0.0], "b": [0.3, -0.1, 0.0]})
    >>> scaled_to_reference(loco, [0.5, 0.1, 0.3], 0.2).round(3).to_dict("list")
    {'a': [0.075, -0.2, nan], 'b': [0.225, 0.1, nan]}
    """
    return contributions.mul(scale_factors(contributions, predictions, reference), axis=0)


def side_by_side(columns: dict[str, pd.Series]) -> pd.DataFrame:
    """One customer's contributions from several methods, one column each, then each method's
    rank of the inputs (1 = pushes the risk up the most; ties share the best rank); rows
    ordered by the first method, largest first.

    >>> side_by_side({"LOCO": pd.Series({"a": 0.1, "b": 0.3}),
    ...               "Shapley": pd.Series({"a": 0.5, "b": -0.2})}).to_dict("list")
    {'LOCO': [0.3, 0.1], 'Shapley': [-0.2, 0.5], 'LOCO rank': [1, 2], 'Shapley rank': [2, 1]}
    """
    table = pd.DataFrame(columns)
    table = table.sort_values(next(iter(columns)), ascending=False, kind="stable")
    for name in columns:
        table[f"{name} rank"] = table[name].rank(ascending=False, method="min").astype(int)
    return table


def reason_table(contributions: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """For each row, the names of the ``k`` inputs with the largest *positive* contributions,
    largest first, in columns ``reason_1`` ... ``reason_k``; None where a row has fewer.

    >>> loco = pd.DataFrame({"a": [0.3, -0.1], "b": [0.5, -0.2], "c": [-0.1, 0.4]})
    >>> reason_table(loco, k=2).to_dict("list")
    {'reason_1': ['b', 'c'], 'reason_2': ['a', None]}
    """
    rows = []
    for _, row in contributions.iterrows():
        top = shapley.top_reasons(row, k).index.tolist()
        rows.append(top + [None] * (k - len(top)))
    return pd.DataFrame(rows, index=contributions.index,
                        columns=[f"reason_{rank}" for rank in range(1, k + 1)], dtype=object)


def reasons_at_percentiles(contributions: pd.DataFrame, predictions: pd.Series,
                           percentiles: Sequence[float] = (0, 10, 50, 90, 99, 100),
                           k: int = 3, ids: pd.Series | None = None,
                           rows: pd.Series | None = None) -> pd.DataFrame:
    """Reason codes of the customers at these percentiles of predicted risk: one row per
    percentile with the row label (or ``ids``), the prediction and ``reason_1`` ... ``reason_k``.
    The customers are ``rows`` (percentile to row label, as ``pdp.rows_at_percentiles`` gives,
    e.g. picked over the whole test set) or, by default, picked among the rows of ``contributions``.

    >>> loco = pd.DataFrame({"a": [0.3, -0.1], "b": [0.5, -0.2]}, index=[7, 8])
    >>> reasons_at_percentiles(loco, pd.Series([0.9, 0.1], index=[7, 8]), [0, 100], k=1)["reason_1"].tolist()
    [None, 'b']
    """
    if rows is None:
        rows = pdp.rows_at_percentiles(predictions.loc[contributions.index], percentiles)
    labels = rows.to_numpy()
    table = reason_table(contributions.loc[labels], k)
    table.insert(0, "prediction", predictions.loc[labels].to_numpy(dtype=float).round(4))
    table.insert(0, "customer", (ids.loc[labels] if ids is not None else rows).to_numpy())
    table.index = rows.index
    return table


def sample_index(index: pd.Index, n: int, include: Sequence[object] = (), seed: int = SEED) -> pd.Index:
    """The labels in ``include``, then ``n`` other labels of ``index`` drawn at random (seeded),
    in ``index`` order: a sample of rows that always holds the customers a lesson looks at.

    >>> sample_index(pd.Index([10, 11, 12, 13, 14]), 2, include=[14]).tolist()
    [14, 10, 12]
    """
    included = pd.Index(list(include), dtype=index.dtype)
    rest = index.difference(included, sort=False)
    chosen = np.sort(np.random.default_rng(seed).choice(len(rest), size=min(n, len(rest)), replace=False))
    return included.append(rest[chosen])


def fit_seed_ensemble(train: pd.DataFrame, valid: pd.DataFrame, inputs: Sequence[str], target: str,
                      seeds: Sequence[int], **overrides: object) -> list:
    """One H2O GBM per seed (``h2o_models.fit_h2o_gbm``, same settings otherwise): models that
    differ only in their random row and column sampling.

    >>> members = fit_seed_ensemble(parts.train, parts.valid, inputs, TARGET, [1, 2])  # doctest: +SKIP
    """
    from workshop_utils.h2o_models import fit_h2o_gbm  # needs h2o only when used

    return [fit_h2o_gbm(train, valid, inputs, target, seed=int(seed), **overrides) for seed in seeds]


def ensemble_loco(predicts: Sequence[Predict], X: pd.DataFrame, inputs: Sequence[str]) -> list[pd.DataFrame]:
    """LOCO contributions of each model in turn (one ``predict`` call per model)."""
    return [loco_contributions(predict, X, inputs) for predict in predicts]


def mean_contributions(members: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Average of the members' contribution frames, cell by cell: the ensemble's LOCO.

    >>> mean_contributions([pd.DataFrame({"a": [1.0]}), pd.DataFrame({"a": [3.0]})])["a"].tolist()
    [2.0]
    """
    return sum(members[1:], members[0].copy()) / len(members)


def top_reason(contributions: pd.DataFrame) -> pd.Series:
    """Each row's top-ranked input: the column with the largest contribution (first on ties).

    >>> top_reason(pd.DataFrame({"a": [0.1, 0.5], "b": [0.2, 0.4]})).tolist()
    ['b', 'a']
    """
    return contributions.idxmax(axis=1)


def top_reason_agreement(members: Sequence[pd.DataFrame]) -> float:
    """Share of rows on which every member names the same top reason.

    >>> one = pd.DataFrame({"a": [0.1, 0.5], "b": [0.2, 0.4]})
    >>> two = pd.DataFrame({"a": [0.3, 0.5], "b": [0.2, 0.4]})
    >>> top_reason_agreement([one, one]), top_reason_agreement([one, two])
    (1.0, 0.5)
    """
    tops = pd.concat([top_reason(member) for member in members], axis=1)
    return float((tops.nunique(axis=1) == 1).mean())


def top_reason_match(one: pd.DataFrame, other: pd.DataFrame) -> float:
    """Share of rows whose top reason is the same in both contribution frames.

    >>> top_reason_match(pd.DataFrame({"a": [1, 0], "b": [0, 1]}), pd.DataFrame({"a": [1, 1], "b": [0, 0]}))
    0.5
    """
    return float((top_reason(one) == top_reason(other)).mean())


def rank_agreement(members: Sequence[pd.DataFrame]) -> pd.Series:
    """For each row, the mean over all pairs of members of the Spearman correlation between
    their contributions (ties get average ranks): 1 when every member ranks the inputs alike.
    A pair where one member's contributions are all equal is left out (NaN if all are).

    >>> one = pd.DataFrame({"a": [1.0], "b": [2.0], "c": [3.0]})
    >>> rank_agreement([one, one, one[["c", "b", "a"]].set_axis(["a", "b", "c"], axis=1)]).round(3).tolist()
    [-0.333]
    """
    ranks = []
    for member in members:
        ranked = member.rank(axis=1).to_numpy(dtype=float)
        ranks.append(ranked - ranked.mean(axis=1, keepdims=True))
    pairs = []
    for first, second in combinations(ranks, 2):
        scale = np.sqrt((first ** 2).sum(axis=1) * (second ** 2).sum(axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            pairs.append(np.where(scale > 0, (first * second).sum(axis=1) / scale, np.nan))
    with np.errstate(all="ignore"):
        mean = pd.DataFrame(pairs).T.mean(axis=1, skipna=True).to_numpy()
    return pd.Series(mean, index=members[0].index, name="mean Spearman correlation")


def _short_label(name: str, value: float) -> str:
    return f"{name} = {value:,.0f}"


def _customer_panels(count: int, columns: int) -> tuple[Figure, np.ndarray]:
    """The grid of the per-customer figures: 5.2 x 2.8 inch panels sharing the x axis."""
    return panel_grid(count, columns, (5.2, 2.8), sharex=True)


def plot_reason_grid(contributions: pd.DataFrame, rows: pd.Series, predictions: pd.Series,
                     values: pd.DataFrame, top: int = 5, columns: int = 3) -> Figure:
    """One panel per customer (``rows`` maps a percentile to a row label): that customer's
    ``top`` inputs by size of LOCO contribution, red when the input raises the risk, blue when
    it lowers it, labelled with the input's value."""
    figure, grid = _customer_panels(len(rows), columns)
    for axes, (percentile, label) in zip(grid.ravel(), rows.items()):
        row = contributions.loc[label]
        shown = shapley.largest_first(row)[:top][::-1]
        axes.barh([_short_label(name, values.loc[label, name]) for name in shown.index],
                  shown.to_numpy(), color=[RISK_UP if v > 0 else RISK_DOWN for v in shown])
        axes.axvline(0, color=NEUTRAL, linewidth=0.8)
        axes.set_title(f"p{percentile}: predicted {predictions[label]:.3f}", fontsize=11)
        axes.tick_params(axis="y", labelsize=9)
    for axes in grid[-1]:
        axes.set_xlabel("LOCO: change in predicted probability")
    figure.suptitle("LOCO contributions of customers across the risk range "
                    "(red raises the risk, blue lowers it)", fontsize=12)
    figure.tight_layout()
    return figure


def plot_ensemble_loco(members: Sequence[pd.DataFrame], rows: pd.Series, top: int = 5,
                       columns: int = 3) -> Figure:
    """One panel per customer: bars of the ensemble's mean LOCO contribution for its ``top``
    inputs, and one marker per member (the first member as a diamond), so the spread between
    models is visible."""
    mean = mean_contributions(members)
    figure, grid = _customer_panels(len(rows), columns)
    for axes, (percentile, label) in zip(grid.ravel(), rows.items()):
        row = mean.loc[label]
        names = shapley.largest_first(row).index[:top][::-1]
        positions = np.arange(len(names))
        axes.barh(positions, row[names].to_numpy(), color=[RISK_UP if v > 0 else RISK_DOWN for v in row[names]],
                  alpha=0.6)
        for number, member in enumerate(members):
            first = number == 0
            axes.scatter(member.loc[label, names].to_numpy(), positions, zorder=3,
                         s=42 if first else 18, marker="D" if first else "o",
                         facecolors="white" if first else "black", edgecolors="black",
                         label=("first model" if first else "other models") if number < 2 else None)
        axes.set_yticks(positions, names)
        axes.axvline(0, color=NEUTRAL, linewidth=0.8)
        axes.set_title(f"p{percentile}", fontsize=11)
    for axes in grid[-1]:
        axes.set_xlabel("LOCO: change in predicted probability")
    grid[0, 0].legend(loc="lower right", fontsize=8)
    figure.suptitle(f"Ensemble LOCO (bars: mean of {len(members)} models; dots: each model)", fontsize=12)
    figure.tight_layout()
    return figure
