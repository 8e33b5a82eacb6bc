use ekslint_manifest::Object;

use super::support::{NodeKind, Section, TABLE, docs};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Checks node role mappings in `mapRoles`:
    /// - `username: system:node:{{EC2PrivateDNSName}}` or `system:node:{{SessionName}}` without
    ///   both `system:bootstrappers` and `system:nodes` in `groups`;
    /// - a Fargate pod execution role (role name containing `Fargate` or `PodExecution`, a
    ///   heuristic) mapped to `system:node:{{SessionName}}` without `system:node-proxier`;
    /// - `system:nodes` granted with a username that is not `system:node:…`.
    ///
    /// Hybrid node rows (`system:node:{{SessionName}}` for a role that is not a Fargate role) need
    /// only the first two groups. The authenticator's test fixture `aws-auth-space-out-of-place.yaml`
    /// folds its two node groups into one string (AUTH006), so this rule also reports that row: it
    /// has neither group.
    ///
    /// ## Why is this bad?
    /// A kubelet joins with the bootstrap group and then acts as a member of `system:nodes` under
    /// the name `system:node:<node name>`; the Node authorizer and the NodeRestriction admission
    /// plugin recognise nodes only by that name and group. A missing group or a different username
    /// means nodes in this role cannot register or stay `NotReady`; Fargate pods need
    /// `system:node-proxier` as well.
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
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups:
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
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups:
    ///         - system:bootstrappers
    ///         - system:nodes
    /// ```
    ///
    /// ## References
    /// - EKS user guide, aws-auth ConfigMap (node rows): <https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html>
    /// - EKS user guide, hybrid nodes: <https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-cluster-prep.html>
    /// - Kubernetes Node authorization: <https://kubernetes.io/docs/reference/access-authn-authz/node/>
    pub struct NodeMapping {
        code: "AUTH011",
        name: "node-mapping",
        family: Auth,
        severity: Error,
        fix: None,
        summary: "A node role mapping lacks the node groups, or grants system:nodes to a username that is not system:node:…",
        placeholders: Judged,
    }
}

impl Rule for NodeMapping {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        for doc in docs(ctx, obj) {
            if doc.section != Section::Roles {
                continue;
            }
            for row in doc.rows() {
                let t = row.tree();
                let Some((user, user_node)) = row.username() else {
                    continue;
                };
                let groups_entry = row.field("groups");
                let at = match groups_entry {
                    Some(g) => row.emb.span(g.key),
                    None => row.emb.span(user_node),
                };
                if let Some(kind) = row.node_kind() {
                    // Windows' extra group is AUTH012 (a warning).
                    let missing: Vec<&str> = kind
                        .groups
                        .iter()
                        .filter(|g| *g != "eks:kube-proxy-windows" && !row.has_group(g))
                        .map(String::as_str)
                        .collect();
                    if missing.is_empty() {
                        continue;
                    }
                    let list = missing
                        .iter()
                        .map(|g| format!("`{g}`"))
                        .collect::<Vec<_>>()
                        .join(" and ");
                    let who = match kind.kind {
                        NodeKind::Fargate => "Fargate pods in this role cannot run",
                        _ => "nodes in this role cannot join the cluster",
                    };
                    ctx.report(
                        at,
                        format!(
                            "this node role mapping (`{user}`) lacks {list} in `groups`: {who}"
                        ),
                    )
                    .label(format!("add {list}"))
                    .help(format!(
                        "a `{}` node row has the groups {}",
                        kind.kind,
                        kind.groups
                            .iter()
                            .map(|g| format!("`{g}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    continue;
                }
                if !user.starts_with("system:node:")
                    && let Some((_, g)) =
                        row.groups().into_iter().find(|(g, _)| *g == "system:nodes")
                {
                    let _ = t;
                    ctx.report(
                        row.emb.span(user_node),
                        format!(
                            "`system:nodes` is granted to the username `{user}`: node permissions apply only to usernames `system:node:<node name>`, so kubelets in this role cannot register"
                        ),
                    )
                    .label("not `system:node:…`")
                    .with_label(row.emb.span(g), "node group")
                    .help(format!(
                        "for EC2 nodes use `username: {}`",
                        TABLE.node_row(NodeKind::Ec2Linux).username
                    ));
                }
            }
        }
    }
}
