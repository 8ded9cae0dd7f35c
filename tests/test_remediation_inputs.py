"""remediation_inputs against NumPy's standard deviation, row by row."""

import numpy as np
import pandas as pd

from workshop_utils import data
from workshop_utils.remediation_inputs import BILL_SPREAD, add_bill_variability, bill_variability


def test_bill_variability_is_numpys_population_std():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.integers(-5000, 90000, (50, 6)), columns=data.BILL_AMOUNTS, index=range(100, 150))
    got = bill_variability(frame)
    np.testing.assert_allclose(got, [np.std(row) for row in frame.to_numpy(dtype=float)])
    assert got.index.equals(frame.index) and got.name == BILL_SPREAD


def test_add_bill_variability_leaves_the_callers_frame_alone():
    frame = data.load_credit_data().head(20)
    before = frame.copy()
    added = add_bill_variability(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(added.columns) == [*frame.columns, BILL_SPREAD]
