"""Disparate impact analysis (DIA): compare a model's decisions and errors across groups.

The positive class is 1 = "predicted (or actually) defaults". Being predicted NOT to default
(``y_pred == 0``) is the favourable outcome for a customer. Every rate comes from each group's
confusion matrix; each group's rates are then divided by those of a stated reference group, and
ratios outside a band (by default the four-fifths band, 0.8 to 1.25) are flagged.

Example:
    >>> import pandas as pd
    >>> y_true = [1, 0, 0, 1, 0, 0, 1, 0]
    >>> y_pred = [1, 0, 1, 0, 0, 0, 1, 1]
    >>> sex = pd.Series(["f", "f", "f", "f", "m", "m", "m", "m"], name="SEX")
    >>> confusion_by_group(y_true, y_pred, sex)  # doctest: +NORMALIZE_WHITESPACE
         tp  fp  tn  fn
    SEX
    f     1   1   1   1
    m     1   1   2   0
    >>> adverse_impact_ratio(y_pred, sex, protected="f", reference="m")
    1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap, LogNorm
from matplotlib.figure import Figure

from workshop_utils.plots import RISK_DOWN, RISK_UP, plt

__all__ = ["AGE_BANDS", "HIGH", "LOW", "RATES", "RATE_NAMES", "REFERENCES", "adverse_impact_ratio",
           "age_bands", "air_by_cutoff", "air_table", "confusion_by_group", "confusion_table",
           "disparity", "disparity_report", "fairlearn_air", "fairlearn_metric_frame",
           "favourable_rates", "flag_disparities", "flagged_cells", "four_fifths_pass", "group_rates",
           "group_sizes", "plot_air_by_cutoff", "plot_disparities", "plot_precision_recall",
           "protected_groups", "rates_from_confusion"]

RATES = ["prevalence", "accuracy", "tpr", "precision", "specificity", "npv",
         "fpr", "fdr", "fnr", "for"]
"""The ten per-group rates, in the order every table shows them."""

RATE_NAMES = {
    "prevalence": "share who actually default",
    "accuracy": "share of decisions that are right",
    "tpr": "defaulters caught (recall)",
    "precision": "predicted defaulters who do default",
    "specificity": "payers correctly cleared",
    "npv": "cleared customers who do pay",
    "fpr": "payers wrongly flagged",
    "fdr": "flagged customers who pay after all",
    "fnr": "defaulters missed",
    "for": "cleared customers who default",
}
"""Plain words for each rate."""

LOW, HIGH = 0.8, 1.25
"""The four-fifths band: a ratio below 4/5, or above its inverse 5/4, is flagged."""

AGE_BANDS = ["<25", "25-34", "35-44", "45-54", "55+"]
"""Age bands of the lesson (years)."""

REFERENCES = {"SEX": "male", "AGE_BAND": "35-44", "MARRIAGE": "married",
              "EDUCATION": "graduate school"}
"""The lesson's reference group per attribute: the group usually assumed to be advantaged."""


def _as_arrays(y_true: Iterable | None, y_pred: Iterable,
               groups: Iterable) -> tuple[np.ndarray | None, np.ndarray, pd.Series]:
    """Positional copies of the inputs (indexes ignored), checked for equal length and 0/1."""
    labels = groups.reset_index(drop=True) if isinstance(groups, pd.Series) else pd.Series(groups)
    arrays = [None if y is None else np.asarray(y).ravel() for y in (y_true, y_pred)]
    for name, values in zip(("y_true", "y_pred"), arrays):
        if values is None:
            continue
        if len(values) != len(labels):
            raise ValueError(f"{name} has {len(values)} values but groups has {len(labels)}.")
        if not np.isin(values, (0, 1)).all():
            raise ValueError(f"{name} must hold only 0 and 1 (1 = default).")
    return arrays[0], arrays[1].astype(int), labels


def age_bands(age: pd.Series) -> pd.Series:
    """Ages cut into the ordered bands <25, 25-34, 35-44, 45-54, 55+ (name ``AGE_BAND``).

    >>> age_bands(pd.Series([21, 25, 44, 45, 70])).tolist()
    ['<25', '25-34', '35-44', '45-54', '55+']
    """
    cut = pd.cut(age, bins=[-np.inf, 24, 34, 44, 54, np.inf], labels=AGE_BANDS)
    return cut.rename("AGE_BAND")


