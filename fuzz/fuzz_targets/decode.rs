#![no_main]
//! `cargo +nightly fuzz run decode`: see `tunelens::fuzzing::decode`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tunelens::fuzzing::decode(data));
