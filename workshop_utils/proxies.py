"""The proxy test: how well the model's own inputs predict a protected attribute it never sees.

If a flexible model can tell, say, women from men from the credit history alone, then leaving
SEX out of the credit model does not keep it out of the decisions: the inputs may carry it.
The test fits scikit-learn's histogram gradient boosting to predict the attribute from the
inputs and scores it by cross-validated AUC (one group against the rest for each group of an
attribute with several): 0.5 means the inputs carry nothing of it, 1.0 that they give it away.

Example:
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    >>> proxy_auc(X, np.where(X["a"] > 0, "f", "m")) > 0.9, proxy_auc(X, rng.choice(["f", "m"], 400)) < 0.6
    (True, True)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits

from workshop_utils import SEED, THREADS

__all__ = ["PROXY_FOLDS", "out_of_fold_scores", "proxy_auc", "proxy_table"]

PROXY_FOLDS = 3
"""Folds of the cross-validation: every row's score comes from a model that did not see it."""


def out_of_fold_scores(X: pd.DataFrame, labels: np.ndarray, folds: int = PROXY_FOLDS) -> np.ndarray:
    """Each row's predicted probability of each group (columns in sorted group order), from
    models fitted on the other folds."""
    model = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, random_state=SEED)
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    with threadpool_limits(THREADS):
        return cross_val_predict(model, X, labels, cv=split, method="predict_proba")


def proxy_auc(X: pd.DataFrame, attribute: Iterable, folds: int = PROXY_FOLDS) -> float:
    """Cross-validated AUC of predicting ``attribute`` from ``X``: the plain AUC for two groups,
    the mean of each group against the rest (macro one-vs-rest) for more."""
    labels = np.asarray(attribute, dtype=object).ravel().astype(str)
    scores = out_of_fold_scores(X, labels, folds)
    if scores.shape[1] == 2:
        return float(roc_auc_score(labels == np.unique(labels)[1], scores[:, 1]))
    return float(roc_auc_score(labels, scores, multi_class="ovr", average="macro", labels=np.unique(labels)))


def proxy_table(X: pd.DataFrame, attributes: pd.DataFrame, folds: int = PROXY_FOLDS) -> pd.DataFrame:
    """The proxy AUC of every column of ``attributes`` from ``X``, with its number of groups."""
    return pd.DataFrame({"groups": [attributes[name].nunique() for name in attributes.columns],
                         "proxy AUC": [proxy_auc(X, attributes[name], folds) for name in attributes.columns]},
                        index=pd.Index(attributes.columns, name="attribute"))