def protected_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """The attributes the lesson analyses, with readable labels: SEX, AGE_BAND, MARRIAGE and
    EDUCATION (from the raw codes of ``frame``; see ``data.recode``), on ``frame``'s index.

    >>> from workshop_utils.data import load_credit_data
    >>> protected_groups(load_credit_data()).columns.tolist()
    ['SEX', 'AGE_BAND', 'MARRIAGE', 'EDUCATION']
    """
    from workshop_utils.data import recode

    readable = recode(frame[["SEX", "MARRIAGE", "EDUCATION"]])
    return pd.DataFrame({"SEX": readable["SEX"], "AGE_BAND": age_bands(frame["AGE"]),
                         "MARRIAGE": readable["MARRIAGE"], "EDUCATION": readable["EDUCATION"]})


def confusion_table(y_true: Iterable, y_pred: Iterable) -> pd.DataFrame:
    """The 2 x 2 confusion matrix with readable labels: rows are what happened, columns what
    the model decided.

    >>> confusion_table([1, 0, 0, 1], [1, 0, 1, 1])  # doctest: +NORMALIZE_WHITESPACE
    predicted   pays  defaults
    actual
    pays           1         1
    defaults       0         2
    """
    counts = confusion_by_group(y_true, y_pred, pd.Series(["all"] * len(np.asarray(y_pred))))
    tp, fp, tn, fn = (int(counts.iloc[0][name]) for name in ("tp", "fp", "tn", "fn"))
    table = pd.DataFrame([[tn, fp], [fn, tp]], index=["pays", "defaults"],
                         columns=["pays", "defaults"])
    return table.rename_axis(index="actual", columns="predicted")


def confusion_by_group(y_true: Iterable, y_pred: Iterable, groups: Iterable) -> pd.DataFrame:
    """Counts of true positives, false positives, true negatives and false negatives per group
    (columns ``tp, fp, tn, fn``; positive = default), one row per group that occurs.

    >>> confusion_by_group([1, 1, 0], [1, 0, 0], ["a", "a", "b"]).to_dict("index")
    {'a': {'tp': 1, 'fp': 0, 'tn': 0, 'fn': 1}, 'b': {'tp': 0, 'fp': 0, 'tn': 1, 'fn': 0}}
    """
    truth, decided, labels = _as_arrays(y_true, y_pred, groups)
    truth = truth.astype(int)
    cells = pd.DataFrame({"tp": (truth == 1) & (decided == 1), "fp": (truth == 0) & (decided == 1),
                          "tn": (truth == 0) & (decided == 0), "fn": (truth == 1) & (decided == 0)})
    counts = cells.astype(int).groupby(labels, observed=True, sort=True).sum()
    return counts.rename_axis(labels.name)


def rates_from_confusion(counts: pd.DataFrame) -> pd.DataFrame:
    """The ten rates (and ``n``) from a table of ``tp, fp, tn, fn`` counts; a rate whose
    denominator is 0 is NaN.

    >>> counts = pd.DataFrame({"tp": [3], "fp": [1], "tn": [5], "fn": [1]}, index=["g"])
    >>> rates_from_confusion(counts).loc["g", ["tpr", "precision", "fpr", "for"]].tolist()
    [0.75, 0.75, 0.16666666666666666, 0.16666666666666666]
    """
    tp, fp, tn, fn = (counts[name].astype(float) for name in ("tp", "fp", "tn", "fn"))
    n = tp + fp + tn + fn

    def share(part: pd.Series, whole: pd.Series) -> pd.Series:
        return (part / whole).where(whole > 0)

    rates = pd.DataFrame({
        "n": n.astype(int),
        "prevalence": share(tp + fn, n), "accuracy": share(tp + tn, n),
        "tpr": share(tp, tp + fn), "precision": share(tp, tp + fp),
        "specificity": share(tn, tn + fp), "npv": share(tn, tn + fn),
        "fpr": share(fp, fp + tn), "fdr": share(fp, fp + tp),
        "fnr": share(fn, fn + tp), "for": share(fn, fn + tn),
    }, index=counts.index)
    return rates


