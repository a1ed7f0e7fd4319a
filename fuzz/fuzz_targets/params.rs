#![no_main]
//! `cargo +nightly fuzz run params`: see `tunelens::fuzzing::params`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::params(data));
