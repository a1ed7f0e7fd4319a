//! Option enums chosen by name (`pad_mode="reflect"`, `metric="l1"`).
//!
//! [`named_enum!`] declares such an enum once: its variants with their docs,
//! the names each one accepts (the first is its own, the others aliases) and
//! the argument it is passed as. It generates `ALL`, `name()` and a
//! `FromStr` whose error is an [`Error::InvalidParameter`] naming the argument
//! and listing the accepted names ([`unknown`], also used by the few option
//! types with data-carrying variants).

use crate::error::Error;

/// The error for `got` passed as argument `arg`, which accepts `names` (and
/// what `also` describes, such as `None or a number`).
pub(crate) fn unknown(arg: &'static str, got: &str, names: &[&str], also: &[&str]) -> Error {
    let mut choices: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    choices.extend(also.iter().map(|a| a.to_string()));
    let listed = match choices.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("one of {} or {last}", rest.join(", ")),
        _ => choices.concat(),
    };
    Error::param(arg, format!("must be {listed}, got {got:?}"))
}

/// Declares an enum of plain values chosen by name (deriving `Clone`, `Copy`,
/// `Debug`, `PartialEq`, `Eq` and `Hash`):
///
/// ```ignore
/// named_enum! {
///     /// A distance (the enum's docs).
///     pub enum Distance in "metric" {
///         /// Each variant's docs.
///         Euclidean = "euclidean" | "l2",
///         Cosine = "cosine",
///     }
/// }
/// ```
///
/// `in "metric"` is the argument the name is passed as; an optional second
/// string (`in "norm", "None or a number"`) adds to the list of accepted
/// values in the error. The generated `ALL` holds every variant in
/// declaration order, `name()` gives a variant's first name, and `FromStr`
/// accepts every name and alias (else [`unknown`]).
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident in $arg:literal $(, $also:literal)? {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $first:literal $(| $alias:literal)*
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The value's name (the first one it accepts).
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $first,)+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::error::Error;

            /// The value named `got` (any of its names); anything else is an
            /// invalid-parameter error that lists the names.
            fn from_str(got: &str) -> $crate::error::Result<Self> {
                match got {
                    $($first $(| $alias)* => Ok($name::$variant),)+
                    _ => Err($crate::names::unknown(
                        $arg,
                        got,
                        &[$($first),+],
                        &[$($also)?],
                    )),
                }
            }
        }
    };
}

pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    use super::*;

    named_enum! {
        /// A test enum.
        enum Shade in "shade", "a number" {
            /// Dark.
            Dark = "dark" | "black",
            /// Light.
            Light = "light",
        }
    }

    #[test]
    fn names_and_aliases_parse_and_others_list_the_names() {
        assert_eq!("dark".parse::<Shade>().unwrap(), Shade::Dark);
        assert_eq!("black".parse::<Shade>().unwrap(), Shade::Dark);
        assert_eq!("light".parse::<Shade>().unwrap(), Shade::Light);
        assert_eq!(Shade::ALL.map(Shade::name), ["dark", "light"]);
        let err = "grey".parse::<Shade>().unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { name: "shade", .. }));
        assert_eq!(
            err.to_string(),
            "invalid shade: must be one of 'dark', 'light' or a number, got \"grey\""
        );
        let one = unknown("norm", "x", &["slaney"], &[]).to_string();
        assert_eq!(one, "invalid norm: must be 'slaney', got \"x\"");
    }
}
