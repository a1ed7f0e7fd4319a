//! Decoding with symphonia, converted to float32 exactly as libsndfile does.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use symphonia::core::audio::{AudioBufferRef, Signal};
use symphonia::core::codecs::{
    CodecParameters, DecoderOptions, CODEC_TYPE_AAC, CODEC_TYPE_ADPCM_IMA_WAV, CODEC_TYPE_ADPCM_MS,
    CODEC_TYPE_ALAC, CODEC_TYPE_MP1, CODEC_TYPE_MP2, CODEC_TYPE_MP3, CODEC_TYPE_NULL,
    CODEC_TYPE_OPUS, CODEC_TYPE_VORBIS,
};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader, Packet, SeekMode, SeekTo};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use super::{file, mp4, wav, Source};
use crate::error::{Error, Result};

/// Decoded audio at the file's own rate: `channels × frames`, channel-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// Samples of each channel, one after the other.
    pub samples: Vec<f32>,
    /// Number of channels.
    pub channels: usize,
    /// Sample rate in Hz.
    pub sample_rate: u32,
}

/// An opened stream: the demuxer, its audio track's decoder and parameters.
pub(super) struct Stream {
    pub(super) format: Box<dyn FormatReader>,
    pub(super) params: CodecParameters,
    pub(super) track_id: u32,
    pub(super) sample_rate: u32,
    pub(super) channels: usize,
    /// Frames the decode yields once `priming` is dropped, where the container
    /// tells it exactly; `None` where only decoding can tell (ADTS, whose
    /// symphonia estimate is approximate).
    pub(super) n_frames: Option<u64>,
    /// The container declares audio (symphonia's frame count, even estimated,
    /// is above 0): a decode yielding nothing is then an error.
    pub(super) declares_audio: bool,
    /// Frames after the priming where the MP4 edit list ends the output
    /// (ffmpeg decodes only the packets that start before the edit's end):
    /// decoded frames past it are dropped. `None` for other formats.
    pub(super) end: Option<u64>,
    /// Frames of encoder delay to drop from the start of the decoded stream:
    /// the MP4 edit list's start (AAC's priming, 1024 frames from ffmpeg's
    /// encoder), as ffmpeg drops them; 0 for every other format. Packet
    /// timestamps count from the undropped start.
    pub(super) priming: u64,
    /// Packets decode independently (PCM, ADPCM, FLAC, ALAC): seeking is
    /// sample-exact and parallel segments need no warm-up.
    pub(super) exact_seek: bool,
    /// The decoder's state never settles, so no warm-up rebuilds it: AAC's
    /// perceptual noise substitution draws from one pseudo-random generator
    /// for the whole stream (as ffmpeg's does). Such streams decode in one
    /// pass from their first packet, whatever the offset.
    pub(super) serial: bool,
    /// librosa reads this codec (AAC, ALAC) through audioread, which asks
    /// ffmpeg for 16-bit PCM: samples are delivered as that 16-bit PCM is
    /// (see [`append`]), so features equal librosa's on m4a files too.
    pub(super) sixteen_bit: bool,
    pub(super) name: PathBuf,
}

/// The formats tunelens decodes, as error messages list them.
pub(super) const SUPPORTED: &str =
    "wav, aiff, flac, mp3, ogg/vorbis, and AAC-LC or ALAC in m4a/mp4 and ADTS .aac";

/// Frames every AAC-LC packet decodes to (symphonia decodes AAC-LC only).
const AAC_FRAMES_PER_PACKET: u64 = 1024;

pub(super) fn decode_error(name: &Path, err: SymphoniaError) -> Error {
    match err {
        SymphoniaError::Unsupported(what) => Error::UnsupportedFormat {
            path: name.to_path_buf(),
            message: format!("{what} (tunelens decodes {SUPPORTED})"),
        },
        SymphoniaError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode {
                path: name.to_path_buf(),
                message: "the file is empty or truncated before any audio".into(),
            }
        }
        other => Error::Decode {
            path: name.to_path_buf(),
            message: other.to_string(),
        },
    }
}

