use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;
use crate::support::aws::{RoleArnError, parse_role_arn};

declare_rule! {
    /// ## What it does
    /// Checks `eks.amazonaws.com/role-arn` on a ServiceAccount: it must be an IAM **role** ARN,
    /// `arn:<partition>:iam::<12-digit account>:role/<optional path/><name>`. Reports, each with its
    /// own message: an unknown partition (the valid ones are `aws`, `aws-cn`, `aws-us-gov`,
    /// `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`), a region filled in
    /// (`iam:us-east-1:`), an account that is not exactly 12 digits (`1111-2222-3333`), an STS
    /// `assumed-role/` session ARN, a `user/`, `group/`, `policy/` or `instance-profile/` ARN, a
    /// bare role name, a role name longer than 64 characters or outside `A-Z a-z 0-9 _ + = , . @ -`,
    /// a bad path, and surrounding whitespace. A path (`role/team-a/s3-reader`) is valid for IRSA.
    /// An empty value means "no role" and is not reported.
    ///
    /// ## Why is this bad?
    /// The EKS pod identity webhook checks the value against a pattern but only logs a warning: it
    /// still injects the bad value as `AWS_ROLE_ARN` into every pod of the ServiceAccount. Nothing
    /// fails at `kubectl apply`; the application fails later, at its first AWS call, with an STS
    /// `AssumeRoleWithWebIdentity` error (`ValidationError`, `InvalidIdentityToken` or
    /// `AccessDenied`). A bare role name is only expanded to an ARN when the webhook runs with
    /// `--compose-role-arn`, which is off by default and not something to rely on with EKS.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:sts::111122223333:assumed-role/s3-reader/botocore-session-1
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
    /// ```
    ///
    /// ## References
    /// - Webhook: the role ARN is only checked with a warning, <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/cache/cache.go>
    /// - IAM role name and path format: <https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html>
    /// - Assign IAM roles to Kubernetes service accounts: <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    pub struct RoleArnFormat {
        code: "IRSA001",
        name: "role-arn-format",
        family: Irsa,
        severity: Error,
        fix: Sometimes,
        safety: Safe,
        summary: "The ServiceAccount's eks.amazonaws.com/role-arn is not a valid IAM role ARN",
    }
}

impl Rule for RoleArnFormat {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !super::support::is_service_account(tree, obj) {
            return;
        }
        let Some(node) = obj.annotation(tree, super::support::ROLE_ARN) else {
            return;
        };
        let Some(value) = tree.scalar_text(node) else {
            ctx.report(
                tree.span(node),
                format!(
                    "`{}` must be a string holding an IAM role ARN, not a {}",
                    super::support::ROLE_ARN,
                    tree.type_name(node)
                ),
            );
            return;
        };
        // A value a templating step fills in later is not the value the webhook will see.
        if crate::support::placeholder::is_placeholder(value) {
            return;
        }
        let span = tree.span(node);
        let trimmed = value.trim();
        if trimmed != value && !trimmed.is_empty() && parse_role_arn(trimmed).is_ok() {
            ctx.report(
                span,
                "the role ARN has surrounding whitespace, which the webhook passes on to AWS_ROLE_ARN and STS rejects",
            )
            .label("remove the spaces")
            .fix(Fix {
                title: "Remove the surrounding whitespace".to_string(),
                edits: vec![Edit {
                    span,
                    replacement: format!("\"{trimmed}\""),
                }],
                applicability: Applicability::Safe,
            });
            return;
        }
        let err = match parse_role_arn(value) {
            Ok(_) | Err(RoleArnError::Empty) => return,
            Err(e) => e,
        };
        let label = match &err {
            RoleArnError::AssumedRole { .. } => "an STS session, not a role",
            RoleArnError::NotRole(_) => "not a role",
            RoleArnError::BareName => "a name, not an ARN",
            RoleArnError::BadAccount(_) => "not a 12-digit account ID",
            RoleArnError::UnknownPartition(_) => "unknown partition",
            RoleArnError::RegionSet(_) => "IAM ARNs have no region",
            _ => "not an IAM role ARN",
        };
        let help = match &err {
            RoleArnError::AssumedRole { role } => Some(format!(
                "an assumed-role ARN (from `aws sts get-caller-identity`) names a session; the role is `arn:<partition>:iam::<account>:role/{role}` (add its path if it has one)"
            )),
            RoleArnError::NotRole(t) if t == "instance-profile" => Some(
                "an instance profile wraps a node role; IRSA needs its own role whose trust policy federates the cluster's OIDC provider".to_string(),
            ),
            RoleArnError::NotRole(_) => Some(
                "IRSA assumes a role: create an IAM role that trusts the cluster's OIDC provider and put its ARN here".to_string(),
            ),
            RoleArnError::BareName => Some(
                "the webhook expands bare names only with --compose-role-arn, which is off by default".to_string(),
            ),
            _ => None,
        };
        let f = ctx.report(
            span,
            format!("`{}`: {}", super::support::ROLE_ARN, err.message()),
        );
        f.label(label);
        if let Some(h) = help {
            f.help(h);
        }
    }
}
