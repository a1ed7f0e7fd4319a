//! Interpretable components of one signal, composed back into perturbed clips.
//!
//! A [`Factorization`] holds its source signals once, as float32 (the input
//! itself for time segments; stems, bands or harmonic/percussive parts
//! otherwise). Each component is a time span of one source, so time segments,
//! sources, and their products (LEMONS's stems × segments) share one cheap
//! representation. Whatever the components leave out of the input is kept as
//! an explicit `residual`, so that composing with every component switched on
//! gives back the input.

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::error::{ensure, Error, Result};
use crate::explain::surrogate::Masks;

/// One component: samples `start..end` of source `source`, in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Index of the source signal.
    pub source: usize,
    /// First sample.
    pub start: usize,
    /// One past the last sample.
    pub end: usize,
}

/// Components of one input signal (see the module docs).
#[derive(Clone, Debug)]
pub struct Factorization {
    input: Vec<f32>,
    sources: Vec<Vec<f32>>,
    /// Segment boundaries in samples, `0 = b₀ < b₁ < … = len`.
    bounds: Vec<usize>,
    /// `input − Σ sources`, or empty when that is exactly zero.
    residual: Vec<f32>,
    /// With several sources: the residual plus the active sources of each
    /// (segment, mask bits) pair, summed on first use (empty when over budget).
    sums: Vec<OnceLock<Vec<f32>>>,
}

/// Memory the per-segment sums of several sources may take (`2^sources × len` floats).
const SUMS_BUDGET_BYTES: usize = 256 << 20;

impl Factorization {
    /// Splits each of `sources` at the sample `bounds` (`0 = b₀ < b₁ < … = len`):
    /// component `s · n_sources + k` is source `k` within segment `s` (audioLIME's
    /// order). `bounds = [0, len]` makes each source one component.
    pub fn new(input: Vec<f32>, sources: Vec<Vec<f32>>, bounds: &[usize]) -> Result<Self> {
        let len = input.len();
        ensure(len > 0, "y", || "the signal to explain is empty".into())?;
        ensure(!sources.is_empty(), "factorization", || {
            "has zero components; nothing to explain".into()
        })?;
        if let Some((k, s)) = sources.iter().enumerate().find(|(_, s)| s.len() != len) {
            return Err(Error::param(
                "sources",
                format!("source {k} has {} samples, the input has {len}", s.len()),
            ));
        }
        ensure(
            bounds.len() >= 2 && bounds[0] == 0 && bounds[bounds.len() - 1] == len,
            "boundaries",
            || {
                format!("segment boundaries must start at sample 0 and end at the signal length {len}, got {bounds:?}")
            },
        )?;
        ensure(bounds.windows(2).all(|w| w[0] < w[1]), "boundaries", || {
            format!(
                "segment boundaries must be strictly increasing (no empty segment), got {bounds:?}"
            )
        })?;
        let finite = |s: &[f32]| s.iter().all(|x| x.is_finite());
        ensure(finite(&input), "y", || {
            "audio buffer is not finite everywhere (NaN or inf)".into()
        })?;
        ensure(sources.iter().all(|s| finite(s)), "sources", || {
            "a source is not finite everywhere (NaN or inf)".into()
        })?;

        let residual: Vec<f32> = (0..len)
            .map(|i| (input[i] as f64 - sources.iter().map(|s| s[i] as f64).sum::<f64>()) as f32)
            .collect();
        let residual = if residual.iter().all(|&r| r == 0.0) {
            Vec::new()
        } else {
            residual
        };
        let k = sources.len();
        let cached = (2..16).contains(&k) && len.saturating_mul(4 << k) <= SUMS_BUDGET_BYTES;
        let sums = if cached {
            (0..(bounds.len() - 1) << k)
                .map(|_| OnceLock::new())
                .collect()
        } else {
            Vec::new()
        };
        Ok(Factorization {
            input,
            sources,
            bounds: bounds.to_vec(),
            residual,
            sums,
        })
    }

    /// Number of components (mask bits).
    pub fn n_components(&self) -> usize {
        (self.bounds.len() - 1) * self.sources.len()
    }

    /// Length of the input and of every composed clip, in samples.
    pub fn len(&self) -> usize {
        self.input.len()
    }

