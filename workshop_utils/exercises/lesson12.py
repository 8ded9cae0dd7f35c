"""Lesson 12's exercises (serving explanations): a V2 request built by hand, reason codes read
from a V2 response, and the population stability index by hand; two concept questions and a
written question.

Each exercise's cases are judged against MLServer's own codec (the library the server runs on),
scipy or a closed form, never against the course helper the learner is asked to replace, and
the hidden cases use inputs the lesson never printed (other customers, toy frames and responses,
synthetic distributions with a known answer).

Example:
    >>> request.title, len(request.hints) >= 2
    ('A V2 request by hand', True)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from workshop_utils import SEED, drift, shapley, v2_protocol
from workshop_utils.exercises.engine import Case, Exercise, Question, Written, close, equal

__all__ = ["EXERCISES", "LESSON", "population_stability", "q_black_box", "q_status", "reasons", "request", "written"]

LESSON = "12_serving_explanations"

NUMERIC = ("FP64", "FP32", "INT64", "INT32")


# -- 1. a V2 request by hand ----------------------------------------------------------------------------

def library_request(rows: pd.DataFrame) -> dict[str, Any]:
    """The reference: MLServer's pandas codec encodes ``rows`` (as floats) into a V2 request."""
    from mlserver.codecs import PandasCodec

    return PandasCodec.encode_request(rows.astype(float)).model_dump(mode="json", exclude_none=True)


def request_problem(got: Any, expected: dict[str, Any]) -> str | None:
    """What is wrong with ``got`` as a V2 request for the rows ``expected`` encodes (None: nothing)."""
    if not isinstance(got, dict) or not isinstance(got.get("inputs"), list):
        return "return a dict with a key 'inputs' holding a list: one dict per column."
    try:
        json.dumps(got, allow_nan=False)
    except (TypeError, ValueError) as error:
        return (f"the request is not valid JSON ({str(error)[:60]}): turn numpy numbers into Python floats, "
                "e.g. `[float(v) for v in rows[name]]` or `rows[name].astype(float).tolist()`.")
    names = [tensor.get("name") if isinstance(tensor, dict) else None for tensor in got["inputs"]]
    wanted = [tensor["name"] for tensor in expected["inputs"]]
    if names != wanted:
        return f"one input per column, named after it, in the columns' order: expected names {wanted}, got {names}."
    for tensor, reference in zip(got["inputs"], expected["inputs"]):
        rows = reference["shape"][0]
        if tensor.get("datatype") not in NUMERIC:
            return f"input {tensor['name']!r}: datatype {tensor.get('datatype')!r}; use 'FP64' for numbers."
        if list(tensor.get("shape", [])) not in ([rows, 1], [rows]):
            return f"input {tensor['name']!r}: shape {tensor.get('shape')}; expected [{rows}, 1], one row per customer."
        data = tensor.get("data")
        if not isinstance(data, list) or len(data) != rows or any(isinstance(v, list) for v in data):
            return f"input {tensor['name']!r}: 'data' must be a flat list of {rows} numbers, one per row."
        if not np.allclose(np.asarray(data, dtype=float), np.asarray(reference["data"], dtype=float)):
            return f"input {tensor['name']!r}: the values are not the column's values, row by row."
    return None


def same_request(got: Any, expected: dict[str, Any]) -> bool:
    """A valid request in the lesson's layout whose rows decode (with MLServer's codec) to the
    same table as the reference's."""
    if request_problem(got, expected) is not None:
        return False
    from mlserver.codecs import PandasCodec
    from mlserver.types import InferenceRequest

    try:
        decoded = PandasCodec.decode_request(InferenceRequest.model_validate(got))
    except (TypeError, ValueError):
        return False
    reference = PandasCodec.decode_request(InferenceRequest.model_validate(expected))
    return list(decoded.columns) == list(reference.columns) and np.allclose(decoded.to_numpy(float), reference.to_numpy(float))


def toy_customers() -> pd.DataFrame:
    """Three toy customers with integer columns (numpy int64, which JSON cannot hold as is)."""
    return pd.DataFrame({"LIMIT_BAL": [20_000, 150_000, 80_000], "PAY_0": [2, -1, 0], "BILL_AMT1": [19_500, 0, 41_000]},
                        index=[101, 7, 55])


