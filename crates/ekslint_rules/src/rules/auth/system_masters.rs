use ekslint_manifest::Object;

use super::support::{TABLE, docs};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports every `mapRoles` or `mapUsers` entry that puts a principal in `system:masters`,
    /// and names the EKS access policy that replaces it: `AmazonEKSClusterAdminPolicy`.
    ///
    /// The authenticator's test fixtures map their `admin` user to `system:masters`; this rule
    /// reports that row in each of them (`aws-auth.yaml`, `aws-auth-missing-bar.yaml`,
    /// `aws-auth-space-out-of-place.yaml`, `aws-auth-crazy-case-keys.yaml`,
    /// `aws-auth-open-source-case-keys.yaml`).
    ///
    /// ## Why is this bad?
    /// `system:masters` bypasses RBAC entirely: no Role, binding or webhook authorizer can limit
    /// or audit it by policy, and removing it means editing aws-auth again. It is also a migration
    /// blocker: EKS access entries reject every Kubernetes group that starts with `system:`
    /// ("The kubernetes group name system:masters is invalid, it cannot start with system:"), so
    /// the row cannot be copied 1:1. The replacement is an access entry for the same principal with
    /// the access policy `AmazonEKSClusterAdminPolicy` at cluster scope, or better, a narrower
    /// policy or RBAC group.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapUsers: |
    ///     - userarn: arn:aws:iam::111122223333:user/admin
    ///       username: admin
    ///       groups:
    ///         - system:masters
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # aws eks create-access-entry --cluster-name prod \
    /// #   --principal-arn arn:aws:iam::111122223333:user/admin
    /// # aws eks associate-access-policy --cluster-name prod \
    /// #   --principal-arn arn:aws:iam::111122223333:user/admin \
    /// #   --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy \
    /// #   --access-scope type=cluster
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapUsers: |
    ///     - userarn: arn:aws:iam::111122223333:user/admin
    ///       username: admin
    ///       groups:
    ///         - platform-admins
    /// ```
    ///
    /// ## References
    /// - EKS user guide, access policies: <https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html>
    /// - EKS user guide, migrating to access entries: <https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html>
    /// - The CreateAccessEntry error: <https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2915>
    pub struct SystemMasters {
        code: "AUTH013",
        name: "system-masters",
        family: Auth,
        severity: Warning,
        fix: None,
        summary: "An aws-auth mapping grants system:masters (unrestricted cluster-admin that access entries cannot carry)",
        security_severity: "8.0",
        placeholders: Judged,
    }
}

impl Rule for SystemMasters {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let policy = TABLE
            .policy_for("system:masters")
            .expect("system:masters in the table");
        for doc in docs(ctx, obj) {
            for row in doc.rows() {
                for (g, node) in row.groups() {
                    if g != policy.group {
                        continue;
                    }
                    let who = row
                        .arn()
                        .map(|(a, _)| format!("`{a}`"))
                        .unwrap_or_else(|| row.describe());
                    let arn = row.arn().map(|(a, _)| a).unwrap_or("<principal ARN>");
                    ctx.report(
                        row.emb.span(node),
                        format!(
                            "{who} is mapped to `system:masters`: unrestricted cluster-admin that RBAC cannot limit, and that access entries reject; the replacement is the access policy `{}`",
                            policy.policy
                        ),
                    )
                    .label("cluster-admin, bypasses RBAC")
                    .help(format!(
                        "migrate to an access entry: `aws eks associate-access-policy --principal-arn {arn} --policy-arn arn:aws:eks::aws:cluster-access-policy/{} --access-scope type={}` (or a narrower policy), then remove this group",
                        policy.policy, policy.scope
                    ));
                }
            }
        }
    }
}
