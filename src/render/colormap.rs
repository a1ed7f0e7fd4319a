//! Colormaps applied the way matplotlib's `imsave` applies them.

use ndarray::ArrayView2;

use super::colormap_tables as tables;
use super::image::RgbImage;
use crate::dsp::Float;

pub use crate::options::render::colormap::Colormap;

const MAGMA: [[u8; 3]; 256] = lut(tables::MAGMA);
const VIRIDIS: [[u8; 3]; 256] = lut(tables::VIRIDIS);
const GRAY: [[u8; 3]; 256] = lut(tables::GRAY);

/// The 256 RGB entries a table of [`tables`] spells in hex (`rrggbb` each),
/// decoded at compile time: a malformed table does not compile.
const fn lut(hex: &str) -> [[u8; 3]; 256] {
    const fn digit(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            // A table with another character does not build (`lut` builds consts only).
            // cannot fail: evaluated at compile time.
            _ => panic!("colormap table: not a lower-case hex digit"),
        }
    }
    let hex = hex.as_bytes();
    assert!(hex.len() == 256 * 6, "colormap table: not 256 entries");
    let mut table = [[0u8; 3]; 256];
    let mut i = 0;
    while i < 256 * 3 {
        table[i / 3][i % 3] = digit(hex[2 * i]) << 4 | digit(hex[2 * i + 1]);
        i += 1;
    }
    table
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
    fn tables_decode_to_matplotlib_entries() {
        // First, middle and last entries and the sum of all values, from
        // matplotlib 3.x (`(cmap._lut[:256, :3] * 255).astype(np.uint8)`).
        let sum = |t: &[[u8; 3]; 256]| t.iter().flatten().map(|&v| v as u32).sum::<u32>();
        let got = [MAGMA[0], MAGMA[255], VIRIDIS[0], VIRIDIS[128], GRAY[128]];
        let want = [
            [0, 0, 3],
            [251, 252, 191],
            [68, 1, 84],
            [32, 144, 140],
            [128; 3],
        ];
        assert_eq!(got, want);
        assert_eq!(
            [sum(&MAGMA), sum(&VIRIDIS), sum(&GRAY)],
            [89738, 84207, 97848]
        );
    }

    #[test]
    fn lower_origin_puts_first_row_at_the_bottom() {
        let img = Colormap::Magma.render(array![[0.0f32, 0.0], [1.0, 1.0]].view());
        assert_eq!((img.width, img.height), (2, 2));
        assert_eq!(img.get(0, 1), MAGMA[0]);
        assert_eq!(img.get(0, 0), MAGMA[255]);
    }
}
