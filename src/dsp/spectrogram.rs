//! Power and mel spectrograms, fused with the STFT so the complex spectrogram
//! is never materialised.

use ndarray::{ArrayView1, ArrayViewD};
use num_complex::Complex;
use rayon::prelude::*;

use super::mel::{MelBasis, MelSpec};
use super::nd::{columns, last_axis_lanes, Shaped};
use super::stft::{map_frames, FrameMatrix, StftParams, StftSpec};
use super::Float;
use crate::error::{ensure, Error, Result};
use crate::parallel::{self, Cancel};

/// `|X|^power` of one complex bin, as `np.abs(X) ** power`.
fn magnitude_pow<T: Float>(x: Complex<T>, power: T) -> T {
    if power == T::of(2.0) {
        x.re * x.re + x.im * x.im
    } else if power == T::one() {
        magnitude(x)
    } else {
        magnitude(x).powf(power)
    }
}

/// `|x|` as `np.abs` computes it (glibc's `hypot`, which works in double
/// precision): the squares are summed in `f64` and the root rounded once to
/// `T`, without a libm call, so the loops vectorise.
#[inline(always)]
pub fn magnitude<T: Float>(x: Complex<T>) -> T {
    let (re, im) = (x.re.wide(), x.im.wide());
    T::of((re * re + im * im).sqrt())
}

fn check_power(power: f64) -> Result<()> {
    ensure(power > 0.0 && power.is_finite(), "power", || {
        format!("must be a positive exponent (1 = magnitude, 2 = power), got {power}")
    })
}

