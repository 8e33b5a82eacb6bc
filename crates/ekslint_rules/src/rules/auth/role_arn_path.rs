use ekslint_manifest::Object;

use super::support::{Section, docs, verbatim_node};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;
use crate::support::aws::parse_role_arn;

declare_rule! {
    /// ## What it does
    /// Reports a `rolearn` in `mapRoles` that includes an IAM path
    /// (`arn:aws:iam::111122223333:role/team/dev/deployer`), IAM Identity Center roles
    /// (`role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_…`) included, and offers the
    /// path-less ARN.
    ///
    /// ## Why is this bad?
    /// The authenticator first turns the caller's STS session ARN into a role ARN
    /// (`arn:aws:iam::<account>:role/<name>`). A session ARN never carries the role's path, and
    /// the comparison with `rolearn` is an exact (case-insensitive) string compare, so a `rolearn`
    /// with a path never matches and the role has no access. The EKS guide: "The role ARN can't
    /// include a path". (Access entries, in contrast, take the full ARN with its path.)
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
    ///     - rolearn: arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef
    ///       username: admin:{{SessionName}}
    ///       groups:
    ///         - cluster-admins
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
    ///     - rolearn: arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123456789abcdef
    ///       username: admin:{{SessionName}}
    ///       groups:
    ///         - cluster-admins
    /// ```
    ///
    /// ## Fix safety
    /// The path-less ARN is the only form aws-auth can match, so the edit is what the row was
    /// written for. But it switches on a mapping that matched nothing until now, so a principal
    /// gains cluster access when the fix is applied: the fix is unsafe (opt-in) so that a human
    /// confirms the access. It is offered only when the ARN's position in the file is exact.
    ///
    /// ## References
    /// - EKS user guide, aws-auth ConfigMap (rolearn "can't include a path"): <https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html>
    /// - aws-iam-authenticator ARN canonicalization: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/arn/arn.go>
    pub struct RoleArnPath {
        code: "AUTH007",
        name: "role-arn-path",
        family: Auth,
        severity: Error,
        fix: Sometimes,
        safety: Unsafe,
        summary: "A mapRoles rolearn includes an IAM path, so it never matches the caller's path-less role ARN",
        placeholders: Judged,
    }
}

impl Rule for RoleArnPath {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let outer = ctx.text();
        for doc in docs(ctx, obj) {
            if doc.section != Section::Roles {
                continue;
            }
            for row in doc.rows() {
                let Some((arn, node)) = row.arn() else {
                    continue;
                };
                let Ok(role) = parse_role_arn(arn) else {
                    continue;
                };
                if role.path == "/" {
                    continue;
                }
                let fixed = role.without_path();
                let sso = role.path.starts_with("/aws-reserved/sso.amazonaws.com/");
                let what = if sso {
                    "an IAM Identity Center (SSO) role ARN with the path"
                } else {
                    "a role ARN with the path"
                };
                let f = ctx.report(
                    row.emb.span(node),
                    format!(
                        "`rolearn` is {what} `{}`: the authenticator compares against the path-less ARN, so this mapping never matches",
                        role.path
                    ),
                );
                f.label(format!("use `{fixed}`"));
                f.help(format!(
                    "write `rolearn: {fixed}`; keep the full ARN (with the path) only for EKS access entries"
                ));
                if let Some((span, src)) = verbatim_node(outer, row.emb, node)
                    && src.matches(arn).count() == 1
                {
                    f.fix(Fix {
                        title: "remove the IAM path from the role ARN".to_string(),
                        edits: vec![Edit {
                            span,
                            replacement: src.replace(arn, &fixed),
                        }],
                        applicability: Applicability::Unsafe,
                    });
                }
            }
        }
    }
}
