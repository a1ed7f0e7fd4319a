//! Mono mixing exactly as librosa (`np.mean(y, axis=0)` on float32).

/// Mean over `channels` channel-major channels: a float32 running sum in
/// channel order, then one float32 division, which is what numpy computes for
/// a float32 mean over the channel axis.
pub fn to_mono(samples: &[f32], channels: usize) -> Vec<f32> {
    let frames = samples.len() / channels.max(1);
    let lanes: Vec<&[f32]> = samples.chunks_exact(frames.max(1)).take(channels).collect();
    mean(&lanes)
}

/// [`to_mono`] over separate lanes (the shortest sets the length).
pub fn mean(lanes: &[&[f32]]) -> Vec<f32> {
    let frames = lanes.iter().map(|l| l.len()).min().unwrap_or(0);
    let Some((first, rest)) = lanes.split_first() else {
        return Vec::new();
    };
    let mut out = first[..frames].to_vec();
    for lane in rest {
        for (o, &x) in out.iter_mut().zip(*lane) {
            *o += x;
        }
    }
    let n = lanes.len() as f32;
    out.iter_mut().for_each(|o| *o /= n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_channels() {
        assert_eq!(to_mono(&[1.0, 2.0, 3.0, 4.0], 2), vec![2.0, 3.0]);
        assert_eq!(to_mono(&[0.5, 0.25], 1), vec![0.5, 0.25]);
        assert_eq!(to_mono(&[1.0, 1.0, 1.0], 3), vec![1.0]);
        assert_eq!(mean(&[&[1.0, 2.0, 9.0], &[3.0, 4.0]]), vec![2.0, 3.0]);
        assert!(to_mono(&[], 2).is_empty());
    }
}
