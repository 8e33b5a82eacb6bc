use ekslint_manifest::ProblemKind;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports input that exceeds one of ekslint's safety limits: aliases that expand to too many
    /// nodes (an "alias bomb"), nesting deeper than the parser allows, too many documents in one
    /// file, or a file larger than the size limit.
    ///
    /// ## Why is this bad?
    /// ekslint runs on untrusted pull requests. Such input is almost never a real manifest, and
    /// expanding it would exhaust memory or time, in ekslint and in the API server. The document
    /// is reported and skipped; the rest of the run goes on.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: laughs
    /// data:
    ///   a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    ///   b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    ///   c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    ///   d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    ///   e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    ///   f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    ///   g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    /// ```
    ///
    /// ## Use instead
    /// Anchors and aliases for what they are for, a few shared values. For trusted input that
    /// really is this large, raise the limit: `--limit max-alias-expansion=…` (or `limits:` in
    /// `.ekslint.yaml`).
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   labels: &labels {app: web}
    /// spec:
    ///   selector:
    ///     matchLabels: *labels
    ///   template:
    ///     metadata:
    ///       labels: *labels
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx
    /// ```
    pub struct InputLimit {
        code: "YAML005",
        name: "input-limit",
        family: Yaml,
        severity: Error,
        fix: None,
        summary: "The input exceeds a safety limit (alias expansion, documents, size)",
    }
}

impl Rule for InputLimit {
    fn check_file(&self, ctx: &mut FileCtx<'_>) {
        for p in &ctx.file.problems {
            if p.kind == ProblemKind::Limit {
                ctx.report(p.span, p.message.clone())
                    .label("limit reached here");
            }
        }
    }
}
