//! Audio input, matching `librosa.load` (soundfile backend) sample for sample.
//!
//! - [`decode`]: wav/aiff (PCM, float, ADPCM), flac, mp3, ogg/vorbis, and
//!   AAC-LC/ALAC in m4a/mp4 or ADTS via symphonia, converted to float32 exactly
//!   as libsndfile converts; AAC and ALAC as librosa receives them from
//!   ffmpeg through audioread (16-bit PCM, priming dropped).
//! - [`file`]: opening paths; anything but a regular file is refused unopened.
//! - [`mp4`]: the MP4 edit list and sample counts symphonia does not apply.
//! - [`wav`]: a direct reader for plain PCM/float WAV (the common case, fast).
//! - [`mix`]: mono mixing as librosa does it (float32 channel mean).
//! - [`packets`]: symphonia's packets decoded in order, serially or in
//!   parallel windows, in bounded memory.
//! - [`pipeline`]: `load` as decode → mix → resample → result, window by window.
//! - [`stream`]: block-wise decoding in bounded memory (`librosa.stream`).
//! - [`resample`]: `librosa.resample` for the soxr family, sample-exact, through
//!   [`soxr`] (libsoxr driven as python-soxr drives it).

pub mod decode;
pub mod file;
pub mod mix;
pub mod mp4;
mod packets;
mod pipeline;
pub mod resample;
pub mod soxr;
pub mod stream;
#[cfg(test)]
mod test_wav;
pub mod wav;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::error::{ensure, Result};
use crate::parallel;

pub use decode::duration;

/// Where audio comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// A file on disk.
    Path(PathBuf),
    /// An encoded file held in memory; `hint` is a file extension (e.g. `"mp3"`)
    /// that speeds up format detection, if known.
    Bytes {
        /// The encoded bytes.
        data: Vec<u8>,
        /// A file extension, if known.
        hint: Option<String>,
    },
}

impl Source {
    /// The name used in error messages: the path, or `<bytes>`.
    pub fn name(&self) -> PathBuf {
        match self {
            Source::Path(p) => p.clone(),
            Source::Bytes { .. } => PathBuf::from("<bytes>"),
        }
    }
}

/// `librosa.load` options.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadOptions {
    /// Target sample rate in Hz; `None` keeps the file's rate.
    pub sr: Option<u32>,
    /// Mix all channels to one (before resampling, as librosa does).
    pub mono: bool,
    /// Seconds to skip; the first frame read is `floor(offset * native_sr)`.
    pub offset: f64,
    /// Seconds to read; `floor(duration * native_sr)` frames. `None`: to the end.
    pub duration: Option<f64>,
    /// Resampling quality (`res_type`; librosa's default is `soxr_hq`).
    pub quality: soxr::Quality,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            sr: Some(22050),
            mono: true,
            offset: 0.0,
            duration: None,
            quality: soxr::Quality::High,
        }
    }
}

/// Loaded audio: `channels × frames`, channel-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Audio {
    /// Samples of each channel, one after the other.
    pub samples: Vec<f32>,
    /// Number of channels (1 after mono mixing).
    pub channels: usize,
    /// Sample rate in Hz.
    pub sample_rate: u32,
}

impl Audio {
    /// Frames (samples per channel).
    pub fn frames(&self) -> usize {
        self.samples.len() / self.channels.max(1)
    }
}

/// [`load`] on `n_jobs` threads (the resampler's channels run in parallel).
pub fn load_on(source: &Source, opts: &LoadOptions, n_jobs: i64) -> Result<Audio> {
    crate::parallel::install(n_jobs, || load(source, opts))?
}

/// Decodes `source` and applies `librosa.load`'s steps: offset/duration at the
/// native rate, mono mix, then resampling to `sr`, a window at a time into the
/// result (memory: the result plus a few MB; see [`pipeline`]). Checks the
/// call's cancel token between windows ([`crate::Error::Cancelled`]).
pub fn load(source: &Source, opts: &LoadOptions) -> Result<Audio> {
    check_window(opts.offset, opts.duration)?;
    if let Some(sr) = opts.sr {
        ensure(sr > 0, "sr", || {
            "must be a positive sample rate in Hz or None, not 0".into()
        })?;
    }
    pipeline::load(source, opts)
}

/// Checks an `offset` and `duration` in seconds (non-negative, finite).
pub(crate) fn check_window(offset: f64, duration: Option<f64>) -> Result<()> {
    ensure(offset.is_finite() && offset >= 0.0, "offset", || {
        format!("must be a non-negative number of seconds, got {offset}")
    })?;
    if let Some(d) = duration {
        ensure(d.is_finite() && d >= 0.0, "duration", || {
            format!("must be a non-negative number of seconds or None, got {d}")
        })?;
    }
    Ok(())
}

/// Loads many sources in parallel on `n_jobs` threads; one result per source,
/// in order (a failing source gives its error, the rest still load; after a
/// cancellation the remaining sources give [`crate::Error::Cancelled`]).
pub fn load_batch(
    sources: &[Source],
    opts: &LoadOptions,
    n_jobs: i64,
) -> Result<Vec<Result<Audio>>> {
    let cancel = parallel::Cancel::current();
    parallel::install(n_jobs, || {
        sources
            .par_iter()
            .with_max_len(1)
            .map(|s| cancel.item(|| load(s, opts)))
            .collect()
    })
}
