use ekslint_manifest::ProblemKind;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports YAML or JSON that cannot be parsed, and files that are not UTF-8 text, at the exact
    /// position of the error.
    ///
    /// ## Why is this bad?
    /// `kubectl apply`, Helm and GitOps tools refuse the whole file. ekslint skips only the broken
    /// document: the documents before and after the next `---` are still linted, so one typo does
    /// not hide the rest of the file.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   labels: {app: web
    /// data:
    ///   LOG_LEVEL: info
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   labels: {app: web}
    /// data:
    ///   LOG_LEVEL: info
    /// ```
    pub struct InvalidYaml {
        code: "YAML001",
        name: "invalid-yaml",
        family: Yaml,
        severity: Error,
        fix: None,
        summary: "The file or one of its documents is not valid YAML, JSON or UTF-8",
    }
}

impl Rule for InvalidYaml {
    fn check_file(&self, ctx: &mut FileCtx<'_>) {
        let file = ctx.file;
        for (i, p) in file.problems.iter().enumerate() {
            if !matches!(p.kind, ProblemKind::Syntax | ProblemKind::Encoding) {
                continue;
            }
            let broken_doc = file.documents.iter().find(|d| d.problem == Some(i));
            let what = if p.kind == ProblemKind::Encoding {
                "unreadable file"
            } else {
                "invalid YAML"
            };
            let f = ctx.report(p.span, format!("{what}: {}", p.message));
            f.label("here");
            match broken_doc {
                Some(d) => {
                    let line = file.source.line_col(d.span.start).line;
                    let mut h = format!("the document starting at line {line} was skipped");
                    if file.documents.len() > 1 {
                        h.push_str("; the other documents of this file were linted");
                    }
                    f.help(h);
                }
                None if p.kind == ProblemKind::Encoding => {
                    f.help(
                        "save the file as UTF-8, or exclude it with .gitignore or per-file-ignores",
                    );
                }
                None => {
                    f.help("Kubernetes cannot decode this document");
                }
            }
        }
    }
}
