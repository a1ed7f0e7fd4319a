//! Hamming distance; with `pad` (rapidfuzz 3.x default) the length difference
//! counts as mismatches, without it unequal lengths are an error.

use super::{Edit, Sym};
use crate::error::{Error, Result};

/// The Hamming distance of `s1` and `s2` (its maximum is the longer length).
pub fn edit<S: Sym>(s1: &[S], s2: &[S], pad: bool) -> Result<Edit> {
    if !pad && s1.len() != s2.len() {
        return Err(Error::param("pad", "Sequences are not the same length."));
    }
    let same = s1.iter().zip(s2).filter(|(a, b)| a == b).count();
    let maximum = s1.len().max(s2.len());
    Ok(Edit {
        dist: maximum - same,
        maximum,
    })
}

/// Hamming distance; `score_cutoff + 1` when above `score_cutoff`.
pub fn distance<S: Sym>(s1: &[S], s2: &[S], pad: bool, score_cutoff: usize) -> Result<usize> {
    Ok(edit(s1, s2, pad)?.distance(score_cutoff))
}
