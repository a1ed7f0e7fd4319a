//! Plain 8-bit images and the few operations the pipelines need.

use ndarray::ArrayView1;

use crate::dsp::Float;
use crate::error::{affordable, Error, Result};

/// PNG's largest width or height (the format stores them as 31-bit numbers).
const MAX_SIDE: usize = (1 << 31) - 1;

/// Checks an output `size` (`(width, height)`, from the argument `size`) with
/// `channels` bytes per pixel: both sides positive and within PNG's limit, and
/// the pixels (plus, for a resize, the `in_height × width` intermediate rows
/// and the weight lists) affordable. Every image sized by a caller goes through here.
pub fn check_size(size: (usize, usize), channels: usize, in_height: usize) -> Result<()> {
    let (width, height) = size;
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(Error::param(
            "size",
            format!("must be positive (width, height) of at most {MAX_SIDE} pixels each, got ({width}, {height})"),
        ));
    }
    // Pixels, the intermediate rows, and one weight list per output column
    // and row (a start, a vector header and its weights: about 48 bytes).
    let (w, h) = (width as f64, height as f64);
    affordable(
        "size",
        w * (h + in_height as f64) * channels as f64 + 48.0 * (w + h),
    )
}

/// An 8-bit image of `C` bytes per pixel (interleaved), rows top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image<const C: usize> {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `height × width × C` bytes.
    pub data: Vec<u8>,
}

/// An 8-bit RGB image.
pub type RgbImage = Image<3>;

/// An 8-bit grayscale image.
pub type GrayImage = Image<1>;

impl<const C: usize> Image<C> {
    /// A white image.
    pub fn new(width: usize, height: usize) -> Self {
        Image {
            width,
            height,
            data: vec![255; width * height * C],
        }
    }

    /// Sets pixel `(x, y)` (`y = 0` is the top row).
    pub fn put(&mut self, x: usize, y: usize, pixel: [u8; C]) {
        let i = (y * self.width + x) * C;
        self.data[i..i + C].copy_from_slice(&pixel);
    }

    /// Pixel `(x, y)`.
    pub fn get(&self, x: usize, y: usize) -> [u8; C] {
        let i = (y * self.width + x) * C;
        std::array::from_fn(|c| self.data[i + c])
    }

    /// Area-average resize to `size` (see [`resize_box`]); `None` keeps the image.
    /// The size is checked with [`check_size`].
    pub fn resized(self, size: Option<(usize, usize)>) -> Result<Self> {
        let Some((width, height)) = size else {
            return Ok(self);
        };
        check_size((width, height), C, self.height)?;
        Ok(Image {
            width,
            height,
            data: resize_box(&self.data, self.width, self.height, C, width, height),
        })
    }
}

impl RgbImage {
    /// Luma as PIL's `convert("L")` computes it (ITU-R 601-2, fixed point).
    pub fn to_gray(&self) -> GrayImage {
        let data = self
            .data
            .chunks_exact(3)
            .map(|p| {
                ((p[0] as u32 * 19595 + p[1] as u32 * 38470 + p[2] as u32 * 7471 + 0x8000) >> 16)
                    as u8
            })
            .collect();
        GrayImage {
            width: self.width,
            height: self.height,
            data,
        }
    }
}

/// Box-filter resize of an interleaved `channels`-per-pixel image to
/// `width × height`, exactly as Pillow's `Image.resize(size, Image.BOX)`: each
/// output pixel averages the input pixels whose centres fall under it, with
/// Pillow's 22-bit fixed-point weights, horizontal pass first, 8-bit in between.
pub fn resize_box(
    data: &[u8],
    in_w: usize,
    in_h: usize,
    channels: usize,
    width: usize,
    height: usize,
) -> Vec<u8> {
    let horizontal = box_coefficients(in_w, width);
    let vertical = box_coefficients(in_h, height);
    let mut rows = vec![0u8; in_h * width * channels];
    for y in 0..in_h {
        for (x, (start, weights)) in horizontal.iter().enumerate() {
            for c in 0..channels {
                let px = |i: usize| data[(y * in_w + start + i) * channels + c];
                rows[(y * width + x) * channels + c] = fixed_point_sum(weights, px);
            }
        }
    }
    let mut out = vec![0u8; width * height * channels];
    for (y, (start, weights)) in vertical.iter().enumerate() {
        for x in 0..width * channels {
            out[y * width * channels + x] =
                fixed_point_sum(weights, |i| rows[(start + i) * width * channels + x]);
        }
    }
    out
}

/// Pillow's `PRECISION_BITS` for 8-bit images.
const PRECISION_BITS: u32 = 32 - 8 - 2;

fn fixed_point_sum(weights: &[i32], pixel: impl Fn(usize) -> u8) -> u8 {
    let sum = weights
        .iter()
        .enumerate()
        .fold(1i64 << (PRECISION_BITS - 1), |acc, (i, &w)| {
            acc + pixel(i) as i64 * w as i64
        });
    (sum >> PRECISION_BITS).clamp(0, 255) as u8
}

