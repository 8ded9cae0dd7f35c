"""The rungs of lesson 08's model ladder, from a LASSO-selected GLM to an unconstrained GBM: their
names, readable labels, colours, how transparent each is, and the settings of the ladder's GBMs.

The ladder's steps live in modules named for them: ``lasso`` and ``penalised_glm`` (the GLM),
``h2o_models`` (the GBMs), ``cross_validation`` (ranking the rungs), ``model_choice`` (business
value, the closing table and the pick) and ``ladder_plots`` (the figures side by side).

Example:
    >>> [LABELS[name] for name in MODELS]
    ['penalised GLM', 'monotonic GBM', 'unconstrained GBM']
"""

from __future__ import annotations

from workshop_utils.plots import RISK_DOWN, RISK_UP

__all__ = ["COLOURS", "GBM_OVERRIDES", "LABELS", "MODELS", "TRANSPARENCY"]

MODELS = ("glm", "mgbm", "gbm")
"""The ladder's rungs: LASSO-selected GLM, monotonic GBM on the GLM's inputs, unconstrained GBM."""

LABELS = {"glm": "penalised GLM", "mgbm": "monotonic GBM", "gbm": "unconstrained GBM"}
"""Readable names of the rungs, for figures and tables."""

COLOURS = {"glm": "#7f8c8d", "mgbm": RISK_DOWN, "gbm": RISK_UP}
"""One colour per rung, the same in every figure."""

TRANSPARENCY = {"glm": "high", "mgbm": "medium", "gbm": "low"}
"""How directly a reviewer can read each rung: one signed coefficient per input (high); monotone
trees that need Shapley values and partial dependence to read (medium); free trees (low)."""

GBM_OVERRIDES: dict[str, object] = {"learn_rate": 0.1}
"""Changes to ``h2o_models.GBM_PARAMS`` for this lesson's GBMs: twice the course's learning rate,
so early stopping keeps fewer trees and cross-validating two GBMs fits the time budget."""
