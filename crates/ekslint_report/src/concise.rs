//! Concise output: one line per finding, as ruff's `concise`, kube-linter's and every
//! compiler's, for `grep`, editors' error lists and quick reading. Then the files that could not
//! be read, and the summary line.
//!
//! ```text
//! k8s/ingress.yaml:1:13: API001 `extensions/v1beta1` Ingress was removed in Kubernetes 1.22; the target is 1.36
//! k8s/missing.yaml: error: No such file or directory (os error 2)
//! ```
//!
//! Lines and columns are 1-based; columns count Unicode code points. A message's line breaks
//! become spaces, so every finding is exactly one line.

use std::io;

use ekslint_rules::{Report, RuleInfo};

use crate::Emitter;
use crate::human::summary_line;

/// The concise format.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConciseEmitter;

impl Emitter for ConciseEmitter {
    fn emit(
        &self,
        report: &Report,
        _rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        for finding in &report.findings {
            let at = finding.file.line_col(finding.span.start);
            writeln!(
                out,
                "{}:{}:{}: {} {}",
                one_line(&finding.file.path),
                at.line,
                at.column,
                finding.rule.code,
                one_line(&finding.message)
            )?;
        }
        for n in &report.notifications {
            writeln!(
                out,
                "{}: error: {}",
                one_line(&n.path),
                one_line(&n.message)
            )?;
        }
        writeln!(out, "{}", summary_line(report))?;
        Ok(Vec::new())
    }
}

/// `text` with line breaks (and the whitespace around them) as single spaces.
pub(crate) fn one_line(text: &str) -> String {
    if !text.contains(['\n', '\r']) {
        return text.to_string();
    }
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