pub(super) fn open(source: &Source) -> Result<Stream> {
    let name = source.name();
    let (mut media, extension): (Box<dyn MediaSource>, Option<String>) = match source {
        Source::Path(path) => (
            Box::new(file::open(path)?),
            path.extension().map(|e| e.to_string_lossy().to_lowercase()),
        ),
        Source::Bytes { data, hint } => (Box::new(Cursor::new(data.clone())), hint.clone()),
    };
    check_wav_header(&mut *media, &name)?;
    refuse_foreign_container(&mut *media, &name)?;
    let timings = mp4::track_timings(&mut *media);
    rewind(&mut *media, &name)?;
    let mut hint = Hint::new();
    if let Some(ext) = &extension {
        hint.with_extension(ext);
    }
    let stream = MediaSourceStream::new(media, Default::default());
    let options = FormatOptions {
        enable_gapless: true,
        ..Default::default()
    };
    let probed = symphonia::default::get_probe()
        .format(&hint, stream, &options, &MetadataOptions::default())
        .map_err(|e| decode_error(&name, e))?;
    let format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| Error::UnsupportedFormat {
            path: name.clone(),
            message: match timings.as_ref().and_then(|t| t.first()) {
                // An MP4 audio track whose codec symphonia does not know (AC-3, E-AC-3, ...).
                Some(t) if t.codec != [0; 4] => format!(
                    "the MP4 codec '{}' is unsupported (tunelens decodes {SUPPORTED})",
                    String::from_utf8_lossy(&t.codec).trim()
                ),
                _ => "the container holds no audio track".into(),
            },
        })?;
    let params = track.codec_params.clone();
    let sample_rate = params
        .sample_rate
        .filter(|&sr| sr > 0)
        .ok_or_else(|| Error::Decode {
            path: name.clone(),
            message: "the audio track declares no sample rate".into(),
        })?;
    check_adpcm(&params, &name)?;
    check_aac_profile(&params, sample_rate, &name)?;
    // Fail early (and name the codec) if no decoder exists for it.
    symphonia::default::get_codecs()
        .make(&params, &DecoderOptions::default())
        .map_err(|e| match e {
            SymphoniaError::Unsupported(_) => Error::UnsupportedFormat {
                path: name.clone(),
                message: format!(
                    "the {} codec is unsupported (tunelens decodes {SUPPORTED})",
                    codec_name(params.codec)
                ),
            },
            other => decode_error(&name, other),
        })?;
    let channels = params.channels.map(|c| c.count()).unwrap_or(0);
    let timing = timings
        .as_ref()
        .and_then(|t| t.get(track.id as usize))
        .filter(|t| t.timescale > 0 && t.packets > 0);
    let is_aac = params.codec == CODEC_TYPE_AAC;
    let (priming, n_frames, end) = match timing {
        Some(t) => {
            let per_packet = is_aac.then_some(AAC_FRAMES_PER_PACKET);
            let frames = t.decoded_frames(sample_rate, per_packet);
            (t.priming(sample_rate), Some(frames), Some(frames))
        }
        // ADTS: symphonia estimates the length from a few frames' sizes.
        None if is_aac => (0, None, None),
        // A fragmented MP4 declares 0 frames in its (empty) sample table:
        // only decoding can tell its length.
        None => (0, params.n_frames.filter(|&n| n > 0), None),
    };
    // Lossy codecs carry state from packet to packet; PCM, ADPCM and FLAC do not.
    let exact_seek = ![
        CODEC_TYPE_MP1,
        CODEC_TYPE_MP2,
        CODEC_TYPE_MP3,
        CODEC_TYPE_VORBIS,
        CODEC_TYPE_AAC,
        CODEC_TYPE_OPUS,
    ]
    .contains(&params.codec);
    Ok(Stream {
        track_id: track.id,
        format,
        sample_rate,
        channels,
        n_frames,
        declares_audio: params.n_frames.is_some_and(|n| n > 0),
        priming,
        end,
        exact_seek,
        serial: is_aac,
        sixteen_bit: is_aac || params.codec == CODEC_TYPE_ALAC,
        name,
        params,
    })
}

/// A stream opened for reading from a given offset (see [`open_at`]).
pub(super) struct Opened {
    pub(super) stream: Stream,
    /// The first output frame, `floor(offset * sr)`.
    pub(super) start: u64,
    /// The same frame in the decoded stream, which starts with the priming.
    pub(super) begin: u64,
    /// The decoded-stream frame at which the first packet read starts (0
    /// without a seek).
    pub(super) position: u64,
}

/// Opens `source` for output from `offset` seconds: where packets decode
/// independently it seeks to the frame (reopening from the start when the
/// seek fails or overshoots); other streams are read from their start.
pub(super) fn open_at(source: &Source, offset: f64) -> Result<Opened> {
    let mut stream = open(source)?;
    let start = (offset * stream.sample_rate as f64).floor() as u64;
    let begin = start.saturating_add(stream.priming);
    let mut position = 0;
    if begin > 0 && stream.exact_seek {
        let to = SeekTo::TimeStamp {
            ts: begin,
            track_id: stream.track_id,
        };
        match stream.format.seek(SeekMode::Accurate, to) {
            Ok(seeked) if seeked.actual_ts <= begin => position = seeked.actual_ts,
            _ => stream = open(source)?,
        }
    }
    Ok(Opened {
        stream,
        start,
        begin,
        position,
    })
}

