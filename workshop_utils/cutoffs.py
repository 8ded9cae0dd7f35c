"""Turning probabilities into decisions: the cutoff that maximises F1, and which decisions flip.

Example:
    >>> import numpy as np
    >>> cutoff, f1 = best_f1_cutoff(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> round(cutoff, 2), round(f1, 3)
    (0.35, 0.8)
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve

__all__ = ["best_f1_cutoff", "decide", "flipped"]


def best_f1_cutoff(y_true: np.ndarray, probability: np.ndarray) -> tuple[float, float]:
    """The probability cutoff (predict 1 when probability >= cutoff) with the highest F1 on
    these rows, and that F1; ties go to the lowest such cutoff."""
    precision, recall, thresholds = precision_recall_curve(y_true, probability)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = int(np.argmax(f1[:-1]))  # the last point (recall 0) has no threshold
    return float(thresholds[best]), float(f1[best])


def decide(probability: np.ndarray, cutoff: float) -> np.ndarray:
    """1 (predicted to default) where probability >= cutoff, else 0.

    >>> decide(np.array([0.2, 0.5, 0.7]), 0.5).tolist()
    [0, 1, 1]
    """
    return (np.asarray(probability) >= cutoff).astype(int)


def flipped(before: np.ndarray, after: np.ndarray, cutoff: float) -> np.ndarray:
    """True for each row whose decision at ``cutoff`` differs between the ``before`` and
    ``after`` probabilities: the one way the course counts decisions that flip.

    >>> flipped(np.array([0.1, 0.6, 0.3]), np.array([0.6, 0.4, 0.35]), 0.5).tolist()
    [True, True, False]
    """
    return decide(before, cutoff) != decide(after, cutoff)