def group_rates(y_true: Iterable, y_pred: Iterable, groups: Iterable) -> pd.DataFrame:
    """One row per group: ``n`` and the rates prevalence, accuracy, tpr, precision, specificity,
    npv, fpr, fdr, fnr and for, all from the group's confusion matrix.

    >>> group_rates([1, 0, 1, 0], [1, 1, 0, 0], ["a", "a", "b", "b"])[["n", "tpr", "fpr"]]
       n  tpr  fpr
    a  2  1.0  1.0
    b  2  0.0  0.0
    """
    return rates_from_confusion(confusion_by_group(y_true, y_pred, groups))


def disparity(rates: pd.DataFrame, reference: object) -> pd.DataFrame:
    """Every rate of every group divided by the ``reference`` group's rate (the reference row
    is all 1.0; a count column ``n`` is left out).

    >>> rates = pd.DataFrame({"n": [10, 20], "tpr": [0.5, 0.4]}, index=["m", "f"])
    >>> disparity(rates, "m")
       tpr
    m  1.0
    f  0.8
    """
    if reference not in rates.index:
        raise KeyError(f"reference group {reference!r} is not among the groups {list(rates.index)}.")
    values = rates.drop(columns="n", errors="ignore").astype(float)
    return values / values.loc[reference]


def favourable_rates(y_pred: Iterable, groups: Iterable) -> pd.Series:
    """Share of each group predicted NOT to default (the favourable outcome).

    >>> favourable_rates([0, 1, 0, 0], ["a", "a", "b", "b"]).to_dict()
    {'a': 0.5, 'b': 1.0}
    """
    _, decided, labels = _as_arrays(None, y_pred, groups)
    counts = confusion_by_group(decided, decided, labels)  # tp = predicted 1, tn = predicted 0
    return (counts["tn"] / (counts["tn"] + counts["tp"])).rename("favourable rate")


def adverse_impact_ratio(y_pred: Iterable, groups: Iterable, protected: object,
                         reference: object) -> float:
    """Favourable-outcome rate (predicted not to default) of ``protected`` over that of
    ``reference``; below 1 means the protected group is favoured less often.

    >>> adverse_impact_ratio([0, 1, 1, 1, 0, 0, 0, 1], list("ffffmmmm"), "f", "m")
    0.3333333333333333
    """
    rates = favourable_rates(y_pred, groups)
    for group in (protected, reference):
        if group not in rates.index:
            raise KeyError(f"group {group!r} does not occur; groups are {list(rates.index)}.")
    return float(rates[protected] / rates[reference])


def four_fifths_pass(air: float, low: float = LOW, high: float = HIGH) -> bool:
    """True when an adverse impact ratio lies inside ``[low, high]`` (the four-fifths rule).

    >>> four_fifths_pass(0.79), four_fifths_pass(0.8), four_fifths_pass(1.3)
    (False, True, False)
    """
    return bool(low <= air <= high)


def flag_disparities(ratios: pd.DataFrame, low: float = LOW, high: float = HIGH) -> pd.DataFrame:
    """True where a ratio leaves the band ``[low, high]``; an undefined ratio (NaN) is not
    flagged.

    >>> flag_disparities(pd.DataFrame({"tpr": [1.0, 0.7], "fpr": [1.0, 1.3]}, index=["m", "f"]))
         tpr    fpr
    m  False  False
    f   True   True
    """
    return (ratios < low) | (ratios > high)


def air_table(y_pred: Iterable, groups: Iterable, reference: object,
              low: float = LOW, high: float = HIGH) -> pd.DataFrame:
    """Per group: favourable-outcome rate, adverse impact ratio to ``reference`` and whether it
    passes the four-fifths rule.

    >>> air_table([0, 1, 0, 0], pd.Series(list("ffmm"), name="SEX"), "m")  # doctest: +NORMALIZE_WHITESPACE
         favourable rate  AIR  passes
    SEX
    f                0.5  0.5   False
    m                1.0  1.0    True
    """
    rates = favourable_rates(y_pred, groups)
    air = rates / rates[reference]
    return pd.DataFrame({"favourable rate": rates, "AIR": air,
                         "passes": [four_fifths_pass(a, low, high) for a in air]})


