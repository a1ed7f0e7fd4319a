//! Deterministic perturbation masks.
//!
//! Masks are drawn from xoshiro256** (Blackman & Vigna), seeded through
//! SplitMix64 exactly as its authors recommend. Each 64-bit draw gives 64 mask
//! bits, least significant first, row after row. The same `seed` therefore
//! reproduces the same masks on every platform and for every `batch_size`.
//! (lime draws from numpy's `RandomState`; only the distribution, uniform
//! independent bits, is the same, not the bits themselves.)

use crate::cluster::rng::SplitMix64;

/// xoshiro256**: the generator behind the masks.
#[derive(Clone, Debug)]
pub struct Xoshiro256 {
    s: [u64; 4],
}

impl Xoshiro256 {
    /// A generator whose state is four SplitMix64 draws from `seed`.
    pub fn seed_from_u64(seed: u64) -> Self {
        let mut sm = SplitMix64::new(seed);
        Xoshiro256 {
            s: [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()],
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }
}

/// `n_samples × n_components` binary masks (row-major, 0 or 1), lime_image's
/// scheme: the first row all ones (the unperturbed input), every other bit an
/// independent fair coin drawn from `seed`.
pub fn sample_masks(n_samples: usize, n_components: usize, seed: u64) -> Vec<u8> {
    let mut rng = Xoshiro256::seed_from_u64(seed);
    let mut masks = vec![1u8; n_samples * n_components];
    let mut bits = 0u64;
    let mut left = 0u32;
    for m in masks.iter_mut().skip(n_components) {
        if left == 0 {
            bits = rng.next_u64();
            left = 64;
        }
        *m = (bits & 1) as u8;
        bits >>= 1;
        left -= 1;
    }
    masks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro_matches_reference_vectors() {
        // Reference: the C implementation seeded with s = {1, 2, 3, 4}.
        let mut rng = Xoshiro256 { s: [1, 2, 3, 4] };
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(first, vec![11520, 0, 1509978240]);
        // SplitMix64 seeded with 0 (reference output of splitmix64.c).
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn masks_reproduce_and_are_fair() {
        let a = sample_masks(1000, 50, 7);
        assert_eq!(a, sample_masks(1000, 50, 7));
        assert_ne!(a, sample_masks(1000, 50, 8));
        assert!(a[..50].iter().all(|&m| m == 1));
        assert!(a.iter().all(|&m| m <= 1));
        let ones = a[50..].iter().filter(|&&m| m == 1).count() as f64 / (999.0 * 50.0);
        assert!((ones - 0.5).abs() < 0.01, "{ones}");
    }
}
