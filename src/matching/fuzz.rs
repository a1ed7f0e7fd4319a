//! rapidfuzz's `fuzz` scorers (0..=100), ported from rapidfuzz 3.14.

use super::pattern::Pattern;
use super::{indel, Sym};

/// True when the length difference alone puts the normalized Indel similarity
/// below `cutoff` (the distance is at least the length difference).
#[inline]
pub fn length_rules_out(len1: usize, len2: usize, cutoff: f64) -> bool {
    let lensum = len1 + len2;
    lensum > 0 && (1.0 - len1.abs_diff(len2) as f64 / lensum as f64) < cutoff
}

/// Normalized Indel similarity × 100 with the query (`len1` symbols)
/// prepared in `pm`.
///
/// Exits early (0) when the length difference alone rules out `score_cutoff`.
pub fn ratio_with<S: Sym>(pm: &Pattern, len1: usize, s2: &[S], score_cutoff: f64) -> f64 {
    ratio_of(len1, s2.len(), score_cutoff, || {
        indel::lcs_with(pm, len1, s2)
    })
}

/// [`ratio_with`] knowing the query `s1` itself (see [`indel::lcs_prepared`]:
/// near-identical long strings cost a linear scan).
pub fn ratio_prepared<S: Sym>(pm: &Pattern, s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    ratio_of(s1.len(), s2.len(), score_cutoff, || {
        indel::lcs_prepared(pm, s1, s2)
    })
}

/// `ratio` of strings of `len1` and `len2` symbols whose LCS `lcs` gives,
/// unless their lengths alone rule out `score_cutoff`.
fn ratio_of(len1: usize, len2: usize, score_cutoff: f64, lcs: impl FnOnce() -> usize) -> f64 {
    let cutoff = score_cutoff / 100.0;
    if length_rules_out(len1, len2, cutoff) {
        return 0.0;
    }
    indel::edit_from_lcs(len1, len2, lcs()).normalized_similarity(cutoff) * 100.0
}

/// `fuzz.ratio`: normalized Indel similarity × 100.
pub fn ratio<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    let cutoff = score_cutoff / 100.0;
    if length_rules_out(s1.len(), s2.len(), cutoff) {
        return 0.0;
    }
    indel::edit(s1, s2).normalized_similarity(cutoff) * 100.0
}

fn contains(pm: &Pattern, key: u64) -> bool {
    (0..pm.words()).any(|w| pm.get(w, key) != 0)
}

/// rapidfuzz's partial ratio of a needle `s1` in a haystack `s2` (`len1 <= len2`).
fn partial_impl<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    Pattern::with(s1, |pm| partial_with(pm, s1, s2, score_cutoff))
}

fn partial_with<S: Sym>(pm: &Pattern, s1: &[S], s2: &[S], mut score_cutoff: f64) -> f64 {
    let (len1, len2) = (s1.len(), s2.len());
    let window_dist =
        |start: usize| 2 * len1 - 2 * indel::lcs_with(pm, len1, &s2[start..start + len1]);
    let mut res = 0.0;
    if len2 > len1 {
        let maximum = 2 * len1;
        let norm_cutoff = (1.0 - score_cutoff / 100.0 + 0.00001).min(1.0);
        let mut cutoff_dist = (maximum as f64 * norm_cutoff).ceil() as usize;
        let mut best_dist = usize::MAX;
        let mut scores = vec![usize::MAX; len2 - len1];
        let mut windows = vec![(0usize, len2 - len1 - 1)];
        let mut next = Vec::new();
        while !windows.is_empty() {
            for &(first, second) in &windows {
                for pos in [first, second] {
                    if scores[pos] == usize::MAX {
                        scores[pos] = window_dist(pos);
                        if scores[pos] < cutoff_dist {
                            cutoff_dist = scores[pos];
                            best_dist = scores[pos];
                            if best_dist == 0 {
                                return 100.0;
                            }
                        }
                    }
                }
                let cell_diff = second - first;
                if cell_diff <= 1 {
                    continue;
                }
                let known_edits = scores[first].abs_diff(scores[second]);
                let max_improvement = (cell_diff - known_edits / 2) / 2 * 2;
                let min_score =
                    scores[first].min(scores[second]) as isize - max_improvement as isize;
                if min_score < cutoff_dist as isize {
                    let center = cell_diff / 2;
                    next.push((first, first + center));
                    next.push((first + center, second));
                }
            }
            std::mem::swap(&mut windows, &mut next);
            next.clear();
        }
        let score = (1.0 - best_dist as f64 / maximum as f64) * 100.0;
        if score >= score_cutoff {
            score_cutoff = score;
            res = score;
        }
    }
    for i in 1..len1 {
        if !contains(pm, s2[i - 1].key()) {
            continue;
        }
        let ls = ratio_with(pm, len1, &s2[..i], score_cutoff);
        if ls > res {
            score_cutoff = ls;
            res = ls;
            if res == 100.0 {
                return res;
            }
        }
    }
    for i in len2 - len1..len2 {
        if !contains(pm, s2[i].key()) {
            continue;
        }
        let ls = ratio_with(pm, len1, &s2[i..], score_cutoff);
        if ls > res {
            score_cutoff = ls;
            res = ls;
            if res == 100.0 {
                return res;
            }
        }
    }
    res
}

