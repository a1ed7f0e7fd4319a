"""The result of :func:`tunelens.explain.explain`: weights you can read and listen to."""

from __future__ import annotations

import base64
import errno
import html
import io
import numbers
import os
import wave
from pathlib import Path
from typing import Any

import numpy as np

from tunelens._validate import output_path, writing
from tunelens.exceptions import InvalidParameterError, MissingDependencyError
from tunelens.explain._examples import energy_example
from tunelens.explain._fit import Fit
from tunelens.explain.factorizations import Decomposition

__all__ = ["Explanation", "UninformativeExplanationWarning"]


#: ``Explanation.to_wav`` sample formats.
_SUBTYPES = ("FLOAT", "PCM_16", "PCM_24", "PCM_32")


def _pcm16_wav(y: np.ndarray, sr: int) -> bytes:
    """``y`` as a mono 16-bit PCM WAV file (the standard library's ``wave``; samples clipped to [-1, 1])."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(sr)
        f.writeframes((np.clip(y, -1.0, 1.0) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def _audio_player(y: np.ndarray, sr: int) -> str:
    """An HTML audio player holding ``y`` (a base64 WAV, as IPython's ``Audio`` embeds it)."""
    data = base64.b64encode(_pcm16_wav(y, sr)).decode("ascii")
    return f"<audio controls preload='none' src='data:audio/wav;base64,{data}'></audio>"


def _raise_os_error(path: Path, err: Exception) -> None:
    """The ``OSError`` behind libsndfile's failure to open ``path`` for writing."""
    folder = path.parent
    if path.is_dir():
        code = errno.EISDIR
    elif not folder.is_dir():
        code = errno.ENOENT if not folder.exists() else errno.ENOTDIR
    elif not os.access(folder, os.W_OK) or path.exists() and not os.access(path, os.W_OK):
        code = errno.EACCES
    else:
        code = errno.EIO
    raise OSError(code, f"{os.strerror(code)} ({err})", str(path)) from err


class UninformativeExplanationWarning(UserWarning):
    """The model's output did not change under any perturbation: every weight is ~0.

    Examples
    --------
    >>> import warnings
    >>> from tunelens import explain
    >>> def constant(batch):  # a model that ignores its input
    ...     return np.ones(len(batch))
    >>> y = tl.datasets.synth_clip(sr=8000, duration=1.0)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     e = explain.explain(y, 8000, constant, explain.TimeSegments(2), num_samples=10, random_state=0)
    >>> [w.category.__name__ for w in caught], e.uninformative
    (['UninformativeExplanationWarning'], True)
    """


@energy_example
class Explanation:
    """Component weights of lime's local surrogate, for one or more model outputs.

    The properties (``weights``, ``intercept``, ``score``, ``local_pred``) refer
    to :attr:`label`; :meth:`select` gives the same explanation for another label.

    Attributes
    ----------
    decomposition : Decomposition
        The components that were switched on and off.
    labels : list of int
        The explained output columns (``[0]`` for a 1-D model output).
    label : int
        The label the properties describe.
    masks : np.ndarray [shape=(num_samples, n_components)], uint8
        The perturbations; row 0 is the unperturbed clip.
    predictions : np.ndarray [shape=(num_samples, n_outputs)], float64
        ``predict_fn``'s output for every perturbation.
    sample_weights : np.ndarray [shape=(num_samples,)]
        Kernel weight of every perturbation.
    random_state : int
        The seed the masks were drawn from (pass it again to reproduce them).
    uninformative : bool
        True when the explained output never changed: the model ignores its
        input here and all weights are ~0.

    Parameters
    ----------
    decomposition, fits, masks, predictions, sample_weights, random_state, label
        Made by :func:`explain` and :func:`explain_recommendation`; not meant to be
        passed by hand.

    In Jupyter an explanation displays itself: fidelity, a table of the
    largest weights, and players for the clip and for its top components
    (:meth:`audio`).

    Examples
    --------
    {energy_example}
    >>> e.labels, e.masks.shape
    ([0], (50, 4))
    >>> e.decomposition.names
    ['0.00-0.50 s', '0.50-1.00 s', '1.00-1.50 s', '1.50-2.00 s']
    """

    def __init__(self, decomposition: Decomposition, fits: dict[int, Fit], masks: np.ndarray,
                 predictions: np.ndarray, sample_weights: np.ndarray, random_state: int, label: int) -> None:
        self.decomposition = decomposition
        self._fits = fits
        self.labels = list(fits)
        self.label = label
        self.masks = masks
        self.predictions = predictions
        self.sample_weights = sample_weights
        self.random_state = random_state
        column = predictions[:, label]
        self.uninformative = bool(np.ptp(column) <= 1e-12 * max(1.0, float(np.abs(column).max())))

    def select(self, label: int) -> "Explanation":
        """The explanation of output column ``label`` (one of :attr:`labels`).

        Parameters
        ----------
        label : int
            An explained output column.

        Returns
        -------
        Explanation
            The same perturbations, weighted for ``label``.

        Examples
        --------
        >>> from tunelens import explain
        >>> sr = 8000
        >>> y = tl.datasets.synth_clip(sr=sr, duration=2.0)
        >>> def two_outputs(batch):  # energy of the first and of the second half
        ...     half = batch.shape[1] // 2
        ...     return np.stack([(batch[:, :half]**2).mean(1), (batch[:, half:]**2).mean(1)], axis=1)
        >>> e = explain.explain(y, sr, two_outputs, explain.TimeSegments(2), labels=[0, 1], num_samples=20,
        ...                     random_state=0)
        >>> e.select(0).top_components(1), e.select(1).top_components(1)
        ([0], [1])
        """
        if label not in self._fits:
            raise InvalidParameterError(f"label {label!r} was not explained; explained labels: {self.labels}")
        return Explanation(self.decomposition, self._fits, self.masks, self.predictions, self.sample_weights,
                           self.random_state, label)

    @property
    def _fit(self) -> Fit:
        return self._fits[self.label]

    @property
    def component_weights(self) -> np.ndarray:
        """Weight of every component (0 for components feature selection left out)."""
        w = np.zeros(len(self.decomposition))
        w[self._fit.features] = self._fit.coef
        return w

    @property
    def weights(self) -> Any:
        """``pandas.DataFrame`` with columns component, weight, rank, selected.

        Rows are sorted by weight, largest first (rank 1); ``selected`` is
        False for components that feature selection left out (weight 0).
        """
        import pandas as pd

        w = self.component_weights
        order = self._order()
        selected = np.zeros(len(w), dtype=bool)
        selected[self._fit.features] = True
        return pd.DataFrame({
            "component": [self.decomposition.names[i] for i in order],
            "weight": w[order],
            "rank": np.arange(1, len(w) + 1),
            "selected": selected[order],
        })

    def _order(self) -> np.ndarray:
        return np.argsort(-self.component_weights, kind="stable")

    @property
    def intercept(self) -> float:
        """Intercept of the surrogate."""
        return self._fit.intercept

    @property
    def score(self) -> float:
        """Fidelity: the surrogate's kernel-weighted R² on the perturbations (lime's ``score``)."""
        return self._fit.score

    @property
    def local_pred(self) -> float:
        """The surrogate's prediction for the unperturbed clip (lime's ``local_pred``)."""
        return self._fit.local_pred

    @energy_example
    def top_components(self, k: int = 3, positive_only: bool = True) -> list[int]:
        """Indices of the ``k`` largest-weight components (largest first).

        With ``positive_only`` only components with a positive weight count, so
        fewer than ``k`` may come back. An uninformative explanation (the model
        never changed its output) has no top components.

        Parameters
        ----------
        k : int >= 0
            How many components.
        positive_only : bool
            Keep only positive weights (else rank by absolute weight).

        Returns
        -------
        list of int
            Component indices into ``decomposition.names``.

        Examples
        --------
        {energy_example}
        >>> sorted(e.top_components(2))  # the two quarters that hold the sound
        [0, 1]
        """
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 0:
            raise InvalidParameterError(f"k must be a non-negative integer, got {k!r}")
        if self.uninformative:
            return []
        order = self._order()
        w = self.component_weights
        if positive_only:
            order = order[w[order] > 0]
        else:
            order = np.argsort(-np.abs(w), kind="stable")
        return [int(i) for i in order[:k]]

    @energy_example
    def audio(self, k: int = 3, positive_only: bool = True) -> np.ndarray:
        """The sum of the top-``k`` components, to listen to.

        Parameters
        ----------
        k, positive_only
            As in :meth:`top_components`.

        Returns
        -------
        np.ndarray [shape=(n,)], float32
            The clip's length.

        Examples
        --------
        {energy_example}
        >>> bool(np.allclose(e.audio(2), y))  # the two sounding quarters are the whole sound
        True
        """
        mask = np.zeros(len(self.decomposition), dtype=np.uint8)
        mask[self.top_components(k, positive_only)] = 1
        return self.decomposition.compose(mask, residual=False)

    listen = audio

    def to_wav(self, path: str | Path, k: int = 3, positive_only: bool = True, *,
               subtype: str | None = None) -> Path:
        """Writes :meth:`audio` to a WAV file.

        Parameters
        ----------
        path : str or PathLike
            The file to write (its folder must exist).
        k, positive_only
            As :meth:`audio`.
        subtype : {"FLOAT", "PCM_16", "PCM_24", "PCM_32"} or None
            Sample format. ``None``: ``"FLOAT"`` (float32) when soundfile is
            installed, else ``"PCM_16"``, which the standard library's
            ``wave`` writes. The others need soundfile.

        Returns
        -------
        Path
            ``path``.

        Raises
        ------
        InvalidTypeError
            ``path`` is not a str or PathLike.
        InvalidParameterError
            Unknown ``subtype`` or bad ``k``.
        MissingDependencyError
            ``subtype`` needs soundfile and it is not installed.
        OutputWriteError
            The file cannot be written (missing or unwritable folder, a folder
            in the way); the message says "cannot write" and names it.

        Examples
        --------
        >>> explanation.to_wav("top3.wav", k=3)  # doctest: +SKIP
        PosixPath('top3.wav')
        """
        target = Path(output_path(path))
        if subtype is not None and subtype not in _SUBTYPES:
            raise InvalidParameterError(f"subtype must be one of {list(_SUBTYPES)} or None, got {subtype!r}")
        y = self.audio(k, positive_only)
        sr = int(round(self.decomposition.sr))
        try:
            import soundfile
        except ImportError:
            soundfile = None
        if soundfile is None and subtype not in (None, "PCM_16"):
            raise MissingDependencyError(f"subtype={subtype!r} needs soundfile (pip install soundfile)",
                                         name="soundfile")
        with writing(target):
            if soundfile is None:
                target.write_bytes(_pcm16_wav(y, sr))
            else:
                # libsndfile reports an unopenable file as a RuntimeError; the
                # folder tells why (absent, not writable) as an OSError.
                try:
                    soundfile.write(str(target), y, sr, subtype=subtype or "FLOAT", format="WAV")
                except RuntimeError as err:  # soundfile.LibsndfileError
                    _raise_os_error(target, err)
        return target

    @energy_example
    def to_dict(self) -> dict:
        """A JSON-serialisable summary (weights, fidelity, settings).

        Returns
        -------
        dict
            ``label``, ``labels``, ``components``, ``weights``, ``selected``,
            ``intercept``, ``score``, ``local_pred``, ``prediction``,
            ``num_samples``, ``random_state``, ``uninformative``.

        Examples
        --------
        >>> import json
        {energy_example}
        >>> summary = json.loads(json.dumps(e.to_dict()))
        >>> summary["components"], summary["num_samples"]
        (['0.00-0.50 s', '0.50-1.00 s', '1.00-1.50 s', '1.50-2.00 s'], 50)
        """
        return {
            "label": self.label,
            "labels": self.labels,
            "components": list(self.decomposition.names),
            "weights": [float(w) for w in self.component_weights],
            "selected": [int(i) for i in self._fit.features],
            "intercept": float(self.intercept),
            "score": float(self.score),
            "local_pred": float(self.local_pred),
            "prediction": float(self.predictions[0, self.label]),
            "num_samples": int(self.masks.shape[0]),
            "random_state": int(self.random_state),
            "uninformative": self.uninformative,
        }

    def __repr__(self) -> str:
        top = ", ".join(self.decomposition.names[i] for i in self.top_components(3))
        note = " (uninformative: the model's output never changed)" if self.uninformative else ""
        return (f"<Explanation label={self.label}: R²={self.score:.3f}, local_pred={self.local_pred:.4g}, "
                f"top: {top or 'none'}{note}>")

    def _repr_html_(self, rows: int = 10, k: int = 3) -> str:
        """Jupyter's display: fidelity, the ``rows`` largest weights as a table, and
        players for the clip and for :meth:`audio` (its top-``k`` components)."""
        table = self.weights
        scale = max(float(table["weight"].abs().max()), 1e-300)
        names = set(self.top_components(k))
        lines = []
        for index, (_, row) in zip(self._order(), table.head(rows).iterrows()):
            width = int(round(60 * abs(row["weight"]) / scale))
            colour = "#2ca02c" if row["weight"] > 0 else "#d62728"
            mark = " &#9835;" if index in names else ""
            lines.append(
                f"<tr><td>{row['rank']}</td><td style='text-align:left'>{html.escape(str(row['component']))}{mark}</td>"
                f"<td>{row['weight']:.4g}</td><td style='text-align:left'><span style='display:inline-block;"
                f"height:0.8em;width:{width}px;background:{colour}'></span></td></tr>"
            )
        more = len(table) - rows
        if more > 0:
            lines.append(f"<tr><td colspan='4' style='text-align:left'>... {more} more components</td></tr>")
        note = " <b>Uninformative</b>: the model's output never changed." if self.uninformative else ""
        sr = int(round(self.decomposition.sr))
        players = ""
        if names:
            clip = self.decomposition.compose(np.ones(len(self.decomposition)))
            players = (
                f"<p>clip {_audio_player(clip, sr)}</p>"
                f"<p>top {len(names)} components (&#9835;) {_audio_player(self.audio(k), sr)}</p>"
            )
        return (
            f"<div class='tunelens-explanation'><p><b>Explanation</b> of label {self.label}: "
            f"R&#178; = {self.score:.3f}, local prediction {self.local_pred:.4g}, "
            f"model output {float(self.predictions[0, self.label]):.4g}, {self.masks.shape[0]} perturbations.{note}</p>"
            "<table><thead><tr><th>rank</th><th>component</th><th>weight</th><th></th></tr></thead>"
            f"<tbody>{''.join(lines)}</tbody></table>{players}</div>"
        )

    @energy_example
    def show(self, k: int = 3) -> None:
        """Displays the weights (bar chart with matplotlib) and audio players for
        the clip and its top-``k`` components in Jupyter; prints a table elsewhere.

        Parameters
        ----------
        k : int
            Components to play back.

        Examples
        --------
        {energy_example}
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()) as shown:
        ...     e.show(2)
        >>> "0.00-0.50 s" in shown.getvalue()
        True
        """
        try:
            from IPython.display import Audio, display
        except ImportError:
            print(repr(self))
            print(self.weights.to_string(index=False))
            return
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            display(self.weights)
        else:
            table = self.weights
            fig, ax = plt.subplots(figsize=(6, 0.3 * len(table) + 1))
            ax.barh(table["component"][::-1], table["weight"][::-1],
                    color=["tab:green" if w > 0 else "tab:red" for w in table["weight"][::-1]])
            ax.set_xlabel("weight")
            ax.set_title(f"label {self.label}: R² = {self.score:.3f}")
            fig.tight_layout()
            display(fig)
            plt.close(fig)
        sr = int(round(self.decomposition.sr))
        display(Audio(self.decomposition.compose(np.ones(len(self.decomposition))), rate=sr))
        for i in self.top_components(k):
            print(self.decomposition.names[i])
            display(Audio(self.decomposition.component(i), rate=sr))
