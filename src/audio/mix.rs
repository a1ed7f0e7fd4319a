//! Mono mixing exactly as librosa (`np.mean(y, axis=0)` on float32).

/// Mean over `channels` channel-major channels: a float32 running sum in
/// channel order, then one float32 division, which is what numpy computes for
/// a float32 mean over the channel axis.
pub fn to_mono(samples: &[f32], channels: usize) -> Vec<f32> {
    let frames = samples.len() / channels.max(1);
    let mut out = samples[..frames].to_vec();
    for ch in samples
        .chunks_exact(frames.max(1))
        .skip(1)
        .take(channels - 1)
    {
        for (o, &x) in out.iter_mut().zip(ch) {
            *o += x;
        }
    }
    let n = channels as f32;
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
    }
}
