//! Audio input: decoding, mono mixing, resampling.
