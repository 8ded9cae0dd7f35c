"""Engineered inputs for remediating a model: new columns computed from a customer's own rows.

Bill-amount variability: how much a customer's monthly bill moves over the six months
(BILL_AMT1-6). A tree model sees each month as a separate input and rarely builds "the bills
swing a lot" out of shallow splits; handing it the spread directly lets one split use it.

Example:
    >>> frame = pd.DataFrame({f"BILL_AMT{i}": [100.0 * i, 50.0] for i in range(1, 7)})
    >>> add_bill_variability(frame)[BILL_SPREAD].round(1).tolist()
    [170.8, 0.0]
"""

from __future__ import annotations

import pandas as pd

from workshop_utils.data import BILL_AMOUNTS

__all__ = ["BILL_SPREAD", "add_bill_variability", "bill_variability"]

BILL_SPREAD = "BILL_AMT_STD"
"""Name of the engineered input: the standard deviation of a customer's six monthly bills."""


def bill_variability(frame: pd.DataFrame) -> pd.Series:
    """Each row's standard deviation of BILL_AMT1-6 (population form: divide by 6, not 5), in
    NT dollars; 0 for a customer whose bill never changes.

    >>> bill_variability(pd.DataFrame({f"BILL_AMT{i}": [i] for i in range(1, 7)})).round(4).tolist()
    [1.7078]
    """
    return frame[BILL_AMOUNTS].astype(float).std(axis=1, ddof=0).rename(BILL_SPREAD)


def add_bill_variability(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with the ``BILL_SPREAD`` column added (the caller's frame is unchanged)."""
    return frame.assign(**{BILL_SPREAD: bill_variability(frame)})
