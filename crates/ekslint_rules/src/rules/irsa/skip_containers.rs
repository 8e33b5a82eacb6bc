use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Checks the pod annotation `eks.amazonaws.com/skip-containers`: each comma-separated name must
    /// be written without surrounding spaces and must name a container or initContainer of the pod.
    ///
    /// ## Why is this bad?
    /// The webhook parses the value as one CSV record with Go's `encoding/csv` defaults, which do
    /// not trim spaces: `"init, sidecar"` names `init` and ` sidecar`, and ` sidecar` matches no
    /// container. A name that matches nothing (a typo, a renamed container) silently skips nothing,
    /// so the container still gets the web identity env vars and token mount.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: reader
    /// spec:
    ///   selector:
    ///     matchLabels: {app: reader}
    ///   template:
    ///     metadata:
    ///       labels: {app: reader}
    ///       annotations:
    ///         eks.amazonaws.com/skip-containers: "init-first, sidecar"
    ///     spec:
    ///       serviceAccountName: s3-reader
    ///       initContainers:
    ///         - name: init-first
    ///           image: busybox
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/aws-cli/aws-cli
    ///         - name: sidecar
    ///           image: envoyproxy/envoy
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: reader
    /// spec:
    ///   selector:
    ///     matchLabels: {app: reader}
    ///   template:
    ///     metadata:
    ///       labels: {app: reader}
    ///       annotations:
    ///         eks.amazonaws.com/skip-containers: "init-first,sidecar"
    ///     spec:
    ///       serviceAccountName: s3-reader
    ///       initContainers:
    ///         - name: init-first
    ///           image: busybox
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/aws-cli/aws-cli
    ///         - name: sidecar
    ///           image: envoyproxy/envoy
    /// ```
    ///
    /// ## References
    /// - Webhook, skip-containers parsing: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/handler.go>
    /// - Webhook README: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/README.md>
    pub struct SkipContainers {
        code: "IRSA009",
        name: "skip-containers",
        family: Irsa,
        severity: Warning,
        fix: Sometimes,
        safety: Safe,
        summary: "eks.amazonaws.com/skip-containers has a name with spaces or one that matches no container",
    }
}

impl Rule for SkipContainers {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !obj.is_workload(tree) {
            return;
        }
        let Some(node) = obj
            .pod_metadata(tree)
            .and_then(|m| tree.path(m, &["annotations", super::support::SKIP_CONTAINERS]))
        else {
            return;
        };
        let Some(value) = tree.scalar_text(node) else {
            return;
        };
        if value.contains('"') || value.is_empty() {
            // Quoted CSV fields: rare enough not to second-guess Go's reader.
            return;
        }
        let names: Vec<&str> = obj
            .pod_spec(tree)
            .map(|s| ekslint_manifest::containers(tree, s))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| tree.get(c, "name").and_then(|n| tree.scalar_text(n)))
            .collect();
        let span = tree.span(node);
        let fields: Vec<&str> = value.split(',').collect();
        let spaced: Vec<&str> = fields.iter().copied().filter(|f| f.trim() != *f).collect();
        if !spaced.is_empty() {
            let fixed = fields
                .iter()
                .map(|f| f.trim())
                .collect::<Vec<_>>()
                .join(",");
            ctx.report(
                span,
                format!(
                    "`{}` is split on commas without trimming spaces, so {} (with the spaces) matches no container",
                    super::support::SKIP_CONTAINERS,
                    spaced
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .label("names with spaces")
            .fix(crate::finding::Fix {
                title: "Remove the spaces around the names".to_string(),
                edits: vec![crate::finding::Edit {
                    span,
                    replacement: format!("\"{fixed}\""),
                }],
                applicability: crate::finding::Applicability::Safe,
            });
        }
        if names.is_empty() {
            return;
        }
        for f in fields.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
            if !names.contains(&f) {
                ctx.report(
                    span,
                    format!(
                        "`{}` names `{f}`, which is not a container or initContainer of this pod (it has {})",
                        super::support::SKIP_CONTAINERS,
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .label("matches no container");
            }
        }
    }
}