/// `fuzz.partial_ratio`: best ratio of the shorter string against any
/// same-length window (or prefix/suffix) of the longer one.
pub fn partial_ratio<S: Sym>(s1: &[S], s2: &[S], mut score_cutoff: f64) -> f64 {
    let (s1, s2) = if s1.len() <= s2.len() {
        (s1, s2)
    } else {
        (s2, s1)
    };
    if score_cutoff > 100.0 {
        return 0.0;
    }
    if s1.is_empty() || s2.is_empty() {
        return if s1.len() == s2.len() { 100.0 } else { 0.0 };
    }
    let mut res = partial_impl(s1, s2, score_cutoff);
    if res != 100.0 && s1.len() == s2.len() {
        score_cutoff = score_cutoff.max(res);
        let res2 = partial_impl(s2, s1, score_cutoff);
        if res2 > res {
            res = res2;
        }
    }
    res
}

/// Whitespace in every storage width (Python's `str.isspace` without U+0085
/// and U+00A0, see [`sorted_tokens`]).
pub fn is_space(key: u64) -> bool {
    matches!(key, 0x09..=0x0D | 0x1C..=0x20 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000)
}

/// Whitespace-separated tokens, sorted.
///
/// rapidfuzz tokenizes each string in its storage width: U+0085 and U+00A0
/// separate tokens only in strings stored with more than one byte per
/// character (a code point above U+00FF present, or hashed sequences).
pub fn sorted_tokens<S: Sym>(s: &[S]) -> Vec<&[S]> {
    let mut tokens = Vec::new();
    sort_tokens_into(s, &mut tokens);
    tokens
}

/// [`sorted_tokens`] into `tokens` (cleared first), to reuse its allocation.
pub fn sort_tokens_into<'a, S: Sym>(s: &'a [S], tokens: &mut Vec<&'a [S]>) {
    let wide = S::WIDE || super::has_wide(s);
    let split = |c: &S| is_space(c.key()) || (wide && matches!(c.key(), 0x85 | 0xA0));
    tokens.clear();
    tokens.extend(s.split(split).filter(|t| !t.is_empty()));
    tokens.sort_unstable();
}

/// The sorted tokens of `s` joined by single spaces (what `token_sort_ratio`
/// compares).
pub fn sorted_joined<S: Sym>(s: &[S]) -> Vec<S> {
    join(&sorted_tokens(s))
}

/// Tokens joined by single spaces.
pub fn join<S: Sym>(tokens: &[&[S]]) -> Vec<S> {
    let mut out = Vec::with_capacity(tokens.iter().map(|t| t.len() + 1).sum());
    join_into(tokens, &mut out);
    out
}

/// Appends the tokens joined by single spaces to `out`.
pub fn join_into<S: Sym>(tokens: &[&[S]], out: &mut Vec<S>) {
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push(S::from_key(0x20));
        }
        out.extend_from_slice(t);
    }
}

