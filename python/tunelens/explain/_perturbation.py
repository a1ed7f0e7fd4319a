"""The perturbation loop shared by the explainers: settings, masks, scoring
batch by batch, and lime's surrogate fit."""

from __future__ import annotations

import numbers
import warnings
from typing import Any, Callable

import numpy as np

from tunelens import _core
from tunelens._progress import bar as progress_bar
from tunelens._validate import affordable, positive_int, positive_number
from tunelens.exceptions import InvalidParameterError
from tunelens.explain._fit import Fit
from tunelens.explain.explanation import Explanation, UninformativeExplanationWarning
from tunelens.explain.factorizations import Decomposition, Factorization

MaskSampler = Callable[[int, int, int], Any]

SELECTIONS = ("auto", "none", "forward_selection", "highest_weights", "lasso_path")


def seed_of(random_state: Any) -> int:
    """A 64-bit seed from ``None`` (fresh entropy), an int, or a numpy generator."""
    if random_state is None:
        return int(np.random.SeedSequence().entropy % 2**64)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**63 - 1, dtype=np.int64))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool) and 0 <= random_state < 2**64:
        return int(random_state)
    raise InvalidParameterError(f"random_state must be None, a non-negative int or a numpy Generator/RandomState, got {random_state!r}")


def masks_of(mask_sampler: MaskSampler | None, num_samples: int, n_components: int, seed: int) -> np.ndarray:
    if mask_sampler is None:
        return _core.sample_masks((num_samples, n_components), seed=seed)
    masks = np.asarray(mask_sampler(num_samples, n_components, seed))
    if masks.shape != (num_samples, n_components):
        raise InvalidParameterError(f"mask_sampler returned shape {masks.shape}, expected ({num_samples}, {n_components})")
    if not np.isin(masks, (0, 1)).all():
        raise InvalidParameterError("mask_sampler must return binary (0/1 or bool) masks")
    if not masks[0].all():
        raise InvalidParameterError("mask_sampler's first row must be all ones (the unperturbed clip)")
    return np.ascontiguousarray(masks, dtype=np.uint8)


def labels_of(labels: Any, first: np.ndarray) -> list[int]:
    n = first.shape[0]
    if labels is None:
        return [int(np.argmax(first))]
    chosen = [labels] if isinstance(labels, numbers.Integral) else list(labels)
    if not chosen:
        raise InvalidParameterError("labels is empty")
    for label in chosen:
        if isinstance(label, bool) or not isinstance(label, numbers.Integral) or not 0 <= label < n:
            raise InvalidParameterError(f"labels must be output columns in [0, {n}), got {label!r}")
    return [int(label) for label in chosen]


def lasso_path(masks: np.ndarray, targets: np.ndarray, weights: np.ndarray, num_features: int) -> list[list[int]]:
    """lime's ``lasso_path`` selection (scikit-learn's LARS), one feature list per target."""
    try:
        from sklearn.linear_model import lars_path
    except ImportError as e:
        raise InvalidParameterError("feature_selection='lasso_path' needs scikit-learn (pip install scikit-learn)") from e
    data = masks.astype(np.float64)
    weighted = (data - np.average(data, axis=0, weights=weights)) * np.sqrt(weights[:, None])
    chosen = []
    for y in targets.T:
        wy = (y - np.average(y, weights=weights)) * np.sqrt(weights)
        _, _, coefs = lars_path(weighted, wy, method="lasso", verbose=False)
        nonzero = np.arange(data.shape[1])
        for i in range(len(coefs.T) - 1, 0, -1):
            nonzero = coefs.T[i].nonzero()[0]
            if len(nonzero) <= num_features:
                break
        chosen.append([int(f) for f in nonzero])
    return chosen


