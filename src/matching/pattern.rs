//! Pattern-match bit vectors: for every symbol of a pattern, the bit set of the
//! positions where it occurs, split into 64-bit words (Hyyrö / Myers style).

use std::cell::RefCell;

use super::Sym;

/// Bit vectors of a pattern, one 64-bit word per 64 pattern positions.
///
/// Symbols below 256 are looked up in a dense table; others in a small
/// open-addressing hash table (linear probing, power-of-two capacity).
pub struct Pattern {
    words: usize,
    stride: usize,
    wide: usize,
    ascii: Vec<u64>,
    keys: Vec<u64>,
    used: Vec<bool>,
    ext: Vec<u64>,
    mask: usize,
}

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

    fn empty(stride: usize, wide: usize) -> Pattern {
        let capacity = if wide == 0 {
            0
        } else {
            (wide * 2).next_power_of_two().max(8)
        };
        Pattern {
            words: stride,
            stride,
            wide: 0,
            ascii: vec![0; 256 * stride],
            keys: vec![0; capacity],
            used: vec![false; capacity],
            ext: vec![0; capacity * stride],
            mask: capacity.wrapping_sub(1),
        }
    }

    /// True when a pattern of this size fits in the allocated tables.
    fn fits(&self, words: usize, wide: usize) -> bool {
        words <= self.stride && (wide == 0 || wide * 2 <= self.keys.len())
    }

    fn fill<S: Sym>(&mut self, pattern: &[S], words: usize, wide: usize) {
        self.words = words;
        self.wide = wide;
        let stride = self.stride;
        for (i, s) in pattern.iter().enumerate() {
            let key = s.key();
            let (w, bit) = (i / 64, 1u64 << (i % 64));
            if key < 256 {
                self.ascii[key as usize * stride + w] |= bit;
            } else {
                let slot = self.slot(key);
                self.used[slot] = true;
                self.keys[slot] = key;
                self.ext[slot * stride + w] |= bit;
            }
        }
    }

    /// Zeroes the entries `fill` set (the tables are all-zero afterwards).
    fn clear<S: Sym>(&mut self, pattern: &[S]) {
        let stride = self.stride;
        for s in pattern {
            let key = s.key();
            if key < 256 {
                let start = key as usize * stride;
                self.ascii[start..start + self.words].fill(0);
            }
        }
        if self.wide > 0 {
            self.used.fill(false);
            self.ext.fill(0);
            self.wide = 0;
        }
    }

    /// Runs `f` with the bit vectors of `pattern`, reusing a per-thread table
    /// (no allocation or 2 KiB zeroing per call for one-shot comparisons).
    pub fn with<S: Sym, R>(pattern: &[S], f: impl FnOnce(&Pattern) -> R) -> R {
        thread_local! {
            static SCRATCH: RefCell<Pattern> = RefCell::new(Pattern::empty(1, 0));
        }
        SCRATCH.with(|cell| {
            let Ok(mut scratch) = cell.try_borrow_mut() else {
                return f(&Pattern::new(pattern));
            };
            let (words, wide) = Self::size(pattern);
            if !scratch.fits(words, wide) {
                *scratch = Self::empty(words.max(scratch.stride), wide.max(scratch.keys.len() / 2));
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

    #[inline]
    fn slot(&self, key: u64) -> usize {
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & self.mask;
        while self.used[i] && self.keys[i] != key {
            i = (i + 1) & self.mask;
        }
        i
    }

    /// Word `w` of the bit vector of `key`.
    #[inline]
    pub fn get(&self, w: usize, key: u64) -> u64 {
        if key < 256 {
            self.ascii[key as usize * self.stride + w]
        } else if self.keys.is_empty() {
            0
        } else {
            let slot = self.slot(key);
            if self.used[slot] {
                self.ext[slot * self.stride + w]
            } else {
                0
            }
        }
    }
}
