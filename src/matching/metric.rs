//! The distance functions by name (`Levenshtein.distance`, `Jaro.similarity`,
//! ...): the metric × kind dispatch with rapidfuzz's default cutoffs, and
//! rapidfuzz's rules for the score cutoff, the score hint, the keyword options
//! and a missing argument.
//!
//! A [`Function`] is one metric in one kind. Without a cutoff, a distance
//! keeps every value (cutoff `usize::MAX`, normalized: 1), a similarity too
//! (cutoff 0). Jaro and Jaro-Winkler only have normalized values, so their
//! `distance` and `normalized_distance` are the same function (likewise the
//! similarities).

use super::levenshtein::Weights;
use super::{hamming, indel, jaro, levenshtein, Sym};
use crate::error::Result;
use std::fmt;

pub use crate::options::matching::metric::{Kind, Metric};

impl Kind {
    /// Lower values are better (a distance).
    fn is_distance(self) -> bool {
        matches!(self, Kind::Distance | Kind::NormalizedDistance)
    }
}

/// The keyword options of a call; each metric takes its own ([`Function::takes`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Levenshtein's `weights` (insert, delete, substitute).
    pub weights: Weights,
    /// Jaro-Winkler's `prefix_weight` (checked by [`jaro::check_prefix_weight`]).
    pub prefix_weight: f64,
    /// Hamming's `pad`: unequal lengths count as mismatches (else an error).
    pub pad: bool,
}

impl Default for Options {
    /// rapidfuzz's defaults: unit weights, prefix weight 0.1, padding on.
    fn default() -> Self {
        Options {
            weights: Weights::default(),
            prefix_weight: 0.1,
            pad: true,
        }
    }
}

/// The result of a call: an edit count, or a normalized score in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// `distance` and `similarity` of the counting metrics.
    Int(usize),
    /// Normalized values, and every Jaro / Jaro-Winkler value.
    Float(f64),
}

/// What rapidfuzz refuses in a score bound (`score_cutoff`, `score_hint`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BoundError {
    /// A normalized bound outside 0..=1 (rapidfuzz: a `TypeError`).
    OutOfRange,
    /// An edit-count bound that is NaN (rapidfuzz: a `ValueError`).
    NotANumber,
    /// An edit-count bound that is no unsigned 64-bit integer (rapidfuzz: an `OverflowError`).
    Overflow(f64),
}

impl BoundError {
    /// The message, naming the bound `name`.
    pub fn message(self, name: &str) -> String {
        match self {
            BoundError::OutOfRange => format!("{name} has to be in the range of 0.0 - 1.0"),
            BoundError::NotANumber => format!("{name}: cannot convert float NaN to integer"),
            BoundError::Overflow(v) => {
                format!("{name} {v} does not fit an unsigned 64-bit integer")
            }
        }
    }
}

impl fmt::Display for BoundError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message("score_cutoff"))
    }
}

/// One distance function: a metric in one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Function {
    /// The metric.
    pub metric: Metric,
    /// The kind of value.
    pub kind: Kind,
}

impl Function {
    /// Every function (metric × kind).
    pub fn all() -> impl Iterator<Item = Function> {
        Metric::ALL.into_iter().flat_map(|metric| {
            Kind::ALL
                .into_iter()
                .map(move |kind| Function { metric, kind })
        })
    }

    /// The function's name in the API (`distance.Levenshtein.distance`).
    pub fn label(self) -> String {
        format!("distance.{}.{}", self.metric.name(), self.kind.name())
    }

    /// Whether results are floats in 0..=1 (rapidfuzz's normalized scores).
    pub fn normalized(self) -> bool {
        matches!(
            self.kind,
            Kind::NormalizedDistance | Kind::NormalizedSimilarity
        ) || matches!(self.metric, Metric::Jaro | Metric::JaroWinkler)
    }

    /// The result when an argument is missing (None, NaN): the worst
    /// normalized score; None for the edit counts, where rapidfuzz raises.
    pub fn missing(self) -> Option<f64> {
        self.normalized()
            .then_some(if self.kind.is_distance() { 1.0 } else { 0.0 })
    }

    /// Checks a score bound as rapidfuzz converts it: normalized bounds lie
    /// in 0..=1; edit-count bounds convert to an unsigned integer (-0.5
    /// becomes 0, -1 overflows).
    pub fn check_bound(self, bound: f64) -> std::result::Result<(), BoundError> {
        if self.normalized() {
            if !(0.0..=1.0).contains(&bound) {
                return Err(BoundError::OutOfRange);
            }
        } else if bound.is_nan() {
            return Err(BoundError::NotANumber);
        } else if bound <= -1.0 || bound >= 2f64.powi(64) {
            return Err(BoundError::Overflow(bound));
        }
        Ok(())
    }

    /// Whether the function takes `score_hint`: only Levenshtein does, as in
    /// rapidfuzz, where it picks a banded algorithm and never changes a
    /// result. tunelens's Levenshtein is bit-parallel over the whole matrix,
    /// so the hint is checked ([`Function::check_bound`]) and changes nothing.
    pub fn takes_hint(self) -> bool {
        self.metric == Metric::Levenshtein
    }

    /// Whether the function takes the keyword option `key`.
    pub fn takes(self, key: &str) -> bool {
        matches!(
            (key, self.metric),
            ("weights", Metric::Levenshtein)
                | ("prefix_weight", Metric::JaroWinkler)
                | ("pad", Metric::Hamming)
        )
    }

