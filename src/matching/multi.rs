//! Many short queries against one choice at once ("multi-string" LCS, as in
//! rapidfuzz-cpp's `experimental::MultiLCSseq`).
//!
//! Queries of at most 8, 16, 32 or 64 symbols are packed into the `u8`, `u16`,
//! `u32` or `u64` lanes of a 256-bit block ([`Unit`]); each choice is scanned
//! once per block with Hyyrö's bit-parallel LCS step run lane-wise
//! (`u = S & M; S = (S + u) | (S - u)`), so one pass scores up to 32 queries.
//! The lane loops are plain fixed-size array code that LLVM vectorises; they
//! are compiled twice, with AVX2 (chosen at run time) and for the baseline.
//!
//! Symbols are first renumbered by an [`Alphabet`] of the queries (keys below
//! 256 keep their value, other query symbols get dense ids, every symbol that
//! no query contains shares one id), so a block's pattern table is a dense
//! array indexed by id and choices are encoded once ([`Packed`]).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::pattern::Pattern;
use super::{indel, Sym};

/// Multiply-rotate hashing of symbol keys (code points or element hashes)
/// and of whole sequences, eight bytes at a time: the alphabet is looked up
/// once per choice symbol, where SipHash dominates.
#[derive(Default)]
pub(super) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// Dense ids of the symbols of a set of queries.
pub struct Alphabet {
    wide: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
}

impl Alphabet {
    /// The alphabet of `queries`.
    pub fn new<'a, S: Sym>(queries: impl IntoIterator<Item = &'a [S]>) -> Alphabet {
        let mut wide = HashMap::default();
        for s in queries.into_iter().flatten() {
            let key = s.key();
            if key >= 256 {
                let next = 256 + wide.len() as u32;
                wide.entry(key).or_insert(next);
            }
        }
        Alphabet { wide }
    }

    /// Number of ids (the last one stands for every symbol outside the queries).
    pub fn size(&self) -> usize {
        256 + self.wide.len() + 1
    }

    #[inline]
    fn id<S: Sym>(&self, s: S) -> u32 {
        let key = s.key();
        if key < 256 {
            key as u32
        } else {
            self.wide
                .get(&key)
                .copied()
                .unwrap_or(256 + self.wide.len() as u32)
        }
    }

    /// The ids of `seq`.
    pub fn encode<S: Sym>(&self, seq: &[S]) -> Vec<u32> {
        seq.iter().map(|&s| self.id(s)).collect()
    }
}

/// Encoded sequences stored end to end (missing ones are empty and flagged).
pub struct Packed {
    ids: Vec<u32>,
    starts: Vec<usize>,
    present: Vec<bool>,
}

impl Packed {
    /// Encodes `items` with `alphabet`, in the given order.
    pub fn new<'a, S: Sym>(
        items: impl IntoIterator<Item = Option<&'a [S]>>,
        alphabet: &Alphabet,
    ) -> Packed {
        let mut packed = Packed {
            ids: Vec::new(),
            starts: vec![0],
            present: Vec::new(),
        };
        for item in items {
            if let Some(seq) = item {
                packed.ids.extend(seq.iter().map(|&s| alphabet.id(s)));
            }
            packed.starts.push(packed.ids.len());
            packed.present.push(item.is_some());
        }
        packed
    }

    /// [`Packed::new`] of a slice, encoded in parallel chunks.
    pub fn par_new<S: Sym>(items: &[Option<&[S]>], alphabet: &Alphabet) -> Packed {
        const CHUNK: usize = 8192;
        let parts: Vec<Packed> = items
            .par_chunks(CHUNK)
            .map(|chunk| Packed::new(chunk.iter().copied(), alphabet))
            .collect();
        let mut packed = Packed {
            ids: Vec::with_capacity(parts.iter().map(|p| p.ids.len()).sum()),
            starts: Vec::with_capacity(items.len() + 1),
            present: Vec::with_capacity(items.len()),
        };
        packed.starts.push(0);
        for part in parts {
            let base = packed.ids.len();
            packed
                .starts
                .extend(part.starts[1..].iter().map(|s| s + base));
            packed.ids.extend_from_slice(&part.ids);
            packed.present.extend_from_slice(&part.present);
        }
        packed
    }

    /// Item `i` (None when missing).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&[u32]> {
        self.present[i].then(|| &self.ids[self.starts[i]..self.starts[i + 1]])
    }
}

