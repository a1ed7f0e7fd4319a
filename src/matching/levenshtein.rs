//! Levenshtein distance with insertion, deletion and substitution weights:
//! bit-parallel (Hyyrö 2003, Myers' block version above 64 symbols) for unit
//! weights, through the Indel distance when substitution costs at least an
//! insertion plus a deletion, Wagner-Fischer otherwise.

use super::pattern::Pattern;
use super::{indel, Edit, Sym};

/// Costs of one insertion, deletion and substitution (rapidfuzz's `weights`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights {
    /// Cost of inserting one symbol into `s1`.
    pub insert: usize,
    /// Cost of deleting one symbol of `s1`.
    pub delete: usize,
    /// Cost of substituting one symbol.
    pub substitute: usize,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            insert: 1,
            delete: 1,
            substitute: 1,
        }
    }
}

/// Unit-weight Levenshtein distance of the pattern prepared in `pm` (`len1`
/// symbols) and `s2`.
pub fn uniform_with<S: Sym>(pm: &Pattern, len1: usize, s2: &[S]) -> usize {
    if len1 == 0 {
        return s2.len();
    }
    let words = pm.words();
    let last = 1u64 << ((len1 - 1) % 64);
    let mut dist = len1;
    if words == 1 {
        let (mut vp, mut vn) = (!0u64, 0u64);
        for s in s2 {
            let x = pm.word(s.key()) | vn;
            let d0 = ((x & vp).wrapping_add(vp) ^ vp) | x;
            let mut hp = vn | !(d0 | vp);
            let mut hn = d0 & vp;
            dist += (hp & last != 0) as usize;
            dist -= (hn & last != 0) as usize;
            hp = (hp << 1) | 1;
            hn <<= 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
        }
        return dist;
    }
    let mut vp = vec![!0u64; words];
    let mut vn = vec![0u64; words];
    for s in s2 {
        let key = s.key();
        let (mut hp_carry, mut hn_carry, mut add_carry) = (1u64, 0u64, false);
        for w in 0..words {
            let x = pm.get(w, key) | vn[w];
            let t = x & vp[w];
            let (sum, c1) = t.overflowing_add(vp[w]);
            let (sum, c2) = sum.overflowing_add(add_carry as u64);
            add_carry = c1 || c2;
            let d0 = (sum ^ vp[w]) | x;
            let mut hp = vn[w] | !(d0 | vp[w]);
            let mut hn = d0 & vp[w];
            if w == words - 1 {
                dist += (hp & last != 0) as usize;
                dist -= (hn & last != 0) as usize;
            }
            let (hp_out, hn_out) = (hp >> 63, hn >> 63);
            hp = (hp << 1) | hp_carry;
            hn = (hn << 1) | hn_carry;
            hp_carry = hp_out;
            hn_carry = hn_out;
            vp[w] = hn | !(d0 | hp);
            vn[w] = hp & d0;
        }
    }
    dist
}

fn wagner_fischer<S: Sym>(s1: &[S], s2: &[S], w: Weights) -> usize {
    let mut row: Vec<usize> = (0..=s1.len()).map(|i| i * w.delete).collect();
    for (j, c2) in s2.iter().enumerate() {
        let mut diag = row[0];
        row[0] = (j + 1) * w.insert;
        for (i, c1) in s1.iter().enumerate() {
            let up = row[i + 1];
            let best = if c1 == c2 {
                diag
            } else {
                (diag + w.substitute)
                    .min(up + w.insert)
                    .min(row[i] + w.delete)
            };
            diag = up;
            row[i + 1] = best;
        }
    }
    row[s1.len()]
}

fn raw_distance<S: Sym>(s1: &[S], s2: &[S], w: Weights) -> usize {
    if w.insert == w.delete {
        if w.insert == 0 {
            return 0;
        }
        if w.substitute == w.insert {
            let (_, a, b) = super::strip_affix(s1, s2);
            let (a, b) = if a.len() <= b.len() { (b, a) } else { (a, b) };
            if b.is_empty() {
                return a.len() * w.insert;
            }
            return Pattern::with(b, |pm| uniform_with(pm, b.len(), a)) * w.insert;
        }
        if w.substitute >= w.insert + w.delete {
            let lcs = indel::lcs(s1, s2);
            return indel::distance_from_lcs(s1.len(), s2.len(), lcs) * w.insert;
        }
    }
    wagner_fischer(s1, s2, w)
}

/// Largest possible distance for these lengths and weights.
pub fn maximum(len1: usize, len2: usize, w: Weights) -> usize {
    let all = len1 * w.delete + len2 * w.insert;
    if len1 >= len2 {
        all.min(len2 * w.substitute + (len1 - len2) * w.delete)
    } else {
        all.min(len1 * w.substitute + (len2 - len1) * w.insert)
    }
}

/// The weighted Levenshtein distance of `s1` and `s2` with its [`maximum`].
pub fn edit<S: Sym>(s1: &[S], s2: &[S], w: Weights) -> Edit {
    Edit {
        dist: raw_distance(s1, s2, w),
        maximum: maximum(s1.len(), s2.len(), w),
    }
}

/// Levenshtein distance; `score_cutoff + 1` when above `score_cutoff`.
pub fn distance<S: Sym>(s1: &[S], s2: &[S], w: Weights, score_cutoff: usize) -> usize {
    edit(s1, s2, w).distance(score_cutoff)
}
