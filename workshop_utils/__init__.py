"""Helpers for the Responsible Machine Learning with Python course: what the lesson notebooks
import.

One module per concern: ``data`` (load, verify, recode, split), ``monotonic`` (constraints),
``pdp`` (partial dependence and ICE), ``shapley`` (contributions and reason codes), ``plots``
(the plotting base and shared figures), ``keyfigures``, ``h2o_session``, and one module per
lesson topic (``surrogate``, ``loco``, ``dia``, ``local_models``, ``attacks``, ``guards``, ...).
The instructor's ``workshop`` command lives in the separate package ``workshop_tools``.
"""

__all__ = ["SEED", "THREADS"]

__version__ = "0.1.0"

SEED = 12345
"""The one seed every lesson uses, so numbers repeat from run to run."""

THREADS = 2
"""Thread count for XGBoost and H2O: fixed, so results do not depend on the machine's cores."""
