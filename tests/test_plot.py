"""tunelens.plot draws with librosa.display's coordinates, scales, ticks and labels."""

from __future__ import annotations

import librosa
import librosa.display
import matplotlib
import numpy as np
import pytest
from signals import music

import tunelens as tl
import tunelens.compat.librosa as shim

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

Y = music(22050, 4.0, seed=7)
LINEAR = np.abs(librosa.stft(Y)) ** 2
MEL = librosa.power_to_db(librosa.feature.melspectrogram(y=Y, sr=22050))


def axes_summary(ax) -> dict:
    """Everything a reader sees of the axes, except the pixels."""
    ax.figure.canvas.draw()
    mesh = ax.collections[0]
    return dict(
        xlim=ax.get_xlim(), ylim=ax.get_ylim(), xscale=ax.get_xscale(), yscale=ax.get_yscale(),
        xticks=list(ax.get_xticks()), yticks=list(ax.get_yticks()),
        xlabels=[t.get_text() for t in ax.get_xticklabels()], ylabels=[t.get_text() for t in ax.get_yticklabels()],
        xlabel=ax.get_xlabel(), ylabel=ax.get_ylabel(), aspect=ax.get_aspect(),
        cmap=mesh.get_cmap().name, coords=np.asarray(mesh.get_coordinates()),
    )


CASES = [
    (LINEAR, "time", "linear", {}),
    (LINEAR, "time", "hz", {"hop_length": 256}),
    (LINEAR, "s", "log", {}),
    (MEL, "time", "mel", {"fmax": 8000}),
    (MEL, "ms", "mel", {"sr": 16000}),
    (MEL, "frames", None, {}),
    (MEL - MEL.mean(), "time", "mel", {}),
    (np.corrcoef(MEL.T), "time", "time", {}),
    (MEL, "off", "mel", {"htk": True}),
]


@pytest.mark.parametrize("data,x_axis,y_axis,kwargs", CASES,
                         ids=[f"{x}-{y}-{sorted(k)}" for _, x, y, k in CASES])
@pytest.mark.parametrize("function", [tl.plot.specshow, shim.display.specshow], ids=["plot", "compat"])
def test_specshow_axes_equal_librosa(function, data, x_axis, y_axis, kwargs) -> None:
    fig, (ours, ref) = plt.subplots(ncols=2)
    function(data, x_axis=x_axis, y_axis=y_axis, ax=ours, **kwargs)
    librosa.display.specshow(data, x_axis=x_axis, y_axis=y_axis, ax=ref, **kwargs)
    a, b = axes_summary(ours), axes_summary(ref)
    plt.close(fig)
    np.testing.assert_allclose(a.pop("coords"), b.pop("coords"), rtol=1e-9)
    for key in ("xlim", "ylim", "xticks", "yticks"):
        np.testing.assert_allclose(a.pop(key), b.pop(key), rtol=1e-9, err_msg=key)
    assert a == b


@pytest.mark.parametrize("y,kwargs", [(Y, {}), (Y, {"max_points": 500, "offset": 1.5}),
                                      (np.stack([Y, Y[::-1]]), {"sr": 44100})])
def test_waveshow_axes_equal_librosa(y, kwargs) -> None:
    fig, (ours, ref) = plt.subplots(ncols=2)
    tl.plot.waveshow(y, ax=ours, **kwargs)
    librosa.display.waveshow(y, ax=ref, **kwargs)
    fig.canvas.draw()
    for getter in ("get_xlim", "get_ylim", "get_xticks", "get_yticks"):
        np.testing.assert_allclose(getattr(ours, getter)(), getattr(ref, getter)(), rtol=1e-9, err_msg=getter)
    assert [t.get_text() for t in ours.get_xticklabels()] == [t.get_text() for t in ref.get_xticklabels()]
    assert ours.get_xlabel() == ref.get_xlabel() == "Time"
    # The filled envelope is librosa's: same vertices.
    np.testing.assert_allclose(ours.collections[0].get_paths()[0].vertices,
                               ref.collections[0].get_paths()[0].vertices, rtol=1e-6)
    plt.close(fig)


def test_plot_errors_name_the_argument() -> None:
    with pytest.raises(tl.InvalidParameterError, match="axis type"):
        tl.plot.specshow(MEL, y_axis="bogus")
    with pytest.raises(tl.InvalidParameterError, match="data"):
        tl.plot.specshow(Y)
    with pytest.raises(tl.InvalidParameterError, match="ax"):
        tl.plot.specshow(MEL, ax="not axes")
    plt.close("all")
