//! Jaro and Jaro-Winkler similarity (rapidfuzz's matching window, greedy
//! common-symbol assignment and transposition count).

use super::pattern::Pattern;
use super::Sym;
use crate::error::{Error, Result};

fn formula(len1: usize, len2: usize, common: usize, transpositions: usize) -> f64 {
    let t = (transpositions / 2) as f64;
    let m = common as f64;
    let mut sim = 0.0;
    sim += m / len1 as f64;
    sim += m / len2 as f64;
    sim += (m - t) / m;
    sim / 3.0
}

/// Jaro similarity in 0..=1; 0 when below `score_cutoff`.
///
/// rapidfuzz's algorithm: every symbol of `s2` in turn flags the first
/// unflagged equal symbol of `s1` within the matching window (bit-parallel
/// when both rests fit in 64 symbols), after the common prefix, which always
/// matches itself.
pub fn similarity<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    let (len1, len2) = (s1.len(), s2.len());
    if len1 == 0 && len2 == 0 {
        return 1.0;
    }
    if len1 == 0 || len2 == 0 || formula(len1, len2, len1.min(len2), 0) < score_cutoff {
        return 0.0;
    }
    if len1 == 1 && len2 == 1 {
        return (s1[0] == s2[0]) as u8 as f64;
    }
    let (mut a, mut b) = (s1, s2);
    let bound = if len2 > len1 {
        let bound = len2 / 2 - 1;
        b = &b[..b.len().min(len1 + bound)];
        bound
    } else {
        let bound = len1 / 2 - 1;
        a = &a[..a.len().min(len2 + bound)];
        bound
    };
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let (flagged, transpositions) = if a.is_empty() || b.is_empty() {
        (0, 0)
    } else {
        let flag = if a.len() <= 64 && b.len() <= 64 {
            flag_word
        } else {
            flag_blocks
        };
        let scope = Scope {
            bound,
            len1,
            len2,
            prefix,
            score_cutoff,
        };
        let Some(t) = flag(a, b, &scope) else {
            return 0.0;
        };
        t
    };
    let sim = formula(len1, len2, prefix + flagged, transpositions);
    if sim >= score_cutoff {
        sim
    } else {
        0.0
    }
}

/// What the flag scans need besides the strings after their common prefix.
struct Scope {
    /// How far from its own position a symbol may match.
    bound: usize,
    /// Length of the whole first string.
    len1: usize,
    /// Length of the whole second string.
    len2: usize,
    /// Length of the common prefix (matched already).
    prefix: usize,
    /// The score to reach.
    score_cutoff: f64,
}

impl Scope {
    /// Whether `flagged` more matching symbols can still reach the cutoff.
    fn can_pass(&self, flagged: usize) -> bool {
        let common = self.prefix + flagged;
        common != 0 && formula(self.len1, self.len2, common, 0) >= self.score_cutoff
    }
}

/// Flags of `a` and `b` (both at most 64 symbols) as bit sets: `(flagged,
/// transpositions)`, None when the flagged count rules out `score_cutoff`.
fn flag_word<S: Sym>(a: &[S], b: &[S], scope: &Scope) -> Option<(usize, usize)> {
    let bound = scope.bound;
    Pattern::with(a, |pm| {
        let (mut a_flag, mut b_flag) = (0u64, 0u64);
        let mut window = if bound >= 63 {
            !0
        } else {
            (1u64 << (bound + 1)) - 1
        };
        for (j, c) in b.iter().enumerate() {
            let m = pm.word(c.key()) & window & !a_flag;
            a_flag |= m & m.wrapping_neg();
            b_flag |= ((m != 0) as u64) << j;
            window = if j < bound {
                (window << 1) | 1
            } else {
                window << 1
            };
        }
        let flagged = a_flag.count_ones() as usize;
        if !scope.can_pass(flagged) {
            return None;
        }
        let mut transpositions = 0;
        while b_flag != 0 {
            let (i, j) = (a_flag.trailing_zeros(), b_flag.trailing_zeros());
            transpositions += (a[i as usize] != b[j as usize]) as usize;
            a_flag &= a_flag - 1;
            b_flag &= b_flag - 1;
        }
        Some((flagged, transpositions))
    })
}

/// [`flag_word`] for longer strings, bit-parallel over 64-position words (as
/// rapidfuzz's block version): each symbol of `b` takes the lowest unflagged
/// equal symbol of `a` in its window, found word by word. Memory is `O(len /
/// 64)` words besides the [`Pattern`] (itself `O(len)`).
fn flag_blocks<S: Sym>(a: &[S], b: &[S], scope: &Scope) -> Option<(usize, usize)> {
    let bound = scope.bound;
    Pattern::with(a, |pm| {
        let mut a_flag = vec![0u64; a.len().div_ceil(64)];
        let mut b_flag = vec![0u64; b.len().div_ceil(64)];
        let mut flagged = 0usize;
        for (j, c) in b.iter().enumerate() {
            let lo = j.saturating_sub(bound);
            let hi = (j + bound + 1).min(a.len());
            if lo >= hi {
                break; // the windows only move right
            }
            let key = c.key();
            let (first, last) = (lo / 64, (hi - 1) / 64);
            for (w, flags) in a_flag.iter_mut().enumerate().take(last + 1).skip(first) {
                let mut m = pm.get(w, key) & !*flags;
                if w == first {
                    m &= !0u64 << (lo % 64);
                }
                if w == last {
                    m &= !0u64 >> (63 - (hi - 1) % 64);
                }
                if m != 0 {
                    *flags |= m & m.wrapping_neg();
                    b_flag[j / 64] |= 1u64 << (j % 64);
                    flagged += 1;
                    break;
                }
            }
        }
        if !scope.can_pass(flagged) {
            return None;
        }
        let positions = |flags: Vec<u64>| {
            flags.into_iter().enumerate().flat_map(|(w, mut bits)| {
                std::iter::from_fn(move || {
                    (bits != 0).then(|| {
                        let i = bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        w * 64 + i
                    })
                })
            })
        };
        let transpositions = positions(a_flag)
            .zip(positions(b_flag))
            .filter(|&(i, j)| a[i] != b[j])
            .count();
        Some((flagged, transpositions))
    })
}

