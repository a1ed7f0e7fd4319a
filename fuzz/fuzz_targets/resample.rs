#![no_main]
//! `cargo +nightly fuzz run resample`: see `tunelens::fuzzing::resample`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::resample(data));
