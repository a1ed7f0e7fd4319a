//! Fuzz targets of the string side: every scorer and distance, `normalize`,
//! and the catalog join on arbitrary key tables. Besides "no panic" they check
//! the documented properties (ranges, `score_cutoff` semantics, symmetry) and
//! compare the bit-parallel distances with a plain dynamic programme.

use super::Input;
use crate::matching::catalog::{self, Keys, Params, Rules, Search, Table};
use crate::matching::evidence::Evidence;
use crate::matching::levenshtein::Weights;
use crate::matching::metric::{self, Function, Value};
use crate::matching::normalize::{self, Options};
use crate::matching::{hamming, indel, jaro, levenshtein, Scorer};

/// Reads two strings: as the code points of UTF-8-lossy text, or (one time in
/// four) as raw `u32` symbols, non-BMP and non-character values included.
fn two_strings(input: &mut Input<'_>) -> (Vec<u32>, Vec<u32>) {
    let raw = input.byte() % 4 == 0;
    let split = input.u16() as usize;
    let rest = input.rest();
    let (a, b) = rest.split_at(split.min(rest.len()));
    let decode = |bytes: &[u8]| -> Vec<u32> {
        if raw {
            bytes
                .chunks(3)
                .map(|c| c.iter().fold(0u32, |acc, &x| acc << 8 | u32::from(x)) % 0x11_0000)
                .collect()
        } else {
            String::from_utf8_lossy(bytes)
                .chars()
                .map(u32::from)
                .collect()
        }
    };
    (decode(a), decode(b))
}

/// Plain O(nm) edit distance with the given costs (the reference for the
/// bit-parallel and banded implementations).
fn reference_distance(a: &[u32], b: &[u32], w: Weights) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).map(|j| j * w.insert).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = (i + 1) * w.delete;
        for (j, y) in b.iter().enumerate() {
            let substitute = diagonal + if x == y { 0 } else { w.substitute };
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j + 1] + w.delete).min(row[j] + w.insert);
        }
    }
    row[b.len()]
}

/// Plain O(nm) longest common subsequence.
fn reference_lcs(a: &[u32], b: &[u32]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let here = if x == y {
                diagonal + 1
            } else {
                row[j + 1].max(row[j])
            };
            diagonal = row[j + 1];
            row[j + 1] = here;
        }
    }
    row[b.len()]
}

/// Asserts rapidfuzz's cutoff rule for a similarity: the uncut value when it
/// reaches the cutoff, else 0. A score equal to the cutoff (within 1e-9) may
/// give either: rapidfuzz turns the cutoff into an internal bound with
/// rounding (`partial_ratio` of the `regressions/matching` input returns 0 at
/// `score_cutoff` = its own score, in rapidfuzz 3.14 as in tunelens).
fn check_cutoff(what: &str, uncut: f64, cutoff: f64, cut: f64) {
    let expected = if uncut >= cutoff { uncut } else { 0.0 };
    let boundary = (uncut - cutoff).abs() <= 1e-9 && cut == 0.0;
    assert!(
        (cut - expected).abs() <= 1e-9 || boundary,
        "{what}: {cut} with score_cutoff {cutoff}, {uncut} without"
    );
}

