"""Anchors: if-then rules that "anchor" a model's decision for one customer, with their precision
and coverage (Ribeiro, Singh and Guestrin, 2018).

A rule is a tuple of ``Predicate``s such as ``PAY_0 >= 2`` AND ``PAY_2 >= 2`` that the customer
satisfies. Its **coverage** is the share of reference rows (the training customers) that satisfy
it; its **precision** is how often the model makes the customer's decision on rows drawn to
satisfy it (``sample_given``: a random reference row, with each input the rule constrains
redrawn, where it breaks the rule, from the reference values that satisfy it).

``anchor_search`` is the paper's beam search, simplified in one stated way: instead of the
adaptive KL-LUCB bandit, every candidate rule gets the same number of samples; a rule counts as
an anchor when the KL lower confidence bound of its precision reaches the threshold, and among
anchors the one with the highest coverage wins.

Example:
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"x": [1, 2, 3, 4], "z": [0, 0, 1, 1]})
    >>> rule = (Predicate("x", ">=", 2), Predicate("z", "<=", 0))
    >>> describe(rule), coverage(rows, rule)
    ('x ≥ 2 AND z ≤ 0', 0.25)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workshop_utils import SEED
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, panel_grid

__all__ = ["AnchorResult", "Decide", "Predicate", "Sampler", "anchor_search", "candidate_predicates", "coverage",
           "default_cuts", "describe", "kl_lower_bound", "plot_anchor_search", "precision", "sample_given",
           "satisfies"]

Decide = Callable[[pd.DataFrame], np.ndarray]
"""A model's decisions: a frame of inputs in, one 0/1 decision per row out."""


class Predicate(NamedTuple):
    """One condition of a rule: ``feature`` ``op`` ``value``, with ``op`` ">=" or "<="."""

    feature: str
    op: str
    value: float

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        """True for each row of ``frame`` that meets the condition.

        >>> Predicate("x", "<=", 2).holds(pd.DataFrame({"x": [1, 2, 3]})).tolist()
        [True, True, False]
        """
        values = frame[self.feature].to_numpy(dtype=float)
        return values >= self.value if self.op == ">=" else values <= self.value

    def __str__(self) -> str:
        return f"{self.feature} {'≥' if self.op == '>=' else '≤'} {self.value:,.0f}"


Rule = tuple[Predicate, ...]


def describe(rule: Sequence[Predicate]) -> str:
    """The rule in words, its conditions joined by AND (the empty rule reads "always").

    >>> describe([Predicate("PAY_0", ">=", 2), Predicate("PAY_2", ">=", 2)])
    'PAY_0 ≥ 2 AND PAY_2 ≥ 2'
    """
    return " AND ".join(str(p) for p in rule) or "always"


def satisfies(frame: pd.DataFrame, rule: Sequence[Predicate]) -> np.ndarray:
    """True for each row of ``frame`` that meets every condition of ``rule``.

    >>> satisfies(pd.DataFrame({"x": [1, 2, 3]}), [Predicate("x", ">=", 2)]).tolist()
    [False, True, True]
    """
    mask = np.ones(len(frame), dtype=bool)
    for predicate in rule:
        mask &= predicate.holds(frame)
    return mask


def coverage(reference: pd.DataFrame, rule: Sequence[Predicate]) -> float:
    """The share of ``reference`` rows that satisfy ``rule``: a count, no sampling needed."""
    return float(satisfies(reference, rule).mean())


