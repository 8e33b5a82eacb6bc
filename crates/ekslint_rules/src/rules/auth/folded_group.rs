use ekslint_manifest::Object;

use super::support::docs;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a group in `mapRoles` or `mapUsers` whose text holds ` - ` or starts with `- `
    /// (two list items folded into one), or that has white space at either end.
    ///
    /// ## Why is this bad?
    /// One extra space before a `- system:nodes` line is not a YAML error: the line continues the
    /// previous item, and the principal gets the single group `system:bootstrappers -
    /// system:nodes` instead of two. It is in neither group, so a node in that role cannot join.
    /// Group names are compared exactly, so surrounding spaces make a group that no RBAC binding
    /// names. The authenticator's test fixture `aws-auth-space-out-of-place.yaml` is this
    /// mistake; this rule reports its folded group on the two lines it spans.
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
    ///         - system:bootstrappers
    ///          - system:nodes
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
    /// - aws-iam-authenticator fixture: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/mapper/configmap/yaml/aws-auth-space-out-of-place.yaml>
    pub struct FoldedGroup {
        code: "AUTH006",
        name: "folded-group",
        family: Auth,
        severity: Error,
        fix: None,
        summary: "A group string holds two list items folded together by an indentation slip, or stray spaces",
        placeholders: Judged,
    }
}

impl Rule for FoldedGroup {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        for doc in docs(ctx, obj) {
            for row in doc.rows() {
                for (g, node) in row.groups() {
                    let span = row.emb.span(node);
                    let folded = g.contains(" - ") || g.starts_with("- ");
                    if folded {
                        let parts: Vec<&str> = g
                            .trim_start_matches("- ")
                            .split(" - ")
                            .map(str::trim)
                            .collect();
                        let listed = parts
                            .iter()
                            .map(|p| format!("`{p}`"))
                            .collect::<Vec<_>>()
                            .join(" and ");
                        ctx.report(
                            span,
                            format!(
                                "the group `{g}` is one string: an indentation slip folded list items together, so the principal is in none of {listed}"
                            ),
                        )
                        .label("one group, not several")
                        .help("start every `- ` item of `groups` at the same column");
                    } else if g.trim() != g {
                        ctx.report(
                            span,
                            format!(
                                "the group `{g}` has white space at its ends: group names are compared exactly, so it matches no RBAC binding for `{}`",
                                g.trim()
                            ),
                        )
                        .label("stray white space");
                    }
                }
            }
        }
    }
}
