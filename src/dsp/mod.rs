//! Spectral analysis, librosa-exact: STFT/iSTFT, mel filters, dB scaling.
