#![no_main]
//! `cargo +nightly fuzz run matching`: see `tunelens::fuzzing::matching`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::matching(data));
