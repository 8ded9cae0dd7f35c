"""The MLServer runtimes that serve lesson 1's model and its explainer over the V2 protocol.

Two models, each named by a ``model-settings.json`` under ``serving/`` (see ``model_server``):

- ``CreditDefaultRuntime`` answers with each row's probability of default and the decision at
  the cutoff saved with the model (stated in the response's parameters);
- ``ExplainerRuntime`` answers with each row's probability, its TreeSHAP contributions (XGBoost's
  own, on the log-odds scale, as ``shapley.xgb_contributions``) and its top reason codes
  (``shapley.top_reasons``).

Both check every request first (``v2_protocol.rows_from_inputs``): a bad one gets a 400 V2 error
naming the field, never a 500. Every request, scored or rejected, is appended as one JSON line
to the request log named by the settings' ``extra.request_log``.

Example (what MLServer does with the settings file):
    >>> from mlserver.settings import ModelSettings
    >>> runtime = CreditDefaultRuntime(ModelSettings(name="credit-default", implementation=CreditDefaultRuntime))
    >>> runtime.name
    'credit-default'
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from mlserver import MLModel
from mlserver.errors import MLServerError
from mlserver.types import InferenceRequest, InferenceResponse, ResponseOutput
from mlserver.utils import get_model_uri, to_absolute_path

from workshop_utils.cutoffs import decide
from workshop_utils.model_server import load_model
from workshop_utils.shapley import BIAS, top_reasons, xgb_contributions
from workshop_utils.v2_protocol import BadRequest, InputTensor, rows_from_inputs

__all__ = ["BAD_REQUEST", "CreditDefaultRuntime", "ExplainerRuntime"]

BAD_REQUEST = 400
"""The HTTP status of a request the model cannot score (the V2 error names the field)."""


def column(name: str, values: np.ndarray | list, datatype: str = "FP64") -> ResponseOutput:
    """One V2 output of shape ``[n, 1]``."""
    data = [str(v) for v in values] if datatype == "BYTES" else np.asarray(values).tolist()
    return ResponseOutput(name=name, datatype=datatype, shape=[len(data), 1], data=data)


class LoggedRuntime(MLModel):
    """What both runtimes share: the saved model, request checks and the request log."""

    async def load(self) -> bool:
        """Load the model file the settings' ``uri`` names, and find the request log."""
        self.model, self.cutoff = load_model(Path(await get_model_uri(self._settings)), threads=1)
        extra = (self._settings.parameters.extra or {}) if self._settings.parameters else {}
        self.extra = extra
        log = extra.get("request_log")
        self.log_path = Path(to_absolute_path(self._settings, log)) if log else None
        return True

    def log(self, record: dict[str, Any]) -> None:
        """Append one request's record to the request log (one JSON line)."""
        if self.log_path is not None:
            with open(self.log_path, "a") as handle:
                handle.write(json.dumps({"time": time.time(), "model": self.name, **record}) + "\n")

    def rows(self, payload: InferenceRequest) -> pd.DataFrame:
        """The request's rows, checked; a bad request is logged and answered with a 400."""
        tensors = [InputTensor(tensor.name, getattr(tensor.datatype, "value", str(tensor.datatype)), list(tensor.shape),
                               getattr(tensor.data, "root", tensor.data)) for tensor in payload.inputs]
        try:
            return rows_from_inputs(tensors, list(self.model.get_booster().feature_names))
        except BadRequest as error:
            self.log({"id": payload.id, "status": BAD_REQUEST, "error": str(error)})
            raise MLServerError(str(error), status_code=BAD_REQUEST) from None

    def respond(self, payload: InferenceRequest, outputs: list[ResponseOutput], **parameters: Any) -> InferenceResponse:
        """The V2 response, with the request's id."""
        return InferenceResponse(model_name=self.name, model_version=self.version, id=payload.id,
                                 parameters=parameters or None, outputs=outputs)


class CreditDefaultRuntime(LoggedRuntime):
    """Lesson 1's model: the probability of default and the decision at the saved cutoff."""

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        """Score the request's rows."""
        rows = self.rows(payload)
        probability = self.model.predict_proba(rows)[:, 1]
        decision = decide(probability, self.cutoff)
        self.log({"id": payload.id, "status": 200, "inputs": rows.to_dict("records"),
                  "probability": probability.tolist(), "decision": decision.tolist()})
        return self.respond(payload, [column("probability", probability), column("decision", decision, "INT64")],
                            cutoff=self.cutoff)


class ExplainerRuntime(LoggedRuntime):
    """The explainer beside it: each row's probability, TreeSHAP contributions and reason codes."""

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        """Explain the request's rows."""
        rows = self.rows(payload)
        k = int(self.extra.get("top_k", 3))
        contributions = xgb_contributions(self.model, rows)
        probability = 1 / (1 + np.exp(-contributions.sum(axis=1).to_numpy()))
        reasons = [top_reasons(contributions.loc[label], k).index.tolist() for label in contributions.index]
        padded = [names + [""] * (k - len(names)) for names in reasons]
        self.log({"id": payload.id, "status": 200, "inputs": rows.to_dict("records"),
                  "probability": probability.tolist(), "reasons": reasons})
        outputs = [column("probability", probability)]
        outputs += [column(name, contributions[name].to_numpy()) for name in [*rows.columns, BIAS]]
        outputs += [column(f"reason_{rank + 1}", [row[rank] for row in padded], "BYTES") for rank in range(k)]
        return self.respond(payload, outputs, units="log-odds", top_k=k)