def disparity_report(y_true: Iterable, y_pred: Iterable, attributes: pd.DataFrame,
                     references: Mapping[str, object] = REFERENCES) -> pd.DataFrame:
    """Ratios to the reference group for every attribute (column of ``attributes``), stacked
    into one table indexed by (attribute, group).

    >>> attributes = pd.DataFrame({"SEX": list("mmff")})
    >>> disparity_report([1, 0, 1, 0], [1, 0, 0, 0], attributes, {"SEX": "m"})["tpr"].tolist()
    [0.0, 1.0]
    """
    tables = {name: disparity(group_rates(y_true, y_pred, attributes[name]), references[name])
              for name in attributes.columns}
    report = pd.concat(tables, names=["attribute", "group"])
    return report


def air_by_cutoff(probability: Iterable, groups: Iterable, protected: Sequence[object],
                  reference: object, cutoffs: Iterable[float]) -> pd.DataFrame:
    """Adverse impact ratio of each ``protected`` group against ``reference`` at each cutoff
    (predict default when probability >= cutoff): one row per cutoff, one column per group,
    labelled "<group> vs <reference>".

    >>> air_by_cutoff([0.1, 0.6, 0.3, 0.4], list("ffmm"), ["f"], "m", [0.35, 0.5])  # doctest: +NORMALIZE_WHITESPACE
            f vs m
    cutoff
    0.35       1.0
    0.50       0.5
    """
    probability = np.asarray(probability, dtype=float)
    rows = {}
    for cutoff in cutoffs:
        rates = favourable_rates((probability >= cutoff).astype(int), groups)
        rows[float(cutoff)] = {f"{group} vs {reference}": rates[group] / rates[reference]
                               for group in protected}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("cutoff")


def group_sizes(attributes: pd.DataFrame) -> pd.Series:
    """Rows per (attribute, group), for every column of ``attributes``.

    >>> group_sizes(pd.DataFrame({"SEX": list("mff")})).to_dict()
    {('SEX', 'f'): 2, ('SEX', 'm'): 1}
    """
    sizes = {name: attributes[name].value_counts(sort=False).sort_index()
             for name in attributes.columns}
    sizes = pd.concat(sizes, names=["attribute", "group"])
    return sizes[sizes > 0].rename("n")


def flagged_cells(report: pd.DataFrame, sizes: pd.Series | None = None,
                  low: float = LOW, high: float = HIGH) -> pd.DataFrame:
    """The flagged ratios of a :func:`disparity_report` as a long table (attribute, group, rate,
    ratio and, given ``sizes``, the group's row count), in the report's order.

    >>> report = disparity_report([1, 0, 1, 0], [1, 0, 0, 0], pd.DataFrame({"SEX": list("mmff")}),
    ...                           {"SEX": "m"})
    >>> flagged_cells(report)["rate"].tolist()
    ['accuracy', 'tpr', 'npv', 'fnr', 'for']
    """
    long = report.stack(future_stack=True).rename("ratio").rename_axis(["attribute", "group", "rate"])
    long = long[flag_disparities(long.to_frame(), low, high)["ratio"]].reset_index()
    if sizes is not None:
        long["n"] = [int(sizes[(attr, group)]) for attr, group in zip(long["attribute"], long["group"])]
    return long


# ---------------------------------------------------------------------------------------------
# The same numbers from fairlearn
# ---------------------------------------------------------------------------------------------

