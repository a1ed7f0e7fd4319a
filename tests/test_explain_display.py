"""``Explanation._repr_html_``: what Jupyter shows for an explanation.

The HTML must be well-formed, carry the key numbers (label, fidelity, the
weights of the table's rows) and embed players whose WAV data decode to the
clip and to :meth:`Explanation.audio`.
"""

from __future__ import annotations

import base64
import io
import re
import warnings
import wave

import numpy as np
import pytest

import tunelens as tl
from tunelens import explain
from wellformed import parse

SR = 8000


def _energy_explanation(n_segments: int = 4) -> explain.Explanation:
    y = np.zeros(2 * SR, dtype=np.float32)
    y[:SR] = 0.5 * np.sin(2 * np.pi * 440 * np.arange(SR) / SR)  # sound in the first second only
    return explain.explain(y, SR, lambda batch: (batch**2).mean(axis=1), explain.TimeSegments(n_segments),
                           num_samples=60, random_state=0)


def _players(markup: str) -> list[np.ndarray]:
    """The samples of each embedded WAV player, in order."""
    out = []
    for data in re.findall(r"data:audio/wav;base64,([A-Za-z0-9+/=]+)", markup):
        with wave.open(io.BytesIO(base64.b64decode(data))) as f:
            assert (f.getnchannels(), f.getsampwidth(), f.getframerate()) == (1, 2, SR)
            out.append(np.frombuffer(f.readframes(f.getnframes()), dtype="<i2") / 32767)
    return out


def test_html_is_well_formed_with_the_key_numbers_and_players():
    e = _energy_explanation()
    markup = e._repr_html_()
    text, tags = parse(markup)
    assert f"R² = {e.score:.3f}" in text and f"local prediction {e.local_pred:.4g}" in text
    assert "label 0" in text and "60 perturbations" in text
    weights = e.weights
    for _, row in weights.iterrows():
        assert f"{row['component']}" in text and f"{row['weight']:.4g}" in text
    assert [t for t, _ in tags].count("tr") == 1 + len(weights)
    clip, top = _players(markup)
    composed = e.decomposition.compose(np.ones(len(e.decomposition)))
    np.testing.assert_allclose(clip, composed, atol=1 / 32767)
    np.testing.assert_allclose(top, e.audio(3), atol=1 / 32767)
    assert text.count("♫") == len(e.top_components(3)) + 1  # marked rows, and the legend


def test_long_tables_are_cut_and_uninformative_explanations_say_so():
    e = _energy_explanation(16)
    text, tags = parse(e._repr_html_())
    assert "... 6 more components" in text and [t for t, _ in tags].count("tr") == 12
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", explain.UninformativeExplanationWarning)
        y = tl.datasets.synth_clip(sr=SR, duration=1.0)
        flat = explain.explain(y, SR, lambda batch: np.ones(len(batch)), explain.TimeSegments(2),
                               num_samples=10, random_state=0)
    markup = flat._repr_html_()
    text, _ = parse(markup)
    assert "Uninformative" in text and _players(markup) == []


@pytest.mark.parametrize("k", [1, 2])
def test_to_wav_without_soundfile_writes_the_same_pcm(tmp_path, monkeypatch, k):
    import builtins

    real_import = builtins.__import__

    def no_soundfile(name, *args, **kwargs):
        if name == "soundfile":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    e = _energy_explanation()
    monkeypatch.setattr(builtins, "__import__", no_soundfile)
    path = e.to_wav(tmp_path / "top.wav", k=k)
    with wave.open(str(path)) as f:
        samples = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2") / 32767
    np.testing.assert_allclose(samples, e.audio(k), atol=1 / 32767)
