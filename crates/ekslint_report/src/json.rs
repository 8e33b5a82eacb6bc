//! JSON output: a stable, documented schema (`schema_version` 1).
//!
//! The document is pretty-printed and ends with a newline. Fields are never removed or renamed
//! within a schema version; new fields may be added, so consumers should ignore fields they do not
//! know. Findings keep the report's order (path, then position, then code); notifications keep the
//! order in which files were read.
//!
//! ```text
//! {
//!   "schema_version": 1,                 // integer; bumped on any incompatible change
//!   "tool": {
//!     "name": "ekslint",
//!     "version": "0.1.0"                 // the ekslint version that wrote the file
//!   },
//!   "target_version": "1.36",            // the Kubernetes version checked against, or null
//!   "summary": {                         // all non-negative integers
//!     "files": 12,                       // files read (unreadable ones included)
//!     "documents": 30,                   // YAML documents and top-level JSON values
//!     "objects": 28,                     // Kubernetes objects (List items included)
//!     "non_kubernetes_documents": 2,     // documents without apiVersion and kind, skipped
//!     "helm_templates": 1,               // unrendered Helm templates, skipped
//!     "unreadable_files": 1,             // files that could not be read (see notifications)
//!     "hidden_files": 0,                 // manifests in hidden directories a walk left out
//!     "errors": 3,                       // findings by severity
//!     "warnings": 1,
//!     "infos": 0
//!   },
//!   "findings": [
//!     {
//!       "code": "API001",                // the rule's code
//!       "name": "api-removed",           // the rule's kebab-case name
//!       "severity": "error",             // "error" | "warning" | "info" (after configuration)
//!       "message": "…",                  // one or more sentences
//!       "path": "k8s/ingress.yaml",      // as given on the command line (relative or absolute)
//!       "namespace": "shop",             // metadata.namespace of the object it is in, or null
//!       "start": Position,               // where the offending key or value starts
//!       "end": Position,                 // where it ends (exclusive); equal to start when empty
//!       "label": "no longer served",     // text under the span, or null
//!       "help": "…",                     // what to write instead, or null
//!       "url": "https://…/API001.md",    // the rule's documentation
//!       "labels": [                      // secondary locations, possibly in other files
//!         { "path": "…", "start": Position, "end": Position, "message": "…" }
//!       ],
//!       "fix": null | {
//!         "title": "…",
//!         "applicability": "safe" | "unsafe",
//!         "edits": [                     // in the finding's file; non-overlapping
//!           { "start": Position, "end": Position, "replacement": "…" }
//!         ]
//!       }
//!     }
//!   ],
//!   "notifications": [                   // files that could not be read at all
//!     { "path": "…", "message": "…" }
//!   ]
//! }
//!
//! Position = {
//!   "line": 1,                           // 1-based
//!   "column": 1,                         // 1-based, in Unicode code points
//!   "offset": 0                          // 0-based byte offset into the UTF-8 file
//! }
//! ```

use std::io;

use ekslint_manifest::SourceFile;
use ekslint_rules::{Applicability, Finding, Report, RuleInfo, Severity};
use serde::Serialize;

use crate::{Emitter, TOOL_NAME, TOOL_VERSION};

/// The `schema_version` of the JSON output.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The JSON format.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonEmitter;

impl Emitter for JsonEmitter {
    fn emit(
        &self,
        report: &Report,
        _rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        let document = JsonReport::new(report);
        serde_json::to_writer_pretty(&mut *out, &document)?;
        out.write_all(b"\n")?;
        Ok(Vec::new())
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    target_version: Option<&'a str>,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    notifications: Vec<JsonNotification<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    documents: usize,
    objects: usize,
    non_kubernetes_documents: usize,
    helm_templates: usize,
    unreadable_files: usize,
    hidden_files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// A 1-based line, 1-based code-point column and 0-based byte offset.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

impl Position {
    pub(crate) fn of(file: &SourceFile, offset: u32) -> Position {
        let offset = offset.min(file.text.len() as u32);
        let at = file.line_col(offset);
        Position {
            line: at.line,
            column: at.column,
            offset,
        }
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    path: &'a str,
    namespace: Option<&'a str>,
    start: Position,
    end: Position,
    label: Option<&'a str>,
    help: Option<&'a str>,
    url: String,
    labels: Vec<JsonLabel<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    path: &'a str,
    start: Position,
    end: Position,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: Position,
    end: Position,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonNotification<'a> {
    path: &'a str,
    message: &'a str,
}

impl<'a> JsonReport<'a> {
    fn new(report: &'a Report) -> Self {
        let stats = &report.stats;
        JsonReport {
            schema_version: JSON_SCHEMA_VERSION,
            tool: Tool {
                name: TOOL_NAME,
                version: TOOL_VERSION,
            },
            target_version: Some(report.target.as_str()).filter(|t| !t.is_empty()),
            summary: Summary {
                files: stats.files,
                documents: stats.documents,
                objects: stats.objects,
                non_kubernetes_documents: stats.non_kubernetes_documents,
                helm_templates: stats.helm_templates,
                unreadable_files: stats.unreadable_files,
                hidden_files: stats.hidden_files,
                errors: report.count(Severity::Error),
                warnings: report.count(Severity::Warning),
                infos: report.count(Severity::Info),
            },
            findings: report.findings.iter().map(JsonFinding::new).collect(),
            notifications: report
                .notifications
                .iter()
                .map(|n| JsonNotification {
                    path: &n.path,
                    message: &n.message,
                })
                .collect(),
        }
    }
}

impl<'a> JsonFinding<'a> {
    fn new(finding: &'a Finding) -> Self {
        let file = &*finding.file;
        JsonFinding {
            code: finding.rule.code,
            name: finding.rule.name,
            severity: finding.severity.as_str(),
            message: &finding.message,
            path: &file.path,
            namespace: finding.namespace.as_deref(),
            start: Position::of(file, finding.span.start),
            end: Position::of(file, finding.span.end),
            label: finding.label.as_deref(),
            help: finding.help.as_deref(),
            url: finding.rule.url(),
            labels: finding
                .labels
                .iter()
                .map(|label| {
                    let in_file = label.file.as_deref().unwrap_or(file);
                    JsonLabel {
                        path: &in_file.path,
                        start: Position::of(in_file, label.span.start),
                        end: Position::of(in_file, label.span.end),
                        message: &label.message,
                    }
                })
                .collect(),
            fix: finding.fix.as_ref().map(|fix| JsonFix {
                title: &fix.title,
                applicability: match fix.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                    Applicability::DisplayOnly => "display-only",
                },
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| JsonEdit {
                        start: Position::of(file, edit.span.start),
                        end: Position::of(file, edit.span.end),
                        replacement: &edit.replacement,
                    })
                    .collect(),
            }),
        }
    }
}
