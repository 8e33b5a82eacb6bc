//! SUP002: a suppression naming an unknown rule, or a malformed directive, as
//! `crate::suppress::collect` finds them.

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a suppression that names no known rule (a typo in the code or name), or an
    /// `# ekslint:` comment that is not a valid directive.
    ///
    /// ## Why is this bad?
    /// It suppresses nothing, while its author believes it does.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: extensions/v1beta1 # ekslint: ignore[API01]
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   backend:
    ///     serviceName: web
    ///     servicePort: 80
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: extensions/v1beta1 # ekslint: ignore[API001] removed in the platform repo next sprint
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   backend:
    ///     serviceName: web
    ///     servicePort: 80
    /// ```
    pub struct InvalidSuppression {
        code: "SUP002",
        name: "invalid-suppression",
        family: Sup,
        severity: Warning,
        fix: None,
        summary: "A suppression names an unknown rule or is malformed",
    }
}

impl Rule for InvalidSuppression {
    fn check_file(&self, ctx: &mut FileCtx<'_>) {
        let problems = ctx.directives().problems.clone();
        for p in problems {
            ctx.report(p.span, p.message).help(p.help);
        }
    }
}
