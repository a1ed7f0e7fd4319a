//! Sliding medians of [`LANES`] independent rows at once
//! (`scipy.ndimage.median_filter` along one axis, `mode="reflect"`).
//!
//! Each lane keeps its window sorted; one step deletes the leaving value and
//! inserts the entering one with a branch-free compare/select pass over the
//! window, the same instructions for every lane, so the loop runs on 8-wide
//! SIMD registers (AVX intrinsics for `f32` when the CPU has AVX2, detected at
//! run time; portable code the compiler vectorises otherwise).

use crate::dsp::frames::PadMode;
use crate::dsp::Float;

/// Rows filtered together.
pub const LANES: usize = 8;

/// One value per lane.
pub type Lanes<T> = [T; LANES];

/// The median of `x`, which it sorts (a NaN compares equal to everything):
/// the middle value, or the mean of the two middle values of an even count;
/// `None` when `x` is empty.
pub fn median<T: Float>(x: &mut [T]) -> Option<T> {
    x.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let m = x.len();
    match m {
        0 => None,
        _ if m % 2 == 1 => Some(x[m / 2]),
        _ => Some((x[m / 2 - 1] + x[m / 2]) / T::of(2.0)),
    }
}

/// Sliding median over `width` positions of the [`LANES`] sequences stored
/// interleaved in `x` (`x[i][lane]`), written to `out` (same length). The ends
/// are extended by mirror reflection (scipy's `"reflect"`: `d c b a | a b c d`);
/// for even widths the window starts `width / 2` before the sample, as scipy's.
/// The values must be comparable (no NaN). `window` is scratch space.
pub fn median_lanes<T: Float>(
    x: &[Lanes<T>],
    width: usize,
    window: &mut Vec<Lanes<T>>,
    out: &mut [Lanes<T>],
) {
    #[cfg(target_arch = "x86_64")]
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>()
        && std::arch::is_x86_feature_detected!("avx2")
    {
        // SAFETY: `T` is `f32` (same layout), and the CPU supports AVX2.
        unsafe {
            let cast = |s: &[Lanes<T>]| &*(s as *const [Lanes<T>] as *const [Lanes<f32>]);
            let x32 = cast(x);
            let window32 = &mut *(window as *mut Vec<Lanes<T>> as *mut Vec<Lanes<f32>>);
            let out32 = &mut *(out as *mut [Lanes<T>] as *mut [Lanes<f32>]);
            return median_f32_avx2(x32, width, window32, out32);
        }
    }
    median_lanes_generic(x, width, window, out, slide)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn median_f32_avx2(
    x: &[Lanes<f32>],
    width: usize,
    window: &mut Vec<Lanes<f32>>,
    out: &mut [Lanes<f32>],
) {
    median_lanes_generic(x, width, window, out, |w, l, e| unsafe {
        slide_f32_avx2(w, l, e)
    })
}

/// [`slide`] on 8 `f32` lanes with AVX intrinsics (one register per window slot).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn slide_f32_avx2(window: &mut [Lanes<f32>], leaving: &Lanes<f32>, entering: &Lanes<f32>) {
    use std::arch::x86_64::*;
    let last = window.len() - 1;
    let p = window.as_mut_ptr() as *mut f32;
    // SAFETY: every offset below is `< window.len() * LANES`.
    unsafe {
        let (l, e) = (
            _mm256_loadu_ps(leaving.as_ptr()),
            _mm256_loadu_ps(entering.as_ptr()),
        );
        let mut previous = _mm256_set1_ps(f32::NEG_INFINITY);
        let mut here = _mm256_loadu_ps(p);
        for i in 0..last {
            let next = _mm256_loadu_ps(p.add((i + 1) * LANES));
            let below = _mm256_cmp_ps::<_CMP_LT_OQ>(here, l);
            let d = _mm256_blendv_ps(next, here, below);
            _mm256_storeu_ps(
                p.add(i * LANES),
                _mm256_max_ps(previous, _mm256_min_ps(d, e)),
            );
            previous = d;
            here = next;
        }
        _mm256_storeu_ps(p.add(last * LANES), _mm256_max_ps(previous, e));
    }
}

