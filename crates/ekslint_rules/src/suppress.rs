//! Suppressions: `# ekslint: ignore[CODE] reason` (this line, or the next content line when the
//! comment stands alone), `# ekslint: ignore-file[CODE]`, and the object annotation
//! `ekslint.io/ignore: "CODE,CODE"`, which survives Helm, kustomize and `kubectl get -o yaml`.

use std::sync::Arc;

use ekslint_manifest::{ParsedFile, SourceFile, Span};

use crate::finding::Finding;
use crate::rule::RuleInfo;

pub const ANNOTATION: &str = "ekslint.io/ignore";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Findings starting on this 0-based line.
    Line(usize),
    /// Every finding in the file.
    File,
    /// Findings inside this object.
    Object(Span),
}

#[derive(Clone, Debug)]
pub struct Code {
    pub text: String,
    pub span: Span,
    pub rule: Option<&'static RuleInfo>,
    pub used: bool,
}

#[derive(Clone, Debug)]
pub struct Directive {
    pub scope: Scope,
    pub codes: Vec<Code>,
}

/// The directives of one file, and the problems of malformed ones.
#[derive(Debug, Default)]
pub struct FileDirectives {
    pub file: Option<Arc<SourceFile>>,
    pub directives: Vec<Directive>,
    /// Malformed `# ekslint:` comments and unknown codes (SUP002 reports them).
    pub problems: Vec<Problem>,
}

/// A suppression that does nothing because it is malformed or names no rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// A suppression of an enabled rule that matched no finding (SUP001 reports it).
#[derive(Clone, Debug)]
pub struct Unused {
    pub span: Span,
    pub rule: &'static RuleInfo,
}

fn resolve(text: &str) -> Option<&'static RuleInfo> {
    crate::rules::find(text).map(|r| r.info())
}

fn codes_in(list: &str, base: u32) -> Vec<Code> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for part in list.split(',') {
        let lead = part.len() - part.trim_start().len();
        let t = part.trim();
        if !t.is_empty() {
            let start = base + (offset + lead) as u32;
            out.push(Code {
                text: t.to_string(),
                span: Span::new(start, start + t.len() as u32),
                rule: resolve(t),
                used: false,
            });
        }
        offset += part.len() + 1;
    }
    out
}

/// Collect a file's directives, and the problems of malformed ones.
pub fn collect(file: &ParsedFile) -> FileDirectives {
    let mut problems = Vec::new();
    let text = &*file.source.text;
    let idx = &file.source.line_index;
    let mut directives = Vec::new();
    for c in &file.comments {
        let body = c.text.trim_start();
        let Some(rest) = body.strip_prefix("ekslint:") else {
            continue;
        };
        let rest_start =
            c.span.start + 1 + (c.text.len() - body.len()) as u32 + "ekslint:".len() as u32;
        let trimmed = rest.trim_start();
        let rest_start = rest_start + (rest.len() - trimmed.len()) as u32;
        let (file_scope, after) = if let Some(a) = trimmed.strip_prefix("ignore-file[") {
            (true, a)
        } else if let Some(a) = trimmed.strip_prefix("ignore[") {
            (false, a)
        } else {
            problems.push(Problem {
                span: c.span,
                message:
                    "malformed `# ekslint:` comment: expected `ignore[CODE]` or `ignore-file[CODE]`"
                        .into(),
                help:
                    "write `# ekslint: ignore[API001] reason` or `# ekslint: ignore-file[API001]`"
                        .into(),
            });
            continue;
        };
        let Some(close) = after.find(']') else {
            problems.push(Problem {
                span: c.span,
                message: "malformed `# ekslint:` comment: missing `]`".into(),
                help: "write `# ekslint: ignore[API001] reason`".into(),
            });
            continue;
        };
        let list_start = rest_start + (trimmed.len() - after.len()) as u32;
        let codes = codes_in(&after[..close], list_start);
        let scope = if file_scope {
            Scope::File
        } else {
            let line = idx.line_of(c.span.start);
            let line_start = idx.line_start(line) as usize;
            let own_line = text[line_start..c.span.start as usize].trim().is_empty();
            if own_line {
                // The next line with content that is not a comment.
                let mut target = line + 1;
                while target < idx.line_count() {
                    let l = text[idx.line_span(target, text).range()].trim();
                    if !l.is_empty() && !l.starts_with('#') {
                        break;
                    }
                    target += 1;
                }
                Scope::Line(target)
            } else {
                Scope::Line(line)
            }
        };
        directives.push(Directive { scope, codes });
    }
    for obj in &file.objects {
        let tree = &file.tree;
        let Some(v) = obj.annotation(tree, ANNOTATION) else {
            continue;
        };
        let Some(s) = tree.scalar_text(v) else {
            continue;
        };
        let span = tree.span(v);
        let raw = &text[span.range()];
        let codes = match raw.find(s) {
            Some(p) => codes_in(s, span.start + p as u32),
            // Escapes or folding changed the text: point every code at the whole value.
            None => codes_in(s, 0)
                .into_iter()
                .map(|c| Code { span, ..c })
                .collect(),
        };
        directives.push(Directive {
            scope: Scope::Object(obj.span),
            codes,
        });
    }
    for d in &directives {
        for c in &d.codes {
            if c.rule.is_none() {
                let help = match crate::selector::suggest(&c.text) {
                    Some(n) => format!("did you mean `{n}`? `ekslint rules` lists every rule"),
                    None => "use a rule code such as API001 or a name such as api-removed".into(),
                };
                problems.push(Problem {
                    span: c.span,
                    message: format!(
                        "`{}` is not a rule code or name; this suppression does nothing",
                        c.text
                    ),
                    help,
                });
            }
        }
    }
    FileDirectives {
        // Only a file with directives needs its text kept (for unused-suppression findings).
        file: (!directives.is_empty()).then(|| file.source.clone()),
        directives,
        problems,
    }
}

/// Drop suppressed findings (marking what was used) and return the suppressions of enabled
/// rules that matched nothing. `enabled(rule)` says whether a rule ran on that file.
pub fn apply(
    findings: &mut Vec<Finding>,
    dirs: &mut FileDirectives,
    enabled: &dyn Fn(&RuleInfo) -> bool,
) -> Vec<Unused> {
    let Some(file) = dirs.file.clone() else {
        return Vec::new();
    };
    findings.retain(|f| {
        if f.rule.family == crate::rule::Family::Sup {
            return true;
        }
        let line = file.line_index.line_of(f.span.start);
        let mut suppressed = false;
        for d in &mut dirs.directives {
            let in_scope = match d.scope {
                Scope::File => true,
                Scope::Line(l) => l == line,
                Scope::Object(s) => s.contains(f.span),
            };
            if !in_scope {
                continue;
            }
            for c in &mut d.codes {
                if c.rule.is_some_and(|r| r.code == f.rule.code) {
                    c.used = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
    let mut out = Vec::new();
    for d in &dirs.directives {
        for c in &d.codes {
            let Some(r) = c.rule else { continue };
            if c.used || !enabled(r) || r.family == crate::rule::Family::Sup {
                continue;
            }
            out.push(Unused {
                span: c.span,
                rule: r,
            });
        }
    }
    out
}
