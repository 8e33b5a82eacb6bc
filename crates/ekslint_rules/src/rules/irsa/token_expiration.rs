use ekslint_manifest::{NodeId, Object};

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::go::{IntError, parse_go_int};

declare_rule! {
    /// ## What it does
    /// Checks `eks.amazonaws.com/token-expiration` on a ServiceAccount and on a pod (template): it
    /// must be a whole number of seconds in base 10 (`3600`, not `1h`, `3600s` or `1e4`), at least
    /// 600 and at most 86400.
    ///
    /// ## Why is this bad?
    /// The EKS pod identity webhook parses the value with Go's `strconv.ParseInt` in base 10. A value
    /// that does not parse is ignored without a message and the default (86400 seconds) is used.
    /// A value below 600 is raised to 600. 86400 (24 hours) is the most EKS allows; the webhook does
    /// not clamp larger values, and the API server shortens the token to its own maximum. In every
    /// case the token does not live as long as the manifest says.
    ///
    /// The webhook's test fixture `pkg/handler/testdata/rawPodMinTokenExpiration.pod.yaml` sets
    /// `"0"` to test the raise to 600; ekslint reports it as below the minimum.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    ///     eks.amazonaws.com/token-expiration: "1h"
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
    ///     eks.amazonaws.com/token-expiration: "3600"
    /// ```
    ///
    /// ## References
    /// - Webhook, parsing (`pkg/cache/cache.go`): <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/cache/cache.go>
    /// - Webhook, minimum and maximum: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/constants.go>
    /// - The table: `rules/irsa/irsa.yaml` (`token_expiration`)
    pub struct TokenExpiration {
        code: "IRSA007",
        name: "token-expiration",
        family: Irsa,
        severity: Warning,
        fix: Sometimes,
        safety: Safe,
        summary: "eks.amazonaws.com/token-expiration is not whole seconds between 600 and 86400, so another value is used",
    }
}

/// `3600s` → 3600, `1h` → 3600, `90m` → 5400: what the author meant, when obvious.
fn meant_seconds(s: &str) -> Option<i64> {
    let (num, mult) = match s.char_indices().last()? {
        (i, 's') => (&s[..i], 1),
        (i, 'm') => (&s[..i], 60),
        (i, 'h') => (&s[..i], 3600),
        _ => return None,
    };
    parse_go_int(num, 64).ok().map(|n| n * mult)
}

impl Rule for TokenExpiration {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let meta: Option<NodeId> = if super::support::is_service_account(tree, obj) {
            obj.get(tree, &["metadata"])
        } else if obj.is_workload(tree) {
            obj.pod_metadata(tree)
        } else {
            return;
        };
        let Some(node) =
            meta.and_then(|m| tree.path(m, &["annotations", super::support::TOKEN_EXPIRATION]))
        else {
            return;
        };
        let Some(value) = tree.scalar_text(node) else {
            return;
        };
        let limits = &super::support::TABLE.token_expiration;
        let (min, max, default) = (limits.min, limits.max, limits.default);
        let span = tree.span(node);
        match parse_go_int(value, 64) {
            Err(e) => {
                let why = match e {
                    IntError::Syntax => "is not a whole number of seconds",
                    IntError::Range => "is out of range",
                };
                let f = ctx.report(
                    span,
                    format!(
                        "`{}` `{value}` {why}; the webhook ignores it and uses the default, {default} seconds",
                        super::support::TOKEN_EXPIRATION
                    ),
                );
                f.label("not base-10 seconds");
                if let Some(n) = meant_seconds(value).filter(|n| (min..=max).contains(n)) {
                    f.help(format!("write the number of seconds: \"{n}\"")).fix(
                        crate::finding::Fix {
                            title: format!("Write {n} seconds"),
                            edits: vec![crate::finding::Edit {
                                span,
                                replacement: format!("\"{n}\""),
                            }],
                            applicability: crate::finding::Applicability::Safe,
                        },
                    );
                }
            }
            Ok(n) if n < min => {
                ctx.report(
                    span,
                    format!(
                        "`{}` {n} is below the minimum; the webhook raises it to {min} seconds",
                        super::support::TOKEN_EXPIRATION
                    ),
                )
                .label(format!("at least {min}"));
            }
            Ok(n) if n > max => {
                ctx.report(
                    span,
                    format!(
                        "`{}` {n} is above the EKS maximum of {max} seconds (24 hours); the token will not live that long",
                        super::support::TOKEN_EXPIRATION
                    ),
                )
                .label(format!("at most {max}"));
            }
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn meant() {
        assert_eq!(super::meant_seconds("3600s"), Some(3600));
        assert_eq!(super::meant_seconds("1h"), Some(3600));
        assert_eq!(super::meant_seconds("90m"), Some(5400));
        assert_eq!(super::meant_seconds("1e4"), None);
        assert_eq!(super::meant_seconds(""), None);
    }
}