/// Every `fuzz` scorer and every distance on two arbitrary strings.
pub fn matching(data: &[u8]) {
    let mut input = Input::new(data);
    let cutoff = input.byte() as f64 / 2.55; // 0..=100
    let weights = Weights {
        insert: input.range(0, 3),
        delete: input.range(0, 3),
        substitute: input.range(0, 3),
    };
    let prefix_weight = input.byte() as f64 / 1000.0; // 0..=0.255 (rapidfuzz allows 0..=0.25)
    let (a, b) = two_strings(&mut input);
    for scorer in Scorer::ALL {
        let score = scorer.score(&a, &b, 0.0);
        let name = scorer.name();
        assert!((0.0..=100.0).contains(&score), "{name} = {score}");
        check_cutoff(name, score, cutoff, scorer.score(&a, &b, cutoff));
        let swapped = scorer.score(&b, &a, 0.0);
        assert!(
            (score - swapped).abs() <= 1e-9,
            "{name} not symmetric: {score} vs {swapped}"
        );
        assert_eq!(scorer.prepare(&a).score(&b, 0.0), score, "{name} prepared");
    }
    let (n, m) = (a.len(), b.len());
    let small = n * m <= 1 << 14;

    let lcs = indel::lcs(&a, &b);
    let indel_dist = indel::distance(&a, &b, usize::MAX);
    assert_eq!(indel_dist, n + m - 2 * lcs);
    if small {
        assert_eq!(lcs, reference_lcs(&a, &b), "lcs");
    }
    let k = cutoff as usize;
    let expected_cut = if indel_dist <= k { indel_dist } else { k + 1 };
    assert_eq!(indel::distance(&a, &b, k), expected_cut, "indel cutoff");
    for (what, normalized) in [
        ("indel", indel::edit(&a, &b).normalized_similarity(0.0)),
        ("jaro", jaro::similarity(&a, &b, 0.0)),
        (
            "jaro_winkler",
            jaro::winkler_similarity(&a, &b, prefix_weight, 0.0),
        ),
        (
            "levenshtein",
            levenshtein::edit(&a, &b, weights).normalized_similarity(0.0),
        ),
        (
            "hamming",
            hamming::edit(&a, &b, true).map_or(-1.0, |e| e.normalized_similarity(0.0)),
        ),
    ] {
        assert!((0.0..=1.0).contains(&normalized), "{what} = {normalized}");
    }
    let c = cutoff / 100.0;
    check_cutoff(
        "indel",
        indel::edit(&a, &b).normalized_similarity(0.0),
        c,
        indel::edit(&a, &b).normalized_similarity(c),
    );
    check_cutoff(
        "jaro",
        jaro::similarity(&a, &b, 0.0),
        c,
        jaro::similarity(&a, &b, c),
    );
    let jaro_ab = jaro::similarity(&a, &b, 0.0);
    let jaro_ba = jaro::similarity(&b, &a, 0.0);
    assert!(
        (jaro_ab - jaro_ba).abs() <= 1e-12,
        "jaro not symmetric: {jaro_ab} vs {jaro_ba}"
    );
    if jaro::check_prefix_weight(prefix_weight).is_ok() {
        check_cutoff(
            "jaro_winkler",
            jaro::winkler_similarity(&a, &b, prefix_weight, 0.0),
            c,
            jaro::winkler_similarity(&a, &b, prefix_weight, c),
        );
    }

    let lev = levenshtein::distance(&a, &b, weights, usize::MAX);
    assert!(
        lev <= levenshtein::maximum(n, m, weights),
        "levenshtein above its maximum"
    );
    if small {
        assert_eq!(
            lev,
            reference_distance(&a, &b, weights),
            "levenshtein {weights:?}"
        );
    }
    let expected_cut = if lev <= k { lev } else { k + 1 };
    assert_eq!(
        levenshtein::distance(&a, &b, weights, k),
        expected_cut,
        "levenshtein cutoff"
    );
    check_cutoff(
        "levenshtein",
        levenshtein::edit(&a, &b, weights).normalized_similarity(0.0),
        c,
        levenshtein::edit(&a, &b, weights).normalized_similarity(c),
    );
    let mirrored = Weights {
        insert: weights.delete,
        delete: weights.insert,
        substitute: weights.substitute,
    };
    assert_eq!(
        lev,
        levenshtein::distance(&b, &a, mirrored, usize::MAX),
        "levenshtein mirror"
    );

    let padded = hamming::distance(&a, &b, true, usize::MAX);
    assert!(
        matches!(padded, Ok(d) if d <= n.max(m)),
        "hamming {padded:?}"
    );
    assert_eq!(
        hamming::distance(&a, &b, false, usize::MAX).is_ok(),
        n == m,
        "hamming pad=False"
    );
    let options = metric::Options {
        weights,
        prefix_weight: prefix_weight.min(0.25),
        pad: input_pad(cutoff),
    };
    dispatch(&a, &b, &options, cutoff);
}

/// Hamming's `pad`, from the cutoff's parity (both settings get exercised).
fn input_pad(cutoff: f64) -> bool {
    (cutoff as u64).is_multiple_of(2)
}