fn joined_len<S>(tokens: &[&[S]]) -> usize {
    tokens.iter().map(|t| t.len()).sum::<usize>() + tokens.len().saturating_sub(1)
}

/// Unique tokens split into intersection, `a - b` and `b - a` (all sorted).
struct Decomposition<'a, S> {
    intersection: Vec<&'a [S]>,
    ab: Vec<&'a [S]>,
    ba: Vec<&'a [S]>,
}

/// Both strings' sorted tokens and their [`Decomposition`]: what the token
/// scorers start from.
struct Tokens<'a, S> {
    a: Vec<&'a [S]>,
    b: Vec<&'a [S]>,
    d: Decomposition<'a, S>,
}

impl<'a, S: Sym> Tokens<'a, S> {
    /// The tokens of `s1` and `s2`; `None` (a score of 0) when `score_cutoff`
    /// is above 100.
    fn of(s1: &'a [S], s2: &'a [S], score_cutoff: f64) -> Option<Self> {
        if score_cutoff > 100.0 {
            return None;
        }
        let (a, b) = (sorted_tokens(s1), sorted_tokens(s2));
        let d = decompose(&a, &b);
        Some(Tokens { a, b, d })
    }

    /// Whether either string has no token (a set ratio of 0).
    fn either_empty(&self) -> bool {
        self.a.is_empty() || self.b.is_empty()
    }
}

fn decompose<'a, S: Sym>(a: &[&'a [S]], b: &[&'a [S]]) -> Decomposition<'a, S> {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.dedup();
    b.dedup();
    let (mut intersection, mut ab, mut ba) = (Vec::new(), Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(b[j]) {
            std::cmp::Ordering::Equal => {
                intersection.push(a[i]);
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                ab.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                ba.push(b[j]);
                j += 1;
            }
        }
    }
    ab.extend_from_slice(&a[i..]);
    ba.extend_from_slice(&b[j..]);
    Decomposition {
        intersection,
        ab,
        ba,
    }
}

fn norm_distance(dist: usize, lensum: usize, score_cutoff: f64) -> f64 {
    let score = if lensum > 0 {
        100.0 - 100.0 * dist as f64 / lensum as f64
    } else {
        100.0
    };
    if score >= score_cutoff {
        score
    } else {
        0.0
    }
}

/// The set-based part of token_set_ratio / token_ratio (after the early exits).
fn set_ratio<S: Sym>(d: &Decomposition<'_, S>, score_cutoff: f64) -> f64 {
    let ab = join(&d.ab);
    let ba = join(&d.ba);
    let sect_len = joined_len(&d.intersection);
    let sep = (sect_len != 0) as usize;
    let sect_ab_len = sect_len + sep + ab.len();
    let sect_ba_len = sect_len + sep + ba.len();
    let lensum = sect_ab_len + sect_ba_len;
    let cutoff_distance = (lensum as f64 * (1.0 - score_cutoff / 100.0)).ceil();
    let mut result = 0.0;
    if cutoff_distance >= 0.0 {
        let dist = indel::distance(&ab, &ba, cutoff_distance as usize);
        if dist as f64 <= cutoff_distance {
            result = norm_distance(dist, lensum, score_cutoff);
        }
    }
    if sect_len == 0 {
        return result;
    }
    let sect_ab = norm_distance(sep + ab.len(), sect_len + sect_ab_len, score_cutoff);
    let sect_ba = norm_distance(sep + ba.len(), sect_len + sect_ba_len, score_cutoff);
    result.max(sect_ab).max(sect_ba)
}

/// `fuzz.token_sort_ratio`: ratio of the sorted tokens.
pub fn token_sort_ratio<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    ratio(&sorted_joined(s1), &sorted_joined(s2), score_cutoff)
}

/// Whether a token set ratio is 100 outright: a common token and nothing
/// else on one side.
fn subset<S>(d: &Decomposition<'_, S>) -> bool {
    !d.intersection.is_empty() && (d.ab.is_empty() || d.ba.is_empty())
}