request = Exercise(
    LESSON, "ex1_v2_request", "A V2 request by hand",
    visible=[
        Case("three toy customers (integer columns LIMIT_BAL, PAY_0, BILL_AMT1)", lambda c: (toy_customers(),),
             library_request, same_request, request_problem),
        Case("the lesson's two customers", lambda c: (c["customers"],), library_request, same_request, request_problem,
             lesson_result=True),
    ],
    hidden=[
        Case("one validation customer, every model input", lambda c: (c["valid"].iloc[[3]],), library_request,
             same_request, request_problem),
        Case("25 validation customers, the columns in reverse order",
             lambda c: (c["valid"].iloc[10:35, ::-1],), library_request, same_request, request_problem),
        Case("a toy table of one column with a fraction", lambda c: (pd.DataFrame({"x": [0.5, -1.25]}),),
             library_request, same_request, request_problem),
    ],
    hints=[
        "Make one dict per column of `rows`, in order: its 'name' is the column name, 'datatype' is 'FP64', "
        "'shape' is [number of rows, 1] and 'data' the column's values as a plain list of Python floats. "
        "Return {'inputs': that list}.",
        "`return {'inputs': [{'name': name, 'datatype': 'FP64', 'shape': [len(rows), 1], "
        "'data': [float(v) for v in rows[name]]} for name in rows.columns]}`.",
    ],
    helpers=["workshop_utils.v2_protocol.v2_request"],
    helper_answer=lambda rows: v2_protocol.v2_request(rows),
)


# -- 2. reason codes from a V2 response ---------------------------------------------------------------

def library_reasons(response: dict[str, Any], inputs: Sequence[str], k: int) -> list[list[str]]:
    """The reference: MLServer's codec decodes the response into a table; per row, the inputs
    with a positive contribution, largest first (numpy's stable sort keeps ties in input order)."""
    from mlserver.codecs import PandasCodec
    from mlserver.types import InferenceResponse

    table = PandasCodec.decode_response(InferenceResponse.model_validate(response))
    values = table[list(inputs)].to_numpy(dtype=float)
    ranked = []
    for row in values:
        order = np.argsort(-row, kind="stable")
        ranked.append([inputs[i] for i in order if row[i] > 0][:k])
    return ranked


def diagnose_reasons(got: Any, expected: list[list[str]]) -> str | None:
    """The likely mistake behind wrong reason codes."""
    if not isinstance(got, list) or not all(isinstance(row, list) for row in got):
        return "return a list with one list of input names per row of the response."
    if len(got) != len(expected):
        return (f"one list per row: the response holds {len(expected)} row(s), each output's 'data' has one value per "
                "row (shape [n, 1]).")
    flat = {name for row in got for name in row}
    if flat & {"probability", "BIAS"} or any(name.startswith("reason_") for name in flat):
        return "rank only the outputs named in `inputs`: 'probability', 'BIAS' and the 'reason_*' outputs are not inputs."
    for row, wanted in zip(got, expected):
        if set(row) == set(wanted) and row != wanted:
            return "the right inputs in the wrong order: largest contribution first."
        if len(row) > len(wanted):
            return ("only inputs with a POSITIVE contribution are reasons (they push the risk up), and at most k of them; "
                    "a row may have fewer than k.")
    return "per row, sort the inputs' contributions from largest to smallest and keep the first k that are above 0."


def toy_response(rows: list[dict[str, float]], extra: bool = True) -> dict[str, Any]:
    """A V2 explainer response for toy contributions (one dict per row), with a probability,
    a BIAS and reason outputs around them as the server sends them."""
    names = list(rows[0])
    outputs = [{"name": "probability", "datatype": "FP64", "shape": [len(rows), 1], "data": [0.5] * len(rows)}] if extra else []
    outputs += [{"name": name, "datatype": "FP64", "shape": [len(rows), 1], "data": [row[name] for row in rows]}
                for name in names]
    if extra:
        outputs.append({"name": "BIAS", "datatype": "FP64", "shape": [len(rows), 1], "data": [3.0] * len(rows)})
        outputs.append({"name": "reason_1", "datatype": "BYTES", "shape": [len(rows), 1], "data": ["PAY_0"] * len(rows)})
    return {"model_name": "toy", "outputs": outputs}


TOY_ROWS = [{"PAY_0": 0.2, "LIMIT_BAL": 0.7, "PAY_2": -0.4, "BILL_AMT1": 0.05},
            {"PAY_0": -0.3, "LIMIT_BAL": -0.1, "PAY_2": -0.2, "BILL_AMT1": -0.05},
            {"PAY_0": 0.3, "LIMIT_BAL": 0.3, "PAY_2": 0.1, "BILL_AMT1": 0.9}]


def toy_reasons_case(name: str, k: int, extra: bool = True) -> Case:
    """A case on the toy response."""
    return Case(name, lambda c: (toy_response(TOY_ROWS, extra), list(TOY_ROWS[0]), k), library_reasons, equal,
                diagnose_reasons)


