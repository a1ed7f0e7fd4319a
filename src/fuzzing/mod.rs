//! Fuzz targets: every core entry point that takes outside data, driven by
//! raw bytes.
//!
//! The `cargo fuzz` project in `fuzz/` calls these functions (one libFuzzer
//! target each, see [`TARGETS`]), and `cargo test` replays the committed seed
//! corpora and crash regressions through the very same functions, so a crash
//! found once stays fixed on stable Rust too. A target may return any error;
//! it must never panic, hang or allocate without bound.
//!
//! Inputs are read by [`Input`], a tiny byte reader: the first bytes choose
//! parameters (bounded so one run stays fast), the rest is the signal, table
//! or encoded file.

mod matching;
mod params;

pub use matching::{catalog, matching, normalize};
pub use params::params;

use ndarray::{ArrayView1, ArrayView2};

use crate::audio::soxr::Quality;
use crate::audio::{self, LoadOptions, Source};
use crate::dsp::istft::{istft, IstftParams};
use crate::dsp::mel::{MelBasis, MelNorm, MelParams};
use crate::dsp::spectrogram::{mel_spectrogram, power_spectrogram};
use crate::dsp::stft::{stft, StftParams};
use crate::dsp::{window, PadMode};
use crate::explain::Factorization;
use crate::features::spectral::{self, Spectral};
use crate::features::temporal::{self, RawFraming};
use crate::neighbors::{Algorithm, Index, Metric, ScalerKind};
use crate::{cluster, decompose, parallel};

/// A fuzz target: bytes in, no panic out.
pub type Target = fn(&[u8]);

/// Every target by name (the `fuzz/fuzz_targets/<name>.rs` files and the
/// `fuzz/seeds/<name>/` directories use these names). A new entry point
/// (string scorers, catalog keys ...) is one function and one line here.
pub const TARGETS: &[(&str, Target)] = &[
    ("decode", decode),
    ("resample", resample),
    ("spectral", spectral),
    ("features", features),
    ("tables", tables),
    ("explain", explain),
    ("matching", matching),
    ("normalize", normalize),
    ("catalog", catalog),
    ("params", params),
];

/// Reads parameters, then the payload, from fuzzer bytes; past the end every
/// read returns zero, so any input is a valid input.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// Wraps fuzzer bytes.
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }

    /// One byte (0 past the end).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A little-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.u16() as usize % (hi - lo + 1)
    }

    /// A size from the whole `usize` range, log-uniform: the first byte picks
    /// the bit length, so 0, 2^10 and 2^63 are all equally likely scales.
    pub fn huge(&mut self) -> usize {
        let bits = u32::from(self.byte() % 64);
        let raw = u64::from(self.u32()) | (u64::from(self.u32()) << 32);
        (raw >> (63 - bits)) as usize
    }

    /// A flag.
    pub fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.byte() as usize % items.len()] // cannot fail: items is a non-empty literal
    }

    /// An `f64` from eight raw bytes: any value, NaN and infinities included.
    pub fn f64(&mut self) -> f64 {
        f64::from_bits(u64::from(self.u32()) | (u64::from(self.u32()) << 32))
    }

    /// The remaining bytes.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }

    /// The remaining bytes as `f32` samples (raw bits: NaN/inf/subnormals
    /// included), at most `max` of them.
    pub fn samples(&mut self, max: usize) -> Vec<f32> {
        self.rest()
            .chunks_exact(4)
            .take(max)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    }

    /// Like [`samples`](Self::samples) but finite and in `[-1, 1]` (one byte
    /// per sample), as after a successful decode.
    pub fn audio(&mut self, max: usize) -> Vec<f32> {
        self.rest()
            .iter()
            .take(max)
            .map(|&b| (b as i8) as f32 / 128.0)
            .collect()
    }
}

const PAD_MODES: [PadMode; 4] = [
    PadMode::Constant,
    PadMode::Edge,
    PadMode::Reflect,
    PadMode::Symmetric,
];

/// Decodes encoded bytes (every format path: the WAV fast path and
/// symphonia's wav/flac/mp3/ogg/m4a/ADTS), with an extension hint, offset and
/// duration, then reads the duration and loads with resampling.
pub fn decode(data: &[u8]) {
    let mut input = Input::new(data);
    let hint = input.pick(&[
        None,
        Some("wav"),
        Some("flac"),
        Some("mp3"),
        Some("ogg"),
        Some("m4a"),
        Some("aac"),
    ]);
    let offset = input.byte() as f64 / 64.0;
    let duration = match input.byte() {
        0 => None,
        d => Some(d as f64 / 32.0),
    };
    let sr = input.pick(&[None, Some(8000), Some(22050)]);
    let source = Source::Bytes {
        data: input.rest().to_vec(),
        hint: hint.map(str::to_string),
    };
    let _ = audio::duration(&source);
    let opts = LoadOptions {
        sr,
        mono: true,
        offset,
        duration,
        ..LoadOptions::default()
    };
    let _ = parallel::install(1, || audio::load(&source, &opts));
}

