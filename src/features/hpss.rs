//! Harmonic/percussive separation by median filtering (`librosa.decompose.hpss`,
//! `librosa.effects.hpss`): a harmonic spectrum is smooth in time, a
//! percussive one smooth in frequency.

use ndarray::{ArrayView1, ArrayViewD};
use num_complex::Complex;
use rayon::prelude::*;

use crate::dsp::istft::{istft_frames, IstftParams};
use crate::dsp::nd::{columns, last_axis_lanes, Shaped};
use crate::dsp::spectrogram::magnitude;
use crate::dsp::stft::{stft, FrameMatrix, StftParams, StftSpec};
use crate::dsp::Float;
use crate::error::{affordable, ensure, tractable, Result};
use crate::features::median::{median_lanes, Lanes, LANES};
use crate::parallel;

/// HPSS options with librosa's meanings.
#[derive(Clone, Copy, Debug)]
pub struct HpssParams {
    /// Median window along time (harmonic) in frames.
    pub kernel_harmonic: usize,
    /// Median window along frequency (percussive) in bins.
    pub kernel_percussive: usize,
    /// Soft-mask exponent (`f64::INFINITY` for a hard mask).
    pub power: f64,
    /// Harmonic margin (>= 1).
    pub margin_harmonic: f64,
    /// Percussive margin (>= 1).
    pub margin_percussive: f64,
}

impl HpssParams {
    fn validate(&self) -> Result<()> {
        ensure(
            self.kernel_harmonic > 0 && self.kernel_percussive > 0,
            "kernel_size",
            || "must be positive".into(),
        )?;
        // The median filters' windows.
        let kernels = self.kernel_harmonic as f64 + self.kernel_percussive as f64;
        affordable("kernel_size", 16.0 * kernels)?;
        ensure(self.power > 0.0, "power", || {
            format!("must be strictly positive, got {}", self.power)
        })?;
        ensure(
            self.margin_harmonic >= 1.0 && self.margin_percussive >= 1.0,
            "margin",
            || "must be >= 1.0".into(),
        )
    }
}

/// `librosa.util.softmask(x, reference, power, split_zeros)` of one value, in `T`.
fn softmask<T: Float>(x: T, reference: T, power: f64, split_zeros: bool) -> T {
    if power.is_infinite() {
        return if x > reference { T::one() } else { T::zero() };
    }
    let z = if x > reference { x } else { reference };
    if z < T::min_positive_value() {
        return if split_zeros { T::of(0.5) } else { T::zero() };
    }
    let p = T::of(power);
    let pw = |v: T| if power == 2.0 { v * v } else { v.powf(p) };
    let (m, r) = (pw(x / z), pw(reference / z));
    m / (m + r)
}

/// [`softmask`] with `power = 2`, written with selects only (same arithmetic).
#[inline(always)]
fn softmask_squared<T: Float>(x: T, reference: T, split_zeros: bool) -> T {
    let z = if x > reference { x } else { reference };
    let (a, b) = (x / z, reference / z);
    let (m, r) = (a * a, b * b);
    let fill = if split_zeros { T::of(0.5) } else { T::zero() };
    if z < T::min_positive_value() {
        fill
    } else {
        m / (m + r)
    }
}

/// The two median-filtered magnitude spectrograms the masks compare.
struct Medians<T> {
    /// Median along time, per group of [`LANES`] bins (`groups × n_frames × LANES`).
    harm: Vec<Lanes<T>>,
    /// Median along frequency, time-major (`n_frames × n_bins`).
    perc: Vec<T>,
    n_frames: usize,
    n_bins: usize,
}

