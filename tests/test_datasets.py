"""The generated example data is deterministic and carries the variants it promises."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tunelens import datasets


def test_catalogs_are_deterministic_and_keyed() -> None:
    a = datasets.make_catalogs(300, seed=7)
    b = datasets.make_catalogs(300, seed=7)
    for x, y in zip(a, b):
        assert x.equals(y)
    chart, features, key = a
    assert len(chart) == 300 and chart.song_id.is_unique and features.track_id.is_unique
    assert len(key) == 240 and set(key.song_id) <= set(chart.song_id) and set(key.track_id) <= set(features.track_id)
    merged = key.merge(chart, on="song_id").merge(features, on="track_id", suffixes=("_chart", "_feat"))
    titles = merged.title_feat
    assert titles.str.contains(r"feat\.", regex=True).any() or merged.artist_feat.str.contains("feat.").any()
    assert titles.str.contains(r"Remaster|Live at|Radio Edit|Version|Edition", regex=True).any()
    assert (merged.title_feat != merged.title_chart).mean() > 0.2
    assert chart.artist.map(lambda s: any(ord(c) > 0x3FF for c in s)).any()  # non-Latin scripts present
    assert not datasets.make_catalogs(300, seed=8)[0].equals(chart)


def test_library_files_decode(tmp_path: Path) -> None:
    lib = datasets.write_library(tmp_path, 3, duration=1.5, sr=16000, seed=2)
    assert list(lib.columns[-1:]) == ["path"] and len(lib) == 3
    y, sr = sf.read(lib.path[0], dtype="float32")
    assert sr == 16000 and y.shape == (24000,) and 0.5 < np.abs(y).max() <= 1.0


def test_synth_clip_is_deterministic() -> None:
    a = datasets.synth_clip(duration=1.0, seed=3)
    assert np.array_equal(a, datasets.synth_clip(duration=1.0, seed=3))
    assert a.dtype == np.float32 and np.abs(a).max() <= 1.0


def test_listening_history_follows_its_documented_rule() -> None:
    _, features, _ = datasets.make_catalogs(120, seed=2)
    exact = datasets.listening_history(features, noise=0.0, seed=0)
    cols = ["danceability", "energy", "valence", "acousticness"]
    z = (features[cols] - features[cols].mean()) / features[cols].std(ddof=0)
    affinity = (z.danceability + z.energy + z.valence - z.acousticness) / 2.0
    np.testing.assert_allclose(exact.affinity, affinity, rtol=1e-12)
    third = len(features) / 3
    assert abs(exact.liked.sum() - third) <= 1 and abs(exact.disliked.sum() - third) <= 1
    assert not (exact.liked & exact.disliked).any()
    assert exact.affinity[exact.liked].min() > exact.affinity[~exact.liked].max()
    again = datasets.listening_history(features, taste="calm", seed=5)
    assert again.equals(datasets.listening_history(features, taste="calm", seed=5))
    with pytest.raises(ValueError, match="taste"):
        datasets.listening_history(features, taste="loud")


# --- real recordings (fetch_recordings) ---------------------------------------------------------

import hashlib  # noqa: E402
import io  # noqa: E402
import lzma  # noqa: E402
import tarfile  # noqa: E402

import tunelens as tl  # noqa: E402
from tunelens import _deb, _recordings  # noqa: E402


def test_recordings_table(recordings) -> None:
    assert list(recordings.columns) == ["path", "package", "version", "style", "title", "artist", "license",
                                        "duration", "sample_rate", "copyright"]
    assert recordings.groupby("style").size().to_dict() == {"chiptune": 3, "electronic": 8, "soundtrack": 31}
    assert recordings.path.is_unique and recordings.path.map(lambda p: Path(p).is_file()).all()
    sources = datasets.recording_sources().set_index("package")
    assert (recordings.license == sources.license[recordings.package].to_numpy()).all()
    for copyright_file in recordings.copyright.unique():  # the licence travels with the files
        assert "Copyright" in Path(copyright_file).read_text()
    assert recordings.duration.between(5, 400).all() and recordings.duration.sum() > 3000  # about an hour


def test_each_recording_decodes_at_its_rate(recordings) -> None:
    for row in recordings.itertuples():
        y, sr = tl.load(row.path, sr=None, offset=min(30.0, row.duration / 2), duration=3.0)
        assert sr == row.sample_rate in (22050, 44100), row.path
        assert y.shape == (3 * sr,) and 0.01 < float(np.abs(y).max()) <= 1.0, row.path
        assert abs(tl.get_duration(path=row.path) - row.duration) < 1e-3


def test_a_second_fetch_reads_the_cache(recordings, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_download(*args: object) -> None:
        raise AssertionError("downloaded again")

    monkeypatch.setattr(_recordings, "download", no_download)
    cache = Path(recordings.path[0]).parents[2]
    assert datasets.fetch_recordings(cache, progress=False).equals(recordings)


def _ar(members: dict[str, bytes]) -> bytes:
    out = b"!<arch>\n"
    for name, data in members.items():
        out += f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(data):<10}`\n".encode() + data + b"\n" * (len(data) % 2)
    return out


def _tar(files: dict[str, bytes], compression: str = "xz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=f"w:{compression}") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def fake_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A one-package "mirror" on disk (file:// URLs) and ``_SOURCES`` pinned to it."""
    wav = Path(datasets.write_library(tmp_path / "wav", 1, duration=1.0, sr=44100).path[0]).read_bytes()
    data = _tar({"./usr/share/games/fake/music/a_song.wav": wav, "./usr/share/games/fake/music/readme.txt": b"no",
                 "./usr/share/games/fake/music/sub/b.wav": wav, "./usr/share/doc/fake-data/copyright": b"Copyright 2024 Fake"})
    deb = _ar({"debian-binary": b"2.0\n", "control.tar.xz": lzma.compress(b""), "data.tar.xz": data})
    pool = tmp_path / "mirror" / "pool" / "main" / "f" / "fake" / "fake-data_1.0_all.deb"
    pool.parent.mkdir(parents=True)
    pool.write_bytes(deb)

    def pin(sha256: str) -> None:
        spec = _deb.Deb("fake-data", "1.0", "pool/main/f/fake/fake-data_1.0_all.deb", sha256, len(deb))
        monkeypatch.setattr(_recordings, "_SOURCES", (_recordings._Source(
            spec, style="test", artist="Fake", license="CC0-1.0", folder="usr/share/games/fake/music", extension=".wav"),))

    pin(hashlib.sha256(deb).hexdigest())
    return (tmp_path / "mirror").as_uri(), pin


