"""Lesson 07's benchmark linear model: an L2-penalised logistic regression on standardised inputs
(the course's GLM, ``penalised_glm.fit_glm``), with its penalty chosen on validation logloss.

Simple, stable and easy to explain: where a GBM's residual is much larger than the benchmark's,
the GBM has learned something the data does not support well (``residual_comparison``).

Example:
    >>> frame = pd.DataFrame({"x": [0, 1, 2, 3, 4, 5], "y": [0, 0, 1, 0, 1, 1]})
    >>> glm = fit_benchmark_glm(frame, ["x"], "y", C=1.0)
    >>> glm_probability(glm, frame).round(2).tolist()
    [0.22, 0.32, 0.44, 0.56, 0.68, 0.78]
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sklearn.metrics import log_loss
from sklearn.pipeline import Pipeline

from workshop_utils import SEED
from workshop_utils.penalised_glm import fit_glm, glm_probability

__all__ = ["DEFAULT_C", "fit_benchmark_glm", "validation_logloss"]

DEFAULT_C = 0.01
"""Inverse L2 penalty strength: smaller is stronger. 0.01 has the lowest validation logloss of
0.001, 0.01, 0.1 and 1 on the course's split (see ``validation_logloss``)."""


def fit_benchmark_glm(train: pd.DataFrame, inputs: Sequence[str], target: str,
                      C: float = DEFAULT_C, seed: int = SEED) -> Pipeline:
    """The benchmark on ``inputs`` of ``train``: standardised (means and spreads from ``train``),
    then an L2-penalised logistic regression; the solver is deterministic and the seed fixed anyway.

    >>> frame = pd.DataFrame({"x": [0, 1, 2, 3, 4, 5], "z": [1, 0, 1, 0, 1, 0], "y": [0, 0, 1, 0, 1, 1]})
    >>> fit_benchmark_glm(frame, ["x", "z"], "y")[-1].C
    0.01
    """
    return fit_glm(train[list(inputs)], train[target], C, max_iter=2000, random_state=seed)


def validation_logloss(train: pd.DataFrame, valid: pd.DataFrame, inputs: Sequence[str],
                       target: str, grid: Sequence[float] = (0.001, 0.01, 0.1, 1.0)) -> pd.Series:
    """Validation logloss of the benchmark for each penalty ``C`` in ``grid``: pick the lowest."""
    scores = {C: log_loss(valid[target], glm_probability(fit_benchmark_glm(train, inputs, target, C), valid))
              for C in grid}
    return pd.Series(scores, name="validation logloss").rename_axis("C")