    /// Always false: a factorization holds at least one sample.
    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// Bytes of signal held: input, sources, residual and the segment sums built so far.
    pub fn nbytes(&self) -> usize {
        let floats = self.input.len()
            + self.sources.iter().map(Vec::len).sum::<usize>()
            + self.residual.len()
            + self
                .sums
                .iter()
                .filter_map(OnceLock::get)
                .map(Vec::len)
                .sum::<usize>();
        floats * std::mem::size_of::<f32>()
    }

    /// Where each component lives, in component order.
    pub fn spans(&self) -> Vec<Span> {
        self.bounds
            .windows(2)
            .flat_map(|w| {
                (0..self.sources.len()).map(move |source| Span {
                    source,
                    start: w[0],
                    end: w[1],
                })
            })
            .collect()
    }

    /// What the components leave out of the input (zeros when nothing).
    pub fn residual(&self) -> Vec<f32> {
        if self.residual.is_empty() {
            vec![0.0; self.len()]
        } else {
            self.residual.clone()
        }
    }

    /// Writes the sum of the components whose `mask` entry is nonzero into
    /// `out`, plus the residual when `with_residual`. With every component on
    /// and the residual, `out` is the input itself, bit for bit.
    pub fn compose_into(&self, mask: &[u8], with_residual: bool, out: &mut [f32]) {
        self.update_into(None, mask, with_residual, out);
    }

    /// [`compose_into`](Self::compose_into) into an `out` that already holds
    /// the clip of mask `previous` (composed with the same `with_residual`):
    /// only segments whose mask bits changed are rewritten, so the result is
    /// bit for bit what a fresh composition gives, with about half the memory
    /// traffic for random masks over time segments.
    pub fn update_into(
        &self,
        previous: Option<&[u8]>,
        mask: &[u8],
        with_residual: bool,
        out: &mut [f32],
    ) {
        let all_on = |m: &[u8]| m.iter().all(|&b| b != 0);
        if with_residual && all_on(mask) {
            out.copy_from_slice(&self.input);
            return;
        }
        // A clip that was the input verbatim is not the sum of its segments.
        let previous = previous.filter(|p| !(with_residual && all_on(p)));
        let k = self.sources.len();
        for (segment, w) in self.bounds.windows(2).enumerate() {
            let bits = &mask[segment * k..(segment + 1) * k];
            if previous.is_some_and(|p| &p[segment * k..(segment + 1) * k] == bits) {
                continue;
            }
            let residual =
                (with_residual && !self.residual.is_empty()).then(|| &self.residual[w[0]..w[1]]);
            let pieces: Vec<&[f32]> = residual
                .into_iter()
                .chain(
                    self.sources
                        .iter()
                        .zip(bits)
                        .filter(|(_, &m)| m != 0)
                        .map(|(s, _)| &s[w[0]..w[1]]),
                )
                .collect();
            let region = &mut out[w[0]..w[1]];
            if with_residual && !self.sums.is_empty() && pieces.len() > 1 {
                // The same sum, in the same order, computed once per bit pattern.
                let pattern = bits
                    .iter()
                    .enumerate()
                    .fold(0usize, |acc, (i, &b)| acc | (usize::from(b != 0) << i));
                let sum = self.sums[(segment << k) | pattern].get_or_init(|| {
                    let mut sum = vec![0.0; region.len()];
                    sum_into(&pieces, &mut sum);
                    sum
                });
                region.copy_from_slice(sum);
            } else {
                sum_into(&pieces, region);
            }
        }
    }

    /// [`compose_batch`](Self::compose_batch) of `masks` given as a table
    /// into `out`, a `shape = (rows, len)` buffer, each checked against this
    /// factorization first (errors name `mask` and `out`), on `n_jobs` threads.
    pub fn compose_table(
        &self,
        masks: Masks<'_>,
        previous: Option<&[u8]>,
        with_residual: bool,
        (out, shape): (&mut [f32], (usize, usize)),
        n_jobs: i64,
    ) -> Result<()> {
        let (n, len, cols) = (self.n_components(), self.len(), masks.n_features);
        ensure(cols == n, "mask", || {
            format!("has {cols} entries per row; the factorization has {n} components")
        })?;
        let rows = masks.data.len() / n.max(1);
        ensure(shape == (rows, len), "out", || {
            format!("has shape {shape:?}, expected ({rows}, {len})")
        })?;
        crate::parallel::install(n_jobs, || {
            self.compose_batch(masks.data, previous, with_residual, out)
        })?
    }

