//! Hamming distance; with `pad` (rapidfuzz 3.x default) the length difference
//! counts as mismatches, without it unequal lengths are an error.

use super::{normalized, Sym};
use crate::error::{Error, Result};

fn raw_distance<S: Sym>(s1: &[S], s2: &[S], pad: bool) -> Result<usize> {
    if !pad && s1.len() != s2.len() {
        return Err(Error::param("pad", "Sequences are not the same length."));
    }
    let same = s1.iter().zip(s2).filter(|(a, b)| a == b).count();
    Ok(s1.len().max(s2.len()) - same)
}

/// Hamming distance; `score_cutoff + 1` when above `score_cutoff`.
pub fn distance<S: Sym>(s1: &[S], s2: &[S], pad: bool, score_cutoff: usize) -> Result<usize> {
    let dist = raw_distance(s1, s2, pad)?;
    Ok(if dist <= score_cutoff {
        dist
    } else {
        score_cutoff.saturating_add(1)
    })
}

/// `max(len1, len2) - distance`; 0 when below `score_cutoff`.
pub fn similarity<S: Sym>(s1: &[S], s2: &[S], pad: bool, score_cutoff: usize) -> Result<usize> {
    let sim = s1.len().max(s2.len()) - raw_distance(s1, s2, pad)?;
    Ok(if sim >= score_cutoff { sim } else { 0 })
}

/// Distance divided by the longer length; 1 when above `score_cutoff`.
pub fn normalized_distance<S: Sym>(
    s1: &[S],
    s2: &[S],
    pad: bool,
    score_cutoff: f64,
) -> Result<f64> {
    let max = s1.len().max(s2.len());
    Ok(normalized::distance(
        raw_distance(s1, s2, pad)?,
        max,
        score_cutoff,
    ))
}

/// `1 - normalized_distance`; 0 when below `score_cutoff`.
pub fn normalized_similarity<S: Sym>(
    s1: &[S],
    s2: &[S],
    pad: bool,
    score_cutoff: f64,
) -> Result<f64> {
    let max = s1.len().max(s2.len());
    Ok(normalized::similarity(
        raw_distance(s1, s2, pad)?,
        max,
        score_cutoff,
    ))
}
