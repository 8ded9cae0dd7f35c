"""A bounded local load test: send requests one after another, time each, and summarise the
latency (p50, p95) and throughput of each endpoint.

Example:
    >>> summary = latency_summary({"echo": np.array([0.001, 0.002, 0.003, 0.004])})
    >>> summary.loc["echo", ["p50 ms", "requests/s"]].tolist()
    [2.5, 400.0]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from workshop_utils.plots import RISK_DOWN, RISK_UP, plt

__all__ = ["MAX_REQUESTS", "latency_summary", "plot_latency", "time_endpoints"]

MAX_REQUESTS = 2000
"""The most requests one load test may send: the load stays bounded and local."""

def time_endpoints(senders: Mapping[str, Callable[[Any], Any]], bodies: Sequence[Any]) -> dict[str, np.ndarray]:
    """Send each body to every endpoint in turn (``senders``: name -> ``send(body)``), one request
    at a time, alternating, so both endpoints meet the same conditions; each call's wall time in
    seconds, by endpoint.

    >>> times = time_endpoints({"a": lambda body: body, "b": lambda body: body}, [1, 2, 3])
    >>> {name: len(values) for name, values in times.items()}
    {'a': 3, 'b': 3}
    """
    total = len(bodies) * len(senders)
    if total > MAX_REQUESTS:
        raise ValueError(f"{total} requests is more than this load test's bound of {MAX_REQUESTS}")
    times = {name: np.empty(len(bodies)) for name in senders}
    for number, body in enumerate(tqdm(bodies, desc="requests", leave=False, disable=len(bodies) < 50)):
        for name, send in senders.items():
            started = time.perf_counter()
            send(body)
            times[name][number] = time.perf_counter() - started
    return times


def latency_summary(latencies: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """One row per endpoint: requests sent, p50 and p95 latency in ms, and throughput (requests
    per second of the whole run, one request at a time)."""
    rows = {name: {"requests": len(times), "p50 ms": float(np.percentile(times, 50) * 1000),
                   "p95 ms": float(np.percentile(times, 95) * 1000), "requests/s": float(len(times) / np.sum(times))}
            for name, times in latencies.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def plot_latency(latencies: Mapping[str, np.ndarray], title: str) -> Figure:
    """The latency distribution of each endpoint (cumulative share of requests answered within
    x ms), with its p50 and p95 marked."""
    figure, axes = plt.subplots(figsize=(7, 3.4))
    for (name, times), colour in zip(latencies.items(), (RISK_DOWN, RISK_UP, "0.5")):
        ms = np.sort(np.asarray(times) * 1000)
        axes.step(ms, np.arange(1, len(ms) + 1) / len(ms), where="post", color=colour, label=name)
        for share in (50, 95):
            axes.plot(np.percentile(ms, share), share / 100, "o", color=colour)
    axes.axhline(0.5, color="0.8", linewidth=0.8)
    axes.axhline(0.95, color="0.8", linewidth=0.8)
    axes.set(title=title, xlabel="latency (ms, log scale)", ylabel="share of requests answered", xscale="log")
    axes.legend(loc="lower right")
    figure.tight_layout()
    return figure
