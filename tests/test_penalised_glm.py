"""The one GLM fitter is scikit-learn's logistic regression on standardised inputs, whatever the
penalty; its contributions are shap's exact linear Shapley values; its signs become constraints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shap
from sklearn.linear_model import LogisticRegression

from workshop_utils import SEED, data, penalised_glm
from workshop_utils.shapley import BIAS

INPUTS = ["PAY_0", "LIMIT_BAL", "BILL_AMT1", "PAY_AMT1", "AGE"]


@pytest.mark.parametrize("settings", [{"max_iter": 2000}, {"l1_ratio": 1.0, "solver": "liblinear"}],
                         ids=["ridge", "lasso"])
def test_fit_glm_is_logistic_regression_on_standardised_inputs(parts, settings):
    X, y = parts.train[INPUTS].astype(float), parts.train[data.TARGET]
    glm = penalised_glm.fit_glm(X, y, C=0.05, **settings)
    mean, std = X.mean(), X.std(ddof=0)
    direct = LogisticRegression(C=0.05, random_state=SEED, **settings).fit((X - mean) / std, y)
    theirs = direct.predict_proba((parts.test[INPUTS] - mean) / std)[:, 1]
    assert np.allclose(penalised_glm.glm_probability(glm, parts.test), theirs, atol=1e-6)
    assert np.allclose(penalised_glm.glm_predict(glm)(parts.test), theirs, atol=1e-6)
    assert np.allclose(penalised_glm.glm_coefficients(glm), direct.coef_[0], atol=1e-5)
    assert penalised_glm.glm_coefficients(glm).index.tolist() == INPUTS


def test_glm_contributions_are_shap_linear_values(parts):
    X = parts.train[INPUTS]
    glm = penalised_glm.fit_glm(X, parts.train[data.TARGET], C=0.05)
    rows = parts.test[INPUTS].iloc[:200]
    ours = penalised_glm.glm_contributions(glm, rows)
    scaler, regression = glm[0], glm[-1]
    raw_coef = regression.coef_[0] / scaler.scale_
    background = shap.maskers.Independent(X.astype(float), max_samples=len(X))  # every row: mean = training mean
    explainer = shap.LinearExplainer((raw_coef, regression.intercept_[0]), background)
    assert ours.columns.tolist() == [*INPUTS, BIAS] and ours.index.equals(rows.index)
    assert np.allclose(ours[INPUTS].to_numpy(), explainer.shap_values(rows.astype(float)), atol=1e-8)
    assert np.allclose(ours.sum(axis=1), glm.decision_function(rows))
    assert ours[BIAS].nunique() == 1


def test_coefficient_signs():
    signs = penalised_glm.coefficient_signs(pd.Series({"a": 0.2, "b": -1e-9, "c": 0.0}))
    assert signs == {"a": 1, "b": -1}
