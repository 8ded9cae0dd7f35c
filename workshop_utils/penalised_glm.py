"""The course's GLM: a penalised logistic regression on standardised inputs, and how to read it.

One fitter (``fit_glm``) builds every GLM in the course: lesson 07's L2 benchmark and lesson 08's
LASSO go through it with their own penalty, C and solver. Because the pipeline standardises its
inputs first, the coefficients are in log-odds per standard deviation of each input.

Example:
    >>> X = pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5]})
    >>> glm = fit_glm(X, [0, 0, 1, 0, 1, 1], C=1.0)
    >>> glm_coefficients(glm).round(2).to_dict()
    {'x': 0.87}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from workshop_utils import SEED
from workshop_utils.pdp import Predict
from workshop_utils.shapley import contributions_frame

__all__ = ["coefficient_signs", "fit_glm", "glm_coefficients", "glm_contributions", "glm_predict",
           "glm_probability"]


def fit_glm(X: pd.DataFrame, y: Sequence[int], C: float, l1_ratio: float = 0.0, solver: str = "lbfgs",
            **settings: object) -> Pipeline:
    """Standardise ``X`` (means and spreads from ``X``), then fit a logistic regression with
    inverse penalty ``C``; the penalty is L2 (``l1_ratio=0``, ridge) or L1 (``l1_ratio=1``,
    the LASSO). ``settings`` go to scikit-learn's ``LogisticRegression`` (``max_iter``,
    ``intercept_scaling``...); ``random_state`` is the course's seed unless given.

    >>> X = pd.DataFrame({"a": [0.0, 1, 2, 3, 4, 5], "b": [1.0, 0, 1, 0, 1, 0]})
    >>> fit_glm(X, [0, 0, 0, 1, 1, 1], C=10.0, l1_ratio=1.0, solver="liblinear")[-1].coef_.shape
    (1, 2)
    """
    model = LogisticRegression(C=float(C), l1_ratio=l1_ratio, solver=solver, **{"random_state": SEED, **settings})
    return Pipeline([("scale", StandardScaler()), ("glm", model)]).fit(X.astype(float), np.asarray(y))


def glm_probability(model: Pipeline, frame: pd.DataFrame) -> np.ndarray:
    """Predicted probability of the positive class for every row of ``frame`` (extra columns
    are ignored).

    >>> glm = fit_glm(pd.DataFrame({"x": [0, 1, 2, 3, 4, 5]}), [0, 0, 1, 0, 1, 1], C=1.0)
    >>> glm_probability(glm, pd.DataFrame({"x": [0, 5], "other": [1, 1]})).round(2).tolist()
    [0.22, 0.78]
    """
    return model.predict_proba(frame[list(model.feature_names_in_)].astype(float))[:, 1]


def glm_predict(model: Pipeline) -> Predict:
    """A ``predict`` function (frame in, probability of default out) for the pdp helpers."""

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return glm_probability(model, frame)

    return predict


def glm_coefficients(model: Pipeline) -> pd.Series:
    """The fitted coefficients by input name, in the model's input order, in log-odds per
    standard deviation of the input (the pipeline standardises its inputs first).

    >>> frame = pd.DataFrame({"x": [0, 1, 2, 3, 4, 5], "z": [1, 0, 1, 0, 1, 0]})
    >>> glm_coefficients(fit_glm(frame, [0, 0, 1, 0, 1, 1], C=1.0)).index.tolist()
    ['x', 'z']
    """
    return pd.Series(model[-1].coef_[0], index=list(model.feature_names_in_), name="coefficient")



def glm_contributions(model: Pipeline, X: pd.DataFrame) -> pd.DataFrame:
    """Each input's contribution to each row's log-odds, ``coef * (x - mean) / sd``, plus
    ``BIAS`` (the log-odds at the training means): these are the exact Shapley values of a
    linear model, on the same scale as a GBM's TreeSHAP contributions. Rows add up to the
    GLM's log-odds.

    >>> X = pd.DataFrame({"a": [0.0, 1, 2, 3, 4, 5], "b": [1.0, 0, 1, 0, 1, 0]})
    >>> glm = fit_glm(X, [0, 0, 0, 1, 1, 1], C=10.0)
    >>> bool(np.allclose(glm_contributions(glm, X).sum(axis=1), glm.decision_function(X)))
    True
    """
    scaler, regression = model[0], model[-1]
    columns = list(model.feature_names_in_)
    values = scaler.transform(X[columns]) * regression.coef_[0]
    return contributions_frame(values, X.index, columns, float(regression.intercept_[0]))


def coefficient_signs(coefficients: pd.Series) -> dict[str, int]:
    """Monotonicity constraints from a GLM: +1 for a positive coefficient, -1 for a negative
    one, and inputs with a zero coefficient left out (the GLM dropped them).

    >>> coefficient_signs(pd.Series({"PAY_0": 0.6, "BILL_AMT2": 0.0, "LIMIT_BAL": -0.1}))
    {'PAY_0': 1, 'LIMIT_BAL': -1}
    """
    return {name: int(np.sign(value)) for name, value in coefficients.items() if value != 0}
