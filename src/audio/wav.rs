//! Fast path for plain PCM and float WAV files, the most common input.
//!
//! The RIFF header is parsed directly and only the requested frames are read,
//! converted with the same libsndfile formulas as [`super::decode`]. Anything
//! this reader does not recognise (compressed codecs, odd layouts) returns
//! `None` and goes through symphonia instead.

use std::io::{Read, Seek, SeekFrom};

/// Sample encodings the fast path reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    U8,
    S16,
    S24,
    S32,
    F32,
    F64,
}

impl Encoding {
    fn bytes(self) -> usize {
        match self {
            Encoding::U8 => 1,
            Encoding::S16 => 2,
            Encoding::S24 => 3,
            Encoding::S32 | Encoding::F32 => 4,
            Encoding::F64 => 8,
        }
    }

    /// One sample as float32, as libsndfile converts it.
    fn to_f32(self, b: &[u8]) -> f32 {
        match self {
            Encoding::U8 => (b[0] as f32 - 128.0) * (1.0 / 128.0),
            Encoding::S16 => i16::from_le_bytes([b[0], b[1]]) as f32 * (1.0 / 32768.0),
            Encoding::S24 => {
                (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 * (1.0 / 8_388_608.0)
            }
            Encoding::S32 => {
                i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32 * (1.0 / 2_147_483_648.0)
            }
            Encoding::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            Encoding::F64 => {
                f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32
            }
        }
    }
}

/// Where a WAV file's samples are and how they are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    encoding: Encoding,
    /// Interleaved channels.
    pub channels: usize,
    /// Frames per second.
    pub sample_rate: u32,
    data_start: u64,
    /// Whole frames present in the file (a truncated data chunk counts what is there).
    pub frames: u64,
}

const WAVE_FORMAT_PCM: u16 = 1;
const WAVE_FORMAT_IEEE_FLOAT: u16 = 3;
const WAVE_FORMAT_EXTENSIBLE: u16 = 0xFFFE;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

/// Walks the chunks of a RIFF/WAVE file (at most 64), calling `visit` with
/// each chunk's id, payload offset and declared size until it returns
/// `Some`; `None` if this is not a RIFF/WAVE file or no chunk answered.
fn walk<R: Read + Seek + ?Sized, T>(
    reader: &mut R,
    mut visit: impl FnMut(&mut R, [u8; 4], u64, u64) -> Option<Option<T>>,
) -> Option<T> {
    reader.seek(SeekFrom::Start(0)).ok()?;
    let mut head = [0u8; 12];
    reader.read_exact(&mut head).ok()?;
    if &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return None;
    }
    let mut offset = 12u64;
    for _ in 0..64 {
        let mut chunk = [0u8; 8];
        reader.seek(SeekFrom::Start(offset)).ok()?;
        reader.read_exact(&mut chunk).ok()?;
        let size = u32_at(&chunk, 4)? as u64;
        let id = [chunk[0], chunk[1], chunk[2], chunk[3]];
        if let Some(answer) = visit(reader, id, offset + 8, size)? {
            return Some(answer);
        }
        offset += 8 + size + (size & 1);
    }
    None
}

/// Reads the RIFF header; `None` if this is not a plain PCM/float WAV file.
pub fn probe<R: Read + Seek + ?Sized>(reader: &mut R) -> Option<Layout> {
    let total = reader.seek(SeekFrom::End(0)).ok()?;
    let mut format = None;
    // `fmt ` must come before `data`.
    walk(reader, |reader, id, data_start, size| match &id {
        b"fmt " => {
            let mut fmt = vec![0u8; size.min(64) as usize];
            reader.read_exact(&mut fmt).ok()?;
            format = Some(parse_fmt(&fmt)?);
            Some(None)
        }
        b"data" => {
            let (encoding, channels, sample_rate) = format?;
            let available = total.saturating_sub(data_start).min(size);
            let frames = available / (encoding.bytes() * channels) as u64;
            Some(Some(Layout {
                encoding,
                channels,
                sample_rate,
                data_start,
                frames,
            }))
        }
        _ => Some(None),
    })
}

/// What a `fmt ` chunk declares, read from any RIFF/WAVE file (every format
/// tag, plain or compressed) for the checks that precede decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declared {
    /// The format tag (the sub-format's for `WAVE_FORMAT_EXTENSIBLE`).
    tag: u16,
    /// Interleaved channels.
    pub channels: u16,
    /// Frames per second.
    pub sample_rate: u32,
    /// Bits per sample (the container size).
    bits: u16,
}

