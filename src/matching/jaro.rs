//! Jaro and Jaro-Winkler similarity (rapidfuzz's matching window, greedy
//! common-symbol assignment and transposition count).

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
    let mut a_flags = vec![false; len1];
    let mut b_flags = vec![false; len2];
    let mut common = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(bound);
        let hi = (i + bound).min(len2 - 1);
        for j in lo..=hi.min(b.len().saturating_sub(1)) {
            if j < b.len() && !b_flags[j] && b[j] == *ca {
                a_flags[i] = true;
                b_flags[j] = true;
                common += 1;
                break;
            }
        }
    }
    if common == 0 || formula(len1, len2, common, 0) < score_cutoff {
        return 0.0;
    }
    let (mut k, mut transpositions) = (0usize, 0usize);
    for (i, flagged) in a_flags.iter().enumerate() {
        if *flagged {
            let mut j = k;
            while j < len2 && !b_flags[j] {
                j += 1;
            }
            k = j + 1;
            transpositions += (s1[i] != s2[j]) as usize;
        }
    }
    let sim = formula(len1, len2, common, transpositions);
    if sim >= score_cutoff {
        sim
    } else {
        0.0
    }
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