impl<T: Float> Medians<T> {
    /// Filters a time-major `n_frames × n_bins` magnitude spectrogram (not
    /// empty); kernels whose work explodes are refused first ([`tractable`]).
    fn new(mag: &[T], n_frames: usize, n_bins: usize, p: &HpssParams) -> Result<Self> {
        tractable("kernel_size", median_steps(n_frames, n_bins, p), || {
            format!("the spectrogram has {n_frames} frames and {n_bins} bins; use kernels no longer than a few times that")
        })?;
        let cancel = crate::parallel::Cancel::current();
        let groups = n_bins.div_ceil(LANES);
        // Harmonic: median along time of 8 adjacent bins at once.
        let mut harm = vec![[T::zero(); LANES]; groups * n_frames];
        harm.par_chunks_mut(n_frames)
            .with_min_len(crate::parallel::min_len())
            .enumerate()
            .for_each_init(
                || (Vec::new(), Vec::new()),
                |(w, x), (g, out)| {
                    if cancel.requested() {
                        return;
                    }
                    let bins: Lanes<usize> =
                        std::array::from_fn(|l| (g * LANES + l).min(n_bins - 1));
                    x.clear();
                    x.extend((0..n_frames).map(|t| bins.map(|k| mag[t * n_bins + k])));
                    median_lanes(x, p.kernel_harmonic, w, out);
                },
            );
        // Percussive: median along frequency of 8 frames at once.
        let mut perc = vec![T::zero(); mag.len()];
        perc.par_chunks_mut(LANES * n_bins)
            .with_min_len(crate::parallel::min_len())
            .enumerate()
            .for_each_init(
                || (Vec::new(), Vec::new(), Vec::new()),
                |(w, x, medians), (block, out)| {
                    if cancel.requested() {
                        return;
                    }
                    let frames: Lanes<usize> =
                        std::array::from_fn(|l| (block * LANES + l).min(n_frames - 1));
                    x.clear();
                    x.extend((0..n_bins).map(|k| frames.map(|t| mag[t * n_bins + k])));
                    medians.resize(n_bins, [T::zero(); LANES]);
                    median_lanes(x, p.kernel_percussive, w, medians);
                    for (l, row) in out.chunks_mut(n_bins).enumerate() {
                        row.iter_mut()
                            .zip(medians.iter())
                            .for_each(|(o, m)| *o = m[l]);
                    }
                },
            );
        cancel.check()?;
        Ok(Medians {
            harm,
            perc,
            n_frames,
            n_bins,
        })
    }

    /// Frame `t` of the harmonic (or percussive) soft mask: `emit(bin, value)`
    /// for every bin, in order.
    fn mask_frame(&self, t: usize, harmonic: bool, p: &HpssParams, mut emit: impl FnMut(usize, T)) {
        let split = p.margin_harmonic == 1.0 && p.margin_percussive == 1.0;
        let (mh, mp) = (T::of(p.margin_harmonic), T::of(p.margin_percussive));
        let perc = &self.perc[t * self.n_bins..(t + 1) * self.n_bins];
        for (g, pr) in perc.chunks(LANES).enumerate() {
            let h = &self.harm[g * self.n_frames + t];
            for (l, &pr) in pr.iter().enumerate() {
                let (x, reference) = if harmonic {
                    (h[l], pr * mh)
                } else {
                    (pr, h[l] * mp)
                };
                let m = if p.power == 2.0 {
                    softmask_squared(x, reference, split)
                } else {
                    softmask(x, reference, p.power, split)
                };
                emit(g * LANES + l, m);
            }
        }
    }
}

/// Work of the two median filters: per group of [`LANES`] rows, sorting the
/// first window and sliding it (a pass over the window per position).
fn median_steps(n_frames: usize, n_bins: usize, p: &HpssParams) -> f64 {
    let filter = |rows: usize, len: usize, width: usize| {
        let (len, width) = (len as f64, width as f64);
        rows.div_ceil(LANES) as f64 * (LANES as f64 * width * width.log2().max(1.0) + len * width)
    };
    filter(n_bins, n_frames, p.kernel_harmonic) + filter(n_frames, n_bins, p.kernel_percussive)
}

/// Harmonic and percussive soft masks of a magnitude spectrogram stored
/// time-major (`n_frames × n_bins`): `(harmonic, percussive)`, same layout.
pub fn masks<T: Float>(
    mag: &[T],
    n_frames: usize,
    n_bins: usize,
    p: &HpssParams,
) -> Result<(Vec<T>, Vec<T>)> {
    p.validate()?;
    if mag.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let medians = Medians::new(mag, n_frames, n_bins, p)?;
    let mut mask_h = vec![T::zero(); mag.len()];
    let mut mask_p = vec![T::zero(); mag.len()];
    mask_h
        .par_chunks_mut(n_bins)
        .zip(mask_p.par_chunks_mut(n_bins))
        .with_min_len(crate::parallel::min_len())
        .enumerate()
        .for_each(|(t, (oh, op))| {
            medians.mask_frame(t, true, p, |k, m| oh[k] = m);
            medians.mask_frame(t, false, p, |k, m| op[k] = m);
        });
    Ok((mask_h, mask_p))
}

/// What the inverse STFTs of a separation produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inversion {
    /// Cut or pad to this many samples (`None`: the natural iSTFT length,
    /// librosa < 0.10's behaviour).
    pub length: Option<usize>,
    /// Invert the masks themselves instead of the masked spectrograms, as
    /// `librosa.effects.hpss(mask=True)` does.
    pub mask: bool,
}

