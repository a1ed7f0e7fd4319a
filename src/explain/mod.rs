//! Listenable explanations (audioLIME's algorithm).
//!
//! - [`factorization`]: interpretable components of a signal, composed into
//!   perturbed clips batch by batch.
//! - [`bands`]: frequency-band sources (STFT masks resynthesised by iSTFT).
//! - [`sampling`]: deterministic binary perturbation masks.
//! - [`surrogate`]: lime's kernel-weighted ridge surrogate, scikit-learn exact.

pub mod bands;
pub mod factorization;
pub mod sampling;
pub mod surrogate;

pub use factorization::{Factorization, Span};
pub use surrogate::{Distance, Selection, Surrogate, SurrogateParams};
