//! Helpers shared by the unit tests (compiled for `cargo test` only).

use std::path::PathBuf;

/// A folder for test files, `tunelens-<name>-<pid>` in the system's
/// temporary folder (one per test process, so parallel runs do not collide),
/// created if need be.
pub fn scratch_dir(name: &str) -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("tunelens-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A deterministic pseudo-random generator (Knuth's MMIX linear congruential
/// generator), so test inputs are the same on every run; the field is its
/// state.
pub struct Lcg(pub u64);

impl Lcg {
    /// Advances the state and returns it.
    pub fn step(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }

    /// A number in `0..n` (from the state's high bits).
    pub fn below(&mut self, n: u64) -> u64 {
        (self.step() >> 33) % n
    }

    /// A number in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.step() >> 11) as f64 / (1u64 << 53) as f64
    }
}
