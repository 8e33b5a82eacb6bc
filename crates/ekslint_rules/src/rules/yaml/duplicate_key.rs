use ekslint_manifest::ProblemKind;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a key that appears twice in the same map, with a label on both.
    ///
    /// ## Why is this bad?
    /// Kubernetes' YAML decoder keeps the last value and silently drops the first, so half of what
    /// you wrote never reaches the cluster (a second `env:` or `annotations:` block is the classic
    /// case). `kubectl apply --validate=strict`, the default since Kubernetes 1.27, rejects it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   labels: {app: web}
    ///   labels: {tier: frontend}
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
    ///   labels: {app: web, tier: frontend}
    /// data:
    ///   LOG_LEVEL: info
    /// ```
    pub struct DuplicateKey {
        code: "YAML003",
        name: "duplicate-key",
        family: Yaml,
        severity: Error,
        fix: None,
        summary: "A map has the same key twice; Kubernetes keeps only the last",
    }
}

impl Rule for DuplicateKey {
    fn check_file(&self, ctx: &mut FileCtx<'_>) {
        for p in &ctx.file.problems {
            if let ProblemKind::DuplicateKey { first } = p.kind {
                ctx.report(
                    p.span,
                    format!("{}: the first one is silently dropped", p.message),
                )
                .label("this value wins")
                .with_label(first, "first defined here, and dropped")
                .help("merge the two into one key");
            }
        }
    }
}
