//! In-memory WAV files for the audio tests (compiled for `cargo test` only).

use super::Source;

/// A 16-bit PCM WAV of `frames` frames of `channels` channels at `rate` Hz,
/// interleaved sample `i` holding `sample(i)`.
pub fn pcm16(frames: usize, channels: u16, rate: u32, sample: impl Fn(usize) -> i16) -> Source {
    let data: Vec<u8> = (0..frames * channels as usize)
        .flat_map(|i| sample(i).to_le_bytes())
        .collect();
    let block = channels * 2;
    let mut v = b"RIFF".to_vec();
    v.extend((36 + data.len() as u32).to_le_bytes());
    v.extend(b"WAVEfmt ");
    v.extend(16u32.to_le_bytes());
    v.extend(1u16.to_le_bytes());
    v.extend(channels.to_le_bytes());
    v.extend(rate.to_le_bytes());
    v.extend((rate * block as u32).to_le_bytes());
    v.extend(block.to_le_bytes());
    v.extend(16u16.to_le_bytes());
    v.extend(b"data");
    v.extend((data.len() as u32).to_le_bytes());
    v.extend(data);
    Source::Bytes {
        data: v,
        hint: Some("wav".into()),
    }
}
