use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Recognises an unrendered Helm chart template (`{{ .Values.x }}`, `{{- include … }}`,
    /// `{{ if }}`) and reports it once per file, instead of a cascade of YAML errors.
    ///
    /// ## Why is this bad?
    /// A template is not a manifest: what reaches the cluster depends on the values. ekslint does
    /// not lint the template file; lint what Helm renders instead.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: {{ include "shop.fullname" . }}
    /// data:
    ///   LOG_LEVEL: {{ .Values.logLevel | quote }}
    /// ```
    ///
    /// ## Use instead
    /// Lint what Helm renders:
    /// ```sh
    /// helm template my-release ./chart -f values-prod.yaml | ekslint check -
    /// ```
    ///
    /// which is a plain manifest:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: shop-web
    /// data:
    ///   LOG_LEVEL: "info"
    /// ```
    pub struct HelmTemplate {
        code: "YAML002",
        name: "helm-template",
        family: Yaml,
        severity: Warning,
        fix: None,
        summary: "An unrendered Helm template was skipped; lint the output of `helm template`",
        placeholders: Judged,
    }
}

impl Rule for HelmTemplate {
    fn check_file(&self, ctx: &mut FileCtx<'_>) {
        if let Some(h) = &ctx.file.helm {
            ctx.report(h.span, "unrendered Helm template: this file was not linted")
                .label("Helm template action")
                .help("render the chart and lint the result: `helm template RELEASE CHART | ekslint check -`");
        }
    }
}