/// The distance functions by name ([`Function::compute`]): each equals the
/// metric module's own function with the default cutoff filled in, its value
/// has the type and range its kind promises, and the default cutoff keeps
/// every value.
fn dispatch(a: &[u32], b: &[u32], o: &metric::Options, cutoff: f64) {
    let unequal = a.len() != b.len();
    for f in Function::all() {
        let label = f.label();
        let value = match f.compute(a, b, o, None) {
            Ok(v) => v,
            Err(e) => {
                assert!(
                    f.metric == metric::Metric::Hamming && !o.pad && unequal,
                    "{label} refused: {e}"
                );
                continue;
            }
        };
        match value {
            Value::Float(v) => {
                assert!(f.normalized() && (0.0..=1.0).contains(&v), "{label} = {v}")
            }
            Value::Int(_) => assert!(!f.normalized(), "{label} is normalized"),
        }
        // A bound the function accepts gives a value of the same type.
        let bound = if f.normalized() {
            cutoff / 100.0
        } else {
            cutoff.floor()
        };
        assert_eq!(f.check_bound(bound), Ok(()), "{label} refuses {bound}");
        let cut = f.compute(a, b, o, Some(bound));
        assert!(
            matches!(
                (&value, &cut),
                (Value::Int(_), Ok(Value::Int(_))) | (Value::Float(_), Ok(Value::Float(_)))
            ),
            "{label}: {value:?} uncut, {cut:?} cut at {bound}"
        );
        let direct = match (f.metric, f.kind) {
            (metric::Metric::Indel, metric::Kind::Distance) => {
                Value::Int(indel::distance(a, b, usize::MAX))
            }
            (metric::Metric::Levenshtein, metric::Kind::NormalizedSimilarity) => {
                Value::Float(levenshtein::edit(a, b, o.weights).normalized_similarity(0.0))
            }
            (metric::Metric::JaroWinkler, metric::Kind::Distance) => {
                Value::Float(jaro::winkler_distance(a, b, o.prefix_weight, 1.0))
            }
            _ => continue,
        };
        assert_eq!(value, direct, "{label} dispatches elsewhere");
    }
}

/// Whether `text` is words separated by single spaces: no leading, trailing,
/// doubled or non-space whitespace.
fn single_spaced(text: &str) -> bool {
    text.is_empty()
        || text
            .split(' ')
            .all(|w| !w.is_empty() && !w.chars().any(char::is_whitespace))
}

/// `normalize` with every option combination on arbitrary text.
pub fn normalize(data: &[u8]) {
    let mut input = Input::new(data);
    let bits = input.byte();
    let options = Options {
        fold_accents: bits & 1 != 0,
        casefold: bits & 2 != 0,
        drop_featuring: bits & 4 != 0,
        drop_version_tags: bits & 8 != 0,
        unify_and: bits & 16 != 0,
        drop_leading_the: bits & 32 != 0,
        punctuation: bits & 64 != 0,
        // the single-space check below needs it; the other setting only keeps the spaces
        collapse_whitespace: true,
        transliterate: bits & 128 != 0,
    };
    let text = String::from_utf8_lossy(input.rest());
    for name in normalize::artist_parts(&text, &options) {
        assert!(
            !name.is_empty() && single_spaced(&name),
            "artist_parts({text:?}) -> {name:?}"
        );
    }
    let normalize::Tagged {
        text: own, tags, ..
    } = normalize::normalize_tagged(&text, &options);
    for form in normalize::title_forms(&text, &own, &options) {
        assert!(
            !form.is_empty() && single_spaced(&form),
            "title_forms({text:?}) -> {form:?}"
        );
    }
    assert!(
        tags.windows(2).all(|w| w[0] < w[1]),
        "tags of {text:?}: {tags:?}"
    );
    let out = normalize::normalize(&text, &options);
    assert!(single_spaced(&out), "{options:?}: {text:?} -> {out:?}");
    // The character-level rules (Unicode folding, case folding, punctuation,
    // whitespace) are idempotent; the word-level ones are not by design (they
    // remove one layer: "the the band" loses one "the", a version tag may
    // reveal another).
    let character_level = Options {
        drop_featuring: false,
        drop_version_tags: false,
        unify_and: false,
        drop_leading_the: false,
        ..options
    };
    let once = normalize::normalize(&text, &character_level);
    let twice = normalize::normalize(&once, &character_level);
    assert_eq!(
        once, twice,
        "{character_level:?} not idempotent on {text:?}"
    );
    let (rest, names) = normalize::split_featuring(&text);
    assert!(
        single_spaced(&rest),
        "split_featuring({text:?}) -> {rest:?}"
    );
    assert!(
        names.iter().all(|n| !n.is_empty() && n.trim() == n),
        "split_featuring({text:?}) names {names:?}"
    );
}

