//! The one wording of a bad option name: [`unknown`] is the error of every
//! generated option enum's `FromStr` (`crate::options`) and of the few option
//! types with data-carrying variants.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_names_the_argument_and_lists_the_names() {
        let err = unknown("shade", "grey", &["dark", "light"], &["a number"]);
        assert!(matches!(err, Error::InvalidParameter { name: "shade", .. }));
        assert_eq!(
            err.to_string(),
            "invalid shade: must be one of 'dark', 'light' or a number, got \"grey\""
        );
        let one = unknown("norm", "x", &["slaney"], &[]).to_string();
        assert_eq!(one, "invalid norm: must be 'slaney', got \"x\"");
    }
}
