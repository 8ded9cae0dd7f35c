"""MLServer on localhost: the saved model, the folder MLServer serves, and the server process
(started on free ports, waited for, stopped with nothing left behind).

The folder layout is MLServer's: ``settings.json`` for the server, then one folder per model
holding its ``model-settings.json``. The course keeps the templates in ``serving/`` (the model
``credit-default``, its explainer ``credit-default-explainer``, and ``kubernetes/`` for a
cluster); ``serving_folder`` copies them to a scratch folder and saves the model beside them,
because a served folder is written to (the model, the request log).

The server is quiet and local: it listens on 127.0.0.1 only, metrics, tracing and Kafka are off,
inference runs in the server process itself (no worker processes), and both the HTTP and the
gRPC port are free ports chosen at start, so two servers at once never collide.

Example:
    >>> server_settings(8080, 8081)["host"]
    '127.0.0.1'
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import xgboost as xgb

from workshop_utils import THREADS
from workshop_utils.paths import PROJECT_ROOT

__all__ = ["EXPLAINER_NAME", "MODEL_FILE", "MODEL_NAME", "SERVING", "ModelServer", "free_port", "load_model",
           "read_request_log", "save_model", "server_settings", "serving_folder", "start_server"]

SERVING = PROJECT_ROOT / "serving"
"""The served folder's templates: server settings, one folder per model, the Kubernetes manifest."""

MODEL_NAME = "credit-default"
"""The served model: probability of default and decision."""

EXPLAINER_NAME = "credit-default-explainer"
"""The served explainer: TreeSHAP contributions and reason codes."""

MODEL_FILE = "model.json"
"""The model file in the model's folder (XGBoost's JSON format, the cutoff stored in it)."""

REQUEST_LOG = "requests.jsonl"
"""The request log in the served folder: one JSON line per request."""

START_TIMEOUT_S = 90.0

SERVER_THREADS = {"OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
"""One scoring thread per request, and idle threads that sleep instead of spinning: a request
is a few rows, and the notebook or the test sending them shares the same cores."""


def save_model(model: xgb.XGBClassifier, cutoff: float, path: Path) -> Path:
    """Save ``model`` in XGBoost's JSON format with ``cutoff`` stored inside it (a booster
    attribute, so the file alone says how to decide); return the path."""
    booster = model.get_booster()
    booster.set_attr(cutoff=repr(float(cutoff)))
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        model.save_model(str(path))
    finally:
        booster.set_attr(cutoff=None)
    return Path(path)


def load_model(path: Path, threads: int = THREADS) -> tuple[xgb.XGBClassifier, float]:
    """The model saved by ``save_model`` (scoring with the trees up to its early-stopping best
    iteration, as before, on ``threads`` threads) and its cutoff."""
    model = xgb.XGBClassifier(n_jobs=threads)
    model.load_model(str(path))
    cutoff = model.get_booster().attr("cutoff")
    if cutoff is None:
        raise ValueError(f"{path} holds no cutoff: save the model with workshop_utils.model_server.save_model")
    return model, float(cutoff)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the system hands out an unused one).

    >>> 1024 <= free_port() <= 65535
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def server_settings(http_port: int, grpc_port: int) -> dict[str, Any]:
    """MLServer's ``settings.json``: the course's template with these ports."""
    settings = json.loads((SERVING / "settings.json").read_text())
    return {**settings, "http_port": http_port, "grpc_port": grpc_port}


def serving_folder(model: xgb.XGBClassifier, cutoff: float, folder: Path) -> Path:
    """The folder MLServer serves: both models' settings copied from ``SERVING`` and the model
    saved into the model's folder (the explainer's settings point at the same file)."""
    folder = Path(folder)
    for name in (MODEL_NAME, EXPLAINER_NAME):
        (folder / name).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SERVING / name / "model-settings.json", folder / name / "model-settings.json")
    save_model(model, cutoff, folder / MODEL_NAME / MODEL_FILE)
    return folder


def _answers(url: str) -> bool:
    """True when a GET of ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class ModelServer:
    """A running MLServer: its process (in a session of its own), folder and ports."""

    process: subprocess.Popen
    folder: Path
    http_port: int
    grpc_port: int
    models: tuple[str, ...] = (MODEL_NAME, EXPLAINER_NAME)
    log_file: Path = field(default=Path())

    @property
    def url(self) -> str:
        """The server's HTTP address, e.g. ``http://127.0.0.1:40123``."""
        return f"http://127.0.0.1:{self.http_port}"

    def infer_url(self, model: str) -> str:
        """Where a V2 inference request for ``model`` goes."""
        return f"{self.url}/v2/models/{model}/infer"

    @property
    def request_log(self) -> Path:
        """The request log the runtimes append to."""
        return self.folder / REQUEST_LOG

    def ready(self) -> bool:
        """True when the server and every model answer their V2 readiness checks."""
        return _answers(f"{self.url}/v2/health/ready") and all(
            _answers(f"{self.url}/v2/models/{name}/ready") for name in self.models)

    def wait_until_ready(self, timeout: float = START_TIMEOUT_S) -> bool:
        """Wait until ``ready``; False when the process ended or the time ran out."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            if self.ready():
                return True
            time.sleep(0.2)
        return False

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of the server's own log (for error messages)."""
        with contextlib.suppress(OSError):
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self, patience: float = 15.0) -> int | None:
        """Stop the server as Ctrl-C does (MLServer unloads its models), then for sure; every
        process of its session ends. Returns the exit code."""
        for ending, wait in ((signal.SIGINT, patience), (signal.SIGKILL, 5.0)):
            if self.process.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, ending)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=wait)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything it left in its session
        return self.process.poll()

    def __enter__(self) -> ModelServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def start_server(folder: Path, attempts: int = 3, timeout: float = START_TIMEOUT_S) -> ModelServer:
    """Start MLServer on ``folder`` (from ``serving_folder``) on free localhost ports and wait
    until both models are ready; try other ports if the chosen ones were taken meanwhile.
    The server is stopped when this Python process exits, if not before."""
    folder = Path(folder).resolve()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
           **SERVER_THREADS}
    problem = ""
    for _ in range(attempts):
        http_port, grpc_port = free_port(), free_port()
        if http_port == grpc_port:
            continue
        (folder / "settings.json").write_text(json.dumps(server_settings(http_port, grpc_port), indent=2))
        log_file = folder / "server.log"
        with open(log_file, "w") as log:
            process = subprocess.Popen([sys.executable, "-m", "mlserver.cli.main", "start", str(folder)], cwd=folder,
                                       env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        server = ModelServer(process, folder, http_port, grpc_port, log_file=log_file)
        atexit.register(server.stop)
        if server.wait_until_ready(timeout):
            return server
        problem = server.log_tail()
        server.stop()
        if "address already in use" not in problem.lower():
            break
    raise RuntimeError(f"MLServer did not become ready on {folder}; its log ends with:\n{problem}")


def read_request_log(path: Path) -> pd.DataFrame:
    """The request log as a table: one row per request (time, model, id, status, error, and
    for a scored request its rows' inputs, probabilities and decisions or reasons).

    >>> read_request_log(Path("/nonexistent")).empty
    True
    """
    if not Path(path).exists():
        return pd.DataFrame()
    records = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    return pd.DataFrame.from_records(records)
