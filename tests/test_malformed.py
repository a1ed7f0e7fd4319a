"""Every file of the malformed corpus gives a typed error naming it, or a documented partial result.

The corpus (``tests/data/malformed/``, made by ``tests/data/make_malformed.py``)
holds truncated, zeroed, mislabelled, absurd-header, tag-only, garbage-padded,
one-sample, empty and directory "audio files". They are loaded in a child
process (``malformed_worker.py``) under a per-file deadline, so a hang, a
panic that escaped or an abort fails the test and names the file instead of
taking pytest down.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tunelens as tl

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "data" / "malformed"
FILES = sorted(CORPUS.iterdir())
#: Seconds any one call may take (the slowest real decode here takes ~10 ms).
DEADLINE = 20.0

#: Files that decode (partly) instead of raising, and why that is right: each
#: is what libsndfile/librosa give too (audio before the damage, or audio whose
#: container lies about something the decoder does not need).
PARTIAL = {
    # Valid audio under a misleading name: the format is sniffed from the bytes.
    "flac_named_wav.wav": "format detected from content",
    "mp3_named_ogg.ogg": "format detected from content",
    "ogg_named_flac.flac": "format detected from content",
    "wav_named_mp3.mp3": "format detected from content",
    "wav_no_extension": "format detected from content",
    # Legal files of one sample (vorbis decodes its first 256-sample block:
    # symphonia applies no end trimming to a stream of one packet).
    "flac_one_sample.flac": "1 sample",
    "mp3_one_sample.mp3": "1 sample",
    "ogg_one_sample.ogg": "256 samples (one vorbis block, untrimmed)",
    "wav_one_sample.wav": "1 sample",
    # Audio before the damage, as libsndfile returns it.
    "wav_truncated_at_44.wav": "complete header, no data: an empty array",
    "wav_truncated_at_100.wav": "the 28 whole frames before the cut",
    "wav_truncated_at_half.wav": "the frames before the cut",
    "wav_truncated_last_byte.wav": "all frames but the incomplete last one",
    "wav_odd_data_length.wav": "whole frames; the odd trailing byte is dropped",
    "wav_huge_data_size.wav": "data chunk size larger than the file: the frames present",
    "wav_huge_riff_size.wav": "RIFF size larger than the file: the frames present",
    "flac_truncated_last_byte.flac": "the first FLAC frame; the damaged last one is skipped",
    "mp3_truncated_at_half.mp3": "the mp3 frames before the cut",
    "mp3_truncated_last_byte.mp3": "all mp3 frames but the incomplete last one",
    # Audio around the damage: undecodable frames are skipped, the decoder resyncs.
    "mp3_flipped_bits.mp3": "frames whose headers survived",
    "mp3_zeroed_header.mp3": "the frames after the zeroed bytes (resync)",
    # PCM has no checksums: flipped bits are flipped samples.
    "wav_flipped_bits.wav": "all frames, damaged samples as stored",
    # Trailing garbage is ignored (FLAC loses the frame the garbage is glued to:
    # its end is found by the next sync code, so its CRC check fails).
    "wav_garbage_after_data.wav": "all frames",
    "mp3_garbage_after_data.mp3": "all frames",
    "ogg_garbage_after_data.ogg": "all frames",
    "flac_garbage_after_data.flac": "all but the last FLAC frame",
    # A header that lies about something decoding does not need.
    "flac_huge_total_samples.flac": "the real 8000 frames (get_duration reports the declared count)",
    # Header fields libsndfile ignores or reads its own way (issue 20): its samples, as soundfile gives them.
    "wav_bits_7.wav": "8-bit PCM (libsndfile stores ceil(bits / 8) bytes per sample)",
    "wav_block_align_0.wav": "all frames (libsndfile ignores the block alignment of PCM)",
}

#: Damaged files whose header is intact: ``get_duration`` reads the declared
#: length there (like ``soundfile.info``) while ``load`` raises.
DURATION_FROM_HEADER = {"flac_flipped_bits.flac", "flac_truncated_at_100.flac", "flac_truncated_at_half.flac"}


def run_worker(paths: list[Path], log: Path) -> list[dict]:
    """Runs the worker over ``paths``; fails naming the file on a hang or crash."""
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "malformed_worker.py"), *map(str, paths)],
            stdout=subprocess.PIPE, stderr=err, env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        )
    assert proc.stdout is not None
    records, current, pending = [], "startup", b""
    deadline = time.monotonic() + DEADLINE
    with proc:
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], 0.05)
            chunk = os.read(proc.stdout.fileno(), 1 << 16) if ready else b""
            if chunk:
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in map(bytes.decode, lines):
                    if line.startswith("start "):
                        current, deadline = line[6:], time.monotonic() + DEADLINE
                    elif line:
                        records.append(json.loads(line))
            elif ready or proc.poll() is not None:
                break
            elif time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"{current}: no result within {DEADLINE} s (hang)")
        proc.wait()
    stderr = log.read_text(errors="replace")
    assert proc.returncode == 0, f"{current}: worker died with code {proc.returncode}\n{stderr[-2000:]}"
    return records


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict]:
    log = tmp_path_factory.mktemp("malformed") / "stderr.txt"
    return {(r["call"], r["name"]): r for r in run_worker(FILES, log)}


def test_corpus_has_at_least_fifty_kinds_across_formats() -> None:
    assert len(FILES) >= 50
    for ext in ("wav", "flac", "mp3", "ogg"):
        assert sum(f.suffix == f".{ext}" for f in FILES) >= 10, ext
    assert sum(f.stat().st_size for f in FILES if f.is_file()) < 2_000_000


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
@pytest.mark.parametrize("call", ["load", "get_duration"])
def test_each_file_raises_a_typed_error_naming_it_or_is_a_documented_partial(
    outcomes: dict[tuple[str, str], dict], path: Path, call: str
) -> None:
    r = outcomes[(call, path.name)]
    assert r["outcome"] != "foreign", f"{path.name}: {call} raised {r['class']}: {r['message']}"
    if r["outcome"] == "error":
        assert r["names_file"], f"{path.name}: {call}'s message does not name the file: {r['message']}"
        assert path.name not in PARTIAL or call == "get_duration", (
            f"{path.name} is documented as a partial decode but {call} raised {r['message']}"
        )
    else:
        documented = PARTIAL if call == "load" else PARTIAL.keys() | DURATION_FROM_HEADER
        assert path.name in documented, f"{path.name}: {call} returned {r['value']} (undocumented partial result)"


def test_load_batch_gives_one_typed_row_per_file_in_order(outcomes: dict[tuple[str, str], dict]) -> None:
    rows = outcomes[("load_batch", "*")]["value"]
    assert [r["name"] for r in rows] == [f.name for f in FILES]
    for row in rows:
        single = outcomes[("load", row["name"])]
        if row["error"] is None:
            assert single["outcome"] == "ok", row["name"]
        else:
            assert row["typed"] and row["names_file"], row
            assert row["error"] == single["class"], (row, single)


def test_extract_features_on_the_folder_records_every_failure() -> None:
    df = tl.extract_features(CORPUS, feature_set=["rms", "tempo"], progress=False, n_jobs=2)
    names = [Path(f).name for f in df["filename"]]
    audio_like = sorted(f.name for f in FILES if f.is_file() and f.suffix in {".wav", ".flac", ".mp3", ".ogg"})
    assert sorted(names) == audio_like
    for name, error in zip(names, df["error"]):
        if name in PARTIAL:
            continue
        assert isinstance(error, str) and name in error, (name, error)
