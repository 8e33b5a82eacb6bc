//! JUnit XML, for the test views of Jenkins, GitLab and Azure DevOps: one `<testsuite>` per
//! file with findings, one `<testcase>` with a `<failure>` per finding. Inputs that could not be
//! read are `<error>`s in a last suite, `ekslint`; a run without findings or errors is one
//! passing test case there, so the view shows that ekslint ran.
//!
//! ```text
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="ekslint" tests="1" failures="1" errors="0">
//!   <testsuite name="k8s/ingress.yaml" tests="1" failures="1" errors="0">
//!     <testcase name="API001 (api-removed) at 1:13" classname="k8s/ingress.yaml" file="k8s/ingress.yaml" line="1">
//!       <failure type="error" message="`extensions/v1beta1` Ingress was removed …">…</failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! A failure's `type` is the finding's severity; its text is the place, message, help and the
//! rule's documentation URL. Characters XML 1.0 cannot hold (most control characters) become
//! U+FFFD.

use std::io;

use ekslint_rules::{Report, RuleInfo};

use crate::Emitter;
use crate::human::summary_line;

/// The JUnit XML format.
#[derive(Clone, Copy, Debug, Default)]
pub struct JunitEmitter;

impl Emitter for JunitEmitter {
    fn emit(
        &self,
        report: &Report,
        _rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        let failures = report.findings.len();
        let errors = report.notifications.len();
        let last_suite_tests = errors.max(usize::from(failures == 0));
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="ekslint" tests="{}" failures="{failures}" errors="{errors}">"#,
            failures + last_suite_tests
        )?;
        // Findings are sorted by path: each run of one path is a suite.
        let mut rest = &report.findings[..];
        while let Some(first) = rest.first() {
            let path = first.file.path.as_str();
            let n = rest.iter().take_while(|f| f.file.path == path).count();
            let (suite, next) = rest.split_at(n);
            rest = next;
            writeln!(
                out,
                r#"  <testsuite name="{p}" tests="{n}" failures="{n}" errors="0">"#,
                p = xml(path)
            )?;
            for f in suite {
                let at = f.file.line_col(f.span.start);
                let mut text = format!(
                    "{path}:{}:{}: {}[{}] {}",
                    at.line,
                    at.column,
                    f.severity.as_str(),
                    f.rule.code,
                    f.message
                );
                if let Some(help) = &f.help {
                    text.push_str("\nhelp: ");
                    text.push_str(help);
                }
                text.push('\n');
                text.push_str(&f.rule.url());
                writeln!(
                    out,
                    r#"    <testcase name="{code} ({name}) at {line}:{col}" classname="{p}" file="{p}" line="{line}">"#,
                    code = f.rule.code,
                    name = f.rule.name,
                    line = at.line,
                    col = at.column,
                    p = xml(path)
                )?;
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    f.severity.as_str(),
                    xml(&f.message),
                    xml(&text)
                )?;
                writeln!(out, "    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        if last_suite_tests > 0 {
            writeln!(
                out,
                r#"  <testsuite name="ekslint" tests="{last_suite_tests}" failures="0" errors="{errors}">"#
            )?;
            for n in &report.notifications {
                writeln!(
                    out,
                    r#"    <testcase name="{p}" classname="ekslint" file="{p}">"#,
                    p = xml(&n.path)
                )?;
                writeln!(
                    out,
                    r#"      <error type="unreadable" message="{m}">{p}: {m}</error>"#,
                    p = xml(&n.path),
                    m = xml(&n.message)
                )?;
                writeln!(out, "    </testcase>")?;
            }
            if failures == 0 && errors == 0 {
                writeln!(
                    out,
                    r#"    <testcase name="no findings" classname="ekslint">"#
                )?;
                writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    xml(&summary_line(report))
                )?;
                writeln!(out, "    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")?;
        Ok(Vec::new())
    }
}

/// Text for XML content and attribute values: markup characters escaped, line breaks kept as
/// character references (attribute values would fold them to spaces), characters XML 1.0 cannot
/// hold replaced by U+FFFD.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_characters_xml_cannot_hold() {
        assert_eq!(
            xml("a<b>&\"c\" 'd'\n\u{1}\u{FFFF}é"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#10;\u{FFFD}\u{FFFD}é"
        );
    }
}
