//! `load`'s pipeline in bounded memory: decode → mono mix → resample →
//! output, one window at a time.
//!
//! [`Frames`] decodes a window (a few seconds; packets in parallel), which is
//! mixed to mono (when asked) and fed to one libsoxr [`Resampler`] per output
//! channel, whose output is appended to the result; the next window decodes
//! while the current one is mixed and resampled. No full-length intermediate
//! exists: besides the result, memory holds two decoded windows and the
//! resamplers' state, a few MB whatever the file's length.
//!
//! The result is sized once from the header's frame count where it gives one
//! (exact for wav, aiff, flac, m4a and mp3 with a Xing/LAME header); where the
//! count is missing or wrong, the result grows in place by a quarter at a time,
//! so its room never exceeds 1.25x the samples in it. The samples equal
//! librosa's steps on the whole signal: libsoxr receives the same pieces as
//! one `soxr.resample` call (see [`Resampler::push`]), and the length is then
//! fixed to `ceil(n * sr / native_sr)` as `librosa.util.fix_length` does.
//!
//! The call's [`Cancel`] token (Ctrl-C in Python) is checked between windows.

use std::path::PathBuf;

use rayon::prelude::*;

use super::resample;
use super::soxr::{self, Resampler};
use super::stream::Frames;
use super::{decode, mix, Audio, LoadOptions, Source};
use crate::error::{affordable, Error, Result};
use crate::parallel::Cancel;

/// Decodes, mixes and resamples `source` as `opts` say (validated by the caller).
pub(super) fn load(source: &Source, opts: &LoadOptions) -> Result<Audio> {
    let cancel = Cancel::current();
    let mut frames = decode::shielded(source, || {
        Frames::open(source, opts.offset, opts.duration, true)
    })?;
    let name = frames.name().to_path_buf();
    let native = frames.sample_rate();
    let target = opts.sr.filter(|&sr| sr != native);
    if let Some(target) = target {
        decode::check_resampleable(&name, native, target)?;
    }
    let mut sink = Sink {
        mono: opts.mono,
        native,
        target,
        quality: opts.quality,
        expected: frames.expected_frames(),
        header_channels: frames.channels(),
        out: None,
        resamplers: Vec::new(),
        fed: 0,
        name: name.clone(),
    };
    let next = |frames: &mut Frames, lanes: &mut Vec<Vec<f32>>| {
        decode::shielded_as(&name, || frames.next(lanes))
    };
    let (mut current, mut spare) = (Vec::new(), Vec::new());
    let mut more = next(&mut frames, &mut current)?;
    loop {
        if cancel.requested() {
            return Err(Error::Cancelled);
        }
        if !more {
            sink.push(&mut current)?;
            break;
        }
        // The next window decodes while this one is mixed and resampled.
        let (decoded, pushed) =
            rayon::join(|| next(&mut frames, &mut spare), || sink.push(&mut current));
        pushed?;
        more = decoded?;
        std::mem::swap(&mut current, &mut spare);
    }
    sink.finish()
}

/// Mixes, resamples and stores decoded windows.
struct Sink {
    mono: bool,
    native: u32,
    /// The rate to resample to; `None` keeps the native rate.
    target: Option<u32>,
    quality: soxr::Quality,
    /// Native-rate frames the header promises, if it says.
    expected: Option<u64>,
    header_channels: usize,
    /// The result, from the first window on.
    out: Option<Planar>,
    /// One per output channel, when resampling.
    resamplers: Vec<Resampler<f32>>,
    /// Native-rate frames taken so far.
    fed: usize,
    name: PathBuf,
}

impl Sink {
    /// Output channels for a window of `lanes` channels.
    fn channels(&self, lanes: usize) -> usize {
        match self.mono {
            true => 1,
            false => lanes.max(self.header_channels).max(1),
        }
    }

    /// The result buffer, created for `channels` on first use.
    fn output(&mut self, channels: usize) -> Result<&mut Planar> {
        if self.out.is_none() {
            let expected = self
                .expected
                .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
            let room = match self.target {
                Some(target) => soxr::capacity(expected, self.native as f64, target as f64),
                None => expected,
            };
            self.out = Some(Planar::new(channels, room, &self.name)?);
        }
        // cannot fail: set just above.
        Ok(self.out.as_mut().expect("output buffer"))
    }

    /// Takes every frame of `lanes` (one vector per channel), leaving them empty.
    fn push(&mut self, lanes: &mut [Vec<f32>]) -> Result<()> {
        let channels = self.channels(lanes.len());
        let width = if self.mono { lanes.len() } else { channels };
        let n = (0..width)
            .map(|c| lanes.get(c).map_or(0, Vec::len))
            .min()
            .unwrap_or(0);
        if n > 0 {
            let mixed;
            let inputs: Vec<&[f32]> = if self.mono && lanes.len() > 1 {
                let all: Vec<&[f32]> = lanes.iter().map(|l| &l[..n]).collect();
                mixed = mix::mean(&all);
                vec![&mixed[..]]
            } else {
                lanes[..channels].iter().map(|l| &l[..n]).collect()
            };
            self.store(&inputs)?;
            self.fed += n;
        }
        lanes.iter_mut().for_each(Vec::clear);
        Ok(())
    }

