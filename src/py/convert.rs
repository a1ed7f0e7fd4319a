//! The one conversion point from Python arguments to core values.
//!
//! - [`Wrap<T>`] (polars' pattern): an option string parsed by the core's own
//!   `FromStr`, so bindings never parse strings by hand and a bad value
//!   raises the core's typed error naming the argument.
//! - [`Keywords`]: keyword arguments (a binding's `**options`, or a dict
//!   argument through [`Items`]) read key by key into the core's parameter
//!   structs, which list their keys once below (`from_keywords!`). A key
//!   is required unless the core gives it a default, and a key no struct
//!   reads is refused: an accepted argument always takes effect.

use std::str::FromStr;

use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::to_pyerr;
use crate::audio::resample::Resampling;
use crate::audio::soxr::Quality;
use crate::audio::stream::StreamOptions;
use crate::audio::LoadOptions;
use crate::dsp::db::DbParams;
use crate::dsp::istft::IstftSpec;
use crate::dsp::mel::{MelNorm, MelSpec};
use crate::dsp::{PadMode, StftSpec};
use crate::error::Error;
use crate::explain::bands::{BandScale, BandSplit};
use crate::explain::surrogate::Distance;
use crate::features::beat::PeakPick;
use crate::features::chroma::ChromaParams;
use crate::features::hpss::{HpssParams, SignalSeparation};
use crate::features::onset::{Aggregate, OnsetParams};
use crate::features::spectral::{SpectralKind, SpectralOptions};
use crate::features::tempo::TempoPrior;
use crate::features::temporal::RawFraming;
use crate::neighbors::{Algorithm, Search};
use crate::render::batch::SpectrogramJob;
use crate::render::{Colormap, WaveformStyle};

/// A core value parsed from a Python `str` argument.
pub struct Wrap<T>(pub T);

impl<'a, 'py, T: FromStr<Err = Error>> FromPyObject<'a, 'py> for Wrap<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let text: String = obj.extract()?;
        text.parse().map(Wrap).map_err(|e| to_pyerr(obj.py(), e))
    }
}

/// Keyword arguments being read into core parameter structs.
pub struct Keywords<'py> {
    given: Option<Bound<'py, PyDict>>,
    read: Vec<&'static str>,
}

impl<'py> Keywords<'py> {
    /// Reads from `given` (a binding's `**options`; `None` when there are none).
    pub fn new(given: Option<&Bound<'py, PyDict>>) -> Self {
        Keywords {
            given: given.cloned(),
            read: Vec::new(),
        }
    }

    /// The value of keyword `name` (`TypeError` when it is missing).
    pub fn get<T: Keyword>(&mut self, name: &'static str) -> PyResult<T> {
        self.read.push(name);
        let value = match &self.given {
            Some(given) => given.get_item(name)?,
            None => None,
        };
        let value = value.ok_or_else(|| {
            PyTypeError::new_err(format!("missing required keyword argument '{name}'"))
        })?;
        T::from_keyword(&value, name)
    }

    /// The value of keyword `name`, or `default` when it is not given.
    pub fn get_or<T: Keyword>(&mut self, name: &'static str, default: T) -> PyResult<T> {
        let given = match &self.given {
            Some(given) => given.contains(name)?,
            None => false,
        };
        if given {
            self.get(name)
        } else {
            Ok(default)
        }
    }

    /// A parameter struct from its keys.
    pub fn read<T: FromKeywords>(&mut self) -> PyResult<T> {
        T::from_keywords(self)
    }

    /// Ends the reading: a keyword nothing read raises `TypeError`.
    pub fn finish(self) -> PyResult<()> {
        let Some(given) = self.given else {
            return Ok(());
        };
        for key in given.keys() {
            let key: String = key.extract()?;
            if !self.read.contains(&key.as_str()) {
                return Err(PyTypeError::new_err(format!(
                    "unexpected keyword argument '{key}'"
                )));
            }
        }
        Ok(())
    }

    /// The parameter struct `T` from exactly its keys in `given`.
    pub fn parse<T: FromKeywords>(given: Option<&Bound<'py, PyDict>>) -> PyResult<T> {
        let mut keywords = Keywords::new(given);
        let value = keywords.read()?;
        keywords.finish()?;
        Ok(value)
    }
}

/// A core parameter struct passed as one dict argument (keys as in
/// [`Keywords::parse`]).
pub struct Items<T>(pub T);

impl<'a, 'py, T: FromKeywords> FromPyObject<'a, 'py> for Items<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let dict = obj.cast::<PyDict>()?;
        Keywords::parse(Some(&dict)).map(Items)
    }
}

