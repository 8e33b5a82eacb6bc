use ekslint_manifest::Object;

use super::support::{Section, docs};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::aws::{Arn, RoleArnError, parse_role_arn};

declare_rule! {
    /// ## What it does
    /// Reports an ARN of the wrong type or form in `aws-auth`:
    /// - a `rolearn` that is an STS session ARN (`arn:aws:sts::…:assumed-role/…`), an IAM user,
    ///   group or instance-profile ARN, a bare role name, a placeholder, or an ARN with a bad
    ///   partition, region or account (the same role ARN parser as IRSA001);
    /// - a `userarn` that is not an IAM user (or account root) ARN: a role, an assumed role, a group.
    ///
    /// ## Why is this bad?
    /// The authenticator compares the caller's canonical IAM ARN with the mapping. An STS session
    /// ARN never equals it (sessions are turned into their role ARN first), IAM groups are not
    /// principals and never authenticate, and a node's instance profile is not the identity the
    /// node signs with: its role is. Any of these makes the mapping match nothing.
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
    ///     - rolearn: arn:aws:iam::111122223333:instance-profile/eks-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups:
    ///         - system:bootstrappers
    ///         - system:nodes
    ///   mapUsers: |
    ///     - userarn: arn:aws:iam::111122223333:group/admins
    ///       username: admins
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
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups:
    ///         - system:bootstrappers
    ///         - system:nodes
    ///   mapUsers: |
    ///     - userarn: arn:aws:iam::111122223333:user/jane
    ///       username: jane
    ///       groups:
    ///         - cluster-admins
    /// ```
    ///
    /// ## References
    /// - EKS user guide, aws-auth ConfigMap: <https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html>
    /// - aws-iam-authenticator ARN canonicalization: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/arn/arn.go>
    pub struct ArnWrongType {
        code: "AUTH008",
        name: "arn-wrong-type",
        family: Auth,
        severity: Error,
        fix: None,
        summary: "A rolearn or userarn is not an IAM role or user ARN of the right form, so the mapping matches nothing",
        placeholders: Judged,
    }
}

/// Why a `rolearn` can never match, in aws-auth's words.
fn role_problem(arn: &str) -> Option<String> {
    let err = parse_role_arn(arn).err()?;
    Some(match &err {
        RoleArnError::AssumedRole { role } => format!(
            "`rolearn` is an STS assumed-role session ARN: the authenticator compares against the role's IAM ARN (`…:iam::<account>:role/{role}`), so this never matches"
        ),
        RoleArnError::NotRole(t) if t == "user" => {
            "`rolearn` is an IAM user ARN: map users under `mapUsers` with `userarn`".to_string()
        }
        RoleArnError::NotRole(t) if t == "group" => {
            "`rolearn` is an IAM group ARN: groups are not principals and cannot be mapped; map the group's users or a role they assume".to_string()
        }
        RoleArnError::NotRole(t) if t == "instance-profile" => {
            "`rolearn` is an instance profile ARN: nodes authenticate as the instance profile's role, so map the role ARN (`…:role/<name>`)".to_string()
        }
        _ if arn.starts_with('<') || arn.contains(' ') => format!(
            "`rolearn` is not an ARN (`{arn}` looks like a placeholder): write the IAM role ARN"
        ),
        other => wrong("rolearn", &other.message()),
    })
}

/// Why a `userarn` can never match.
fn user_problem(arn: &str) -> Option<String> {
    let Some(a) = Arn::parse(arn) else {
        return Some(if arn.starts_with('<') || arn.contains(' ') {
            format!(
                "`userarn` is not an ARN (`{arn}` looks like a placeholder): write the IAM user ARN"
            )
        } else {
            "`userarn` is not an ARN: expected `arn:<partition>:iam::<12-digit account>:user/<name>`"
                .to_string()
        });
    };
    if !a.known_partition() {
        return Some(wrong(
            "userarn",
            &RoleArnError::UnknownPartition(a.partition.into()).message(),
        ));
    }
    if a.service == "sts" && a.resource.starts_with("assumed-role/") {
        return Some(
            "`userarn` is an STS assumed-role session ARN: map the role under `mapRoles` with `rolearn`".to_string(),
        );
    }
    if a.service != "iam" {
        return Some(format!(
            "`userarn` is an ARN for service `{}`; a user ARN has `iam` there",
            a.service
        ));
    }
    if !a.region.is_empty() {
        return Some(format!(
            "`userarn` has the region `{}`; IAM ARNs have an empty region (`iam::`)",
            a.region
        ));
    }
    if a.account.len() != 12 || !a.account.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "`userarn` has `{}`, which is not a 12-digit AWS account ID",
            a.account
        ));
    }
    let kind = a.resource.split('/').next().unwrap_or("");
    match kind {
        "user" if a.resource.len() > 5 => None,
        "root" if a.resource == "root" => None,
        "role" => Some("`userarn` is an IAM role ARN: map roles under `mapRoles` with `rolearn`".to_string()),
        "group" => Some(
            "`userarn` is an IAM group ARN: groups are not principals and cannot be mapped; map each user".to_string(),
        ),
        _ => Some(format!("`userarn` is an IAM `{kind}` ARN, not a user ARN")),
    }
}

fn wrong(field: &str, message: &str) -> String {
    format!("`{field}` is wrong: {message}")
}

impl Rule for ArnWrongType {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        for doc in docs(ctx, obj) {
            for row in doc.rows() {
                let Some((arn, node)) = row.arn() else {
                    continue;
                };
                let problem = match row.section {
                    Section::Roles => role_problem(arn),
                    Section::Users => user_problem(arn),
                    Section::Accounts => None,
                };
                if let Some(msg) = problem {
                    ctx.report(
                        row.emb.span(node),
                        format!("{msg}; the mapping matches nothing"),
                    )
                    .label("wrong ARN");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_and_user_arns() {
        assert!(role_problem("arn:aws:iam::111122223333:role/x").is_none());
        assert!(role_problem("arn:aws:iam::111122223333:role/a/b/x").is_none());
        for bad in [
            "arn:aws:sts::111122223333:assumed-role/x/s",
            "arn:aws:iam::111122223333:user/x",
            "arn:aws:iam::111122223333:group/x",
            "arn:aws:iam::111122223333:instance-profile/x",
            "<ARN of instance role (not instance profile)>",
            "arn:aws:iam::1234:role/x",
        ] {
            assert!(role_problem(bad).is_some(), "{bad}");
        }
        assert!(user_problem("arn:aws:iam::111122223333:user/admin").is_none());
        assert!(user_problem("arn:aws:iam::111122223333:user/path/admin").is_none());
        assert!(user_problem("arn:aws:iam::111122223333:root").is_none());
        for bad in [
            "arn:aws:iam::111122223333:role/x",
            "arn:aws:iam::111122223333:group/x",
            "arn:aws:sts::111122223333:assumed-role/x/s",
            "admin",
            "arn:aws:iam:us-east-1:111122223333:user/x",
        ] {
            assert!(user_problem(bad).is_some(), "{bad}");
        }
    }
}
