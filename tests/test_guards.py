"""Scoring-time guards and the model edit: checked on toy rows, against scikit-learn's imputer
and against XGBoost's own predictions."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb
from sklearn.impute import SimpleImputer

from workshop_utils import SEED, attacks, data, guards
from workshop_utils.xgboost_models import predict_default


@pytest.fixture(scope="module")
def ranges(parts):
    return attacks.training_ranges(parts.train, data.MODEL_INPUTS)


def test_impossible_values_follow_the_datasheet():
    frame = pd.DataFrame({"LIMIT_BAL": [10_000, 0, -5, 20_000, np.nan],
                          "PAY_0": [9, 1, -2, 1.5, 2], "PAY_AMT3": [0, 10, -1, 5, 5],
                          "BILL_AMT1": [-50_000, 0, 0, 0, 0]})
    flags = guards.impossible_values(frame)
    assert flags.to_numpy().tolist() == [
        [False, False, False, False],  # status 9 exists, a negative bill is a credit balance
        [True, False, False, False],   # a limit of zero
        [True, False, True, False],
        [False, True, False, False],   # no status 1.5
        [False, False, False, False],  # missing is not impossible
    ]
    assert guards.impossible_values(pd.DataFrame({"PAY_2": [-3, 10]})).to_numpy().ravel().tolist() == [True, True]


def test_check_rows_on_real_data_finds_only_out_of_range_values(parts, ranges):
    report = guards.check_rows(parts.test, ranges)
    assert list(report.columns) == list(guards.RULES) and report.index.equals(parts.test.index)
    assert not report["missing"].any() and not report["impossible"].any()
    X = parts.test[data.MODEL_INPUTS]
    expected = (X.lt(ranges["min"], axis=1) | X.gt(ranges["max"], axis=1)).any(axis=1)
    assert report["outside training range"].equals(expected) and 0 < expected.sum() < 50
    assert not guards.check_rows(parts.train, ranges).any().any(), "training rows pass every rule"


def test_failures_name_each_failed_rule(ranges):
    rows = pd.DataFrame([dict.fromkeys(data.MODEL_INPUTS, 0.0)] * 3)
    rows[["LIMIT_BAL", "PAY_AMT1"]] = 50_000.0
    rows.loc[1, "PAY_0"] = np.nan
    rows.loc[2, "LIMIT_BAL"] = -1.0
    failed = guards.failures(guards.check_rows(rows, ranges))
    assert failed.to_dict() == {1: ["missing"], 2: ["outside training range", "impossible"]}
    assert guards.failures(guards.check_rows(rows.iloc[:1], ranges)).empty


def test_repair_matches_clipping_and_scikit_learns_median_imputer(parts, ranges):
    attack = attacks.random_attack(ranges, 600)[data.MODEL_INPUTS]
    fill = parts.train[data.MODEL_INPUTS].median()
    repaired = guards.repair(attack, ranges, fill)
    imputer = SimpleImputer(strategy="median").fit(parts.train[data.MODEL_INPUTS].astype(float))
    clipped = attack.clip(ranges["min"], ranges["max"], axis=1)
    expected = pd.DataFrame(imputer.transform(clipped), index=attack.index, columns=attack.columns)
    pd.testing.assert_frame_equal(repaired, expected)
    assert attack.isna().any().any(), "the input frame is left alone"
    assert guards.repair(attack, ranges).isna().sum().sum() == attack.isna().sum().sum()


def test_guarded_predict_rejects_impossible_rows_and_repairs_the_rest(model, parts, ranges):
    predict = predict_default(model)
    fill = parts.train[data.MODEL_INPUTS].median()
    attack = attacks.random_attack(ranges, 300)
    scores = guards.guarded_predict(predict, ranges, fill)(attack[data.MODEL_INPUTS])
    impossible = guards.check_rows(attack, ranges)["impossible"].to_numpy()
    assert np.isnan(scores[impossible]).all() and impossible.any()
    expected = predict(guards.repair(attack[data.MODEL_INPUTS], ranges, fill))
    assert np.allclose(scores[~impossible], expected[~impossible])
    clean = parts.test[data.MODEL_INPUTS].iloc[:500]
    assert np.allclose(guards.guarded_predict(predict, ranges, fill)(clean), predict(clean)), \
        "capping to the training range never changes a tree model's score"


def test_majority_missing_direction_follows_the_larger_cover():
    rng = np.random.default_rng(SEED)
    x = rng.uniform(0, 10, 500)
    X = pd.DataFrame({"x": x, "z": rng.uniform(0, 1, 500)})
    y = (x > 8).astype(int)
    stump = xgb.XGBClassifier(n_estimators=1, max_depth=1, learning_rate=1.0, base_score=0.5,
                              n_jobs=1, random_state=SEED).fit(X, y)
    blank = pd.DataFrame({"x": [np.nan], "z": [0.5]})
    low, high = pd.DataFrame({"x": [0.0], "z": [0.5]}), pd.DataFrame({"x": [10.0], "z": [0.5]})
    assert stump.predict_proba(blank)[0, 1] == stump.predict_proba(high)[0, 1], "XGBoost sends it right"
    edited = guards.majority_missing_direction(stump)
    assert edited.predict_proba(blank)[0, 1] == stump.predict_proba(low)[0, 1], "most rows have x <= 8"
    assert np.array_equal(edited.predict_proba(X), stump.predict_proba(X))
    untouched = guards.majority_missing_direction(stump, inputs=["z"])
    assert untouched.predict_proba(blank)[0, 1] == stump.predict_proba(blank)[0, 1]


def test_edited_model_keeps_every_complete_score(model, parts):
    X = parts.test[data.MODEL_INPUTS]
    edited = guards.majority_missing_direction(model)
    assert edited.best_iteration == model.best_iteration
    assert np.array_equal(predict_default(edited)(X), predict_default(model)(X))
    assert (guards.missing_directions(model) == 0.0).all(), "no missing values in training: all go right"
    assert (guards.missing_directions(edited) > 0).any()
    blank = X.assign(PAY_0=np.nan)
    assert not np.array_equal(predict_default(edited)(blank), predict_default(model)(blank))


def test_split_nodes_are_every_split_xgboost_reports(model):
    booster = model.get_booster()
    splits = list(guards.split_nodes(json.loads(booster.save_raw("json")), booster.feature_names))
    table = booster.trees_to_dataframe()
    inner = table[table["Feature"] != "Leaf"]
    assert [split.feature for split in splits] == inner["Feature"].tolist()
    assert [(split.tree["id"], split.node) for split in splits] == list(zip(inner["Tree"], inner["Node"]))
    assert [split.left for split in splits] == [int(ref.split("-")[1]) for ref in inner["Yes"]]
    assert [split.default_left for split in splits] == (inner["Missing"] == inner["Yes"]).tolist()


def test_majority_missing_direction_refuses_unknown_inputs(model):
    with pytest.raises(ValueError, match="AGE"):
        guards.majority_missing_direction(model, inputs=["PAY_0", "AGE"])


def test_plot_remediations_draws_one_panel_per_measure():
    table = pd.DataFrame({"AUC": [0.78, 0.77], "flags": [900.0, 0.0]}, index=["before", "after"])
    figure = guards.plot_remediations(table, "t")
    assert len([a for a in figure.axes if a.get_visible()]) == 2
