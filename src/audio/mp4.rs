//! The timing facts of an MP4/M4A audio track that symphonia 0.5.5 reads but
//! does not apply: the edit list (the encoder's priming frames, where the
//! presentation ends) and the sample table's packets.
//!
//! symphonia's isomp4 demuxer parses `elst` but keeps its entries private and
//! never trims, and its AAC decoder returns every packet's 1024 frames, the
//! encoder delay included. ffmpeg (what librosa's audioread backend runs)
//! starts the output at the first edit's `media_time`, drops the packets that
//! start at or after the edit's end (`media_time + segment_duration`), and
//! keeps all of the last packet it decodes (the encoder's padding included). [`TrackTiming::priming`] and [`TrackTiming::decoded_frames`]
//! give what is needed to produce the same samples.
//!
//! The parser reads only the box headers of the top level and the `moov` box
//! (bounded in size), checks every length, and never panics.

use std::io::{Read, Seek, SeekFrom};

/// `moov` boxes larger than this are not parsed (the file then decodes
/// untrimmed, as symphonia returns it).
const MAX_MOOV: u64 = 64 << 20;

/// Top-level boxes walked before giving up on finding `moov`.
const MAX_TOP_LEVEL: usize = 4096;

/// Timing of one `trak`, in its media time scale (`mdhd`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrackTiming {
    /// Ticks per second of the track's media time (`mdhd` time scale).
    pub timescale: u32,
    /// `media_time` of the first edit that is not an empty edit (`-1`), i.e.
    /// where presentation starts in the decoded media; 0 without an edit list.
    pub media_start: u64,
    /// Packets (samples, in MP4 terms) of the sample table (`stts`) that start
    /// before the first edit ends: the packets ffmpeg decodes.
    pub packets: u64,
    /// Sum of those packets' durations in `stts`, in media ticks.
    pub media_duration: u64,
    /// The four-character code of the first sample entry (`stsd`): the codec
    /// (`mp4a`, `alac`, `Opus`, `ac-3`, ...), for error messages.
    pub codec: [u8; 4],
}

impl TrackTiming {
    /// Frames to drop from the start of the decoded stream, at `sample_rate`
    /// (the edit's `media_time` rescaled from the media time scale, which is
    /// the sample rate itself in files from ffmpeg and iTunes).
    pub fn priming(&self, sample_rate: u32) -> u64 {
        rescale(self.media_start, self.timescale, sample_rate)
    }

    /// Frames the output has once the priming is dropped, when every packet
    /// decodes to `frames_per_packet` frames (1024 for AAC-LC): ffmpeg keeps
    /// the whole last packet, so this is `packets * frames_per_packet -
    /// priming`. With `frames_per_packet == None` (codecs whose packets vary,
    /// such as ALAC, whose last packet is short) the `stts` durations are the
    /// decoded lengths: `media_duration - priming`.
    pub fn decoded_frames(&self, sample_rate: u32, frames_per_packet: Option<u64>) -> u64 {
        let total = match frames_per_packet {
            Some(n) => self.packets.saturating_mul(n),
            None => rescale(self.media_duration, self.timescale, sample_rate),
        };
        total.saturating_sub(self.priming(sample_rate))
    }
}

/// `value` ticks of `1 / from` seconds in ticks of `1 / to` seconds, rounded down.
fn rescale(value: u64, from: u32, to: u32) -> u64 {
    if from == to || from == 0 {
        return value;
    }
    let scaled = u128::from(value) * u128::from(to) / u128::from(from);
    u64::try_from(scaled).unwrap_or(u64::MAX)
}

/// The timing of every `trak` of an MP4 file, in file order (symphonia's track
/// ids are these indices); `None` if `reader` is not an MP4 file or its `moov`
/// cannot be found or read. Reads from the current position's start of file;
/// the caller seeks back.
pub fn track_timings<R: Read + Seek + ?Sized>(reader: &mut R) -> Option<Vec<TrackTiming>> {
    let len = reader.seek(SeekFrom::End(0)).ok()?;
    let mut at = 0u64;
    let mut saw_ftyp = false;
    for _ in 0..MAX_TOP_LEVEL {
        if at.checked_add(8)? > len {
            return None;
        }
        reader.seek(SeekFrom::Start(at)).ok()?;
        let mut head = [0u8; 16];
        reader.read_exact(&mut head[..8]).ok()?;
        let kind: [u8; 4] = head[4..8].try_into().ok()?;
        let (size, header) = match u32::from_be_bytes(head[..4].try_into().ok()?) {
            0 => (len - at, 8),
            1 => {
                reader.read_exact(&mut head[8..16]).ok()?;
                (u64::from_be_bytes(head[8..16].try_into().ok()?), 16)
            }
            n => (u64::from(n), 8),
        };
        if size < header || at.checked_add(size)? > len {
            return None;
        }
        if at == 0 && &kind != b"ftyp" {
            return None; // not ISO base media
        }
        saw_ftyp |= &kind == b"ftyp";
        if &kind == b"moov" && saw_ftyp {
            let body_len = size - header;
            if body_len > MAX_MOOV {
                return None;
            }
            let mut body = vec![0u8; usize::try_from(body_len).ok()?];
            reader.read_exact(&mut body).ok()?;
            return Some(
                children(&body)
                    .filter(|(kind, _)| kind == b"trak")
                    .map(|(_, trak)| trak_timing(trak, movie_timescale(&body)))
                    .collect(),
            );
        }
        at += size;
    }
    None
}

