//! Decoding with symphonia, converted to float32 exactly as libsndfile does.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use symphonia::core::audio::{AudioBufferRef, Signal};
use symphonia::core::codecs::{
    CodecParameters, DecoderOptions, CODEC_TYPE_AAC, CODEC_TYPE_ADPCM_IMA_WAV, CODEC_TYPE_ADPCM_MS,
    CODEC_TYPE_ALAC, CODEC_TYPE_MP1, CODEC_TYPE_MP2, CODEC_TYPE_MP3, CODEC_TYPE_NULL,
    CODEC_TYPE_OPUS, CODEC_TYPE_VORBIS,
};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use super::{file, mp4, wav, Source};
use crate::error::{Error, Result};

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
    use crate::audio::{load, Audio, LoadOptions};

    /// `load` at the native rate, every channel: the decoded samples.
    fn decode(source: &Source, offset: f64, duration: Option<f64>) -> Result<Audio> {
        let opts = LoadOptions {
            sr: None,
            mono: false,
            offset,
            duration,
            ..LoadOptions::default()
        };
        load(source, &opts)
    }

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
            decode(&bytes(zero_rate.clone()), 0.0, None).map(|_| ()),
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
