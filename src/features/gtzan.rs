//! The 57 summary values of GTZAN's `features_30_sec.csv` for one signal, in
//! one pass over one STFT (`tunelens.extract_features(feature_set="gtzan")`).
//!
//! librosa computes every spectral column from the same `stft(y)` (n_fft 2048,
//! hop 512, Hann, centered): the magnitudes give centroid, bandwidth, rolloff
//! and the HPSS masks, their squares the chroma (tuning included) and the mel
//! spectrogram, whose dB scale feeds both the MFCCs and the tempo's onset
//! envelope. Here that STFT is computed once and each frame's descriptors are
//! taken while it is in cache; RMS and zero crossings use the raw frames.
//! Values follow the dtype rules of the per-feature functions (a float32
//! signal is analysed in float32), and each summary is the mean and population
//! variance of the feature over all its values, accumulated in `f64`.

use ndarray::{Array1, ArrayView1, ArrayViewD, Ix1};
use num_complex::Complex;

use super::cepstral::dct_basis;
use super::chroma::{filterbank, ChromaBank, ChromaParams};
use super::hpss::{separate_spectrum, HpssParams, Inversion};
use super::onset::{onset_strength, Aggregate, OnsetParams};
use super::spectral::centroid_bandwidth_rolloff;
use super::tempo::{best_tempo, mean_over_frames, tempogram, TempoPrior};
use super::temporal::{rms, zero_crossing_rate, RawFraming};
use super::tuning::{bin_range, piptrack_peaks, tuning_from_peaks};
use crate::dsp::db::{to_db, DbParams, Log10, Scale};
use crate::dsp::frames::PadMode;
use crate::dsp::mel::{fft_frequencies, MelBasis, MelParams};
use crate::dsp::spectrogram::magnitude;
use crate::dsp::stft::{map_frames, stft, FrameMatrix, StftParams};
use crate::dsp::{window, Float};
use crate::error::{ensure, Error, Result};
use crate::parallel;

/// FFT length of every GTZAN spectral feature (librosa's default).
const N_FFT: usize = 2048;
/// Hop of every GTZAN frame feature (librosa's default).
const HOP: usize = 512;
/// MFCCs kept.
const N_MFCC: usize = 20;
/// Number of summary values.
pub const N_VALUES: usize = 57;

pub use crate::options::features::gtzan::Recipe;

/// [`gtzan_values`] of `y` given as an array (it must be 1-D) on `n_jobs`
/// threads; `n_jobs = 1` keeps the whole clip on the calling thread, for
/// callers that run a batch of clips in parallel.
pub fn gtzan_features<T: Float + Log10>(
    y: &ArrayViewD<'_, T>,
    sr: f64,
    recipe: Recipe,
    n_jobs: i64,
) -> Result<Vec<f64>> {
    let y = y
        .view()
        .into_dimensionality::<Ix1>()
        .map_err(|_| Error::param("y", "must be a mono (1-D) signal"))?;
    let work = || gtzan_values(y, sr, recipe);
    if n_jobs == 1 {
        parallel::sequential(work)
    } else {
        parallel::install(n_jobs, work)?
    }
}

/// `[mean, population variance]` of `values` (two passes, like `np.mean` / `np.var`).
fn mean_var(values: &[f64]) -> [f64; 2] {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    [mean, var]
}

/// `[mean, var]` of `values` and `zeros` more zeros (two passes, in `f64`).
fn summary<T: Float>(values: &[T], zeros: usize) -> [f64; 2] {
    let n = (values.len() + zeros) as f64;
    let mean = values.iter().map(|v| v.wide()).sum::<f64>() / n;
    let squares: f64 = values
        .iter()
        .map(|v| (v.wide() - mean) * (v.wide() - mean))
        .sum();
    [mean, (squares + zeros as f64 * mean * mean) / n]
}