/// `|STFT|^power` of each channel: `channels × frames × bins`.
pub fn power_spectrogram<T: Float>(
    channels: &[ArrayView1<'_, T>],
    params: &StftParams<T>,
    power: f64,
) -> Result<FrameMatrix<T>> {
    check_power(power)?;
    let p = T::of(power);
    map_frames(
        channels,
        params,
        params.n_bins(),
        || (),
        |_, spectrum, out| {
            for (o, &x) in out.iter_mut().zip(spectrum) {
                *o = magnitude_pow(x, p);
            }
        },
    )
}

/// Mel spectrogram of each channel (`librosa.feature.melspectrogram`):
/// `channels × frames × n_mels`, the filter bank applied to `|STFT|^power`.
pub fn mel_spectrogram<T: Float>(
    channels: &[ArrayView1<'_, T>],
    params: &StftParams<T>,
    power: f64,
    basis: &MelBasis,
) -> Result<FrameMatrix<T>> {
    check_power(power)?;
    check_basis(basis, params.n_bins())?;
    let p = T::of(power);
    let sparse = basis.sparse::<T>();
    map_frames(
        channels,
        params,
        basis.n_mels,
        || vec![T::zero(); params.n_bins()],
        |power_frame, spectrum, out| {
            for (o, &x) in power_frame.iter_mut().zip(spectrum) {
                *o = magnitude_pow(x, p);
            }
            sparse.apply(power_frame, out);
        },
    )
}

/// Applies a mel filter bank to precomputed spectrogram columns (one
/// `n_bins`-long view per frame, any strides): `columns.len() × n_mels`.
pub fn mel_from_columns<T: Float>(
    columns: &[ArrayView1<'_, T>],
    basis: &MelBasis,
) -> Result<Vec<T>> {
    if let Some(col) = columns.iter().find(|c| c.len() != basis.n_bins) {
        return Err(Error::param(
            "S",
            format!(
                "has {} frequency bins but the mel basis expects 1 + n_fft/2 = {}",
                col.len(),
                basis.n_bins
            ),
        ));
    }
    let mut out = vec![T::zero(); columns.len() * basis.n_mels];
    let sparse = basis.sparse::<T>();
    if basis.n_mels > 0 {
        out.par_chunks_mut(basis.n_mels)
            .zip(columns.par_iter())
            .for_each(|(o, col)| match col.as_slice() {
                Some(s) => sparse.apply(s, o),
                None => sparse.apply_with(|k| col[k], o),
            });
    }
    Ok(out)
}

fn check_basis(basis: &MelBasis, n_bins: usize) -> Result<()> {
    ensure(basis.n_bins == n_bins, "n_fft", || {
        format!(
            "mel basis has {} bins but the STFT has {n_bins}",
            basis.n_bins
        )
    })
}

/// The mel spectrogram of `lanes`, with the filter bank of `mel` for the STFT's `n_fft`.
fn mel_of_lanes<T: Float>(
    lanes: &[ArrayView1<'_, T>],
    params: &StftParams<T>,
    mel: &MelSpec,
    power: f64,
) -> Result<FrameMatrix<T>> {
    let basis = MelBasis::new(&mel.params(params.n_fft))?;
    mel_spectrogram(lanes, params, power, &basis)
}

/// The mel spectrogram of every channel of audio `y` (`(..., n)`) on
/// `n_jobs` threads: `(..., frames, n_mels)`.
pub fn mel_of_signal<T: Float>(
    y: &ArrayViewD<'_, T>,
    stft: &StftSpec,
    mel: &MelSpec,
    power: f64,
    n_jobs: i64,
) -> Result<Shaped<T>> {
    let params = stft.params::<T>()?;
    let (lead, lanes) = last_axis_lanes(y, "y")?;
    let m = parallel::install(n_jobs, || mel_of_lanes(&lanes, &params, mel, power))??;
    Ok(Shaped::new(m.data, &lead, &[m.n_frames, m.width]))
}

/// The mel spectrogram of a precomputed spectrogram `s` (`(..., bins,
/// frames)`, `n_fft = 2 (bins - 1)`) on `n_jobs` threads: `(..., frames, n_mels)`.
pub fn mel_of_spectrogram<T: Float>(
    s: &ArrayViewD<'_, T>,
    mel: &MelSpec,
    n_jobs: i64,
) -> Result<Shaped<T>> {
    let cols = columns(s, "S")?;
    let basis = MelBasis::new(&mel.params(2 * cols.n_bins.saturating_sub(1)))?;
    let data = parallel::install(n_jobs, || mel_from_columns(&cols.columns, &basis))??;
    Ok(Shaped::new(data, &cols.lead, &[cols.n_frames, mel.n_mels]))
}

/// The mel spectrogram of each of many 1-D signals, in parallel on `n_jobs`
/// threads: one result per signal, in order (a failing signal does not stop
/// the others; after a cancellation the remaining ones are `Cancelled`).
pub fn mel_batch<T: Float>(
    signals: &[ArrayView1<'_, T>],
    stft: &StftSpec,
    mel: &MelSpec,
    power: f64,
    n_jobs: i64,
) -> Result<Vec<Result<FrameMatrix<T>>>> {
    let params = stft.params::<T>()?;
    let cancel = Cancel::current();
    parallel::install(n_jobs, || {
        signals
            .par_iter()
            .map(|v| cancel.item(|| mel_of_lanes(std::slice::from_ref(v), &params, mel, power)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::super::mel::MelParams;
    use super::super::stft::stft;
    use super::*;
    use ndarray::Array1;

    fn clip() -> Array1<f32> {
        (0..5000)
            .map(|i| ((i as f32) * 0.05).sin() + 0.3 * ((i as f32) * 0.31).cos())
            .collect()
    }

    #[test]
    fn fused_mel_equals_basis_times_power() {
        let y = clip();
        let params = StftParams::<f32>::librosa(512).unwrap();
        let basis = MelBasis::new(&MelParams {
            n_mels: 40,
            ..MelParams::librosa(22050.0, 512)
        })
        .unwrap();
        let mel = mel_spectrogram(&[y.view()], &params, 2.0, &basis).unwrap();
        let s = stft(&[y.view()], &params).unwrap();
        for t in [0, 3, mel.n_frames - 1] {
            for m in [0, 20, 39] {
                let want: f64 = (0..257)
                    .map(|k| basis.weights[m * 257 + k] as f64 * s.get(0, t, k).norm_sqr() as f64)
                    .sum();
                let got = mel.get(0, t, m) as f64;
                assert!(
                    (got - want).abs() <= 1e-5 * want.abs().max(1e-3),
                    "t={t} m={m}: {got} vs {want}"
                );
            }
        }
        // The same through precomputed power columns.
        let power = power_spectrogram(&[y.view()], &params, 2.0).unwrap();
        let cols: Vec<_> = power.data.chunks(257).map(ArrayView1::from).collect();
        assert_eq!(mel_from_columns(&cols, &basis).unwrap(), mel.data);
    }

    #[test]
    fn rejects_bad_power_and_shapes() {
        let y = clip();
        let params = StftParams::<f32>::librosa(512).unwrap();
        assert!(power_spectrogram(&[y.view()], &params, 0.0).is_err());
        let basis = MelBasis::new(&MelParams::librosa(22050.0, 1024)).unwrap();
        assert!(mel_spectrogram(&[y.view()], &params, 2.0, &basis).is_err());
        let short = [ArrayView1::from(&[1.0f32, 2.0][..])];
        assert!(mel_from_columns(&short, &basis).is_err());
    }
}
