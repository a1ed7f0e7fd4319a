//! symphonia's packets decoded in order, a packet or a window at a time, in
//! bounded memory: the decoding behind both `load` and `stream`.
//!
//! - Serially ([`Packets::open`] with `parallel = false`, or a codec whose
//!   state never settles): one decoder sees every packet from the start (or
//!   from a sample-exact seek), one packet per [`Packets::next`].
//! - In parallel windows (`parallel = true`): each [`Packets::next`] reads
//!   [`SEGMENTS_PER_WINDOW`] segments of [`PACKETS_PER_SEGMENT`] packets or
//!   [`FRAMES_PER_SEGMENT`] frames and decodes them on the thread pool, each segment by a fresh decoder
//!   started [`WARM_UP_PACKETS`] early. The decoders' state has finite memory,
//!   so the frames equal a serial decode sample for sample. Packets that end
//!   before the requested offset are not decoded at all (beyond a warm-up).
//!
//! Either way, as libsndfile does: a file truncated mid-stream yields the
//! audio decoded before the damage, packets that fail to decode are skipped,
//! and a stream where nothing decodes although audio was expected is an error.

use rayon::prelude::*;
use symphonia::core::codecs::{Decoder, DecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::Packet;

use super::decode::{self, Stream};
use super::Source;
use crate::error::Result;

/// Packets a segment's fresh decoder decodes before its own, to rebuild the
/// state that lossy decoders carry between packets (mp3's bit reservoir and
/// MDCT overlap, vorbis's block overlap); their output is discarded.
const WARM_UP_PACKETS: usize = 8;
/// Packets per parallel decoding segment, at most.
const PACKETS_PER_SEGMENT: usize = 64;
/// Frames per parallel decoding segment, at most (past the packet that
/// reaches it): 64 mp3 packets; 18 flac packets of 4096 frames.
const FRAMES_PER_SEGMENT: u64 = 64 * 1152;
/// Segments per parallel window: enough to keep a few threads busy, while a
/// window stays a few seconds of audio (4 × 73,728 frames: 6.7 s at 44.1 kHz).
const SEGMENTS_PER_WINDOW: usize = 4;

/// What one segment decoded: per-channel samples, failed packets, last error.
type SegmentOutput = (Vec<Vec<f32>>, usize, Option<String>);

/// A track's packets, decoded in order onto per-channel vectors (see the module docs).
pub(super) struct Packets {
    pub(super) stream: Stream,
    /// The one decoder of a serial decode; `None` for parallel windows.
    decoder: Option<Box<dyn Decoder>>,
    /// Packets preceding the next window, kept to warm up its first segment's decoder.
    lead: Vec<Packet>,
    warm_up: usize,
    /// Parallel windows without a seek: packets ending at or before this
    /// decoded-stream frame are not decoded (beyond the warm-up); 0 once the
    /// first needed packet was read.
    from: u64,
    /// Frame where the requested offset lies in the decoded stream (priming included).
    begin: u64,
    /// Demultiplexing stops at the first packet starting at or after this
    /// frame, once a needed packet was read.
    until: u64,
    /// A packet the output needs (not only for warm-up) was read.
    needed_read: bool,
    /// Decoded frames still to drop before the stream's first frame (the part
    /// of the offset a seek did not cover).
    skip: u64,
    /// Frames handed out so far.
    decoded: u64,
    /// The first frame asked for.
    start: u64,
    /// Frames still to hand out (the duration asked for, and the MP4 edit list's end).
    remaining: u64,
    /// A duration of zero frames was asked for: no audio is expected.
    nothing_wanted: bool,
    /// Channels seen so far (at least the container's count).
    channels: usize,
    failures: usize,
    last_error: Option<String>,
    /// The demuxer has no more packets for us.
    exhausted: bool,
}

impl Packets {
    /// Opens `source` for frames from `floor(offset * sr)`, at most
    /// `floor(duration * sr)` of them (`None`: to the end): by a sample-exact
    /// seek where packets decode independently, otherwise by reading from the start.
    pub(super) fn open(
        source: &Source,
        offset: f64,
        duration: Option<f64>,
        parallel: bool,
    ) -> Result<Packets> {
        let decode::Opened {
            stream,
            start,
            begin,
            position,
        } = decode::open_at(source, offset)?;
        // A decoder whose state never settles must see every packet from the
        // start, in one pass (see `Stream::serial`).
        let parallel = parallel && !stream.serial;
        let decoder = match parallel {
            true => None,
            false => Some(new_decoder(&stream)?),
        };
        let limit = duration.map(|d| (d * stream.sample_rate as f64).floor() as u64);
        let end = stream.end.map_or(u64::MAX, |end| end.saturating_sub(start));
        let remaining = limit.unwrap_or(u64::MAX).min(end);
        // Without a seek, parallel windows skip the packets before `begin`
        // (their first needed packet then sets `skip`).
        let from = if parallel && position == 0 { begin } else { 0 };
        Ok(Packets {
            decoder,
            lead: Vec::new(),
            warm_up: if stream.exact_seek {
                0
            } else {
                WARM_UP_PACKETS
            },
            from,
            begin,
            until: begin.saturating_add(remaining),
            needed_read: false,
            skip: begin - position,
            decoded: 0,
            start,
            remaining,
            nothing_wanted: limit == Some(0),
            channels: stream.channels,
            failures: 0,
            last_error: None,
            exhausted: false,
            stream,
        })
    }

    /// Frames the whole read should yield by the container's count (exact for
    /// wav, aiff, flac, m4a and mp3 with a Xing/LAME header; an estimate or
    /// `None` elsewhere), within the limit asked for.
    pub(super) fn expected_frames(&self) -> Option<u64> {
        let declared = self.stream.n_frames?.saturating_sub(self.start);
        Some(declared.min(self.remaining))
    }

    /// Decodes the next packet (serial) or window (parallel) onto the ends of
    /// `lanes`, equally many frames on each; `false` at the end of the stream.
    pub(super) fn next(&mut self, lanes: &mut Vec<Vec<f32>>) -> Result<bool> {
        if self.remaining == 0 || self.exhausted {
            return self.end();
        }
        match self.decoder.is_some() {
            true => self.next_packet(lanes),
            false => self.next_window(lanes),
        }
    }

    /// The next packet of the track, or `None` at its end (noting the
    /// demuxer's error, if it stopped on one).
    fn read(&mut self) -> Option<Packet> {
        loop {
            match self.stream.format.next_packet() {
                Ok(p) if p.track_id() != self.stream.track_id => continue,
                Ok(p) => return Some(p),
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof => {}
                Err(SymphoniaError::ResetRequired) => {}
                Err(e) => self.last_error = Some(e.to_string()),
            }
            self.exhausted = true;
            return None;
        }
    }

    fn next_packet(&mut self, lanes: &mut Vec<Vec<f32>>) -> Result<bool> {
        loop {
            let Some(packet) = self.read() else {
                return self.end();
            };
            // cannot fail: `next` takes this path only with a decoder.
            let decoder = self.decoder.as_mut().expect("serial decoder");
            match decoder.decode(&packet) {
                Ok(buffer) => {
                    let skip = usize::try_from(self.skip).unwrap_or(usize::MAX);
                    let keep = usize::try_from(self.remaining).unwrap_or(usize::MAX);
                    let frames =
                        decode::append(&buffer, lanes, skip, keep, self.stream.sixteen_bit);
                    let dropped = skip.min(frames);
                    let kept = (frames - dropped).min(keep) as u64;
                    self.skip -= dropped as u64;
                    self.decoded += kept;
                    self.remaining -= kept;
                    return Ok(true);
                }
                Err(SymphoniaError::DecodeError(e)) => {
                    self.failures += 1;
                    self.last_error = Some(e.to_string());
                }
                Err(e) => return Err(decode::decode_error(&self.stream.name, e)),
            }
        }
    }

    fn next_window(&mut self, lanes: &mut Vec<Vec<f32>>) -> Result<bool> {
        let mut packets = std::mem::take(&mut self.lead);
        // Where each segment starts in `packets`, and the last one's size so far.
        let mut starts: Vec<usize> = Vec::with_capacity(SEGMENTS_PER_WINDOW);
        let (mut count, mut frames) = (0, 0u64);
        loop {
            let full = count == PACKETS_PER_SEGMENT || frames >= FRAMES_PER_SEGMENT;
            if full && starts.len() == SEGMENTS_PER_WINDOW {
                break;
            }
            let Some(p) = self.read() else { break };
            if self.needed_read && p.ts() >= self.until {
                self.exhausted = true;
                break;
            }
            if self.from > 0 && p.ts().saturating_add(p.dur()) <= self.from {
                // Before the window: kept only to warm the first decoder up.
                if self.warm_up > 0 {
                    if packets.len() == self.warm_up {
                        packets.remove(0);
                    }
                    packets.push(p);
                }
                continue;
            }
            if self.from > 0 {
                // The first needed packet: the decoded frames start at its timestamp.
                self.skip = self.begin.saturating_sub(p.ts());
                self.from = 0;
            }
            self.needed_read = true;
            if starts.is_empty() || full {
                starts.push(packets.len());
                (count, frames) = (0, 0);
            }
            count += 1;
            frames = frames.saturating_add(p.dur());
            packets.push(p);
        }
        if starts.is_empty() {
            self.lead = packets;
            return match self.exhausted {
                true => self.end(),
                false => Ok(true),
            };
        }
        let (stream, warm_up) = (&self.stream, self.warm_up);
        let outputs: Vec<Result<SegmentOutput>> = (0..starts.len())
            .into_par_iter()
            .map(|k| {
                let first = starts[k];
                let last = starts.get(k + 1).copied().unwrap_or(packets.len());
                let from = first.saturating_sub(warm_up);
                decode_packets(stream, &packets[from..last], first - from)
            })
            .collect();
        let mut parts = Vec::with_capacity(outputs.len());
        for output in outputs {
            let (part, failed, error) = output?;
            self.failures += failed;
            self.last_error = error.or(self.last_error.take());
            parts.push(part);
        }
        self.channels = parts
            .iter()
            .map(Vec::len)
            .fold(self.channels.max(1), usize::max);
        if lanes.len() < self.channels {
            lanes.resize(self.channels, Vec::new());
        }
        for part in &parts {
            // A segment contributes the frames all its channels have.
            let frames = (0..self.channels)
                .map(|c| part.get(c).map_or(0, Vec::len))
                .min()
                .unwrap_or(0);
            let dropped = (self.skip.min(frames as u64)) as usize;
            let kept =
                (frames - dropped).min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
            if kept > 0 {
                for (lane, decoded) in lanes.iter_mut().zip(part) {
                    lane.extend_from_slice(&decoded[dropped..dropped + kept]);
                }
            }
            self.skip -= dropped as u64;
            self.decoded += kept as u64;
            self.remaining -= kept as u64;
        }
        self.lead = packets.split_off(packets.len() - warm_up.min(packets.len()));
        Ok(true)
    }

    fn end(&mut self) -> Result<bool> {
        let s = &self.stream;
        let declared_audio = s.declares_audio && !self.nothing_wanted;
        let expected = self.failures > 0 || self.last_error.is_some() || declared_audio;
        // As librosa: with an offset, an empty result means "past the end".
        if self.decoded == 0 && self.start == 0 && expected {
            return Err(decode::nothing_decoded(s, self.last_error.take()));
        }
        Ok(false)
    }
}

/// A fresh decoder for the stream's track.
fn new_decoder(s: &Stream) -> Result<Box<dyn Decoder>> {
    symphonia::default::get_codecs()
        .make(&s.params, &DecoderOptions::default())
        .map_err(|e| decode::decode_error(&s.name, e))
}

/// Decodes `packets` with a fresh decoder, dropping the output of the first
/// `warm_up` packets.
fn decode_packets(s: &Stream, packets: &[Packet], warm_up: usize) -> Result<SegmentOutput> {
    let mut decoder = new_decoder(s)?;
    let mut lanes: Vec<Vec<f32>> = vec![Vec::new(); s.channels];
    let (mut failures, mut last_error) = (0, None);
    for (i, packet) in packets.iter().enumerate() {
        match decoder.decode(packet) {
            Ok(buffer) if i >= warm_up => {
                decode::append(&buffer, &mut lanes, 0, usize::MAX, s.sixteen_bit);
            }
            Ok(_) => {}
            Err(SymphoniaError::DecodeError(e)) if i >= warm_up => {
                failures += 1;
                last_error = Some(e.to_string());
            }
            Err(SymphoniaError::DecodeError(_) | SymphoniaError::IoError(_)) => {}
            Err(e) => return Err(decode::decode_error(&s.name, e)),
        }
    }
    Ok((lanes, failures, last_error))
}