def test_fetch_unpacks_only_the_music_and_the_licence(fake_archive, tmp_path: Path) -> None:
    mirror, _ = fake_archive
    table = datasets.fetch_recordings(tmp_path / "cache", mirror=mirror, progress=False)
    assert table[["package", "style", "title", "license", "sample_rate"]].values.tolist() == [
        ["fake-data", "test", "a song", "CC0-1.0", 44100]]
    assert abs(table.duration[0] - 1.0) < 1e-3
    folder = tmp_path / "cache" / "recordings" / "fake-data"
    assert sorted(p.name for p in folder.iterdir()) == ["a_song.wav", "copyright", "manifest.json"]
    assert (folder / "copyright").read_text() == "Copyright 2024 Fake"
    assert [p.name for p in (tmp_path / "cache" / "recordings").iterdir()] == ["fake-data"]  # no temporary left


def test_checksum_mismatch_raises_and_keeps_nothing(fake_archive, tmp_path: Path) -> None:
    mirror, pin = fake_archive
    pin("0" * 64)
    with pytest.raises(tl.ChecksumMismatchError, match=r"fake-data_1\.0_all\.deb: SHA-256 [0-9a-f]{64} is not the pinned 0{64}"):
        datasets.fetch_recordings(tmp_path / "cache", mirror=mirror, progress=False)
    assert list((tmp_path / "cache" / "recordings").iterdir()) == []


def test_offline_raises_a_download_error_naming_the_url(fake_archive, tmp_path: Path) -> None:
    with pytest.raises(tl.DownloadError, match=r"cannot download http://127\.0\.0\.1:9/debian/pool/main/f/fake/") as caught:
        datasets.fetch_recordings(tmp_path, mirror="http://127.0.0.1:9/debian", progress=False)
    assert caught.value.url == "http://127.0.0.1:9/debian/pool/main/f/fake/fake-data_1.0_all.deb"
    assert isinstance(caught.value, ConnectionError)


