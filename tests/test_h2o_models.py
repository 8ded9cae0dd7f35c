"""H2O's contributions, tree count and out-of-fold predictions against H2O itself (one private
cluster for the module)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from workshop_utils import data
from workshop_utils.cross_validation import assign_folds
from workshop_utils.model_ladder import GBM_OVERRIDES
from workshop_utils.shapley import BIAS


@pytest.fixture(scope="module")
def h2o_parts(parts):
    from workshop_utils.h2o_session import start_h2o, stop_h2o

    start_h2o(verbose=False)
    small = data.Split(train=parts.train.iloc[:3000], valid=parts.valid.iloc[:1000], test=parts.test.iloc[:500])
    yield small
    stop_h2o()


def test_h2o_contributions_add_up_to_the_log_odds(h2o_parts):
    from workshop_utils.h2o_models import fit_h2o_gbm, h2o_contributions, h2o_predict, n_trees

    inputs = ["PAY_0", "LIMIT_BAL", "PAY_AMT1"]
    gbm = fit_h2o_gbm(h2o_parts.train, h2o_parts.valid, inputs, data.TARGET,
                      {"PAY_0": 1, "LIMIT_BAL": -1}, ntrees=20, **GBM_OVERRIDES)
    contributions = h2o_contributions(gbm, h2o_parts.test)
    assert contributions.columns.tolist() == [*inputs, BIAS]
    assert contributions.index.equals(h2o_parts.test.index)
    p = h2o_predict(gbm)(h2o_parts.test)
    assert np.allclose(contributions.sum(axis=1), np.log(p / (1 - p)), atol=1e-4)
    assert 1 <= n_trees(gbm) <= 20


def test_h2o_cross_validation_is_out_of_fold_and_repeatable(h2o_parts):
    from workshop_utils.h2o_models import fit_h2o_gbm, h2o_cross_validated_predictions, h2o_predict

    pool = pd.concat([h2o_parts.train, h2o_parts.valid])
    folds = assign_folds(pool[data.TARGET], k=3)
    inputs = ["PAY_0", "PAY_2", "LIMIT_BAL"]
    constraints = {"PAY_0": 1, "PAY_2": 1, "LIMIT_BAL": -1}
    first, again = (h2o_cross_validated_predictions(pool, folds, inputs, data.TARGET, ntrees=15,
                                                    constraints=constraints, **GBM_OVERRIDES) for _ in range(2))
    assert not np.isnan(first).any() and ((first > 0) & (first < 1)).all()
    assert np.allclose(first, again)
    assert roc_auc_score(pool[data.TARGET], first) > 0.65
    # a model that saw its held-out rows would score them better than out-of-fold ones
    seen = fit_h2o_gbm(pool, pool, inputs, data.TARGET, ntrees=15, stopping_rounds=0, **GBM_OVERRIDES)
    assert roc_auc_score(pool[data.TARGET], h2o_predict(seen)(pool)) > roc_auc_score(pool[data.TARGET], first)
