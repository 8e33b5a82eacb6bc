//! The `SUP` family: findings about ekslint's own suppression comments and annotations.
//! The engine (`crate::suppress`) decides them; these declarations give them codes and docs.

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

impl Rule for UnusedSuppression {}

impl UnusedSuppression {
    pub const INFO_REF: &'static crate::RuleInfo = &Self::INFO;
}

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
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: extensions/v1beta1 # ekslint: ignore[API001] removed in the platform repo next sprint
    /// ```
    pub struct UnknownSuppression {
        code: "SUP002",
        name: "invalid-suppression",
        family: Sup,
        severity: Warning,
        fix: None,
        summary: "A suppression names an unknown rule or is malformed",
    }
}

impl Rule for UnknownSuppression {}
