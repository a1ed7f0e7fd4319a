#![no_main]
//! `cargo +nightly fuzz run normalize`: see `tunelens::fuzzing::normalize`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::normalize(data));