/// Resamples a short signal between arbitrary rates.
pub fn resample(data: &[u8]) {
    let mut input = Input::new(data);
    let pick_rate = |input: &mut Input<'_>| match input.byte() % 4 {
        0 => input.f64(),
        _ => input.range(1, 96_000) as f64,
    };
    let (orig, target) = (pick_rate(&mut input), pick_rate(&mut input));
    let (quality, fix) = (input.byte(), input.flag());
    let signal = input.samples(4096);
    // Large upsampling ratios are slow by nature (1 Hz -> 96 kHz makes 96000
    // samples per input sample): not a bug, so keep each run small.
    if signal.len() as f64 * target / orig > (1 << 20) as f64 {
        return;
    }
    let _ = parallel::install(1, || {
        let quality = Quality::ALL[usize::from(quality) % Quality::ALL.len()];
        audio::resample::resample(&[signal.as_slice()], orig, target, quality, fix)
    });
}

/// STFT, power and mel spectrograms and the inverse STFT with arbitrary
/// (bounded) parameters.
pub fn spectral(data: &[u8]) {
    let mut input = Input::new(data);
    let n_fft = input.range(1, 2048);
    let hop = input.range(0, 1024);
    let win_length = input.range(0, 2048);
    let center = input.flag();
    let pad_mode = input.pick(&PAD_MODES);
    let n_mels = input.range(0, 256);
    let (fmin, fmax) = (input.f64(), input.f64());
    let sr = input.range(1, 48_000) as f64;
    let length = input.flag().then(|| input.range(0, 8192));
    let signal = input.samples(8192);
    let _ = parallel::install(1, || {
        let win = window::hann(win_length);
        let Ok(params) = StftParams::<f32>::new(n_fft, hop, &win, center, pad_mode) else {
            return;
        };
        let y = [ArrayView1::from(signal.as_slice())];
        let _ = power_spectrogram(&y, &params, 2.0);
        let mel = MelParams {
            sr,
            n_fft,
            n_mels,
            fmin,
            fmax,
            htk: fmin.is_sign_negative(),
            norm: MelNorm::Slaney,
        };
        if let Ok(basis) = MelBasis::new(&mel) {
            let _ = mel_spectrogram(&y, &params, 2.0, &basis);
        }
        let Ok(spec) = stft(&y, &params) else {
            return;
        };
        let matrix = ArrayView2::from_shape((spec.n_frames, spec.width), &spec.data[..])
            .map(|m| m.reversed_axes());
        if let (Ok(m), Ok(p)) = (
            matrix,
            IstftParams::<f32>::new(spec.width, n_fft, hop, &win, center, length),
        ) {
            let _ = istft(&[m], &p);
        }
    });
}

/// Frame-wise features (rms, zero crossings, spectral shape) on arbitrary
/// signals and parameters.
pub fn features(data: &[u8]) {
    let mut input = Input::new(data);
    let framing = RawFraming {
        frame_length: input.range(0, 2048),
        hop_length: input.range(0, 512),
        center: input.flag(),
        pad_mode: input.pick(&PAD_MODES),
    };
    let n_fft = input.range(1, 1024);
    let feature = match input.byte() % 4 {
        0 => Spectral::Centroid,
        1 => Spectral::Bandwidth {
            p: input.f64(),
            norm: input.flag(),
        },
        2 => Spectral::Rolloff {
            roll_percent: input.f64(),
        },
        _ => Spectral::Flatness {
            power: input.f64(),
            amin: input.f64(),
        },
    };
    let threshold = input.f64();
    let sr = input.range(1, 48_000) as f64;
    let signal = input.samples(8192);
    let _ = parallel::install(1, || {
        let y = [ArrayView1::from(signal.as_slice())];
        let _ = temporal::rms(&y, &framing);
        let _ = temporal::zero_crossing_rate(&y, &framing, threshold);
        let freq = crate::dsp::mel::fft_frequencies(sr, n_fft);
        if let (Ok(params), Ok(freq)) = (StftParams::<f32>::librosa(n_fft), freq) {
            let _ = spectral::from_signal(&y, &params, &freq, &feature);
        }
    });
}

