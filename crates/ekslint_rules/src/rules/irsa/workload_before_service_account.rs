use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a workload that comes before, in the same file, the ServiceAccount with
    /// `eks.amazonaws.com/role-arn` that it uses.
    ///
    /// ## Why is this bad?
    /// `kubectl apply -f file.yaml` creates objects in file order. If the pods are created before
    /// the ServiceAccount reaches the pod identity webhook's cache, the webhook does not mutate them:
    /// they start without the role (and, until the ServiceAccount exists, are not created at all).
    /// The upstream grace period for the lookup defaults to 0, and the webhook never revisits
    /// running pods, so they only get credentials after a restart. Helm and kustomize sort
    /// ServiceAccounts first; plain `kubectl apply` and many GitOps tools of single files do not.
    ///
    /// ## Example
    /// ```yaml
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
    /// ---
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    /// ```
    ///
    /// ## Use instead
    /// Put the ServiceAccount first in the file.
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
    /// - Webhook, the lookup grace period (`--service-account-lookup-grace-period`): <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/main.go>
    /// - EKS guide, the webhook does not change running pods: <https://docs.aws.amazon.com/eks/latest/userguide/configure-sts-endpoint.html>
    pub struct WorkloadBeforeServiceAccount {
        code: "IRSA013",
        name: "workload-before-service-account",
        family: Irsa,
        severity: Info,
        fix: None,
        summary: "A workload comes before the IRSA ServiceAccount it uses in the same file",
    }
}

impl Rule for WorkloadBeforeServiceAccount {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.irsa;
        for w in &facts.workloads {
            let Some((sa, role)) = facts.role_of(w) else {
                continue;
            };
            let _ = role;
            if sa.loc.file.path != w.spec_loc.file.path || sa.order <= w.order {
                continue;
            }
            let loc = w.sa_loc.as_ref().unwrap_or(&w.spec_loc);
            ctx.report(
                loc.file.clone(),
                loc.span,
                format!(
                    "{} comes before its ServiceAccount `{}` in this file; pods created before the webhook knows the ServiceAccount start without its IAM role",
                    super::support::describe(w),
                    sa.name
                ),
            )
            .label("used here")
            .with_label(sa.loc.span, "defined later in the file")
            .help("move the ServiceAccount above the workload");
        }
    }
}