/// Seeks `media` back to its start after a header was peeked at.
fn rewind(media: &mut dyn MediaSource, name: &Path) -> Result<()> {
    media
        .seek(std::io::SeekFrom::Start(0))
        .map(drop)
        .map_err(|source| Error::Io {
            path: name.to_path_buf(),
            source,
        })
}

/// Refuses a WAV whose `fmt ` chunk libsndfile refuses too
/// ([`wav::Declared::problem`]: no or an absurd sample rate, no or too many
/// channels, impossible sample sizes), naming the field, before symphonia
/// probes it (sample rate 0 makes it panic building a time base; others
/// would decode to nothing). Leaves `media` at its start.
fn check_wav_header(media: &mut dyn MediaSource, name: &Path) -> Result<()> {
    let declared = wav::declared(media);
    rewind(media, name)?;
    match declared.and_then(|d| d.problem()) {
        Some(message) => Err(Error::Decode {
            path: name.to_path_buf(),
            message,
        }),
        None => Ok(()),
    }
}

/// Refuses a file whose header's sample rate `native` is too far from the
/// requested `sr` (`target`) for libsoxr ([`super::resample::MAX_RATIO`]):
/// the header is at fault, not an argument, so the message names the file.
pub(super) fn check_resampleable(name: &Path, native: u32, target: u32) -> Result<()> {
    let limit = super::resample::MAX_RATIO;
    let ratio = f64::from(target) / f64::from(native);
    if (1.0 / limit..=limit).contains(&ratio) {
        return Ok(());
    }
    Err(Error::Decode {
        path: name.to_path_buf(),
        message: format!(
            "the header's sample rate {native} Hz is invalid for resampling to sr={target} Hz (more than {limit}x apart); load it with sr=None"
        ),
    })
}

/// Containers tunelens does not read (all of them libsndfile or ffmpeg do),
/// told by their first bytes, so that the message names the container instead
/// of symphonia's probe running into the end of the file.
fn foreign_container(head: &[u8]) -> Option<&'static str> {
    /// The GUID that follows `riff` in a Sony Wave64 file.
    const W64_RIFF: [u8; 12] = [
        0x2E, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00,
    ];
    let at = |i: usize, magic: &[u8]| head.get(i..i + magic.len()) == Some(magic);
    if (at(0, b"RF64") || at(0, b"BW64")) && at(8, b"WAVE") {
        Some("RF64 (64-bit WAV)")
    } else if at(0, b"riff") && at(4, &W64_RIFF) {
        Some("Sony Wave64 (W64)")
    } else if at(0, b"caff") {
        Some("Core Audio Format (CAF)")
    } else if at(0, b".snd") {
        Some("Sun/NeXT audio (.au)")
    } else if at(0, b"#!AMR") {
        Some("AMR")
    } else if at(0, b"wvpk") {
        Some("WavPack")
    } else if at(0, b"MAC ") {
        Some("Monkey's Audio (APE)")
    } else {
        None
    }
}

/// Refuses the containers [`foreign_container`] recognises with
/// [`Error::UnsupportedFormat`] naming them. Leaves `media` at its start.
fn refuse_foreign_container(media: &mut dyn MediaSource, name: &Path) -> Result<()> {
    let mut head = [0u8; 16];
    let mut filled = 0;
    while filled < head.len() {
        match media.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(Error::Io {
                    path: name.to_path_buf(),
                    source,
                })
            }
        }
    }
    rewind(media, name)?;
    match foreign_container(&head[..filled]) {
        Some(container) => Err(Error::UnsupportedFormat {
            path: name.to_path_buf(),
            message: format!("{container} is unsupported (tunelens decodes {SUPPORTED})"),
        }),
        None => Ok(()),
    }
}

