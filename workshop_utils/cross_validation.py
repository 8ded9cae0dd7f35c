"""k-fold cross-validation of several models on the same folds: out-of-fold predictions, metrics
per fold, each model's rank within each fold, and a summary.

Every model is scored on the same seeded, stratified folds, and ranked within each fold on several
metrics (1 = best), so a model that wins on average but loses on most folds shows it.

Example:
    >>> y = np.array([0, 0, 1, 1] * 5)
    >>> folds = assign_folds(y, k=5)
    >>> scores = cv_scores(y, {"good": y * 0.8 + 0.1, "coin": np.full(20, 0.5)}, folds)
    >>> mean_ranks(fold_ranks(scores, {"auc": True})).to_dict()
    {'good': 1.0, 'coin': 2.0}
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from tqdm import tqdm

from workshop_utils import SEED
from workshop_utils.cutoffs import best_f1_cutoff, decide

__all__ = ["METRICS", "FitPredict", "assign_folds", "cross_validated_predictions", "cv_scores", "cv_summary",
           "each_fold", "fold_metrics", "fold_ranks", "mean_ranks"]

METRICS: dict[str, bool] = {"auc": True, "logloss": False, "f1": True, "accuracy": True}
"""The cross-validation metrics, each mapped to True when higher is better."""

FitPredict = Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]
"""Trains on its first frame (the other folds) and returns probabilities for its second."""


def assign_folds(y: Sequence[int], k: int = 5, seed: int = SEED) -> np.ndarray:
    """A fold number (0 to k-1) for every row: stratified by ``y``, shuffled with ``seed``.

    >>> assign_folds([0, 1] * 5, k=5).tolist().count(0)
    2
    """
    y = np.asarray(y)
    folds = np.empty(len(y), dtype=int)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for number, (_, holdout) in enumerate(splitter.split(np.zeros(len(y)), y)):
        folds[holdout] = number
    return folds


def each_fold(folds: Sequence[int], progress: str | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """Every fold number with the mask of its rows, in order; ``progress`` (a label) shows a
    text progress bar.

    >>> [(number, held.tolist()) for number, held in each_fold([1, 0, 1])]
    [(0, [False, True, False]), (1, [True, False, True])]
    """
    folds = np.asarray(folds)
    numbers = np.unique(folds)
    if progress:
        numbers = tqdm(numbers, desc=progress, unit="fold", file=sys.stdout, ncols=70)
    for number in numbers:
        yield int(number), folds == number


def cross_validated_predictions(frame: pd.DataFrame, folds: Sequence[int],
                                fit_predict: FitPredict, progress: str | None = None) -> np.ndarray:
    """Out-of-fold probabilities: for each fold, ``fit_predict(rest, fold_rows)`` trains on the
    other folds and scores the held-out rows. ``progress`` (a label) shows a text progress bar.

    >>> frame = pd.DataFrame({"x": [1.0, 2, 3, 4]})
    >>> mean_of_rest = lambda rest, held: np.full(len(held), rest["x"].mean())
    >>> cross_validated_predictions(frame, [0, 0, 1, 1], mean_of_rest).tolist()
    [3.5, 3.5, 1.5, 1.5]
    """
    out = np.full(len(frame), np.nan)
    for _, held in each_fold(folds, progress):
        out[held] = fit_predict(frame[~held], frame[held])
    return out


def fold_metrics(y_true: Sequence[int], probability: Sequence[float]) -> dict[str, float]:
    """AUC, logloss, and F1 and accuracy at the cutoff that maximises F1 on these rows.

    >>> fold_metrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])["auc"]
    0.75
    """
    y_true, probability = np.asarray(y_true), np.asarray(probability, dtype=float)
    cutoff, _ = best_f1_cutoff(y_true, probability)
    decided = decide(probability, cutoff)
    return {"auc": roc_auc_score(y_true, probability),
            "logloss": log_loss(y_true, probability, labels=[0, 1]),
            "f1": f1_score(y_true, decided), "accuracy": accuracy_score(y_true, decided),
            "cutoff": cutoff}


def cv_scores(y_true: Sequence[int], predictions: Mapping[str, Sequence[float]],
              folds: Sequence[int]) -> pd.DataFrame:
    """Every metric of :func:`fold_metrics` for every model on every fold: one row per
    (fold, model), computed on that fold's out-of-fold predictions only."""
    y_true = np.asarray(y_true)
    rows = {}
    for number, held in each_fold(folds):
        for name, probability in predictions.items():
            rows[number, name] = fold_metrics(y_true[held], np.asarray(probability)[held])
    return pd.DataFrame(rows).T.rename_axis(["fold", "model"])


def fold_ranks(scores: pd.DataFrame, metrics: Mapping[str, bool] = METRICS) -> pd.DataFrame:
    """Rank of each model within each fold on each metric: 1 is best (highest, or lowest for
    logloss); tied models share the average rank.

    >>> scores = pd.DataFrame({"auc": [0.7, 0.8, 0.75, 0.74]},
    ...     index=pd.MultiIndex.from_product([[0, 1], ["a", "b"]], names=["fold", "model"]))
    >>> fold_ranks(scores, {"auc": True})["auc"].tolist()
    [2.0, 1.0, 1.0, 2.0]
    """
    ranks = {name: scores[name].groupby(level="fold").rank(ascending=not higher, method="average")
             for name, higher in metrics.items()}
    return pd.DataFrame(ranks)


def mean_ranks(ranks: pd.DataFrame) -> pd.Series:
    """Each model's rank averaged over folds and metrics, best (lowest) first.

    >>> ranks = pd.DataFrame({"auc": [2.0, 1.0], "f1": [1.0, 2.0]},
    ...     index=pd.MultiIndex.from_tuples([(0, "a"), (0, "b")], names=["fold", "model"]))
    >>> mean_ranks(ranks).to_dict()
    {'a': 1.5, 'b': 1.5}
    """
    per_model = ranks.groupby(level="model", sort=False).mean().mean(axis=1)
    return per_model.sort_values(kind="stable").rename("mean rank")


def cv_summary(scores: pd.DataFrame, ranks: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation of each metric over the folds, and the mean rank, per model
    (best mean rank first)."""
    metrics = list(ranks.columns)
    grouped = scores[metrics].astype(float).groupby(level="model", sort=False)
    table = grouped.mean().join(grouped.std(), rsuffix=" sd")
    table["mean rank"] = mean_ranks(ranks)
    return table.sort_values("mean rank", kind="stable")
