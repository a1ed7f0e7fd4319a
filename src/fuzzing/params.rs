//! The `params` target: every size a caller picks (FFT and hop lengths, mel
//! and chroma bins, median kernels, image sizes, resampling rates, cluster and
//! neighbour counts) drawn from the whole `usize` range, on small inputs.
//! Each call must refuse what is unaffordable or intractable with an error,
//! never abort on an allocation, panic or run for minutes.

use ndarray::{ArrayView1, ArrayView2};

use super::Input;
use crate::audio::soxr::Quality;
use crate::dsp::mel::{MelBasis, MelNorm, MelParams};
use crate::dsp::stft::{stft, StftParams};
use crate::dsp::{window, PadMode};
use crate::features::chroma::{filterbank, ChromaParams};
use crate::features::hpss::{masks, HpssParams};
use crate::neighbors::{Index, Metric, ScalerKind};
use crate::render::image::{waveform, GrayImage};
use crate::{cluster, parallel};

/// Runs one size-taking entry point, chosen by the first byte, with huge sizes.
pub fn params(data: &[u8]) {
    let mut input = Input::new(data);
    let which = input.byte() % 8;
    let (a, b) = (input.huge(), input.huge());
    let y = input.audio(2048);
    let signal = [ArrayView1::from(y.as_slice())];
    let _ = parallel::install(1, || match which {
        0 | 1 => {
            let (n_fft, hop) = if which == 0 {
                (a, 1 + b % 4096)
            } else {
                (512, a)
            };
            let win = window::hann(n_fft.min(1024));
            if let Ok(p) = StftParams::<f32>::new(n_fft, hop, &win, true, PadMode::Constant) {
                let _ = stft(&signal, &p);
            }
        }
        2 => {
            let _ = MelBasis::new(&MelParams {
                sr: 22050.0,
                n_fft: 1 + b % 8192,
                n_mels: a,
                fmin: 0.0,
                fmax: 11025.0,
                htk: false,
                norm: MelNorm::Slaney,
            });
        }
        3 => {
            let p = ChromaParams {
                sr: 22050.0,
                n_fft: 2 + b % 8192,
                n_chroma: a,
                tuning: Some(0.0),
                ctroct: 5.0,
                octwidth: Some(2.0),
                filter_norm: Some(2.0),
                base_c: true,
                norm: None,
            };
            let _ = filterbank(&p, 0.0);
        }
        4 => {
            let (frames, bins) = (1 + y.len() / 64, 64.min(y.len().max(1)));
            let mag: Vec<f32> = (0..frames * bins)
                .map(|i| y.get(i % y.len().max(1)).map_or(0.0, |v| v.abs()))
                .collect();
            let p = HpssParams {
                kernel_harmonic: a,
                kernel_percussive: b,
                power: 2.0,
                margin_harmonic: 1.0,
                margin_percussive: 1.0,
            };
            let _ = masks(&mag, frames, bins, &p);
        }
        5 => {
            let image = GrayImage {
                width: 1,
                height: 1,
                data: vec![0],
            };
            let _ = image.resized(Some((a, b)));
            let _ = waveform(signal[0], (a, b), [0; 3], 1.0);
        }
        6 => {
            let target = f64::from_bits(a as u64) % 1e12;
            let _ = crate::audio::resample::resample(
                &[y.as_slice()],
                22050.0,
                target,
                Quality::High,
                true,
            );
        }
        _ => {
            let values: Vec<f64> = y.iter().map(|&v| f64::from(v)).collect();
            let n = values.len() / 2;
            if let Ok(x) = ArrayView2::from_shape((n, 2), &values[..n * 2]) {
                let kmeans = cluster::KMeans {
                    n_clusters: a,
                    n_init: 1,
                    max_iter: 5,
                    tol: 1e-4,
                    seed: b as u64,
                    init: cluster::kmeans::Init::PlusPlus,
                };
                let _ = kmeans.fit(x, 1);
                if let Ok(index) = Index::fit(x, Metric::Euclidean, ScalerKind::None, None, 1) {
                    let _ = index.kneighbors::<f64>(None, b, 1);
                }
            }
        }
    });
}
