"""Writes the seed corpora of the fuzz targets (``fuzz/seeds/<target>/``; libFuzzer grows its working copy in
``fuzz/corpus/``, which is not committed).

Seeds are real-looking inputs: short music-like clips (``tests/signals.py``)
encoded by soundfile as every format the decoder handles, and signals/tables
prefixed with the parameter bytes each target reads (see ``src/fuzzing.rs``,
``Input``). Run from anywhere: ``python fuzz/make_corpus.py``.
"""

from __future__ import annotations

import io
import struct
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "tests"))
from signals import music  # noqa: E402

#: Hint byte of the decode target: index into [None, wav, flac, mp3, ogg].
HINTS = {"wav": 1, "flac": 2, "mp3": 3, "ogg": 4}

#: (container, subtype, channels, seconds) of the encoded seeds.
ENCODINGS = [
    ("WAV", "PCM_16", 1, 0.2),
    ("WAV", "PCM_24", 2, 0.1),
    ("WAV", "FLOAT", 1, 0.1),
    ("WAV", "PCM_U8", 1, 0.1),
    ("WAV", "IMA_ADPCM", 1, 0.1),
    ("FLAC", "PCM_16", 1, 0.2),
    ("FLAC", "PCM_24", 2, 0.1),
    ("MP3", "MPEG_LAYER_III", 1, 0.3),
    ("MP3", "MPEG_LAYER_III", 2, 0.3),
    ("OGG", "VORBIS", 1, 0.3),
    ("OGG", "VORBIS", 2, 0.3),
]


def u16(v: int) -> bytes:
    return struct.pack("<H", v)


def f64(v: float) -> bytes:
    return struct.pack("<d", v)


def encoded(fmt: str, subtype: str, channels: int, seconds: float, sr: int = 8000) -> bytes:
    y = music(sr, seconds, seed=len(subtype) + channels, channels=channels)
    buf = io.BytesIO()
    sf.write(buf, y.T if channels else y, sr, format=fmt, subtype=subtype)
    return buf.getvalue()


def samples(n: int, seed: int) -> bytes:
    return music(8000, n / 8000, seed=seed).astype("<f4").tobytes()


#: Every target (``tunelens::fuzzing::TARGETS``).
TARGETS = ("decode", "resample", "spectral", "features", "tables", "explain", "matching", "normalize", "catalog",
           "params")

#: Real-looking catalog keys (typos, accents, scripts, credits, version tags, emoji).
PAIRS = [
    ("Beyoncé feat. Jay-Z - Crazy in Love (Remastered 2003)", "Beyonce & JAY Z Crazy In Love"),
    ("The Beatles", "Beatles, The"),
    ("宇多田ヒカル", "宇多田 ヒカル"),
    ("Sigur Rós", "Sigur Ros"),
    ("Кино — Группа крови", "Kino Gruppa Krovi"),
    ("R.E.M.", "REM"),
    ("Guns N' Roses", "Guns and Roses"),
    ("AC/DC", "ACDC 🎸"),
    ("Mötley Crüe [Live at Wembley]", "Motley Crue"),
    ("Malcolm X", "Simon x Garfunkel"),
]