/// `1 - similarity`; 1 when above `score_cutoff`.
pub fn distance<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    let sim_cutoff = if score_cutoff > 1.0 {
        0.0
    } else {
        1.0 - score_cutoff
    };
    let dist = 1.0 - similarity(s1, s2, sim_cutoff);
    if dist <= score_cutoff {
        dist
    } else {
        1.0
    }
}

/// Checks rapidfuzz's `prefix_weight` range.
pub fn check_prefix_weight(prefix_weight: f64) -> Result<()> {
    if (0.0..=1.0).contains(&prefix_weight) {
        Ok(())
    } else {
        Err(Error::param(
            "prefix_weight",
            "prefix_weight has to be in the range 0.0 - 1.0",
        ))
    }
}

/// Jaro-Winkler similarity: Jaro boosted by the common prefix (up to 4
/// symbols) times `prefix_weight` once Jaro exceeds 0.7.
pub fn winkler_similarity<S: Sym>(
    s1: &[S],
    s2: &[S],
    prefix_weight: f64,
    score_cutoff: f64,
) -> f64 {
    let max_prefix = s1.len().min(s2.len()).min(4);
    let prefix = s1[..max_prefix]
        .iter()
        .zip(s2)
        .take_while(|(a, b)| a == b)
        .count();
    let mut jaro_cutoff = score_cutoff;
    if jaro_cutoff > 0.7 {
        let prefix_sim = prefix as f64 * prefix_weight;
        jaro_cutoff = if prefix_sim >= 1.0 {
            0.7
        } else {
            0.7f64.max((prefix_sim - jaro_cutoff) / (prefix_sim - 1.0))
        };
    }
    let mut sim = similarity(s1, s2, jaro_cutoff);
    if sim > 0.7 {
        sim += prefix as f64 * prefix_weight * (1.0 - sim);
        sim = sim.min(1.0);
    }
    if sim >= score_cutoff {
        sim
    } else {
        0.0
    }
}

/// `1 - winkler_similarity`; 1 when above `score_cutoff`.
pub fn winkler_distance<S: Sym>(s1: &[S], s2: &[S], prefix_weight: f64, score_cutoff: f64) -> f64 {
    let sim_cutoff = if score_cutoff > 1.0 {
        0.0
    } else {
        1.0 - score_cutoff
    };
    let dist = 1.0 - winkler_similarity(s1, s2, prefix_weight, sim_cutoff);
    if dist <= score_cutoff {
        dist
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags of rapidfuzz's definition, one window scan per symbol.
    fn naive(a: &[u32], b: &[u32], bound: usize) -> (usize, usize) {
        let (mut a_flags, mut b_flags) = (vec![false; a.len()], vec![false; b.len()]);
        for (j, cb) in b.iter().enumerate() {
            let (lo, hi) = (j.saturating_sub(bound), (j + bound + 1).min(a.len()));
            if let Some(i) = (lo..hi).find(|&i| !a_flags[i] && a[i] == *cb) {
                a_flags[i] = true;
                b_flags[j] = true;
            }
        }
        let a_matched = a.iter().zip(&a_flags).filter(|(_, f)| **f).map(|(c, _)| c);
        let b_matched = b.iter().zip(&b_flags).filter(|(_, f)| **f).map(|(c, _)| c);
        let transpositions = a_matched.zip(b_matched).filter(|(x, y)| x != y).count();
        (a_flags.iter().filter(|f| **f).count(), transpositions)
    }

    #[test]
    fn block_flags_equal_the_window_scan() {
        let mut rng = crate::testing::Lcg(11);
        let mut next = move |n: u64| rng.below(n);
        for round in 0..200 {
            let (la, lb) = (next(400) as usize + 1, next(400) as usize + 1);
            let alphabet = [3, 26, 300, 70_000][round % 4];
            let a: Vec<u32> = (0..la).map(|_| next(alphabet) as u32).collect();
            let b: Vec<u32> = (0..lb).map(|_| next(alphabet) as u32).collect();
            let bound = next(300) as usize;
            // None: nothing flagged (no common symbol rules out any score)
            let scope = Scope {
                bound,
                len1: la,
                len2: lb,
                prefix: 0,
                score_cutoff: 0.0,
            };
            let found = flag_blocks(&a, &b, &scope).unwrap_or((0, 0));
            assert_eq!(found, naive(&a, &b, bound), "round {round}");
        }
    }
}