    /// Resamples (when asked) and appends one window of `inputs`, a lane per output channel.
    fn store(&mut self, inputs: &[&[f32]]) -> Result<()> {
        let Some(target) = self.target else {
            return self.output(inputs.len())?.append(inputs);
        };
        if self.resamplers.is_empty() {
            let (native, quality) = (self.native as f64, self.quality);
            self.resamplers = (0..inputs.len())
                .map(|_| Resampler::new(native, target as f64, quality))
                .collect::<Result<_>>()?;
        }
        let outputs: Vec<Vec<f32>> = self
            .resamplers
            .par_iter_mut()
            .zip(inputs.par_iter())
            .map(|(r, x)| {
                let mut y = Vec::new();
                r.push(x, &mut y).map(|()| y)
            })
            .collect::<Result<_>>()?;
        let lanes: Vec<&[f32]> = outputs.iter().map(Vec::as_slice).collect();
        self.output(inputs.len())?.append(&lanes)
    }

    /// Flushes the resamplers and fixes the length as librosa does.
    fn finish(mut self) -> Result<Audio> {
        let channels = self.channels(0);
        let len = match self.target {
            Some(target) => {
                let mut outputs = Vec::with_capacity(self.resamplers.len());
                for r in &mut self.resamplers {
                    let mut y = Vec::new();
                    r.finish(&mut y)?;
                    outputs.push(y);
                }
                if !outputs.is_empty() {
                    let lanes: Vec<&[f32]> = outputs.iter().map(Vec::as_slice).collect();
                    self.output(channels)?.append(&lanes)?;
                }
                resample::output_len(self.fed, self.native as f64, target as f64)
            }
            None => self.fed,
        };
        let out = self.output(channels)?;
        let channels = out.channels;
        Ok(Audio {
            samples: out.take(len)?,
            channels,
            sample_rate: self.target.unwrap_or(self.native),
        })
    }
}

/// A channel-major buffer filled lane by lane and grown in place: channel `c`
/// holds `data[c * room..c * room + len]`.
struct Planar {
    data: Vec<f32>,
    channels: usize,
    room: usize,
    len: usize,
    /// What a refused allocation is reported as.
    what: String,
}

impl Planar {
    /// Room for `room` samples per channel where that is affordable (a header
    /// may claim any length; the buffer then grows as samples arrive).
    fn new(channels: usize, room: usize, name: &std::path::Path) -> Result<Planar> {
        let what = format!("the audio decoded from '{}'", name.display());
        let bytes = channels as f64 * room as f64 * 4.0;
        let room = if affordable(what.clone(), bytes).is_ok() {
            room
        } else {
            0
        };
        let mut planar = Planar {
            data: Vec::new(),
            channels,
            room: 0,
            len: 0,
            what,
        };
        planar.grow_to(room)?;
        Ok(planar)
    }

    /// Appends one part per channel (the shortest sets the length).
    fn append(&mut self, lanes: &[&[f32]]) -> Result<()> {
        let n = lanes.iter().map(|l| l.len()).min().unwrap_or(0);
        if self.len + n > self.room {
            // A quarter more each time: the room never exceeds 1.25x the samples.
            let room = (self.room + self.room / 4).max(self.len + n).max(1 << 16);
            self.grow_to(room)?;
        }
        for (c, lane) in lanes.iter().enumerate().take(self.channels) {
            let at = c * self.room + self.len;
            self.data[at..at + n].copy_from_slice(&lane[..n]);
        }
        self.len += n;
        Ok(())
    }

    /// Makes room for `room` samples per channel, moving the channels apart in place.
    fn grow_to(&mut self, room: usize) -> Result<()> {
        if room <= self.room {
            return Ok(());
        }
        let total = room
            .checked_mul(self.channels)
            .ok_or_else(|| self.too_large(f64::INFINITY))?;
        affordable(self.what.clone(), total as f64 * 4.0)?;
        self.data
            .try_reserve_exact(total - self.data.len())
            .map_err(|_| self.too_large(total as f64 * 4.0))?;
        self.data.resize(total, 0.0);
        // Last channel first: each moves up into room no other channel still uses.
        for c in (1..self.channels).rev() {
            self.data
                .copy_within(c * self.room..c * self.room + self.len, c * room);
        }
        self.room = room;
        Ok(())
    }

    fn too_large(&self, bytes: f64) -> Error {
        Error::TooLarge {
            name: self.what.clone().into(),
            bytes,
            limit: crate::error::memory_limit(),
        }
    }

