//! Colormaps applied the way matplotlib's `imsave` applies them.

use std::str::FromStr;

use ndarray::ArrayView2;

use super::colormap_tables::{GRAY, MAGMA, VIRIDIS};
use super::image::RgbImage;
use crate::dsp::Float;
use crate::error::{Error, Result};

/// A matplotlib colormap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colormap {
    /// Perceptually uniform black-purple-yellow (librosa's default for spectrograms).
    Magma,
    /// Perceptually uniform blue-green-yellow (matplotlib's default).
    Viridis,
    /// Black to white.
    Gray,
}

impl FromStr for Colormap {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "magma" => Ok(Colormap::Magma),
            "viridis" => Ok(Colormap::Viridis),
            "gray" | "grey" => Ok(Colormap::Gray),
            other => Err(Error::param(
                "cmap",
                format!("'{other}' is not one of 'magma', 'viridis', 'gray'"),
            )),
        }
    }
}

impl Colormap {
    fn table(self) -> &'static [[u8; 3]; 256] {
        match self {
            Colormap::Magma => &MAGMA,
            Colormap::Viridis => &VIRIDIS,
            Colormap::Gray => &GRAY,
        }
    }

    /// Colour of `value` between `vmin` and `vmax`, as matplotlib's
    /// `Normalize` + `Colormap(bytes=True)`: `x = (v - vmin) / (vmax - vmin)`
    /// in the value's precision, entry `int(256 x)` (1.0 maps to the last entry,
    /// values outside to the ends, NaN to black).
    pub fn color<T: Float>(self, value: T, vmin: T, vmax: T) -> [u8; 3] {
        if value.is_nan() {
            return [0, 0, 0];
        }
        let span = vmax - vmin;
        let x = if span > T::zero() {
            (value - vmin) / span
        } else {
            T::zero()
        };
        let scaled = x * T::of(256.0);
        let index = if scaled < T::zero() {
            0
        } else {
            scaled.to_usize().unwrap_or(255).min(255)
        };
        self.table()[index]
    }

    /// Renders `values` (rows × columns) as an image with one pixel per value,
    /// row 0 at the bottom (`origin="lower"`, low frequencies down), normalised
    /// to the finite minimum and maximum like `plt.imsave(..., origin="lower")`.
    pub fn render<T: Float>(self, values: ArrayView2<'_, T>) -> RgbImage {
        let (rows, cols) = values.dim();
        let (vmin, vmax) = values
            .iter()
            .filter(|v| !v.is_nan())
            .fold((T::infinity(), T::neg_infinity()), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let mut image = RgbImage::new(cols, rows);
        for (r, row) in values.outer_iter().enumerate() {
            let y = rows - 1 - r;
            for (c, &v) in row.iter().enumerate() {
                image.put(c, y, self.color(v, vmin, vmax));
            }
        }
        image
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn normalises_like_matplotlib() {
        let cm = Colormap::Gray;
        assert_eq!(cm.color(0.0f32, 0.0, 1.0), GRAY[0]);
        assert_eq!(cm.color(1.0f32, 0.0, 1.0), GRAY[255]);
        assert_eq!(cm.color(0.5f64, 0.0, 1.0), GRAY[128]);
        assert_eq!(cm.color(-3.0f64, 0.0, 1.0), GRAY[0]);
        assert_eq!(cm.color(f32::NAN, 0.0, 1.0), [0, 0, 0]);
        assert_eq!(cm.color(2.0f32, 2.0, 2.0), GRAY[0]);
        assert!("jet".parse::<Colormap>().is_err());
    }

    #[test]
    fn lower_origin_puts_first_row_at_the_bottom() {
        let img = Colormap::Magma.render(array![[0.0f32, 0.0], [1.0, 1.0]].view());
        assert_eq!((img.width, img.height), (2, 2));
        assert_eq!(img.get(0, 1), MAGMA[0]);
        assert_eq!(img.get(0, 0), MAGMA[255]);
    }
}