reasons = Exercise(
    LESSON, "ex2_reasons", "Reason codes from a V2 response",
    visible=[
        toy_reasons_case("a toy response of three rows (one with no positive contribution, one tie), k = 2", 2),
        Case("the lesson's explain response, k = 3", lambda c: (c["response"], c["inputs"], 3), library_reasons, equal,
             diagnose_reasons, lesson_result=True),
    ],
    hidden=[
        toy_reasons_case("the toy response with k = 4 (fewer positive contributions than k)", 4),
        toy_reasons_case("the toy response without probability, BIAS or reason outputs, k = 1", 1, extra=False),
        Case("the lesson's explain response, k = 5", lambda c: (c["response"], c["inputs"], 5), library_reasons, equal,
             diagnose_reasons),
        Case("an explain response for five other customers, k = 3", lambda c: (c["other_response"], c["inputs"], 3),
             library_reasons, equal, diagnose_reasons),
    ],
    hints=[
        "Collect the outputs named in `inputs` into a table (one column per input, one row per customer: each "
        "output's 'data' holds one value per row). Then, row by row, sort the contributions from largest to smallest "
        "and keep the names of the first k that are above 0.",
        "`table = pd.DataFrame({o['name']: o['data'] for o in response['outputs'] if o['name'] in inputs})[list(inputs)]`; "
        "then for each `row` of `table.iterrows()`: "
        "`row = row[row > 0].sort_values(ascending=False, kind='stable')` and keep `list(row.index[:k])`.",
    ],
    helpers=["workshop_utils.shapley.top_reasons", "workshop_utils.v2_protocol.outputs_frame"],
    helper_answer=lambda response, inputs, k: [shapley.top_reasons(row, k).index.tolist()
                                               for _, row in v2_protocol.outputs_frame(response)[list(inputs)].iterrows()],
)


# -- 3. the population stability index by hand ----------------------------------------------------

def library_psi(expected: Sequence[float], actual: Sequence[float], cuts: Sequence[float]) -> float:
    """The reference: numpy's histogram on the bins, empty shares floored at 1e-4, then PSI as
    the sum of scipy's relative entropies both ways (PSI is the symmetric Kullback-Leibler
    divergence of the two binned distributions)."""
    from scipy.special import rel_entr

    edges = np.concatenate([[-np.inf], np.asarray(cuts, dtype=float), [np.inf]])
    e = np.maximum(np.histogram(np.asarray(expected, dtype=float), edges)[0] / len(expected), 1e-4)
    a = np.maximum(np.histogram(np.asarray(actual, dtype=float), edges)[0] / len(actual), 1e-4)
    return float(np.sum(rel_entr(a, e) + rel_entr(e, a)))


def diagnose_psi(got: Any, expected: float) -> str | None:
    """The likely mistake behind a wrong PSI."""
    try:
        value = float(got)
    except (TypeError, ValueError):
        return "return one number."
    if not np.isfinite(value):
        return "an empty bin gives log(0): count an empty bin's share as 0.0001 before taking logarithms."
    if value < 0:
        return "PSI is never negative: each term is (actual - expected) * ln(actual / expected), the same sign twice."
    return ("bin with the cut points (a value equal to a cut goes to the bin above it: `np.searchsorted(cuts, x, "
            "side='right')`), divide counts by the number of values to get shares, floor them at 0.0001, then sum "
            "(actual - expected) * ln(actual / expected) over the bins.")


def normal_case(name: str, shift: float, scale: float, cuts: list[float]) -> Case:
    """A case on synthetic normal samples with a known shift."""
    def arguments(c: dict) -> tuple:
        rng = np.random.default_rng(SEED)
        return rng.normal(size=4000), rng.normal(shift, scale, size=3000), np.asarray(cuts)

    return Case(name, arguments, library_psi, close(1e-9), diagnose_psi)


population_stability = Exercise(
    LESSON, "ex3_psi", "The population stability index by hand",
    visible=[
        Case("a toy input: expected [1, 2, 2, 3, 4, 5, 5, 6], actual [2, 5, 6, 6, 6, 7], cuts [2, 4, 6]",
             lambda c: (np.array([1, 2, 2, 3, 4, 5, 5, 6.0]), np.array([2, 5, 6, 6, 6, 7.0]), np.array([2, 4, 6.0])),
             library_psi, close(1e-9), diagnose_psi),
        Case("the lesson's LIMIT_BAL: training against the shifted batch",
             lambda c: (c["train"]["LIMIT_BAL"], c["batch"]["LIMIT_BAL"], c["cuts"]), library_psi, close(1e-9),
             diagnose_psi, lesson_result=True),
    ],
    hidden=[
        normal_case("normal samples, the second shifted by 0.5, cuts at -1, 0, 1", 0.5, 1.0, [-1.0, 0.0, 1.0]),
        normal_case("normal samples, the second twice as wide, deciles of a standard normal", 0.0, 2.0,
                    [-1.2816, -0.8416, -0.5244, -0.2533, 0.0, 0.2533, 0.5244, 0.8416, 1.2816]),
        Case("the same sample twice (PSI 0)", lambda c: (c["train"]["PAY_AMT1"], c["train"]["PAY_AMT1"], c["cuts"]),
             library_psi, close(1e-9), diagnose_psi),
        Case("a batch with an empty bin (no value above the last cut)",
             lambda c: (np.arange(100.0), np.arange(50.0), np.array([25.0, 50.0, 75.0])), library_psi, close(1e-9),
             diagnose_psi),
    ],
    hints=[
        "Count the values of each sample in each bin (`np.searchsorted(cuts, values, side='right')` gives each value's "
        "bin, 0 to len(cuts); `np.bincount(..., minlength=len(cuts) + 1)` counts them), divide by the sample's size, "
        "replace shares below 0.0001 by 0.0001, then sum (actual - expected) * ln(actual / expected).",
        "`def shares(x): b = np.searchsorted(cuts, np.asarray(x, float), side='right'); "
        "return np.maximum(np.bincount(b, minlength=len(cuts) + 1) / len(x), 1e-4)`; "
        "`e, a = shares(expected), shares(actual)`; `return float(np.sum((a - e) * np.log(a / e)))`.",
    ],
    helpers=["workshop_utils.drift.psi", "workshop_utils.drift.bin_shares", "workshop_utils.drift.psi_table"],
    helper_answer=lambda expected, actual, cuts: drift.psi_table(pd.DataFrame({"x": expected}), pd.DataFrame({"x": actual}),
                                                                 ["x"]).loc["x", "psi"],
)


