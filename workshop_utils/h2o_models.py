"""H2O models the lessons share: frames in and out of H2O, a seeded GBM, a ``predict`` function,
its Shapley contributions, its tree count, and its out-of-fold predictions.

Needs a running session (``workshop_utils.h2o_session.start_h2o``).

Example:
    >>> from workshop_utils.h2o_session import start_h2o  # doctest: +SKIP
    >>> start_h2o()  # doctest: +SKIP
    >>> gbm = fit_h2o_gbm(parts.train, parts.valid, MODEL_INPUTS, TARGET)  # doctest: +SKIP
    >>> probabilities = h2o_predict(gbm)(parts.test)  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import h2o
import numpy as np
import pandas as pd
from h2o.estimators import H2OGradientBoostingEstimator
from h2o.exceptions import H2ODependencyWarning

from workshop_utils import SEED
from workshop_utils.cross_validation import each_fold
from workshop_utils.pdp import Predict
from workshop_utils.shapley import contributions_frame

__all__ = ["GBM_PARAMS", "constraint_param", "fit_h2o_gbm", "from_h2o", "gbm_params", "h2o_contributions",
           "h2o_cross_validated_predictions", "h2o_predict", "model_inputs", "n_trees", "to_h2o"]

GBM_PARAMS: dict[str, object] = {
    "ntrees": 300,
    "learn_rate": 0.05,
    "max_depth": 4,
    "sample_rate": 0.8,
    "col_sample_rate": 0.8,
    "min_rows": 10,
    "stopping_rounds": 10,
    "stopping_metric": "AUC",
    "stopping_tolerance": 1e-4,
    "score_tree_interval": 5,
    "gainslift_bins": 0,
    "seed": SEED,
}
"""Settings for the lessons' H2O GBMs: shallow trees, slow learning, early stopping on AUC;
``gainslift_bins=0`` skips the gains/lift table H2O would build at every scoring round, which no
lesson reads (the trees and predictions are the same without it)."""


def to_h2o(frame: pd.DataFrame, columns: Sequence[str], target: str | None = None) -> h2o.H2OFrame:
    """Upload ``columns`` (and ``target``, as a factor) of a pandas frame to H2O, as numbers."""
    wanted = [*columns, *([target] if target else [])]
    uploaded = h2o.H2OFrame(frame[wanted].astype("float64").reset_index(drop=True),
                            column_types=dict.fromkeys(wanted, "numeric"))
    if target:
        uploaded[target] = uploaded[target].asfactor()
    return uploaded


def from_h2o(frame: h2o.H2OFrame) -> pd.DataFrame:
    """Download an H2O frame into pandas, without h2o's advice to install polars and pyarrow
    (an optional speed-up the course does not need)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", H2ODependencyWarning)
        return frame.as_data_frame(use_multi_thread=False)


def model_inputs(model: h2o.model.ModelBase) -> list[str]:
    """The input columns an H2O supervised model was trained on, in training order."""
    return list(model._model_json["output"]["names"][:-1])


def constraint_param(constraints: Mapping[str, int] | None) -> dict[str, int]:
    """H2O's ``monotone_constraints`` from a name-to-direction map, leaving out zeros."""
    return {name: int(sign) for name, sign in (constraints or {}).items() if sign}


def gbm_params(constraints: Mapping[str, int] | None = None, **overrides: object) -> dict[str, object]:
    """``GBM_PARAMS`` with ``overrides`` and the constraints; with ``stopping_rounds=0`` the
    stopping metric and tolerance are dropped, as H2O ignores them (and warns) then."""
    params = {**GBM_PARAMS, **overrides}
    if not params["stopping_rounds"]:
        params.pop("stopping_metric", None)
        params.pop("stopping_tolerance", None)
    if constraint_param(constraints):
        params["monotone_constraints"] = constraint_param(constraints)
    return params


def fit_h2o_gbm(train: pd.DataFrame, valid: pd.DataFrame, inputs: Sequence[str], target: str,
                constraints: Mapping[str, int] | None = None, **overrides: object) -> H2OGradientBoostingEstimator:
    """Train a seeded H2O GBM classifier, stopping early on validation AUC; ``constraints``
    maps input names to +1/-1 monotonicity constraints (0 or absent: unconstrained)."""
    model = H2OGradientBoostingEstimator(**gbm_params(constraints, **overrides))
    model.train(x=list(inputs), y=target, training_frame=to_h2o(train, inputs, target),
                validation_frame=to_h2o(valid, inputs, target))
    return model


def h2o_predict(model: H2OGradientBoostingEstimator) -> Predict:
    """A ``predict`` function (frame in, probability of the positive class out) for an H2O
    binary classifier; the whole frame is scored in one H2O call. Missing values (NaN) stay
    missing, which H2O trees route down their learned missing-value branch."""
    inputs = model_inputs(model)

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return from_h2o(model.predict(to_h2o(frame, inputs))["p1"])["p1"].to_numpy(dtype=float)

    return predict


def h2o_contributions(model: h2o.model.ModelBase, X: pd.DataFrame) -> pd.DataFrame:
    """TreeSHAP contributions of an H2O tree model (``predict_contributions``), one column per
    input plus ``BIAS``, on ``X``'s index; rows add up to the model's log-odds. One H2O call.

    >>> h2o_contributions(gbm, parts.test)  # doctest: +SKIP
    """
    inputs = model_inputs(model)
    scored = from_h2o(model.predict_contributions(to_h2o(X, inputs)))
    return contributions_frame(scored[inputs].to_numpy(), X.index, inputs, scored["BiasTerm"].to_numpy())


def n_trees(model: H2OGradientBoostingEstimator) -> int:
    """Number of trees an H2O GBM kept (after early stopping).

    >>> n_trees(gbm)  # doctest: +SKIP
    92
    """
    return int(model._model_json["output"]["model_summary"]["number_of_trees"][0])


def h2o_cross_validated_predictions(frame: pd.DataFrame, folds: Sequence[int], inputs: Sequence[str],
                                    target: str, ntrees: int,
                                    constraints: Mapping[str, int] | None = None,
                                    progress: str | None = None, **overrides: object) -> np.ndarray:
    """Out-of-fold probabilities of an H2O GBM (``GBM_PARAMS`` with ``overrides``) with a FIXED
    number of trees and no early stopping, so a held-out fold is only ever scored, never used to
    choose anything. ``frame`` is uploaded once, its fold numbers with it, and sliced inside H2O;
    each fold's model is removed once it has scored. ``progress`` (a label) shows a progress bar.

    >>> oof = h2o_cross_validated_predictions(pool, folds, inputs, target, ntrees=90)  # doctest: +SKIP
    """
    params = gbm_params(constraints, **{**overrides, "ntrees": int(ntrees), "stopping_rounds": 0,
                                        "score_tree_interval": int(ntrees)})
    uploaded = to_h2o(frame.assign(fold=np.asarray(folds).astype(float)), [*inputs, "fold"], target)
    out = np.full(len(frame), np.nan)
    for number, held in each_fold(folds, progress):
        model = H2OGradientBoostingEstimator(**params)
        model.train(x=list(inputs), y=target, training_frame=uploaded[uploaded["fold"] != float(number), :])
        scored = model.predict(uploaded[uploaded["fold"] == float(number), :])
        out[held] = from_h2o(scored["p1"])["p1"].to_numpy(dtype=float)
        h2o.remove(model)
    h2o.remove(uploaded)
    return out