class Sampler:
    """Draws rows that satisfy a rule from ``reference`` (see ``sample_given``), in NumPy, with
    each condition's allowed values looked up once."""

    def __init__(self, reference: pd.DataFrame) -> None:
        self.columns = list(reference.columns)
        self.values = reference.to_numpy(dtype=float)
        self._allowed: dict[Predicate, np.ndarray] = {}

    def allowed(self, predicate: Predicate) -> np.ndarray:
        """The reference values of the predicate's input that meet it."""
        if predicate not in self._allowed:
            column = self.values[:, self.columns.index(predicate.feature)]
            kept = column[column >= predicate.value] if predicate.op == ">=" else column[column <= predicate.value]
            if not len(kept):
                raise ValueError(f"no reference row meets {predicate}")
            self._allowed[predicate] = kept
        return self._allowed[predicate]

    def draw(self, rule: Sequence[Predicate], n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` rows (an array) that satisfy ``rule``."""
        sample = self.values[rng.integers(0, len(self.values), n)]
        for predicate in rule:
            j = self.columns.index(predicate.feature)
            breaks = sample[:, j] < predicate.value if predicate.op == ">=" else sample[:, j] > predicate.value
            if breaks.any():
                sample[breaks, j] = rng.choice(self.allowed(predicate), int(breaks.sum()))
        return sample


def sample_given(rule: Sequence[Predicate], reference: pd.DataFrame, n: int,
                 rng: np.random.Generator) -> pd.DataFrame:
    """``n`` rows that satisfy ``rule``: random ``reference`` rows, in which each value that breaks
    one of the rule's conditions is replaced by a random reference value of that input that meets
    the condition (a rule on an input with no such value raises ValueError).

    >>> rows = pd.DataFrame({"x": [1, 2, 3, 4], "z": [5, 6, 7, 8]})
    >>> float(sample_given([Predicate("x", ">=", 3)], rows, 50, np.random.default_rng(0))["x"].min())
    3.0
    """
    return pd.DataFrame(Sampler(reference).draw(rule, n, rng), columns=list(reference.columns))


def precision(decide: Decide, rule: Sequence[Predicate], reference: pd.DataFrame, decision: int, n: int,
              rng: np.random.Generator) -> float:
    """The share of ``n`` rows drawn by ``sample_given`` on which the model's decision is
    ``decision``: the rule's estimated precision."""
    return float(np.mean(np.asarray(decide(sample_given(rule, reference, n, rng))) == decision))


def kl_lower_bound(p_hat: float, n: int, delta: float) -> float:
    """The lowest precision q with n·KL(p_hat ‖ q) <= log(1/delta): a lower confidence bound at
    level 1 - delta (the Chernoff bound KL-LUCB uses), found by bisection.

    >>> round(kl_lower_bound(1.0, 100, 0.05), 4) == round(0.05 ** (1 / 100), 4)
    True
    """
    def kl(p: float, q: float) -> float:
        terms = 0.0
        if p > 0:
            terms += p * math.log(p / q)
        if p < 1:
            terms += (1 - p) * math.log((1 - p) / (1 - q))
        return terms

    level, low, high = math.log(1 / delta) / n, 0.0, p_hat
    if p_hat <= 0:
        return 0.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (low, middle) if kl(p_hat, max(middle, 1e-12)) <= level else (middle, high)
    return high


def default_cuts(reference: pd.DataFrame, quantiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9)) -> dict[str, list[float]]:
    """Cut points per input: its distinct ``quantiles`` in ``reference``, rounded to whole numbers.

    >>> default_cuts(pd.DataFrame({"x": range(101)}), (0.25, 0.5))
    {'x': [25.0, 50.0]}
    """
    return {name: sorted({float(round(v)) for v in reference[name].quantile(list(quantiles))}) for name in reference}


def candidate_predicates(row: pd.Series, reference: pd.DataFrame, cuts: Mapping[str, Sequence[float]]) -> list[Predicate]:
    """Every one-sided condition at a cut point that the customer ``row`` meets ("x ≥ c" for cuts
    at or below its value, "x ≤ c" for cuts at or above it), leaving out conditions every
    ``reference`` row meets (they say nothing).

    >>> rows = pd.DataFrame({"x": [0, 1, 2, 3]})
    >>> [str(p) for p in candidate_predicates(pd.Series({"x": 2}), rows, {"x": [1, 2, 3]})]
    ['x ≥ 1', 'x ≥ 2', 'x ≤ 2']
    """
    found = []
    for name, points in cuts.items():
        value, low, high = float(row[name]), float(reference[name].min()), float(reference[name].max())
        found += [Predicate(name, ">=", c) for c in points if c <= value and c > low]
        found += [Predicate(name, "<=", c) for c in points if c >= value and c < high]
    return found


@dataclass(frozen=True)
class AnchorResult:
    """What ``anchor_search`` found: the ``rule``, its estimated ``precision`` and lower bound,
    its ``coverage``, whether it is an anchor (``valid``: the lower bound reaches the threshold),
    and every rule tried (``tried``: rule, size, precision, lower bound, coverage)."""

    rule: Rule
    precision: float
    precision_lower: float
    coverage: float
    valid: bool
    tried: pd.DataFrame

    def __str__(self) -> str:
        kind = "anchor" if self.valid else "best rule found (not an anchor)"
        return (f"{kind}: IF {describe(self.rule)} THEN the same decision; "
                f"precision {self.precision:.3f} (lower bound {self.precision_lower:.3f}), coverage {self.coverage:.3f}")


def anchor_search(decide: Decide, row: pd.Series, reference: pd.DataFrame,
                  cuts: Mapping[str, Sequence[float]] | None = None, threshold: float = 0.95, beam: int = 4,
                  samples: int = 200, max_size: int = 4, delta: float = 0.05, seed: int = SEED) -> AnchorResult:
    """Beam search for the anchor of ``row``'s decision, with the highest coverage among rules
    whose precision lower bound reaches ``threshold``. Each round extends every rule of the beam
    by one candidate predicate (on an input and side it does not constrain yet), keeps only rules
    that could beat the best anchor's coverage, estimates their precision on ``samples`` rows
    each, and carries the ``beam`` most precise (then widest) to the next round."""
    rng = np.random.default_rng(seed)
    inputs = list(reference.columns)
    row = row[inputs]
    decision = int(np.asarray(decide(row.to_frame().T.astype(float)))[0])
    candidates = candidate_predicates(row, reference, cuts if cuts is not None else default_cuts(reference))
    masks = {p: p.holds(reference) for p in candidates}
    sampler = Sampler(reference)
    everyone = float(np.mean(np.asarray(decide(pd.DataFrame(sampler.draw((), samples, rng), columns=inputs))) == decision))
    fallback: tuple[Rule, float, float, float] = ((), everyone, kl_lower_bound(everyone, samples, delta), 1.0)
    best: tuple[Rule, float, float, float] | None = fallback if fallback[2] >= threshold else None
    frontier: list[Rule] = [()]
    tried = []
    for size in range(1, max_size + 1):
        rules = {tuple(sorted((*rule, p))) for rule in frontier for p in candidates
                 if (p.feature, p.op) not in {(q.feature, q.op) for q in rule}}
        kept = []
        for rule in sorted(rules):
            cover = float(np.logical_and.reduce([masks[p] for p in rule]).mean())
            if cover > 0 and (best is None or cover > best[3]):
                kept.append((rule, cover))
        if not kept:
            break
        drawn = np.vstack([sampler.draw(rule, samples, rng) for rule, _ in kept])
        agree = (np.asarray(decide(pd.DataFrame(drawn, columns=inputs))) == decision).reshape(len(kept), samples)
        scored = []
        for (rule, cover), hits in zip(kept, agree):
            estimate = float(hits.mean())
            lower = kl_lower_bound(estimate, samples, delta)
            scored.append((rule, estimate, lower, cover))
            tried.append({"rule": describe(rule), "size": size, "precision": estimate, "lower bound": lower,
                          "coverage": cover})
        for rule, estimate, lower, cover in scored:
            if lower >= threshold and (best is None or cover > best[3]):
                best = (rule, estimate, lower, cover)
        scored.sort(key=lambda item: (-item[1], -item[3]))
        frontier = [item[0] for item in scored[:beam]]
        fallback = scored[0]
    rule, estimate, lower, cover = best if best is not None else fallback
    return AnchorResult(rule, estimate, lower, cover, best is not None, pd.DataFrame(tried))


def plot_anchor_search(results: Mapping[str, AnchorResult], threshold: float) -> Figure:
    """One panel per customer: every rule the search tried (precision against coverage, darker for
    longer rules), the precision threshold, and the anchor it returned (a star)."""
    figure, grid = panel_grid(len(results), len(results), (4.6, 3.6), sharey=True)
    for axes, (title, result) in zip(grid.ravel(), results.items()):
        tried = result.tried
        axes.scatter(tried["coverage"], tried["precision"], c=tried["size"], cmap="Greys", vmin=0, vmax=tried["size"].max(),
                     s=12, edgecolors="none", label="rules tried (darker: longer)")
        axes.axhline(threshold, color=NEUTRAL, linestyle="--", linewidth=1, label=f"precision {threshold}")
        colour = RISK_DOWN if result.valid else RISK_UP
        axes.scatter([result.coverage], [result.precision], marker="*", s=220, color=colour, zorder=3,
                     label="the anchor returned")
        axes.set(xscale="log", xlabel="coverage (share of training customers)", title=title)
        axes.text(0.02, 0.02, describe(result.rule).replace(" AND ", "\nAND "), transform=axes.transAxes, fontsize=7,
                  va="bottom")
    grid[0, 0].set_ylabel("precision (same decision)")
    grid[0, 0].legend(fontsize=7, loc="center left")
    figure.tight_layout()
    return figure
