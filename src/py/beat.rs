//! Bindings for `crate::features::beat` (onset peak picking, beat tracking).

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use super::add_functions;
use super::arrays::{array_function, Array};
use super::detach;
use crate::features::beat::{track_beats, PeakPick};

array_function! {
    /// Peak indicator of a 1-D onset envelope (`librosa.util.peak_pick`), with
    /// the keywords `pre_max, post_max, pre_avg, post_avg, delta, wait`.
    fn peak_pick(x, pick: PeakPick) -> Array = |view| pick.peaks_of(&view)
}

/// Beat indicator of a normalised 1-D onset envelope (`librosa.beat` 0.11's tracker).
#[pyfunction]
#[pyo3(signature = (onsets, frames_per_beat, *, tightness, trim))]
fn track_beat_frames<'py>(
    py: Python<'py>,
    onsets: PyReadonlyArray1<'py, f64>,
    frames_per_beat: PyReadonlyArray1<'py, f64>,
    tightness: f64,
    trim: bool,
) -> PyResult<Bound<'py, PyArray1<bool>>> {
    let onsets = onsets.as_array().to_vec();
    let periods = frames_per_beat.as_array().to_vec();
    let beats = detach::run(py, || track_beats(&onsets, &periods, tightness, trim))?;
    Ok(PyArray1::from_vec(py, beats))
}

/// Adds this module's functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_functions!(m: peak_pick, track_beat_frames);
    Ok(())
}