/// The 57 GTZAN values of the mono signal `y` at `sr` Hz, in the CSV's column
/// order: `chroma_stft, rms, spectral_centroid, spectral_bandwidth, rolloff,
/// zero_crossing_rate, harmony, perceptr` (mean and variance each), `tempo`,
/// then mean and variance of `mfcc1 .. mfcc20`.
pub fn gtzan_values<T: Float + Log10>(
    y: ArrayView1<'_, T>,
    sr: f64,
    recipe: Recipe,
) -> Result<Vec<f64>> {
    ensure(!y.is_empty(), "y", || "the signal has no samples".into())?;
    ensure(sr > 0.0 && sr.is_finite(), "sr", || {
        format!("must be a positive sample rate, got {sr}")
    })?;
    let pad = match recipe {
        Recipe::Librosa => PadMode::Constant,
        Recipe::Kaggle => PadMode::Reflect,
    };
    let hann = window::hann(N_FFT);
    let params = StftParams::<T>::new(N_FFT, HOP, &hann, true, pad)?;
    let spec = match recipe {
        Recipe::Librosa => stft(&[y], &params)?,
        Recipe::Kaggle => rounded_double_stft(y, &hann, pad)?,
    };
    let (n_frames, n_bins) = (spec.n_frames, spec.width);
    let mag: Vec<T> = spec.data.iter().map(|&c| magnitude(c)).collect();
    // `np.abs(D) ** 2` in the signal's dtype, as the Python pipeline squares it.
    let power: Vec<T> = mag.iter().map(|&m| m * m).collect();

    let mut out = Vec::with_capacity(N_VALUES);
    out.extend(chroma(&power, n_frames, n_bins, sr)?);
    let raw = |pad_mode| RawFraming {
        frame_length: N_FFT,
        hop_length: HOP,
        center: true,
        pad_mode,
    };
    // librosa's rms is float32 by default.
    let energy: Vec<f32> = rms(&[y], &raw(pad))?
        .data
        .iter()
        .map(|&v| v as f32)
        .collect();
    out.extend(summary(&energy, 0));
    out.extend(shape_summaries(&mag, n_bins, sr)?);
    out.extend(summary(
        &zero_crossing_rate(&[y], &raw(PadMode::Edge), 1e-10)?.data,
        0,
    ));

    let kernels = HpssParams {
        kernel_harmonic: 31,
        kernel_percussive: 31,
        power: 2.0,
        margin_harmonic: 1.0,
        margin_percussive: 1.0,
    };
    let inversion = Inversion {
        length: (recipe == Recipe::Librosa).then_some(y.len()),
        mask: false,
    };
    let (harmonic, percussive) =
        separate_spectrum(&spec, &mag, &params, &hann, &kernels, inversion)?;
    drop((spec, mag));
    // Natural-length iSTFTs are cut or zero-padded to the input.
    for signal in [harmonic, percussive] {
        let kept = &signal[..signal.len().min(y.len())];
        out.extend(summary(kept, y.len() - kept.len()));
    }

    let mel_db = mel_db(&power, n_frames, n_bins, sr)?;
    out.push(tempo(&mel_db, n_frames, sr, recipe)?);
    out.extend(mfcc_summaries(&mel_db, n_frames)?);
    Ok(out)
}

/// The STFT computed in `f64` and rounded to `T`: the arithmetic behind the
/// published CSV, whose librosa (< 0.10) ran on numpy < 2, where the FFT only
/// works in double precision and the complex64 STFT is its rounded result.
/// Magnitudes then agree with that recipe to the last bit on almost every bin,
/// so threshold decisions such as the rolloff's 85 % crossing land on the
/// same bins.
fn rounded_double_stft<T: Float>(
    y: ArrayView1<'_, T>,
    hann: &[f64],
    pad: PadMode,
) -> Result<FrameMatrix<Complex<T>>> {
    let wide: Array1<f64> = y.iter().map(|v| v.wide()).collect();
    let params = StftParams::<f64>::new(N_FFT, HOP, hann, true, pad)?;
    map_frames(
        &[wide.view()],
        &params,
        params.n_bins(),
        || (),
        |_, spectrum, out| {
            for (o, c) in out.iter_mut().zip(spectrum) {
                *o = Complex::new(T::of(c.re), T::of(c.im));
            }
        },
    )
}