/// The child boxes of a box body: `(type, body)` pairs; stops at the first
/// malformed header.
fn children(mut data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    std::iter::from_fn(move || {
        let size32 = u32::from_be_bytes(data.get(..4)?.try_into().ok()?);
        let kind: [u8; 4] = data.get(4..8)?.try_into().ok()?;
        let (size, header) = match size32 {
            0 => (data.len(), 8),
            1 => (
                usize::try_from(u64::from_be_bytes(data.get(8..16)?.try_into().ok()?)).ok()?,
                16,
            ),
            n => (usize::try_from(n).ok()?, 8),
        };
        let body = data.get(header..size)?;
        data = &data[size..];
        Some((kind, body))
    })
}

/// The body of the first child of type `kind`, following `path` downwards.
fn find<'a>(data: &'a [u8], path: &[&[u8; 4]]) -> Option<&'a [u8]> {
    let (first, rest) = path.split_first()?;
    let body = children(data).find(|(k, _)| k == *first)?.1;
    if rest.is_empty() {
        Some(body)
    } else {
        find(body, rest)
    }
}

fn be_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

/// The time scale of a `moov` body's `mvhd` (edit durations count in it).
fn movie_timescale(moov: &[u8]) -> u32 {
    find(moov, &[b"mvhd"])
        .and_then(header_timescale)
        .unwrap_or(0)
}

/// The time scale of an `mvhd` or `mdhd` body (version 1: 8-byte creation and
/// modification times, else 4-byte ones).
fn header_timescale(body: &[u8]) -> Option<u32> {
    be_u32(body, if body.first() == Some(&1) { 20 } else { 12 })
}

/// A `trak` body's timing (edit durations in `movie_timescale` ticks); fields
/// it cannot read stay 0.
fn trak_timing(trak: &[u8], movie_timescale: u32) -> TrackTiming {
    let mut t = TrackTiming {
        timescale: find(trak, &[b"mdia", b"mdhd"])
            .and_then(header_timescale)
            .unwrap_or(0),
        ..TrackTiming::default()
    };
    if let Some(code) = find(trak, &[b"mdia", b"minf", b"stbl", b"stsd"])
        .and_then(|stsd| stsd.get(12..16))
        .and_then(|code| code.try_into().ok())
    {
        t.codec = code;
    }
    // Where the presentation ends, in media ticks; `None`: at the media's end.
    let mut end = None;
    if let Some((segment, media_time)) = find(trak, &[b"edts", b"elst"]).and_then(first_edit) {
        t.media_start = media_time;
        // A zero duration (some muxers write it) or an unknown movie time scale: no end.
        if segment > 0 && movie_timescale > 0 {
            end = Some(media_time.saturating_add(rescale(segment, movie_timescale, t.timescale)));
        }
    }
    if let Some(stts) = find(trak, &[b"mdia", b"minf", b"stbl", b"stts"]) {
        let mut ts = 0u64; // start of the entry's first packet
        let entries = be_u32(stts, 4).unwrap_or(0) as usize;
        for i in 0..entries {
            let (Some(count), Some(delta)) = (be_u32(stts, 8 + 8 * i), be_u32(stts, 12 + 8 * i))
            else {
                break;
            };
            let (count, delta) = (u64::from(count), u64::from(delta));
            let kept = match end {
                Some(end) if ts >= end => 0,
                Some(end) if delta > 0 => count.min((end - ts).div_ceil(delta)),
                _ => count,
            };
            t.packets = t.packets.saturating_add(kept);
            t.media_duration = t.media_duration.saturating_add(kept * delta);
            ts = ts.saturating_add(count * delta);
        }
    }
    t
}

