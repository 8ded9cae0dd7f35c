"""The individual-level check: the wrongly flagged members of a group, most wrong first, found
by brute force; notices give the Shapley reasons, never an input the lender sets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workshop_utils.adverse_action import adverse_action_notice, wrongly_flagged
from workshop_utils.shapley import top_reasons

RNG = np.random.default_rng(11)


def test_wrongly_flagged_is_every_false_positive_of_the_group_most_wrong_first():
    y_true, decision = RNG.integers(0, 2, 500), RNG.integers(0, 2, 500)
    probability = pd.Series(RNG.random(500), index=np.arange(1000, 1500))
    groups = RNG.choice(["f", "m"], 500)
    rows = wrongly_flagged(y_true, decision, probability, groups, "f")
    expected = [probability.index[i] for i in range(500)
                if groups[i] == "f" and decision[i] == 1 and y_true[i] == 0]
    assert sorted(rows.index) == sorted(expected)
    assert rows["probability"].is_monotonic_decreasing and rows.index[0] == probability[expected].idxmax()


def test_the_notice_gives_the_top_reasons_but_not_the_credit_limit():
    contributions = pd.Series({"LIMIT_BAL": 0.8, "PAY_0": 0.5, "BILL_AMT1": 0.3, "PAY_AMT1": 0.2, "AGE": -0.4})
    values = pd.Series({"LIMIT_BAL": 10000, "PAY_0": 1, "BILL_AMT1": 5000, "PAY_AMT1": 0, "AGE": 30})
    notice = adverse_action_notice("c1", 0.537, contributions, values)
    assert notice.startswith("Customer c1: declined (predicted risk of default 54 %)")
    assert "LIMIT_BAL" not in notice and "AGE" not in notice
    kept = top_reasons(contributions.drop("LIMIT_BAL"), 3).index
    assert [line.split(". ", 1)[1].split(" ")[0] for line in notice.splitlines()[1:]] == list(kept)
    assert "LIMIT_BAL" in adverse_action_notice("c1", 0.5, contributions, values, lender_set=())