/// The name of a codec symphonia knows but has no decoder for here.
fn codec_name(codec: symphonia::core::codecs::CodecType) -> String {
    use symphonia::core::codecs::*;
    let known = [
        (CODEC_TYPE_OPUS, "Opus"),
        (CODEC_TYPE_SPEEX, "Speex"),
        (CODEC_TYPE_EAC3, "E-AC-3"),
        (CODEC_TYPE_AC4, "AC-4"),
        (CODEC_TYPE_DCA, "DTS"),
        (CODEC_TYPE_WMA, "WMA"),
        (CODEC_TYPE_MUSEPACK, "Musepack"),
        (CODEC_TYPE_WAVPACK, "WavPack"),
        (CODEC_TYPE_MONKEYS_AUDIO, "Monkey's Audio"),
        (CODEC_TYPE_TTA, "TTA"),
        (CODEC_TYPE_ATRAC1, "ATRAC1"),
        (CODEC_TYPE_ATRAC3, "ATRAC3"),
        (CODEC_TYPE_ATRAC3PLUS, "ATRAC3plus"),
        (CODEC_TYPE_ATRAC9, "ATRAC9"),
        (CODEC_TYPE_ADPCM_G722, "G.722 ADPCM"),
        (CODEC_TYPE_ADPCM_G726, "G.726 ADPCM"),
        (CODEC_TYPE_ADPCM_G726LE, "G.726 ADPCM"),
        (CODEC_TYPE_ADPCM_IMA_QT, "QuickTime IMA ADPCM"),
    ];
    known
        .iter()
        .find(|(c, _)| *c == codec)
        .map_or_else(|| format!("codec {codec}"), |(_, n)| (*n).to_string())
}

/// symphonia's AAC decoder decodes the AAC-LC core only: an HE-AAC stream
/// (spectral band replication, v1, or parametric stereo, v2) would decode to
/// half its bandwidth at half its rate. Refused when the AudioSpecificConfig
/// says so explicitly (object type 5 or 29) or implicitly (the container's
/// rate is twice the config's, the SBR output rate).
fn check_aac_profile(params: &CodecParameters, sample_rate: u32, name: &Path) -> Result<()> {
    const RATES: [u32; 13] = [
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    ];
    let config = match params.extra_data.as_deref() {
        Some(config) if params.codec == CODEC_TYPE_AAC && config.len() >= 2 => config,
        _ => return Ok(()),
    };
    let object_type = config[0] >> 3; // cannot fail: `config` has at least 2 bytes
    let rate_index = usize::from(((config[0] & 0x07) << 1) | (config[1] >> 7));
    let core_rate = RATES.get(rate_index).copied();
    let profile = match object_type {
        5 => Some("HE-AAC (SBR)"),
        29 => Some("HE-AACv2 (parametric stereo)"),
        _ if core_rate.is_some_and(|r| r.saturating_mul(2) == sample_rate) => {
            Some("HE-AAC (SBR, implicitly signalled)")
        }
        _ => None,
    };
    match profile {
        Some(profile) => Err(Error::UnsupportedFormat {
            path: name.to_path_buf(),
            message: format!("{profile} is unsupported (tunelens decodes {SUPPORTED})"),
        }),
        None => Ok(()),
    }
}

/// symphonia's ADPCM decoder handles one or two channels and needs a block
/// size: it panics on anything else, so such files are refused up front.
fn check_adpcm(params: &CodecParameters, name: &Path) -> Result<()> {
    if ![CODEC_TYPE_ADPCM_IMA_WAV, CODEC_TYPE_ADPCM_MS].contains(&params.codec) {
        return Ok(());
    }
    let channels = params.channels.map_or(0, |c| c.count());
    let block = params.frames_per_block.unwrap_or(0);
    if (1..=2).contains(&channels) && block > 0 {
        return Ok(());
    }
    Err(Error::UnsupportedFormat {
        path: name.to_path_buf(),
        message: format!(
            "ADPCM with {channels} channels and {block} frames per block (tunelens decodes mono or stereo ADPCM with a block size)"
        ),
    })
}

/// One float sample as ffmpeg's float-to-s16 conversion delivers it
/// (`av_clip_int16(lrintf(x * 32768))`), read back as librosa does (`/ 32768`).
fn ffmpeg_s16(x: f32) -> f32 {
    (x * 32768.0).round_ties_even().clamp(-32768.0, 32767.0) * (1.0 / 32768.0)
}

