"""Imbalance helpers: group counts against a brute-force count, resampling against closed-form
sizes, and the group-balanced split against scikit-learn's own stratified split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from workshop_utils import data, dia, imbalance
from workshop_utils.mitigation import intersections


@pytest.fixture(scope="module")
def readable(frame):
    return frame.assign(**dia.protected_groups(frame))


def test_group_balance_matches_a_brute_force_count(readable):
    table = imbalance.group_balance(readable, data.TARGET, ["SEX", "AGE_BAND"])
    for (sex, band), line in table.iterrows():
        rows = readable[(readable["SEX"] == sex) & (readable["AGE_BAND"] == band)]
        assert line["n"] == len(rows)
        assert line["defaults"] == rows[data.TARGET].sum()
        assert line["default rate"] == pytest.approx(rows[data.TARGET].mean())
    assert table["n"].sum() == len(readable)
    assert table["share of rows"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("share", [0.3, 0.5])
def test_downsample_keeps_every_default_and_reaches_the_share(parts, share):
    small = imbalance.downsample(parts.train, data.TARGET, share=share)
    positives = parts.train.index[parts.train[data.TARGET] == 1]
    assert positives.isin(small.index).all() and not small.index.has_duplicates
    assert small[data.TARGET].mean() == pytest.approx(share, abs=1 / len(small))
    assert small.equals(parts.train.loc[small.index])
    assert small.index.equals(imbalance.downsample(parts.train, data.TARGET, share=share).index), "seeded"


def test_upsample_adds_only_copies_of_defaults(parts):
    big = imbalance.upsample(parts.train, data.TARGET, share=0.5)
    assert big[data.TARGET].mean() == pytest.approx(0.5, abs=1 / len(big))
    added = big.iloc[len(parts.train):]
    assert (added[data.TARGET] == 1).all() and added.index.isin(parts.train.index).all()
    assert big.iloc[: len(parts.train)].equals(parts.train)


def test_resampling_refuses_an_impossible_share():
    frame = pd.DataFrame({"y": [1, 1, 0]})
    with pytest.raises(ValueError):
        imbalance.downsample(frame, "y", share=0.2)  # would need more 0s than there are
    with pytest.raises(ValueError):
        imbalance.upsample(frame, "y", share=0.5)  # the 1s are already more than half


def test_group_balanced_split_is_sklearn_stratified_split_on_target_and_group(frame):
    labels = intersections(dia.protected_groups(frame))
    parts = imbalance.group_balanced_split(frame, data.TARGET, labels)
    strata = frame[data.TARGET].astype(str) + " | " + labels.astype(str)
    rest, test = train_test_split(frame, test_size=0.3, random_state=12345, stratify=strata)
    assert parts.test.index.equals(test.index)
    assert len(parts.train) + len(parts.valid) == len(rest)
    shares = {name: strata.loc[part.index].value_counts(normalize=True)
              for name, part in (("train", parts.train), ("test", parts.test))}
    assert np.abs(shares["train"] - shares["test"]).max() < 0.002


def test_figures_draw(readable):
    tables = {"SEX": imbalance.group_balance(readable, data.TARGET, ["SEX"])}
    assert imbalance.plot_group_balance(tables, 0.22).axes
    pairs = {"pair": imbalance.group_balance(readable, data.TARGET, ["SEX", "AGE_BAND"])}
    assert imbalance.plot_pair_balance(pairs).axes
    air = pd.DataFrame({"a": [1.0, 0.8], "b": [0.9, 1.0]}, index=["g1", "g2"])
    assert imbalance.plot_resampling(air, pd.Series({"a": 0.78, "b": 0.77})).axes
