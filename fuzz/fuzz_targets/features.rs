#![no_main]
//! `cargo +nightly fuzz run features`: see `tunelens::fuzzing::features`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::features(data));