    /// The samples, `len` per channel (cut, or padded with zeros), channel-major.
    fn take(&mut self, len: usize) -> Result<Vec<f32>> {
        self.grow_to(len)?;
        for c in 0..self.channels {
            let at = c * self.room;
            self.data[at + self.len.min(len)..at + len].fill(0.0);
        }
        for c in 1..self.channels {
            self.data
                .copy_within(c * self.room..c * self.room + len, c * len);
        }
        let mut data = std::mem::take(&mut self.data);
        data.truncate(self.channels * len);
        data.shrink_to_fit();
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{load as load_audio, resample::resample};

    /// A 16-bit PCM WAV of `frames` frames of `channels` channels at `rate` Hz.
    fn wav(frames: usize, channels: u16, rate: u32) -> Source {
        crate::audio::test_wav::pcm16(frames, channels, rate, |i| {
            ((i * 7919) % 20001) as i16 - 10000
        })
    }

    fn options(sr: Option<u32>, mono: bool) -> LoadOptions {
        LoadOptions {
            sr,
            mono,
            ..LoadOptions::default()
        }
    }

    #[test]
    fn windows_equal_the_whole_signal_mixed_then_resampled() {
        // 700,001 frames: several 2^18-frame windows and a ragged end.
        let src = wav(700_001, 2, 44100);
        let native = load_audio(&src, &options(None, false)).unwrap();
        assert_eq!((native.channels, native.frames()), (2, 700_001));
        let lanes: Vec<&[f32]> = native.samples.chunks(700_001).collect();
        let mixed = mix::mean(&lanes);
        let mono = load_audio(&src, &options(Some(22050), true)).unwrap();
        let whole = resample(&[&mixed], 44100.0, 22050.0, soxr::Quality::High, true).unwrap();
        assert_eq!(mono.samples, whole.samples);
        let stereo = load_audio(&src, &options(Some(16000), false)).unwrap();
        let whole = resample(&lanes, 44100.0, 16000.0, soxr::Quality::High, true).unwrap();
        assert_eq!(
            (stereo.channels, stereo.samples.len()),
            (2, whole.samples.len())
        );
        assert_eq!(stereo.samples, whole.samples);
    }

    #[test]
    fn planar_grows_in_place_and_fixes_the_length() {
        let name = std::path::Path::new("x.wav");
        let mut planar = Planar::new(3, 0, name).unwrap();
        let mut want: Vec<Vec<f32>> = vec![Vec::new(); 3];
        let mut next = 0.0f32;
        for part in [5usize, 70_000, 1, 100_000, 33_333] {
            let lanes: Vec<Vec<f32>> = (0..3)
                .map(|_| {
                    (0..part)
                        .map(|_| {
                            next += 1.0;
                            next
                        })
                        .collect()
                })
                .collect();
            for (w, l) in want.iter_mut().zip(&lanes) {
                w.extend_from_slice(l);
            }
            let views: Vec<&[f32]> = lanes.iter().map(Vec::as_slice).collect();
            planar.append(&views).unwrap();
            assert!(planar.room <= (planar.len + planar.len / 4).max(1 << 16));
        }
        let n = planar.len;
        let out = planar.take(n + 10).unwrap();
        for (c, w) in want.iter().enumerate() {
            let lane = &out[c * (n + 10)..(c + 1) * (n + 10)];
            assert_eq!(&lane[..n], &w[..]);
            assert!(lane[n..].iter().all(|&v| v == 0.0));
        }
        let mut planar = Planar::new(2, 100, name).unwrap();
        planar
            .append(&[&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]])
            .unwrap();
        assert_eq!(planar.take(2).unwrap(), vec![1.0, 2.0, 4.0, 5.0]);
    }

    #[test]
    fn a_cancelled_call_stops_between_windows() {
        let src = wav(10_000, 1, 8000);
        let token = Cancel::new();
        token.request();
        let got = token.scope(|| load_audio(&src, &options(Some(4000), true)));
        assert!(matches!(got, Err(Error::Cancelled)), "{got:?}");
    }

    #[test]
    fn offset_duration_and_empty_results() {
        let src = wav(8000, 2, 8000);
        let all = load_audio(&src, &options(None, false)).unwrap();
        let mut opts = options(None, false);
        opts.offset = 0.25;
        opts.duration = Some(0.5);
        let part = load_audio(&src, &opts).unwrap();
        assert_eq!(part.frames(), 4000);
        assert_eq!(part.samples[..4000], all.samples[2000..6000]);
        assert_eq!(part.samples[4000..], all.samples[8000 + 2000..8000 + 6000]);
        opts.offset = 2.0;
        opts.sr = Some(16000);
        let past = load_audio(&src, &opts).unwrap();
        assert_eq!(
            (past.channels, past.samples.len(), past.sample_rate),
            (2, 0, 16000)
        );
    }
}
