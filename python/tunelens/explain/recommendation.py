"""``explain_recommendation``: which parts of a recommended song make it sound like the seed."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from tunelens.exceptions import InvalidParameterError
from tunelens._validate import mono32
from tunelens.explain._perturbation import Settings, decomposition_of, masks_of, perturbed_scores, seed_of, surrogate
from tunelens.explain.explanation import Explanation
from tunelens.explain.factorizations import Factorization, TimeSegments

__all__ = ["explain_recommendation"]

FeatureFn = Callable[[np.ndarray, float], Any]


def explain_recommendation(
    seed: Any,
    candidate: Any,
    *,
    sr: float,
    recommender: Any = None,
    features: str | Sequence[str] | FeatureFn = "gtzan",
    factorization: Any = None,
    num_samples: int = 1000,
    batch_size: int = 32,
    kernel_width: float = 0.25,
    distance: str = "cosine",
    alpha: float = 1.0,
    num_features: int | None = None,
    feature_selection: str = "auto",
    random_state: Any = None,
    n_jobs: int = -1,
    progress: bool = True,
) -> Explanation:
    """Why ``candidate`` sounds similar to ``seed``: audioLIME on feature-space similarity.

    The candidate is split into components (``factorization``); random subsets
    are switched off; each perturbed candidate's features are extracted (in
    parallel, in Rust) and scored by their similarity to the seed's features;
    lime's kernel-weighted ridge surrogate then gives each component its share
    of the similarity. Components with large positive weights are what the two
    songs have in common; :meth:`Explanation.audio` plays them back.

    Similarity:

    - with a fitted :class:`tunelens.Recommender`, its feature columns, scaler,
      weights and metric (cosine similarity, or minus the euclidean/manhattan
      distance), i.e. exactly the geometry that produced the recommendation
      (``features`` must then produce the recommender's columns, e.g. the
      ``extract_features`` set it was fitted on);
    - without one, cosine similarity after standardizing every feature over the
      seed and all perturbed candidates, so each feature counts by how much the
      perturbations move it (a feature no perturbation changes is ignored).

    Parameters
    ----------
    seed, candidate : np.ndarray [shape=(n,)]
        Mono clips at ``sr`` (their lengths may differ).
    sr : float
        Sample rate of both clips.
    recommender : Recommender or None
        A fitted recommender whose similarity is explained.
    features : str, list of str or callable
        A ``feature_set`` of :func:`tunelens.extract_features` ("gtzan",
        "descriptors", "all" or column names), or ``features(clips, sr)``
        mapping a ``(batch, n)`` float32 array to a ``(batch, n_features)`` matrix.
    factorization : Factorization or None
        Components of the candidate; default ``TimeSegments(5)``.
    num_samples, batch_size, kernel_width, distance, alpha, num_features, feature_selection, random_state
        As in :func:`tunelens.explain.explain`.
    n_jobs : int
        Threads for composing clips and extracting features (-1 = all cores).
    progress : bool
        Progress bar when attached to a terminal or notebook.

    Returns
    -------
    Explanation
        Of the candidate's components; ``predictions`` hold the similarities.

    Examples
    --------
    >>> from tunelens import explain
    >>> sr = 8000
    >>> seed = tl.datasets.synth_clip(sr=sr, duration=2.0, tempo=120.0, seed=1)
    >>> candidate = tl.datasets.synth_clip(sr=sr, duration=2.0, tempo=120.0, seed=2)
    >>> e = explain.explain_recommendation(seed, candidate, sr=sr, features=["rms", "spectral_centroid"],
    ...                                    factorization=explain.TimeSegments(2), num_samples=20, random_state=0)
    >>> e.decomposition.names, e.component_weights.shape  # each second's share of the similarity
    (['0.00-1.00 s', '1.00-2.00 s'], (2,))
    """
    seed_clip = mono32(seed, "seed")
    factorization = TimeSegments(5) if factorization is None else factorization
    if not isinstance(factorization, Factorization):
        raise InvalidParameterError(f"factorization must be a Factorization, got {type(factorization).__name__}")
    decomposition = decomposition_of(candidate, sr, factorization)
    settings = Settings.check(num_samples, batch_size, kernel_width, alpha, num_features, feature_selection,
                               decomposition)
    extract = _extractor(features, float(sr), recommender, n_jobs)
    reference = extract(seed_clip[None, :], "seed")[0]
    random_seed = seed_of(random_state)
    masks = masks_of(None, settings.num_samples, len(decomposition), random_seed)
    perturbed = perturbed_scores(decomposition, masks, lambda clips, batch: extract(clips, f"batch {batch}"),
                                  settings.batch_size, n_jobs, progress)
    similarity = _similarity(reference, perturbed, recommender)
    return surrogate(decomposition, masks, similarity[:, None], None, settings, distance, random_seed)


def _extractor(features: Any, sr: float, recommender: Any, n_jobs: int) -> Callable[[np.ndarray, str], np.ndarray]:
    """``extract(clips, where)``: the ``(batch, n_features)`` float64 feature matrix of a batch of clips."""
    columns = None if recommender is None else list(_fitted(recommender).features_)

    def check(matrix: Any, rows: int, where: str) -> np.ndarray:
        arr = np.asarray(matrix, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[0] != rows:
            raise InvalidParameterError(f"features returned shape {arr.shape} for the {where}; expected ({rows}, n_features)")
        if not np.isfinite(arr).all():
            raise InvalidParameterError(f"the features of the {where} contain NaN or inf")
        if columns is not None and arr.shape[1] != len(columns):
            raise InvalidParameterError(f"features gave {arr.shape[1]} values per clip; the recommender uses {len(columns)}")
        return arr

    if callable(features):
        return lambda clips, where: check(features(clips, sr), len(clips), where)

    from tunelens.extract import extract_features

    def extract(clips: np.ndarray, where: str) -> np.ndarray:
        table = extract_features(list(clips), feature_set=features, sr=int(sr), n_jobs=n_jobs, progress=False,
                                 on_error="raise")
        wanted = columns if columns is not None else [c for c in table.columns if c not in ("filename", "length", "error")]
        missing = [c for c in wanted if c not in table.columns]
        if missing:
            raise InvalidParameterError(f"features={features!r} does not produce the recommender's columns {missing[:5]}")
        return check(table[wanted].to_numpy(), len(clips), where)

    return extract


def _fitted(recommender: Any) -> Any:
    if not hasattr(recommender, "features_") or not hasattr(recommender, "_scale"):
        raise InvalidParameterError("recommender must be a fitted tunelens.Recommender")
    return recommender


def _similarity(reference: np.ndarray, perturbed: np.ndarray, recommender: Any) -> np.ndarray:
    """Similarity of each perturbed candidate's features to the seed's."""
    if recommender is None:
        rows = np.vstack([reference, perturbed])
        spread = rows.std(axis=0)
        scaled = (rows - rows.mean(axis=0)) / np.where(spread > 1e-12 * (1 + np.abs(rows).max(axis=0)), spread, np.inf)
        metric = "cosine"
    else:
        scaled = recommender._scale(np.vstack([reference, perturbed]))
        metric = recommender.metric
    ref, rest = scaled[0], scaled[1:]
    if metric == "cosine":
        norms = np.linalg.norm(rest, axis=1) * np.linalg.norm(ref)
        return np.where(norms > 0, rest @ ref / np.where(norms > 0, norms, 1.0), 0.0)
    if metric == "euclidean":
        return -np.linalg.norm(rest - ref, axis=1)
    return -np.abs(rest - ref).sum(axis=1)
