use ekslint_manifest::{NodeId, Tree};

use super::support::TABLE;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// For a workload whose ServiceAccount has `eks.amazonaws.com/role-arn`, reports Windows
    /// targeting through `affinity.nodeAffinity` (`kubernetes.io/os In [windows]`) or
    /// `spec.os.name: windows` without a `nodeSelector` of `kubernetes.io/os: windows` (or
    /// `beta.kubernetes.io/os: windows`).
    ///
    /// ## Why is this bad?
    /// The pod identity webhook decides between the Linux and the Windows token path
    /// (`C:\var\run\secrets\eks.amazonaws.com\serviceaccount\token`) from the pod's `nodeSelector`
    /// only. A Windows pod scheduled through affinity gets the Linux path in
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`, the SDK finds no token there, and IRSA fails. The webhook's
    /// README: workloads targeting Windows nodes using nodeAffinity are not supported.
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
    ///     spec:
    ///       serviceAccountName: s3-reader
    ///       affinity:
    ///         nodeAffinity:
    ///           requiredDuringSchedulingIgnoredDuringExecution:
    ///             nodeSelectorTerms:
    ///               - matchExpressions:
    ///                   - {key: kubernetes.io/os, operator: In, values: [windows]}
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
    ///       nodeSelector:
    ///         kubernetes.io/os: windows
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/aws-cli/aws-cli
    /// ```
    ///
    /// ## References
    /// - Webhook README, Windows workloads: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/README.md>
    /// - Webhook, the nodeSelector check: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/handler.go>
    pub struct WindowsWithoutNodeSelector {
        code: "IRSA010",
        name: "windows-without-node-selector",
        family: Irsa,
        severity: Warning,
        fix: None,
        summary: "An IRSA pod targets Windows only through affinity or os.name, so the webhook injects the Linux token path",
    }
}

/// The node of a pod spec that targets Windows when nodeSelector does not (the webhook reads only
/// nodeSelector to pick the Windows token path).
pub(crate) fn target(tree: &Tree, spec: NodeId) -> Option<NodeId> {
    let selector = tree.get(spec, "nodeSelector");
    let by_selector = tree.string_entries(selector).into_iter().any(|(k, e)| {
        TABLE.windows_node_selector_keys.iter().any(|w| w == k)
            && tree.scalar_text(e.value) == Some("windows")
    });
    if by_selector {
        return None;
    }
    let terms = tree
        .path(
            spec,
            &[
                "affinity",
                "nodeAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution",
                "nodeSelectorTerms",
            ],
        )
        .and_then(|t| tree.items(t))
        .unwrap_or(&[]);
    for &term in terms {
        let exprs = tree
            .get(term, "matchExpressions")
            .and_then(|e| tree.items(e))
            .unwrap_or(&[]);
        for &ex in exprs {
            let key = tree.get(ex, "key").and_then(|k| tree.scalar_text(k));
            let op = tree.get(ex, "operator").and_then(|k| tree.scalar_text(k));
            if !key.is_some_and(|k| TABLE.windows_node_selector_keys.iter().any(|w| w == k))
                || op != Some("In")
            {
                continue;
            }
            let values = tree
                .get(ex, "values")
                .and_then(|v| tree.items(v))
                .unwrap_or(&[]);
            if let Some(&v) = values
                .iter()
                .find(|&&v| tree.scalar_text(v) == Some("windows"))
            {
                return Some(v);
            }
        }
    }
    tree.path(spec, &["os", "name"])
        .filter(|&n| tree.scalar_text(n) == Some("windows"))
}

impl Rule for WindowsWithoutNodeSelector {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.irsa;
        for w in &facts.workloads {
            let (Some(loc), Some((sa, role))) = (&w.windows_without_selector, facts.role_of(w))
            else {
                continue;
            };
            ctx.report(
                loc.file.clone(),
                loc.span,
                format!(
                    "{} targets Windows without `nodeSelector: {{kubernetes.io/os: windows}}`; the webhook then injects the Linux token path for ServiceAccount `{}`'s role and IRSA fails on the Windows node",
                    super::support::describe(w),
                    sa.name
                ),
            )
            .label("Windows chosen here, not in nodeSelector")
            .related(role.loc.file.clone(), role.loc.span, "the IRSA role")
            .help("add `kubernetes.io/os: windows` to the pod's nodeSelector");
        }
    }
}
