//! The database in 16-row panels: the layout the SIMD kernels stream.
//!
//! Panel `p` holds rows `16p .. 16p + 16` transposed (`data[p][dim][lane]`), so a
//! kernel multiplies one query value by 16 database values with one vector
//! operation. The last panel is padded with zero rows, which the search masks
//! with an infinite key bias.

use rayon::prelude::*;

/// Rows per panel (two AVX registers of f32).
pub const LANES: usize = 16;

/// Rows stored panel by panel.
#[derive(Clone, Debug)]
pub struct Packed {
    /// Number of real rows.
    pub n: usize,
    /// Features per row.
    pub d: usize,
    data: Vec<f32>,
}

impl Packed {
    /// Packs `n` rows of `d` features; `fill(i, row)` writes row `i`. Runs on the
    /// current rayon pool.
    pub fn build(n: usize, d: usize, fill: impl Fn(usize, &mut [f32]) + Sync) -> Self {
        let panels = n.div_ceil(LANES);
        let mut data = vec![0f32; panels * d * LANES];
        if d > 0 {
            data.par_chunks_mut(d * LANES)
                .enumerate()
                .for_each(|(p, panel)| {
                    let mut row = vec![0f32; d];
                    for lane in 0..LANES.min(n - p * LANES) {
                        fill(p * LANES + lane, &mut row);
                        for (j, &v) in row.iter().enumerate() {
                            panel[j * LANES + lane] = v;
                        }
                    }
                });
        }
        Packed { n, d, data }
    }

    /// Number of panels (the last may be partly padding).
    pub fn panels(&self) -> usize {
        self.n.div_ceil(LANES)
    }

    /// Panel `p` as `[dim][lane]`.
    #[inline(always)]
    pub fn panel(&self, p: usize) -> &[f32] {
        &self.data[p * self.d * LANES..(p + 1) * self.d * LANES]
    }

    /// Copies row `i` into `out` (length `d`).
    pub fn row(&self, i: usize, out: &mut [f32]) {
        let panel = self.panel(i / LANES);
        let lane = i % LANES;
        for (j, v) in out.iter_mut().enumerate() {
            *v = panel[j * LANES + lane];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_through_panels() {
        let (n, d) = (37, 3);
        let packed = Packed::build(n, d, |i, row| {
            for (j, v) in row.iter_mut().enumerate() {
                *v = (i * 10 + j) as f32;
            }
        });
        assert_eq!(packed.panels(), 3);
        let mut row = vec![0f32; d];
        for i in 0..n {
            packed.row(i, &mut row);
            assert_eq!(
                row,
                vec![(i * 10) as f32, (i * 10 + 1) as f32, (i * 10 + 2) as f32]
            );
        }
        assert_eq!(packed.panel(2)[LANES - 1], 0.0);
    }
}