def fairlearn_metric_frame(y_true: Iterable, y_pred: Iterable, groups: Iterable):
    """A fairlearn ``MetricFrame`` computing ``n`` and the ten rates per group with fairlearn's
    and scikit-learn's own metric functions; its ``by_group`` matches :func:`group_rates`.

    >>> frame = fairlearn_metric_frame([1, 0, 1, 0], [1, 1, 0, 0], ["a", "a", "b", "b"])
    >>> frame.by_group["tpr"].tolist()
    [1.0, 0.0]
    """
    from fairlearn.metrics import (
        MetricFrame,
        count,
        false_negative_rate,
        false_positive_rate,
        true_negative_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score

    def precision(y_t, y_p):
        return precision_score(y_t, y_p, pos_label=1, zero_division=np.nan)

    def npv(y_t, y_p):
        return precision_score(y_t, y_p, pos_label=0, zero_division=np.nan)

    metrics = {
        "n": count,
        "prevalence": lambda y_t, y_p: float(np.mean(y_t)),
        "accuracy": accuracy_score,
        "tpr": lambda y_t, y_p: true_positive_rate(y_t, y_p, pos_label=1),
        "precision": precision,
        "specificity": lambda y_t, y_p: true_negative_rate(y_t, y_p, pos_label=1),
        "npv": npv,
        "fpr": lambda y_t, y_p: false_positive_rate(y_t, y_p, pos_label=1),
        "fdr": lambda y_t, y_p: 1.0 - precision(y_t, y_p),
        "fnr": lambda y_t, y_p: false_negative_rate(y_t, y_p, pos_label=1),
        "for": lambda y_t, y_p: 1.0 - npv(y_t, y_p),
    }
    truth, decided, labels = _as_arrays(y_true, y_pred, groups)
    return MetricFrame(metrics=metrics, y_true=truth, y_pred=decided, sensitive_features=labels)


def fairlearn_air(y_pred: Iterable, groups: Iterable, protected: object, reference: object) -> float:
    """The adverse impact ratio from fairlearn's ``selection_rate`` with the favourable outcome
    (0, no default) as the selected label.

    >>> fairlearn_air([0, 1, 1, 1, 0, 0, 0, 1], list("ffffmmmm"), "f", "m")
    0.3333333333333333
    """
    from fairlearn.metrics import MetricFrame, selection_rate

    _, decided, labels = _as_arrays(None, y_pred, groups)
    frame = MetricFrame(metrics=lambda y_t, y_p: selection_rate(y_t, y_p, pos_label=0),
                        y_true=decided, y_pred=decided, sensitive_features=labels)
    return float(frame.by_group[protected] / frame.by_group[reference])


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

def plot_precision_recall(y_true: Iterable, probability: Iterable, cutoff: float,
                          title: str = "Precision and recall (validation rows)") -> Figure:
    """The precision-recall curve, iso-F1 contours, and the point of ``cutoff`` marked."""
    from sklearn.metrics import precision_recall_curve

    y_true = np.asarray(y_true)
    probability = np.asarray(probability, dtype=float)
    precision, recall, _ = precision_recall_curve(y_true, probability)
    decided = probability >= cutoff
    tp = float(np.sum(decided & (y_true == 1)))
    at_p, at_r = tp / decided.sum(), tp / (y_true == 1).sum()
    figure, axes = plt.subplots(figsize=(6.5, 4.8))
    grid = np.linspace(0.01, 1, 200)
    for f1 in (0.3, 0.4, 0.5, 0.6, 0.7):
        p_iso = f1 * grid / (2 * grid - f1)
        keep = (p_iso > 0) & (p_iso <= 1)
        axes.plot(grid[keep], p_iso[keep], color="0.85", linewidth=0.8, zorder=0)
        axes.annotate(f"F1={f1}", (grid[keep][-1], p_iso[keep][-1]), color="0.6", fontsize=7,
                      xytext=(-28, 3), textcoords="offset points")
    axes.plot(recall, precision, color=RISK_DOWN, linewidth=2, label="model")
    axes.axhline(y_true.mean(), color="0.5", linestyle=":", label="no skill (prevalence)")
    f1_here = 2 * at_p * at_r / (at_p + at_r)
    axes.plot([at_r], [at_p], "o", color=RISK_UP, markersize=9,
              label=f"cutoff {cutoff:.3f}: F1 {f1_here:.3f}")
    axes.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="recall (defaulters caught)",
             ylabel="precision (flagged who default)", title=title)
    axes.legend(loc="upper right", fontsize=8)
    figure.tight_layout()
    return figure