/// The `fmt ` chunk of a RIFF/WAVE file; `None` if there is no readable one.
pub fn declared<R: Read + Seek + ?Sized>(reader: &mut R) -> Option<Declared> {
    walk(reader, |reader, id, _, size| {
        if &id != b"fmt " {
            return Some(None);
        }
        let mut fmt = vec![0u8; size.min(64) as usize];
        reader.read_exact(&mut fmt).ok()?;
        let tag = match u16_at(&fmt, 0)? {
            WAVE_FORMAT_EXTENSIBLE => u16_at(&fmt, 24).unwrap_or(WAVE_FORMAT_EXTENSIBLE),
            tag => tag,
        };
        Some(Some(Declared {
            tag,
            channels: u16_at(&fmt, 2)?,
            sample_rate: u32_at(&fmt, 4)?,
            bits: u16_at(&fmt, 14).unwrap_or(0),
        }))
    })
}

/// The most channels libsndfile reads (`SF_MAX_CHANNELS`).
pub const MAX_CHANNELS: u16 = 1024;
/// The highest sample rate libsndfile reads (its `int` sample rate).
pub const MAX_RATE: u32 = i32::MAX as u32;

impl Declared {
    /// Why this header cannot be decoded, as libsndfile refuses it too (no
    /// sample rate or one beyond [`MAX_RATE`], no channels or more than
    /// [`MAX_CHANNELS`], PCM of no or more than 32 bits, float of other than
    /// 32 or 64 bits); `None` if it can be. The block alignment is not
    /// checked: libsndfile ignores it for PCM and float, as [`probe`] does.
    pub fn problem(&self) -> Option<String> {
        let Declared {
            tag,
            channels,
            sample_rate,
            bits,
        } = *self;
        if sample_rate == 0 {
            return Some("the audio track declares no sample rate".into());
        }
        if sample_rate > MAX_RATE {
            return Some(format!(
                "the header's sample rate {sample_rate} Hz is invalid (above {MAX_RATE} Hz)"
            ));
        }
        if channels == 0 || channels > MAX_CHANNELS {
            return Some(format!(
                "the header declares {channels} channels (1 to {MAX_CHANNELS} can be read)"
            ));
        }
        match tag {
            WAVE_FORMAT_PCM if bits == 0 || bits > 32 => Some(format!(
                "the header declares {bits}-bit PCM (1 to 32 bits can be read)"
            )),
            WAVE_FORMAT_IEEE_FLOAT if bits != 32 && bits != 64 => Some(format!(
                "the header declares {bits}-bit floating point (32 or 64 bits can be read)"
            )),
            _ => None,
        }
    }
}

/// The sample encoding of a plain PCM/float `fmt ` chunk (`None` for other
/// formats and for headers [`Declared::problem`] refuses), its channels and
/// rate. As libsndfile, samples take `ceil(bits / 8)` bytes (12-bit PCM is
/// read as 16-bit, 7-bit as 8-bit) and the declared block alignment is
/// ignored: frames are `channels × bytes` long.
fn parse_fmt(fmt: &[u8]) -> Option<(Encoding, usize, u32)> {
    let mut tag = u16_at(fmt, 0)?;
    let channels = u16_at(fmt, 2)?;
    let sample_rate = u32_at(fmt, 4)?;
    let bits = u16_at(fmt, 14)?;
    if tag == WAVE_FORMAT_EXTENSIBLE {
        // The sub-format GUID starts with the format tag.
        tag = u16_at(fmt, 24)?;
        let valid_bits = u16_at(fmt, 18)?;
        if valid_bits != bits {
            return None; // e.g. 20 valid bits in 24: leave it to symphonia
        }
    }
    let declared = Declared {
        tag,
        channels,
        sample_rate,
        bits,
    };
    if declared.problem().is_some() {
        return None; // refused, with its reason, before symphonia opens it
    }
    let encoding = match (tag, bits.div_ceil(8)) {
        (WAVE_FORMAT_PCM, 1) => Encoding::U8,
        (WAVE_FORMAT_PCM, 2) => Encoding::S16,
        (WAVE_FORMAT_PCM, 3) => Encoding::S24,
        (WAVE_FORMAT_PCM, 4) => Encoding::S32,
        (WAVE_FORMAT_IEEE_FLOAT, 4) => Encoding::F32,
        (WAVE_FORMAT_IEEE_FLOAT, 8) => Encoding::F64,
        _ => return None,
    };
    Some((encoding, usize::from(channels), sample_rate))
}