/// `librosa.effects.hpss` of one signal: STFT, masks, and the two inverse
/// STFTs as `inversion` asks.
pub fn separate<T: Float>(
    y: ArrayView1<'_, T>,
    params: &StftParams<T>,
    window: &[f64],
    p: &HpssParams,
    inversion: Inversion,
) -> Result<(Vec<T>, Vec<T>)> {
    let spec = stft(&[y], params)?;
    let mag: Vec<T> = spec
        .data
        .par_iter()
        .with_min_len(crate::parallel::min_len())
        .map(|&c| magnitude(c))
        .collect();
    separate_spectrum(&spec, &mag, params, window, p, inversion)
}

/// [`separate`] from the signal's STFT `spec` (one channel, time-major) and
/// its magnitudes `mag`, for callers that already have them. Each inverse
/// STFT masks its frames as it goes: neither the masks nor the masked
/// spectrograms are stored.
pub fn separate_spectrum<T: Float>(
    spec: &FrameMatrix<Complex<T>>,
    mag: &[T],
    params: &StftParams<T>,
    window: &[f64],
    p: &HpssParams,
    inversion: Inversion,
) -> Result<(Vec<T>, Vec<T>)> {
    p.validate()?;
    let (n_frames, n_bins) = (spec.n_frames, spec.width);
    let inverse = IstftParams::new(
        n_bins,
        params.n_fft,
        params.hop_length,
        window,
        params.center,
        inversion.length,
    )?;
    if mag.is_empty() {
        let silent = istft_frames(n_frames, &inverse, |_, _| ())?;
        return Ok((silent.clone(), silent));
    }
    let medians = Medians::new(mag, n_frames, n_bins, p)?;
    let invert = |harmonic: bool| {
        istft_frames(n_frames, &inverse, |t, bins| {
            if inversion.mask {
                medians.mask_frame(t, harmonic, p, |k, m| bins[k] = Complex::new(m, T::zero()));
            } else {
                let frame = &spec.data[t * n_bins..(t + 1) * n_bins];
                medians.mask_frame(t, harmonic, p, |k, m| bins[k] = frame[k] * m);
            }
        })
    };
    Ok((invert(true)?, invert(false)?))
}

/// Soft masks `(harmonic, percussive)` of every channel of a magnitude
/// spectrogram `s` (`(..., bins, frames)`), each `(..., frames, bins)`;
/// channels one after the other, each on `n_jobs` threads.
pub fn masks_of<T: Float>(
    s: &ArrayViewD<'_, T>,
    p: &HpssParams,
    n_jobs: i64,
) -> Result<(Shaped<T>, Shaped<T>)> {
    let cols = columns(s, "S")?;
    let (n_frames, n_bins) = (cols.n_frames, cols.n_bins);
    let mag = cols.time_major();
    let (mut mh, mut mp) = (Vec::with_capacity(mag.len()), Vec::with_capacity(mag.len()));
    parallel::install(n_jobs, || -> Result<()> {
        for channel in mag.chunks((n_frames * n_bins).max(1)) {
            let (h, q) = masks(channel, n_frames, n_bins, p)?;
            mh.extend(h);
            mp.extend(q);
        }
        Ok(())
    })??;
    let tail = [n_frames, n_bins];
    Ok((
        Shaped::new(mh, &cols.lead, &tail),
        Shaped::new(mp, &cols.lead, &tail),
    ))
}

/// `librosa.effects.hpss` options: the STFT, the median filters, and what is
/// inverted.
#[derive(Clone, Debug)]
pub struct SignalSeparation {
    /// The analysis (and synthesis) STFT.
    pub stft: StftSpec,
    /// The median filters and masks.
    pub hpss: HpssParams,
    /// Both signals get the input's length (librosa >= 0.10); otherwise the
    /// natural iSTFT length (librosa < 0.10).
    pub same_length: bool,
    /// Invert the masks instead of the masked spectrograms.
    pub mask: bool,
}

