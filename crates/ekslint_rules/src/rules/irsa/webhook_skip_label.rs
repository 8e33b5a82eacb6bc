use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports the pod label `eks.amazonaws.com/skip-pod-identity-webhook` on a workload whose
    /// ServiceAccount has `eks.amazonaws.com/role-arn`.
    ///
    /// ## Why is this bad?
    /// The upstream webhook configuration excludes pods with this label (any value) through its
    /// `objectSelector`, so they are never mutated: the role on the ServiceAccount is not injected,
    /// and the pod runs with the node's role or without credentials. Either the label or the role
    /// is a leftover. (EKS runs its own configuration of the webhook; the label is the documented
    /// opt-out of the upstream one.)
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
    ///       labels:
    ///         app: reader
    ///         eks.amazonaws.com/skip-pod-identity-webhook: "true"
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
    /// - Webhook, the objectSelector: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/deploy/mutatingwebhook.yaml>
    pub struct WebhookSkipLabel {
        code: "IRSA012",
        name: "webhook-skip-label",
        family: Irsa,
        severity: Warning,
        fix: None,
        summary: "A pod opts out of the pod identity webhook while its ServiceAccount has an IRSA role",
    }
}

impl Rule for WebhookSkipLabel {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.irsa;
        for w in &facts.workloads {
            let (Some(loc), Some((sa, role))) = (&w.skip_label, facts.role_of(w)) else {
                continue;
            };
            ctx.report(
                loc.file.clone(),
                loc.span,
                format!(
                    "this label keeps the pod identity webhook away from {}, so the role of ServiceAccount `{}` is never injected",
                    super::support::describe(w),
                    sa.name
                ),
            )
            .label("webhook opt-out")
            .related(role.loc.file.clone(), role.loc.span, "this role is not injected")
            .help("remove the label, or remove the role if the pod must not use it");
        }
    }
}
