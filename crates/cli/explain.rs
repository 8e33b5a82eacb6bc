//! `ekslint rules` and `ekslint rule CODE`.

use std::io::Write;
use std::process::ExitCode;

use crate::args::{RuleArgs, RulesArgs};

pub fn rules(args: RulesArgs) -> ExitCode {
    let rules: Vec<_> = ekslint_rules::RULES.iter().map(|r| r.info()).collect();
    if args.json {
        let v: Vec<_> = rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code, "name": r.name, "family": r.family.prefix(),
                    "severity": r.severity.as_str(), "fix": r.fix_label(), "summary": r.summary, "url": r.url(),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&v).expect("serialisable");
        return print(&format!("{text}\n"));
    }
    let header = ["CODE", "NAME", "SEVERITY", "FIXABLE", "SUMMARY"];
    let fixes: Vec<String> = rules.iter().map(|r| r.fix_label()).collect();
    let rows: Vec<[&str; 5]> = rules
        .iter()
        .zip(&fixes)
        .map(|(r, fix)| [r.code, r.name, r.severity.as_str(), fix.as_str(), r.summary])
        .collect();
    print(&table(header, &rows))
}

/// Rows in columns as wide as their widest cell, two spaces apart; the last column is not
/// padded.
pub fn table<const N: usize>(header: [&str; N], rows: &[[&str; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < N {
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn rule(args: RuleArgs) -> ExitCode {
    match ekslint_rules::rules::find(&args.rule) {
        Some(r) => print(&ekslint_rules::docs::markdown(r.info())),
        None => {
            let mut msg = format!("error: no rule `{}`", args.rule);
            if let Some(n) = ekslint_rules::selector::suggest(&args.rule) {
                msg.push_str(&format!("; did you mean `{n}`?"));
            }
            eprintln!("{msg}\n  `ekslint rules` lists every rule");
            ExitCode::from(2)
        }
    }
}

/// Writes `text` to standard output. A reader that went away (`ekslint rules | head`) is not
/// an error: the program ends quietly, as it does when the text was read to the end.
fn print(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(2)
        }
    }
}