/// Reads frames `start .. start + count` (clipped to the file) as channel-major float32.
pub fn read<R: Read + Seek + ?Sized>(
    reader: &mut R,
    layout: &Layout,
    start: u64,
    count: u64,
) -> std::io::Result<Vec<f32>> {
    let first = start.min(layout.frames);
    let frames = count.min(layout.frames - first) as usize;
    let block = layout.encoding.bytes() * layout.channels;
    reader.seek(SeekFrom::Start(layout.data_start + first * block as u64))?;
    let mut bytes = vec![0u8; frames * block];
    reader.read_exact(&mut bytes)?;
    let mut out = vec![0f32; frames * layout.channels];
    let width = layout.encoding.bytes();
    for (i, frame) in bytes.chunks_exact(block).enumerate() {
        for (c, sample) in frame.chunks_exact(width).enumerate() {
            out[c * frames + i] = layout.encoding.to_f32(sample);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn wav(tag: u16, bits: u16, channels: u16, data: &[u8]) -> Vec<u8> {
        let block = channels.wrapping_mul(bits) / 8;
        let mut v = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0".to_vec();
        for x in [tag, channels] {
            v.extend(x.to_le_bytes());
        }
        v.extend(16000u32.to_le_bytes());
        v.extend((16000 * block as u32).to_le_bytes());
        v.extend(block.to_le_bytes());
        v.extend(bits.to_le_bytes());
        v.extend(b"LIST\x04\0\0\0abcd");
        v.extend(b"data");
        v.extend((data.len() as u32).to_le_bytes());
        v.extend(data);
        v
    }

    #[test]
    fn reads_pcm_and_float_with_libsndfile_scaling() {
        let s24: Vec<u8> = vec![0x00, 0x00, 0x80, 0xff, 0xff, 0x7f]; // -2^23, 2^23 - 1
        let mut r = Cursor::new(wav(1, 24, 1, &s24));
        let layout = probe(&mut r).unwrap();
        assert_eq!(
            (layout.channels, layout.sample_rate, layout.frames),
            (1, 16000, 2)
        );
        assert_eq!(
            read(&mut r, &layout, 0, u64::MAX).unwrap(),
            vec![-1.0, 8_388_607.0 / 8_388_608.0]
        );
        let f32s: Vec<u8> = [0.25f32, -0.5, 1.0, 0.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let mut r = Cursor::new(wav(3, 32, 2, &f32s));
        let layout = probe(&mut r).unwrap();
        assert_eq!(read(&mut r, &layout, 1, 5).unwrap(), vec![1.0, 0.0]);
    }

    #[test]
    fn truncated_data_and_foreign_formats() {
        let mut bytes = wav(1, 16, 1, &[1, 0, 2, 0, 3, 0]);
        bytes.truncate(bytes.len() - 3); // one and a half samples cut
        let mut r = Cursor::new(bytes);
        assert_eq!(probe(&mut r).unwrap().frames, 1);
        assert!(probe(&mut Cursor::new(wav(2, 4, 1, &[0; 8]))).is_none()); // ADPCM: symphonia's job
        assert!(probe(&mut Cursor::new(b"RIFF....WAVE".to_vec())).is_none());
        assert!(probe(&mut Cursor::new(Vec::new())).is_none());
    }

    #[test]
    fn declared_reads_any_fmt_chunk() {
        let mut adpcm = wav(0x11, 4, 1, &[0; 8]);
        let rate = |bytes: Vec<u8>| declared(&mut Cursor::new(bytes)).map(|d| d.sample_rate);
        assert_eq!(rate(adpcm.clone()), Some(16000));
        adpcm[24..28].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(rate(adpcm), Some(0));
        assert_eq!(rate(b"fLaC".to_vec()), None);
        assert_eq!(rate(b"RIFF....WAVEfmt ".to_vec()), None);
    }

    #[test]
    fn headers_are_read_as_libsndfile_reads_them() {
        let pcm: Vec<u8> = [1i16, -2, 3, -4]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        // Block alignment ignored; 12-bit PCM in 16-bit containers; 7-bit as 8-bit.
        let mut odd_block = wav(1, 16, 1, &pcm);
        odd_block[32..34].copy_from_slice(&65535u16.to_le_bytes());
        let layout = probe(&mut Cursor::new(odd_block)).unwrap();
        assert_eq!((layout.encoding, layout.frames), (Encoding::S16, 4));
        let twelve = probe(&mut Cursor::new(wav(1, 12, 1, &pcm))).unwrap();
        assert_eq!((twelve.encoding, twelve.frames), (Encoding::S16, 4));
        let seven = probe(&mut Cursor::new(wav(1, 7, 1, &pcm))).unwrap();
        assert_eq!((seven.encoding, seven.frames), (Encoding::U8, 8));
        // Headers libsndfile refuses are refused here too, with a reason.
        let problem = |bytes: Vec<u8>| {
            assert!(probe(&mut Cursor::new(bytes.clone())).is_none());
            declared(&mut Cursor::new(bytes))
                .unwrap()
                .problem()
                .unwrap()
        };
        for (tag, bits, channels, says) in [
            (1, 0, 1, "0-bit PCM"),
            (1, 64, 1, "64-bit PCM"),
            (3, 16, 1, "16-bit floating point"),
            (1, 16, 0, "0 channels"),
            (1, 16, 65535, "65535 channels"),
        ] {
            let text = problem(wav(tag, bits, channels, &pcm));
            assert!(text.contains(says), "{text}");
        }
        let mut fast = wav(1, 16, 1, &pcm);
        fast[24..28].copy_from_slice(&1_000_000_000u32.to_le_bytes());
        assert_eq!(
            probe(&mut Cursor::new(fast.clone())).unwrap().sample_rate,
            1_000_000_000
        );
        fast[24..28].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(problem(fast).contains("sample rate 4294967295 Hz is invalid"));
    }
}