    /// Composes one clip per row of `masks` (`rows × n_components`, row-major)
    /// into `out` (`rows × len`), rows in parallel on the current rayon pool.
    /// With `previous` (same shape as `masks`), row `r` of `out` holds the clip
    /// of `previous` row `r` and is updated in place (see [`update_into`](Self::update_into)).
    pub fn compose_batch(
        &self,
        masks: &[u8],
        previous: Option<&[u8]>,
        with_residual: bool,
        out: &mut [f32],
    ) -> Result<()> {
        let n = self.n_components();
        ensure(masks.len().is_multiple_of(n), "masks", || {
            format!("must have {n} columns, one per component")
        })?;
        let rows = masks.len() / n;
        ensure(out.len() == rows * self.len(), "out", || {
            format!("must hold {rows} clips of {} samples", self.len())
        })?;
        ensure(
            previous.is_none_or(|p| p.len() == masks.len()),
            "previous",
            || "must have the shape of masks".into(),
        )?;
        out.par_chunks_mut(self.len())
            .zip(masks.par_chunks(n))
            .enumerate()
            .for_each(|(r, (clip, mask))| {
                self.update_into(
                    previous.map(|p| &p[r * n..(r + 1) * n]),
                    mask,
                    with_residual,
                    clip,
                )
            });
        Ok(())
    }
}

/// Samples summed per block: the output block stays in L1 cache while every
/// piece is added, so each piece is read once and the output written once.
const BLOCK: usize = 4096;

