"""The V2 request layout and its checks, against MLServer's own codec and types."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from mlserver.codecs import PandasCodec
from mlserver.types import InferenceRequest, InferenceResponse

from workshop_utils import data
from workshop_utils.v2_protocol import BadRequest, InputTensor, outputs_frame, rows_from_inputs, to_json, v2_request


def tensors(body: dict) -> list[InputTensor]:
    return [InputTensor(t["name"], t["datatype"], t["shape"], t["data"]) for t in body["inputs"]]


def test_a_request_decodes_with_mlservers_codec_to_the_same_rows(parts):
    rows = parts.test[data.MODEL_INPUTS].iloc[:5]
    body = v2_request(rows, request_id="r-1")
    decoded = PandasCodec.decode_request(InferenceRequest.model_validate(body))
    assert body["id"] == "r-1" and list(decoded.columns) == data.MODEL_INPUTS
    assert np.array_equal(decoded.to_numpy(dtype=float), rows.to_numpy(dtype=float))


def test_outputs_frame_agrees_with_mlservers_codec():
    response = {"model_name": "m", "outputs": [
        {"name": "probability", "datatype": "FP64", "shape": [2, 1], "data": [0.25, 0.5]},
        {"name": "decision", "datatype": "INT64", "shape": [2, 1], "data": [0, 1]},
        {"name": "reason_1", "datatype": "BYTES", "shape": [2, 1], "data": ["PAY_0", ""]}]}
    ours = outputs_frame(response)
    theirs = PandasCodec.decode_response(InferenceResponse.model_validate(response))
    assert list(ours.columns) == list(theirs.columns)
    assert ours["probability"].tolist() == theirs["probability"].tolist() == [0.25, 0.5]
    assert ours["decision"].tolist() == [0, 1] and ours["reason_1"].tolist() == ["PAY_0", ""]


def test_a_valid_request_gives_the_rows_in_model_order(parts):
    rows = parts.test[data.MODEL_INPUTS].iloc[:3]
    shuffled = v2_request(rows[data.MODEL_INPUTS[::-1]])
    got = rows_from_inputs(tensors(shuffled))
    assert list(got.columns) == data.MODEL_INPUTS
    assert np.array_equal(got.to_numpy(), rows.to_numpy(dtype=float))
    flat = v2_request(rows)
    for tensor in flat["inputs"]:
        tensor.update(shape=[3], datatype="INT64", data=[int(v) for v in tensor["data"]])
    assert np.array_equal(rows_from_inputs(tensors(flat)).to_numpy(), rows.to_numpy(dtype=float))


def edited(rows: pd.DataFrame, edit) -> list[InputTensor]:
    body = v2_request(rows)
    edit({t["name"]: t for t in body["inputs"]}, body)
    return tensors(body)


BAD = {
    "missing column": (lambda t, b: b["inputs"].pop(0), "input 'LIMIT_BAL'", "missing"),
    "extra column": (lambda t, b: b["inputs"].append({**b["inputs"][0], "name": "AGE"}), "input 'AGE'", "not a model input"),
    "repeated column": (lambda t, b: b["inputs"].append(dict(b["inputs"][0])), "input 'LIMIT_BAL'", "more than once"),
    "wrong datatype": (lambda t, b: t["PAY_0"].update(datatype="BYTES"), "input 'PAY_0'", "expected one of FP64"),
    "wrong shape": (lambda t, b: t["PAY_0"].update(shape=[2, 2]), "input 'PAY_0'", "expected [n, 1]"),
    "rows differ": (lambda t, b: t["PAY_2"].update(shape=[1, 1], data=[0.0]), "input 'PAY_2'", "expected 2"),
    "too few values": (lambda t, b: t["PAY_0"].update(data=[1.0]), "input 'PAY_0'", "expected 2, one per row"),
    "non-numeric value": (lambda t, b: t["BILL_AMT1"]["data"].__setitem__(1, "n/a"), "input 'BILL_AMT1', row 1", "not a number"),
    "missing value": (lambda t, b: t["BILL_AMT1"]["data"].__setitem__(0, None), "input 'BILL_AMT1', row 0", "not a number"),
    "boolean value": (lambda t, b: t["BILL_AMT1"]["data"].__setitem__(0, True), "input 'BILL_AMT1', row 0", "not a number"),
    "fraction as INT64": (lambda t, b: t["PAY_AMT1"].update(datatype="INT64", data=[1.5, 2.0]), "input 'PAY_AMT1', row 0",
                          "not a whole number"),
    "repayment code out of range": (lambda t, b: t["PAY_3"]["data"].__setitem__(1, -3.0), "input 'PAY_3', row 1",
                                    "whole number from -2 to 9"),
    "repayment code not whole": (lambda t, b: t["PAY_3"]["data"].__setitem__(0, 1.5), "input 'PAY_3', row 0", "out of range"),
    "negative payment": (lambda t, b: t["PAY_AMT2"]["data"].__setitem__(0, -10.0), "input 'PAY_AMT2', row 0", "0 or more"),
    "credit limit of zero": (lambda t, b: t["LIMIT_BAL"]["data"].__setitem__(0, 0.0), "input 'LIMIT_BAL', row 0", "above 0"),
}


@pytest.mark.parametrize("kind", BAD)
def test_every_bad_request_names_its_field_and_what_was_expected(parts, kind):
    edit, field, expected = BAD[kind]
    with pytest.raises(BadRequest) as raised:
        rows_from_inputs(edited(parts.test[data.MODEL_INPUTS].iloc[:2], edit))
    assert raised.value.field == field and str(raised.value).startswith(field) and expected in str(raised.value)


def test_to_json_reads_back_the_same_and_puts_each_tensor_on_one_line(parts):
    body = v2_request(parts.test[data.MODEL_INPUTS].iloc[:3])
    body["parameters"] = {"cutoff": 0.25}
    text = to_json(body)
    assert json.loads(text) == body
    assert len(text.splitlines()) == len(data.MODEL_INPUTS) + 5, "braces, two keys, one line per input"
    assert to_json([1, 2]) == "[1, 2]" and json.loads(to_json({"a": [[{"b": 1}]]})) == {"a": [[{"b": 1}]]}
