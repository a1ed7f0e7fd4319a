//! Pattern-match bit vectors: for every symbol of a pattern, the bit set of the
//! positions where it occurs, split into 64-bit words (Hyyrö / Myers style).

use std::cell::RefCell;

use super::Sym;

/// Bit vectors of a pattern, one 64-bit word per 64 pattern positions.
///
/// Symbols below 256 are looked up in a dense table: a fixed 256-entry one
/// for patterns of one word (at most 64 symbols, the common case), one of
/// `256 × stride` words otherwise. Other symbols go to a small hash table per
/// word (as rapidfuzz's `BlockPatternMatchVector`): a word spans 64 positions,
/// so at most 64 distinct symbols, and [`SLOTS`] slots with linear probing
/// always have room. Memory is thus `O(words)` whatever the alphabet (a
/// table keyed by symbol with a bit vector of every word each would take
/// `distinct symbols × words`: 65 GB for two random 500k-character strings).
pub struct Pattern {
    words: usize,
    stride: usize,
    wide: usize,
    single: [u64; 256],
    ascii: Vec<u64>,
    /// `(key, bits)` per slot, [`SLOTS`] slots per word; key 0 marks a free
    /// slot (wide keys are at least 256).
    slots: Vec<(u64, u64)>,
    /// The slots in use, for clearing.
    used: Vec<u32>,
}

/// Hash slots per word for symbols of 256 and above: twice the most distinct
/// symbols a word can hold.
const SLOTS: usize = 128;

/// An empty pattern with no tables allocated (fits nothing longer than 0).
const UNALLOCATED: Pattern = Pattern {
    words: 0,
    stride: 0,
    wide: 0,
    single: [0; 256],
    ascii: Vec::new(),
    slots: Vec::new(),
    used: Vec::new(),
};

impl Pattern {
    /// Builds the bit vectors of `pattern`.
    pub fn new<S: Sym>(pattern: &[S]) -> Pattern {
        let (words, wide) = Self::size(pattern);
        let mut p = Self::empty(words, wide);
        p.fill(pattern, words, wide);
        p
    }

    /// `(words, symbols >= 256)` of a pattern.
    fn size<S: Sym>(pattern: &[S]) -> (usize, usize) {
        let words = pattern.len().div_ceil(64).max(1);
        (words, pattern.iter().filter(|s| s.key() >= 256).count())
    }

    /// All-zero tables for patterns of up to `stride` words (with hash slots
    /// when `wide`, the number of symbols of 256 and above, is not 0).
    fn empty(stride: usize, wide: usize) -> Pattern {
        Pattern {
            stride,
            ascii: if stride > 1 {
                vec![0; 256 * stride]
            } else {
                Vec::new()
            },
            slots: if wide > 0 {
                vec![(0, 0); SLOTS * stride]
            } else {
                Vec::new()
            },
            ..UNALLOCATED
        }
    }

    /// True when a pattern of this size fits in the allocated tables.
    fn fits(&self, words: usize, wide: usize) -> bool {
        words <= self.stride && (wide == 0 || !self.slots.is_empty())
    }

    fn fill<S: Sym>(&mut self, pattern: &[S], words: usize, wide: usize) {
        self.words = words;
        self.wide = wide;
        for (i, s) in pattern.iter().enumerate() {
            let key = s.key();
            let (w, bit) = (i / 64, 1u64 << (i % 64));
            if key >= 256 {
                self.insert_wide(key, w, bit);
            } else if words == 1 {
                self.single[key as usize] |= bit;
            } else {
                self.ascii[key as usize * self.stride + w] |= bit;
            }
        }
    }

    /// Sets `bit` in the entry of `key` in the hash slots of word `w`.
    fn insert_wide(&mut self, key: u64, w: usize, bit: u64) {
        let slot = self.slot(w, key);
        let entry = &mut self.slots[slot];
        if entry.0 == 0 {
            *entry = (key, 0);
            self.used.push(slot as u32);
        }
        entry.1 |= bit;
    }

    /// Zeroes the entries `fill` set (the tables are all-zero afterwards).
    fn clear<S: Sym>(&mut self, pattern: &[S]) {
        if self.words == 1 {
            for s in pattern {
                if let Ok(key) = u8::try_from(s.key()) {
                    self.single[key as usize] = 0;
                }
            }
        } else {
            for s in pattern {
                if let Ok(key) = u8::try_from(s.key()) {
                    let start = key as usize * self.stride;
                    self.ascii[start..start + self.words].fill(0);
                }
            }
        }
        for slot in self.used.drain(..) {
            self.slots[slot as usize] = (0, 0);
        }
        self.wide = 0;
    }

