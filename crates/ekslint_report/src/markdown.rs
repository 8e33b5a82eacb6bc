//! Markdown: a migration readiness report for a pull request comment or the GitHub Actions job
//! summary (`$GITHUB_STEP_SUMMARY`, where the Action writes it). It leads with the totals and a
//! summary by family and by namespace with counts by severity, then one row per rule (code,
//! name, severity, count, fixable), and ends with a per-file table, folded.
//!
//! Tables use GitHub Flavored Markdown. Text from the manifests (paths, namespaces) is written as
//! code spans with `|` escaped, so it can neither break a table nor add markup. The per-file
//! table stops at [`MARKDOWN_MAX_FILES`] rows, keeping the report far below GitHub's limits (1
//! MiB for a job summary, 65,536 characters for a comment).

use std::io;

use ekslint_rules::{Report, RuleInfo};

use crate::tally::{Counts, Tally, namespace_name};
use crate::{Emitter, grouped, plural};

/// The most files listed in the per-file table.
pub const MARKDOWN_MAX_FILES: usize = 300;

/// The Markdown format.
#[derive(Clone, Copy, Debug, Default)]
pub struct MarkdownEmitter;

impl Emitter for MarkdownEmitter {
    fn emit(
        &self,
        report: &Report,
        _rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        out.write_all(render(report).as_bytes())?;
        Ok(Vec::new())
    }
}

fn render(report: &Report) -> String {
    let tally = Tally::of(report);
    let stats = &report.stats;
    let mut md = String::new();
    if report.target.is_empty() {
        md.push_str("## ekslint: migration readiness\n\n");
    } else {
        md.push_str(&format!(
            "## ekslint: migration readiness for Kubernetes {}\n\n",
            report.target
        ));
    }
    let checked = format!(
        "{} checked ({}, {})",
        plural_grouped(stats.files, "file", "files"),
        plural_grouped(stats.documents, "document", "documents"),
        plural_grouped(stats.objects, "object", "objects"),
    );
    if tally.total.total() == 0 {
        md.push_str(&format!("**No findings** in {checked}.\n"));
    } else {
        md.push_str(&format!(
            "**{}** in {checked}: {}, {}, {}.",
            plural_grouped(tally.total.total(), "finding", "findings"),
            emphasised(tally.total.errors, "error", "errors"),
            plural_grouped(tally.total.warnings, "warning", "warnings"),
            plural_grouped(tally.total.infos, "info", "infos"),
        ));
        let fixable = tally.fixable();
        if fixable > 0 {
            md.push_str(&format!(
                " {} {} a fix.",
                plural_grouped(fixable, "finding", "findings"),
                if fixable == 1 { "carries" } else { "carry" }
            ));
        }
        md.push_str(
            "\n\nErrors break on EKS (the API server rejects the manifest, or the workload does \
             not work there); warnings are risky; infos are migration advice.\n",
        );
    }
    if !report.notifications.is_empty() {
        md.push_str(&format!(
            "\n**{} could not be read** and {} not checked:\n\n",
            plural_grouped(report.notifications.len(), "input", "inputs"),
            if report.notifications.len() == 1 {
                "was"
            } else {
                "were"
            }
        ));
        for n in &report.notifications {
            md.push_str(&format!("- {}: {}\n", code(&n.path), text(&n.message)));
        }
    }
    if tally.total.total() == 0 {
        return md;
    }

    md.push_str("\n### By family\n\n");
    md.push_str(&severity_table_header("family"));
    for f in &tally.families {
        let name = format!("{} {}", code(f.family.prefix()), text(f.family.title()));
        md.push_str(&severity_row(&name, &f.counts));
    }

    md.push_str("\n### By namespace\n\n");
    md.push_str(&severity_table_header("namespace"));
    for n in &tally.namespaces {
        let name = match &n.namespace {
            Some(_) => code(namespace_name(&n.namespace)),
            None => format!("*{}*", text(namespace_name(&n.namespace))),
        };
        md.push_str(&severity_row(&name, &n.counts));
    }
    if tally.namespaces.iter().any(|n| n.namespace.is_none()) {
        md.push_str(&format!(
            "\n*{}*: cluster-scoped objects, manifests whose namespace is chosen when they are \
             applied, and findings outside any object.\n",
            text(crate::tally::NO_NAMESPACE)
        ));
    }

    md.push_str("\n### By rule\n\n");
    md.push_str("| code | name | severity | count | fixable |\n");
    md.push_str("|---|---|---|---:|---:|\n");
    for r in &tally.rules {
        md.push_str(&format!(
            "| [{}]({}) | {} | {} | {} | {} |\n",
            code(r.rule.code),
            r.rule.url(),
            text(r.rule.name),
            r.severity.as_str(),
            grouped(r.count),
            grouped(r.fixable),
        ));
    }

    md.push_str("\n### By file\n\n");
    md.push_str(&format!(
        "<details><summary>{} with findings</summary>\n\n",
        plural_grouped(tally.files.len(), "file", "files")
    ));
    md.push_str("| file | errors | warnings | infos | rules |\n");
    md.push_str("|---|---:|---:|---:|---|\n");
    for f in tally.files.iter().take(MARKDOWN_MAX_FILES) {
        let rules: Vec<String> = f
            .codes
            .iter()
            .map(|(c, n)| {
                if *n == 1 {
                    (*c).to_string()
                } else {
                    format!("{c} ×{n}")
                }
            })
            .collect();
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            code(f.path),
            grouped(f.counts.errors),
            grouped(f.counts.warnings),
            grouped(f.counts.infos),
            rules.join(", ")
        ));
    }
    if tally.files.len() > MARKDOWN_MAX_FILES {
        md.push_str(&format!(
            "\n… and {} more; `--format html` or `--format json` lists every file.\n",
            plural_grouped(tally.files.len() - MARKDOWN_MAX_FILES, "file", "files")
        ));
    }
    md.push_str("\n</details>\n");
    md
}

fn severity_table_header(what: &str) -> String {
    format!("| {what} | errors | warnings | infos | total |\n|---|---:|---:|---:|---:|\n")
}

fn severity_row(name: &str, c: &Counts) -> String {
    format!(
        "| {name} | {} | {} | {} | {} |\n",
        grouped(c.errors),
        grouped(c.warnings),
        grouped(c.infos),
        grouped(c.total())
    )
}

fn plural_grouped(count: usize, singular: &str, plural_form: &str) -> String {
    plural(count, singular, plural_form).replacen(&count.to_string(), &grouped(count), 1)
}

/// Bold when not zero.
fn emphasised(count: usize, singular: &str, plural_form: &str) -> String {
    let s = plural_grouped(count, singular, plural_form);
    if count > 0 { format!("**{s}**") } else { s }
}

/// `s` as a code span that fits in a table cell: a backtick fence longer than any run inside,
/// `|` escaped, line breaks as spaces.
pub(crate) fn code(s: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let inner = s.replace(['\n', '\r'], " ").replace('|', "\\|");
    let pad = if inner.starts_with('`') || inner.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{inner}{pad}{fence}")
}

/// Plain text for a table cell: Markdown and HTML punctuation backslash-escaped.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("a/b.yaml"), "`a/b.yaml`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(text("a_b *c* <d>"), "a\\_b \\*c\\* \\<d\\>");
    }
}
