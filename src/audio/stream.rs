//! Block-wise decoding in bounded memory, with `librosa.stream`'s blocks
//! (`soundfile.SoundFile.blocks` with `blocksize = frame_length +
//! (block_length - 1) * hop_length` and `overlap = frame_length - hop_length`).
//!
//! A [`BlockReader`] pulls packets from symphonia one at a time (plain PCM/float
//! WAV: chunks read straight from the file, as `load` does) and keeps only
//! the frames the next block still needs (at most one block plus one decoded
//! packet), so a file of any length streams in constant memory.

use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use super::decode;
use super::packets::Packets;
use super::{mix, wav, Source};
use crate::error::{ensure, Error, Result};

/// `librosa.stream`'s options.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StreamOptions {
    /// Frames (of `frame_length` samples, `hop_length` apart) per block.
    pub block_length: usize,
    /// Samples per frame.
    pub frame_length: usize,
    /// Samples between frame starts.
    pub hop_length: usize,
    /// Mix every block to mono (float32 channel mean, as `librosa.to_mono`).
    pub mono: bool,
    /// Seconds to skip: the first frame read is `floor(offset * sr)`.
    pub offset: f64,
    /// Seconds to stream (`floor(duration * sr)` frames); `None` or `0`: to the
    /// end, as librosa (`if duration:`).
    pub duration: Option<f64>,
    /// Pads every block to full length with this value (past the end of the
    /// file, and up to `duration` when that is longer than the file).
    pub fill_value: Option<f32>,
}

/// One block: `channels × frames` samples, channel-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Samples of each channel, one after the other.
    pub samples: Vec<f32>,
    /// Number of channels (1 after mono mixing).
    pub channels: usize,
}

impl Block {
    /// Frames (samples per channel).
    pub fn frames(&self) -> usize {
        self.samples.len() / self.channels.max(1)
    }
}

/// Readers the plain-WAV path streams from.
trait Input: Read + Seek + Send + Sync {}
impl<T: Read + Seek + Send + Sync> Input for T {}

/// Frames of a plain PCM/float WAV read straight from the file ([`wav`]).
pub(super) struct WavFrames {
    input: Box<dyn Input>,
    layout: wav::Layout,
    /// Next frame to read.
    position: u64,
    /// Frame after the last one to read.
    end: u64,
    /// Frames per read.
    chunk: u64,
    name: PathBuf,
}

/// Frames per read on the plain-WAV path, for blocks (streaming) and for
/// windows (loading).
const WAV_CHUNK: u64 = 16_384;
const WAV_WINDOW: u64 = 1 << 18;

impl WavFrames {
    /// The plain-WAV reader for `source`'s frames from `floor(offset * sr)`,
    /// at most `floor(duration * sr)` of them; `None` for anything
    /// [`wav::probe`] does not recognise.
    fn open(source: &Source, offset: f64, duration: Option<f64>, chunk: u64) -> Option<WavFrames> {
        let mut input: Box<dyn Input> = match source {
            Source::Path(path) => {
                // An error is reported by the packet path's open, with its kind.
                Box::new(super::file::open(path).ok()?)
            }
            Source::Bytes { data, .. } => Box::new(Cursor::new(data.clone())),
        };
        let layout = wav::probe(&mut input)?;
        let sr = layout.sample_rate as f64;
        let position = ((offset * sr).floor() as u64).min(layout.frames);
        let count = duration.map_or(u64::MAX, |d| (d * sr).floor() as u64);
        Some(WavFrames {
            input,
            position,
            end: position.saturating_add(count).min(layout.frames),
            chunk,
            layout,
            name: source.name(),
        })
    }

    /// Reads the next chunk onto the ends of `lanes`; `false` at the end.
    fn next(&mut self, lanes: &mut Vec<Vec<f32>>) -> Result<bool> {
        let count = self.chunk.min(self.end - self.position);
        if count == 0 {
            return Ok(false);
        }
        let samples =
            wav::read(&mut self.input, &self.layout, self.position, count).map_err(|source| {
                Error::Io {
                    path: self.name.clone(),
                    source,
                }
            })?;
        lanes.resize(self.layout.channels, Vec::new());
        for (lane, channel) in lanes.iter_mut().zip(samples.chunks_exact(count as usize)) {
            lane.extend_from_slice(channel);
        }
        self.position += count;
        Ok(true)
    }
}

