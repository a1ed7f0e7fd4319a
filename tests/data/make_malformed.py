"""Generates the malformed-audio corpus in ``tests/data/malformed/``.

Every file is derived from a short, valid, music-like clip (``tests/signals.py``)
encoded by soundfile as wav, flac, mp3 and ogg/vorbis, then damaged in one
specific way. ``KINDS`` below is the list of kinds: ``tests/test_malformed.py``
loads every file and checks its outcome against ``EXPECTED`` (a typed
``TunelensError`` naming the file, or a documented partial decode). The files
are committed (about 100 kB in total); rerun this script after changing it:

    python tests/data/make_malformed.py
"""

from __future__ import annotations

import io
import shutil
import struct
import sys
from pathlib import Path
from typing import Callable

import numpy as np
import soundfile as sf

HERE = Path(__file__).resolve().parent
OUT = HERE / "malformed"
sys.path.insert(0, str(HERE.parent))
from signals import music  # noqa: E402

SR = 8000
FORMATS = {"wav": ("WAV", "PCM_16"), "flac": ("FLAC", "PCM_16"), "mp3": ("MP3", "MPEG_LAYER_III"),
           "ogg": ("OGG", "VORBIS")}


def encode(ext: str, y: np.ndarray, sr: int = SR) -> bytes:
    fmt, subtype = FORMATS[ext]
    buf = io.BytesIO()
    sf.write(buf, y, sr, format=fmt, subtype=subtype)
    return buf.getvalue()


def valid(ext: str) -> bytes:
    return encode(ext, music(SR, 1.0, seed=1))  # several FLAC blocks / mp3 / vorbis packets


def flip_bits(data: bytes, start: int, seed: int = 0) -> bytes:
    """Flips one bit in every 7th byte of the second half: a damaged payload."""
    out = bytearray(data)
    rng = np.random.default_rng(seed)
    for i in range(start, len(out), 7):
        out[i] ^= 1 << int(rng.integers(0, 8))
    return bytes(out)


def wav_header(*, fmt_tag: int = 1, channels: int = 1, sr: int = SR, bits: int = 16,
               block_align: int | None = None, data_size: int | None = None, riff_size: int | None = None,
               fmt_size: int = 16, payload: bytes = b"\x00\x01" * 100) -> bytes:
    """A hand-built RIFF/WAVE file whose every header field can be wrong."""
    align = block_align if block_align is not None else max(1, channels * bits // 8)
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, sr, (sr * align) & 0xFFFFFFFF, align & 0xFFFF, bits)
    if fmt_size < 16:
        fmt = fmt[:fmt_size]  # a declared size past 16 is left as a lie
    size = len(payload) if data_size is None else data_size
    body = b"WAVE" + b"fmt " + struct.pack("<I", fmt_size) + fmt + b"data" + struct.pack("<I", size) + payload
    riff = len(body) if riff_size is None else riff_size
    return b"RIFF" + struct.pack("<I", riff) + body


def flac_streaminfo(data: bytes, *, sr: int | None = None, channels: int | None = None,
                    total: int | None = None, block_len: int | None = None) -> bytes:
    """Rewrites fields of a FLAC file's STREAMINFO block (right after ``fLaC``)."""
    out = bytearray(data)
    if block_len is not None:
        out[5:8] = block_len.to_bytes(3, "big")
    # STREAMINFO body starts at 8; bytes 18..25 pack sr(20) ch-1(3) bps-1(5) total(36).
    packed = int.from_bytes(out[18:26], "big")
    if sr is not None:
        packed = (packed & ~(0xFFFFF << 44)) | ((sr & 0xFFFFF) << 44)
    if channels is not None:
        packed = (packed & ~(0x7 << 41)) | (((channels - 1) & 0x7) << 41)
    if total is not None:
        packed = (packed & ~0xFFFFFFFFF) | (total & 0xFFFFFFFFF)
    out[18:26] = packed.to_bytes(8, "big")
    return bytes(out)


def id3(size: int, payload: bytes = b"") -> bytes:
    """An ID3v2.4 tag header declaring ``size`` bytes (synch-safe), then ``payload``."""
    synch = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x04\x00\x00" + synch + payload


def title_frame(text: str) -> bytes:
    body = b"\x03" + text.encode()
    return b"TIT2" + len(body).to_bytes(4, "big") + b"\x00\x00" + body


Maker = Callable[[], bytes]

#: Right bytes, wrong name: file name -> the format of its (valid) bytes.
MISNAMED = {"wav_named_mp3.mp3": "wav", "flac_named_wav.wav": "flac", "mp3_named_ogg.ogg": "mp3",
            "ogg_named_flac.flac": "ogg", "wav_no_extension": "wav"}