/// [`separate`] of every channel of audio `y` (`(..., n)`): harmonic and
/// percussive signals, each `(..., length)`; channels one after the other,
/// each on `n_jobs` threads.
pub fn separate_of<T: Float>(
    y: &ArrayViewD<'_, T>,
    s: &SignalSeparation,
    n_jobs: i64,
) -> Result<(Shaped<T>, Shaped<T>)> {
    let params = s.stft.params::<T>()?;
    let (lead, lanes) = last_axis_lanes(y, "y")?;
    let len = lanes.first().map_or(0, |l| l.len());
    let inversion = Inversion {
        length: s.same_length.then_some(len),
        mask: s.mask,
    };
    let (mut h, mut q) = (Vec::new(), Vec::new());
    parallel::install(n_jobs, || -> Result<()> {
        for lane in &lanes {
            let (a, b) = separate(lane.view(), &params, &s.stft.window, &s.hpss, inversion)?;
            h.extend(a);
            q.extend(b);
        }
        Ok(())
    })??;
    let n = h.len().checked_div(lanes.len()).unwrap_or(0);
    Ok((Shaped::new(h, &lead, &[n]), Shaped::new(q, &lead, &[n])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squared_softmask_is_the_softmask_of_power_two() {
        let values = [0.0f32, 1e-40, 0.3, 1.0, 7.5, f32::MAX];
        for &x in &values {
            for &r in &values {
                for split in [true, false] {
                    let (a, b) = (softmask_squared(x, r, split), softmask(x, r, 2.0, split));
                    assert!(
                        a == b || (a.is_nan() && b.is_nan()),
                        "{x} {r} {split}: {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn masks_split_energy() {
        let mag: Vec<f32> = (0..40 * 9).map(|i| ((i * 13 % 7) as f32) * 0.3).collect();
        let p = HpssParams {
            kernel_harmonic: 5,
            kernel_percussive: 3,
            power: 2.0,
            margin_harmonic: 1.0,
            margin_percussive: 1.0,
        };
        let (h, q) = masks(&mag, 40, 9, &p).unwrap();
        assert!(h.iter().zip(&q).all(|(a, b)| (a + b - 1.0).abs() < 1e-6));
        assert!(masks(
            &mag,
            40,
            9,
            &HpssParams {
                margin_harmonic: 0.5,
                ..p
            }
        )
        .is_err());
    }

    fn spec() -> SignalSeparation {
        SignalSeparation {
            stft: StftSpec {
                n_fft: 256,
                hop_length: 64,
                window: crate::dsp::window::hann(256),
                center: true,
                pad_mode: crate::dsp::PadMode::Constant,
            },
            hpss: HpssParams {
                kernel_harmonic: 7,
                kernel_percussive: 7,
                power: 2.0,
                margin_harmonic: 1.0,
                margin_percussive: 1.0,
            },
            same_length: true,
            mask: false,
        }
    }

    #[test]
    fn inverted_masks_add_up_to_the_inverse_of_an_all_ones_spectrogram() {
        // Soft masks of power 2 and margin 1 sum to one in every cell, so the
        // two mask signals (librosa.effects.hpss(mask=True)) sum to istft(1).
        use ndarray::{Array, IxDyn};
        let y = Array::from_shape_fn(IxDyn(&[3000]), |i| {
            (i[0] as f64 * 0.05).sin() + if i[0] % 500 == 0 { 1.0 } else { 0.0 }
        });
        let s = SignalSeparation {
            mask: true,
            ..spec()
        };
        let (h, p) = separate_of(&y.view(), &s, 1).unwrap();
        assert_eq!(h.shape, vec![3000]);
        let params = s.stft.params::<f64>().unwrap();
        let inverse = IstftParams::new(129, 256, 64, &s.stft.window, true, Some(3000)).unwrap();
        let n_frames = params.framing(3000).unwrap().n_frames;
        let ones = istft_frames(n_frames, &inverse, |_, bins| {
            bins.iter_mut().for_each(|b| *b = Complex::new(1.0, 0.0))
        })
        .unwrap();
        for ((a, b), o) in h.data.iter().zip(&p.data).zip(&ones) {
            assert!((a + b - o).abs() < 1e-9, "{a} + {b} != {o}");
        }
        // Without mask, the two signals add up to the input instead.
        let (h, p) = separate_of(&y.view(), &spec(), 1).unwrap();
        let sum: Vec<f64> = h.data.iter().zip(&p.data).map(|(a, b)| a + b).collect();
        assert!(sum.iter().zip(y.iter()).all(|(a, b)| (a - b).abs() < 1e-9));
    }

    #[test]
    fn masks_of_every_channel_come_back_time_major() {
        use ndarray::{Array, IxDyn};
        let s = Array::from_shape_fn(IxDyn(&[2, 17, 11]), |i| {
            ((i[0] + 2 * i[1] + 3 * i[2]) % 5) as f32
        });
        let (h, p) = masks_of(&s.view(), &spec().hpss, 1).unwrap();
        assert_eq!(
            (h.shape.clone(), p.shape),
            (vec![2, 11, 17], vec![2, 11, 17])
        );
        let one = s.slice(ndarray::s![1, .., ..]).into_dyn();
        let (alone, _) = masks_of(&one, &spec().hpss, 1).unwrap();
        assert_eq!(alone.data[..], h.data[11 * 17..]);
    }

    #[test]
    fn kernels_beyond_memory_are_refused() {
        let p = HpssParams {
            kernel_harmonic: usize::MAX / 64,
            kernel_percussive: 17,
            power: 2.0,
            margin_harmonic: 1.0,
            margin_percussive: 1.0,
        };
        crate::error::assert_too_large(masks(&[1.0f32; 4], 2, 2, &p), "kernel_size");
    }
}