def test_without_apt_or_mirror_the_error_says_what_to_pass(fake_archive, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUNELENS_DEBIAN_MIRROR", raising=False)
    monkeypatch.setattr(_deb.shutil, "which", lambda name: None)
    with pytest.raises(tl.DownloadError, match=r"fake-data 1\.0 .*apt-get is not installed; pass mirror="):
        datasets.fetch_recordings(tmp_path, progress=False)


def test_a_version_apt_does_not_know_is_a_download_error(fake_archive, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    if _deb.shutil.which("apt-get") is None:
        pytest.skip("no apt-get here")
    monkeypatch.delenv("TUNELENS_DEBIAN_MIRROR", raising=False)
    with pytest.raises(tl.DownloadError, match=r"apt-get download fake-data=1\.0 failed \(E: .*\) for pool/main/f/fake/"):
        datasets.fetch_recordings(tmp_path, progress=False)


def test_the_mirror_comes_from_the_environment(fake_archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror, _ = fake_archive
    monkeypatch.setenv("TUNELENS_DEBIAN_MIRROR", mirror)
    monkeypatch.setenv("TUNELENS_DATA", str(tmp_path / "data"))
    assert datasets.fetch_recordings(progress=False).path[0].startswith(str(tmp_path / "data" / "recordings"))


@pytest.mark.parametrize("mirror", ["deb.example.org/debian", 3])
def test_a_mirror_must_be_a_url(mirror: object, tmp_path: Path) -> None:
    with pytest.raises(tl.InvalidParameterError, match="mirror must be a URL"):
        datasets.fetch_recordings(tmp_path, mirror=mirror, progress=False)  # type: ignore[arg-type]


def test_unreadable_packages_are_typed(tmp_path: Path) -> None:
    not_deb = tmp_path / "x.deb"
    not_deb.write_bytes(b"PK\x03\x04 a zip")
    with pytest.raises(tl.UnsupportedFormatError, match="not a Debian package"):
        _deb.extract(not_deb, lambda name: True, tmp_path)
    zstd = tmp_path / "z.deb"
    zstd.write_bytes(_ar({"debian-binary": b"2.0\n", "data.tar.zst": b"(\xb5/\xfd not really zstd"}))
    with pytest.raises(tl.UnsupportedFormatError, match=r"cannot read its data.tar.zst"):
        _deb.extract(zstd, lambda name: True, tmp_path)
    gz = tmp_path / "g.deb"
    gz.write_bytes(_ar({"debian-binary": b"2.0\n", "data.tar.gz": _tar({"./a/b.ogg": b"x"}, "gz")}))
    assert _deb.extract(gz, lambda name: True, tmp_path) == ["b.ogg"]


def test_cut_clips_spaces_clips_over_each_recording(tmp_path: Path) -> None:
    library = datasets.write_library(tmp_path, 2, duration=4.0, sr=8000)
    long = library.assign(path=[library.path[0], library.path[1]])
    table, clips = datasets.cut_clips(long, sr=8000, seconds=1.5, per_recording=5, skip=0.5)
    assert table.clip_id.tolist() == ["dz00000#0", "dz00000#1", "dz00001#0", "dz00001#1"]  # (4 - 0.5) // 1.5 = 2 each
    assert table.start.tolist() == [0.5, 2.5, 0.5, 2.5]  # the last clip ends at the end
    y, _ = tl.load(library.path[0], sr=8000)
    np.testing.assert_array_equal(clips["dz00000#1"], y[20000:32000])
    assert set(table.columns) >= set(library.columns)
    table, clips = datasets.cut_clips(library, sr=8000, seconds=5.0)
    assert table.empty and clips == {}  # shorter than one clip: none
    with pytest.raises(tl.InvalidParameterError, match="'path' column"):
        datasets.cut_clips(library.drop(columns="path"))
    with pytest.raises(tl.InvalidParameterError, match="skip"):
        datasets.cut_clips(library, skip=-1.0)
