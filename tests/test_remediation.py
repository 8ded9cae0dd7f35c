"""Missing-value injection: the share blanked, the seed, and what is left alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workshop_utils import SEED
from workshop_utils.remediation import choose_remediation, inject_missing

FRAME = pd.DataFrame({"x": np.arange(200), "y": np.arange(200) * 2.0, "z": list("ab") * 100},
                     index=np.arange(200) + 1000)


@pytest.mark.parametrize(("share", "blanked"), [(0.0, 0), (0.25, 50), (0.333, 67), (1.0, 200)])
def test_the_share_of_rows_blanked(share, blanked):
    assert int(inject_missing(FRAME, "x", share)["x"].isna().sum()) == blanked


def test_only_the_named_column_changes_and_the_original_is_left_alone():
    before = FRAME.copy()
    out = inject_missing(FRAME, "x", 0.4)
    pd.testing.assert_frame_equal(FRAME, before)
    pd.testing.assert_frame_equal(out[["y", "z"]], FRAME[["y", "z"]])
    assert out.index.equals(FRAME.index) and out["x"].dtype == "float64"
    kept = out["x"].notna()
    assert (out.loc[kept, "x"] == FRAME.loc[kept, "x"]).all(), "values not blanked are unchanged"


def test_the_seed_makes_it_repeat():
    rows = inject_missing(FRAME, "x", 0.3)["x"].isna()
    assert rows.equals(inject_missing(FRAME, "x", 0.3, seed=SEED)["x"].isna())
    assert not rows.equals(inject_missing(FRAME, "x", 0.3, seed=SEED + 1)["x"].isna())


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_a_share_outside_zero_to_one_is_refused(share):
    with pytest.raises(ValueError, match="between 0 and 1"):
        inject_missing(FRAME, "x", share)


def test_the_rule_drops_costly_candidates_then_takes_the_fewest_in_order():
    card = pd.DataFrame({"AUC": [0.80, 0.70, 0.799, 0.801, 0.80],
                         "flags": [9, 0, 2, 2, 2], "blank": [0.7, 0.0, 0.3, 0.1, 0.1]},
                        index=["before", "cheap but inaccurate", "c", "d", "e"])
    assert choose_remediation(card, "AUC", 0.002, ["flags", "blank"]) == "d", "ties go to the earlier row"
    assert choose_remediation(card, "AUC", 0.2, ["flags", "blank"]) == "cheap but inaccurate"
    assert choose_remediation(card, "AUC", 0.0, ["flags"]) == "d", "only candidates at least as accurate"