/// One lane of a block: an unsigned integer used as a bit vector.
trait Lane: Copy + Send + Sync + 'static {
    const BITS: usize;
    const ZERO: Self;
    const ONES: Self;
    fn bit(i: usize) -> Self;
    fn and(self, o: Self) -> Self;
    fn or(self, o: Self) -> Self;
    fn not(self) -> Self;
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn ones(self) -> u32;
}

macro_rules! lane {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            const BITS: usize = <$t>::BITS as usize;
            const ZERO: Self = 0;
            const ONES: Self = <$t>::MAX;
            #[inline(always)]
            fn bit(i: usize) -> Self { 1 << i }
            #[inline(always)]
            fn and(self, o: Self) -> Self { self & o }
            #[inline(always)]
            fn or(self, o: Self) -> Self { self | o }
            #[inline(always)]
            fn not(self) -> Self { !self }
            #[inline(always)]
            fn add(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)]
            fn sub(self, o: Self) -> Self { self.wrapping_sub(o) }
            #[inline(always)]
            fn ones(self) -> u32 { self.count_ones() }
        }
    )*};
}
lane!(u8, u16, u32, u64);

/// Up to `N` queries of at most `L::BITS` symbols in the lanes of a block.
struct Block<L: Lane, const N: usize> {
    /// Per symbol id, the lane-wise positions where it occurs in each query.
    table: Vec<[L; N]>,
    /// Per lane, the bits of its query's positions.
    masks: [L; N],
    avx2: bool,
}

impl<L: Lane, const N: usize> Block<L, N> {
    fn new(queries: &[Vec<u32>], ids: usize) -> Self {
        let mut table = vec![[L::ZERO; N]; ids];
        let mut masks = [L::ZERO; N];
        for (lane, query) in queries.iter().enumerate() {
            for (i, &c) in query.iter().enumerate() {
                let cell = &mut table[c as usize][lane];
                *cell = cell.or(L::bit(i));
            }
            masks[lane] = if query.len() == L::BITS {
                L::ONES
            } else {
                L::bit(query.len()).sub(L::bit(0))
            };
        }
        Block {
            table,
            masks,
            avx2: avx2(),
        }
    }

    /// One LCS step of every lane for the symbol id `c`.
    #[inline(always)]
    fn step(&self, v: &mut [L; N], c: u32) {
        let m = &self.table[c as usize];
        for k in 0..N {
            let u = v[k].and(m[k]);
            v[k] = v[k].add(u).or(v[k].sub(u));
        }
    }

    #[inline(always)]
    fn finish(&self, v: [L; N], out: &mut [usize]) {
        for ((o, v), mask) in out.iter_mut().zip(v).zip(self.masks) {
            *o = v.not().and(mask).ones() as usize;
        }
    }

    /// LCS of every lane's query with each of the [`QUAD`] sequences, into
    /// `outs`. Sequences of equal length (the usual case: callers order
    /// choices by length) are scanned in lockstep, four independent
    /// dependency chains that keep the vector units busy.
    #[inline(always)]
    fn scan(&self, seqs: [&[u32]; QUAD], outs: &mut [[usize; 32]; QUAD]) {
        let mut v = [[L::ONES; N]; QUAD];
        if let Some(lockstep) = lockstep(seqs) {
            for cs in lockstep {
                for (v, c) in v.iter_mut().zip(cs) {
                    self.step(v, c);
                }
            }
        } else {
            for (v, seq) in v.iter_mut().zip(seqs) {
                for &c in seq {
                    self.step(v, c);
                }
            }
        }
        for (v, out) in v.into_iter().zip(outs) {
            self.finish(v, out);
        }
    }

