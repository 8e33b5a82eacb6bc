//! ekslint's output formats: human text (miette), concise lines, JSON, SARIF 2.1.0, GitHub
//! workflow commands, JUnit XML, GitLab Code Quality, a Markdown report and an HTML page, plus
//! the `--statistics` table.
//!
//! Every format is one [`Emitter`] in its own file; [`render`] picks one by [`Format`]. The
//! summaries (by rule, family, namespace and file) are counted once, in [`tally`]. Emitters write exactly what
//! belongs on stdout and return warnings (for stderr) separately, so machine-readable output is never
//! mixed with messages for people. Output is deterministic: findings keep the order of the
//! [`Report`] (already sorted) and rules are sorted by code.

use std::fmt;
use std::io;
use std::str::FromStr;

use ekslint_rules::{Report, RuleInfo};

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod statistics;
pub mod tally;
mod uri;

pub use concise::ConciseEmitter;
pub use github::GithubEmitter;
pub use gitlab::{GitlabEmitter, GitlabOptions};
pub use html::HtmlEmitter;
pub use human::{HumanEmitter, HumanOptions, summary_line};
pub use json::{JSON_SCHEMA_VERSION, JsonEmitter};
pub use junit::JunitEmitter;
pub use markdown::MarkdownEmitter;
pub use sarif::{SARIF_MAX_RESULTS, SarifEmitter, SarifOptions};
pub use statistics::StatisticsEmitter;
pub use tally::Tally;

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
    /// Each finding's place and message, its source snippet and help; then a summary.
    #[default]
    Human,
    /// One `path:line:col: CODE message` line per finding; then a summary.
    Concise,
    /// The stable JSON schema of [`json`].
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), one line per finding.
    Github,
    /// JUnit XML: a test suite per file, a failing test case per finding.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// A Markdown migration readiness report (pull request comments, job summaries).
    Markdown,
    /// A self-contained HTML page with charts and a filterable table.
    Html,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Gitlab,
        Format::Markdown,
        Format::Html,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// Whether the format is for people reading a terminal, so the summary line belongs in it
    /// (the other formats leave it to standard error).
    pub fn is_for_terminal(self) -> bool {
        matches!(self, Format::Human | Format::Concise)
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
    pub gitlab: GitlabOptions,
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
        Format::Concise => ConciseEmitter.emit(report, rules, out),
        Format::Json => JsonEmitter.emit(report, rules, out),
        Format::Sarif => SarifEmitter::new(options.sarif.clone()).emit(report, rules, out),
        Format::Github => GithubEmitter.emit(report, rules, out),
        Format::Junit => JunitEmitter.emit(report, rules, out),
        Format::Gitlab => GitlabEmitter::new(options.gitlab.clone()).emit(report, rules, out),
        Format::Markdown => MarkdownEmitter.emit(report, rules, out),
        Format::Html => HtmlEmitter.emit(report, rules, out),
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 error`, `2 errors`: a count and a noun, plural when the count is not one.
pub(crate) fn plural(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {plural}")
    }
}