/// Decoded frames from a file, in order, a part at a time: plain PCM/float
/// WAV read straight from the file, anything else through [`Packets`]. Both
/// `stream` (small parts, one thread) and `load` (windows decoded in parallel)
/// read through it.
pub(super) enum Frames {
    Wav(WavFrames),
    /// Boxed: a decoder and demuxer are much larger than the WAV reader.
    Packets(Box<Packets>),
}

impl Frames {
    /// Opens `source` for the frames from `floor(offset * sr)`, at most
    /// `floor(duration * sr)` of them (`None`: to the end); `windows` reads
    /// large parts, decoding packets in parallel (for `load`).
    pub(super) fn open(
        source: &Source,
        offset: f64,
        duration: Option<f64>,
        windows: bool,
    ) -> Result<Frames> {
        let chunk = if windows { WAV_WINDOW } else { WAV_CHUNK };
        match WavFrames::open(source, offset, duration, chunk) {
            Some(wav) => Ok(Frames::Wav(wav)),
            None => Packets::open(source, offset, duration, windows)
                .map(|p| Frames::Packets(Box::new(p))),
        }
    }

    /// Appends the next part onto the ends of `lanes` (one per channel, as
    /// many frames on each); `false` at the end.
    pub(super) fn next(&mut self, lanes: &mut Vec<Vec<f32>>) -> Result<bool> {
        match self {
            Frames::Wav(w) => w.next(lanes),
            Frames::Packets(p) => p.next(lanes),
        }
    }

    /// Frames all parts should add up to, where the header tells (see
    /// [`Packets::expected_frames`]).
    pub(super) fn expected_frames(&self) -> Option<u64> {
        match self {
            Frames::Wav(w) => Some(w.end - w.position),
            Frames::Packets(p) => p.expected_frames(),
        }
    }

    /// The file's sample rate in Hz.
    pub(super) fn sample_rate(&self) -> u32 {
        match self {
            Frames::Wav(w) => w.layout.sample_rate,
            Frames::Packets(p) => p.stream.sample_rate,
        }
    }

    /// Channels by the header (0 where it does not say).
    pub(super) fn channels(&self) -> usize {
        match self {
            Frames::Wav(w) => w.layout.channels,
            Frames::Packets(p) => p.stream.channels,
        }
    }

    /// The file's name for error messages.
    pub(super) fn name(&self) -> &Path {
        match self {
            Frames::Wav(w) => &w.name,
            Frames::Packets(p) => &p.stream.name,
        }
    }
}

/// Yields `librosa.stream`'s blocks one at a time (see the module docs).
pub struct BlockReader {
    frames: Frames,
    /// Decoded frames not yet consumed, one vector per channel.
    lanes: Vec<Vec<f32>>,
    /// Stream frame of `lanes[..][0]`.
    origin: u64,
    ended: bool,
    /// Frames requested (`duration`); `None`: to the end.
    limit: Option<u64>,
    fill: Option<f32>,
    /// Block size, overlap and step between block starts, in frames.
    size: u64,
    overlap: u64,
    step: u64,
    /// Index of the next block; `None` once the stream is over.
    next: Option<u64>,
    mono: bool,
}

