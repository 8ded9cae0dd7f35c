"""The MLServer runtimes, called in this process as MLServer calls them: scores against the
model, explanations against shap, bad requests answered with a 400, every request logged."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest
import shap
from mlserver.errors import MLServerError
from mlserver.settings import ModelSettings
from mlserver.types import InferenceRequest

from workshop_utils import cutoffs, data, model_server, shapley
from workshop_utils.runtimes import BAD_REQUEST, CreditDefaultRuntime, ExplainerRuntime
from workshop_utils.v2_protocol import outputs_frame, v2_request

CUTOFF = 0.3


@pytest.fixture(scope="module")
def folder(model, tmp_path_factory):
    return model_server.serving_folder(model, CUTOFF, tmp_path_factory.mktemp("served"))


def answer(runtime_class, folder, name, body):
    settings = ModelSettings.parse_file(str(folder / name / "model-settings.json"))
    implementation = settings.implementation  # what MLServer imports from the settings' dotted name
    assert f"{implementation.__module__}.{implementation.__name__}" == f"{runtime_class.__module__}.{runtime_class.__name__}"

    async def call():
        runtime = implementation(settings)
        assert await runtime.load()
        return await runtime.predict(InferenceRequest.model_validate(body))

    return asyncio.run(call()).model_dump(mode="json", exclude_none=True)


def test_predict_gives_the_models_probability_and_decision(model, parts, folder):
    rows = parts.test[data.MODEL_INPUTS].iloc[:50]
    reply = answer(CreditDefaultRuntime, folder, model_server.MODEL_NAME, v2_request(rows, "p1"))
    table = outputs_frame(reply)
    expected = model.predict_proba(rows)[:, 1]
    assert reply["id"] == "p1" and reply["parameters"]["cutoff"] == CUTOFF
    assert np.allclose(table["probability"], expected, atol=1e-7)
    assert table["decision"].tolist() == cutoffs.decide(expected, CUTOFF).tolist()


def test_explain_agrees_with_shap_and_gives_the_top_reasons(model, parts, folder):
    rows = parts.test[data.MODEL_INPUTS].iloc[:40]
    table = outputs_frame(answer(ExplainerRuntime, folder, model_server.EXPLAINER_NAME, v2_request(rows)))
    theirs = shap.TreeExplainer(model).shap_values(rows)
    assert np.allclose(table[data.MODEL_INPUTS].to_numpy(), theirs, atol=1e-5)
    margin = model.predict(rows, output_margin=True)
    assert np.allclose(table[[*data.MODEL_INPUTS, shapley.BIAS]].sum(axis=1), margin, atol=1e-4)
    assert np.allclose(table["probability"], model.predict_proba(rows)[:, 1], atol=1e-6)
    for position in range(len(rows)):
        row = table.loc[position, data.MODEL_INPUTS]
        positive = row[row > 0].sort_values(ascending=False).index[:3].tolist()
        assert [table.loc[position, f"reason_{k}"] for k in (1, 2, 3)] == positive + [""] * (3 - len(positive))


def test_a_bad_request_is_a_400_naming_the_field_and_is_logged(parts, folder):
    body = v2_request(parts.test[data.MODEL_INPUTS].iloc[:1], "bad-1")
    body["inputs"][1]["data"] = [11.0]
    with pytest.raises(MLServerError) as raised:  # what MLServer turns into a V2 error reply
        answer(ExplainerRuntime, folder, model_server.EXPLAINER_NAME, body)
    assert raised.value.status_code == BAD_REQUEST and "input 'PAY_0', row 0" in str(raised.value)
    records = [json.loads(line) for line in (folder / "requests.jsonl").read_text().splitlines()]
    assert {"id": "bad-1", "status": 400} .items() <= records[-1].items() and "PAY_0" in records[-1]["error"]


def test_every_scored_request_is_logged_with_inputs_probability_and_reasons(parts, folder):
    rows = parts.test[data.MODEL_INPUTS].iloc[:2]
    answer(ExplainerRuntime, folder, model_server.EXPLAINER_NAME, v2_request(rows, "log-1"))
    log = model_server.read_request_log(folder / "requests.jsonl")
    last = log.iloc[-1]
    assert last["id"] == "log-1" and last["status"] == 200 and last["model"] == model_server.EXPLAINER_NAME
    assert [row["PAY_0"] for row in last["inputs"]] == rows["PAY_0"].astype(float).tolist()
    assert len(last["probability"]) == 2 and all(len(reasons) <= 3 for reasons in last["reasons"])
