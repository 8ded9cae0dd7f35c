"""serving/: the model settings MLServer reads, and the Kubernetes manifest and image that run
the same runtimes on a cluster (parsed and matched by name; no cluster here to apply them)."""

from __future__ import annotations

import json

import yaml
from dockerfile_parse import DockerfileParser
from mlserver import MLModel
from mlserver.settings import ModelSettings

from workshop_utils import model_server

KUBERNETES = model_server.SERVING / "kubernetes"


def model_settings() -> dict[str, ModelSettings]:
    found = [ModelSettings.parse_file(str(p)) for p in sorted(model_server.SERVING.glob("*/model-settings.json"))]
    return {settings.name: settings for settings in found}


def test_the_settings_name_both_models_and_their_runtimes():
    settings = model_settings()
    assert set(settings) == {model_server.MODEL_NAME, model_server.EXPLAINER_NAME}
    for name, item in settings.items():
        assert issubclass(item.implementation, MLModel), name
        assert item.parameters.uri.endswith(model_server.MODEL_FILE) and item.parameters.version == "lesson-01"
    assert settings[model_server.EXPLAINER_NAME].parameters.uri == f"../{model_server.MODEL_NAME}/{model_server.MODEL_FILE}"


def test_the_inference_service_serves_the_same_models_on_v2():
    manifest = yaml.safe_load((KUBERNETES / "inferenceservice.yaml").read_text())
    assert manifest["apiVersion"] == "serving.kserve.io/v1beta1" and manifest["kind"] == "InferenceService"
    assert manifest["metadata"]["name"] == model_server.MODEL_NAME
    annotations = manifest["metadata"]["annotations"]
    assert set(annotations["course.responsible-ml/models"].split(",")) == set(model_settings())
    assert annotations["course.responsible-ml/protocol"] == "v2"
    [container] = manifest["spec"]["predictor"]["containers"]
    served = container["command"][-1]
    assert container["command"][:2] == ["mlserver", "start"]
    settings = json.loads((KUBERNETES / "settings.json").read_text())
    assert [port["containerPort"] for port in container["ports"]] == [settings["http_port"]]
    assert container["readinessProbe"]["httpGet"] == {"path": "/v2/health/ready", "port": settings["http_port"]}
    assert settings["host"] == "0.0.0.0" and settings["parallel_workers"] == 0

    image = DockerfileParser(str(KUBERNETES / "Dockerfile"))
    assert image.cmd == f'["mlserver", "start", "{served}"]'
    run = " ".join(instruction["value"] for instruction in image.structure if instruction["instruction"] == "RUN")
    assert f"--folder {served} --prepare" in run and f"serving/kubernetes/settings.json {served}/settings.json" in run
    assert container["image"].split("/")[-1].startswith("credit-default-mlserver:")
