#![no_main]
//! `cargo +nightly fuzz run explain`: see `tunelens::fuzzing::explain`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::explain(data));
