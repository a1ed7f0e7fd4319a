//! f32 micro-kernels: `MR` queries against one 16-row panel.
//!
//! Written as fixed-size array loops that LLVM turns into vector code: the
//! `MR × 16` accumulators stay in registers (12 AVX registers on x86-64), and each
//! feature costs two panel loads, `MR` broadcasts and `2·MR` vector FMAs. The
//! search compiles the whole scan twice, once with AVX2+FMA enabled (selected at
//! run time) and once for the baseline target; [`Arith`] picks fused or plain
//! multiply-add to match (a fused `mul_add` without hardware FMA would be a slow
//! library call).

use super::packed::LANES;

/// Queries per micro-kernel call.
pub const MR: usize = 6;

/// A tile of kernel values: `tile[r][lane]` for query `r` and panel row `lane`.
pub type Tile = [[f32; LANES]; MR];

/// Multiply-add flavour of the compiled scan.
pub trait Arith {
    /// `a * b + c`.
    fn madd(a: f32, b: f32, c: f32) -> f32;
    /// `a * b + c` in f64.
    fn madd64(a: f64, b: f64, c: f64) -> f64;
}

/// Hardware fused multiply-add (only inside FMA-enabled code).
pub struct Fused;
/// Separate multiply and add (baseline targets).
pub struct Plain;

impl Arith for Fused {
    #[inline(always)]
    fn madd(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }

    #[inline(always)]
    fn madd64(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
}

impl Arith for Plain {
    #[inline(always)]
    fn madd(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }

    #[inline(always)]
    fn madd64(a: f64, b: f64, c: f64) -> f64 {
        a * b + c
    }
}

/// What a kernel accumulates, feature by feature, between a query row and a
/// database row.
pub trait Kernel {
    /// The accumulator after adding the term of query value `q` and database
    /// value `x`.
    fn step<A: Arith>(acc: f32, q: f32, x: f32) -> f32;

    /// The tile for the `MR` queries in `queries` (interleaved `[d][MR]`, see
    /// [`interleave`]) against `panel` (`[d][LANES]`).
    #[inline(always)]
    fn tile<A: Arith>(queries: &[f32], panel: &[f32], d: usize) -> Tile {
        let mut acc = [[0f32; LANES]; MR];
        for (x, q) in panel[..d * LANES]
            .chunks_exact(LANES)
            .zip(queries[..d * MR].chunks_exact(MR))
        {
            // cannot fail: chunks_exact(LANES) yields slices of exactly LANES
            let x: &[f32; LANES] = x.try_into().unwrap();
            for (row, &qv) in acc.iter_mut().zip(q) {
                for (a, &xv) in row.iter_mut().zip(x) {
                    *a = Self::step::<A>(*a, qv, xv);
                }
            }
        }
        acc
    }
}

/// Dot products `q·x`.
pub struct Dot;
/// L1 distances `Σ|q - x|`.
pub struct L1;

impl Kernel for Dot {
    #[inline(always)]
    fn step<A: Arith>(acc: f32, q: f32, x: f32) -> f32 {
        A::madd(q, x, acc)
    }
}

impl Kernel for L1 {
    #[inline(always)]
    fn step<A: Arith>(acc: f32, q: f32, x: f32) -> f32 {
        acc + (q - x).abs()
    }
}

/// Transposes `MR` query rows (row-major, `d` wide) into the `[d][MR]` layout
/// the kernels read.
pub fn interleave(rows: &[f32], d: usize, out: &mut [f32]) {
    for r in 0..MR {
        for j in 0..d {
            out[j * MR + r] = rows[r * d + j];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_match_scalar_formulas() {
        let d = 5;
        let queries: Vec<f32> = (0..MR * d).map(|i| (i as f32 * 0.37).sin()).collect();
        let panel: Vec<f32> = (0..d * LANES).map(|i| (i as f32 * 0.11).cos()).collect();
        let mut columns = vec![0f32; MR * d];
        interleave(&queries, d, &mut columns);
        let dot = Dot::tile::<Plain>(&columns, &panel, d);
        let l1 = L1::tile::<Fused>(&columns, &panel, d);
        for r in 0..MR {
            for lane in 0..LANES {
                let q = &queries[r * d..(r + 1) * d];
                let x: Vec<f32> = (0..d).map(|j| panel[j * LANES + lane]).collect();
                let want_dot: f32 = q.iter().zip(&x).map(|(a, b)| a * b).sum();
                let want_l1: f32 = q.iter().zip(&x).map(|(a, b)| (a - b).abs()).sum();
                assert!((dot[r][lane] - want_dot).abs() < 1e-5);
                assert!((l1[r][lane] - want_l1).abs() < 1e-5);
            }
        }
    }
}
