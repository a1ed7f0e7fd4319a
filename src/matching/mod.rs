//! rapidfuzz-exact string matching: edit distances ([`indel`],
//! [`levenshtein`], [`hamming`], [`jaro`], dispatched by name through
//! [`metric`]), the `fuzz` scorers ([`fuzz`], dispatched through [`Scorer`])
//! and batch kernels ([`process`]).
//!
//! Every algorithm is generic over the symbol type ([`Sym`]): `u8` for strings
//! of code points below 256 (read in place), `u32` Unicode code points for
//! other strings, `u64` element hashes for other sequences.

mod alnum;
mod assignment;
pub mod catalog;
mod distinct;
pub mod evidence;
pub mod fuzz;
pub mod hamming;
pub mod indel;
pub mod jaro;
pub mod levenshtein;
pub mod metric;
mod multi;
pub mod normalize;
mod pattern;
pub mod process;

pub use pattern::Pattern;

use crate::error::Error;
use std::hash::Hash;

/// A sequence element: a code point (`u8`, `u32`) or an element hash (`u64`).
pub trait Sym: Copy + Eq + Ord + Hash + Send + Sync + 'static {
    /// The value used for pattern tables and whitespace tests.
    fn key(self) -> u64;
    /// The symbol with this value (used to insert spaces when joining tokens).
    fn from_key(key: u64) -> Self;
    /// Whether sequences of this type always count as wide storage (see
    /// [`fuzz::sorted_tokens`]).
    const WIDE: bool;
}

macro_rules! impl_sym {
    ($($t:ty => $wide:expr),*) => {$(
        impl Sym for $t {
            const WIDE: bool = $wide;
            #[inline]
            fn key(self) -> u64 {
                self as u64
            }
            #[inline]
            fn from_key(key: u64) -> Self {
                key as $t
            }
        }
    )*};
}

impl_sym!(u8 => false, u16 => false, u32 => false, u64 => true);

/// rapidfuzz's `utils.default_process` on the code points of a string:
/// every alphanumeric character (by rapidfuzz's own tables) lower-cased,
/// every other one (lone surrogates included) replaced by a space, leading
/// and trailing spaces removed.
pub fn default_process_codes(text: &[u32]) -> Vec<u32> {
    let is_alnum = |cp: u32| {
        let i = alnum::ALNUM.partition_point(|&(_, hi)| hi < cp);
        i < alnum::ALNUM.len() && alnum::ALNUM[i].0 <= cp
    };
    let space = u32::from(' ');
    let mapped: Vec<u32> = text
        .iter()
        .map(|&cp| match char::from_u32(cp) {
            Some(c) if is_alnum(cp) => u32::from(c.to_lowercase().next().unwrap_or(c)),
            _ => space,
        })
        .collect();
    let start = mapped
        .iter()
        .position(|&c| c != space)
        .unwrap_or(mapped.len());
    let end = mapped
        .iter()
        .rposition(|&c| c != space)
        .map_or(start, |i| i + 1);
    mapped[start..end].to_vec()
}

/// Checks a score bound of the `fuzz` scorers (`score_hint`): a number in
/// 0..=100, else a type error, as rapidfuzz's `process` functions raise.
pub fn check_score(name: &'static str, value: f64) -> Result<(), Error> {
    if (0.0..=100.0).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidType {
            name,
            message: format!("has to be in the range of 0.0 - 100.0, got {value}"),
        })
    }
}

/// Removes the common prefix and suffix: `(removed length, rest of a, rest of b)`.
pub fn strip_affix<'a, S: Sym>(a: &'a [S], b: &'a [S]) -> (usize, &'a [S], &'a [S]) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (
        prefix + suffix,
        &a[..a.len() - suffix],
        &b[..b.len() - suffix],
    )
}

/// Whether `s` has a symbol above U+00FF (a `str` stored with more than one
/// byte per character; looked up by hash in a [`Pattern`]).
pub fn has_wide<S: Sym>(s: &[S]) -> bool {
    s.iter().any(|c| c.key() > 0xFF)
}

/// An edit distance and the largest it could be for the two sequences'
/// lengths: rapidfuzz's four values of Levenshtein, Indel and Hamming follow
/// from it, each with its score-cutoff rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The distance.
    pub dist: usize,
    /// Its largest possible value for these lengths (and weights).
    pub maximum: usize,
}

impl Edit {
    /// The distance; `score_cutoff + 1` when above `score_cutoff`.
    #[inline]
    pub fn distance(self, score_cutoff: usize) -> usize {
        if self.dist <= score_cutoff {
            self.dist
        } else {
            score_cutoff.saturating_add(1)
        }
    }

