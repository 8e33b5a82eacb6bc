//! ekslint's output formats: human text (miette), JSON, SARIF 2.1.0 and GitHub workflow commands.
//!
//! Every format is one [`Emitter`]; [`render`] picks one by [`Format`]. Emitters write exactly what
//! belongs on stdout and return warnings (for stderr) separately, so machine-readable output is never
//! mixed with messages for people. Output is deterministic: findings keep the order of the
//! [`Report`] (already sorted) and rules are sorted by code.

use std::fmt;
use std::io;
use std::str::FromStr;

use ekslint_rules::{Report, RuleInfo};

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
mod uri;

pub use github::GithubEmitter;
pub use human::{HumanEmitter, HumanOptions, summary_line};
pub use json::{JSON_SCHEMA_VERSION, JsonEmitter};
pub use sarif::{SARIF_MAX_RESULTS, SarifEmitter, SarifOptions};

/// The tool name in machine-readable output.
pub const TOOL_NAME: &str = "ekslint";
/// The tool version in machine-readable output (the workspace version).
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The project's home page (SARIF `tool.driver.informationUri`).
pub const TOOL_URI: &str = "https://github.com/ekslint/ekslint";

/// One output format.
pub trait Emitter {
    /// Writes the whole report to `out`.
    ///
    /// `rules` is every rule that can fire (the registry), for formats that describe rules (SARIF);
    /// rules that fired but are missing from it are added. Returns warnings meant for stderr (for
    /// example that SARIF results were capped); they are never written to `out`.
    fn emit(
        &self,
        report: &Report,
        rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>>;
}

/// The output formats, as named on the command line (`--format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// miette diagnostics with source snippets, then a summary line.
    #[default]
    Human,
    /// The stable JSON schema of [`json`].
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), one line per finding.
    Github,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Human, Format::Json, Format::Sarif, Format::Github];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of [`Format::from_str`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown output format `{}` (expected one of: ", self.0)?;
        for (i, format) in Format::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(format.as_str())?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// Options of every format; each emitter reads its own.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    pub human: HumanOptions,
    pub sarif: SarifOptions,
}

/// Renders `report` in `format` to `out`. Returns warnings for stderr (see [`Emitter::emit`]).
pub fn render(
    format: Format,
    report: &Report,
    rules: &[&'static RuleInfo],
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<Vec<String>> {
    match format {
        Format::Human => HumanEmitter::new(options.human.clone()).emit(report, rules, out),
        Format::Json => JsonEmitter.emit(report, rules, out),
        Format::Sarif => SarifEmitter::new(options.sarif.clone()).emit(report, rules, out),
        Format::Github => GithubEmitter.emit(report, rules, out),
    }
}

/// `1 error`, `2 errors`: a count and a noun, plural when the count is not one.
pub(crate) fn plural(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {plural}")
    }
}