/// Reads one key: missing, empty, huge (a few thousand repeated characters)
/// or a short UTF-8-lossy string.
fn key(input: &mut Input<'_>) -> Option<String> {
    match input.byte() {
        0 => None,
        1 => Some(String::new()),
        2 => {
            let unit = String::from_utf8_lossy(&[input.byte()]).into_owned();
            Some(unit.repeat(input.range(1000, 5000)))
        }
        len => {
            let len = (len % 12) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| input.byte()).collect();
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

/// The catalog join on arbitrary key tables: no panic, valid pairs, one-to-one
/// respected, and the same result on one and on two threads.
pub fn catalog(data: &[u8]) {
    let mut input = Input::new(data);
    let fields = input.range(1, 3);
    let (rows_left, rows_right) = (input.range(0, 12), input.range(0, 12));
    let mut params = Params {
        scorer: input.pick(&Scorer::ALL),
        threshold: input.byte() as f64 / 2.55,
        field_threshold: input.byte() as f64 / 2.55,
        one_to_one: input.flag(),
        exhaustive: input.flag(),
        evidence: Evidence::default(),
        n_jobs: 1,
    };
    let with_evidence = input.flag();
    let mut table = |rows: usize| -> Table {
        let keys: Vec<Vec<Option<String>>> = (0..fields)
            .map(|_| (0..rows).map(|_| key(&mut input)).collect())
            .collect();
        if !with_evidence {
            return Table::of_keys(keys);
        }
        let mut table =
            match catalog::prepare_table(keys, &Options::default(), &Rules::default(), 1) {
                Ok(t) => t,
                Err(e) => panic!("key table refused: {e}"),
            };
        // a missing duration, or 0-25.5 s: some within, some beyond the tolerance
        table.duration = (0..rows)
            .map(|_| match input.byte() {
                0 => f64::NAN,
                b => f64::from(b) / 10.0,
            })
            .collect();
        table
    };
    let (left, right) = (table(rows_left), table(rows_right));
    let run = |params: &Params| catalog::match_keys(&left, &right, params, &|_, _| {});
    let matches = match run(&params) {
        Ok(m) => m,
        Err(e) => panic!("valid tables refused: {e}"),
    };
    check_matches(&matches, &left.keys, &right.keys, &params);
    // The candidate search done by a caller, on the free rows alone.
    let mut find = |l: &[usize], r: &[usize]| -> crate::error::Result<Vec<catalog::Match>> {
        let found =
            catalog::fuzzy_candidates(&left.select(l), &right.select(r), &params, &|_, _| {})?;
        Ok(found
            .into_iter()
            .map(|m| catalog::Match {
                left: l[m.left],
                right: r[m.right],
                ..m
            })
            .collect())
    };
    let external = catalog::match_keys_with(&left, &right, &params, Search::External(&mut find));
    assert_eq!(
        external.ok().as_ref(),
        Some(&matches),
        "an external candidate search changes the result"
    );
    params.n_jobs = 2;
    assert_eq!(
        run(&params).ok(),
        Some(matches),
        "n_jobs changes the result"
    );
}

fn check_matches(matches: &[catalog::Match], left: &Keys, right: &Keys, params: &Params) {
    let mut left_seen = vec![false; left[0].len()];
    let mut right_seen = vec![false; right[0].len()];
    for m in matches {
        assert!(!left_seen[m.left], "left row {} matched twice", m.left);
        left_seen[m.left] = true;
        if params.one_to_one {
            assert!(!right_seen[m.right], "right row {} matched twice", m.right);
        }
        right_seen[m.right] = true;
        assert_eq!(m.field_scores.len(), left.len());
        assert!((0.0..=100.0).contains(&m.score), "score {}", m.score);
        let valid = |keys: &Keys, row: usize| {
            keys.iter()
                .all(|f| f[row].as_deref().is_some_and(|s| !s.is_empty()))
        };
        assert!(
            valid(left, m.left) && valid(right, m.right),
            "a row with a missing key matched"
        );
        if m.exact {
            assert!(
                left.iter().zip(right).all(|(l, r)| l[m.left] == r[m.right]),
                "exact match of unequal keys"
            );
        } else {
            // `threshold` bounds the string score; the evidence (a duration
            // a few seconds off) may pull the combined score below it
            assert!(
                m.string_score >= params.threshold - 1e-9,
                "string score {} below threshold",
                m.string_score
            );
        }
    }
    assert!(
        matches.windows(2).all(|w| w[0].left < w[1].left),
        "not sorted by left row"
    );
}
