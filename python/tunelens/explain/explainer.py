"""``explain``: audioLIME's perturbation explanation of any audio model."""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

from tunelens.exceptions import InvalidParameterError
from tunelens.explain._examples import energy_example
from tunelens.explain._perturbation import (
    MaskSampler,
    Settings,
    decomposition_of,
    masks_of,
    perturbed_scores,
    seed_of,
    surrogate,
)
from tunelens.explain.explanation import Explanation
from tunelens.explain.factorizations import Decomposition, Factorization

__all__ = ["explain"]

PredictFn = Callable[[np.ndarray], Any]

#: With ``labels=None``, a model may score at most this many outputs per clip (ImageNet
#: has 1000 classes, AudioSet 527); more suggests ``predict_fn`` returns something other
#: than scores (the audio itself, say), so ``explain`` asks for ``labels=``.
MAX_AUTO_LABELS = 1000


def _check_outputs(out: Any, rows: int, batch: int, n_outputs: int | None) -> np.ndarray:
    """``predict_fn``'s output for batch ``batch`` as a ``(rows, n_outputs)`` float64 array."""
    where = f"predict_fn's output for batch {batch}"
    try:
        arr = np.asarray(out)
    except (TypeError, ValueError) as e:  # ragged sequences
        raise InvalidParameterError(f"{where} is not a numeric array: {e}") from e
    if arr.dtype.kind not in "biuf":
        raise InvalidParameterError(f"{where} is not numeric (dtype {arr.dtype})")
    arr = arr.astype(np.float64, copy=False)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != rows:
        raise InvalidParameterError(f"{where} has shape {np.shape(out)}; expected ({rows},) or ({rows}, n_classes)")
    if n_outputs is not None and arr.shape[1] != n_outputs:
        raise InvalidParameterError(f"{where} has {arr.shape[1]} columns; earlier batches had {n_outputs}")
    if not np.isfinite(arr).all():
        raise InvalidParameterError(f"{where} contains NaN or inf (row {int(np.argmax(~np.isfinite(arr).all(axis=1)))})")
    return arr


@energy_example
def explain(
    y: Any,
    sr: float,
    predict_fn: PredictFn,
    factorization: Factorization | Decomposition,
    *,
    labels: int | Iterable[int] | None = None,
    num_samples: int = 1000,
    batch_size: int = 32,
    kernel_width: float = 0.25,
    distance: str = "cosine",
    alpha: float = 1.0,
    num_features: int | None = None,
    feature_selection: str = "auto",
    random_state: Any = None,
    mask_sampler: MaskSampler | None = None,
    n_jobs: int = -1,
    progress: bool = True,
) -> Explanation:
    """Explains ``predict_fn``'s output on clip ``y`` with audioLIME's algorithm.

    Components of the clip are switched off at random (the first perturbation
    keeps them all); each perturbed clip is composed in Rust, batch by batch,
    and scored by ``predict_fn``; a kernel-weighted ridge regression of the
    scores on the masks (``lime.lime_base.LimeBase``) gives each component's weight.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono clip (float32 or float64; composed in float32).
    sr : float
        Sample rate in Hz.
    predict_fn : callable
        Called with a ``(batch, n)`` float32 array, returns ``(batch,)`` or
        ``(batch, n_classes)`` numbers. The array is a read-only view of one
        buffer reused for every batch: copy it to modify it or to keep it
        after returning.
    factorization : Factorization or Decomposition
        How to split the clip (e.g. ``TimeSegments(5)``), or a ready
        decomposition of ``y``.
    labels : int, iterable of int or None
        Output columns to explain; ``None`` explains the column the model
        scores highest on the unperturbed clip (the only one for 1-D outputs),
        and then refuses models with more than ``MAX_AUTO_LABELS`` (1000)
        outputs per clip, which are unlikely to be class scores.
    num_samples : int >= 2
        Number of perturbations, the unperturbed clip included.
    batch_size : int > 0
        Clips per ``predict_fn`` call; memory use is ``batch_size × n`` floats.
    kernel_width : float > 0
        Width of audioLIME's kernel ``sqrt(exp(-d² / width²))``.
    distance : {"cosine", "euclidean", "manhattan", "hamming"}
        Distance of each mask to the all-ones mask.
    alpha : float >= 0
        Ridge regularisation of the surrogate (lime's ``Ridge(alpha=1)``).
    num_features : int or None
        Maximum number of components with a weight; ``None`` allows all.
    feature_selection : {"auto", "none", "forward_selection", "highest_weights", "lasso_path"}
        lime's feature selection (``lasso_path`` needs scikit-learn).
    random_state : None, int, numpy Generator or RandomState
        Seed of the masks; the seed used is stored in the result.
    mask_sampler : callable or None
        ``mask_sampler(num_samples, n_components, seed)`` returning binary
        masks with an all-ones first row, for other sampling schemes.
    n_jobs : int
        Threads composing clips (-1 = all cores).
    progress : bool
        Show a tqdm progress bar (when tqdm is installed and a terminal or
        notebook is attached).

    Returns
    -------
    Explanation

    Raises
    ------
    InvalidParameterError
        For bad arguments, or when ``predict_fn`` returns the wrong shape, NaN
        or inf (the message names the batch), or more than ``MAX_AUTO_LABELS``
        outputs without ``labels``. Exceptions raised by
        ``predict_fn`` propagate unchanged, with their traceback.

    Warns
    -----
    UninformativeExplanationWarning
        When the explained output never changed across perturbations.

    Examples
    --------
    {energy_example}
    >>> sorted(e.top_components(2)), round(e.score, 2)  # the two quarters that hold the sound
    ([0, 1], 0.98)
    """
    if not callable(predict_fn):
        raise InvalidParameterError(f"predict_fn must be callable, got {type(predict_fn).__name__}")
    decomposition = decomposition_of(y, sr, factorization)
    settings = Settings.check(num_samples, batch_size, kernel_width, alpha, num_features, feature_selection,
                               decomposition)
    seed = seed_of(random_state)
    masks = masks_of(mask_sampler, settings.num_samples, len(decomposition), seed)
    n_outputs: list[int] = []

    def score(clips: np.ndarray, batch: int) -> np.ndarray:
        out = _check_outputs(predict_fn(clips), len(clips), batch, n_outputs[0] if n_outputs else None)
        if labels is None and out.shape[1] > MAX_AUTO_LABELS:
            raise InvalidParameterError(
                f"predict_fn returns {out.shape[1]} outputs per clip, more than the {MAX_AUTO_LABELS} scores "
                f"a classifier gives (does it return the audio itself?); pass labels= to explain chosen outputs")
        n_outputs[:] = [out.shape[1]]
        return out

    predictions = perturbed_scores(decomposition, masks, score, settings.batch_size, n_jobs, progress)
    return surrogate(decomposition, masks, predictions, labels, settings, distance, seed)
