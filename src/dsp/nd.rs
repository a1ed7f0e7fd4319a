//! Arrays of any leading shape, as numpy hands them over: the channels of a
//! `(..., n)` signal, the frame columns of a `(..., bins, frames)`
//! spectrogram, and results that carry their own shape back.

use ndarray::{ArrayView1, ArrayViewD, Axis, Ix1};

use crate::error::{Error, Result};

/// A row-major result and its shape (leading axes of the input, then the
/// result's own axes).
#[derive(Clone, Debug, PartialEq)]
pub struct Shaped<T> {
    /// The values in row-major order.
    pub data: Vec<T>,
    /// The shape; its product is `data.len()`.
    pub shape: Vec<usize>,
}

impl<T> Shaped<T> {
    /// `data` shaped `lead + tail`.
    pub fn new(data: Vec<T>, lead: &[usize], tail: &[usize]) -> Self {
        Shaped {
            data,
            shape: lead.iter().chain(tail).copied().collect(),
        }
    }
}

/// The 1-D lanes of `view` along its last axis (one per channel / leading
/// index), in row-major order of the leading axes, plus the leading shape.
pub fn last_axis_lanes<'a, T>(
    view: &ArrayViewD<'a, T>,
    name: &'static str,
) -> Result<(Vec<usize>, Vec<ArrayView1<'a, T>>)> {
    let ndim = view.ndim();
    if ndim == 0 {
        return Err(Error::param(
            name,
            "must have at least one dimension, got a scalar",
        ));
    }
    let lead = view.shape()[..ndim - 1].to_vec();
    let mut lanes = Vec::with_capacity(lead.iter().product());
    collect_lanes(view.clone(), &mut lanes);
    Ok((lead, lanes))
}

fn collect_lanes<'a, T>(view: ArrayViewD<'a, T>, out: &mut Vec<ArrayView1<'a, T>>) {
    match view.clone().into_dimensionality::<Ix1>() {
        Ok(lane) => out.push(lane),
        Err(_) => (0..view.len_of(Axis(0)))
            .for_each(|i| collect_lanes(view.clone().index_axis_move(Axis(0), i), out)),
    }
}

/// The frame columns of a `(..., bins, frames)` spectrogram.
pub struct Columns<'a, T> {
    /// The leading (channel) shape.
    pub lead: Vec<usize>,
    /// Frequency bins (or bands) per column.
    pub n_bins: usize,
    /// Frames per channel.
    pub n_frames: usize,
    /// One view per frame, channel by channel (any strides).
    pub columns: Vec<ArrayView1<'a, T>>,
}

impl<T: Copy> Columns<'_, T> {
    /// Number of channels (the product of the leading shape).
    pub fn channels(&self) -> usize {
        self.lead.iter().product()
    }

    /// A time-major copy: channel by channel, frame by frame, each frame's
    /// bins contiguous (`channels × n_frames × n_bins`).
    pub fn time_major(&self) -> Vec<T> {
        self.columns
            .iter()
            .flat_map(|c| c.iter().copied())
            .collect()
    }
}

/// The columns of `view`, a `(..., bins, frames)` array named `name`.
pub fn columns<'a, T>(view: &'a ArrayViewD<'_, T>, name: &'static str) -> Result<Columns<'a, T>> {
    let nd = view.ndim();
    if nd < 2 {
        return Err(Error::param(
            name,
            format!("must be a (..., freq, time) array, got {nd} dimension(s)"),
        ));
    }
    Ok(Columns {
        lead: view.shape()[..nd - 2].to_vec(),
        n_bins: view.shape()[nd - 2],
        n_frames: view.shape()[nd - 1],
        columns: view.lanes(Axis(nd - 2)).into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, IxDyn};

    #[test]
    fn lanes_follow_row_major_order_of_the_leading_axes() {
        let a = Array::from_shape_vec(IxDyn(&[2, 3, 4]), (0..24).collect()).unwrap();
        let (lead, lanes) = last_axis_lanes(&a.view(), "y").unwrap();
        assert_eq!(lead, vec![2, 3]);
        assert_eq!(lanes.len(), 6);
        assert_eq!(lanes[4].to_vec(), vec![16, 17, 18, 19]);
        let scalar = Array::from_shape_vec(IxDyn(&[]), vec![1]).unwrap();
        assert!(last_axis_lanes(&scalar.view(), "y").is_err());
    }

    #[test]
    fn columns_are_frames_of_each_channel() {
        // (channels=2, bins=3, frames=2)
        let a = Array::from_shape_vec(IxDyn(&[2, 3, 2]), (0..12).collect()).unwrap();
        let view = a.view();
        let c = columns(&view, "S").unwrap();
        assert_eq!(
            (c.lead.clone(), c.n_bins, c.n_frames, c.channels()),
            (vec![2], 3, 2, 2)
        );
        assert_eq!(c.time_major(), vec![0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11]);
        let flat = Array::from_shape_vec(IxDyn(&[3]), vec![1, 2, 3]).unwrap();
        assert!(columns(&flat.view(), "S").is_err());
    }

    #[test]
    fn shaped_joins_lead_and_tail() {
        let s = Shaped::new(vec![0.0; 24], &[2, 3], &[4]);
        assert_eq!(s.shape, vec![2, 3, 4]);
    }
}
