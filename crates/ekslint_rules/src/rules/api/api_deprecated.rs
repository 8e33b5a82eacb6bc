use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an `apiVersion` and `kind` that the target Kubernetes version still serves but has
    /// deprecated, with the release that removes it and the replacement.
    ///
    /// ## Why is this bad?
    /// It works today and breaks at a later upgrade. EKS upgrades clusters automatically at the end
    /// of extended support, so a deprecated API is a deadline, not a style issue. Migrating now,
    /// while both versions are served, is the cheap moment.
    ///
    /// ## Example
    /// Example needs: `--target-version 1.36`
    ///
    /// ```yaml
    /// apiVersion: resource.k8s.io/v1beta2
    /// kind: ResourceClaimTemplate
    /// metadata:
    ///   name: single-gpu
    /// spec:
    ///   spec:
    ///     devices:
    ///       requests:
    ///         - name: gpu
    ///           exactly:
    ///             deviceClassName: gpu.nvidia.com
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: resource.k8s.io/v1
    /// kind: ResourceClaimTemplate
    /// metadata:
    ///   name: single-gpu
    /// spec:
    ///   spec:
    ///     devices:
    ///       requests:
    ///         - name: gpu
    ///           exactly:
    ///             deviceClassName: gpu.nvidia.com
    /// ```
    ///
    /// ## Fix safety
    /// When the replacement is already served at the target, the fix converts the object the
    /// way API001's does (see API001 for what each conversion changes and when it is safe,
    /// unsafe or display-only): moving while both versions are served is the cheap moment.
    /// Before the replacement is served (`replacement_available_in` in the table) no fix is
    /// offered.
    ///
    /// ## References
    /// - Kubernetes deprecation policy: <https://kubernetes.io/docs/reference/using-api/deprecation-policy/>
    /// - The table: `rules/api/deprecated-apis.yaml`
    pub struct ApiDeprecated {
        code: "API002",
        name: "api-deprecated",
        family: Api,
        severity: Warning,
        fix: Sometimes,
        safety: Mixed,
        summary: "The apiVersion and kind are deprecated in the target Kubernetes version",
    }
}

impl Rule for ApiDeprecated {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let Some((row, span)) = super::support::row_for(ctx, obj) else {
            return;
        };
        if !row.is_kubernetes() {
            return;
        }
        let Some(deprecated) = row.deprecated() else {
            return;
        };
        let target = ctx.target;
        if target < deprecated || row.removed().is_some_and(|r| target >= r) {
            return;
        }
        let removal = match row.removed() {
            Some(r) => format!("; it is removed in {r}"),
            None => String::new(),
        };
        let labels = super::support::field_labels(ctx.tree(), obj, &row.fields);
        let converted = super::support::convert::convert(ctx.file, obj, row, ctx.target);
        let f = ctx.report(
            span,
            format!(
                "`{}` {} is deprecated since Kubernetes {deprecated}{removal}",
                row.api_version,
                obj.kind_str(ctx.tree()).unwrap_or(&row.kind),
            ),
        );
        f.label(match &row.replacement {
            Some(r) => format!("deprecated: use `{r}`"),
            None => "deprecated".to_string(),
        });
        let mut help = super::support::help_text(row);
        if let Some(c) = &converted {
            if let Some(h) = c.help() {
                help.push_str("\n- ");
                help.push_str(&h);
            }
            f.fix(c.fix());
        }
        f.help(help);
        for (s, m) in labels {
            f.with_label(s, m);
        }
    }
}
