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

pub use colormap::Colormap;
pub use image::{GrayImage, RgbImage};
