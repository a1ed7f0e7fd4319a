#![no_main]
//! `cargo +nightly fuzz run catalog`: see `tunelens::fuzzing::catalog`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::catalog(data));
