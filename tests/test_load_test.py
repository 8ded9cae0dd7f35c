"""The bounded load test: timings, the summary against numpy, the bound, the budget figure."""

from __future__ import annotations

import numpy as np
import pytest

from workshop_utils import load_test


def test_each_body_goes_to_every_endpoint_in_turn():
    seen = []
    times = load_test.time_endpoints({"a": lambda b: seen.append(("a", b)), "b": lambda b: seen.append(("b", b))}, list(range(60)))
    assert seen == [(name, b) for b in range(60) for name in "ab"]
    assert [values.shape for values in times.values()] == [(60,), (60,)] and all((v >= 0).all() for v in times.values())


def test_more_than_the_bound_is_refused():
    with pytest.raises(ValueError, match="2000"):
        load_test.time_endpoints({"a": print, "b": print}, [0] * (load_test.MAX_REQUESTS // 2 + 1))


def test_the_summary_agrees_with_numpy():
    rng = np.random.default_rng(1)
    times = {"a": rng.gamma(2, 0.005, 500), "b": rng.gamma(2, 0.01, 300)}
    summary = load_test.latency_summary(times)
    for name, values in times.items():
        assert summary.loc[name, "p50 ms"] == pytest.approx(np.median(values) * 1000)
        assert summary.loc[name, "p95 ms"] == pytest.approx(np.quantile(values, 0.95) * 1000)
        assert summary.loc[name, "requests/s"] == pytest.approx(len(values) / values.sum())
    assert len(load_test.plot_latency(times, "t").axes[0].lines) >= 4