#[inline(always)]
fn median_lanes_generic<T: Float>(
    x: &[Lanes<T>],
    width: usize,
    window: &mut Vec<Lanes<T>>,
    out: &mut [Lanes<T>],
    slide: impl Fn(&mut [Lanes<T>], &Lanes<T>, &Lanes<T>),
) {
    let n = x.len().min(out.len());
    if n == 0 || width == 0 {
        return;
    }
    let before = (width / 2) as isize;
    let at = |i: isize| {
        if (0..n as isize).contains(&i) {
            x[i as usize]
        } else {
            x[PadMode::Symmetric.source(i, n).unwrap_or(0)]
        }
    };
    window.clear();
    window.extend((0..width as isize).map(|j| at(j - before)));
    for lane in 0..LANES {
        let mut column: Vec<T> = window.iter().map(|w| w[lane]).collect();
        column.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        window.iter_mut().zip(column).for_each(|(w, v)| w[lane] = v);
    }
    let mid = width / 2;
    out[0] = window[mid];
    for i in 1..n {
        let leaving = at(i as isize - 1 - before);
        let entering = at(i as isize - before + width as isize - 1);
        slide(window, &leaving, &entering);
        out[i] = window[mid];
    }
}

/// Replaces `leaving` (present in every lane's sorted window) by `entering`,
/// keeping each lane sorted. Position `i` of the window without `leaving` is
/// `w[i]` below `leaving` and `w[i + 1]` from it on; inserting `entering` into
/// that sorted `d` gives `max(d[i - 1], min(d[i], entering))`.
#[inline(always)]
fn slide<T: Float>(window: &mut [Lanes<T>], leaving: &Lanes<T>, entering: &Lanes<T>) {
    let last = window.len() - 1;
    let mut previous = [T::neg_infinity(); LANES];
    for i in 0..last {
        let (here, next) = (window[i], window[i + 1]);
        let mut out = [T::zero(); LANES];
        for l in 0..LANES {
            let d = if here[l] < leaving[l] {
                here[l]
            } else {
                next[l]
            };
            let low = if d < entering[l] { d } else { entering[l] };
            out[l] = if previous[l] > low { previous[l] } else { low };
            previous[l] = d;
        }
        window[i] = out;
    }
    let mut out = [T::zero(); LANES];
    for l in 0..LANES {
        out[l] = if previous[l] > entering[l] {
            previous[l]
        } else {
            entering[l]
        };
    }
    window[last] = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute_force(x: &[f64], width: usize, i: usize) -> f64 {
        let mut w: Vec<f64> = (0..width as isize)
            .map(|j| {
                x[PadMode::Symmetric
                    .source(i as isize + j - (width / 2) as isize, x.len())
                    .unwrap()]
            })
            .collect();
        w.sort_by(|a, b| a.partial_cmp(b).unwrap());
        w[width / 2]
    }

    #[test]
    fn lanes_match_brute_force_medians() {
        for n in [1usize, 2, 5, 50] {
            // Ties (values repeat) and a different sequence per lane.
            let rows: Vec<Vec<f64>> = (0..LANES)
                .map(|l| {
                    (0..n)
                        .map(|i| (((i + 3 * l) * 37 % 11) as f64) - (i % 3) as f64 * 0.5)
                        .collect()
                })
                .collect();
            for width in [1, 2, 3, 4, 7, 31, 61] {
                let x: Vec<Lanes<f64>> = (0..n)
                    .map(|i| std::array::from_fn(|l| rows[l][i]))
                    .collect();
                let mut got = vec![[0.0; LANES]; n];
                median_lanes(&x, width, &mut Vec::new(), &mut got);
                // The f32 kernel (AVX2 on x86_64) gives the same medians.
                let x32: Vec<Lanes<f32>> = x.iter().map(|v| v.map(|a| a as f32)).collect();
                let mut got32 = vec![[0.0f32; LANES]; n];
                median_lanes(&x32, width, &mut Vec::new(), &mut got32);
                for (a, b) in got.iter().zip(&got32) {
                    assert_eq!(a.map(|v| v as f32), *b, "f32, n {n} width {width}");
                }
                for (l, row) in rows.iter().enumerate() {
                    for i in 0..n {
                        assert_eq!(
                            got[i][l],
                            brute_force(row, width, i),
                            "n {n} width {width} lane {l} at {i}"
                        );
                    }
                }
            }
        }
    }
}
