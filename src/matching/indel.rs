//! Longest common subsequence and the Indel distance (insertions and deletions
//! only), bit-parallel after Hyyrö (one 64-bit word per 64 pattern symbols).

use super::pattern::Pattern;
use super::{Edit, Sym};

/// Length of the longest common subsequence of the pattern (`len1` symbols,
/// prepared in `pm`) and `s2`.
pub fn lcs_with<S: Sym>(pm: &Pattern, len1: usize, s2: &[S]) -> usize {
    if len1 == 0 || s2.is_empty() {
        return 0;
    }
    let words = pm.words();
    if words == 1 {
        let mut v = !0u64;
        for s in s2 {
            let u = v & pm.word(s.key());
            v = v.wrapping_add(u) | v.wrapping_sub(u);
        }
        let mask = if len1 == 64 { !0 } else { (1u64 << len1) - 1 };
        return (!v & mask).count_ones() as usize;
    }
    let mut v = vec![!0u64; words];
    for s in s2 {
        let key = s.key();
        let mut carry = false;
        for (w, vw) in v.iter_mut().enumerate() {
            let u = *vw & pm.get(w, key);
            let (x, c1) = vw.overflowing_add(u);
            let (x, c2) = x.overflowing_add(carry as u64);
            carry = c1 || c2;
            *vw = x | vw.wrapping_sub(u);
        }
    }
    let mut lcs = 0usize;
    for (w, vw) in v.iter().enumerate() {
        let bits = (len1 - w * 64).min(64);
        let mask = if bits == 64 { !0 } else { (1u64 << bits) - 1 };
        lcs += (!vw & mask).count_ones() as usize;
    }
    lcs
}

/// [`lcs_with`] knowing the prepared sequence `s1` itself: when it spans
/// more than one word (64 symbols) and shares its first or last symbol with
/// `s2`, the common prefix and suffix are stripped first ([`lcs`]), so two
/// near-identical 1 MB keys cost a linear scan instead of the `O(n² / 64)`
/// bit-parallel pass over the whole of both.
pub fn lcs_prepared<S: Sym>(pm: &Pattern, s1: &[S], s2: &[S]) -> usize {
    let shares_affix = !s1.is_empty() && (s1.first() == s2.first() || s1.last() == s2.last());
    if pm.words() > 1 && shares_affix {
        lcs(s1, s2)
    } else {
        lcs_with(pm, s1.len(), s2)
    }
}

/// Length of the longest common subsequence of `s1` and `s2`.
pub fn lcs<S: Sym>(s1: &[S], s2: &[S]) -> usize {
    let (affix, a, b) = super::strip_affix(s1, s2);
    if a.is_empty() || b.is_empty() {
        return affix;
    }
    // The bit-parallel loop runs once per symbol of the scanned sequence, so
    // scan the shorter one when the longer still fits one 64-bit word (as
    // rapidfuzz does), unless only the longer has symbols that need the
    // pattern's hash table; otherwise keep the pattern (its words) small.
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let one_word = long.len() <= 64;
    let (p, scan) = if one_word
        && !(std::mem::size_of::<S>() > 1 && super::has_wide(long) && !super::has_wide(short))
    {
        (long, short)
    } else {
        (short, long)
    };
    affix + Pattern::with(p, |pm| lcs_with(pm, p.len(), scan))
}

/// Indel distance from an LCS length.
#[inline]
pub fn distance_from_lcs(len1: usize, len2: usize, lcs: usize) -> usize {
    len1 + len2 - 2 * lcs
}

/// The Indel distance of sequences of `len1` and `len2` symbols whose LCS is
/// `lcs` (its maximum is `len1 + len2`, so the similarity is twice the LCS).
#[inline]
pub fn edit_from_lcs(len1: usize, len2: usize, lcs: usize) -> Edit {
    Edit {
        dist: distance_from_lcs(len1, len2, lcs),
        maximum: len1 + len2,
    }
}

/// The Indel distance of `s1` and `s2` ([`edit_from_lcs`]).
pub fn edit<S: Sym>(s1: &[S], s2: &[S]) -> Edit {
    edit_from_lcs(s1.len(), s2.len(), lcs(s1, s2))
}

/// Indel distance of `s1` and `s2`; `score_cutoff + 1` when above `score_cutoff`.
pub fn distance<S: Sym>(s1: &[S], s2: &[S], score_cutoff: usize) -> usize {
    edit(s1, s2).distance(score_cutoff)
}
