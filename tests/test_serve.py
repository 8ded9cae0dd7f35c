"""`workshop serve`: started as a learner starts it, sent real HTTP requests (valid, and every
kind of bad input), stopped with Ctrl-C, and no process left behind."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
import requests

from workshop_tools import serve
from workshop_utils import data, model_server
from workshop_utils.v2_protocol import InputTensor, outputs_frame, rows_from_inputs, v2_request
from workshop_utils.xgboost_models import fit_xgboost

WORKSHOP = str(Path(sys.executable).parent / "workshop")


@pytest.fixture(scope="module")
def small_model(parts):
    """A quick model of lesson 1's kind, so the test serves without training the full one."""
    return fit_xgboost(parts.train.iloc[:3000], parts.valid.iloc[:800], data.MODEL_INPUTS, data.TARGET, n_estimators=60)


def bad_bodies(rows):
    """One request of each kind of bad input, and the status MLServer or the runtime answers it with."""
    def edit(change):
        body = v2_request(rows)
        change({t["name"]: t for t in body["inputs"]}, body)
        return body

    return {
        "missing column": (edit(lambda t, b: b["inputs"].pop()), 400, "PAY_AMT6"),
        "extra column": (edit(lambda t, b: b["inputs"].append({**b["inputs"][0], "name": "SEX"})), 400, "SEX"),
        "wrong datatype": (edit(lambda t, b: t["PAY_0"].update(datatype="BYTES", data=["1"])), 400, "PAY_0"),
        "unknown datatype": (edit(lambda t, b: t["PAY_0"].update(datatype="DOUBLE")), 422, "datatype"),
        "wrong shape": (edit(lambda t, b: t["PAY_0"].update(shape=[1, 3])), 400, "PAY_0"),
        "shape and data disagree": (edit(lambda t, b: t["PAY_0"].update(data=[1.0, 2.0])), 400, "PAY_0"),
        "non-numeric value": (edit(lambda t, b: t["LIMIT_BAL"].update(data=["fifty thousand"])), 400, "LIMIT_BAL"),
        "missing value": (edit(lambda t, b: t["LIMIT_BAL"].update(data=[None])), 400, "LIMIT_BAL"),
        "out-of-range repayment code": (edit(lambda t, b: t["PAY_2"].update(data=[10.0])), 400, "PAY_2"),
        "no inputs": ({"id": "nothing"}, 422, "inputs"),
        "not JSON": ("{not json", 422, ""),
    }


def test_serve_answers_valid_and_bad_requests_and_stops_on_ctrl_c(small_model, parts, tmp_path):
    path = model_server.save_model(small_model, 0.3, tmp_path / "model.json")
    process = subprocess.Popen([WORKSHOP, "serve", "--model", str(path), "--folder", str(tmp_path / "served")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        output = "".join(lines)
        assert "loading the saved model" in output, output
        url = re.search(r"serving on (http://127\.0\.0\.1:\d+)", output).group(1)
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
        assert any("mlserver" in " ".join(p.cmdline()) for p in tree), "MLServer runs as a child"

        rows = parts.test[data.MODEL_INPUTS].iloc[:1]
        predicted = requests.post(f"{url}/v2/models/{model_server.MODEL_NAME}/infer", json=v2_request(rows), timeout=30)
        assert predicted.status_code == 200
        assert np.allclose(outputs_frame(predicted.json())["probability"], small_model.predict_proba(rows)[:, 1], atol=1e-7)
        explained = requests.post(f"{url}/v2/models/{model_server.EXPLAINER_NAME}/infer", json=v2_request(rows), timeout=30)
        assert explained.status_code == 200 and "reason_1" in outputs_frame(explained.json())

        for kind, (body, status, field) in bad_bodies(rows).items():
            for name in (model_server.MODEL_NAME, model_server.EXPLAINER_NAME):
                sent = {"data": body, "headers": {"Content-Type": "application/json"}} if isinstance(body, str) else {"json": body}
                reply = requests.post(f"{url}/v2/models/{name}/infer", timeout=30, **sent)
                assert reply.status_code == status, (kind, name, reply.text)
                assert field in reply.text and "Traceback" not in reply.text, (kind, reply.text)
                if status == 400:
                    assert set(reply.json()) == {"error"} and "expected" in reply.json()["error"], reply.text
            again = requests.post(f"{url}/v2/models/{model_server.MODEL_NAME}/infer", json=v2_request(rows), timeout=30)
            assert again.status_code == 200, f"the server stopped serving after {kind}"

        for command in re.findall(r"^curl .*$", output, re.M):  # the printed examples are valid requests
            body = json.loads(shlex.split(command)[5])
            rows_from_inputs([InputTensor(t["name"], t["datatype"], t["shape"], t["data"]) for t in body["inputs"]])

        process.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, rest
    assert "no server process is left" in rest
    time.sleep(0.5)
    left = [p for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, f"still running: {[p.cmdline() for p in left]}"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/v2/health/live", timeout=5)
    log = model_server.read_request_log(tmp_path / "served" / "requests.jsonl")
    assert (log["status"] == 400).sum() == 2 * sum(status == 400 for _, status, _ in bad_bodies(rows).values())


def test_a_saved_model_is_loaded_and_a_missing_one_trained_and_saved(small_model, tmp_path, monkeypatch):
    monkeypatch.setattr(serve, "train_lesson_model", lambda: (small_model, 0.25))
    path = tmp_path / "cache" / "model.json"
    said = []
    _, cutoff = serve.load_or_train(path, say=said.append)
    assert cutoff == 0.25 and path.exists() and "training" in said[0]
    monkeypatch.setattr(serve, "train_lesson_model", lambda: pytest.fail("trained although a saved model exists"))
    loaded, cutoff = serve.load_or_train(path, say=said.append)
    assert cutoff == 0.25 and "loading" in said[-1] and loaded.best_iteration == small_model.best_iteration


def test_prepare_writes_the_folder_a_container_serves(small_model, tmp_path):
    path = model_server.save_model(small_model, 0.3, tmp_path / "model.json")
    assert serve.run_server(path, folder=tmp_path / "image", prepare=True, say=lambda line: None) == 0
    names = sorted(p.parent.name for p in (tmp_path / "image").rglob("model-settings.json"))
    assert names == [model_server.MODEL_NAME, model_server.EXPLAINER_NAME]
