//! Spectrogram and waveform images, written without matplotlib.
//!
//! - [`colormap`]: matplotlib's `magma`, `viridis` and `gray`, applied exactly as
//!   `plt.imsave` does (min/max normalisation, 256-entry lookup table).
//! - [`image`]: RGB images, luma (PIL's `convert("L")`), box downscaling, waveforms.
//! - [`png`]: 8-bit RGB PNG encoding.
//! - [`batch`]: folders of audio files to spectrogram PNGs, in parallel.

pub mod batch;
pub mod colormap;
mod colormap_tables;
pub mod image;
pub mod png;

use std::path::Path;

use ndarray::{ArrayViewD, Ix1, Ix2};

use crate::dsp::Float;
use crate::error::{Error, Result};

pub use colormap::Colormap;
pub use image::{GrayImage, RgbImage};

/// `values`, a 2-D `(rows, frames)` array (row 0 at the bottom), coloured with
/// `cmap` and box-resized to `size` (`(width, height)`) when given.
pub fn colorize<T: Float>(
    values: &ArrayViewD<'_, T>,
    cmap: Colormap,
    size: Option<(usize, usize)>,
) -> Result<RgbImage> {
    let view = values
        .view()
        .into_dimensionality::<Ix2>()
        .map_err(|_| Error::param("S", "must be a 2-D (rows, frames) array"))?;
    cmap.render(view).resized(size)
}

/// How a waveform picture looks: `(width, height)` pixels, the line colour,
/// and the amplitude that spans the height (±`scale`).
#[derive(Clone, Copy, Debug)]
pub struct WaveformStyle {
    /// `(width, height)` in pixels.
    pub size: (usize, usize),
    /// RGB colour of the lines (on white).
    pub color: [u8; 3],
    /// Amplitude at the top and bottom edges.
    pub scale: f64,
}

/// Draws the mono signal `y` (it must be 1-D) with [`image::waveform`] and
/// writes it to `path` as an RGB PNG.
pub fn write_waveform<T: Float>(
    y: &ArrayViewD<'_, T>,
    path: &Path,
    style: &WaveformStyle,
) -> Result<()> {
    let view = y
        .view()
        .into_dimensionality::<Ix1>()
        .map_err(|_| Error::param("y", "must be mono (1-D)"))?;
    png::write_rgb(
        path,
        &image::waveform(view, style.size, style.color, T::of(style.scale))?,
    )
}
