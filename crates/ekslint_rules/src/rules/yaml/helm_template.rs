use ekslint_manifest::TemplateEngine;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Recognises an unrendered Helm chart template (`{{ .Values.x }}`, `{{- include … }}`,
    /// `{{ if }}`) and reports it once per file, instead of a cascade of YAML errors. A file
    /// that does not load as YAML and holds Terraform `templatefile()` syntax (`%{ if … }`
    /// lines, `${var.x}`, `${cond ? "a" : "b"}`) is reported the same way: it is a template
    /// that Terraform renders (often a Helm values file), not a manifest.
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
        summary: "An unrendered Helm (or Terraform) template was skipped; lint what it renders to",
        placeholders: Judged,
    }
}

impl Rule for HelmTemplate {
    fn check_file(&self, ctx: &mut FileCtx<'_>) {
        let Some(h) = &ctx.file.helm else { return };
        match h.engine {
            TemplateEngine::Helm => {
                ctx.report(h.span, "unrendered Helm template: this file was not linted")
                    .label("Helm template action")
                    .help("render the chart and lint the result: `helm template RELEASE CHART | ekslint check -`");
            }
            TemplateEngine::Terraform => {
                ctx.report(
                    h.span,
                    "unrendered Terraform template (`templatefile`): this file is not YAML until Terraform renders it, and was not linted",
                )
                .label("Terraform template syntax")
                .help("lint what Terraform renders: write the `templatefile(…)` result to a file (for example with a `local_file` resource or `terraform console`) and run `ekslint check` on it");
            }
        }
    }
}
