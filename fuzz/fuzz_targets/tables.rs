#![no_main]
//! `cargo +nightly fuzz run tables`: see `tunelens::fuzzing::tables`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::tables(data));