    /// Runs `f` with the bit vectors of `pattern`, reusing a per-thread table
    /// (no allocation or 2 KiB zeroing per call for one-shot comparisons).
    pub fn with<S: Sym, R>(pattern: &[S], f: impl FnOnce(&Pattern) -> R) -> R {
        thread_local! {
            static SCRATCH: RefCell<Pattern> = const { RefCell::new(UNALLOCATED) };
        }
        SCRATCH.with(|cell| {
            let Ok(mut scratch) = cell.try_borrow_mut() else {
                return f(&Pattern::new(pattern));
            };
            let (words, wide) = Self::size(pattern);
            if !scratch.fits(words, wide) {
                let wide = wide.max(usize::from(!scratch.slots.is_empty()));
                *scratch = Self::empty(words.max(scratch.stride), wide);
            }
            /// Clears the scratch table even if `f` panics.
            struct Reset<'a, 'b, S: Sym>(&'a mut Pattern, &'b [S]);
            impl<S: Sym> Drop for Reset<'_, '_, S> {
                fn drop(&mut self) {
                    self.0.clear(self.1);
                }
            }
            scratch.fill(pattern, words, wide);
            let reset = Reset(&mut scratch, pattern);
            f(reset.0)
        })
    }

    /// Number of 64-bit words per symbol.
    #[inline]
    pub fn words(&self) -> usize {
        self.words
    }

    /// The slot of `key` among the hash slots of word `w`: its own, or the
    /// free one where it would go (linear probing; a word holds at most 64
    /// distinct symbols, so a free slot is always found).
    #[inline]
    fn slot(&self, w: usize, key: u64) -> usize {
        let base = w * SLOTS;
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 57) as usize;
        loop {
            // cannot fail: w < stride and i < SLOTS, so the slot is allocated
            let entry = self.slots[base + i];
            if entry.0 == key || entry.0 == 0 {
                return base + i;
            }
            i = (i + 1) % SLOTS;
        }
    }

    /// The bit vector of `key` in a pattern of one word (at most 64 symbols).
    #[inline(always)]
    pub fn word(&self, key: u64) -> u64 {
        if let Ok(key) = u8::try_from(key) {
            self.single[key as usize]
        } else if self.wide == 0 {
            0
        } else {
            self.get_wide(0, key)
        }
    }

    /// Word `w` of the bit vector of `key`.
    #[inline(always)]
    pub fn get(&self, w: usize, key: u64) -> u64 {
        if self.words == 1 {
            self.word(key)
        } else if key < 256 {
            self.ascii[key as usize * self.stride + w]
        } else if self.wide == 0 {
            0
        } else {
            self.get_wide(w, key)
        }
    }

    /// [`Pattern::get`] for keys of 256 and above.
    #[inline(never)]
    fn get_wide(&self, w: usize, key: u64) -> u64 {
        // cannot fail: `slot` returns an allocated slot
        self.slots[self.slot(w, key)].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Word `w` of the bit vector of `key`, computed naively.
    fn naive(pattern: &[u32], w: usize, key: u64) -> u64 {
        let chunk = pattern.chunks(64).nth(w).unwrap_or(&[]);
        chunk
            .iter()
            .enumerate()
            .filter(|(_, &s)| u64::from(s) == key)
            .fold(0, |bits, (i, _)| bits | 1 << i)
    }

    fn check(pm: &Pattern, pattern: &[u32], probes: &[u32]) {
        assert_eq!(pm.words(), pattern.len().div_ceil(64).max(1));
        for &key in pattern.iter().chain(probes) {
            let key = u64::from(key);
            for w in 0..pm.words() {
                assert_eq!(pm.get(w, key), naive(pattern, w, key), "key {key} word {w}");
            }
            if pm.words() == 1 {
                assert_eq!(pm.word(key), naive(pattern, 0, key));
            }
        }
    }

    #[test]
    fn scratch_reuse_leaves_no_stale_bits() {
        // Narrow and wide symbols, one and several words, colliding hash slots:
        // every pattern sees exactly its own bits through the reused table.
        let mut rng = crate::testing::Lcg(7);
        let mut next = move |n: u64| rng.below(n);
        let mut previous: Vec<u32> = Vec::new();
        for round in 0..300 {
            let len = [0, 1, 5, 63, 64, 65, 130, 300][round % 8];
            let alphabet = [4, 300, 70_000][round % 3];
            let pattern: Vec<u32> = (0..len).map(|_| next(alphabet) as u32 * 7).collect();
            Pattern::with(&pattern, |pm| check(pm, &pattern, &previous));
            check(&Pattern::new(&pattern), &pattern, &previous);
            previous = pattern;
        }
    }

    #[test]
    fn many_distinct_wide_symbols_take_slots_per_word() {
        // 20,000 distinct symbols above U+00FF over 313 words: 128 slots per
        // word (5 MB), not a bit vector of every word per symbol (50 MB).
        let pattern: Vec<u32> = (0..20_000u32).map(|i| 0x4E00 + i).collect();
        let pm = Pattern::new(&pattern);
        assert_eq!(pm.slots.len(), SLOTS * pm.words());
        check(&pm, &pattern, &[0x41, 0x10_FFFF]);
        // reused scratch: a later pattern sees none of these bits
        Pattern::with(&pattern, |pm| check(pm, &pattern, &[]));
        let next: Vec<u32> = (0..300u32).map(|i| 0x4E00 + 2 * i).collect();
        Pattern::with(&next, |pm| check(pm, &next, &pattern[..1000]));
    }
}