/// Pillow's `precompute_coeffs` for the box filter (support ½), then
/// `normalize_coeffs_8bpc`: for each output pixel, the first input pixel and
/// the fixed-point weights of the pixels under it.
fn box_coefficients(input: usize, out: usize) -> Vec<(usize, Vec<i32>)> {
    let scale = input as f64 / out.max(1) as f64;
    let filterscale = scale.max(1.0);
    let support = 0.5 * filterscale;
    (0..out)
        .map(|o| {
            let center = (o as f64 + 0.5) * scale;
            let xmin = ((center - support + 0.5) as i64).max(0) as usize;
            let xmax = ((center + support + 0.5) as i64)
                .min(input as i64)
                .max(xmin as i64) as usize;
            let raw: Vec<f64> = (xmin..xmax)
                .map(|x| {
                    let t = (x as f64 - center + 0.5) / filterscale;
                    if t > -0.5 && t <= 0.5 {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect();
            let total: f64 = raw.iter().sum();
            let fixed = raw
                .iter()
                .map(|&w| {
                    let w =
                        if total != 0.0 { w / total } else { w } * (1u64 << PRECISION_BITS) as f64;
                    (if w < 0.0 { w - 0.5 } else { w + 0.5 }) as i32
                })
                .collect();
            (xmin, fixed)
        })
        .collect()
}

/// A waveform picture: for each pixel column, a vertical line from the minimum
/// to the maximum sample it covers, in `color` on white (amplitude ±`scale` spans
/// the height). The size is checked with [`check_size`].
pub fn waveform<T: Float>(
    y: ArrayView1<'_, T>,
    (width, height): (usize, usize),
    color: [u8; 3],
    scale: T,
) -> Result<RgbImage> {
    check_size((width, height), 3, 0)?;
    let mut image = RgbImage::new(width, height);
    let n = y.len();
    if n == 0 {
        return Ok(image);
    }
    let to_row = |v: T| -> usize {
        let x = ((T::one() - v / scale) * T::of(0.5) * T::of((height - 1) as f64)).wide();
        x.round().clamp(0.0, (height - 1) as f64) as usize
    };
    for col in 0..width {
        let (a, b) = (
            col * n / width,
            ((col + 1) * n / width).max(col * n / width + 1).min(n),
        );
        let (lo, hi) = y.slice(ndarray::s![a..b]).iter().fold(
            (T::infinity(), T::neg_infinity()),
            |(lo, hi), &v| {
                if v.is_nan() {
                    (lo, hi)
                } else {
                    (lo.min(v), hi.max(v))
                }
            },
        );
        if lo > hi {
            continue;
        }
        for row in to_row(hi)..=to_row(lo) {
            image.put(col, row, color);
        }
    }
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    #[test]
    fn box_resize_matches_pillow() {
        // Values from PIL: Image.fromarray(a).resize(size, Image.BOX).
        let img = GrayImage {
            width: 4,
            height: 2,
            data: vec![0, 100, 200, 255, 0, 100, 200, 255],
        };
        assert_eq!(img.resized(Some((2, 1))).unwrap().data, vec![50, 228]);
        let third = GrayImage {
            width: 3,
            height: 1,
            data: vec![0, 90, 180],
        }
        .resized(Some((2, 1)))
        .unwrap();
        assert_eq!(third.data, vec![45, 180]);
    }

    #[test]
    fn sizes_beyond_memory_or_png_are_refused_before_allocating() {
        let img = GrayImage {
            width: 1,
            height: 1,
            data: vec![7],
        };
        for size in [(0, 5), (5, 0), (1 << 31, 1), (1_000_000, 1_000_000)] {
            assert!(img.clone().resized(Some(size)).is_err(), "{size:?}");
        }
        let y: Array1<f32> = Array1::zeros(4);
        assert!(waveform(y.view(), (1_000_000, 1_000_000), [0; 3], 1.0).is_err());
    }

    #[test]
    fn luma_matches_pil() {
        let mut img = RgbImage::new(1, 1);
        img.put(0, 0, [255, 0, 0]);
        assert_eq!(img.to_gray().data, vec![76]);
    }

    #[test]
    fn waveform_draws_envelope() {
        let y: Array1<f32> = (0..1000)
            .map(|i| if i % 2 == 0 { 0.5 } else { -0.5 })
            .collect();
        let img = waveform(y.view(), (10, 21), [0, 0, 255], 1.0).unwrap();
        assert_eq!(img.get(3, 10), [0, 0, 255]);
        assert_eq!(img.get(3, 0), [255, 255, 255]);
        assert_eq!(img.get(3, 5), [0, 0, 255]);
        assert_eq!(img.get(3, 15), [0, 0, 255]);
    }
}
