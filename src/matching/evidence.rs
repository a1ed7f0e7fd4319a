//! Evidence beyond the key strings for the catalog join: track duration,
//! version tags and extra columns, and how they combine with the string score.
//!
//! Each piece of evidence scores 0-100, or is *absent* (NaN) when either row
//! lacks it. The combined score is the weighted mean of the string score and
//! the present evidence, so absent evidence neither helps nor hurts:
//!
//! `score = (w_strings * strings + sum(w_e * e for present e)) / (w_strings + sum(w_e for present e))`
//!
//! This follows beets' autotagger, which adds a weighted penalty per field
//! (title, artist, track length, ...) and normalises by the weights of the
//! fields both sides have.
//!
//! - **Duration** (seconds): `100 * (1 - |d_left - d_right| / tolerance)`. A
//!   pair further apart than `tolerance` is a different recording and never
//!   matches: duration separates versions of one song, but it never makes a
//!   pair match whose strings do not (the string thresholds come first).
//! - **Version tags** ([`crate::matching::normalize::version_tags`]): the
//!   Jaccard overlap of the two tag sets times 100. It is present when both
//!   titles carry tags, or when either carries a tag of [`RECORDING_TAGS`]
//!   (live, remix, ...: another recording, whatever the other side's spelling);
//!   otherwise absent, since one export often drops "Remastered 2011" from a
//!   title that the other keeps.
//! - **Extra columns**: exact ones score 100 when the normalized values are
//!   equal and 0 otherwise (ISRC, year); fuzzy ones with the join's scorer
//!   (album).

/// How an extra column is compared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extra {
    /// Equal or not (ISRC, year), instead of the join's fuzzy scorer (album).
    pub exact: bool,
    /// Weight in the combined score.
    pub weight: f64,
}

/// The evidence settings of a catalog join.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// Largest duration difference (seconds) of one recording.
    pub duration_tolerance: f64,
    /// Weight of the string score.
    pub strings_weight: f64,
    /// Weight of the duration score.
    pub duration_weight: f64,
    /// Weight of the version-tag score.
    pub tags_weight: f64,
    /// The extra columns, in table order.
    pub extras: Vec<Extra>,
}

impl Default for Evidence {
    /// Strings weigh 3, duration 1 and version tags 0.5; 5 s tolerance; no extras.
    fn default() -> Self {
        Evidence {
            duration_tolerance: 5.0,
            strings_weight: 3.0,
            duration_weight: 1.0,
            tags_weight: 0.5,
            extras: Vec::new(),
        }
    }
}

/// The evidence of one pair of rows beyond its string score.
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// `left - right` duration in seconds (NaN: absent).
    pub duration_diff: f64,
    /// Duration score (NaN: absent).
    pub duration: f64,
    /// Version-tag score (NaN: absent).
    pub tags: f64,
    /// Score of each extra column (NaN: absent).
    pub extras: Vec<f64>,
}

impl PartialEq for Scores {
    /// Equal when every value is equal or absent (NaN) on both.
    fn eq(&self, other: &Self) -> bool {
        same_scores(
            &[self.duration_diff, self.duration, self.tags],
            &[other.duration_diff, other.duration, other.tags],
        ) && same_scores(&self.extras, &other.extras)
    }
}

