"""The key-figures cell's output format."""

import json

import numpy as np

from workshop_utils.keyfigures import show_key_figures


def test_key_figures_are_sorted_rounded_plain_json(capsys):
    show_key_figures(b=np.float32(0.123456), a={"x": np.int64(-1)}, c=np.bool_(True), d=["s"])
    printed = capsys.readouterr().out
    assert json.loads(printed) == {"a": {"x": -1}, "b": 0.1235, "c": True, "d": ["s"]}
    assert printed.index('"a"') < printed.index('"b"')
