"""Helpers for the Responsible Machine Learning with Python course.

One module per concern: ``data`` (load, verify, recode, split), ``monotonic`` (constraints),
``pdp`` (partial dependence and ICE), ``shapley`` (contributions and reason codes), ``plots``,
``keyfigures``, ``h2o_session``, and the ``workshop`` command in ``cli``.
"""

__version__ = "0.1.0"

SEED = 12345
"""The one seed every lesson uses, so numbers repeat from run to run."""

THREADS = 2
"""Thread count for XGBoost and H2O: fixed, so results do not depend on the machine's cores."""