/// Whether two lists of scores are equal, an absent (NaN) score equal to an absent one.
pub fn same_scores(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

impl Evidence {
    /// The duration difference and score of two durations (seconds, NaN when
    /// missing), or `None` when they are further apart than the tolerance.
    pub fn duration(&self, left: f64, right: f64) -> Option<(f64, f64)> {
        let diff = left - right;
        if diff.is_nan() {
            return Some((f64::NAN, f64::NAN));
        }
        (diff.abs() <= self.duration_tolerance)
            .then(|| (diff, 100.0 * (1.0 - diff.abs() / self.duration_tolerance)))
    }

    /// The combined score of a pair from its string score and evidence.
    pub fn combine(&self, strings: f64, scores: &Scores) -> f64 {
        let mut total = self.strings_weight * strings;
        let mut weights = self.strings_weight;
        let weighted = [
            (self.duration_weight, scores.duration),
            (self.tags_weight, scores.tags),
        ];
        let extras = self
            .extras
            .iter()
            .map(|e| e.weight)
            .zip(scores.extras.iter().copied());
        for (w, s) in weighted.into_iter().chain(extras) {
            if !s.is_nan() && w > 0.0 {
                total += w * s;
                weights += w;
            }
        }
        if weights > 0.0 {
            total / weights
        } else {
            strings
        }
    }

    /// The lowest string score with which a pair whose left row has the
    /// evidence flagged in `present` (duration, tags, then the extras) can
    /// still reach a combined score of `floor` (all its evidence at 100).
    pub fn string_floor(&self, floor: f64, present: impl Iterator<Item = bool>) -> f64 {
        let mut others = [self.duration_weight, self.tags_weight]
            .into_iter()
            .chain(self.extras.iter().map(|e| e.weight));
        let other: f64 = present
            .filter_map(|p| others.next().map(|w| if p { w } else { 0.0 }))
            .sum();
        if self.strings_weight <= 0.0 {
            return 0.0;
        }
        (floor * (self.strings_weight + other) - 100.0 * other) / self.strings_weight
    }
}

/// Version tags that mark another recording (as tags: inflections merged).
pub const RECORDING_TAGS: &[&str] = &[
    "live",
    "remix",
    "mix",
    "acoustic",
    "demo",
    "instrumental",
    "edit",
    "extend",
    "dub",
    "karaoke",
    "unplugged",
    "rerecord",
    "session",
    "sessions",
];

/// Tag overlap: 100 times the Jaccard index of two sorted tag lists, NaN
/// unless both have tags or either has one of [`RECORDING_TAGS`].
pub fn tag_score(a: &[String], b: &[String]) -> f64 {
    let recording = |tags: &[String]| tags.iter().any(|t| RECORDING_TAGS.contains(&t.as_str()));
    if (a.is_empty() || b.is_empty()) && !recording(a) && !recording(b) {
        return f64::NAN;
    }
    let shared = a.iter().filter(|t| b.binary_search(t).is_ok()).count();
    100.0 * shared as f64 / (a.len() + b.len() - shared) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_separates_versions_and_rejects_other_recordings() {
        let e = Evidence::default();
        assert_eq!(e.duration(200.0, 200.0), Some((0.0, 100.0)));
        assert_eq!(e.duration(198.0, 200.0), Some((-2.0, 60.0)));
        assert_eq!(e.duration(205.5, 200.0), None);
        assert!(e.duration(f64::NAN, 200.0).unwrap().1.is_nan());
    }

    #[test]
    fn absent_evidence_neither_helps_nor_hurts() {
        let e = Evidence {
            extras: vec![Extra {
                exact: true,
                weight: 2.0,
            }],
            ..Evidence::default()
        };
        let absent = Scores {
            duration_diff: f64::NAN,
            duration: f64::NAN,
            tags: f64::NAN,
            extras: vec![f64::NAN],
        };
        assert_eq!(e.combine(93.0, &absent), 93.0);
        let some = Scores {
            duration: 80.0,
            extras: vec![0.0],
            ..absent
        };
        assert!((e.combine(100.0, &some) - (300.0 + 80.0) / 6.0).abs() < 1e-12);
        // the floor: a string score just reaching it gives exactly `floor` with full evidence
        let floor = e.string_floor(90.0, [true, false, true].into_iter());
        let full = Scores {
            duration: 100.0,
            extras: vec![100.0],
            ..absent
        };
        assert!((e.combine(floor, &full) - 90.0).abs() < 1e-9);
    }

    #[test]
    fn tags_overlap() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(tag_score(&[], &[]).is_nan());
        assert_eq!(
            tag_score(&t(&["2011", "remaster"]), &t(&["remaster"])),
            50.0
        );
        assert!(tag_score(&t(&["mono"]), &[]).is_nan());
        assert_eq!(tag_score(&t(&["live"]), &[]), 0.0);
    }
}