    /// [`Block::scan`] on explicit 256-bit vectors: LLVM splits the portable
    /// lane loops into 64- or 128-bit pieces for narrow lanes.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt")]
    fn scan_avx2(&self, seqs: [&[u32]; QUAD], outs: &mut [[usize; 32]; QUAD]) {
        use std::arch::x86_64::*;
        const { assert!(std::mem::size_of::<[L; N]>() == 32) };
        macro_rules! lanes {
            ($add:ident, $sub:ident) => {{
                let mut v = [_mm256_set1_epi8(-1); QUAD];
                macro_rules! step {
                    ($v:expr, $c:expr) => {
                        // SAFETY: a table row is 32 bytes (asserted above), read unaligned.
                        let m =
                            unsafe { _mm256_loadu_si256(self.table[$c as usize].as_ptr().cast()) };
                        let u = _mm256_and_si256($v, m);
                        $v = _mm256_or_si256($add($v, u), $sub($v, u));
                    };
                }
                if let Some(lockstep) = lockstep(seqs) {
                    for [c0, c1, c2, c3] in lockstep {
                        step!(v[0], c0);
                        step!(v[1], c1);
                        step!(v[2], c2);
                        step!(v[3], c3);
                    }
                } else {
                    for (k, seq) in seqs.iter().enumerate() {
                        for &c in *seq {
                            step!(v[k], c);
                        }
                    }
                }
                v
            }};
        }
        let v = match L::BITS {
            8 => lanes!(_mm256_add_epi8, _mm256_sub_epi8),
            16 => lanes!(_mm256_add_epi16, _mm256_sub_epi16),
            32 => lanes!(_mm256_add_epi32, _mm256_sub_epi32),
            _ => lanes!(_mm256_add_epi64, _mm256_sub_epi64),
        };
        for (v, out) in v.into_iter().zip(outs) {
            let mut lanes = [L::ZERO; N];
            // SAFETY: `lanes` is 32 bytes (asserted above), written unaligned.
            unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), v) };
            self.finish(lanes, out);
        }
    }

    fn lcs(&self, seqs: [&[u32]; QUAD], outs: &mut [[usize; 32]; QUAD]) {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is only true when the CPU supports AVX2 and POPCNT.
            return unsafe { self.scan_avx2(seqs, outs) };
        }
        self.scan(seqs, outs)
    }
}

/// Choices scanned together by a block.
const QUAD: usize = 4;

/// The symbols of four sequences of equal length, position by position (None
/// when the lengths differ).
#[inline(always)]
fn lockstep(seqs: [&[u32]; QUAD]) -> Option<impl Iterator<Item = [u32; QUAD]> + '_> {
    let [a, b, c, d] = seqs;
    let n = a.len();
    (b.len() == n && c.len() == n && d.len() == n).then(|| {
        a.iter()
            .zip(b)
            .zip(c)
            .zip(d)
            .map(|(((&a, &b), &c), &d)| [a, b, c, d])
    })
}

fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx2") && is_x86_feature_detected!("popcnt")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// A group of queries scored together: a block of short queries, or one long
/// query (more than 64 symbols) with the usual multi-word pattern.
pub struct Unit(Kind);

enum Kind {
    U8(Block<u8, 32>),
    U16(Block<u16, 16>),
    U32(Block<u32, 8>),
    U64(Block<u64, 4>),
    Long(Box<Pattern>, Vec<u32>),
}

/// Lanes and lane width of the block for a query of `len` symbols (1 lane
/// and no width limit for long queries).
fn class(len: usize) -> (usize, usize) {
    match len {
        0..=8 => (32, 8),
        9..=16 => (16, 16),
        17..=32 => (8, 32),
        33..=64 => (4, 64),
        _ => (1, usize::MAX),
    }
}

/// Groups the present queries (by their lengths) into units: sorted by
/// length, each group takes the following queries while they fit its lanes.
pub fn groups(lens: &[Option<usize>]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lens.len()).filter(|&i| lens[i].is_some()).collect();
    order.sort_by_key(|&i| lens[i]);
    let mut out = Vec::new();
    let mut rest = &order[..];
    while let Some(&first) = rest.first() {
        let (lanes, width) = class(lens[first].unwrap_or(0));
        let take = rest
            .iter()
            .take(lanes)
            .take_while(|&&i| lens[i].unwrap_or(0) <= width)
            .count();
        out.push(rest[..take].to_vec());
        rest = &rest[take..];
    }
    out
}

