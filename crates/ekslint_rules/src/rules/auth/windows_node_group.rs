use ekslint_manifest::Object;

use super::support::{NodeKind, Section, docs};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a Windows node role mapping without the `eks:kube-proxy-windows` group. A row is
    /// taken as Windows by a heuristic: the username is `system:node:{{EC2PrivateDNSName}}` and
    /// the role name contains `windows`, or a `win` word (`eks-win-nodes`, `win2022`).
    ///
    /// ## Why is this bad?
    /// The EKS Windows guide requires `eks:kube-proxy-windows` in the node role's groups: without
    /// it kube-proxy on Windows nodes lacks its permissions and DNS resolution in pods fails. The
    /// finding is a warning because the role name only suggests Windows.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapRoles: |
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-windows-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups:
    ///         - system:bootstrappers
    ///         - system:nodes
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapRoles: |
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-windows-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups:
    ///         - system:bootstrappers
    ///         - system:nodes
    ///         - eks:kube-proxy-windows
    /// ```
    ///
    /// ## References
    /// - EKS user guide, Windows support: <https://docs.aws.amazon.com/eks/latest/userguide/windows-support.html>
    pub struct WindowsNodeGroup {
        code: "AUTH012",
        name: "windows-node-group",
        family: Auth,
        severity: Warning,
        fix: None,
        summary: "A Windows node role mapping lacks the eks:kube-proxy-windows group",
        placeholders: Judged,
    }
}

impl Rule for WindowsNodeGroup {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        for doc in docs(ctx, obj) {
            if doc.section != Section::Roles {
                continue;
            }
            for row in doc.rows() {
                let Some(kind) = row.node_kind() else {
                    continue;
                };
                if kind.kind != NodeKind::Ec2Windows || row.has_group("eks:kube-proxy-windows") {
                    continue;
                }
                let at = match row.field("groups") {
                    Some(g) => row.emb.span(g.key),
                    None => row.anchor(),
                };
                let role = row.role_name().unwrap_or("");
                ctx.report(
                    at,
                    format!(
                        "the role `{role}` looks like a Windows node role, but its mapping lacks `eks:kube-proxy-windows`: DNS resolution fails on Windows nodes without it"
                    ),
                )
                .label("add `eks:kube-proxy-windows`");
            }
        }
    }
}
