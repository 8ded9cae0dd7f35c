"""The course's layout of Open Inference Protocol (V2) requests and responses, and the checks a
request must pass before a model sees it.

The layout (one named input per model input, MLServer's "pandas" layout):

- a request holds one input per column of ``data.MODEL_INPUTS``, in any order, each
  ``{"name": column, "datatype": "FP64", "shape": [n, 1], "data": [n numbers]}`` (``INT64``,
  ``INT32`` and ``FP32`` are accepted too; the shape may also be ``[n]``);
- the model's response holds the outputs ``probability`` (FP64) and ``decision`` (INT64, 1 =
  predicted to default at the cutoff the response's parameters state);
- the explainer's response holds ``probability``, one output per model input with that input's
  Shapley contribution (log-odds), ``BIAS``, and ``reason_1`` ... ``reason_k`` (BYTES: the inputs
  that push the risk up most, ``""`` when fewer than k do);
- every output has shape ``[n, 1]``.

A bad request is answered with an error that names the field and says what was expected.

Example:
    >>> import pandas as pd
    >>> body = v2_request(pd.DataFrame({"LIMIT_BAL": [50_000.0], "PAY_0": [2.0]}))
    >>> body["inputs"][1]
    {'name': 'PAY_0', 'datatype': 'FP64', 'shape': [1, 1], 'data': [2.0]}
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workshop_utils.data import MODEL_INPUTS
from workshop_utils.guards import STATUS_CODES, impossible_values

__all__ = ["NUMERIC_DATATYPES", "BadRequest", "InputTensor", "outputs_frame", "rows_from_inputs", "to_json",
           "v2_request"]

NUMERIC_DATATYPES = ("FP64", "FP32", "INT64", "INT32")
"""The V2 datatypes a model input may be sent as."""

INTEGER_DATATYPES = ("INT64", "INT32")


class BadRequest(ValueError):
    """A request the model cannot score: ``field`` is the part of the request at fault, and the
    message says what was expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class InputTensor:
    """One V2 input as the server received it (name, datatype, shape, data)."""

    name: str
    datatype: str
    shape: Sequence[int]
    data: Any


def _holds_structure(value: Any) -> bool:
    """True for a dict or list that holds a dict, or a list that holds a list of dicts."""
    inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return any(isinstance(item, dict) or (isinstance(item, list) and any(isinstance(x, dict) for x in item))
               for item in inner)


def to_json(payload: Any, indent: int = 1, level: int = 0) -> str:
    """``payload`` as JSON with one line per tensor (every dict or list that holds no dict is
    written on one line), so a request or response fits a slide.

    >>> print(to_json({"id": "a", "outputs": [{"name": "p", "shape": [1, 1], "data": [0.5]}]}))
    {
     "id": "a",
     "outputs": [
      {"name": "p", "shape": [1, 1], "data": [0.5]}
     ]
    }
    """
    if not _holds_structure(payload):
        return json.dumps(payload)
    pad, close = " " * indent * (level + 1), " " * indent * level
    if isinstance(payload, dict):
        items = [f"{pad}{json.dumps(key)}: {to_json(value, indent, level + 1)}" for key, value in payload.items()]
        return "{\n" + ",\n".join(items) + f"\n{close}}}"
    items = [pad + to_json(value, indent, level + 1) for value in payload]
    return "[\n" + ",\n".join(items) + f"\n{close}]"


def v2_request(rows: pd.DataFrame, request_id: str | None = None) -> dict[str, Any]:
    """The V2 request body for ``rows`` (one input per column, FP64, shape ``[n, 1]``).

    >>> v2_request(pd.DataFrame({"PAY_0": [0, 1]}), "r1")["id"]
    'r1'
    """
    body: dict[str, Any] = {"inputs": [
        {"name": str(name), "datatype": "FP64", "shape": [len(rows), 1],
         "data": [float(value) for value in rows[name].to_numpy(dtype=float)]}
        for name in rows.columns]}
    if request_id is not None:
        body["id"] = request_id
    return body