def plot_disparities(report: pd.DataFrame, sizes: pd.Series | None = None,
                     low: float = LOW, high: float = HIGH, min_size: int = 100,
                     title: str = "Each group's rate over its reference group's") -> Figure:
    """A heat map of a :func:`disparity_report`: one row per (attribute, group), one column per
    rate, each cell showing its ratio (red below 1, blue above); cells outside ``[low, high]``
    are boxed. ``sizes`` (same index) adds each group's row count to its label and greys the
    labels of groups with fewer than ``min_size`` rows."""
    values = report[[c for c in RATES if c in report.columns]]
    colours = LinearSegmentedColormap.from_list("dia", [RISK_UP, "#f7f7f7", RISK_DOWN])
    figure, axes = plt.subplots(figsize=(10, 0.36 * len(values) + 2.0))
    shown = values.clip(0.5, 2.0).fillna(1.0).to_numpy()
    axes.imshow(shown, cmap=colours, norm=LogNorm(vmin=0.5, vmax=2.0), aspect="auto")
    flags = flag_disparities(values, low, high).to_numpy()
    for (row, col), ratio in np.ndenumerate(values.to_numpy()):
        text = "n/a" if np.isnan(ratio) else f"{ratio:.2f}"
        dark = not np.isnan(ratio) and not 0.6 <= ratio <= 1.7
        axes.text(col, row, text, ha="center", va="center", fontsize=8,
                  color="white" if dark else "black",
                  fontweight="bold" if flags[row, col] else "normal")
        if flags[row, col]:
            axes.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False,
                                         edgecolor="black", linewidth=1.5))
    attributes = values.index.get_level_values(0)
    for row in range(1, len(values)):
        if attributes[row] != attributes[row - 1]:
            axes.axhline(row - 0.5, color="black", linewidth=1)
    labels = [f"{attr}: {group}" for attr, group in values.index]
    small = [False] * len(labels)
    if sizes is not None:
        counts = [int(sizes[key]) for key in values.index]
        labels = [f"{label} (n={count})" for label, count in zip(labels, counts)]
        small = [count < min_size for count in counts]
    axes.set_xticks(range(values.shape[1]), values.columns, rotation=30, ha="left")
    axes.set_yticks(range(len(values)), labels, fontsize=8)
    for tick, is_small in zip(axes.get_yticklabels(), small):
        if is_small:
            tick.set_color("0.55")
            tick.set_fontstyle("italic")
    axes.xaxis.tick_top()
    note = f"boxed: outside {low:g} to {high:g}; red: below the reference, blue: above"
    if sizes is not None and any(small):
        note += f"\ngrey labels: fewer than {min_size} rows, too few to judge"
    axes.set_title(f"{title}\n{note}", fontsize=10)
    figure.tight_layout()
    return figure


def plot_air_by_cutoff(table: pd.DataFrame, cutoff: float, low: float = LOW, high: float = HIGH,
                       title: str = "Adverse impact ratio as the cutoff moves") -> Figure:
    """Lines of an :func:`air_by_cutoff` table, the four-fifths band shaded, and the chosen
    ``cutoff`` marked."""
    figure, axes = plt.subplots(figsize=(7, 4.2))
    axes.axhspan(low, high, color="#d5f5e3", zorder=0, label=f"four-fifths band ({low:g} to {high:g})")
    axes.axhline(1.0, color="0.6", linewidth=0.8)
    colours = plt.cm.viridis(np.linspace(0, 0.85, table.shape[1]))
    for colour, name in zip(colours, table.columns):
        axes.plot(table.index, table[name], color=colour, linewidth=2, label=str(name))
    axes.axvline(cutoff, color=RISK_UP, linestyle="--", label=f"F1-optimal cutoff {cutoff:.3f}")
    lowest = float(np.nanmin(table.to_numpy()))
    axes.set(xlabel="cutoff (predict default when probability >= cutoff)",
             ylabel="adverse impact ratio", title=title,
             ylim=(min(0.5, lowest - 0.05), max(1.35, float(np.nanmax(table.to_numpy())) + 0.05)))
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure
