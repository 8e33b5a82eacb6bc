//! Human output: each finding leads with its place, severity, code and message (the line a
//! terminal or an editor can jump to), then the source snippet with labels on the exact keys and
//! values (miette), the help, and related places in other files. A help text already shown for
//! the same rule in the same file is referred back to instead of repeated. After the findings:
//! the files that could not be read, a table of the rules that fired when there are several, and
//! a one-line summary.
//!
//! ```text
//! k8s/ingress.yaml:1:13: error[API001] `extensions/v1beta1` Ingress was removed in Kubernetes
//!   1.22; the target is 1.36
//!    ╭─[1:13]
//!  1 │ apiVersion: extensions/v1beta1
//!    ·             ─────────┬────────
//!    ·                      ╰── no longer served
//!  2 │ kind: Ingress
//!    ╰────
//!   help: use `networking.k8s.io/v1`
//! ```

use std::fmt;
use std::io;
use std::sync::Arc;

use ekslint_manifest::{SourceFile, Span};
use ekslint_rules::{Finding, Report, RuleInfo, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::tally::Tally;
use crate::{Emitter, plural};

/// Options of the human format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HumanOptions {
    /// ANSI colours (the CLI decides from `--color`, `NO_COLOR` and whether stdout is a terminal).
    pub color: bool,
    /// Wrapping width in columns (the terminal width, or 80).
    pub width: usize,
    /// OSC 8 hyperlinks from the rule code to its documentation.
    pub links: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 80,
            links: false,
        }
    }
}

/// The most rules listed in the table after the findings; `--statistics` lists every one.
const RULES_LISTED: usize = 10;

/// The human format.
#[derive(Clone, Debug, Default)]
pub struct HumanEmitter {
    options: HumanOptions,
}

impl HumanEmitter {
    pub fn new(options: HumanOptions) -> Self {
        HumanEmitter { options }
    }

    fn handler(&self) -> GraphicalReportHandler {
        let theme = if self.options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        GraphicalReportHandler::new_themed(theme)
            .with_width(self.options.width.max(20))
            .with_links(false)
    }

    /// One finding rendered as text, ending with a newline.
    pub fn render_finding(&self, finding: &Finding) -> String {
        self.render_with(&self.handler(), finding, None)
    }

    /// `help_seen`: where the same help was shown for this rule in this file (its line), so
    /// it is referred to instead of repeated.
    fn render_with(
        &self,
        handler: &GraphicalReportHandler,
        finding: &Finding,
        help_seen: Option<u32>,
    ) -> String {
        let mut text = self.header(finding);
        let mut diagnostic = FindingDiagnostic::new(finding);
        if let Some(line) = help_seen {
            diagnostic.help = Some(format!(
                "as for the {} finding on line {line} above",
                finding.rule.code
            ));
        }
        let mut body = String::new();
        if handler.render_report(&mut body, &diagnostic).is_err() {
            // miette could not read a span (cannot happen with clamped spans); the header
            // already has the place and the message, so only the help is lost.
            body.clear();
            if let Some(help) = &diagnostic.help {
                body = format!("  help: {help}\n");
            }
        }
        // The message is in the header: miette's own copy of it (the lines before the first
        // snippet, `  × …`) is left out, and so are trailing spaces (after `Advice:`).
        let mut started = false;
        for line in body.lines() {
            started = started || line.trim_start().starts_with('╭');
            if started {
                text.push_str(line.trim_end());
                text.push('\n');
            }
        }
        text
    }

    /// `path:line:col: severity[CODE] message`, wrapped at the width with an indent of two.
    fn header(&self, finding: &Finding) -> String {
        let at = finding.file.line_col(finding.span.start);
        let severity = finding.severity.as_str();
        let code = finding.rule.code;
        let lead = format!(
            "{}:{}:{}: {severity}[{code}]",
            finding.file.path, at.line, at.column
        );
        let mut lines = wrap(&lead, &finding.message, self.options.width.max(20));
        if self.options.color || self.options.links {
            let location = format!("{}:{}:{}:", finding.file.path, at.line, at.column);
            let style = match finding.severity {
                Severity::Error => "\x1b[1;31m",
                Severity::Warning => "\x1b[1;33m",
                Severity::Info => "\x1b[1;36m",
            };
            let mut code_text = format!("[{code}]");
            if self.options.links {
                code_text = format!(
                    "\x1b]8;;{}\x1b\\{code_text}\x1b]8;;\x1b\\",
                    finding.rule.url()
                );
            }
            let styled = if self.options.color {
                format!(
                    "\x1b[1m{location}\x1b[0m {style}{severity}\x1b[0m\x1b[1m{code_text}\x1b[0m"
                )
            } else {
                format!("{location} {severity}{code_text}")
            };
            lines[0] = lines[0].replacen(&lead, &styled, 1);
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}

/// `lead` then the words of `text`, greedily filled to `width` columns; continuation lines are
/// indented by two. `lead` is never broken (a long path stays whole), and neither are words.
fn wrap(lead: &str, text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![lead.to_string()];
    let mut used = lead.chars().count();
    for (i, paragraph) in text.split('\n').enumerate() {
        if i > 0 {
            lines.push("  ".to_string());
            used = 2;
        }
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let len = word.chars().count();
            let last = lines.last_mut().expect("one line at least");
            let fresh = last.trim().is_empty();
            if !fresh && used + 1 + len > width {
                lines.push(format!("  {word}"));
                used = 2 + len;
            } else {
                if !fresh {
                    last.push(' ');
                    used += 1;
                }
                last.push_str(word);
                used += len;
            }
        }
    }
    lines
}

impl Emitter for HumanEmitter {
    fn emit(
        &self,
        report: &Report,
        _rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        let handler = self.handler();
        // (code, help) → the line where it was shown, for the current file.
        let mut helps: Vec<(&str, &str, u32)> = Vec::new();
        let mut file: Option<&str> = None;
        for finding in &report.findings {
            if file != Some(finding.file.path.as_str()) {
                file = Some(finding.file.path.as_str());
                helps.clear();
            }
            let line = finding.file.line_col(finding.span.start).line;
            let seen = finding.help.as_deref().and_then(|help| {
                let code = finding.rule.code;
                // Short help is cheaper to repeat than to refer to.
                if help.lines().count() < 3 && help.len() < 160 {
                    return None;
                }
                match helps.iter().find(|(c, h, _)| *c == code && *h == help) {
                    Some((_, _, at)) => Some(*at),
                    None => {
                        helps.push((code, help, line));
                        None
                    }
                }
            });
            out.write_all(self.render_with(&handler, finding, seen).as_bytes())?;
            out.write_all(b"\n")?;
        }
        for notification in &report.notifications {
            writeln!(
                out,
                "error: {}: {}",
                notification.path, notification.message
            )?;
        }
        if !report.notifications.is_empty() {
            writeln!(out)?;
        }
        let tally = Tally::of(report);
        if tally.rules.len() > 1 {
            out.write_all(rules_table(&tally).as_bytes())?;
            writeln!(out)?;
        }
        if !tally.registries.is_empty() {
            out.write_all(registries_table(&tally).as_bytes())?;
            writeln!(out)?;
        }
        writeln!(out, "{}", summary_line(report))?;
        Ok(Vec::new())
    }
}

/// The rules that fired, most findings first (at most [`RULES_LISTED`]).
fn rules_table(tally: &Tally) -> String {
    let rows: Vec<[String; 5]> = tally
        .rules
        .iter()
        .take(RULES_LISTED)
        .map(|r| {
            [
                r.count.to_string(),
                r.rule.code.to_string(),
                r.severity.as_str().to_string(),
                r.rule.name.to_string(),
                if r.fixable > 0 {
                    format!("({} with a fix)", r.fixable)
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    let mut text = String::from("Findings by rule:\n");
    text.push_str(&crate::statistics::columns(
        &rows,
        &[true, false, false, false, false],
        "  ",
    ));
    if tally.rules.len() > RULES_LISTED {
        text.push_str(&format!(
            "  … and {} more {} (`--statistics` lists every rule)\n",
            tally.rules.len() - RULES_LISTED,
            if tally.rules.len() - RULES_LISTED == 1 {
                "rule"
            } else {
                "rules"
            }
        ));
    }
    text.push_str("`ekslint rule CODE` explains a rule.\n");
    text
}

/// How many registries the human summary lists.
const REGISTRIES_LISTED: usize = 8;

/// Image references with a finding, by registry (PORT019 to PORT023 give one per reference).
fn registries_table(tally: &Tally) -> String {
    let rows: Vec<[String; 2]> = tally
        .registries
        .iter()
        .take(REGISTRIES_LISTED)
        .map(|(registry, n)| [n.to_string(), registry.to_string()])
        .collect();
    let mut text = String::from("Image references with a finding, by registry:\n");
    text.push_str(&crate::statistics::columns(&rows, &[true, false], "  "));
    let more = tally.registries.len().saturating_sub(REGISTRIES_LISTED);
    if more > 0 {
        let refs: usize = tally.registries[REGISTRIES_LISTED..]
            .iter()
            .map(|(_, n)| n)
            .sum();
        text.push_str(&format!(
            "  … and {} in {more} more {}\n",
            plural(refs, "reference", "references"),
            if more == 1 { "registry" } else { "registries" }
        ));
    }
    text.push_str(
        "`registries.allowed` in .ekslint.yaml accepts a registry your nodes can pull from.\n",
    );
    text
}

/// The summary printed after the findings, for example
/// `Checked 12 files: 30 documents, 28 objects (2 non-Kubernetes documents skipped, 1 Helm template
/// skipped, 1 unreadable file). Target: Kubernetes 1.36. Found 3 errors, 1 warning, 0 infos.`
///
/// The parenthesis lists only the counts that are not zero and is left out when all are zero;
/// `Target: …` is left out when the report has no target; `No problems found.` replaces the counts
/// when there are no findings and every input was read.
pub fn summary_line(report: &Report) -> String {
    let stats = &report.stats;
    let mut line = format!(
        "Checked {}: {}, {}",
        plural(stats.files, "file", "files"),
        plural(stats.documents, "document", "documents"),
        plural(stats.objects, "object", "objects"),
    );
    let mut skipped = Vec::new();
    if stats.non_kubernetes_documents > 0 {
        skipped.push(plural(
            stats.non_kubernetes_documents,
            "non-Kubernetes document skipped",
            "non-Kubernetes documents skipped",
        ));
    }
    if stats.helm_templates > 0 {
        skipped.push(plural(
            stats.helm_templates,
            "unrendered template skipped",
            "unrendered templates skipped",
        ));
    }
    if stats.unreadable_files > 0 {
        skipped.push(plural(
            stats.unreadable_files,
            "unreadable file",
            "unreadable files",
        ));
    }
    if stats.context_files > 0 {
        skipped.push(plural(
            stats.context_files,
            "context file read",
            "context files read",
        ));
    }
    if stats.hidden_files > 0 {
        skipped.push(plural(
            stats.hidden_files,
            "file in a hidden directory left out, name the directory to lint it",
            "files in hidden directories left out, name the directory to lint them",
        ));
    }
    if !skipped.is_empty() {
        line.push_str(" (");
        line.push_str(&skipped.join(", "));
        line.push(')');
    }
    line.push('.');
    if !report.target.is_empty() {
        line.push_str(" Target: Kubernetes ");
        line.push_str(&report.target);
        line.push('.');
    }
    if report.findings.is_empty() && report.notifications.is_empty() {
        line.push_str(" No problems found.");
    } else if report.findings.is_empty() {
        // Not "no problems": what could not be read was not checked.
        line.push_str(&format!(
            " No findings in what was read, but {} could not be read.",
            plural(report.notifications.len(), "input", "inputs")
        ));
    } else {
        line.push_str(&format!(
            " Found {}, {}, {}.",
            plural(report.count(Severity::Error), "error", "errors"),
            plural(report.count(Severity::Warning), "warning", "warnings"),
            plural(report.count(Severity::Info), "info", "infos"),
        ));
    }
    line
}

/// A [`SourceFile`] as miette source code: shares the file's text (nothing is copied per
/// diagnostic), names snippets with [`SourceFile::path`], reports code-point columns like the other
/// formats, and reads only the lines around a span (miette's `str` implementation scans from the
/// start of the file for every label).
#[derive(Clone)]
pub struct FileSource(pub Arc<SourceFile>);

impl fmt::Debug for FileSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FileSource").field(&self.0.path).finish()
    }
}

impl SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = &*self.0;
        let text: &str = &file.text;
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // A window of whole lines around the span, one line wider than asked on each side, read
        // with miette's own `str` implementation, then moved back to file coordinates.
        let index = &file.line_index;
        let first_line = index.line_of(start as u32);
        let last_line = index.line_of(end.saturating_sub(1).max(start) as u32);
        let window_first = first_line.saturating_sub(context_lines_before + 1);
        let window_last = last_line + context_lines_after + 1;
        let window_start = index.line_start(window_first) as usize;
        let window_end = if window_last + 1 < index.line_count() {
            index.line_start(window_last + 1) as usize
        } else {
            text.len()
        };
        let window = &text[window_start..window_end];
        let local = SourceSpan::from((start - window_start, span.len()));
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let data = inner.data();
        let data_start = inner.span().offset() + window_start;
        let line = index.line_of(data_start as u32);
        let column = if inner.column() == 0 {
            0
        } else {
            file.line_col(data_start as u32).column as usize - 1
        };
        let data_end = data_start + data.len();
        let covered = if data.is_empty() {
            1
        } else {
            index.line_of(data_end.saturating_sub(1) as u32) - line + 1
        };
        Ok(Box::new(MietteSpanContents::new_named(
            file.path.clone(),
            data,
            SourceSpan::from((data_start, data.len())),
            line,
            column,
            covered,
        )))
    }
}

/// A [`FileSource`] whose snippets are not named: the finding's own file, already named by the
/// header line, so its snippets start `╭─[line:col]`.
#[derive(Clone, Debug)]
struct Unnamed(FileSource);

impl SourceCode for Unnamed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .0
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// The source of a diagnostic's snippets.
#[derive(Debug)]
enum Source {
    Named(FileSource),
    Unnamed(Unnamed),
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        match self {
            Source::Named(s) => s.read_span(span, context_lines_before, context_lines_after),
            Source::Unnamed(s) => s.read_span(span, context_lines_before, context_lines_after),
        }
    }
}

/// A finding as a miette diagnostic: the snippets, help and related places of the human
/// format (its header line is written apart); labels in other files become related
/// diagnostics.
#[derive(Debug)]
struct FindingDiagnostic {
    message: String,
    code: Option<&'static str>,
    severity: miette::Severity,
    url: Option<String>,
    help: Option<String>,
    source: Source,
    labels: Vec<LabeledSpan>,
    related: Vec<FindingDiagnostic>,
}

impl FindingDiagnostic {
    fn new(finding: &Finding) -> Self {
        let file = &finding.file;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            finding.label.clone().filter(|l| !l.is_empty()),
            source_span(file, finding.span),
        )];
        let mut related = Vec::new();
        for label in &finding.labels {
            match &label.file {
                Some(other) if !Arc::ptr_eq(other, file) && other.path != file.path => {
                    related.push(FindingDiagnostic {
                        message: label.message.clone(),
                        code: None,
                        severity: miette::Severity::Advice,
                        url: None,
                        help: None,
                        source: Source::Named(FileSource(other.clone())),
                        labels: vec![LabeledSpan::new_primary_with_span(
                            None,
                            source_span(other, label.span),
                        )],
                        related: Vec::new(),
                    });
                }
                _ => labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()).filter(|m| !m.is_empty()),
                    source_span(file, label.span),
                )),
            }
        }
        FindingDiagnostic {
            // The header line has the message, code and place; miette's message line is left
            // out of the output.
            message: String::new(),
            code: None,
            severity: match finding.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            url: None,
            help: finding.help.clone(),
            source: Source::Unnamed(Unnamed(FileSource(file.clone()))),
            labels,
            related,
        }
    }
}

/// A span as miette's, clamped into the text and onto character boundaries.
fn source_span(file: &SourceFile, span: Span) -> SourceSpan {
    let text: &str = &file.text;
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(span.start as usize);
    let end = floor(span.end as usize).max(start);
    SourceSpan::from((start, end - start))
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `FileSource` reads only a window of lines, but must agree with miette's own `str`
    /// implementation on everything the renderer uses (columns are code points, not bytes).
    #[test]
    fn file_source_agrees_with_miette_str() {
        let texts = [
            "",
            "a",
            "a: 1\nb: 2\n",
            "a: 1\r\nb: \"é€\" x\r\n\r\nc: 3",
            "x\ry\rz\n\n\nlast line without newline",
            "k: v\n  - ☕ item\n  - other\n\n",
        ];
        for text in texts {
            let file = Arc::new(SourceFile::new("f.yaml", text));
            let source = FileSource(file.clone());
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for &start in &boundaries {
                for &end in boundaries.iter().filter(|&&e| e >= start) {
                    let span = SourceSpan::from((start, end - start));
                    for (before, after) in [(0, 0), (1, 1), (2, 2), (0, 2), (3, 0)] {
                        let ours = source.read_span(&span, before, after).unwrap();
                        let theirs = text.read_span(&span, before, after).unwrap();
                        let what = format!("{text:?} {start}..{end} ±{before}/{after}");
                        assert_eq!(ours.data(), theirs.data(), "{what}");
                        assert_eq!(ours.span(), theirs.span(), "{what}");
                        assert_eq!(ours.line(), theirs.line(), "{what}");
                        let offset = theirs.span().offset();
                        let line_start = offset - theirs.column();
                        // (Inside a CRLF, miette does not count the `\r`; a degenerate case.)
                        if !text[..offset].ends_with('\r') {
                            assert_eq!(
                                ours.column(),
                                text[line_start..offset].chars().count(),
                                "{what}"
                            );
                        }
                        assert_eq!(ours.name(), Some("f.yaml"));
                    }
                }
            }
        }
    }
}
