use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::go::parse_go_bool;
use crate::support::quotes::curly_quoted;

declare_rule! {
    /// ## What it does
    /// Checks two ServiceAccount annotations. `eks.amazonaws.com/sts-regional-endpoints` must be a
    /// value Go's `strconv.ParseBool` accepts (`true`, `false`, `1`, `0`, `t`, `f`, `TRUE`,
    /// `True`, …; not `yes`, `on` or `enabled`). `eks.amazonaws.com/audience` other than
    /// `sts.amazonaws.com` is reported too.
    ///
    /// ## Why is this bad?
    /// A value of `sts-regional-endpoints` that does not parse is ignored without a message and the
    /// webhook's default is used, so `AWS_STS_REGIONAL_ENDPOINTS=regional` may not be injected.
    ///
    /// The audience is written into the projected token. STS accepts it only if it is a client ID
    /// of the cluster's IAM OIDC provider and matches the role trust policy's `:aud` condition; the
    /// EKS guide registers `sts.amazonaws.com`, so any other audience needs both changed as well,
    /// or every `AssumeRoleWithWebIdentity` call fails with `InvalidIdentityToken`.
    ///
    /// The webhook's example `hack/example-app.yaml` uses `eks.amazonaws.com/audience:
    /// beta-sts.amazonaws.com`, a pre-release STS audience; ekslint reports it there.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    ///     eks.amazonaws.com/sts-regional-endpoints: "yes"
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
    ///     eks.amazonaws.com/sts-regional-endpoints: "true"
    /// ```
    ///
    /// ## References
    /// - Webhook, annotation parsing: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/cache/cache.go>
    /// - EKS guide, STS endpoint: <https://docs.aws.amazon.com/eks/latest/userguide/configure-sts-endpoint.html>
    /// - EKS guide, OIDC provider audience: <https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html>
    pub struct StsEndpointOrAudience {
        code: "IRSA008",
        name: "sts-endpoint-or-audience",
        family: Irsa,
        severity: Warning,
        fix: Sometimes,
        safety: Safe,
        summary: "eks.amazonaws.com/sts-regional-endpoints is not a Go boolean, or eks.amazonaws.com/audience is not sts.amazonaws.com",
    }
}

impl Rule for StsEndpointOrAudience {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !super::support::is_service_account(tree, obj) {
            return;
        }
        if let Some(node) = obj.annotation(tree, super::support::STS_REGIONAL) {
            let value = tree.scalar_text(node).unwrap_or("");
            if parse_go_bool(value).is_none() {
                let span = tree.span(node);
                let meant = curly_quoted(value).or(match value.to_ascii_lowercase().as_str() {
                    "yes" | "on" | "enabled" | "enable" | "y" => Some("true"),
                    "no" | "off" | "disabled" | "disable" | "n" => Some("false"),
                    "true" => Some("true"),
                    "false" => Some("false"),
                    _ => None,
                });
                let f = ctx.report(
                    span,
                    format!(
                        "`{}` `{value}` is not a boolean the webhook can parse; it is ignored and the webhook's default is used",
                        super::support::STS_REGIONAL
                    ),
                );
                f.label("use \"true\" or \"false\"");
                if let Some(m) = meant.filter(|m| parse_go_bool(m).is_some()) {
                    f.fix(crate::finding::Fix {
                        title: format!("Write \"{m}\""),
                        edits: vec![crate::finding::Edit {
                            span,
                            replacement: format!("\"{m}\""),
                        }],
                        applicability: crate::finding::Applicability::Safe,
                    });
                }
            }
        }
        if let Some(node) = obj.annotation(tree, super::support::AUDIENCE) {
            let value = tree.scalar_text(node).unwrap_or("");
            let want = &super::support::TABLE.default_audience;
            if value != want {
                ctx.report(
                    tree.span(node),
                    format!(
                        "audience `{value}` is not `{want}`: STS rejects the token unless the cluster's OIDC provider lists this client ID and the role's trust policy `:aud` condition matches it"
                    ),
                )
                .label("non-default audience")
                .help(format!(
                    "remove the annotation to use `{want}`, or add `{value}` to the OIDC provider's audiences and the trust policy"
                ));
            }
        }
    }
}