def seeds() -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {name: [] for name in TARGETS}
    for i, (fmt, subtype, channels, seconds) in enumerate(ENCODINGS):
        data = encoded(fmt, subtype, channels, seconds)
        hint = HINTS[fmt.lower()]
        # [hint, offset/64 s, duration/32 s (0 = to the end), sr choice] + file
        out["decode"].append(bytes([hint, 0, 0, 0]) + data)
        out["decode"].append(bytes([0, 3, 2, 1 + i % 2]) + data)
    # [tag, rate u16] x 2 + float32 signal
    out["resample"] += [
        bytes([1]) + u16(22050) + bytes([1]) + u16(16000) + samples(1000, 1),
        bytes([1]) + u16(44100) + bytes([2]) + u16(48000) + samples(2000, 2),
        bytes([0]) + f64(8000.0) + bytes([0]) + f64(11025.5) + samples(100, 3),
    ]
    # n_fft, hop, win_length, center, pad, n_mels, fmin, fmax, sr, length flag + signal
    for n_fft, hop, win, center, pad in [(512, 128, 512, 1, 0), (256, 64, 200, 0, 2), (63, 17, 63, 1, 3)]:
        out["spectral"].append(
            u16(n_fft) + u16(hop) + u16(win) + bytes([center, pad]) + u16(40)
            + f64(0.0) + f64(4000.0) + u16(8000) + bytes([0]) + samples(3000, n_fft)
        )
    # frame_length, hop, center, pad, n_fft, feature, params..., threshold, sr + signal
    out["features"] += [
        u16(512) + u16(128) + bytes([1, 0]) + u16(256) + bytes([0]) + f64(0.0) + u16(8000) + samples(3000, 4),
        u16(100) + u16(33) + bytes([0, 2]) + u16(128) + bytes([1]) + f64(2.0) + bytes([1]) + f64(0.0) + u16(8000)
        + samples(2000, 5),
        u16(64) + u16(16) + bytes([1, 1]) + u16(64) + bytes([2]) + f64(0.85) + f64(0.0) + u16(8000) + samples(500, 6),
    ]
    rng = np.random.default_rng(0)
    for d, k, metric, scaler, clusters in [(4, 3, 0, 0, 3), (2, 5, 1, 2, 2), (8, 1, 2, 1, 1)]:
        table = rng.normal(size=(24, d)).astype("<f4").tobytes()
        out["tables"].append(u16(d) + u16(k) + bytes([metric, scaler]) + u16(clusters) + u16(7) + u16(0) + table)
    for length, n_sources, bounds in [(256, 2, [0, 128, 256]), (100, 1, [0, 100]), (300, 3, [0, 50, 51, 300])]:
        head = u16(length) + u16(n_sources) + u16(len(bounds)) + b"".join(u16(b) for b in bounds)
        masks = bytes(rng.integers(0, 2, size=4 * len(bounds) * n_sources, dtype=np.uint8))
        body = bytes(rng.integers(0, 256, size=length * (n_sources + 1), dtype=np.uint8))
        out["explain"].append(head + bytes([1]) + u16(4) + u16((len(bounds) - 1) * n_sources) + masks + body)
    for i, (a, b) in enumerate(PAIRS):
        left, right = a.encode(), b.encode()
        # cutoff, weights (3 x u16), prefix weight, mode (0 = raw u32 symbols), split u16 + both strings
        out["matching"].append(bytes([i * 25 % 256]) + u16(1) + u16(1) + u16(1 + i % 3) + bytes([100, 1 + i % 4])
                               + u16(len(left)) + left + right)
        # option bits + text
        out["normalize"].append(bytes([i * 37 % 128 | 0x5B]) + left)
    # fields, rows left/right, scorer, threshold, field threshold, one_to_one, exhaustive + keys
    # (a key: 0 = missing, 1 = empty, 2 = huge, else a length byte and that many bytes)
    def key(text: str) -> bytes:
        raw = text.encode()[:11]
        return bytes([12 + len(raw)]) + raw
    for scorer in range(0, 10, 3):
        head = u16(1) + u16(len(PAIRS)) + u16(len(PAIRS)) + bytes([scorer, 200, 150, 1, scorer % 2])
        lefts, rights = [a for a, _ in PAIRS], [b for _, b in reversed(PAIRS)]
        # two key columns each (first word, whole key), column after column
        left = b"".join(key(a.split(" ")[0]) for a in lefts) + b"".join(key(a) for a in lefts)
        right = b"".join(key(b.split(" ")[0]) for b in rights) + b"".join(key(b) for b in rights)
        out["catalog"].append(head + left + right)
    # entry point, two sizes (a bit-length byte and eight raw bytes each) + one byte per sample
    def size(bits: int) -> bytes:
        return bytes([bits]) + (2**64 - 1).to_bytes(8, "little")
    for which in range(8):
        for a, b in [(10, 8), (40, 63), (63, 20)]:
            out["params"].append(bytes([which]) + size(a) + size(b) + bytes(rng.integers(0, 256, 1500, dtype=np.uint8)))
    return out


def main() -> None:
    for target, items in seeds().items():
        folder = ROOT / "seeds" / target
        folder.mkdir(parents=True, exist_ok=True)
        for i, data in enumerate(items):
            (folder / f"seed-{i:02d}").write_bytes(data)
        print(f"{target}: {len(items)} seeds")


if __name__ == "__main__":
    main()