impl BlockReader {
    /// Opens `source` for streaming; parameter and file errors surface here.
    pub fn open(source: &Source, opts: &StreamOptions) -> Result<BlockReader> {
        for (name, value) in [
            ("block_length", opts.block_length),
            ("frame_length", opts.frame_length),
            ("hop_length", opts.hop_length),
        ] {
            ensure(value > 0, name, || {
                format!("must be a positive integer, got {value}")
            })?;
        }
        // soundfile's `blocks` with a negative overlap re-reads and skips data
        // at random places: refused rather than imitated.
        ensure(opts.frame_length >= opts.hop_length, "frame_length", || {
            format!(
                "must be at least hop_length ({}) for streaming, got {}",
                opts.hop_length, opts.frame_length
            )
        })?;
        super::check_window(opts.offset, opts.duration)?;
        let size = (opts.block_length as u64 - 1)
            .checked_mul(opts.hop_length as u64)
            .and_then(|n| n.checked_add(opts.frame_length as u64))
            .filter(|&n| n <= u32::MAX as u64)
            .ok_or_else(|| {
                Error::param(
                    "block_length",
                    "frame_length + (block_length - 1) * hop_length must stay below 2**32 frames",
                )
            })?;
        let overlap = (opts.frame_length - opts.hop_length) as u64;
        // librosa: `if duration: frames = int(duration * sr)`, so 0 means "to the end".
        let duration = opts.duration.filter(|&d| d > 0.0);
        let frames = decode::shielded(source, || {
            Frames::open(source, opts.offset, duration, false)
        })?;
        let sr = frames.sample_rate() as f64;
        let limit = duration.map(|d| (d * sr).floor() as u64);
        Ok(BlockReader {
            frames,
            lanes: Vec::new(),
            origin: 0,
            ended: false,
            limit,
            fill: opts.fill_value,
            size,
            overlap,
            step: size - overlap,
            next: Some(0),
            mono: opts.mono,
        })
    }

    /// The file's sample rate (blocks are at this rate; nothing is resampled).
    pub fn sample_rate(&self) -> u32 {
        self.frames.sample_rate()
    }

    /// Frames buffered, over all channels.
    fn buffered(&self) -> u64 {
        let channels = self.channels();
        (0..channels)
            .map(|c| self.lanes.get(c).map_or(0, Vec::len))
            .min()
            .unwrap_or(0) as u64
    }

    fn channels(&self) -> usize {
        self.lanes.len().max(self.frames.channels()).max(1)
    }

    /// The next block, or `None` after the last one.
    pub fn next_block(&mut self) -> Result<Option<Block>> {
        let Some(k) = self.next else {
            return Ok(None);
        };
        let name = self.frames.name().to_path_buf();
        let result = decode::shielded_as(&name, || self.block(k));
        if !matches!(result, Ok(Some(_))) {
            self.next = None;
        }
        result
    }

    fn block(&mut self, k: u64) -> Result<Option<Block>> {
        let begin = k * self.step;
        let end = begin + self.size;
        let wanted = self.limit.map_or(end, |l| l.min(end));
        while !self.ended && self.origin + self.buffered() < wanted {
            self.ended = !self.frames.next(&mut self.lanes)?;
        }
        let buffered_end = self.origin + self.buffered();
        // Frames before `data_end` are audio; with a fill value the rest is fill.
        let data_end = self.limit.map_or(buffered_end, |l| l.min(buffered_end));
        // soundfile's frame count: with a fill value it keeps a requested
        // duration longer than the file; once all is read, it is exact, and
        // before that it is at least `min(limit, end)`, which is all that matters.
        let total = match (self.ended, self.fill, self.limit) {
            (true, Some(_), Some(l)) => l,
            _ => data_end,
        };
        let exists = if k == 0 {
            total > 0
        } else {
            begin + self.overlap < total
        };
        if !exists {
            return Ok(None);
        }
        let len = match self.fill {
            Some(_) => self.size,
            None => end.min(total) - begin,
        } as usize;
        let channels = self.channels();
        let mut samples = Vec::with_capacity(channels * len);
        for c in 0..channels {
            // cannot fail: frames `begin .. begin + data` are buffered (`data > 0`
            // implies `origin <= begin` and `begin + data <= origin + buffered`).
            let data = (data_end.max(begin).min(end) - begin) as usize;
            if data > 0 {
                let from = (begin - self.origin) as usize;
                let lane = self.lanes.get(c).map_or(&[][..], Vec::as_slice);
                samples.extend_from_slice(&lane[from..from + data]);
            }
            samples.resize((c + 1) * len, self.fill.unwrap_or(0.0));
        }
        // Keep only what the next block needs.
        let next_begin = begin + self.step;
        let drop = (next_begin - self.origin).min(self.buffered()) as usize;
        for lane in &mut self.lanes {
            lane.drain(..drop.min(lane.len()));
        }
        self.origin += drop as u64;
        self.next = Some(k + 1);
        if self.mono && channels > 1 {
            return Ok(Some(Block {
                samples: mix::to_mono(&samples, channels),
                channels: 1,
            }));
        }
        Ok(Some(Block { samples, channels }))
    }
}