/// Nearest neighbours, PCA and k-means on arbitrary small tables.
pub fn tables(data: &[u8]) {
    let mut input = Input::new(data);
    let d = input.range(0, 8);
    let k = input.range(0, 40);
    let metric = input.pick(&["euclidean", "cosine", "manhattan"]);
    let scaler = input.pick(&["standard", "robust", "minmax", "none"]);
    let clusters = input.range(0, 10);
    let seed = u64::from(input.u32());
    let values: Vec<f64> = input.samples(512).into_iter().map(f64::from).collect();
    let n = if d == 0 { 0 } else { values.len() / d };
    let Ok(x) = ArrayView2::from_shape((n, d), &values[..n * d]) else {
        return;
    };
    let _ = parallel::install(1, || {
        let (Ok(metric), Ok(scaler)) = (metric.parse::<Metric>(), scaler.parse::<ScalerKind>())
        else {
            return;
        };
        if let Ok(index) = Index::fit(x, metric, scaler, None, 1) {
            let brute = index.kneighbors::<f64>(None, k, 1);
            // The kd-tree, and whatever "auto" plans, must give the brute
            // force's exact answer.
            for algorithm in [Algorithm::KdTree, Algorithm::Auto] {
                if let Ok(tree) = index.clone().with_algorithm(algorithm, 1 + k % 7, k, 1) {
                    let found = tree.kneighbors::<f64>(None, k, 1);
                    if let (Ok(want), Ok(got)) = (&brute, &found) {
                        assert_eq!(want.indices, got.indices, "{algorithm:?} rows differ");
                        assert_eq!(
                            want.distances, got.distances,
                            "{algorithm:?} distances differ"
                        );
                    }
                }
            }
            let _ = index.kneighbors(Some(x), k, 1);
            let _ = index.radius_neighbors(Some(x), values.first().copied().unwrap_or(1.0), 1);
        }
        let _ = decompose::Pca::fit(x, 1);
        let kmeans = cluster::KMeans {
            n_clusters: clusters,
            n_init: 1,
            max_iter: 20,
            tol: 1e-4,
            seed,
            init: cluster::kmeans::Init::PlusPlus,
        };
        let _ = kmeans.fit(x, 1);
    });
}

/// Explanation composition: arbitrary sources, segment bounds and masks.
pub fn explain(data: &[u8]) {
    let mut input = Input::new(data);
    let len = input.range(0, 512);
    let n_sources = input.range(0, 4);
    let bounds: Vec<usize> = (0..input.range(0, 6))
        .map(|_| input.range(0, 600))
        .collect();
    let with_residual = input.flag();
    let rows = input.range(0, 8);
    let mask_len = input.range(0, 64);
    let masks: Vec<u8> = (0..rows * mask_len).map(|_| input.byte() & 1).collect();
    let signal = input.audio(len * (n_sources + 1));
    let mut chunks = signal.chunks(len.max(1)).map(<[f32]>::to_vec);
    let mix = chunks.next().unwrap_or_default();
    let sources: Vec<Vec<f32>> = chunks.take(n_sources).collect();
    let _ = parallel::install(1, || {
        if let Ok(f) = Factorization::new(mix, sources, &bounds) {
            let mut out = vec![0f32; rows * f.len()];
            let _ = f.compose_batch(&masks, None, with_residual, &mut out);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Replays `fuzz/seeds/<target>/*` and `fuzz/regressions/<target>/*`
    /// through each target: the seeds and every crash ever found stay
    /// crash-free on stable Rust, in `cargo test`.
    #[test]
    fn corpora_and_regressions_replay_without_panic() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let mut replayed = 0;
        for (name, target) in TARGETS {
            for dir in ["seeds", "regressions"] {
                let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let bytes = std::fs::read(entry.path()).unwrap();
                    let result = std::panic::catch_unwind(|| target(&bytes));
                    assert!(
                        result.is_ok(),
                        "{name} panics on {}",
                        entry.path().display()
                    );
                    replayed += 1;
                }
            }
        }
        assert!(
            replayed >= TARGETS.len(),
            "no fuzz inputs found under {}",
            root.display()
        );
    }

    /// A stable-Rust fuzz smoke run: each target gets ~1 s of inputs mutated
    /// from its seeds (byte flips, truncations, random splices; a fixed
    /// xorshift seed, so a failure reproduces), on top of the replay above.
    #[test]
    fn mutated_seeds_for_a_second_per_target() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (name, target) in TARGETS {
            let seeds: Vec<Vec<u8>> = std::fs::read_dir(root.join(name))
                .map(|dir| {
                    dir.flatten()
                        .filter_map(|e| std::fs::read(e.path()).ok())
                        .collect()
                })
                .unwrap_or_default();
            let start = std::time::Instant::now();
            let mut runs = 0;
            while start.elapsed() < std::time::Duration::from_secs(1) || runs < 8 {
                let mut input = match seeds.len() {
                    0 => Vec::new(),
                    n => seeds[next() as usize % n].clone(),
                };
                for _ in 0..1 + next() % 8 {
                    match next() % 3 {
                        0 if !input.is_empty() => {
                            let at = next() as usize % input.len();
                            input[at] ^= 1 << (next() % 8);
                        }
                        1 if !input.is_empty() => input.truncate(next() as usize % input.len()),
                        _ => {
                            let at = if input.is_empty() {
                                0
                            } else {
                                next() as usize % input.len()
                            };
                            let bytes: Vec<u8> = (0..next() % 32).map(|_| next() as u8).collect();
                            input.splice(at..at, bytes);
                        }
                    }
                }
                let result = std::panic::catch_unwind(|| target(&input));
                assert!(result.is_ok(), "{name} panics on mutated input {input:?}");
                runs += 1;
            }
        }
    }

    #[test]
    fn empty_and_short_inputs_are_handled() {
        for (_, target) in TARGETS {
            for len in 0..64 {
                target(&vec![0xA5; len]);
            }
        }
    }
}