/// A value one keyword argument converts to.
pub trait Keyword: Sized {
    /// Converts `value`, the argument `name`.
    fn from_keyword(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Self>;
}

/// Plain values: pyo3's conversion, its error naming the argument.
macro_rules! extracted {
    ($($t:ty),* $(,)?) => {$(
        impl Keyword for $t {
            fn from_keyword(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Self> {
                value
                    .extract()
                    .map_err(|e: PyErr| PyTypeError::new_err(format!("argument '{name}': {e}")))
            }
        }
    )*};
}
extracted!(
    f64,
    f32,
    usize,
    u32,
    u64,
    bool,
    String,
    (usize, usize),
    [u8; 3]
);

/// Option strings: the core's `FromStr` through [`Wrap`].
macro_rules! parsed {
    ($($t:ty),* $(,)?) => {$(
        impl Keyword for $t {
            fn from_keyword(value: &Bound<'_, PyAny>, _: &'static str) -> PyResult<Self> {
                Ok(value.extract::<Wrap<$t>>()?.0)
            }
        }
    )*};
}
parsed!(
    PadMode,
    Quality,
    Colormap,
    BandScale,
    Distance,
    SpectralKind,
    Algorithm
);

/// A parameter struct given as a dict.
impl<T: FromKeywords> Keyword for Items<T> {
    fn from_keyword(value: &Bound<'_, PyAny>, _: &'static str) -> PyResult<Self> {
        value.extract()
    }
}

/// `None` or the value.
impl<T: Keyword> Keyword for Option<T> {
    fn from_keyword(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Self> {
        if value.is_none() {
            Ok(None)
        } else {
            T::from_keyword(value, name).map(Some)
        }
    }
}

/// A float64 array (a window) or a sequence of numbers.
impl Keyword for Vec<f64> {
    fn from_keyword(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Self> {
        match value.extract::<PyReadonlyArray1<'_, f64>>() {
            Ok(array) => Ok(array.as_array().to_vec()),
            Err(_) => value
                .extract()
                .map_err(|e: PyErr| PyTypeError::new_err(format!("argument '{name}': {e}"))),
        }
    }
}

/// `norm` of `filters.mel`: `"slaney"`, `None` or a positive number.
impl Keyword for MelNorm {
    fn from_keyword(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Self> {
        if value.is_none() {
            Ok(MelNorm::None)
        } else if value.extract::<String>().is_ok() {
            Ok(value.extract::<Wrap<MelNorm>>()?.0)
        } else {
            f64::from_keyword(value, name).map(MelNorm::Lp)
        }
    }
}

/// `median`: `np.median` (true) or `np.mean` as the onset aggregation.
impl Keyword for Aggregate {
    fn from_keyword(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Self> {
        bool::from_keyword(value, name).map(Aggregate::median_if)
    }
}

/// A struct read field by field from its keys.
pub trait FromKeywords: Sized {
    /// Reads every field.
    fn from_keywords(keywords: &mut Keywords<'_>) -> PyResult<Self>;
}

/// Implements [`FromKeywords`] for a core struct: each field from the
/// keyword of its name (or the one given as `field = "key"`).
macro_rules! from_keywords {
    ($ty:ty: $($field:ident $(= $key:literal)?),* $(,)?) => {
        impl FromKeywords for $ty {
            fn from_keywords(keywords: &mut Keywords<'_>) -> PyResult<Self> {
                Ok(Self { $($field: keywords.get(from_keywords!(@key $field $($key)?))?,)* })
            }
        }
    };
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident $key:literal) => { $key };
}

from_keywords!(StftSpec: n_fft, hop_length, window, center, pad_mode);
from_keywords!(MelSpec: sr, n_mels, fmin, fmax, htk, norm);
from_keywords!(IstftSpec: n_fft, hop_length, window, center, length);
from_keywords!(SpectralOptions: kind, p, norm, roll_percent, power, amin, fmin, n_bands, quantile, linear);
from_keywords!(ChromaParams: sr, n_fft, n_chroma, tuning, ctroct, octwidth, filter_norm, base_c, norm);
from_keywords!(HpssParams: kernel_harmonic, kernel_percussive, power, margin_harmonic, margin_percussive);
from_keywords!(PeakPick: pre_max, post_max, pre_avg, post_avg, delta, wait);
from_keywords!(LoadOptions: sr, mono, offset, duration, quality = "res_type");
from_keywords!(StreamOptions: block_length, frame_length, hop_length, mono, offset, duration, fill_value);
from_keywords!(BandSplit: sr, n_bands, scale, n_fft, hop_length);
from_keywords!(SpectrogramJob: sr, duration, n_fft, hop_length, n_mels, db, cmap, size);
from_keywords!(Resampling: orig_sr, target_sr, quality = "res_type", fix);
from_keywords!(DbParams: reference, amin, top_db);
from_keywords!(RawFraming: frame_length, hop_length, center, pad_mode);
from_keywords!(OnsetParams: lag, max_size, aggregate = "median", pad_width, center);
from_keywords!(TempoPrior: start_bpm, std_bpm, max_tempo);
from_keywords!(WaveformStyle: size, color, scale);

/// Two structs whose keys differ, read from one set of keywords.
impl<A: FromKeywords, B: FromKeywords> FromKeywords for (A, B) {
    fn from_keywords(keywords: &mut Keywords<'_>) -> PyResult<Self> {
        Ok((keywords.read()?, keywords.read()?))
    }
}

impl FromKeywords for SignalSeparation {
    fn from_keywords(keywords: &mut Keywords<'_>) -> PyResult<Self> {
        Ok(SignalSeparation {
            stft: keywords.read()?,
            hpss: keywords.read()?,
            same_length: keywords.get("same_length")?,
            mask: keywords.get("mask")?,
        })
    }
}

/// Every key optional, with the core's defaults.
impl FromKeywords for Search {
    fn from_keywords(keywords: &mut Keywords<'_>) -> PyResult<Self> {
        let default = Search::default();
        Ok(Search {
            algorithm: keywords.get_or("algorithm", default.algorithm)?,
            leaf_size: keywords.get_or("leaf_size", default.leaf_size)?,
            n_neighbors: keywords.get_or("n_neighbors", default.n_neighbors)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{exception, with_python};
    use super::*;
    use pyo3::exceptions::PyTypeError;

    fn hpss<'py>(py: Python<'py>) -> Bound<'py, PyDict> {
        let given = PyDict::new(py);
        for (key, value) in [
            ("kernel_harmonic", 31.0),
            ("kernel_percussive", 17.0),
            ("power", 2.0),
            ("margin_harmonic", 1.0),
            ("margin_percussive", 3.0),
        ] {
            if key.starts_with("kernel") {
                given.set_item(key, value as usize).unwrap();
            } else {
                given.set_item(key, value).unwrap();
            }
        }
        given
    }

    #[test]
    fn structs_read_every_key_and_refuse_others() {
        with_python(|py| {
            let given = hpss(py);
            let p: HpssParams = Keywords::parse(Some(&given)).unwrap();
            assert_eq!((p.kernel_harmonic, p.kernel_percussive), (31, 17));
            assert_eq!(
                (p.power, p.margin_harmonic, p.margin_percussive),
                (2.0, 1.0, 3.0)
            );

            given.set_item("margn", 1.0).unwrap();
            let err = Keywords::parse::<HpssParams>(Some(&given)).unwrap_err();
            assert!(err.is_instance_of::<PyTypeError>(py), "{err}");
            assert!(err
                .to_string()
                .contains("unexpected keyword argument 'margn'"));

            given.del_item("margn").unwrap();
            given.del_item("power").unwrap();
            let err = Keywords::parse::<HpssParams>(Some(&given)).unwrap_err();
            assert!(err
                .to_string()
                .contains("missing required keyword argument 'power'"));

            given.set_item("power", "strong").unwrap();
            let err = Keywords::parse::<HpssParams>(Some(&given)).unwrap_err();
            assert!(err.is_instance_of::<PyTypeError>(py), "{err}");
            assert!(err.to_string().contains("argument 'power'"), "{err}");
        });
    }

    #[test]
    fn optional_keys_take_the_core_defaults_and_names_parse_in_the_core() {
        with_python(|py| {
            let search: Search = Keywords::parse(None).unwrap();
            assert_eq!(search, Search::default());
            let given = PyDict::new(py);
            given.set_item("algorithm", "kd_tree").unwrap();
            let search: Search = Keywords::parse(Some(&given)).unwrap();
            assert_eq!(search.algorithm, Algorithm::KdTree);
            assert_eq!(search.leaf_size, Search::default().leaf_size);

            given.set_item("algorithm", "ball_tree").unwrap();
            let err = Keywords::parse::<Search>(Some(&given)).unwrap_err();
            let class = exception(py, "InvalidParameterError");
            assert!(err.get_type(py).is(&class), "{err}");
            assert!(err.to_string().contains("algorithm"), "{err}");
        });
    }
}
