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

/// The sample rate declared by the `fmt ` chunk of any RIFF/WAVE file (every
/// format tag, plain or compressed); `None` if there is no readable one.
pub fn declared_rate<R: Read + Seek + ?Sized>(reader: &mut R) -> Option<u32> {
    walk(reader, |reader, id, _, _| {
        if &id != b"fmt " {
            return Some(None);
        }
        let mut fmt = [0u8; 8];
        reader.read_exact(&mut fmt).ok()?;
        Some(u32_at(&fmt, 4))
    })
}

fn parse_fmt(fmt: &[u8]) -> Option<(Encoding, usize, u32)> {
    let mut tag = u16_at(fmt, 0)?;
    let channels = u16_at(fmt, 2)? as usize;
    let sample_rate = u32_at(fmt, 4)?;
    let block_align = u16_at(fmt, 12)? as usize;
    let bits = u16_at(fmt, 14)?;
    if tag == WAVE_FORMAT_EXTENSIBLE {
        // The sub-format GUID starts with the format tag.
        tag = u16_at(fmt, 24)?;
        let valid_bits = u16_at(fmt, 18)?;
        if valid_bits != bits {
            return None; // e.g. 20 valid bits in 24: leave it to symphonia
        }
    }
    let encoding = match (tag, bits) {
        (WAVE_FORMAT_PCM, 8) => Encoding::U8,
        (WAVE_FORMAT_PCM, 16) => Encoding::S16,
        (WAVE_FORMAT_PCM, 24) => Encoding::S24,
        (WAVE_FORMAT_PCM, 32) => Encoding::S32,
        (WAVE_FORMAT_IEEE_FLOAT, 32) => Encoding::F32,
        (WAVE_FORMAT_IEEE_FLOAT, 64) => Encoding::F64,
        _ => return None,
    };
    let sane = channels > 0
        && channels <= 1024
        && sample_rate > 0
        && block_align == channels * encoding.bytes();
    sane.then_some((encoding, channels, sample_rate))
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
        let block = channels * bits / 8;
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
    fn declared_rate_reads_any_fmt_chunk() {
        let mut adpcm = wav(0x11, 4, 1, &[0; 8]);
        assert_eq!(declared_rate(&mut Cursor::new(adpcm.clone())), Some(16000));
        adpcm[24..28].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(declared_rate(&mut Cursor::new(adpcm)), Some(0));
        assert_eq!(declared_rate(&mut Cursor::new(b"fLaC".to_vec())), None);
        assert_eq!(
            declared_rate(&mut Cursor::new(b"RIFF....WAVEfmt ".to_vec())),
            None
        );
    }
}