class Settings:
    """Validated sampling and surrogate settings shared by the explainers."""

    def __init__(self, num_samples: int, batch_size: int, kernel_width: float, alpha: float, num_features: int,
                 feature_selection: str) -> None:
        self.num_samples, self.batch_size, self.kernel_width = num_samples, batch_size, kernel_width
        self.alpha, self.num_features, self.feature_selection = alpha, num_features, feature_selection

    @classmethod
    def check(cls, num_samples: Any, batch_size: Any, kernel_width: Any, alpha: Any, num_features: Any,
              feature_selection: Any, decomposition: Decomposition) -> Settings:
        n_components = len(decomposition)
        num_samples = positive_int(num_samples, "num_samples")
        if num_samples < 2:
            raise InvalidParameterError("num_samples must be at least 2 (the unperturbed clip and one perturbation)")
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not alpha >= 0 or not np.isfinite(alpha):
            raise InvalidParameterError(f"alpha must be a finite number >= 0, got {alpha!r}")
        if feature_selection not in SELECTIONS:
            raise InvalidParameterError(f"feature_selection must be one of {SELECTIONS}, got {feature_selection!r}")
        num_features = n_components if num_features is None else positive_int(num_features, "num_features")
        batch_size = positive_int(batch_size, "batch_size")
        # Masks (one byte per component), distances, weights and predictions per sample; one clip per batch row.
        affordable(num_samples * (n_components + 32.0), "num_samples", num_samples)
        affordable(min(batch_size, num_samples) * 4.0 * decomposition._core.length, "batch_size", batch_size)
        return cls(num_samples, batch_size, positive_number(kernel_width, "kernel_width"), float(alpha), num_features,
                   feature_selection)


def decomposition_of(y: Any, sr: float, factorization: Any) -> Decomposition:
    """``factorization`` applied to ``y``, or a given decomposition checked against ``y``."""
    if isinstance(factorization, Factorization):
        return factorization.decompose(y, sr)
    if isinstance(factorization, Decomposition):
        if np.shape(y)[-1:] != (factorization._core.length,) or float(sr) != factorization.sr:
            raise InvalidParameterError(f"factorization is a decomposition of a {factorization._core.length}-sample clip "
                                        f"at {factorization.sr:g} Hz, not of y (shape {np.shape(y)}) at sr={sr}")
        return factorization
    raise InvalidParameterError(f"factorization must be a Factorization or Decomposition, got {type(factorization).__name__}")


def perturbed_scores(decomposition: Decomposition, masks: np.ndarray, score: Callable[[np.ndarray, int], np.ndarray],
                      batch_size: int, n_jobs: int, progress: bool) -> np.ndarray:
    """``score(clips, batch)`` of every perturbed clip, composed batch by batch; rows in mask order."""
    num_samples, n_components = masks.shape
    predictions: np.ndarray | None = None
    # One buffer for every batch: memory bounded by batch_size, no fresh pages
    # to fault in, and each row only rewritten where its mask changed. The
    # scorer gets a read-only view, so it cannot corrupt the clips kept there.
    buffer = np.empty((min(batch_size, num_samples), decomposition._core.length), dtype=np.float32)
    held = np.full((len(buffer), n_components), 2, dtype=np.uint8)  # 2: nothing composed yet
    bar = progress_bar(num_samples, "explain", unit="clip", enabled=progress)
    try:
        for batch, start in enumerate(range(0, num_samples, batch_size)):
            rows = masks[start:start + batch_size]
            clips = decomposition.compose_batch(rows, out=buffer[:len(rows)], previous=held[:len(rows)], n_jobs=n_jobs)
            held[:len(rows)] = rows
            clips = clips.view()
            clips.flags.writeable = False
            out = score(clips, batch)
            if predictions is None:
                predictions = np.empty((num_samples, out.shape[1]))
            predictions[start:start + len(rows)] = out
            if bar is not None:
                bar.update(len(rows))
    finally:
        if bar is not None:
            bar.close()
    assert predictions is not None  # num_samples >= 2, so at least one batch ran
    return predictions


def surrogate(decomposition: Decomposition, masks: np.ndarray, predictions: np.ndarray, labels: Any,
               settings: Settings, distance: str, seed: int) -> Explanation:
    """lime's kernel-weighted ridge fit of the chosen outputs on the masks."""
    chosen = labels_of(labels, predictions[0])
    targets = np.ascontiguousarray(predictions[:, chosen])
    selected = None
    if settings.feature_selection == "lasso_path":
        weights = _core.kernel_weights(masks, kernel_width=settings.kernel_width, distance=distance)
        selected = lasso_path(masks, targets, weights, settings.num_features)
    weights, fits = _core.lime_surrogate(masks, targets, kernel_width=settings.kernel_width, distance=distance,
                                         alpha=settings.alpha, num_features=settings.num_features,
                                         feature_selection=settings.feature_selection, selected=selected)
    result = Explanation(decomposition, {label: Fit(*fit) for label, fit in zip(chosen, fits)}, masks, predictions,
                         weights, seed, chosen[0])
    for label in chosen:
        if result.select(label).uninformative:
            warnings.warn(f"the explained output {label} did not change under any of the {len(masks)} perturbations: "
                          "the model ignores these components here and every weight is ~0", UninformativeExplanationWarning,
                          stacklevel=3)
    return result