/// `fuzz.token_set_ratio`: ratios between the common tokens and the rests.
pub fn token_set_ratio<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    match Tokens::of(s1, s2, score_cutoff) {
        Some(t) if !t.either_empty() => {
            if subset(&t.d) {
                100.0
            } else {
                set_ratio(&t.d, score_cutoff)
            }
        }
        _ => 0.0,
    }
}

/// `fuzz.token_ratio`: max of token_set_ratio and token_sort_ratio.
pub fn token_ratio<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    let Some(t) = Tokens::of(s1, s2, score_cutoff) else {
        return 0.0;
    };
    if subset(&t.d) {
        return 100.0;
    }
    let result = ratio(&join(&t.a), &join(&t.b), score_cutoff);
    result.max(set_ratio(&t.d, score_cutoff))
}

/// `fuzz.partial_token_sort_ratio`: partial_ratio of the sorted tokens.
pub fn partial_token_sort_ratio<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    partial_ratio(&sorted_joined(s1), &sorted_joined(s2), score_cutoff)
}

/// `fuzz.partial_token_set_ratio`: 100 with a common token, else partial_ratio
/// of the token differences.
pub fn partial_token_set_ratio<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    match Tokens::of(s1, s2, score_cutoff) {
        Some(t) if !t.either_empty() => {
            if t.d.intersection.is_empty() {
                partial_ratio(&join(&t.d.ab), &join(&t.d.ba), score_cutoff)
            } else {
                100.0
            }
        }
        _ => 0.0,
    }
}

/// `fuzz.partial_token_ratio`: max of partial_token_set_ratio and
/// partial_token_sort_ratio.
pub fn partial_token_ratio<S: Sym>(s1: &[S], s2: &[S], mut score_cutoff: f64) -> f64 {
    let Some(Tokens { a, b, d }) = Tokens::of(s1, s2, score_cutoff) else {
        return 0.0;
    };
    if !d.intersection.is_empty() {
        return 100.0;
    }
    let result = partial_ratio(&join(&a), &join(&b), score_cutoff);
    if a.len() == d.ab.len() && b.len() == d.ba.len() {
        return result;
    }
    score_cutoff = score_cutoff.max(result);
    result.max(partial_ratio(&join(&d.ab), &join(&d.ba), score_cutoff))
}

/// `fuzz.WRatio`: weighted best of the other scorers, by length ratio.
pub fn wratio<S: Sym>(s1: &[S], s2: &[S], mut score_cutoff: f64) -> f64 {
    const UNBASE_SCALE: f64 = 0.95;
    if score_cutoff > 100.0 {
        return 0.0;
    }
    let (len1, len2) = (s1.len(), s2.len());
    if len1 == 0 || len2 == 0 {
        return 0.0;
    }
    let len_ratio = if len1 > len2 {
        len1 as f64 / len2 as f64
    } else {
        len2 as f64 / len1 as f64
    };
    let mut end_ratio = ratio(s1, s2, score_cutoff);
    if len_ratio < 1.5 {
        score_cutoff = score_cutoff.max(end_ratio) / UNBASE_SCALE;
        return end_ratio.max(token_ratio(s1, s2, score_cutoff) * UNBASE_SCALE);
    }
    let partial_scale = if len_ratio <= 8.0 { 0.9 } else { 0.6 };
    score_cutoff = score_cutoff.max(end_ratio) / partial_scale;
    end_ratio = end_ratio.max(partial_ratio(s1, s2, score_cutoff) * partial_scale);
    score_cutoff = score_cutoff.max(end_ratio) / UNBASE_SCALE;
    end_ratio.max(partial_token_ratio(s1, s2, score_cutoff) * UNBASE_SCALE * partial_scale)
}

/// `fuzz.QRatio`: ratio, but 0 when either string is empty.
pub fn qratio<S: Sym>(s1: &[S], s2: &[S], score_cutoff: f64) -> f64 {
    if s1.is_empty() || s2.is_empty() {
        return 0.0;
    }
    ratio(s1, s2, score_cutoff)
}