/// `chroma_stft(S=power, sr=sr)` summarised, with librosa's tuning estimate.
fn chroma<T: Float>(power: &[T], n_frames: usize, n_bins: usize, sr: f64) -> Result<[f64; 2]> {
    let bins = bin_range(sr, N_FFT, 150.0, 4000.0);
    let mut peaks = Vec::new();
    for frame in power.chunks(n_bins) {
        piptrack_peaks(frame, bins.clone(), sr, N_FFT, 0.1, &mut peaks);
    }
    // No pitch at all: librosa warns and uses 0.
    let tuning = tuning_from_peaks(&mut peaks, 0.01, 12).unwrap_or(0.0);
    let p = ChromaParams {
        sr,
        n_fft: N_FFT,
        n_chroma: 12,
        tuning: Some(tuning),
        ctroct: 5.0,
        octwidth: Some(2.0),
        filter_norm: Some(2.0),
        base_c: true,
        norm: Some(f64::INFINITY),
    };
    let bank = ChromaBank::new(&filterbank(&p, tuning)?, p.n_chroma);
    let mut values = Vec::with_capacity(12 * n_frames);
    let (mut acc, mut frame_chroma) = (Vec::new(), [T::zero(); 12]);
    for frame in power.chunks(n_bins).take(n_frames) {
        bank.apply(frame.iter().copied(), p.norm, &mut acc, &mut frame_chroma);
        values.extend(frame_chroma.iter().map(|v| v.wide()));
    }
    Ok(mean_var(&values))
}

/// Centroid, bandwidth and rolloff of every magnitude frame, summarised.
fn shape_summaries<T: Float>(mag: &[T], n_bins: usize, sr: f64) -> Result<[f64; 6]> {
    let freq = fft_frequencies(sr, N_FFT)?;
    let mut values: [Vec<f64>; 3] = Default::default();
    for frame in mag.chunks(n_bins) {
        let shape = centroid_bandwidth_rolloff(frame, &freq, 0.85);
        values.iter_mut().zip(shape).for_each(|(v, x)| v.push(x));
    }
    let [c, b, r] = values.map(|v| mean_var(&v));
    Ok([c[0], c[1], b[0], b[1], r[0], r[1]])
}

/// `power_to_db(melspectrogram(S=power, sr=sr))`, time-major (`n_frames × 128`).
fn mel_db<T: Float + Log10>(
    power: &[T],
    n_frames: usize,
    n_bins: usize,
    sr: f64,
) -> Result<Vec<T>> {
    let basis = MelBasis::new(&MelParams::librosa(sr, N_FFT))?;
    let sparse = basis.sparse::<T>();
    let mut mel = vec![T::zero(); n_frames * basis.n_mels];
    for (frame, out) in power.chunks(n_bins).zip(mel.chunks_mut(basis.n_mels)) {
        sparse.apply(frame, out);
    }
    to_db(&mut mel, Scale::Power, &DbParams::default())?;
    Ok(mel)
}

/// The tempo column: `feature.tempo` of the onset envelope of `mel_db`
/// (mean over mel bands), or for [`Recipe::Kaggle`] `beat_track`'s tempo
/// (median over bands, 0 when there is no onset).
fn tempo<T: Float>(mel_db: &[T], n_frames: usize, sr: f64, recipe: Recipe) -> Result<f64> {
    let aggregate = match recipe {
        Recipe::Librosa => Aggregate::Mean,
        Recipe::Kaggle => Aggregate::Median,
    };
    let onset = OnsetParams {
        lag: 1,
        max_size: 1,
        aggregate,
        pad_width: 1 + N_FFT / (2 * HOP),
        center: true,
    };
    let n_mels = mel_db.len() / n_frames.max(1);
    let env = onset_strength(mel_db, n_frames, n_mels, &onset)?;
    if recipe == Recipe::Kaggle && env.iter().all(|&v| v == T::zero()) {
        return Ok(0.0);
    }
    let win_length = (8.0 * sr / HOP as f64).floor() as usize;
    let tg = tempogram(&env, &window::hann(win_length), true, Some(f64::INFINITY))?;
    let prior = TempoPrior {
        start_bpm: 120.0,
        std_bpm: 1.0,
        max_tempo: Some(320.0),
    };
    best_tempo(&mean_over_frames(&tg, win_length), sr, HOP, &prior)
}