    /// The value of `a` and `b` (0 / 1 / cut as rapidfuzz cuts beyond
    /// `cutoff`; without one every value is kept). Errors: Hamming without
    /// `pad` on unequal lengths. A `prefix_weight` is checked when it is set
    /// ([`jaro::check_prefix_weight`]).
    #[inline(always)]
    pub fn compute<S: Sym>(
        self,
        a: &[S],
        b: &[S],
        o: &Options,
        cutoff: Option<f64>,
    ) -> Result<Value> {
        let int_cutoff = |default: usize| cutoff.map_or(default, |c| c as usize);
        let nd_cutoff = cutoff.unwrap_or(1.0);
        let ns_cutoff = cutoff.unwrap_or(0.0);
        let edit = match self.metric {
            Metric::Levenshtein => levenshtein::edit(a, b, o.weights),
            Metric::Indel => indel::edit(a, b),
            Metric::Hamming => hamming::edit(a, b, o.pad)?,
            Metric::Jaro | Metric::JaroWinkler => {
                let winkler = self.metric == Metric::JaroWinkler;
                // Jaro's distance and similarity are normalized already.
                return Ok(Value::Float(match (winkler, self.kind.is_distance()) {
                    (false, true) => jaro::distance(a, b, nd_cutoff),
                    (false, false) => jaro::similarity(a, b, ns_cutoff),
                    (true, true) => jaro::winkler_distance(a, b, o.prefix_weight, nd_cutoff),
                    (true, false) => jaro::winkler_similarity(a, b, o.prefix_weight, ns_cutoff),
                }));
            }
        };
        Ok(match self.kind {
            Kind::Distance => Value::Int(edit.distance(int_cutoff(usize::MAX))),
            Kind::Similarity => Value::Int(edit.similarity(int_cutoff(0))),
            Kind::NormalizedDistance => Value::Float(edit.normalized_distance(nd_cutoff)),
            Kind::NormalizedSimilarity => Value::Float(edit.normalized_similarity(ns_cutoff)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn cp(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_typed_errors() {
        for f in Function::all() {
            let label = f.label();
            let mut parts = label.split('.').skip(1);
            let metric: Metric = parts.next().unwrap_or_default().parse().unwrap();
            let kind: Kind = parts.next().unwrap_or_default().parse().unwrap();
            assert_eq!(Function { metric, kind }, f);
        }
        assert!(matches!(
            "levenshtein".parse::<Metric>(),
            Err(Error::InvalidParameter { name: "metric", .. })
        ));
        assert!(matches!(
            "dist".parse::<Kind>(),
            Err(Error::InvalidParameter { name: "kind", .. })
        ));
    }

    #[test]
    fn rapidfuzz_examples_and_default_cutoffs() {
        let (a, b) = (cp("kitten"), cp("sitting"));
        let o = Options::default();
        let call = |metric, kind, cutoff| Function { metric, kind }.compute(&a, &b, &o, cutoff);
        assert_eq!(
            call(Metric::Levenshtein, Kind::Distance, None).unwrap(),
            Value::Int(3)
        );
        assert_eq!(
            call(Metric::Levenshtein, Kind::Distance, Some(2.0)).unwrap(),
            Value::Int(3)
        );
        assert_eq!(
            call(Metric::Levenshtein, Kind::Distance, Some(1.0)).unwrap(),
            Value::Int(2)
        );
        assert_eq!(
            call(Metric::Indel, Kind::Similarity, None).unwrap(),
            Value::Int(8)
        );
        // Without a cutoff, each function equals its explicit most permissive one.
        for f in Function::all() {
            let permissive = match (f.normalized(), f.kind.is_distance()) {
                (true, true) => 1.0,
                (_, false) => 0.0,
                (false, true) => usize::MAX as f64,
            };
            assert_eq!(
                f.compute(&a, &b, &o, None).unwrap(),
                f.compute(&a, &b, &o, Some(permissive)).unwrap(),
                "{}",
                f.label()
            );
            let is_float = matches!(f.compute(&a, &b, &o, None).unwrap(), Value::Float(_));
            assert_eq!(is_float, f.normalized(), "{}", f.label());
        }
    }

    #[test]
    fn bounds_missing_values_and_options_follow_rapidfuzz() {
        let lev = Function {
            metric: Metric::Levenshtein,
            kind: Kind::Distance,
        };
        let norm = Function {
            kind: Kind::NormalizedSimilarity,
            ..lev
        };
        assert_eq!(lev.check_bound(-0.5), Ok(()));
        assert_eq!(lev.check_bound(-1.0), Err(BoundError::Overflow(-1.0)));
        assert_eq!(lev.check_bound(f64::NAN), Err(BoundError::NotANumber));
        assert_eq!(norm.check_bound(1.5), Err(BoundError::OutOfRange));
        assert_eq!(norm.check_bound(f64::NAN), Err(BoundError::OutOfRange));
        assert_eq!(lev.missing(), None);
        assert_eq!(norm.missing(), Some(0.0));
        assert_eq!(
            Function {
                metric: Metric::Jaro,
                kind: Kind::Distance
            }
            .missing(),
            Some(1.0)
        );
        assert!(lev.takes("weights") && !lev.takes("pad") && lev.takes_hint());
        let hamming = Function {
            metric: Metric::Hamming,
            kind: Kind::Distance,
        };
        assert!(hamming.takes("pad") && !hamming.takes_hint());
        let unpadded = Options {
            pad: false,
            ..Options::default()
        };
        assert!(hamming
            .compute(&cp("ab"), &cp("abc"), &unpadded, None)
            .is_err());
    }
}
