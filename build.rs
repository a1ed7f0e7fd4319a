//! Generates the option enums from `src/options.toml` into
//! `$OUT_DIR/options.rs` (included by `src/options.rs`; the table's header
//! says what each enum gets).
//!
//! The table is read with `toml` + serde's derive (`deny_unknown_fields`), so a
//! misspelt key or a missing field stops the build with the table's line.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::{env, fs, path::Path};

use serde::Deserialize;

const TABLE: &str = "src/options.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[serde(rename = "enum")]
    enums: Vec<Enum>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Enum {
    rust: String,
    module: String,
    arg: String,
    #[serde(default)]
    also: Option<String>,
    doc: String,
    variants: Vec<Variant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Variant {
    rust: String,
    names: Vec<String>,
    doc: String,
}

impl Enum {
    /// Its key in Python's `OPTION_NAMES`: `"<area>.<Enum>"`.
    fn key(&self) -> String {
        let area = self.module.split("::").next().unwrap_or_default();
        format!("{area}.{}", self.rust)
    }

    /// The names of its variants, canonical (first) names only.
    fn canonical(&self) -> Vec<&str> {
        self.variants.iter().map(|v| v.names[0].as_str()).collect()
    }

    /// Refuses an enum no code could be generated for, naming it.
    fn check(&self) {
        let key = self.key();
        assert!(!self.variants.is_empty(), "{TABLE}: {key} has no variants");
        let mut seen = BTreeSet::new();
        for v in &self.variants {
            assert!(
                !v.names.is_empty(),
                "{TABLE}: {key}::{} has no names",
                v.rust
            );
            for name in &v.names {
                assert!(seen.insert(name), "{TABLE}: {key} accepts {name:?} twice");
            }
        }
    }
}

/// `doc` as `#[doc]` attributes, one a line (what `///` lines become).
fn doc_attrs(out: &mut String, doc: &str, indent: &str) {
    for line in doc.trim().lines() {
        writeln!(out, "{indent}#[doc = {:?}]", format!(" {line}").trim_end()).unwrap();
    }
}

/// One enum with its docs, `ALL`, `name()` and `FromStr`.
fn enum_code(out: &mut String, e: &Enum, indent: &str) {
    let name = &e.rust;
    let n = e.variants.len();
    doc_attrs(out, &e.doc, indent);
    writeln!(
        out,
        "{indent}#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]"
    )
    .unwrap();
    writeln!(out, "{indent}pub enum {name} {{").unwrap();
    for v in &e.variants {
        doc_attrs(out, &v.doc, &format!("{indent}    "));
        writeln!(out, "{indent}    {},", v.rust).unwrap();
    }
    writeln!(out, "{indent}}}\n").unwrap();

    let all: Vec<String> = e
        .variants
        .iter()
        .map(|v| format!("{name}::{}", v.rust))
        .collect();
    let arms: String = e
        .variants
        .iter()
        .map(|v| {
            format!(
                "{indent}            {name}::{} => {:?},\n",
                v.rust, v.names[0]
            )
        })
        .collect();
    writeln!(
        out,
        "{indent}impl {name} {{
{indent}    /// Every value, in declaration order.
{indent}    pub const ALL: [{name}; {n}] = [{all}];

{indent}    /// The value's name (the first one it accepts).
{indent}    pub fn name(self) -> &'static str {{
{indent}        match self {{
{arms}{indent}        }}
{indent}    }}
{indent}}}
",
        all = all.join(", "),
    )
    .unwrap();

    let parse: String = e
        .variants
        .iter()
        .map(|v| {
            let names: Vec<String> = v.names.iter().map(|s| format!("{s:?}")).collect();
            format!(
                "{indent}            {} => Ok({name}::{}),\n",
                names.join(" | "),
                v.rust
            )
        })
        .collect();
    writeln!(
        out,
        "{indent}impl ::std::str::FromStr for {name} {{
{indent}    type Err = crate::error::Error;

{indent}    /// The value named `got` (any of its names); anything else is an
{indent}    /// invalid-parameter error that lists the names.
{indent}    fn from_str(got: &str) -> crate::error::Result<Self> {{
{indent}        match got {{
{parse}{indent}            _ => Err(crate::names::unknown({arg:?}, got, &{names:?}, &{also:?})),
{indent}        }}
{indent}    }}
{indent}}}
",
        arg = e.arg,
        names = e.canonical(),
        also = e.also.as_slice(),
    )
    .unwrap();
}

/// The modules below `crate::options`, each with its enums and submodules.
#[derive(Default)]
struct Module<'a> {
    enums: Vec<&'a Enum>,
    children: BTreeMap<&'a str, Module<'a>>,
}

impl<'a> Module<'a> {
    fn add(&mut self, e: &'a Enum) {
        let mut module = self;
        for part in e.module.split("::") {
            module = module.children.entry(part).or_default();
        }
        module.enums.push(e);
    }

    fn write(&self, out: &mut String, indent: &str) {
        for e in &self.enums {
            enum_code(out, e, indent);
        }
        for (name, child) in &self.children {
            writeln!(out, "{indent}pub mod {name} {{").unwrap();
            child.write(out, &format!("{indent}    "));
            writeln!(out, "{indent}}}").unwrap();
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed={TABLE}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = fs::read_to_string(TABLE).unwrap_or_else(|e| panic!("{TABLE}: {e}"));
    let table: Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{TABLE}: {e}"));

    let mut root = Module::default();
    let mut keys = BTreeSet::new();
    for e in &table.enums {
        e.check();
        assert!(
            keys.insert(e.key()),
            "{TABLE}: two enums are keyed {}",
            e.key()
        );
        root.add(e);
    }

    let mut out = String::from("// Generated by build.rs from src/options.toml: do not edit.\n\n");
    root.write(&mut out, "");
    out.push_str(
        "/// Every enum's names (canonical, in declaration order), keyed
/// `\"<area>.<Enum>\"`: Python's `tunelens._core.OPTION_NAMES`.
pub(crate) const NAMES: &[(&str, &[&str])] = &[\n",
    );
    for e in &table.enums {
        writeln!(out, "    ({:?}, &{:?}),", e.key(), e.canonical()).unwrap();
    }
    out.push_str("];\n");

    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("options.rs");
    fs::write(dest, out).unwrap();
}