/// Appends one decoded buffer to per-channel vectors, skipping the first `skip`
/// frames and keeping at most `keep` frames; returns the frames consumed.
///
/// Samples become float32 as libsndfile converts them (what soundfile returns),
/// or, with `sixteen_bit`, as ffmpeg's 16-bit PCM output read by audioread
/// (librosa's path for AAC and ALAC): floats rounded to 16 bits, wider
/// integers shifted down to their top 16 bits.
pub(super) fn append(
    buffer: &AudioBufferRef<'_>,
    out: &mut Vec<Vec<f32>>,
    skip: usize,
    keep: usize,
    sixteen_bit: bool,
) -> usize {
    macro_rules! convert {
        ($buf:expr, $to_f32:expr) => {{
            let buf = $buf;
            let frames = buf.frames();
            let channels = buf.spec().channels.count();
            if out.len() < channels {
                out.resize(channels, Vec::new());
            }
            let (start, end) = (skip.min(frames), skip.saturating_add(keep).min(frames));
            for (c, lane) in out.iter_mut().enumerate().take(channels) {
                lane.extend(buf.chan(c)[start..end].iter().map($to_f32));
            }
            frames
        }};
    }
    // libsndfile's integer-to-float conversions (the float32 that soundfile returns).
    const S8: f32 = 1.0 / 128.0;
    const S16: f32 = 1.0 / 32768.0;
    const S24: f32 = 1.0 / 8_388_608.0;
    const S32: f32 = 1.0 / 2_147_483_648.0;
    match buffer {
        AudioBufferRef::S24(b) if sixteen_bit => {
            convert!(b, |v: &symphonia::core::sample::i24| (v.inner() >> 8)
                as f32
                * S16)
        }
        AudioBufferRef::S32(b) if sixteen_bit => convert!(b, |&v: &i32| (v >> 16) as f32 * S16),
        AudioBufferRef::F32(b) if sixteen_bit => convert!(b, |&v: &f32| ffmpeg_s16(v)),
        AudioBufferRef::F64(b) if sixteen_bit => convert!(b, |&v: &f64| ffmpeg_s16(v as f32)),
        AudioBufferRef::U8(b) => convert!(b, |&v: &u8| (v as f32 - 128.0) * S8),
        AudioBufferRef::S8(b) => convert!(b, |&v: &i8| v as f32 * S8),
        AudioBufferRef::U16(b) => convert!(b, |&v: &u16| (v as i32 - 32768) as f32 * S16),
        AudioBufferRef::S16(b) => convert!(b, |&v: &i16| v as f32 * S16),
        AudioBufferRef::U24(b) => convert!(b, |v: &symphonia::core::sample::u24| (v.inner() as i32
            - 8_388_608)
            as f32
            * S24),
        AudioBufferRef::S24(b) => {
            convert!(b, |v: &symphonia::core::sample::i24| v.inner() as f32 * S24)
        }
        AudioBufferRef::U32(b) => convert!(b, |&v: &u32| (v as i64 - 2_147_483_648) as f32 * S32),
        AudioBufferRef::S32(b) => convert!(b, |&v: &i32| v as f32 * S32),
        AudioBufferRef::F32(b) => convert!(b, |&v: &f32| v),
        AudioBufferRef::F64(b) => convert!(b, |&v: &f64| v as f32),
    }
}

/// Packets a segment's fresh decoder decodes before its own, to rebuild the
/// state that lossy decoders carry between packets (mp3's bit reservoir and
/// MDCT overlap, vorbis's block overlap); their output is discarded.
const WARM_UP_PACKETS: usize = 8;
/// Packets per parallel decoding segment, at least.
const PACKETS_PER_SEGMENT: usize = 64;

/// What one segment decoded: per-channel samples, failed packets, last error.
type SegmentOutput = (Vec<Vec<f32>>, usize, Option<String>);

/// Decodes `source` from `floor(offset * sr)` for `floor(duration * sr)` frames
/// (to the end when `duration` is `None`), at the native rate.
///
/// Packets are demultiplexed first, then decoded in parallel segments, each by
/// its own decoder started [`WARM_UP_PACKETS`] early: the decoders' state has
/// finite memory, so the result equals a serial decode sample for sample.
/// Like libsndfile, a file truncated mid-stream yields the audio decoded before
/// the damage; packets that fail to decode are skipped. A file where nothing
/// decodes is an error.
pub fn decode(source: &Source, offset: f64, duration: Option<f64>) -> Result<Decoded> {
    shielded(source, || decode_unshielded(source, offset, duration))
}

/// Runs decoder work, turning a panic inside it into [`Error::Decode`] naming
/// the file: symphonia asserts on some impossible headers (a WAV with sample
/// rate 0 panics building its time base), and a malformed file must never
/// become an internal error.
pub(super) fn shielded<T>(source: &Source, work: impl FnOnce() -> Result<T>) -> Result<T> {
    shielded_as(&source.name(), work)
}

/// [`shielded`] for a source known by its name only.
pub(super) fn shielded_as<T>(name: &Path, work: impl FnOnce() -> Result<T>) -> Result<T> {
    crate::error::catch_panic(work).map_err(|e| match e {
        Error::Internal(what) => Error::Decode {
            path: name.to_path_buf(),
            message: format!("malformed data stopped the decoder ({what})"),
        },
        other => other,
    })
}