/// `out = Σ pieces` (zeros for no piece).
fn sum_into(pieces: &[&[f32]], out: &mut [f32]) {
    match pieces {
        [] => out.fill(0.0),
        [one] => out.copy_from_slice(one),
        [first, rest @ ..] => {
            for (b, block) in out.chunks_mut(BLOCK).enumerate() {
                let at = b * BLOCK..b * BLOCK + block.len();
                block.copy_from_slice(&first[at.clone()]);
                for piece in rest {
                    block
                        .iter_mut()
                        .zip(&piece[at.clone()])
                        .for_each(|(o, &x)| *o += x);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|i| (i as f32 * 0.37).sin() * scale).collect()
    }

    #[test]
    fn time_segments_partition_the_input() {
        let y = ramp(10, 1.0);
        let f = Factorization::new(y.clone(), vec![y.clone()], &[0, 3, 7, 10]).unwrap();
        assert_eq!(f.n_components(), 3);
        assert_eq!(f.residual(), vec![0.0; 10]);
        let mut out = vec![0.0; 10];
        f.compose_into(&[1, 0, 1], true, &mut out);
        let want: Vec<f32> = (0..10)
            .map(|i| if (3..7).contains(&i) { 0.0 } else { y[i] })
            .collect();
        assert_eq!(out, want);
        f.compose_into(&[1, 1, 1], true, &mut out);
        assert_eq!(out, y);
    }

    #[test]
    fn sources_with_residual_and_products() {
        let (a, b) = (ramp(8, 1.0), ramp(8, 0.5));
        let y: Vec<f32> = a.iter().zip(&b).map(|(x, z)| x + z + 0.25).collect();
        // Two sources × two segments, segment-major.
        let f = Factorization::new(y.clone(), vec![a.clone(), b.clone()], &[0, 4, 8]).unwrap();
        assert_eq!(f.n_components(), 4);
        assert_eq!(
            f.spans()[1],
            Span {
                source: 1,
                start: 0,
                end: 4
            }
        );
        for r in f.residual() {
            assert!((r - 0.25).abs() < 1e-6);
        }
        let mut out = vec![0.0; 8];
        f.compose_into(&[0, 1, 1, 0], false, &mut out);
        let want: Vec<f32> = (0..8).map(|i| if i < 4 { b[i] } else { a[i] }).collect();
        assert_eq!(out, want);
        // Cached per-pattern sums equal the direct sum (same order: residual, then sources).
        let r = f.residual();
        f.compose_into(&[1, 1, 0, 1], true, &mut out);
        let want: Vec<f32> = (0..8)
            .map(|i| {
                if i < 4 {
                    r[i] + a[i] + b[i]
                } else {
                    r[i] + b[i]
                }
            })
            .collect();
        assert_eq!(out, want);
        f.compose_into(&[0, 0, 0, 0], true, &mut out);
        assert!(out.iter().all(|&r| (r - 0.25).abs() < 1e-6));
        f.compose_into(&[1, 1, 1, 1], true, &mut out);
        assert_eq!(out, y);

        let masks = [1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0];
        let mut batch = vec![0.0; 3 * 8];
        f.compose_batch(&masks, None, false, &mut batch).unwrap();
        let mut one = vec![0.0; 8];
        for r in 0..3 {
            f.compose_into(&masks[r * 4..r * 4 + 4], false, &mut one);
            assert_eq!(&batch[r * 8..r * 8 + 8], one.as_slice());
        }
    }

    #[test]
    fn updates_equal_fresh_compositions() {
        let (a, b) = (ramp(12, 1.0), ramp(12, 0.5));
        let y: Vec<f32> = a.iter().zip(&b).map(|(x, z)| x + z + 0.1).collect();
        for sources in [vec![y.clone()], vec![a.clone(), b.clone()]] {
            let f = Factorization::new(y.clone(), sources, &[0, 3, 5, 9, 12]).unwrap();
            let n = f.n_components();
            let masks = crate::explain::sampling::sample_masks(40, n, 5);
            for with_residual in [true, false] {
                let mut held = vec![0.0; 12];
                let mut fresh = vec![0.0; 12];
                f.compose_into(&masks[..n], with_residual, &mut held);
                for r in 1..40 {
                    let (prev, mask) = (&masks[(r - 1) * n..r * n], &masks[r * n..(r + 1) * n]);
                    f.update_into(Some(prev), mask, with_residual, &mut held);
                    f.compose_into(mask, with_residual, &mut fresh);
                    assert_eq!(held, fresh, "row {r}");
                }
            }
        }
    }

    #[test]
    fn rejects_bad_input() {
        let y = ramp(8, 1.0);
        let err = |r: Result<Factorization>| match r {
            Err(Error::InvalidParameter { name, .. }) => name,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(
            err(Factorization::new(y.clone(), vec![], &[0, 8])),
            "factorization"
        );
        assert_eq!(
            err(Factorization::new(y.clone(), vec![ramp(7, 1.0)], &[0, 8])),
            "sources"
        );
        assert_eq!(
            err(Factorization::new(
                y.clone(),
                vec![y.clone()],
                &[0, 4, 4, 8]
            )),
            "boundaries"
        );
        assert_eq!(
            err(Factorization::new(y.clone(), vec![y.clone()], &[0, 4])),
            "boundaries"
        );
        assert_eq!(err(Factorization::new(vec![], vec![vec![]], &[0, 0])), "y");
        let f = Factorization::new(y.clone(), vec![y], &[0, 8]).unwrap();
        assert!(f
            .compose_batch(&[1, 1], None, false, &mut [0.0; 8])
            .is_err());
    }

    #[test]
    fn tables_are_checked_against_the_factorization() {
        let y = ramp(12, 1.0);
        let f = Factorization::new(y.clone(), vec![y.clone()], &[0, 4, 8, 12]).unwrap();
        let masks = [1u8, 0, 1, 0, 1, 1];
        let mut out = vec![0f32; 24];
        f.compose_table(Masks::new(&masks, 3), None, false, (&mut out, (2, 12)), 1)
            .unwrap();
        let mut direct = vec![0f32; 24];
        f.compose_batch(&masks, None, false, &mut direct).unwrap();
        assert_eq!(out, direct);
        let wide = Masks::new(&masks, 2);
        let err = f
            .compose_table(wide, None, false, (&mut out, (3, 12)), 1)
            .unwrap_err();
        assert!(err.to_string().contains("2 entries per row"), "{err}");
        let err = f
            .compose_table(Masks::new(&masks, 3), None, false, (&mut out, (1, 24)), 1)
            .unwrap_err();
        assert!(err.to_string().contains("expected (2, 12)"), "{err}");
    }
}
