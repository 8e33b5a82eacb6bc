use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports `eks.amazonaws.com/role-arn`, `eks.amazonaws.com/audience` or
    /// `eks.amazonaws.com/sts-regional-endpoints` written on a Pod, on a workload's pod template, or
    /// on the workload object itself (a Deployment's own `metadata.annotations`), instead of on the
    /// ServiceAccount the pod uses; and the pod-level `eks.amazonaws.com/token-expiration` and
    /// `eks.amazonaws.com/skip-containers` written on the workload object instead of its pod template.
    ///
    /// ## Why is this bad?
    /// The EKS pod identity webhook reads these three annotations only from the ServiceAccount.
    /// From the pod it reads just `eks.amazonaws.com/token-expiration` and
    /// `eks.amazonaws.com/skip-containers`. A role ARN on the pod template is silently ignored: the
    /// pod gets no IAM role and its AWS SDK falls back to the node's instance role (or fails with
    /// no credentials when IMDS is blocked, as on Fargate).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
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
    ///         eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    ///     spec:
    ///       serviceAccountName: s3-reader
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/aws-cli/aws-cli
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
    ///     spec:
    ///       serviceAccountName: s3-reader
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/aws-cli/aws-cli
    /// ```
    ///
    /// ## References
    /// - Webhook, the pod annotations it reads (`parsePodAnnotations`): <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/handler.go>
    /// - Webhook README, annotations: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/README.md>
    /// - The table: `rules/irsa/irsa.yaml` (`annotations[].read_from`)
    pub struct IrsaAnnotationOnPod {
        code: "IRSA002",
        name: "irsa-annotation-on-pod",
        family: Irsa,
        severity: Error,
        fix: None,
        summary: "An IRSA annotation that the webhook reads only from the ServiceAccount is set on a pod or workload",
    }
}

impl Rule for IrsaAnnotationOnPod {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !obj.is_workload(tree) {
            return;
        }
        let mut metas = vec![obj.get(tree, &["metadata"])];
        if obj.kind_str(tree) != Some("Pod") {
            metas.push(obj.pod_template_metadata(tree));
        }
        let sa = obj
            .pod_spec(tree)
            .and_then(|s| {
                ["serviceAccountName", "serviceAccount"]
                    .iter()
                    .find_map(|k| tree.get(s, k))
            })
            .and_then(|n| tree.scalar_text(n))
            .filter(|s| !s.is_empty())
            .unwrap_or("default")
            .to_string();
        for (i, meta) in metas.into_iter().enumerate() {
            let annotations = meta.and_then(|m| tree.get(m, "annotations"));
            for (key, e) in tree.string_entries(annotations) {
                let Some(row) = super::support::TABLE.annotation(key) else {
                    continue;
                };
                let on_pod = i == 1 || obj.kind_str(tree) == Some("Pod");
                let pod_key = row.read_from.contains(&super::support::ReadFrom::Pod);
                if pod_key && on_pod {
                    continue;
                }
                let kind = obj.kind_str(tree).unwrap_or("");
                let place = match (i, kind) {
                    (_, "Pod") => "a Pod".to_string(),
                    (0, k) => format!("the {k} itself"),
                    _ => "the pod template".to_string(),
                };
                let (message, help) = if pod_key {
                    (
                        format!(
                            "`{key}` on {place} is ignored: the pod identity webhook reads it from the pod, which gets only the pod template's annotations"
                        ),
                        "move this annotation to `spec.template.metadata.annotations`".to_string(),
                    )
                } else {
                    (
                        format!(
                            "`{key}` on {place} is ignored: the pod identity webhook reads it only from the ServiceAccount (`{sa}`)"
                        ),
                        format!(
                            "move this annotation to `metadata.annotations` of the ServiceAccount `{sa}` in the same namespace"
                        ),
                    )
                };
                ctx.report(tree.span(e.key), message)
                    .label("not read here")
                    .help(help);
            }
        }
    }
}
