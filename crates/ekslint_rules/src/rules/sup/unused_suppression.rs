//! SUP001: a suppression that suppressed nothing. The engine applies suppressions
//! (`crate::suppress::apply`) and hands this rule the ones that matched nothing.

use crate::context::SuppressionCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a suppression (`# ekslint: ignore[CODE]`, `# ekslint: ignore-file[CODE]` or the
    /// `ekslint.io/ignore` annotation) that suppressed nothing. A suppression is judged only when
    /// its rule ran on that file: with `--select SUP001` alone, an `ignore[API001]` is not reported.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding of that rule at that place, and tells
    /// readers a problem exists where none does. Remove it.
    ///
    /// ## Example
    /// Example needs: `--select SUP001,API001`
    ///
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1 # ekslint: ignore[API001] moved to v1 next sprint
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   ingressClassName: alb
    ///   defaultBackend:
    ///     service: {name: web, port: {number: 80}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   ingressClassName: alb
    ///   defaultBackend:
    ///     service: {name: web, port: {number: 80}}
    /// ```
    pub struct UnusedSuppression {
        code: "SUP001",
        name: "unused-suppression",
        family: Sup,
        severity: Warning,
        fix: None,
        summary: "A suppression comment or annotation suppressed nothing",
    }
}

impl Rule for UnusedSuppression {
    fn check_suppressions(&self, ctx: &mut SuppressionCtx<'_>) {
        for u in ctx.unused {
            ctx.report(
                u.span,
                format!(
                    "this suppression of {} ({}) matched no finding",
                    u.rule.code, u.rule.name
                ),
            )
            .label("unused")
            .help("remove it");
        }
    }
}