/// `(segment_duration, media_time)` of the first non-empty edit (`media_time`
/// not -1) of an `elst` body; ffmpeg inserts nothing for the empty edits
/// before it when decoding to PCM.
fn first_edit(elst: &[u8]) -> Option<(u64, u64)> {
    let version = *elst.first()?;
    let count = be_u32(elst, 4)? as usize;
    // segment_duration, media_time, then media_rate (4 bytes).
    let (entry, wide) = if version == 1 {
        (20, true)
    } else {
        (12, false)
    };
    for i in 0..count {
        let at = 8 + i * entry;
        let (segment, media_time) = if wide {
            (be_u64(elst, at)?, be_u64(elst, at + 8)? as i64)
        } else {
            (
                u64::from(be_u32(elst, at)?),
                i64::from(be_u32(elst, at + 4)? as i32),
            )
        };
        if media_time >= 0 {
            return Some((segment, media_time as u64));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn atom(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend(kind);
        v.extend(body);
        v
    }

    /// A minimal MP4 with one audio trak shaped like ffmpeg's AAC output:
    /// 108 packets of 1024 ticks and a last one of 805, an edit from 1024.
    fn file(elst_version: u8, edits: &[(u64, i64)]) -> Vec<u8> {
        let mut mvhd = vec![0u8; 12];
        mvhd.extend(1000u32.to_be_bytes()); // movie time: milliseconds, as ffmpeg writes
        mvhd.extend(2503u32.to_be_bytes());
        let mut mdhd = vec![0u8; 12];
        mdhd.extend(44100u32.to_be_bytes());
        mdhd.extend(111_397u32.to_be_bytes());
        let mut stts = vec![0, 0, 0, 0];
        stts.extend(2u32.to_be_bytes());
        for (count, delta) in [(108u32, 1024u32), (1, 805)] {
            stts.extend(count.to_be_bytes());
            stts.extend(delta.to_be_bytes());
        }
        let mut elst = vec![elst_version, 0, 0, 0];
        elst.extend((edits.len() as u32).to_be_bytes());
        for &(duration, media_time) in edits {
            if elst_version == 1 {
                elst.extend(duration.to_be_bytes());
                elst.extend(media_time.to_be_bytes());
            } else {
                elst.extend((duration as u32).to_be_bytes());
                elst.extend((media_time as i32).to_be_bytes());
            }
            elst.extend([0, 1, 0, 0]);
        }
        let stbl = atom(b"stbl", &atom(b"stts", &stts));
        let mdia = [atom(b"mdhd", &mdhd), atom(b"minf", &stbl)].concat();
        let trak = [atom(b"edts", &atom(b"elst", &elst)), atom(b"mdia", &mdia)].concat();
        [
            atom(b"ftyp", b"M4A \0\0\x02\0"),
            atom(b"mdat", &[0u8; 100]),
            atom(
                b"moov",
                &[atom(b"mvhd", &mvhd), atom(b"trak", &trak)].concat(),
            ),
        ]
        .concat()
    }

    #[test]
    fn reads_edit_list_and_sample_table() {
        for version in [0, 1] {
            let t = track_timings(&mut Cursor::new(file(version, &[(2503, 1024)]))).unwrap();
            assert_eq!(
                t,
                vec![TrackTiming {
                    timescale: 44100,
                    media_start: 1024,
                    packets: 109,
                    media_duration: 111_397,
                    codec: [0; 4],
                }]
            );
            // ffmpeg's output: every packet's 1024 frames, less the priming.
            assert_eq!(t[0].priming(44100), 1024);
            assert_eq!(t[0].decoded_frames(44100, Some(1024)), 109 * 1024 - 1024);
            assert_eq!(t[0].decoded_frames(44100, None), 111_397 - 1024);
        }
        // A leading empty edit (-1) is skipped; the first real edit counts.
        let t = track_timings(&mut Cursor::new(file(0, &[(10, -1), (2503, 2112)]))).unwrap();
        assert_eq!((t[0].media_start, t[0].packets), (2112, 109));
        // An edit from 0 for 2.503 s ends at frame 110_382: the last packet
        // starts at 110_592 and is dropped, as ffmpeg drops it.
        let t = track_timings(&mut Cursor::new(file(0, &[(2503, 0)]))).unwrap();
        assert_eq!((t[0].packets, t[0].media_duration), (108, 108 * 1024));
        assert_eq!(t[0].decoded_frames(44100, Some(1024)), 110_592);
        // Duration 0 (no end) keeps every packet.
        let t = track_timings(&mut Cursor::new(file(1, &[(0, 1024)]))).unwrap();
        assert_eq!(t[0].packets, 109);
    }

    #[test]
    fn trim_arithmetic_rescales_and_saturates() {
        let t = TrackTiming {
            timescale: 88200,
            media_start: 2048,
            packets: 3,
            media_duration: 6000,
            ..TrackTiming::default()
        };
        assert_eq!(t.priming(44100), 1024);
        assert_eq!(t.decoded_frames(44100, Some(1024)), 2048);
        assert_eq!(t.decoded_frames(44100, None), 3000 - 1024);
        let short = TrackTiming {
            media_start: 7000,
            ..t
        };
        assert_eq!(short.decoded_frames(44100, Some(1024)), 0);
        assert_eq!(rescale(u64::MAX, 1, 2), u64::MAX);
        assert_eq!(TrackTiming::default().priming(48000), 0);
    }

    #[test]
    fn other_and_damaged_files_give_none() {
        assert_eq!(
            track_timings(&mut Cursor::new(b"RIFF....WAVE".to_vec())),
            None
        );
        assert_eq!(track_timings(&mut Cursor::new(Vec::new())), None);
        let whole = file(0, &[(2503, 1024)]);
        for cut in [10, 30, whole.len() - 1] {
            assert_eq!(track_timings(&mut Cursor::new(whole[..cut].to_vec())), None);
        }
        // A box claiming more than the file holds.
        let mut lying = whole.clone();
        lying[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(track_timings(&mut Cursor::new(lying)), None);
    }
}