    /// `maximum - dist`; 0 when below `score_cutoff`.
    #[inline]
    pub fn similarity(self, score_cutoff: usize) -> usize {
        let sim = self.maximum - self.dist;
        if sim >= score_cutoff {
            sim
        } else {
            0
        }
    }

    /// `dist / maximum` (0 when `maximum` is 0).
    #[inline]
    fn ratio(self) -> f64 {
        if self.maximum == 0 {
            0.0
        } else {
            self.dist as f64 / self.maximum as f64
        }
    }

    /// `dist / maximum` (0 when `maximum` is 0); 1 when above `score_cutoff`.
    #[inline]
    pub fn normalized_distance(self, score_cutoff: f64) -> f64 {
        let norm = self.ratio();
        if norm <= score_cutoff {
            norm
        } else {
            1.0
        }
    }

    /// `1 - dist / maximum`; 0 when below `score_cutoff`.
    #[inline]
    pub fn normalized_similarity(self, score_cutoff: f64) -> f64 {
        let sim = 1.0 - self.ratio();
        if sim >= score_cutoff {
            sim
        } else {
            0.0
        }
    }
}

pub use crate::options::matching::Scorer;

impl Scorer {
    /// Score of two code-point strings in 0..=100 (0 below `score_cutoff`).
    pub fn score(&self, a: &[u32], b: &[u32], score_cutoff: f64) -> f64 {
        self.score_seq(a, b, score_cutoff)
    }

    /// Score of two sequences of any symbol type.
    pub fn score_seq<S: Sym>(&self, a: &[S], b: &[S], score_cutoff: f64) -> f64 {
        let f = match self {
            Scorer::Ratio => fuzz::ratio::<S>,
            Scorer::PartialRatio => fuzz::partial_ratio::<S>,
            Scorer::TokenSortRatio => fuzz::token_sort_ratio::<S>,
            Scorer::TokenSetRatio => fuzz::token_set_ratio::<S>,
            Scorer::TokenRatio => fuzz::token_ratio::<S>,
            Scorer::PartialTokenSortRatio => fuzz::partial_token_sort_ratio::<S>,
            Scorer::PartialTokenSetRatio => fuzz::partial_token_set_ratio::<S>,
            Scorer::PartialTokenRatio => fuzz::partial_token_ratio::<S>,
            Scorer::WRatio => fuzz::wratio::<S>,
            Scorer::QRatio => fuzz::qratio::<S>,
        };
        f(a, b, score_cutoff)
    }

    /// Caches the per-query work (pattern bit vectors, sorted tokens) for
    /// scoring one query against many choices.
    pub fn prepare<'a>(&self, query: &'a [u32]) -> PreparedQuery<'a> {
        self.prepare_seq(query)
    }

    /// [`Scorer::prepare`] for any symbol type.
    pub fn prepare_seq<'a, S: Sym>(&self, query: &'a [S]) -> PreparedQuery<'a, S> {
        let cached = match self {
            Scorer::Ratio | Scorer::QRatio => Cached::Pattern(Pattern::new(query)),
            Scorer::TokenSortRatio => {
                let sorted = fuzz::sorted_joined(query);
                let pattern = Pattern::new(&sorted);
                Cached::Sorted(sorted, pattern)
            }
            _ => Cached::Nothing,
        };
        PreparedQuery {
            scorer: *self,
            query,
            cached,
        }
    }
}

enum Cached<S> {
    Nothing,
    Pattern(Pattern),
    Sorted(Vec<S>, Pattern),
}

/// A query prepared by [`Scorer::prepare`].
pub struct PreparedQuery<'a, S: Sym = u32> {
    scorer: Scorer,
    query: &'a [S],
    cached: Cached<S>,
}

