//! Many audio files to many spectrogram PNGs, in parallel, one result per file.

use std::path::{Path, PathBuf};

use ndarray::ArrayView2;
use rayon::prelude::*;

use super::{png, Colormap};
use crate::audio::{self, LoadOptions, Source};
use crate::dsp::db::{to_db, DbParams, Scale};
use crate::dsp::frames::PadMode;
use crate::dsp::mel::{MelBasis, MelParams};
use crate::dsp::spectrogram::mel_spectrogram;
use crate::dsp::stft::StftParams;
use crate::dsp::window::hann;
use crate::error::{catch_panic, Error, Result};
use crate::parallel;

/// How each file of a batch becomes an image: `librosa.load` at `sr`, a
/// power mel spectrogram (periodic Hann, centered, zero padding), optionally
/// `power_to_db(S, ref=np.max)` (80 dB range), the colormap, optionally a box resize.
#[derive(Clone, Debug)]
pub struct SpectrogramJob {
    /// Sample rate files are loaded at, in Hz.
    pub sr: u32,
    /// Seconds to read per file (`None`: the whole file).
    pub duration: Option<f64>,
    /// FFT length in samples.
    pub n_fft: usize,
    /// Samples between frames.
    pub hop_length: usize,
    /// Mel bands (image height before resizing).
    pub n_mels: usize,
    /// Show decibels instead of power.
    pub db: bool,
    /// Colormap of the image.
    pub cmap: Colormap,
    /// `(width, height)` to box-resize to, if any.
    pub size: Option<(usize, usize)>,
}

impl SpectrogramJob {
    /// Renders one file into one PNG.
    fn render(
        &self,
        input: &Path,
        output: &Path,
        stft: &StftParams<f32>,
        basis: &MelBasis,
    ) -> Result<()> {
        let opts = LoadOptions {
            sr: Some(self.sr),
            mono: true,
            offset: 0.0,
            duration: self.duration,
            ..LoadOptions::default()
        };
        let audio = audio::load(&Source::Path(input.to_path_buf()), &opts)?;
        let samples = ndarray::ArrayView1::from(&audio.samples[..]);
        let mut mel = mel_spectrogram(&[samples], stft, 2.0, basis)?;
        if self.db {
            let reference = mel.data.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
            let params = DbParams {
                reference: f64::from(reference),
                ..DbParams::default()
            };
            to_db(&mut mel.data, Scale::Power, &params)?;
        }
        // Time-major (frames × mels) storage seen as mels × frames.
        let frames_by_mels = ArrayView2::from_shape((mel.n_frames, mel.width), &mel.data)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let image = self.cmap.render(frames_by_mels.t());
        png::write_rgb(output, &image.resized(self.size)?)
    }
}

/// Renders `inputs[i]` to `outputs[i]` on `n_jobs` threads; every file gets
/// its own result (a failing file never stops the batch).
pub fn render_files(
    inputs: &[PathBuf],
    outputs: &[PathBuf],
    job: &SpectrogramJob,
    n_jobs: i64,
) -> Result<Vec<Result<()>>> {
    if inputs.len() != outputs.len() {
        return Err(Error::param(
            "outputs",
            format!("has {} paths for {} inputs", outputs.len(), inputs.len()),
        ));
    }
    if let Some(size) = job.size {
        crate::render::image::check_size(size, 3, job.n_mels)?; // refused once, before any file
    }
    let stft = StftParams::new(
        job.n_fft,
        job.hop_length,
        &hann(job.n_fft),
        true,
        PadMode::Constant,
    )?;
    let basis = MelBasis::new(&MelParams {
        n_mels: job.n_mels,
        ..MelParams::librosa(f64::from(job.sr), job.n_fft)
    })?;
    parallel::install(n_jobs, || {
        inputs
            .par_iter()
            .zip(outputs.par_iter())
            .map(|(input, output)| catch_panic(|| job.render(input, output, &stft, &basis)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_wav(path: &Path, samples: &[i16], sr: u32) {
        let mut bytes = Vec::new();
        let data_len = (samples.len() * 2) as u32;
        bytes.extend_from_slice(b"RIFF");
        bytes.extend_from_slice(&(36 + data_len).to_le_bytes());
        bytes.extend_from_slice(b"WAVEfmt ");
        bytes.extend_from_slice(&16u32.to_le_bytes());
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&sr.to_le_bytes());
        bytes.extend_from_slice(&(sr * 2).to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&16u16.to_le_bytes());
        bytes.extend_from_slice(b"data");
        bytes.extend_from_slice(&data_len.to_le_bytes());
        for s in samples {
            bytes.extend_from_slice(&s.to_le_bytes());
        }
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn one_result_per_file_and_failures_do_not_stop_the_batch() {
        let dir = crate::testing::scratch_dir("batch").unwrap();
        let tone: Vec<i16> = (0..8000)
            .map(|i| ((i as f32 * 0.05).sin() * 8000.0) as i16)
            .collect();
        write_wav(&dir.join("a.wav"), &tone, 8000);
        let inputs = vec![dir.join("a.wav"), dir.join("missing.wav")];
        let outputs = vec![dir.join("a.png"), dir.join("missing.png")];
        let job = SpectrogramJob {
            sr: 8000,
            duration: None,
            n_fft: 512,
            hop_length: 128,
            n_mels: 32,
            db: true,
            cmap: Colormap::Magma,
            size: Some((16, 8)),
        };
        let results = render_files(&inputs, &outputs, &job, 2).unwrap();
        assert!(results[0].is_ok());
        assert!(matches!(results[1], Err(Error::FileNotFound { .. })));
        assert!(std::fs::metadata(dir.join("a.png")).unwrap().len() > 0);
        assert!(render_files(&inputs, &outputs[..1], &job, 1).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