def outputs_frame(response: Mapping[str, Any]) -> pd.DataFrame:
    """A V2 response's outputs as a table: one column per output (in the response's order), one
    row per row of the request.

    >>> outputs_frame({"outputs": [{"name": "probability", "datatype": "FP64", "shape": [2, 1],
    ...                             "data": [0.1, 0.7]}]})["probability"].tolist()
    [0.1, 0.7]
    """
    columns = {}
    for output in response["outputs"]:
        rows = int(output["shape"][0]) if output["shape"] else 1
        values = np.asarray(output["data"], dtype=object if output["datatype"] == "BYTES" else float)
        columns[output["name"]] = values.reshape(rows, -1)[:, 0]
    return pd.DataFrame(columns)


def _numbers(tensor: InputTensor, rows: int) -> np.ndarray:
    """The tensor's data as ``rows`` floats, or ``BadRequest`` saying which value is wrong."""
    field = f"input '{tensor.name}'"
    data = np.asarray(tensor.data, dtype=object).ravel()
    if data.size != rows:
        raise BadRequest(field, f"{data.size} values for shape {list(tensor.shape)}; expected {rows}, one per row")
    values = np.empty(rows)
    for row, value in enumerate(data):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise BadRequest(f"{field}, row {row}", f"{value!r} is not a number; expected a finite number")
        if tensor.datatype in INTEGER_DATATYPES and value != int(value):
            raise BadRequest(f"{field}, row {row}", f"{value!r} is not a whole number, as datatype {tensor.datatype} requires")
        values[row] = float(value)
    return values


def _check_values(rows: pd.DataFrame) -> None:
    """``BadRequest`` for the first value no customer can have (``guards.impossible_values``)."""
    impossible = impossible_values(rows)
    for name in rows.columns:
        bad = np.flatnonzero(impossible[name].to_numpy())
        if bad.size:
            value = rows[name].iloc[bad[0]]
            if name.startswith("PAY_AMT"):
                expected = "an amount paid of 0 or more"
            elif name == "LIMIT_BAL":
                expected = "a credit limit above 0"
            else:
                expected = f"a repayment status code, a whole number from {STATUS_CODES[0]} to {STATUS_CODES[1]}"
            raise BadRequest(f"input '{name}', row {int(bad[0])}", f"{value:g} is out of range; expected {expected}")


def rows_from_inputs(inputs: Sequence[InputTensor], columns: Sequence[str] = MODEL_INPUTS) -> pd.DataFrame:
    """The rows a request describes, as a frame with ``columns`` in order, after every check of
    the layout; ``BadRequest`` names the first field that breaks it.

    >>> rows_from_inputs([InputTensor("PAY_0", "FP64", [1, 1], [2.0])], ["PAY_0"]).to_dict("list")
    {'PAY_0': [2.0]}
    >>> try:
    ...     rows_from_inputs([InputTensor("PAY_0", "FP64", [1, 1], [12.0])], ["PAY_0"])
    ... except BadRequest as error:
    ...     print(error)
    input 'PAY_0', row 0: 12 is out of range; expected a repayment status code, a whole number from -2 to 9
    """
    names = [tensor.name for tensor in inputs]
    if duplicated := sorted({name for name in names if names.count(name) > 1}):
        raise BadRequest(f"input '{duplicated[0]}'", "sent more than once; expected one input per column")
    if extra := [name for name in names if name not in columns]:
        raise BadRequest(f"input '{extra[0]}'", f"not a model input; expected only these {len(columns)}: {', '.join(columns)}")
    if missing := [name for name in columns if name not in names]:
        raise BadRequest(f"input '{missing[0]}'", f"missing; expected one input for each of {', '.join(columns)}")
    by_name = {tensor.name: tensor for tensor in inputs}
    n_rows = None
    for name in columns:
        tensor = by_name[name]
        field = f"input '{name}'"
        if tensor.datatype not in NUMERIC_DATATYPES:
            raise BadRequest(field, f"datatype {tensor.datatype}; expected one of {', '.join(NUMERIC_DATATYPES)}")
        shape = [int(size) for size in tensor.shape]
        if len(shape) not in (1, 2) or (len(shape) == 2 and shape[1] != 1) or shape[0] < 1:
            raise BadRequest(field, f"shape {shape}; expected [n, 1] (or [n]) with n >= 1 rows")
        if n_rows is None:
            n_rows = shape[0]
        elif shape[0] != n_rows:
            raise BadRequest(field, f"shape {shape} has {shape[0]} rows; expected {n_rows}, as the inputs before it")
    frame = pd.DataFrame({name: _numbers(by_name[name], int(n_rows or 0)) for name in columns})
    _check_values(frame)
    return frame