impl<S: Sym> PreparedQuery<'_, S> {
    /// Score of the prepared query against `choice` (same as [`Scorer::score`]).
    pub fn score(&self, choice: &[S], score_cutoff: f64) -> f64 {
        match (&self.cached, self.scorer) {
            (Cached::Pattern(pm), Scorer::QRatio)
                if !self.query.is_empty() && !choice.is_empty() =>
            {
                fuzz::ratio_prepared(pm, self.query, choice, score_cutoff)
            }
            (Cached::Pattern(pm), Scorer::Ratio) => {
                fuzz::ratio_prepared(pm, self.query, choice, score_cutoff)
            }
            (Cached::Sorted(sorted, pm), _) => {
                let other = fuzz::sorted_joined(choice);
                fuzz::ratio_prepared(pm, sorted, &other, score_cutoff)
            }
            _ => self.scorer.score_seq(self.query, choice, score_cutoff),
        }
    }

    /// The scorer this query was prepared for.
    pub fn scorer(&self) -> Scorer {
        self.scorer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp(s: &str) -> Vec<u32> {
        s.chars().map(|c| c as u32).collect()
    }

    #[test]
    fn scorers_reproduce_rapidfuzz_examples() {
        let s = |scorer: Scorer, a: &str, b: &str| scorer.score(&cp(a), &cp(b), 0.0);
        assert!(
            (s(Scorer::Ratio, "this is a test", "this is a test!") - 96.55172413793103).abs()
                < 1e-9
        );
        assert_eq!(
            s(Scorer::PartialRatio, "this is a test", "this is a test!"),
            100.0
        );
        assert_eq!(
            s(
                Scorer::TokenSortRatio,
                "fuzzy wuzzy was a bear",
                "wuzzy fuzzy was a bear"
            ),
            100.0
        );
        assert_eq!(
            s(
                Scorer::TokenSetRatio,
                "fuzzy was a bear",
                "fuzzy fuzzy was a bear"
            ),
            100.0
        );
        assert!(
            (s(
                Scorer::TokenSetRatio,
                "fuzzy was a bear but not a dog",
                "fuzzy was a bear but not a cat"
            ) - 92.3076923076923)
                .abs()
                < 1e-9
        );
        assert_eq!(s(Scorer::Ratio, "", ""), 100.0);
        assert_eq!(s(Scorer::QRatio, "", ""), 0.0);
        assert_eq!(s(Scorer::WRatio, "", ""), 0.0);
    }

    #[test]
    fn prepared_query_equals_one_shot_score() {
        let long: String = "abcdefghij ".repeat(12);
        for scorer in Scorer::ALL {
            for q in ["hello world", "", "wörld 宇多田 hello", long.as_str()] {
                let query = cp(q);
                let prepared = scorer.prepare(&query);
                for c in ["hello wrld", "world hello", "", "x", long.as_str()] {
                    let choice = cp(c);
                    assert_eq!(
                        prepared.score(&choice, 0.0),
                        scorer.score(&query, &choice, 0.0),
                        "{scorer:?} {q} {c}"
                    );
                }
            }
        }
    }

    #[test]
    fn bit_parallel_distances_match_the_dynamic_programme() {
        let texts = [
            "kitten",
            "sitting",
            "",
            "a",
            &"ab".repeat(70),
            &"ba".repeat(66),
            "宇多田ヒカル",
        ];
        for a in texts {
            for b in texts {
                let (x, y) = (cp(a), cp(b));
                let unit = levenshtein::Weights::default();
                let dp = levenshtein::distance(
                    &x,
                    &y,
                    levenshtein::Weights {
                        insert: 1,
                        delete: 1,
                        substitute: 3,
                    },
                    usize::MAX,
                );
                assert_eq!(dp, indel::distance(&x, &y, usize::MAX));
                let wf = levenshtein::distance(
                    &x,
                    &y,
                    levenshtein::Weights {
                        insert: 2,
                        delete: 2,
                        substitute: 2,
                    },
                    usize::MAX,
                );
                assert_eq!(wf, 2 * levenshtein::distance(&x, &y, unit, usize::MAX));
            }
        }
        assert_eq!(
            levenshtein::distance(
                &cp("kitten"),
                &cp("sitting"),
                levenshtein::Weights::default(),
                usize::MAX
            ),
            3
        );
    }

    #[test]
    fn extract_many_keeps_the_first_best_choice() {
        let choices: Vec<Option<Vec<u32>>> = ["abc", "abd", "abc", "zzz"]
            .iter()
            .map(|s| Some(cp(s)))
            .collect();
        let queries = vec![Some(cp("abc")), None];
        for scorer in [Scorer::Ratio, Scorer::WRatio] {
            let found = process::extract_many(scorer, &queries, &choices, 0.0, 2, 1).unwrap();
            assert_eq!(
                found[0].iter().map(|m| m.index).collect::<Vec<_>>(),
                vec![0, 2]
            );
            assert!(found[1].is_empty());
        }
    }

    #[test]
    fn default_process_keeps_every_script() {
        let processed = default_process_codes(&cp("  Beyoncé — Кино_宇多田!! "));
        assert_eq!(processed, cp("beyoncé   кино 宇多田"));
    }
}
