//! `--statistics`: how many findings each rule has, most first, with its name, severity and
//! how many of its findings carry a fix (ruff's `--statistics`). Where to start is read from
//! this table.
//!
//! ```text
//! COUNT  CODE     NAME                 SEVERITY  FIXABLE
//!   117  IRSA016  service-account-...  warning         0
//!    41  API001   api-removed          error          12
//! ```
//!
//! As JSON (`--format json --statistics`): an array of
//! `{"code", "name", "family", "severity", "count", "fixable", "url"}` in the same order.

use std::io;

use ekslint_rules::{Report, RuleInfo};
use serde::Serialize;

use crate::Emitter;
use crate::tally::Tally;

/// The statistics table, as text or as JSON.
#[derive(Clone, Copy, Debug, Default)]
pub struct StatisticsEmitter {
    pub json: bool,
}

#[derive(Serialize)]
struct Row {
    code: &'static str,
    name: &'static str,
    family: &'static str,
    severity: &'static str,
    count: usize,
    fixable: usize,
    url: String,
}

impl Emitter for StatisticsEmitter {
    fn emit(
        &self,
        report: &Report,
        _rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        let tally = Tally::of(report);
        if self.json {
            let rows: Vec<Row> = tally
                .rules
                .iter()
                .map(|r| Row {
                    code: r.rule.code,
                    name: r.rule.name,
                    family: r.rule.family.prefix(),
                    severity: r.severity.as_str(),
                    count: r.count,
                    fixable: r.fixable,
                    url: r.rule.url(),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            out.write_all(b"\n")?;
            return Ok(Vec::new());
        }
        let mut rows = vec![[
            "COUNT".to_string(),
            "CODE".to_string(),
            "NAME".to_string(),
            "SEVERITY".to_string(),
            "FIXABLE".to_string(),
        ]];
        rows.extend(tally.rules.iter().map(|r| {
            [
                r.count.to_string(),
                r.rule.code.to_string(),
                r.rule.name.to_string(),
                r.severity.as_str().to_string(),
                r.fixable.to_string(),
            ]
        }));
        out.write_all(columns(&rows, &[true, false, false, false, true], "").as_bytes())?;
        Ok(Vec::new())
    }
}

/// Rows in columns as wide as their widest cell, two spaces apart, each line prefixed with
/// `indent`; `right[i]` aligns column `i` to the right. Trailing spaces are trimmed.
pub(crate) fn columns<const N: usize>(
    rows: &[[String; N]],
    right: &[bool; N],
    indent: &str,
) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in rows {
        let mut line = String::from(indent);
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths[i] - cell.chars().count();
            if right[i] {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}