/// The sample rate of `source` in Hz, from its header (`librosa.get_samplerate`).
pub fn sample_rate(source: &Source) -> Result<u32> {
    decode::sample_rate(source)
}

/// Frames in `source`, counted by decoding it packet by packet (for files whose
/// header declares no length), in constant memory.
pub fn count_frames(source: &Source) -> Result<(u64, u32)> {
    decode::shielded(source, || {
        let mut packets = Packets::open(source, 0.0, None, true)?;
        let mut lanes = Vec::new();
        let mut frames = 0u64;
        while packets.next(&mut lanes)? {
            frames += lanes.iter().map(Vec::len).min().unwrap_or(0) as u64;
            lanes.iter_mut().for_each(Vec::clear);
        }
        Ok((frames, packets.stream.sample_rate))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16-bit PCM WAV of `frames` frames of `channels` channels, sample
    /// `i * channels + c` holding that index.
    fn wav(frames: usize, channels: u16) -> Source {
        crate::audio::test_wav::pcm16(frames, channels, 1000, |i| i as i16)
    }

    fn options(block_length: usize, frame_length: usize, hop_length: usize) -> StreamOptions {
        StreamOptions {
            block_length,
            frame_length,
            hop_length,
            mono: false,
            offset: 0.0,
            duration: None,
            fill_value: None,
        }
    }

    fn blocks(source: &Source, opts: &StreamOptions) -> Vec<Block> {
        let mut reader = BlockReader::open(source, opts).unwrap();
        std::iter::from_fn(|| reader.next_block().unwrap()).collect()
    }

    #[test]
    fn blocks_overlap_like_soundfile() {
        let src = wav(1000, 1);
        let got = blocks(&src, &options(3, 100, 50));
        let lengths: Vec<usize> = got.iter().map(Block::frames).collect();
        assert_eq!(lengths, vec![200, 200, 200, 200, 200, 200, 100]);
        let opts = crate::audio::LoadOptions {
            sr: None,
            ..Default::default()
        };
        let whole = crate::audio::load(&src, &opts).unwrap().samples;
        for (k, b) in got.iter().enumerate() {
            assert_eq!(b.samples[..], whole[150 * k..150 * k + b.frames()]);
        }
    }

    #[test]
    fn fill_value_pads_to_full_blocks_and_duration() {
        let src = wav(1000, 2);
        let mut opts = options(3, 100, 50);
        opts.fill_value = Some(0.0);
        opts.offset = 0.5;
        opts.duration = Some(3.0);
        let got = blocks(&src, &opts);
        assert_eq!(got.len(), 20);
        assert!(got.iter().all(|b| b.frames() == 200 && b.channels == 2));
        assert!(got[5].samples.iter().all(|&x| x == 0.0));
        opts.mono = true;
        opts.fill_value = None;
        opts.duration = Some(0.2);
        let got = blocks(&src, &opts);
        assert_eq!((got.len(), got[0].frames(), got[0].channels), (1, 200, 1));
    }

    #[test]
    fn bad_parameters_and_files_are_typed_errors() {
        let src = wav(100, 1);
        for opts in [
            options(0, 10, 5),
            options(2, 0, 5),
            options(2, 10, 0),
            options(2, 5, 10),
        ] {
            assert!(matches!(
                BlockReader::open(&src, &opts),
                Err(Error::InvalidParameter { .. })
            ));
        }
        let missing = Source::Path(PathBuf::from("/no/such/file.flac"));
        assert!(matches!(
            BlockReader::open(&missing, &options(2, 10, 5)),
            Err(Error::FileNotFound { .. })
        ));
        assert_eq!(count_frames(&src).unwrap(), (100, 1000));
        assert_eq!(sample_rate(&src).unwrap(), 1000);
    }
}
