"""explain_recommendation: the shared part of two songs ranks first; recommender geometry; bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tunelens
from tunelens.explain import HarmonicPercussive, Stems, TimeSegments, explain_recommendation

SR = 22050
N = 3 * SR
#: Cheap GTZAN columns (no HPSS, no tempo) so each explanation takes about a second.
FEATURES = ["chroma_stft", "rms", "spectral_centroid", "spectral_bandwidth", "rolloff", "zero_crossing_rate", "mfcc"]


def _drums() -> np.ndarray:
    """A kick on every beat and a noise hi-hat on every off-beat (120 BPM)."""
    out = np.zeros(N)
    rng = np.random.default_rng(99)
    beat = SR // 2
    for k in range(0, N, beat):
        m = min(N - k, 4000)
        out[k:k + m] += 0.9 * np.sin(2 * np.pi * 55 * np.arange(m) / SR) * np.exp(-np.arange(m) / 800)
        h, m = k + beat // 2, min(N - k - beat // 2, 1500)
        if m > 0:
            out[h:h + m] += 0.5 * rng.normal(size=m) * np.exp(-np.arange(m) / 200)
    return out.astype(np.float32)


def _voice(freqs, step, harmonics, amp, seed) -> np.ndarray:
    """Notes drawn from ``freqs``, each ``step`` samples long, with ``harmonics`` partials."""
    rng = np.random.default_rng(seed)
    out = np.zeros(N)
    for k in range(0, N, step):
        f, m = rng.choice(freqs), min(step, N - k)
        t = np.arange(m) / SR
        out[k:k + m] = amp * sum(np.sin(2 * np.pi * f * h * t) / h for h in range(1, harmonics + 1)) * np.hanning(m)
    return out.astype(np.float32)


@pytest.fixture(scope="module")
def songs():
    """Two songs sharing only their drum pattern: a mid-range organ vs a high lead over a sub bass."""
    drums = _drums()
    organ = _voice([220, 247, 262, 294, 330], SR, 4, 0.25, 1)
    lead = _voice([1760, 1976, 2093, 2349, 2637], SR // 8, 6, 0.15, 2)
    sub = _voice([41, 46, 49, 55], SR, 1, 0.35, 3)
    return {"seed": drums + organ, "candidate": drums + lead + sub, "stems": {"drums": drums, "lead": lead, "sub bass": sub}}


@pytest.mark.parametrize("random_state", range(3))
def test_shared_drums_rank_first(songs, random_state):
    for factorization, shared in ((Stems(songs["stems"]), "drums"), (HarmonicPercussive(), "percussive")):
        e = explain_recommendation(songs["seed"], songs["candidate"], sr=SR, features=FEATURES,
                                   factorization=factorization, num_samples=32, random_state=random_state,
                                   progress=False)
        assert [e.decomposition.names[i] for i in e.top_components(1)] == [shared], e.weights
        assert e.score > 0.9  # the similarity is close to linear in these components
        # The perturbation most similar to the seed keeps the shared part.
        assert e.masks[np.argmax(e.predictions[:, 0]), e.decomposition.names.index(shared)] == 1


def test_recommender_geometry_and_callable_features(songs):
    clips = [songs["seed"], songs["candidate"], *songs["stems"].values(), songs["seed"][::-1].copy()]
    table = tunelens.extract_features(clips, feature_set=FEATURES, sr=SR, progress=False)
    rec = tunelens.Recommender(features=[c for c in table.columns if c not in ("filename", "length", "error")]).fit(table)
    e = explain_recommendation(songs["seed"], songs["candidate"], sr=SR, recommender=rec, features=FEATURES,
                               factorization=Stems(songs["stems"]), num_samples=24, random_state=0, progress=False)
    assert [e.decomposition.names[i] for i in e.top_components(1)] == ["drums"]
    # The unperturbed similarity is the recommender's own cosine similarity of the two songs.
    z = rec._scale(table[rec.features_].to_numpy()[:2])
    assert e.predictions[0, 0] == pytest.approx(z[0] @ z[1] / np.linalg.norm(z[0]) / np.linalg.norm(z[1]), rel=1e-6)

    def rms_only(clips: np.ndarray, sr: float) -> np.ndarray:
        return np.sqrt((clips.astype(np.float64) ** 2).mean(axis=1, keepdims=True)) * [[1.0, 2.0]]

    e = explain_recommendation(songs["seed"], songs["candidate"], sr=SR, features=rms_only,
                               factorization=TimeSegments(3), num_samples=16, random_state=1, progress=False)
    assert len(e.weights) == 3


def test_same_masks_for_same_random_state(songs):
    kwargs = dict(sr=SR, features=FEATURES, factorization=TimeSegments(4), num_samples=12, random_state=5, progress=False)
    a = explain_recommendation(songs["seed"], songs["candidate"], **kwargs)
    b = explain_recommendation(songs["seed"], songs["candidate"], **kwargs)
    np.testing.assert_array_equal(a.masks, b.masks)
    pd.testing.assert_frame_equal(a.weights, b.weights)


def test_bad_input(songs):
    seed, cand = songs["seed"], songs["candidate"]
    with pytest.raises(tunelens.InvalidParameterError, match="shape"):
        explain_recommendation(seed, cand, sr=SR, features=lambda clips, sr: np.ones(3), num_samples=4, progress=False)
    with pytest.raises(tunelens.InvalidParameterError, match="NaN"):
        explain_recommendation(seed, cand, sr=SR, features=lambda clips, sr: np.full((len(clips), 2), np.nan),
                               num_samples=4, progress=False)
    with pytest.raises(tunelens.InvalidParameterError, match="fitted"):
        explain_recommendation(seed, cand, sr=SR, recommender=tunelens.Recommender(), num_samples=4, progress=False)
    with pytest.raises(tunelens.InvalidParameterError, match="Factorization"):
        explain_recommendation(seed, cand, sr=SR, factorization="time", num_samples=4, progress=False)
    with pytest.raises(tunelens.InvalidParameterError, match="seed"):
        explain_recommendation(np.zeros((2, 100)), cand, sr=SR, num_samples=4, progress=False)
    with pytest.raises(tunelens.InvalidParameterError, match="feature"):
        explain_recommendation(seed, cand, sr=SR, features=["chroma", "bogus"], num_samples=4, progress=False)