fn decode_unshielded(source: &Source, offset: f64, duration: Option<f64>) -> Result<Decoded> {
    if let Some(decoded) = decode_plain_wav(source, offset, duration)? {
        return Ok(decoded);
    }
    let Opened {
        stream: mut s,
        start,
        begin,
        mut position,
    } = open_at(source, offset)?;
    let wanted = duration
        .map(|d| (d * s.sample_rate as f64).floor() as u64)
        .unwrap_or(u64::MAX)
        .min(s.end.map_or(u64::MAX, |end| end.saturating_sub(start)));
    // A decoder whose state never settles must see every packet from the
    // start, in one pass (see `Stream::serial`).
    let (warm_up, per_segment) = match (s.exact_seek, s.serial) {
        (true, _) => (0, PACKETS_PER_SEGMENT),
        (false, false) => (WARM_UP_PACKETS, PACKETS_PER_SEGMENT),
        (false, true) => (usize::MAX, usize::MAX),
    };
    // Without a seek, packets that end before the window are dropped as they
    // are read, except the last `warm_up` ones: memory follows the window, not
    // the file.
    let from = if position == 0 { begin } else { 0 };
    let (packets, lead, mut last_error) =
        demux(&mut s, from, begin.saturating_add(wanted), warm_up);
    if let Some(first) = packets.get(lead).filter(|_| from > 0) {
        position = first.ts();
    }
    let segments = (packets.len() - lead).div_ceil(per_segment).max(1);
    let outputs: Vec<Result<SegmentOutput>> = (0..segments)
        .into_par_iter()
        .map(|k| {
            let (first, last) = (
                lead.saturating_add(k.saturating_mul(per_segment)),
                lead.saturating_add((k + 1).saturating_mul(per_segment))
                    .min(packets.len()),
            );
            decode_packets(
                &s,
                &packets[first.saturating_sub(warm_up)..last],
                first - first.saturating_sub(warm_up),
            )
        })
        .collect();
    let mut parts = Vec::with_capacity(outputs.len());
    let mut failures = 0;
    for output in outputs {
        let (part, failed, error) = output?;
        failures += failed;
        last_error = error.or(last_error);
        parts.push(part);
    }
    let channels = parts
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(s.channels)
        .max(1);
    // Frames each segment contributes (all its channels, as a decoder could vary).
    let lengths: Vec<usize> = parts
        .iter()
        .map(|p| {
            (0..channels)
                .map(|c| p.get(c).map_or(0, Vec::len))
                .min()
                .unwrap_or(0)
        })
        .collect();
    let frames: usize = lengths.iter().sum();
    let declared_audio = s.declares_audio && wanted > 0;
    if frames == 0 && (failures > 0 || last_error.is_some() || declared_audio) && start == 0 {
        return Err(nothing_decoded(&s, last_error));
    }
    let skip = (begin.saturating_sub(position) as usize).min(frames);
    let keep = (frames - skip).min(usize::try_from(wanted).unwrap_or(usize::MAX));
    // Copy each segment's frames straight into their place in the channel-major output.
    let mut samples = vec![0f32; channels * keep];
    let mut at = 0usize; // frame index of the segment's first frame in the whole stream
    for (part, &len) in parts.iter().zip(&lengths) {
        let (lo, hi) = (at.max(skip), (at + len).min(skip + keep));
        if lo < hi {
            for (c, lane) in part.iter().enumerate().take(channels) {
                samples[c * keep + lo - skip..c * keep + hi - skip]
                    .copy_from_slice(&lane[lo - at..hi - at]);
            }
        }
        at += len;
    }
    Ok(Decoded {
        samples,
        channels,
        sample_rate: s.sample_rate,
    })
}

/// The error for a stream where no audio decoded although some was expected.
pub(super) fn nothing_decoded(s: &Stream, last_error: Option<String>) -> Error {
    let message = match last_error {
        Some(e) => format!("no audio could be decoded ({e})"),
        None => format!(
            "no audio could be decoded (the header declares {} frames; the data is damaged or truncated)",
            s.n_frames.unwrap_or(0)
        ),
    };
    Error::Decode {
        path: s.name.clone(),
        message,
    }
}

