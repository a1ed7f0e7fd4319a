//! Pattern-match bit vectors: for every symbol of a pattern, the bit set of the
//! positions where it occurs, split into 64-bit words (Hyyrö / Myers style).

use super::Sym;

/// Bit vectors of a pattern, one 64-bit word per 64 pattern positions.
///
/// Symbols below 256 are looked up in a dense table; others in a small
/// open-addressing hash table (linear probing, power-of-two capacity).
pub struct Pattern {
    words: usize,
    ascii: Vec<u64>,
    keys: Vec<u64>,
    used: Vec<bool>,
    ext: Vec<u64>,
    mask: usize,
}

impl Pattern {
    /// Builds the bit vectors of `pattern`.
    pub fn new<S: Sym>(pattern: &[S]) -> Pattern {
        let words = pattern.len().div_ceil(64).max(1);
        let wide = pattern.iter().filter(|s| s.key() >= 256).count();
        let capacity = if wide == 0 { 0 } else { (wide * 2).next_power_of_two().max(8) };
        let mut p = Pattern {
            words,
            ascii: vec![0; 256 * words],
            keys: vec![0; capacity],
            used: vec![false; capacity],
            ext: vec![0; capacity * words],
            mask: capacity.wrapping_sub(1),
        };
        for (i, s) in pattern.iter().enumerate() {
            let key = s.key();
            let (w, bit) = (i / 64, 1u64 << (i % 64));
            if key < 256 {
                p.ascii[key as usize * words + w] |= bit;
            } else {
                let slot = p.slot(key);
                p.used[slot] = true;
                p.keys[slot] = key;
                p.ext[slot * words + w] |= bit;
            }
        }
        p
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
            self.ascii[key as usize * self.words + w]
        } else if self.keys.is_empty() {
            0
        } else {
            let slot = self.slot(key);
            if self.used[slot] {
                self.ext[slot * self.words + w]
            } else {
                0
            }
        }
    }
}
