"""`workshop serve`: lesson 1's model and its explainer on MLServer (V2 protocol), on localhost.

It loads the saved model (or trains lesson 1's model and saves it, the first time), serves it
from a scratch folder on free ports of 127.0.0.1, prints the address and two ``curl`` examples,
and serves until Ctrl-C (or ``kill``), then stops MLServer and leaves no process behind.

Example:
    $ workshop serve
    $ workshop serve --model my-model.json --folder served/   # keep the request log in served/
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path

from workshop_utils.model_server import EXPLAINER_NAME, MODEL_NAME, load_model, save_model, serving_folder, start_server

__all__ = ["curl_examples", "default_model_path", "load_or_train", "run_server", "train_lesson_model"]


def default_model_path() -> Path:
    """Where the trained model is kept between runs: the user's cache folder.

    >>> default_model_path().name
    'credit-default-model.json'
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "workshop" / "credit-default-model.json"


def train_lesson_model() -> tuple[object, float]:
    """Lesson 1's model (monotonicity constraints from correlations, early stopping) and the
    cutoff with the best F1 on the validation rows."""
    from workshop_utils import cutoffs, data, monotonic
    from workshop_utils.xgboost_models import fit_xgboost, predict_default

    parts = data.split_data(data.load_credit_data())
    constraints = monotonic.monotone_constraints(parts.train, data.MODEL_INPUTS, data.TARGET)
    model = fit_xgboost(parts.train, parts.valid, data.MODEL_INPUTS, data.TARGET, constraints)
    cutoff, _ = cutoffs.best_f1_cutoff(parts.valid[data.TARGET], predict_default(model)(parts.valid))
    return model, cutoff


def load_or_train(path: Path, retrain: bool = False, say: Callable[[str], None] = print) -> tuple[object, float]:
    """The model saved at ``path``, or lesson 1's model trained and saved there."""
    if path.exists() and not retrain:
        say(f"loading the saved model {path}")
        return load_model(path)
    say("training lesson 1's model (about 10 s)")
    model, cutoff = train_lesson_model()
    save_model(model, cutoff, path)
    say(f"saved it to {path} (the next run loads it; --retrain trains again)")
    return model, cutoff


def curl_examples(url: str) -> str:
    """Two ``curl`` commands: predict and explain one customer.

    >>> "credit-default-explainer/infer" in curl_examples("http://127.0.0.1:8080")
    True
    """
    from workshop_utils.data import MODEL_INPUTS

    customer = {"LIMIT_BAL": 50000, "PAY_0": 2, **dict.fromkeys(MODEL_INPUTS[2:7], 0),
                **{f"BILL_AMT{i}": 40000 for i in range(1, 7)}, **{f"PAY_AMT{i}": 1500 for i in range(1, 7)}}
    body = json.dumps({"inputs": [{"name": name, "datatype": "FP64", "shape": [1, 1], "data": [customer[name]]}
                                  for name in MODEL_INPUTS]})
    return "\n".join(f"curl -s -H 'Content-Type: application/json' -d '{body}' {url}/v2/models/{name}/infer"
                     for name in (MODEL_NAME, EXPLAINER_NAME))


def run_server(model_path: Path, retrain: bool = False, folder: Path | None = None, prepare: bool = False,
               say: Callable[[str], None] = print) -> int:
    """``workshop serve``: serve until Ctrl-C or SIGTERM; 0 when it served, 1 when it failed.
    With ``prepare``, only write the served folder (the model and its settings) and stop there,
    e.g. to build a container image (``serving/kubernetes/Dockerfile``)."""
    model, cutoff = load_or_train(model_path, retrain, say)
    scratch = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="workshop-serve-"))
    serving_folder(model, cutoff, scratch)
    if prepare:
        say(f"wrote the served folder {scratch}: serve it with `mlserver start {scratch}` (add a settings.json)")
        return 0

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        server = start_server(scratch)
    except RuntimeError as error:
        say(f"error: {error}")
        return 1
    try:
        say(f"MLServer is serving on {server.url} (gRPC on port {server.grpc_port}), localhost only:\n"
            f"  {server.infer_url(MODEL_NAME)}    probability and decision (cutoff {cutoff:.4f})\n"
            f"  {server.infer_url(EXPLAINER_NAME)}    TreeSHAP contributions and reason codes\n"
            f"Try:\n{curl_examples(server.url)}\n"
            f"Request log: {server.request_log}\nPress Ctrl-C to stop.")
        server.process.wait()
        say(f"error: MLServer ended by itself; its log ends with:\n{server.log_tail()}")
        return 1
    except KeyboardInterrupt:
        say("stopping MLServer")
        return 0
    finally:
        server.stop()
        if folder is None:
            with contextlib.suppress(OSError):
                shutil.rmtree(scratch)
        say("stopped; no server process is left")
