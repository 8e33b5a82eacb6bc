use ekslint_manifest::Object;

use super::support::ReadFrom;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports kube2iam and kiam annotations: `iam.amazonaws.com/role` on a Pod or pod template, and
    /// `iam.amazonaws.com/allowed-roles` (kube2iam) or `iam.amazonaws.com/permitted` (kiam) on a
    /// Namespace.
    ///
    /// ## Why is this bad?
    /// Nothing on EKS reads these annotations unless kube2iam or kiam is installed on the cluster;
    /// both work by intercepting the node's instance metadata endpoint, which EKS recommends
    /// blocking for pods. Migrating to EKS is the time to move to IRSA or EKS Pod Identity: without
    /// the tool, the pod silently runs with the node's role (or no credentials at all).
    ///
    /// Migration: create an IAM role whose trust policy federates the cluster's OIDC provider for
    /// `system:serviceaccount:<namespace>:<serviceaccount>`, put its ARN in
    /// `eks.amazonaws.com/role-arn` on the pod's ServiceAccount (or create an EKS Pod Identity
    /// association for it), remove the pod annotation, and once every pod is moved remove the
    /// Namespace annotations and the kube2iam/kiam DaemonSets.
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
    ///       annotations:
    ///         iam.amazonaws.com/role: arn:aws:iam::111122223333:role/s3-reader
    ///     spec:
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
    /// - kube2iam: <https://github.com/jtblin/kube2iam/blob/master/README.md>
    /// - kiam: <https://github.com/uswitch/kiam/blob/master/README.md>
    /// - EKS guide, IAM roles for service accounts: <https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html>
    /// - The table: `rules/irsa/irsa.yaml` (`legacy_annotations`)
    pub struct Kube2iamKiamAnnotation {
        code: "IRSA011",
        name: "kube2iam-kiam-annotation",
        family: Irsa,
        severity: Warning,
        fix: None,
        summary: "A kube2iam or kiam annotation, which nothing on EKS reads unless that tool is installed",
    }
}

impl Rule for Kube2iamKiamAnnotation {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let kind = obj.kind_str(tree).unwrap_or("");
        let (meta, on) = if kind == "Namespace" && obj.group(tree).is_empty() {
            (obj.get(tree, &["metadata"]), ReadFrom::Namespace)
        } else if obj.is_workload(tree) {
            (obj.pod_metadata(tree), ReadFrom::Pod)
        } else {
            return;
        };
        let annotations = meta.and_then(|m| tree.get(m, "annotations"));
        for (key, e) in tree.string_entries(annotations) {
            let Some(row) = super::support::TABLE
                .legacy_annotations
                .iter()
                .find(|l| l.key == key && l.on == on)
            else {
                continue;
            };
            let (message, help) = if on == ReadFrom::Pod {
                (
                    format!(
                        "`{key}` is a {} annotation; EKS does not read it, so without that tool this pod gets the node's IAM role, not this one",
                        row.tool
                    ),
                    "move the role to the ServiceAccount with `eks.amazonaws.com/role-arn` (IRSA) or an EKS Pod Identity association, then drop this annotation",
                )
            } else {
                (
                    format!(
                        "`{key}` is a {} Namespace annotation; nothing on EKS reads it unless {} is installed",
                        row.tool, row.tool
                    ),
                    "with IRSA or EKS Pod Identity, the role's trust policy (or the association) decides which namespace may use a role; remove this once kube2iam/kiam is gone",
                )
            };
            ctx.report(tree.span(e.key), message)
                .label(format!("{} only", row.tool))
                .help(help);
        }
    }
}
