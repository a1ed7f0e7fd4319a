//! Analysis windows (the Python layer passes any scipy window; these are the
//! defaults the core uses on its own).

use super::Float;
use crate::error::{ensure, Result};

/// Periodic ("fftbins=True") Hann window of length `n`, as
/// `scipy.signal.get_window("hann", n)` (librosa's default window).
pub fn hann(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos())
        .collect()
}

/// Centers `window` in a zero vector of length `size` (librosa's `util.pad_center`):
/// `(size - len) / 2` zeros on the left, the rest on the right. `window` must not
/// be longer than `size`.
pub fn pad_center(window: &[f64], size: usize) -> Vec<f64> {
    let left = size.saturating_sub(window.len()) / 2;
    let mut out = vec![0.0; size];
    out[left..left + window.len().min(size)].copy_from_slice(&window[..window.len().min(size)]);
    out
}

/// A transform's window: `win` (`win_length` samples, `1 <= win_length <=
/// n_fft`, else a typed error on `win_length`) centered in `n_fft` zeros
/// ([`pad_center`]), in the transform's float type.
pub fn centered<T: Float>(win: &[f64], n_fft: usize) -> Result<Vec<T>> {
    ensure(!win.is_empty() && win.len() <= n_fft, "win_length", || {
        format!(
            "the window has {} samples; it must have between 1 and n_fft={n_fft}",
            win.len()
        )
    })?;
    Ok(pad_center(win, n_fft).into_iter().map(T::of).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hann_is_periodic() {
        let w = hann(4);
        let expected = [0.0, 0.5, 1.0, 0.5];
        for (a, b) in w.iter().zip(expected) {
            assert!((a - b).abs() < 1e-15);
        }
    }

    #[test]
    fn pad_center_like_librosa() {
        assert_eq!(pad_center(&[1.0, 1.0], 5), vec![0.0, 1.0, 1.0, 0.0, 0.0]);
        assert_eq!(pad_center(&[1.0], 1), vec![1.0]);
    }
}
