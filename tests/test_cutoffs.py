"""The F1-optimal cutoff agrees with scikit-learn's F1 at every candidate threshold."""

import numpy as np
from sklearn.metrics import f1_score

from workshop_utils.cutoffs import best_f1_cutoff, decide


def test_best_f1_cutoff_beats_every_other_threshold():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 400)
    p = np.clip(0.3 * y + rng.random(400) * 0.7, 0, 1)
    cutoff, f1 = best_f1_cutoff(y, p)
    assert np.isclose(f1, f1_score(y, decide(p, cutoff)))
    assert all(f1_score(y, decide(p, t)) <= f1 + 1e-12 for t in np.unique(p))
