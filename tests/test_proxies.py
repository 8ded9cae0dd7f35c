"""The proxy test: a perfect proxy scores near 1, noise near 0.5, and the several-group AUC is
scikit-learn's macro one-vs-rest AUC of the same out-of-fold scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from workshop_utils.proxies import out_of_fold_scores, proxy_auc, proxy_table

RNG = np.random.default_rng(3)
X = pd.DataFrame({"a": RNG.normal(size=900), "b": RNG.normal(size=900), "c": RNG.integers(0, 4, 900)})


def test_a_perfect_proxy_and_pure_noise():
    assert proxy_auc(X, np.where(X["a"] > 0.3, "yes", "no")) > 0.95
    assert 0.4 < proxy_auc(X, RNG.choice(["yes", "no"], 900)) < 0.6


def test_several_groups_use_the_macro_one_vs_rest_auc():
    bands = pd.cut(X["a"], [-np.inf, -0.5, 0.5, np.inf], labels=["low", "mid", "high"]).astype(str)
    scores = out_of_fold_scores(X, bands.to_numpy())
    manual = np.mean([roc_auc_score(bands == name, scores[:, column])
                      for column, name in enumerate(sorted(bands.unique()))])
    assert proxy_auc(X, bands) == pytest.approx(manual) and manual > 0.9


def test_the_table_has_a_row_per_attribute():
    attributes = pd.DataFrame({"S": np.where(X["b"] > 0, "f", "m"), "N": RNG.choice(list("xyz"), 900)})
    table = proxy_table(X, attributes)
    assert table["groups"].tolist() == [2, 3] and table.loc["S", "proxy AUC"] > table.loc["N", "proxy AUC"]
