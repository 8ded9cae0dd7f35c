"""The benchmark GLM is scikit-learn's L2 logistic regression on standardised inputs, with the
penalty that has the lowest validation logloss."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from workshop_utils import SEED, benchmark_glm, data, shapley
from workshop_utils.penalised_glm import glm_coefficients, glm_probability


def test_glm_matches_logistic_regression_fitted_directly(parts):
    inputs = data.MODEL_INPUTS
    glm = benchmark_glm.fit_benchmark_glm(parts.train, inputs, data.TARGET, C=0.01)
    X = parts.train[inputs].astype(float)
    mean, std = X.mean(), X.std(ddof=0)
    direct = LogisticRegression(C=0.01, max_iter=2000, random_state=SEED).fit((X - mean) / std, parts.train[data.TARGET])
    ours = glm_probability(glm, parts.test)
    theirs = direct.predict_proba((parts.test[inputs].astype(float) - mean) / std)[:, 1]
    assert np.allclose(ours, theirs, atol=1e-6)
    assert np.allclose(glm_coefficients(glm)[inputs], direct.coef_[0], atol=1e-5)
    assert 0.70 < roc_auc_score(parts.test[data.TARGET], ours) < 0.76


def test_default_penalty_is_the_validation_choice(parts):
    scores = benchmark_glm.validation_logloss(parts.train, parts.valid, data.MODEL_INPUTS, data.TARGET)
    assert scores.idxmin() == benchmark_glm.DEFAULT_C


def test_coefficients_follow_the_inputs_and_pay_0_is_largest(parts):
    glm = benchmark_glm.fit_benchmark_glm(parts.train, data.MODEL_INPUTS, data.TARGET)
    coefficients = glm_coefficients(glm)
    assert coefficients.index.tolist() == data.MODEL_INPUTS
    by_size = shapley.largest_first(coefficients)
    assert by_size.index[0] == "PAY_0" and by_size.abs().is_monotonic_decreasing
