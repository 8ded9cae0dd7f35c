"""Every rung of the ladder has a label, a colour and a transparency rating, in one order."""

from __future__ import annotations

from workshop_utils import model_ladder as ladder
from workshop_utils.h2o_models import GBM_PARAMS


def test_every_rung_is_described_once():
    for described in (ladder.LABELS, ladder.COLOURS, ladder.TRANSPARENCY):
        assert tuple(described) == ladder.MODELS
    assert len(set(ladder.COLOURS.values())) == len(ladder.MODELS), "one colour per rung"
    assert set(ladder.TRANSPARENCY.values()) == {"high", "medium", "low"}


def test_gbm_overrides_change_only_known_settings():
    assert set(ladder.GBM_OVERRIDES) <= set(GBM_PARAMS)
    assert ladder.GBM_OVERRIDES["learn_rate"] > GBM_PARAMS["learn_rate"], "faster than the course's GBMs"
