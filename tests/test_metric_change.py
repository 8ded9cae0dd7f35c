"""metric_change against scikit-learn's metrics computed resample by resample (brute force)."""

import numpy as np
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from workshop_utils import metric_change


@pytest.fixture(scope="module")
def two_models():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 400)
    before = np.round(np.clip(0.3 * y + rng.uniform(0, 0.7, 400), 0.01, 0.99), 2)  # rounded: many ties
    after = np.round(np.clip(0.4 * y + rng.uniform(0, 0.6, 400), 0.01, 0.99), 2)
    return y, before, after, metric_change.bootstrap_samples(400, n_boot=60, seed=11)


def test_resampled_auc_is_sklearns_auc_on_each_resample(two_models):
    y, before, _, samples = two_models
    expected = [roc_auc_score(y[rows], before[rows]) for rows in samples]
    np.testing.assert_allclose(metric_change.resampled_auc(y, before, samples, chunk=7), expected, atol=1e-12)


def test_paired_changes_are_brute_force_percentiles(two_models):
    y, before, after, samples = two_models
    auc = [roc_auc_score(y[r], after[r]) - roc_auc_score(y[r], before[r]) for r in samples]
    loss = [log_loss(y[r], after[r]) - log_loss(y[r], before[r]) for r in samples]
    got = metric_change.paired_auc_change(y, before, after, samples)
    assert got["change"] == pytest.approx(roc_auc_score(y, after) - roc_auc_score(y, before), abs=1e-12)
    np.testing.assert_allclose(got[["low", "high"]], np.percentile(auc, [2.5, 97.5]), atol=1e-12)
    got = metric_change.paired_logloss_change(y, before, after, samples)
    assert got["change"] == pytest.approx(log_loss(y, after) - log_loss(y, before), abs=1e-12)
    np.testing.assert_allclose(got[["low", "high"]], np.percentile(loss, [2.5, 97.5]), atol=1e-12)


def test_compare_models_agrees_with_the_single_metric_functions(two_models):
    y, before, after, samples = two_models
    table, resampled = metric_change.compare_models(y, before, after, samples)
    assert list(table.index) == ["AUC", "log loss"] and resampled.shape == (60, 2)
    np.testing.assert_allclose(table.loc["AUC"], metric_change.paired_auc_change(y, before, after, samples))
    np.testing.assert_allclose(resampled["log loss"], metric_change.logloss_changes(y, before, after, samples))
    assert table.loc["AUC", "change"] > 0  # the second toy model separates the classes better


def test_samples_are_seeded_positions():
    first = metric_change.bootstrap_samples(50, n_boot=3, seed=2)
    assert np.array_equal(first, metric_change.bootstrap_samples(50, n_boot=3, seed=2))
    assert first.min() >= 0 and first.max() < 50


def test_plot_fits_a_slide(two_models):
    table, resampled = metric_change.compare_models(*two_models)
    figure = metric_change.plot_metric_changes(table, resampled, "toy")
    assert figure.get_size_inches()[0] <= 7.2
