"""Cross-validation against scikit-learn and scipy: stratified seeded folds, predictions never
trained on their own rows, per-fold metrics and within-fold ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score

from workshop_utils import cross_validation as cv
from workshop_utils.cutoffs import best_f1_cutoff, decide


@pytest.fixture(scope="module")
def toy_cv() -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 600)
    predictions = {"weak": np.clip(0.1 * y + rng.random(600) * 0.9, 0, 1),
                   "strong": np.clip(0.4 * y + rng.random(600) * 0.6, 0, 1),
                   "noise": rng.random(600)}
    return y, predictions, cv.assign_folds(y, k=4, seed=5)


def test_assign_folds_is_stratified_and_seeded():
    y = np.array([1] * 100 + [0] * 400)
    folds = cv.assign_folds(y, k=5)
    assert np.array_equal(folds, cv.assign_folds(y, k=5))
    for number in range(5):
        assert (folds == number).sum() == 100 and y[folds == number].sum() == 20


def test_each_fold_covers_every_row_once(capsys):
    folds = np.array([2, 0, 1, 0, 2])
    seen = list(cv.each_fold(folds, progress="toy"))
    assert [number for number, _ in seen] == [0, 1, 2]
    assert np.array_equal(sum(held.astype(int) for _, held in seen), np.ones(5))
    assert "toy" in capsys.readouterr().out, "a progress bar on stdout"


def test_cross_validated_predictions_never_train_on_the_held_out_rows():
    frame = pd.DataFrame({"row": np.arange(20)})
    folds = np.arange(20) % 4
    seen = []

    def fit_predict(rest, held):
        assert not set(rest["row"]) & set(held["row"])
        seen.append(len(held))
        return held["row"].to_numpy() * 1.0

    out = cv.cross_validated_predictions(frame, folds, fit_predict)
    assert np.array_equal(out, np.arange(20)) and seen == [5, 5, 5, 5]


def test_cv_auc_per_fold_equals_sklearn(toy_cv):
    y, predictions, folds = toy_cv
    scores = cv.cv_scores(y, predictions, folds)
    assert len(scores) == 4 * 3
    for (number, name), row in scores.iterrows():
        held = folds == number
        p = predictions[name][held]
        assert np.isclose(row["auc"], roc_auc_score(y[held], p))
        assert np.isclose(row["logloss"], log_loss(y[held], p))
        cutoff, best = best_f1_cutoff(y[held], p)
        assert np.isclose(row["cutoff"], cutoff)
        assert np.isclose(row["f1"], f1_score(y[held], decide(p, cutoff)))
        assert np.isclose(row["f1"], best)
        assert np.isclose(row["accuracy"], accuracy_score(y[held], decide(p, cutoff)))


def test_fold_ranks_match_scipy_rankdata(toy_cv):
    y, predictions, folds = toy_cv
    scores = cv.cv_scores(y, predictions, folds)
    ranks = cv.fold_ranks(scores)
    for number in range(4):
        for metric, higher in cv.METRICS.items():
            values = scores.loc[number, metric].astype(float)
            expected = rankdata(-values if higher else values, method="average")
            assert np.allclose(ranks.loc[number, metric], expected)
    means = cv.mean_ranks(ranks)
    assert means.index[0] == "strong" and means.index[-1] == "noise"
    assert np.isclose(means.mean(), 2.0), "ranks of 3 models average to 2"
    summary = cv.cv_summary(scores, ranks)
    assert summary.index[0] == "strong"
    assert np.isclose(summary.loc["weak", "auc"], scores.xs("weak", level="model")["auc"].mean())


def test_ties_share_the_average_rank():
    scores = pd.DataFrame({"auc": [0.7, 0.7, 0.6], "logloss": [0.5, 0.4, 0.4]},
                          index=pd.MultiIndex.from_product([[0], ["a", "b", "c"]], names=["fold", "model"]))
    ranks = cv.fold_ranks(scores, {"auc": True, "logloss": False})
    assert ranks["auc"].tolist() == [1.5, 1.5, 3.0]
    assert ranks["logloss"].tolist() == [3.0, 1.5, 1.5]
