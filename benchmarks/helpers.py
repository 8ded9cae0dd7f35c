"""The course's helpers timed against the library doing the same job, on the same data.

Example: ``python -m benchmarks helpers --repeat 5``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import shap
from sklearn.inspection import partial_dependence as sk_partial_dependence

from workshop_utils import data, monotonic, pdp, shapley
from workshop_utils.xgboost_models import fit_xgboost, predict_default


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def benchmark_helpers(repeat: int = 5) -> list[dict[str, object]]:
    """Rows of (task, helper seconds, library seconds, ratio) on lesson 1's model."""
    parts = data.split_data(data.load_credit_data())
    constraints = monotonic.monotone_constraints(parts.train, data.MODEL_INPUTS, data.TARGET)
    model = fit_xgboost(parts.train, parts.valid, data.MODEL_INPUTS, data.TARGET, constraints)
    X = parts.test[data.MODEL_INPUTS].astype(float)
    grid = pdp.make_grid(X["LIMIT_BAL"])
    tasks = {
        "PD+ICE, LIMIT_BAL, 9000 rows x 20 grid points (vs sklearn partial_dependence)": (
            lambda: pdp.ice_curves(predict_default(model), X, "LIMIT_BAL", grid),
            lambda: sk_partial_dependence(model, X, ["LIMIT_BAL"], kind="both",
                                          custom_values={"LIMIT_BAL": grid})),
        "Shapley values, 9000 rows (vs shap TreeExplainer)": (
            lambda: shapley.xgb_contributions(model, X),
            lambda: shap.TreeExplainer(model).shap_values(X)),
    }
    rows = []
    for task, (ours, theirs) in tasks.items():
        mine, library = median_seconds(ours, repeat), median_seconds(theirs, repeat)
        rows.append({"task": task, "runs": repeat, "helper_s": round(mine, 3),
                     "library_s": round(library, 3), "helper/library": round(mine / library, 2)})
    return rows