# -- concept questions and the written question ----------------------------------------------------

q_status = Question.choice(LESSON, "q1_status", "What a 4xx answer tells the client", """
(b) the request itself is wrong: the message names the field and what was expected, so the client must fix
    the request; sending the same one again gets the same answer, and the server is fine.
(a) a server that is down or overloaded answers 5xx (or not at all); a 4xx is the server working as it should
    and refusing this request.
(c) drift is a property of many accepted requests over time, measured on the request log; one refused request
    says nothing about it.
(d) the server went on answering the valid request sent right after the bad ones: nothing restarted.
""")

q_black_box = Question.choice(LESSON, "q2_black_box", "Why KernelSHAP through predict differs from TreeSHAP", """
(c) KernelSHAP estimates Shapley values from a sample of coalitions, filling the inputs left out with rows of a
    small background sample, while XGBoost's TreeSHAP is exact and fills them by following the trees' own
    training counts: two estimates of slightly different quantities, so the values differ a little while the
    top reasons mostly agree.
(a) both explain the same served model: the KernelSHAP calls went through the same predict endpoint.
(b) the link="logit" setting puts KernelSHAP on the log-odds scale of TreeSHAP's contributions, so the units are
    the same.
(d) the server answers every identical request with the same numbers; there is no randomness in predict.
""")

written = Written(LESSON, "ex4_written", "What to monitor, and when to retrain")

EXERCISES = [request, reasons, q_status, q_black_box, population_stability, written]
"""Every exercise of the lesson, in the order the notebook asks them (for ``workshop progress``)."""


def demo_context() -> dict[str, Any]:
    """Stand-ins for what the notebook passes to the checks (its two customers, validation rows,
    an explain response and another, training rows, a shifted batch and LIMIT_BAL's cut points),
    built without a server: the explainer runtime is called in this process."""
    import asyncio
    import tempfile
    from pathlib import Path

    from mlserver.settings import ModelSettings
    from mlserver.types import InferenceRequest

    from workshop_utils import data, model_server
    from workshop_utils.runtimes import ExplainerRuntime
    from workshop_utils.v2_protocol import v2_request
    from workshop_utils.xgboost_models import fit_xgboost

    parts = data.split_data(data.load_credit_data())
    inputs = list(data.MODEL_INPUTS)
    model = fit_xgboost(parts.train.iloc[:4000], parts.valid.iloc[:1000], inputs, data.TARGET)
    folder = model_server.serving_folder(model, 0.3, Path(tempfile.mkdtemp()))
    settings = ModelSettings.parse_file(str(folder / model_server.EXPLAINER_NAME / "model-settings.json"))

    async def explain(rows: pd.DataFrame) -> dict[str, Any]:
        runtime = ExplainerRuntime(settings)
        await runtime.load()
        answer = await runtime.predict(InferenceRequest.model_validate(v2_request(rows)))
        return answer.model_dump(mode="json", exclude_none=True)

    customers = parts.test[inputs].iloc[:2]
    batch = parts.test[inputs].iloc[:1000].assign(LIMIT_BAL=lambda f: f["LIMIT_BAL"] * 0.7)
    return {"customers": customers, "valid": parts.valid[inputs], "inputs": inputs,
            "response": asyncio.run(explain(customers)), "other_response": asyncio.run(explain(parts.valid[inputs].iloc[:5])),
            "train": parts.train, "batch": batch, "cuts": drift.psi_cuts(parts.train["LIMIT_BAL"])}
