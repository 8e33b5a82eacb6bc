//! GitHub Actions workflow commands: one annotation line per finding.
//!
//! ```text
//! ::error file=k8s/ingress.yaml,line=1,col=13,endLine=1,endColumn=31,title=API001 (api-removed)::message%0Ahelp
//! ```
//!
//! Errors are `::error`, warnings `::warning`, infos `::notice`. Columns are 1-based code points;
//! `endColumn` is the column after the last character. Files that could not be read become
//! `::error file=…::message`. The help, if any, follows the message after an escaped newline.
//!
//! GitHub shows at most [`GITHUB_ANNOTATIONS_PER_TYPE`] annotations of each type per step and
//! drops the others silently; every annotation is still written (the log keeps them), with a
//! warning on stderr that points to the Markdown report.

use std::io;

use ekslint_rules::{Report, RuleInfo, Severity};

use crate::Emitter;
use crate::json::Position;

/// How many annotations of one type (error, warning, notice) GitHub shows for one step.
pub const GITHUB_ANNOTATIONS_PER_TYPE: usize = 10;

/// The GitHub workflow-command format.
#[derive(Clone, Copy, Debug, Default)]
pub struct GithubEmitter;

impl Emitter for GithubEmitter {
    fn emit(
        &self,
        report: &Report,
        _rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        for finding in &report.findings {
            let file = &*finding.file;
            let start = Position::of(file, finding.span.start);
            let end = Position::of(file, finding.span.end.max(finding.span.start));
            let command = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = finding.message.clone();
            if let Some(help) = &finding.help {
                message.push('\n');
                message.push_str(help);
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&file.path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("{} ({})", finding.rule.code, finding.rule.name)),
                escape_data(&message),
            )?;
        }
        for notification in &report.notifications {
            writeln!(
                out,
                "::error file={}::{}",
                escape_property(&notification.path),
                escape_data(&notification.message)
            )?;
        }
        let errors = report.count(Severity::Error) + report.notifications.len();
        let hidden: usize = [
            errors,
            report.count(Severity::Warning),
            report.count(Severity::Info),
        ]
        .iter()
        .map(|n| n.saturating_sub(GITHUB_ANNOTATIONS_PER_TYPE))
        .sum();
        let mut warnings = Vec::new();
        if hidden > 0 {
            warnings.push(format!(
                "GitHub shows at most {GITHUB_ANNOTATIONS_PER_TYPE} annotations of each type per step: \
                 {hidden} of {} will not be shown; `--format markdown >> \"$GITHUB_STEP_SUMMARY\"` \
                 lists every finding's rule and file",
                report.findings.len() + report.notifications.len()
            ));
        }
        Ok(warnings)
    }
}

/// Escapes a command's message: `%`, `\r` and `\n`.
pub fn escape_data(text: &str) -> String {
    escape(text, false)
}

/// Escapes a command property's value: as [`escape_data`], plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
    }
}