/// Mean and variance of each of the 20 MFCCs (orthonormal DCT-II of `mel_db`
/// with the basis rounded to the spectrogram's dtype, as `feature.mfcc(S=)`).
/// The basis is stored band by band so one pass over a frame updates all 20
/// sums (each still adding the bands in order).
fn mfcc_summaries<T: Float>(mel_db: &[T], n_frames: usize) -> Result<Vec<f64>> {
    let n_mels = mel_db.len() / n_frames.max(1);
    let basis = dct_basis(n_mels, N_MFCC, 0.0)?;
    let by_band: Vec<f64> = (0..n_mels)
        .flat_map(|m| {
            (0..N_MFCC)
                .map(|i| T::of(basis[i * n_mels + m]).wide())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut values: Vec<Vec<f64>> = (0..N_MFCC).map(|_| Vec::with_capacity(n_frames)).collect();
    for frame in mel_db.chunks(n_mels.max(1)) {
        let mut acc = [0.0f64; N_MFCC];
        for (w, x) in by_band.chunks_exact(N_MFCC).zip(frame) {
            let x = x.wide();
            acc.iter_mut().zip(w).for_each(|(a, &w)| *a += w * x);
        }
        values
            .iter_mut()
            .zip(acc)
            .for_each(|(v, c)| v.push(T::of(c).wide()));
    }
    Ok(values.iter().flat_map(|v| mean_var(v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    fn clip() -> Array1<f32> {
        (0..22050)
            .map(|i| {
                let t = i as f32 / 22050.0;
                (2.0 * std::f32::consts::PI * 440.0 * t).sin() * 0.5
                    + if i % 5512 < 200 {
                        ((i * 7919) % 13) as f32 / 26.0 - 0.25
                    } else {
                        0.0
                    }
            })
            .collect()
    }

    #[test]
    fn sequential_and_parallel_runs_agree() {
        let y = clip();
        for recipe in [Recipe::Librosa, Recipe::Kaggle] {
            let a =
                crate::parallel::sequential(|| gtzan_values(y.view(), 22050.0, recipe)).unwrap();
            let b = crate::parallel::install(2, || gtzan_values(y.view(), 22050.0, recipe))
                .unwrap()
                .unwrap();
            assert_eq!(a.len(), N_VALUES);
            assert!(a.iter().all(|v| v.is_finite()), "{recipe:?}: {a:?}");
            assert_eq!(a, b, "{recipe:?}");
        }
        assert_eq!(
            crate::parallel::min_len(),
            1,
            "sequential restores the mode"
        );
    }

    #[test]
    fn rejects_empty_signals() {
        let y = Array1::<f64>::zeros(0);
        assert!(gtzan_values(y.view(), 22050.0, Recipe::Librosa).is_err());
        assert!(gtzan_values(clip().view(), 0.0, Recipe::Librosa).is_err());
    }

    #[test]
    fn recipes_parse_by_name_and_arrays_must_be_mono() {
        assert_eq!("gtzan".parse::<Recipe>().unwrap(), Recipe::Librosa);
        assert_eq!("gtzan_kaggle".parse::<Recipe>().unwrap(), Recipe::Kaggle);
        assert!("kaggle"
            .parse::<Recipe>()
            .unwrap_err()
            .to_string()
            .contains("recipe"));
        let y = clip().into_dyn();
        let values = gtzan_features(&y.view(), 22050.0, Recipe::Librosa, 1).unwrap();
        assert_eq!(
            values,
            gtzan_values(clip().view(), 22050.0, Recipe::Librosa).unwrap()
        );
        let stereo = ndarray::Array2::<f32>::zeros((2, 100)).into_dyn();
        let err = gtzan_features(&stereo.view(), 22050.0, Recipe::Librosa, 1).unwrap_err();
        assert!(err.to_string().contains("mono"), "{err}");
    }
}
