"""explain() against lime: same masks and model outputs give lime's surrogate.

The reference is ``lime.lime_base.LimeBase.explain_instance_with_data`` with
audioLIME's kernel ``sqrt(exp(-d² / w²))``, cosine distances from
``sklearn.metrics.pairwise_distances`` and lime's default ``Ridge(alpha=1)``.
The masks come from lime's own sampler (``RandomState.randint``, first row all
ones) through ``mask_sampler``, so the whole pipeline is compared.
"""

from __future__ import annotations

import numpy as np
import pytest

from signals import music
from tunelens import _core
from tunelens.explain import Product, Stems, TimeSegments, explain

from lime import lime_base
from sklearn.metrics import pairwise_distances

SR = 8000
#: Parity tolerance: both sides solve the same 2-50 unknown normal equations in
#: float64; they differ only by summation order (well below 1e-9 for these
#: well-conditioned systems), so 1e-6 leaves no room for a wrong formula.
TOL = 1e-6


def lime_sampler(num_samples: int, n_components: int, seed: int) -> np.ndarray:
    """lime_image/audioLIME's ``data_labels`` masks."""
    data = np.random.RandomState(seed).randint(0, 2, num_samples * n_components).reshape((num_samples, n_components))
    data[0, :] = 1
    return data


def model(clips: np.ndarray) -> np.ndarray:
    """A nonlinear 3-output model of the clip: energies of thirds, squashed, and their interaction."""
    third = clips.shape[1] // 3
    e = np.stack([(clips[:, i * third:(i + 1) * third] ** 2).mean(axis=1) for i in range(3)], axis=1)
    return np.stack([np.tanh(20 * e[:, 0]) + e[:, 1], e[:, 1] * e[:, 2] * 100, np.sqrt(e.sum(axis=1))], axis=1)


def lime_reference(masks, predictions, label, num_features, selection, kernel_width=0.25):
    base = lime_base.LimeBase(lambda d: np.sqrt(np.exp(-(d ** 2) / kernel_width ** 2)), random_state=0)
    distances = pairwise_distances(masks, masks[0].reshape(1, -1), metric="cosine").ravel()
    return base.explain_instance_with_data(masks, predictions, distances, label, num_features, feature_selection=selection)


def factorization(kind: str, y: np.ndarray):
    if kind == "time":
        return TimeSegments(12)
    rng = np.random.default_rng(1)
    parts = {"a": y * 0.5, "b": rng.standard_normal(len(y)).astype(np.float32) * 0.05, "c": y * 0.3}
    return Product(TimeSegments(4), Stems(parts))


@pytest.mark.parametrize("kind", ["time", "product"])
@pytest.mark.parametrize("selection, num_features", [
    ("auto", None), ("auto", 4), ("none", None), ("forward_selection", 3),
    ("highest_weights", 5), ("lasso_path", 4),
])
@pytest.mark.parametrize("num_samples", [60, 500])
def test_surrogate_equals_lime(kind, selection, num_features, num_samples):
    y = music(SR, 1.5, seed=3)
    seed = 1234
    exp = explain(y, SR, model, factorization(kind, y), labels=[0, 1, 2], num_samples=num_samples, batch_size=17,
                  num_features=num_features, feature_selection=selection, random_state=seed,
                  mask_sampler=lime_sampler, progress=False)
    masks = lime_sampler(num_samples, len(exp.decomposition), seed)
    np.testing.assert_array_equal(exp.masks, masks)
    n = len(exp.decomposition)
    for label in (0, 1, 2):
        ours = exp.select(label)
        intercept, local_exp, score, local_pred = lime_reference(
            masks, exp.predictions, label, n if num_features is None else num_features, selection)
        where = f"kind={kind} selection={selection} num_features={num_features} num_samples={num_samples} label={label}"
        assert sorted(ours._fit.features) == sorted(f for f, _ in local_exp), where
        reference = np.zeros(n)
        for feature, weight in local_exp:
            reference[feature] = weight
        np.testing.assert_allclose(ours.component_weights, reference, rtol=0, atol=TOL, err_msg=where)
        assert abs(ours.intercept - intercept) <= TOL, where
        assert abs(ours.score - score) <= TOL, where
        assert abs(ours.local_pred - local_pred[0]) <= TOL, where


def test_distances_and_kernel_equal_sklearn():
    masks = lime_sampler(300, 9, 5)
    masks[7] = 0  # all components off: cosine distance 1, as scikit-learn
    for metric in ("cosine", "euclidean", "manhattan", "hamming"):
        d = pairwise_distances(masks, masks[0].reshape(1, -1), metric=metric).ravel()
        want = np.sqrt(np.exp(-(d ** 2) / 0.4 ** 2))
        got = _core.kernel_weights(masks.astype(np.uint8), kernel_width=0.4, distance=metric)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12, err_msg=metric)


def test_masks_reproduce_from_random_state():
    y = music(SR, 0.5)
    run = lambda seed: explain(y, SR, model, TimeSegments(7), num_samples=50, random_state=seed, progress=False).masks
    np.testing.assert_array_equal(run(42), run(42))
    assert not np.array_equal(run(42), run(43))
    masks = run(42)
    assert masks[0].all() and set(np.unique(masks[1:])) == {0, 1}
    # Reproducible independently of batch_size.
    other = explain(y, SR, model, TimeSegments(7), num_samples=50, batch_size=3, random_state=42, progress=False).masks
    np.testing.assert_array_equal(masks, other)