/// Reads the track's packets until the stream ends or a packet starts at or
/// after frame `until`; also returns the demuxer's error, if it stopped on one.
/// Packets that end at or before frame `from` are dropped, except the last
/// `keep` of them, which lead the result (their count is returned).
fn demux(
    s: &mut Stream,
    from: u64,
    until: u64,
    keep: usize,
) -> (Vec<Packet>, usize, Option<String>) {
    let mut packets: Vec<Packet> = Vec::new();
    let mut lead = 0;
    let error = loop {
        match s.format.next_packet() {
            Ok(p) if p.track_id() != s.track_id => continue,
            Ok(p) if p.ts() >= until && !packets.is_empty() => break None,
            Ok(p) if p.ts().saturating_add(p.dur()) <= from && packets.len() == lead => {
                if keep == 0 {
                    continue;
                }
                if lead == keep {
                    packets.remove(0);
                    lead -= 1;
                }
                packets.push(p);
                lead += 1;
            }
            Ok(p) => packets.push(p),
            Err(SymphoniaError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                break None
            }
            Err(SymphoniaError::ResetRequired) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    (packets, lead, error)
}

/// Decodes `packets` with a fresh decoder, dropping the output of the first
/// `warm_up` packets.
fn decode_packets(s: &Stream, packets: &[Packet], warm_up: usize) -> Result<SegmentOutput> {
    let mut decoder = symphonia::default::get_codecs()
        .make(&s.params, &DecoderOptions::default())
        .map_err(|e| decode_error(&s.name, e))?;
    let mut lanes: Vec<Vec<f32>> = vec![Vec::new(); s.channels];
    let (mut failures, mut last_error) = (0, None);
    for (i, packet) in packets.iter().enumerate() {
        match decoder.decode(packet) {
            Ok(buffer) if i >= warm_up => {
                append(&buffer, &mut lanes, 0, usize::MAX, s.sixteen_bit);
            }
            Ok(_) => {}
            Err(SymphoniaError::DecodeError(e)) if i >= warm_up => {
                failures += 1;
                last_error = Some(e.to_string());
            }
            Err(SymphoniaError::DecodeError(_) | SymphoniaError::IoError(_)) => {}
            Err(e) => return Err(decode_error(&s.name, e)),
        }
    }
    Ok((lanes, failures, last_error))
}

/// Reads a plain PCM/float WAV directly ([`super::wav`]); `None` for anything else.
fn decode_plain_wav(
    source: &Source,
    offset: f64,
    duration: Option<f64>,
) -> Result<Option<Decoded>> {
    plain_wav(source, |reader, layout| {
        let sr = layout.sample_rate as f64;
        let start = (offset * sr).floor() as u64;
        let count = duration.map_or(u64::MAX, |d| (d * sr).floor() as u64);
        Ok(Decoded {
            samples: wav::read(reader, &layout, start, count)?,
            channels: layout.channels,
            sample_rate: layout.sample_rate,
        })
    })
}

/// Runs `read` on a plain PCM/float WAV ([`wav::probe`] recognises it); `None`
/// for anything else. The header facts of such a file (its rate, its length)
/// come from here, as its samples do: symphonia reads some headers
/// differently from libsndfile (odd block alignments, 12-bit PCM).
fn plain_wav<T>(
    source: &Source,
    read: impl FnOnce(&mut dyn ReadSeek, wav::Layout) -> std::io::Result<T>,
) -> Result<Option<T>> {
    let run = |reader: &mut dyn ReadSeek| -> std::io::Result<Option<T>> {
        match wav::probe(reader) {
            Some(layout) => read(reader, layout).map(Some),
            None => Ok(None),
        }
    };
    match source {
        Source::Path(path) => run(&mut file::open(path)?),
        Source::Bytes { data, .. } => run(&mut Cursor::new(data.as_slice())),
    }
    .map_err(|e| Error::Io {
        path: source.name(),
        source: e,
    })
}

/// The sample rate of `source` in Hz, from its header.
pub(super) fn sample_rate(source: &Source) -> Result<u32> {
    shielded(source, || {
        match plain_wav(source, |_, layout| Ok(layout.sample_rate))? {
            Some(rate) => Ok(rate),
            None => open(source).map(|s| s.sample_rate),
        }
    })
}

/// Readers the WAV fast path accepts.
trait ReadSeek: std::io::Read + std::io::Seek {}
impl<T: std::io::Read + std::io::Seek> ReadSeek for T {}

/// Duration in seconds: from the container's frame count where it declares one
/// (wav, aiff, flac, most ogg and mp3 with a Xing/LAME header, m4a/mp4 from its
/// sample table less the priming), else (ADTS) by decoding
/// packet by packet in constant memory.
pub fn duration(source: &Source) -> Result<f64> {
    let plain = shielded(source, || {
        plain_wav(source, |_, layout| {
            Ok(layout.frames as f64 / f64::from(layout.sample_rate))
        })
    })?;
    if let Some(seconds) = plain {
        return Ok(seconds);
    }
    let s = shielded(source, || open(source))?;
    let sr = s.sample_rate as f64;
    match s.n_frames {
        Some(n) => Ok(n as f64 / sr),
        None => {
            let (frames, _) = super::stream::count_frames(source)?;
            Ok(frames as f64 / sr)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav_bytes(bits: u16, format: u16, samples: &[u8], channels: u16) -> Vec<u8> {
        let rate = 8000u32;
        let block = channels * bits / 8;
        let mut v = b"RIFF".to_vec();
        v.extend((36 + samples.len() as u32).to_le_bytes());
        v.extend(b"WAVEfmt ");
        v.extend(16u32.to_le_bytes());
        v.extend(format.to_le_bytes());
        v.extend(channels.to_le_bytes());
        v.extend(rate.to_le_bytes());
        v.extend((rate * block as u32).to_le_bytes());
        v.extend(block.to_le_bytes());
        v.extend(bits.to_le_bytes());
        v.extend(b"data");
        v.extend((samples.len() as u32).to_le_bytes());
        v.extend(samples);
        v
    }

    fn bytes(data: Vec<u8>) -> Source {
        Source::Bytes {
            data,
            hint: Some("wav".into()),
        }
    }

    #[test]
    fn converts_pcm_like_libsndfile() {
        let pcm16: Vec<u8> = [0i16, 16384, -32768, 32767]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let d = decode(&bytes(wav_bytes(16, 1, &pcm16, 1)), 0.0, None).unwrap();
        assert_eq!(d.samples, vec![0.0, 0.5, -1.0, 32767.0 / 32768.0]);
        let pcm8 = vec![128u8, 255, 0];
        let d = decode(&bytes(wav_bytes(8, 1, &pcm8, 1)), 0.0, None).unwrap();
        assert_eq!(d.samples, vec![0.0, 127.0 / 128.0, -1.0]);
        let stereo: Vec<u8> = [1i16, 2, 3, 4]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let d = decode(&bytes(wav_bytes(16, 1, &stereo, 2)), 0.0, None).unwrap();
        assert_eq!((d.channels, d.sample_rate), (2, 8000));
        assert_eq!(
            d.samples,
            vec![1.0 / 32768.0, 3.0 / 32768.0, 2.0 / 32768.0, 4.0 / 32768.0]
        );
    }

    #[test]
    fn offset_and_duration_select_frames() {
        let pcm: Vec<u8> = (0..8000i16).flat_map(|v| v.to_le_bytes()).collect();
        let src = bytes(wav_bytes(16, 1, &pcm, 1));
        let d = decode(&src, 0.5, Some(0.25)).unwrap();
        assert_eq!(d.samples.len(), 2000);
        assert_eq!(d.samples[0], 4000.0 / 32768.0);
        assert!(decode(&src, 2.0, None).unwrap().samples.is_empty());
        assert!((duration(&src).unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn garbage_and_missing_files_are_typed_errors() {
        assert!(matches!(
            decode(&bytes(Vec::new()), 0.0, None),
            Err(Error::Decode { .. } | Error::UnsupportedFormat { .. })
        ));
        let text = Source::Bytes {
            data: b"this is not audio at all, just text".repeat(50),
            hint: Some("wav".into()),
        };
        assert!(matches!(
            decode(&text, 0.0, None),
            Err(Error::Decode { .. } | Error::UnsupportedFormat { .. })
        ));
        // Sample rate 0 in any `fmt ` chunk (here PCM with 12 bits, which the
        // fast path leaves to symphonia) is refused before symphonia probes it,
        // so the decoder never panics (the fuzzer stops at caught panics too).
        let mut zero_rate = wav_bytes(12, 1, &[0; 16], 1);
        zero_rate[24..28].copy_from_slice(&0u32.to_le_bytes());
        for work in [
            decode_unshielded(&bytes(zero_rate.clone()), 0.0, None).map(|_| ()),
            duration(&bytes(zero_rate)).map(|_| ()),
        ] {
            assert!(
                matches!(&work, Err(Error::Decode { message, .. }) if message.contains("no sample rate")),
                "{work:?}"
            );
        }
        let missing = Source::Path(PathBuf::from("/no/such/file.wav"));
        assert!(matches!(
            decode(&missing, 0.0, None),
            Err(Error::FileNotFound { .. })
        ));
    }
}