#: WAV headers with absurd fields: ``wav_header``'s keyword -> {file name: its value}.
BAD_WAV_FIELDS = {
    "sr": {"wav_sample_rate_0.wav": 0, "wav_sample_rate_4294967295.wav": 0xFFFFFFFF},
    "channels": {"wav_channels_0.wav": 0, "wav_channels_65535.wav": 65535},
    "bits": {"wav_bits_0.wav": 0, "wav_bits_7.wav": 7, "wav_bits_64_pcm.wav": 64},
    "block_align": {"wav_block_align_0.wav": 0},
    "fmt_tag": {"wav_format_tag_unknown.wav": 0x1234},
    "data_size": {"wav_huge_data_size.wav": 0xFFFFFFF0},
    "riff_size": {"wav_huge_riff_size.wav": 0xFFFFFFFF},
    "fmt_size": {"wav_fmt_size_huge.wav": 0x7FFFFFFF, "wav_fmt_size_short.wav": 8},
}
#: FLAC STREAMINFO with absurd fields: ``flac_streaminfo``'s keyword -> {file name: its value}.
BAD_STREAMINFO_FIELDS = {
    "sr": {"flac_sample_rate_0.flac": 0, "flac_sample_rate_max.flac": 0xFFFFF},
    "channels": {"flac_channels_8_declared.flac": 8},
    "total": {"flac_huge_total_samples.flac": 0xFFFFFFFFF},
    "block_len": {"flac_huge_metadata_block.flac": 0xFFFFFF},
}


def kinds() -> dict[str, Maker]:
    """Every malformed kind: file name -> bytes (a name ending in ``/`` is a directory)."""
    k: dict[str, Maker] = {}
    for ext in FORMATS:
        data = valid(ext)
        n = len(data)
        for cut in (1, 4, 12, 30, 44, 100):
            k[f"{ext}_truncated_at_{cut}.{ext}"] = lambda d=data, c=cut: d[:c]
        k[f"{ext}_truncated_at_half.{ext}"] = lambda d=data, c=n // 2: d[:c]
        k[f"{ext}_truncated_last_byte.{ext}"] = lambda d=data: d[:-1]
        k[f"{ext}_zeroed_header.{ext}"] = lambda d=data: bytes(64) + d[64:]
        k[f"{ext}_empty.{ext}"] = lambda: b""
        k[f"{ext}_random_bytes.{ext}"] = lambda e=ext: np.random.default_rng(len(e)).bytes(4096)
        k[f"{ext}_garbage_after_data.{ext}"] = lambda d=data: d + np.random.default_rng(1).bytes(3000)
        k[f"{ext}_flipped_bits.{ext}"] = lambda d=data: flip_bits(d, len(d) // 2)
        k[f"{ext}_one_sample.{ext}"] = lambda e=ext: encode(e, np.array([0.5], dtype=np.float32))
        k[f"{ext}_text_file.{ext}"] = lambda: "ceci n'est pas un fichier audio \u266b\n".encode() * 20
        k[f"{ext}_directory.{ext}/"] = lambda: b""
    for name, ext in MISNAMED.items():
        k[name] = lambda e=ext: valid(e)
    for field, files in BAD_WAV_FIELDS.items():
        for name, value in files.items():
            k[name] = lambda f=field, v=value: wav_header(**{f: v})
    k["wav_odd_data_length.wav"] = lambda: wav_header(payload=b"\x00\x01" * 50 + b"\x07")
    k["wav_no_data_chunk.wav"] = lambda: wav_header()[: 12 + 8 + 16]
    k["wav_no_fmt_chunk.wav"] = lambda: b"RIFF" + struct.pack("<I", 12 + 200) + b"WAVEdata" + struct.pack("<I", 200) + bytes(200)
    k["wav_riff_only.wav"] = lambda: b"RIFF\x04\x00\x00\x00WAVE"
    for field, files in BAD_STREAMINFO_FIELDS.items():
        for name, value in files.items():
            k[name] = lambda f=field, v=value: flac_streaminfo(valid("flac"), **{f: v})
    k["flac_magic_only.flac"] = lambda: b"fLaC"
    # MP3: tags without audio, absurd tag sizes.
    k["mp3_id3_tag_only.mp3"] = lambda: (lambda f: id3(len(f), f))(title_frame("only a tag"))
    k["mp3_id3_huge_size.mp3"] = lambda: id3(0x0FFFFFFF, title_frame("huge")) + valid("mp3")
    k["mp3_id3_then_garbage.mp3"] = lambda: (lambda f: id3(len(f), f))(title_frame("x")) + np.random.default_rng(3).bytes(2000)
    k["mp3_sync_words_only.mp3"] = lambda: b"\xff\xfb\x90\x64" * 1000
    # OGG: only the first page (headers, no audio), bad capture pattern.
    k["ogg_first_page_only.ogg"] = lambda: (lambda d: d[: d.find(b"OggS", 4)])(valid("ogg"))
    k["ogg_capture_pattern_broken.ogg"] = lambda: (lambda d: d.replace(b"OggS", b"OggX"))(valid("ogg"))
    return k


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    total = 0
    for name, make in kinds().items():
        if name.endswith("/"):
            folder = OUT / name.rstrip("/")
            folder.mkdir()
            (folder / ".keep").write_bytes(b"")  # git keeps no empty directories
            continue
        data = make()
        (OUT / name).write_bytes(data)
        total += len(data)
    print(f"{len(kinds())} kinds, {total / 1024:.0f} kB in {OUT}")


if __name__ == "__main__":
    main()
