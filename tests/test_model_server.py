"""The served folder, the saved model, and MLServer itself: two servers at once on free
localhost ports, real V2 requests, nothing left running after a stop."""

from __future__ import annotations

import concurrent.futures
import json

import numpy as np
import psutil
import pytest
import requests

from workshop_utils import data, model_server
from workshop_utils.v2_protocol import outputs_frame, v2_request


def test_a_saved_model_scores_as_before_and_keeps_its_cutoff(model, parts, tmp_path):
    path = model_server.save_model(model, 0.2789, tmp_path / "m.json")
    loaded, cutoff = model_server.load_model(path)
    assert cutoff == 0.2789 and model.get_booster().attr("cutoff") is None
    X = parts.test[data.MODEL_INPUTS]
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_model_without_a_cutoff_is_refused(model, tmp_path):
    model.save_model(str(tmp_path / "plain.json"))
    with pytest.raises(ValueError, match="no cutoff"):
        model_server.load_model(tmp_path / "plain.json")


def test_the_server_stays_local_and_quiet():
    settings = model_server.server_settings(1234, 1235)
    assert settings["host"] == "127.0.0.1" and (settings["http_port"], settings["grpc_port"]) == (1234, 1235)
    assert settings["metrics_endpoint"] is None and settings["tracing_server"] is None and not settings["kafka_enabled"]
    assert settings["parallel_workers"] == 0 and settings["debug"] is False


def test_the_served_folder_names_both_models(model, tmp_path):
    folder = model_server.serving_folder(model, 0.3, tmp_path)
    names = {json.loads(p.read_text())["name"] for p in folder.rglob("model-settings.json")}
    assert names == {model_server.MODEL_NAME, model_server.EXPLAINER_NAME}
    assert (folder / model_server.MODEL_NAME / model_server.MODEL_FILE).exists()


def test_two_servers_at_once_serve_on_their_own_ports_and_leave_nothing(model, parts, tmp_path):
    folders = [model_server.serving_folder(model, 0.3, tmp_path / name) for name in ("one", "two")]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        servers = list(pool.map(model_server.start_server, folders))
    try:
        ports = {port for server in servers for port in (server.http_port, server.grpc_port)}
        assert len(ports) == 4, "each server has its own HTTP and gRPC port"
        rows = parts.test[data.MODEL_INPUTS].iloc[:3]
        for server in servers:
            assert server.ready()
            reply = requests.post(server.infer_url(model_server.MODEL_NAME), json=v2_request(rows), timeout=30)
            assert reply.status_code == 200
            assert np.allclose(outputs_frame(reply.json())["probability"], model.predict_proba(rows)[:, 1], atol=1e-7)
        tree = [psutil.Process(server.process.pid) for server in servers]
        tree += [child for process in tree[:2] for child in process.children(recursive=True)]
    finally:
        codes = [server.stop() for server in servers]
    assert codes == [0, 0], "MLServer stopped cleanly on SIGINT"
    assert not [p for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not any(server.ready() for server in servers)
    assert model_server.read_request_log(servers[0].request_log)["status"].tolist() == [200]
