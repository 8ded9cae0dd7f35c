"""Per-row logloss residuals average to scikit-learn's log_loss; summaries group correctly."""

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss

from workshop_utils.residuals import logloss_residuals, residual_summary


def test_residuals_average_to_log_loss():
    rng = np.random.default_rng(3)
    y, p = rng.integers(0, 2, 1000), rng.random(1000)
    assert np.isclose(logloss_residuals(y, p).mean(), log_loss(y, p))
    assert np.isfinite(logloss_residuals(np.array([1, 0]), np.array([0.0, 1.0]))).all()


def test_summary_by_quantile_bins():
    residual = pd.Series(np.arange(10.0))
    table = residual_summary(residual, pd.Series(np.arange(10.0)), bins=2)
    assert table["count"].tolist() == [5, 5] and table["mean"].tolist() == [7.0, 2.0]
