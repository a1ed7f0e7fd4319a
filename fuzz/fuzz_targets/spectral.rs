#![no_main]
//! `cargo +nightly fuzz run spectral`: see `tunelens::fuzzing::spectral`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::spectral(data));