impl Unit {
    /// The unit of `queries` (ids from an alphabet of `ids` symbols), as
    /// grouped by [`groups`].
    pub fn new(queries: &[Vec<u32>], ids: usize) -> Unit {
        let longest = queries.iter().map(Vec::len).max().unwrap_or(0);
        Unit(match (class(longest), queries) {
            ((32, _), _) => Kind::U8(Block::new(queries, ids)),
            ((16, _), _) => Kind::U16(Block::new(queries, ids)),
            ((8, _), _) => Kind::U32(Block::new(queries, ids)),
            ((4, _), _) => Kind::U64(Block::new(queries, ids)),
            (_, [query]) => Kind::Long(Box::new(Pattern::new(query)), query.clone()),
            // cannot fail: `groups` gives a query of over 64 symbols (one lane) a unit of its own
            _ => unreachable!("long queries are grouped alone"),
        })
    }

    /// Calls `f(key, choice, lcs)` for every `(key, choice)` of `choices`
    /// (ids), in order, with the LCS of each query of the unit with the choice
    /// in `lcs[..queries]`. Choices are scanned [`QUAD`] at a time, fastest
    /// when they come ordered by length.
    pub fn each<'a>(
        &self,
        choices: impl IntoIterator<Item = (usize, &'a [u32])>,
        mut f: impl FnMut(usize, &[u32], &[usize]),
    ) {
        let mut outs = [[0usize; 32]; QUAD];
        let mut choices = choices.into_iter().peekable();
        while choices.peek().is_some() {
            let mut quad: [Option<(usize, &[u32])>; QUAD] = [None; QUAD];
            for slot in &mut quad {
                *slot = choices.next();
            }
            let seqs = quad.map(|c| c.map_or(&[][..], |(_, seq)| seq));
            match &self.0 {
                Kind::U8(block) => block.lcs(seqs, &mut outs),
                Kind::U16(block) => block.lcs(seqs, &mut outs),
                Kind::U32(block) => block.lcs(seqs, &mut outs),
                Kind::U64(block) => block.lcs(seqs, &mut outs),
                Kind::Long(pm, query) => {
                    for (out, seq) in outs.iter_mut().zip(seqs) {
                        out[0] = indel::lcs_prepared(pm, query, seq);
                    }
                }
            }
            for ((key, seq), out) in quad.into_iter().flatten().zip(&outs) {
                f(key, seq, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_equal_the_single_query_lcs() {
        let words = [
            "",
            "a",
            "abc",
            "kitten",
            "sitting",
            "hello world",
            "wörld 宇多田 hello",
            "abcdefghijklmnopq",
            "the quick brown fox jumps over",
            "ab ab ab ab ab ab ab ab ab ab ab ab ab",
            "a long query with more than sixty-four symbols in it, to use the fallback",
        ];
        let cp = |s: &str| s.chars().map(u32::from).collect::<Vec<u32>>();
        let queries: Vec<Vec<u32>> = words.iter().map(|w| cp(w)).collect();
        let choices: Vec<Vec<u32>> = words
            .iter()
            .chain(&["zzz", "hello wörld", "宇多"])
            .map(|w| cp(w))
            .collect();
        let alphabet = Alphabet::new(queries.iter().map(Vec::as_slice));
        let packed = Packed::new(choices.iter().map(|c| Some(c.as_slice())), &alphabet);
        let lens: Vec<Option<usize>> = queries.iter().map(|q| Some(q.len())).collect();
        for group in groups(&lens) {
            let ids: Vec<Vec<u32>> = group
                .iter()
                .map(|&i| alphabet.encode(&queries[i]))
                .collect();
            let unit = Unit::new(&ids, alphabet.size());
            // In order (mixed lengths), and each choice four times ordered by
            // length (the lockstep path).
            let mut by_len: Vec<(usize, &[u32])> = (0..choices.len() * QUAD)
                .filter_map(|j| packed.get(j / QUAD).map(|c| (j / QUAD, c)))
                .collect();
            by_len.sort_by_key(|(_, c)| c.len());
            let encoded = (0..choices.len()).filter_map(|j| packed.get(j).map(|c| (j, c)));
            unit.each(encoded.chain(by_len), |j, _, out| {
                for (k, &i) in group.iter().enumerate() {
                    assert_eq!(
                        out[k],
                        indel::lcs(&queries[i], &choices[j]),
                        "{:?} {:?}",
                        words[i],
                        choices[j]
                    );
                }
            });
        }
    }
}
