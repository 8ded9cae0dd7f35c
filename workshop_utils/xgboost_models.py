"""Model training the lessons share, with seeds and thread counts fixed.

Example:
    >>> from workshop_utils.data import load_credit_data, split_data, MODEL_INPUTS, TARGET
    >>> parts = split_data(load_credit_data())
    >>> model = fit_xgboost(parts.train, parts.valid, MODEL_INPUTS, TARGET)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import xgboost as xgb

from workshop_utils import SEED, THREADS
from workshop_utils.pdp import Predict

__all__ = ["XGB_PARAMS", "fit_xgboost", "predict_default"]

XGB_PARAMS: dict[str, object] = {
    "objective": "binary:logistic",
    "n_estimators": 1000,
    "learning_rate": 0.05,
    "max_depth": 4,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "min_child_weight": 5,
    "tree_method": "hist",
    "eval_metric": "auc",
    "early_stopping_rounds": 50,
    "n_jobs": THREADS,
    "random_state": SEED,
}
"""Settings for the lessons' XGBoost models: shallow trees, slow learning, early stopping."""


def fit_xgboost(train: pd.DataFrame, valid: pd.DataFrame, inputs: Sequence[str], target: str,
                constraints: Mapping[str, int] | None = None, **overrides: object) -> xgb.XGBClassifier:
    """Train an XGBoost classifier on ``train``, stopping early when AUC on ``valid`` stops
    improving; ``constraints`` maps input names to +1/-1/0 monotonicity constraints."""
    params = {**XGB_PARAMS, **overrides}
    if constraints is not None:
        params["monotone_constraints"] = {name: int(constraints.get(name, 0)) for name in inputs}
    model = xgb.XGBClassifier(**params)
    model.fit(train[list(inputs)], train[target],
              eval_set=[(valid[list(inputs)], valid[target])], verbose=False)
    return model


def predict_default(model: xgb.XGBClassifier) -> Predict:
    """A ``predict`` function (frame in, probability of default out) for the pdp helpers,
    scoring with every tree up to the early-stopping best iteration."""
    columns = list(model.get_booster().feature_names)

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return model.predict_proba(frame[columns])[:, 1]

    return predict
