"""Local linear (LIME-style) explanations: kernel, weighted R², recovery of a known linear
model, and agreement with the lime package."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workshop_utils import SEED, local_models

NAMES = ["x0", "x1", "x2", "x3", "x4"]


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    return pd.DataFrame(rng.normal(size=(2000, len(NAMES))) * [1.0, 2.0, 0.5, 3.0, 1.0] + [0, 5, 0, -1, 2],
                        columns=NAMES)


def logistic_box(frame: pd.DataFrame) -> np.ndarray:
    """A black box with a clear answer: x0 raises the risk, x1 lowers it, nothing else matters."""
    return 1.0 / (1.0 + np.exp(-(1.5 * frame["x0"] - 0.8 * (frame["x1"] - 5))))


def test_kernel_weights_match_the_hand_formula_and_lime():
    distances = np.array([0.0, 0.5, 1.0, 2.5, 7.0])
    width = 1.7
    by_hand = [math.exp(-d * d / (2 * width * width)) for d in distances]
    ours = local_models.kernel_weights(distances, width)
    assert np.allclose(ours, by_hand, rtol=0, atol=1e-15)
    assert np.allclose(ours, np.sqrt(np.exp(-(distances ** 2) / width ** 2)))  # lime's kernel
    assert ours[0] == 1.0 and np.all(np.diff(ours) < 0)


def test_default_width_is_lime_s():
    assert local_models.kernel_width(19) == pytest.approx(np.sqrt(19) * 0.75)


def test_perturbed_sample_is_seeded_and_centred_on_the_customer(train):
    row, scale = train.iloc[3], local_models.input_scale(train, NAMES)
    sample = local_models.perturbed_sample(row, scale, n=4000)
    again = local_models.perturbed_sample(row, scale, n=4000)
    pd.testing.assert_frame_equal(sample, again)
    assert list(sample.columns) == NAMES and len(sample) == 4000
    assert np.array_equal(sample.iloc[0].to_numpy(), row.to_numpy())
    spread = (sample - row).std() / scale
    assert np.allclose(spread, 1.0, atol=0.05), "noise has one training standard deviation"
    assert not sample.equals(local_models.perturbed_sample(row, scale, n=4000, seed=SEED + 1))


def test_scaled_distance_uses_each_input_s_scale():
    sample = pd.DataFrame({"a": [1.0, 4.0], "b": [2.0, 2.0 + 40.0]})
    row, scale = pd.Series({"a": 1.0, "b": 2.0}), pd.Series({"a": 1.0, "b": 10.0})
    assert local_models.scaled_distance(sample, row, scale).tolist() == [0.0, 5.0]


def test_local_model_recovers_a_linear_black_box(train):
    row, scale = train.iloc[0], local_models.input_scale(train, NAMES)
    sample = local_models.perturbed_sample(row, scale)
    truth = pd.Series({"x0": 0.30, "x1": -0.05, "x2": 0.0, "x3": 0.02, "x4": -0.10})
    black_box = 0.7 + sample[NAMES].to_numpy() @ truth.to_numpy()
    fit = local_models.explain_locally(sample, black_box, row, scale)
    assert np.allclose(fit.model.per_unit, truth, atol=2e-3)
    assert np.allclose(fit.model.coefficients, truth * scale, atol=2e-3)
    assert fit.r2 > 0.999 and np.allclose(fit.local, black_box, atol=0.01)
    exact = local_models.fit_local_model(sample, black_box, fit.weights, scale, alpha=0.0)
    assert np.allclose(exact.per_unit, truth, atol=1e-10) and exact.intercept == pytest.approx(0.7)


def test_fitting_does_not_change_its_inputs(train):
    row, scale = train.iloc[0].copy(), local_models.input_scale(train, NAMES)
    sample = local_models.perturbed_sample(row, scale, n=300)
    before = sample.copy()
    local_models.explain_locally(sample, logistic_box(sample), row, scale)
    pd.testing.assert_frame_equal(sample, before)
    pd.testing.assert_series_equal(row, train.iloc[0])


def test_same_settings_as_lime_give_the_same_explanation(train):
    row, scale = train.iloc[7], local_models.input_scale(train, NAMES)
    sample = local_models.perturbed_sample(row, scale)
    fit = local_models.explain_locally(sample, logistic_box(sample), row, scale)
    calls = []

    def counted(frame):
        calls.append(len(frame))
        return logistic_box(frame)

    weights, score = local_models.lime_weights(train, row, counted, discretize_continuous=False,
                                               sample_around_instance=True)
    assert calls == [local_models.N_SAMPLES], "lime scores its whole sample in one call"
    assert np.allclose(weights, fit.model.coefficients, atol=1e-8)
    assert score == pytest.approx(fit.r2, abs=1e-8)


def test_lime_s_default_explainer_finds_the_clear_answer_too(train):
    # high x0 and low x1 both raise this customer's risk; x2..x4 do nothing
    row = pd.Series({"x0": 1.5, "x1": 2.0, "x2": 0.0, "x3": -1.0, "x4": 2.0})
    scale = local_models.input_scale(train, NAMES)
    sample = local_models.perturbed_sample(row, scale)
    fit = local_models.explain_locally(sample, logistic_box(sample), row, scale)
    ours = fit.model.coefficients
    assert set(local_models.top_k_by_size(ours, 2)) == {"x0", "x1"} and ours["x0"] > 0 > ours["x1"]
    reasons = local_models.local_contributions(fit.model, row, train.mean())
    default, _ = local_models.lime_weights(train, row, logistic_box)  # quartile bins, sampled from train
    both = {"ours": reasons, "lime": default}
    assert sorted(local_models.shared_reasons(both, k=2)) == ["x0", "x1"]
    table = local_models.compare_reasons(both, k=2)
    assert list(table.columns) == ["ours", "lime"] and table.index.tolist() == [1, 2]
    assert set(table["lime"]) == {"x0", "x1"}


def test_compare_reasons_pads_short_lists():
    table = local_models.compare_reasons({"a": pd.Series({"x": 1.0, "y": -1.0}), "b": pd.Series({"x": 0.2, "y": 0.1})}, 2)
    assert table["a"].tolist() == ["x", ""] and table["b"].tolist() == ["x", "y"]


def test_practical_sample_is_the_nearest_rows_by_brute_force(train):
    frame = train.set_axis(train.index + 1000)
    row, scale = train.iloc[17] + 0.1, local_models.input_scale(train, NAMES)
    near = local_models.practical_sample(frame, row, scale, k=150)
    brute = np.sqrt((((frame[NAMES].to_numpy() - row.to_numpy()) / scale.to_numpy()) ** 2).sum(axis=1))
    assert near.index.tolist() == frame.index[np.argsort(brute, kind="stable")[:150]].tolist()
    assert near.equals(frame.loc[near.index])
    assert local_models.practical_sample(frame, frame.iloc[3], scale, k=1).index.tolist() == [1003]


def test_width_seed_grid_matches_scikit_learn(train):
    from sklearn.linear_model import Ridge
    from sklearn.metrics import r2_score
    from sklearn.metrics.pairwise import rbf_kernel

    row, scale = train.iloc[2], local_models.input_scale(train, NAMES)
    samples = {seed: (sample, logistic_box(sample)) for seed in (4, 9)
               for sample in [local_models.perturbed_sample(row, scale, n=800, seed=seed)]}
    grid = local_models.width_seed_grid(samples, row, scale, [0.8, 2.5])
    assert grid[["width", "seed"]].values.tolist() == [[0.8, 4], [0.8, 9], [2.5, 4], [2.5, 9]]
    for _, line in grid.iterrows():
        sample, box = samples[line["seed"]]
        X = sample.to_numpy() / scale.to_numpy()
        weights = rbf_kernel(X, (row / scale).to_numpy()[None, :], gamma=1 / (2 * line["width"] ** 2))[:, 0]
        ridge = Ridge(alpha=1.0).fit(X, box, sample_weight=weights)
        assert line["r2"] == pytest.approx(r2_score(box, ridge.predict(X), sample_weight=weights), abs=1e-10)
        assert line["top_input"] == NAMES[int(np.argmax(np.abs(ridge.coef_)))]


def test_plot_width_seed_grid_draws_every_seed_and_the_practical_line(train):
    row, scale = train.iloc[2], local_models.input_scale(train, NAMES)
    samples = {seed: (sample, logistic_box(sample)) for seed in (1, 2)
               for sample in [local_models.perturbed_sample(row, scale, n=300, seed=seed)]}
    grid = local_models.width_seed_grid(samples, row, scale, [1.0, 3.0])
    figure = local_models.plot_width_seed_grid(grid, pd.Series([0.9, 0.95], index=[1.0, 3.0]), 0.7)
    lines = figure.axes[0].get_lines()
    assert len(lines) == 4 and np.allclose(lines[0].get_ydata(), grid.loc[grid["seed"] == 1, "r2"])
    assert figure.get_size_inches()[0] <= 7.2


def test_contributions_explain_the_gap_to_the_reference(train):
    row, scale = train.iloc[5], local_models.input_scale(train, NAMES)
    sample = local_models.perturbed_sample(row, scale, n=1000)
    model = local_models.explain_locally(sample, logistic_box(sample), row, scale).model
    reference = train.mean()
    contributions = local_models.local_contributions(model, row, reference)
    gap = model.predict(row.to_frame().T) - model.predict(reference.to_frame().T)
    assert contributions.sum() == pytest.approx(float(gap[0]))
    codes = local_models.local_reason_codes(model, row, reference, k=5)
    assert codes["input"].tolist() == contributions[contributions > 0].sort_values(ascending=False).index.tolist()
    assert codes["contribution"].is_monotonic_decreasing


@pytest.fixture(scope="module")
def fit(train) -> local_models.LocalFit:
    row, scale = train.iloc[0], local_models.input_scale(train, NAMES)
    sample = local_models.perturbed_sample(row, scale, n=200)
    return local_models.explain_locally(sample, logistic_box(sample), row, scale)


def test_ranked_predictions_draw_one_panel_per_fit(fit):
    figure = local_models.plot_ranked_predictions({"a": fit, "b": fit}, customer={"a": 0})
    assert figure.get_size_inches().tolist() == [7.2, 4.0] and len(figure.axes) == 2
    order = np.argsort(fit.black_box, kind="stable")
    for axes, name in zip(figure.axes, "ab"):
        assert axes.get_title() == f"{name}: weighted R² = {fit.r2:.2f}"
        assert np.allclose(axes.lines[0].get_ydata(), fit.black_box[order]), "the GBM, sorted"
        assert np.allclose(axes.collections[0].get_offsets()[:, 1], fit.local[order]), "the local model"
    customer = figure.axes[0].collections[1].get_offsets()
    assert customer.tolist() == [[int(np.flatnonzero(order == 0)[0]), fit.black_box[0]]]
    assert len(figure.axes[1].collections) == 1, "no customer marked on panel b"


def test_weights_figure_draws_the_kernel_over_the_distances():
    distances = np.array([0.1, 0.5, 0.5, 2.0, 3.0])
    figure = local_models.plot_weights(distances, 2.0)
    axes, counts = figure.axes
    kernel, width = axes.lines
    assert np.allclose(kernel.get_ydata(), local_models.kernel_weights(kernel.get_xdata(), 2.0))
    assert kernel.get_xdata().max() == 3.0 and list(width.get_xdata()) == [2.0, 2.0]
    assert sum(bar.get_height() for bar in counts.patches) == len(distances)


def test_coefficients_figure_draws_each_explanation_s_weights(fit):
    ours = fit.model.coefficients
    other = -2 * ours
    axes = local_models.plot_coefficients({"ours": ours, "other": other}, "t", top=3).axes[0]
    names = local_models.top_k_by_size(ours, 3)[::-1]
    assert [label.get_text() for label in axes.get_yticklabels()] == names, "largest on top"
    widths = [bar.get_width() for bar in axes.patches]
    assert np.allclose(widths, [*ours[names], *other[names]])
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["ours", "other"]


def test_local_reason_codes_figure_draws_the_codes(fit, train):
    codes = local_models.local_reason_codes(fit.model, train.iloc[0], train.mean(), k=2)
    assert len(codes) == 2
    figure = local_models.plot_local_reason_codes(codes, "t")
    axes = figure.axes[0]
    assert [bar.get_width() for bar in axes.patches] == codes["contribution"].tolist()[::-1]
    assert [label.get_text() for label in axes.get_yticklabels()] == codes["reason"].tolist()[::-1]
    assert figure.get_size_inches()[0] == 8 and axes.get_xlabel().startswith("local model's contribution")
