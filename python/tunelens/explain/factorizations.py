"""Factorizations: how a clip is split into interpretable, listenable components.

A factorization is a recipe (``TimeSegments(5)``, ``Stems({...})``, ...); its
:meth:`Factorization.decompose` applies it to one clip and returns a
:class:`Decomposition`, whose float32 components live once in Rust and are
composed there into perturbed clips. Whatever the components leave out of the
clip is kept as an explicit ``residual``, so the all-ones mask gives back the
clip itself.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from tunelens import _core
from tunelens._validate import mono32, positive_int, positive_number
from tunelens.exceptions import InvalidParameterError
from tunelens.explain._examples import two_segments

__all__ = ["Factorization", "Decomposition", "TimeSegments", "FrequencyBands", "HarmonicPercussive", "Stems", "Product"]


def _join(*parts: str) -> str:
    return " × ".join(p for p in parts if p)


class Decomposition:
    """The components of one clip (made by :meth:`Factorization.decompose`).

    Attributes
    ----------
    names : list of str
        Human-readable name of each component.
    sr : float
        Sample rate of the clip.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float32
        The clip.
    sr : float
        Its sample rate.
    sources : sequence of np.ndarray [shape=(n,)]
        Signals that sum to (part of) the clip.
    bounds : sequence of int
        Segment boundaries in samples, from 0 to ``n``.
    names : sequence of str
        One per component (source within segment, segment-major).

    Examples
    --------
    >>> from tunelens import explain
    >>> d = explain.TimeSegments(2).decompose(np.ones(8, dtype=np.float32), sr=8)
    >>> d, d.names
    (<Decomposition: 2 components of 8 samples at 8 Hz>, ['0.00-0.50 s', '0.50-1.00 s'])
    """

    def __init__(self, y: np.ndarray, sr: float, sources: Sequence[np.ndarray], bounds: Sequence[int],
                 names: Sequence[str]) -> None:
        self._core = _core.Factorization(y, [np.ascontiguousarray(s, dtype=np.float32) for s in sources],
                                         [int(b) for b in bounds])
        self.names = list(names)
        self.sr = sr

    def __len__(self) -> int:
        return self._core.n_components

    def __repr__(self) -> str:
        return f"<Decomposition: {len(self)} components of {self._core.length} samples at {self.sr:g} Hz>"

    @property
    def residual(self) -> np.ndarray:
        """What the components leave out of the clip (float32, zeros when nothing)."""
        return self._core.residual()

    def _masks(self, masks: Any) -> np.ndarray:
        arr = np.asarray(masks)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != len(self):
            raise InvalidParameterError(f"mask must have {len(self)} entries (one per component), got shape {arr.shape}")
        return np.ascontiguousarray(arr != 0, dtype=np.uint8)

    @two_segments
    def compose(self, mask: Any, *, residual: bool = True) -> np.ndarray:
        """The clip with only the components where ``mask`` is true switched on.

        Parameters
        ----------
        mask : array-like of bool or 0/1 [shape=(n_components,)]
            Which components to keep.
        residual : bool
            Add the residual (what no component explains). With every
            component on and ``residual=True`` the result is the clip itself.

        Returns
        -------
        np.ndarray [shape=(n,)], float32

        Examples
        --------
        {two_segments}
        >>> d.compose([0, 1])
        array([0., 0., 0., 0., 4., 5., 6., 7.], dtype=float32)
        """
        return self.compose_batch(mask, residual=residual)[0]

    @two_segments
    def compose_batch(self, masks: Any, *, residual: bool = True, out: np.ndarray | None = None,
                      previous: np.ndarray | None = None, n_jobs: int = -1) -> np.ndarray:
        """One clip per mask row, ``(rows, n)`` float32, composed in parallel in Rust.

        ``out`` (a C-contiguous float32 array of that shape) is filled instead
        of allocating: reusing one buffer avoids faulting in fresh memory for
        every batch. If ``out`` already holds the clips of the masks
        ``previous`` (composed with the same ``residual``), only the segments
        whose mask bits changed are rewritten; the result is identical.

        Parameters
        ----------
        masks : array-like of bool or 0/1 [shape=(rows, n_components)]
            One mask per clip to compose.
        residual : bool
            Add the residual, as in :meth:`compose`.
        out : np.ndarray [shape=(rows, n)], float32, optional
            Buffer to fill.
        previous : array-like [shape=(rows, n_components)], optional
            The masks whose clips ``out`` already holds.
        n_jobs : int
            Threads (-1: all cores).

        Returns
        -------
        np.ndarray [shape=(rows, n)], float32
            ``out`` when given.

        Examples
        --------
        {two_segments}
        >>> d.compose_batch([[1, 0], [0, 1]])
        array([[0., 1., 2., 3., 0., 0., 0., 0.],
               [0., 0., 0., 0., 4., 5., 6., 7.]], dtype=float32)
        """
        masks = self._masks(masks)
        if out is None:
            out = np.empty((masks.shape[0], self._core.length), dtype=np.float32)
        if previous is not None:
            previous = np.ascontiguousarray(previous, dtype=np.uint8)
        self._core.compose_into(masks, out, with_residual=residual, n_jobs=n_jobs, previous=previous)
        return out

    @two_segments
    def component(self, index: int) -> np.ndarray:
        """Component ``index`` alone.

        Parameters
        ----------
        index : int
            Position in :attr:`names`.

        Returns
        -------
        np.ndarray [shape=(n,)], float32

        Examples
        --------
        {two_segments}
        >>> d.component(0)
        array([0., 1., 2., 3., 0., 0., 0., 0.], dtype=float32)
        """
        mask = np.zeros(len(self), dtype=np.uint8)
        mask[index] = 1
        return self.compose(mask, residual=False)


class Factorization:
    """Base class of factorizations: split a clip into sources and/or time segments.

    Subclasses override :meth:`_sources` (signals that sum to the clip) and/or
    :meth:`_segments` (sample boundaries); components are every source within
    every segment, segment-major (audioLIME's order).

    Examples
    --------
    A factorization of its own: the clip's left and right halves in stereo-free form.

    >>> from tunelens import explain
    >>> class Halves(explain.Factorization):
    ...     def _segments(self, y, sr):
    ...         return [0, len(y) // 2, len(y)], ["first half", "second half"]
    >>> Halves().decompose(np.ones(10, dtype=np.float32), sr=10).names
    ['first half', 'second half']
    """

    #: True when the sources come from the user rather than from the clip.
    _supplied = False

    def _sources(self, y: np.ndarray, sr: float) -> tuple[list[np.ndarray], list[str]]:
        return [y], [""]

    def _segments(self, y: np.ndarray, sr: float) -> tuple[list[int], list[str]]:
        return [0, len(y)], [""]

    def decompose(self, y: Any, sr: float) -> Decomposition:
        """Applies this factorization to the mono clip ``y`` sampled at ``sr`` Hz.

        Parameters
        ----------
        y : np.ndarray [shape=(n,)]
            Mono audio.
        sr : float
            Sample rate.

        Returns
        -------
        Decomposition
            The components, their names and ``compose(mask)``.

        Examples
        --------
        >>> from tunelens import explain
        >>> y = tl.datasets.synth_clip(sr=8000, duration=2.0)
        >>> len(explain.FrequencyBands(4).decompose(y, sr=8000))
        4
        """
        y = mono32(y, "y")
        sr = positive_number(sr, "sr")
        sources, source_names = self._sources(y, sr)
        bounds, segment_names = self._segments(y, sr)
        names = [_join(s, c) for s in segment_names for c in source_names]
        return Decomposition(y, sr, sources, bounds, names)


class TimeSegments(Factorization):
    """Consecutive time segments of the clip (audioLIME's ``TimeOnlyFactorization``).

    Parameters
    ----------
    n_segments : int > 0
        Number of segments.
    boundaries : "equal", "onsets", "beats" or sequence of float
        ``"equal"``: equal lengths (differing by at most one sample; unlike
        audioLIME no trailing samples are left unexplained). ``"onsets"`` /
        ``"beats"``: each of the ``n_segments - 1`` equal boundaries moves to
        the nearest not yet used onset (:func:`tunelens.onset.onset_detect`
        with ``backtrack=True``) or beat (:func:`tunelens.beat.beat_track`), so
        segments start where notes or beats do; a boundary with no event left
        stays where it was. A sequence: boundaries in seconds (0 and the
        clip's end are added; ``n_segments`` is then ignored).

    Examples
    --------
    >>> from tunelens import explain
    >>> y = tl.datasets.synth_clip(sr=8000, duration=2.0)
    >>> explain.TimeSegments(4).decompose(y, sr=8000).names
    ['0.00-0.50 s', '0.50-1.00 s', '1.00-1.50 s', '1.50-2.00 s']
    """

    _EVENTS = ("onsets", "beats")

    def __init__(self, n_segments: int = 5, *, boundaries: str | Sequence[float] = "equal") -> None:
        self.n_segments = positive_int(n_segments, "n_segments")
        if boundaries is None or isinstance(boundaries, str):
            boundaries = "equal" if boundaries is None else boundaries
            if boundaries not in ("equal", *self._EVENTS):
                raise InvalidParameterError(f"boundaries must be 'equal', 'onsets', 'beats' or times in seconds, got {boundaries!r}")
            self.boundaries: str | list[float] = boundaries
        else:
            try:
                times = [float(b) for b in boundaries]
            except (TypeError, ValueError):
                raise InvalidParameterError(f"boundaries must be 'equal', 'onsets', 'beats' or times in seconds, "
                                            f"got {boundaries!r}") from None
            bad = [t for t in times if not (np.isfinite(t) and t >= 0)]
            if bad:
                raise InvalidParameterError(f"boundaries must be finite times >= 0 s, got {bad}")
            self.boundaries = times

    def __repr__(self) -> str:
        if isinstance(self.boundaries, str):
            return f"TimeSegments({self.n_segments}, boundaries={self.boundaries!r})"
        return f"TimeSegments(boundaries={self.boundaries})"

    def _segments(self, y: np.ndarray, sr: float) -> tuple[list[int], list[str]]:
        n = len(y)
        if isinstance(self.boundaries, str):
            if self.n_segments > n:
                raise InvalidParameterError(f"n_segments={self.n_segments} exceeds the clip's {n} samples")
            bounds = [int(round(i * n / self.n_segments)) for i in range(self.n_segments + 1)]
            if self.boundaries in self._EVENTS:
                bounds = [0, *_snap(bounds[1:-1], self._events(y, sr), n), n]
        else:
            beyond = [b for b in self.boundaries if b * sr > n + 0.5]  # seconds past the end (or overflowing)
            if beyond:
                raise InvalidParameterError(f"boundaries {beyond} lie beyond the clip's end ({n / sr:.3f} s)")
            inner = sorted({int(round(b * sr)) for b in self.boundaries if 0 < round(b * sr) < n})
            bounds = [0, *inner, n]
        names = [f"{a / sr:.2f}-{b / sr:.2f} s" for a, b in zip(bounds[:-1], bounds[1:])]
        return bounds, names

    def _events(self, y: np.ndarray, sr: float) -> np.ndarray:
        """Onset or beat positions of the clip, in samples."""
        if self.boundaries == "onsets":
            from tunelens.onset import onset_detect

            return onset_detect(y=y, sr=sr, units="samples", backtrack=True)
        from tunelens.beat import beat_track

        return beat_track(y=y, sr=sr, units="samples")[1]


def _snap(targets: Sequence[int], events: np.ndarray, n: int) -> list[int]:
    """Each target moved to the nearest unused event strictly inside ``(0, n)``
    (ties to the earlier event); targets without an event left keep their place."""
    free = sorted({int(e) for e in events if 0 < e < n})
    snapped = []
    for t in targets:
        if free:
            nearest = min(free, key=lambda e: (abs(e - t), e))
            free.remove(nearest)
            snapped.append(nearest)
        else:
            snapped.append(t)
    return sorted(set(snapped))


class FrequencyBands(Factorization):
    """Frequency bands: STFT-domain binary masks, each band resynthesised by iSTFT.

    Parameters
    ----------
    n_bands : int > 0
        Number of bands between 0 Hz and Nyquist.
    scale : {"mel", "linear"}
        Band edges evenly spaced on the (Slaney) mel scale or in Hz.
    n_fft : int > 0
        FFT length of the STFT.
    hop_length : int > 0 or None
        Hop of the STFT; ``None`` is ``n_fft // 4``.

    Examples
    --------
    >>> from tunelens import explain
    >>> y = tl.datasets.synth_clip(sr=8000, duration=2.0)
    >>> explain.FrequencyBands(3).decompose(y, sr=8000).names
    ['0-781 Hz', '781-1787 Hz', '1787-4000 Hz']
    """

    def __init__(self, n_bands: int = 6, scale: str = "mel", *, n_fft: int = 2048, hop_length: int | None = None) -> None:
        self.n_bands = positive_int(n_bands, "n_bands")
        scales = _core.OPTION_NAMES["explain.BandScale"]
        if scale not in scales:
            raise InvalidParameterError(f"scale must be {' or '.join(map(repr, scales))}, got {scale!r}")
        self.scale = scale
        self.n_fft = positive_int(n_fft, "n_fft")
        self.hop_length = max(1, self.n_fft // 4) if hop_length is None else positive_int(hop_length, "hop_length")

    def __repr__(self) -> str:
        return f"FrequencyBands({self.n_bands}, scale={self.scale!r})"

    def _sources(self, y: np.ndarray, sr: float) -> tuple[list[np.ndarray], list[str]]:
        edges, bands = _core.frequency_bands(y, sr=sr, n_bands=self.n_bands, scale=self.scale, n_fft=self.n_fft,
                                             hop_length=self.hop_length, n_jobs=-1)
        return bands, [f"{a:.0f}-{b:.0f} Hz" for a, b in zip(edges[:-1], edges[1:])]


class HarmonicPercussive(Factorization):
    """Harmonic and percussive parts (:func:`tunelens.effects.hpss`, librosa's HPSS).

    Parameters
    ----------
    kernel_size, margin, n_fft, hop_length
        As for :func:`tunelens.effects.hpss`. What the two parts do not sum
        to (with ``margin > 1``, the rest) becomes the residual.

    Examples
    --------
    >>> from tunelens import explain
    >>> y = tl.datasets.synth_clip(sr=8000, duration=2.0)
    >>> explain.HarmonicPercussive().decompose(y, sr=8000).names
    ['harmonic', 'percussive']
    """

    def __init__(self, *, kernel_size: Any = 31, margin: Any = 1.0, n_fft: int = 2048, hop_length: int | None = None) -> None:
        self.options = dict(kernel_size=kernel_size, margin=margin, n_fft=positive_int(n_fft, "n_fft"), hop_length=hop_length)

    def __repr__(self) -> str:
        return "HarmonicPercussive()"

    def _sources(self, y: np.ndarray, sr: float) -> tuple[list[np.ndarray], list[str]]:
        from tunelens.effects import hpss

        harmonic, percussive = hpss(y, **self.options)
        return [harmonic, percussive], ["harmonic", "percussive"]


class Stems(Factorization):
    """User-supplied sources (spleeter, demucs, multitrack stems), one component each.

    Parameters
    ----------
    stems : mapping of str to 1-D float array
        Source name to signal; all as long as the clip. What they do not sum
        to becomes the residual.

    Examples
    --------
    >>> from tunelens import explain
    >>> drums = tl.datasets.synth_clip(sr=8000, duration=1.0, seed=1)
    >>> bass = np.sin(2 * np.pi * 55 * np.arange(8000) / 8000).astype(np.float32)
    >>> d = explain.Stems({"drums": drums, "bass": bass}).decompose(drums + bass, sr=8000)
    >>> d.names
    ['drums', 'bass']
    """

    _supplied = True

    def __init__(self, stems: Mapping[str, Any]) -> None:
        if not isinstance(stems, Mapping):
            raise InvalidParameterError(f"stems must be a mapping of name to signal, got {type(stems).__name__}")
        if not stems:
            raise InvalidParameterError("stems is empty: a factorization needs at least one component")
        self.stems = {str(k): mono32(v, f"stems[{k!r}]") for k, v in stems.items()}
        lengths = {k: len(v) for k, v in self.stems.items()}
        if len(set(lengths.values())) > 1:
            raise InvalidParameterError(f"stems must all have the same length, got {lengths}")

    def __repr__(self) -> str:
        return f"Stems({list(self.stems)})"

    def _sources(self, y: np.ndarray, sr: float) -> tuple[list[np.ndarray], list[str]]:
        n = len(next(iter(self.stems.values())))
        if n != len(y):
            raise InvalidParameterError(f"stems have {n} samples but the clip y has {len(y)}")
        return list(self.stems.values()), list(self.stems)


class Product(Factorization):
    """Every component of ``b`` split by ``a`` (LEMONS's 5 stems × 5 segments = 25).

    At most one factor may be time-based; a source factor ``a`` is applied to
    each source of ``b``. :class:`Stems` can only split the clip itself, so it
    must be ``b`` when ``a`` also has sources.

    Parameters
    ----------
    a : Factorization
        Applied within every component of ``b``.
    b : Factorization
        The outer split.

    Examples
    --------
    >>> from tunelens import explain
    >>> y = tl.datasets.synth_clip(sr=8000, duration=2.0)
    >>> d = explain.Product(explain.HarmonicPercussive(), explain.TimeSegments(2)).decompose(y, sr=8000)
    >>> len(d), d.names[0]
    (4, '0.00-1.00 s × harmonic')
    """

    def __init__(self, a: Factorization, b: Factorization) -> None:
        for name, f in (("a", a), ("b", b)):
            if not isinstance(f, Factorization):
                raise InvalidParameterError(f"{name} must be a Factorization, got {type(f).__name__}")
        timed = [f for f in (a, b) if type(f)._segments is not Factorization._segments]
        if len(timed) > 1:
            raise InvalidParameterError("Product of two time segmentations is not supported; use one TimeSegments")
        sourced = [f for f in (a, b) if type(f)._sources is not Factorization._sources]
        if len(sourced) == 2 and a._supplied:
            raise InvalidParameterError("Stems split the clip itself, so they must be the second factor (b) of a Product")
        self.a, self.b = a, b

    def __repr__(self) -> str:
        return f"Product({self.a!r}, {self.b!r})"

    def _sources(self, y: np.ndarray, sr: float) -> tuple[list[np.ndarray], list[str]]:
        sources: list[np.ndarray] = []
        names: list[str] = []
        for outer, outer_name in zip(*self.b._sources(y, sr)):
            inner, inner_names = self.a._sources(outer, sr)
            sources += inner
            names += [_join(n, outer_name) for n in inner_names]
        return sources, names

    def _segments(self, y: np.ndarray, sr: float) -> tuple[list[int], list[str]]:
        for f in (self.a, self.b):
            if type(f)._segments is not Factorization._segments:
                return f._segments(y, sr)
        return super()._segments(y, sr)
