//! SUP001: a suppression that suppressed nothing. The engine applies suppressions
//! (`crate::suppress::apply`) and hands this rule the ones that matched nothing.

use crate::context::SuppressionCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a suppression (`# ekslint: ignore[CODE]`, `# ekslint: ignore-file[CODE]` or the
    /// `ekslint.io/ignore` annotation) that suppressed nothing.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding of that rule at that place, and tells
    /// readers a problem exists where none does. Remove it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1 # ekslint: ignore[API001] nothing to ignore here
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
