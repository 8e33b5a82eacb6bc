use ekslint_manifest::Object;

use super::support::{Section, docs};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports `mapRoles` entries with the same `rolearn` (compared case-insensitively) and
    /// `mapUsers` entries with the same `userarn`, on every entry except the one that applies.
    ///
    /// ## Why is this bad?
    /// The authenticator stores role mappings in a map keyed by the lower-cased `rolearn`, filled
    /// in list order: the last entry wins and the earlier ones vanish without a trace, groups and
    /// username included. For users, exact duplicates behave the same way; user ARNs that differ
    /// only in case are all kept but looked up case-insensitively, so which one applies is
    /// undefined.
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
    ///     - rolearn: arn:aws:iam::111122223333:role/ops
    ///       username: ops
    ///       groups: [ops-admins]
    ///     - rolearn: arn:aws:iam::111122223333:role/OPS
    ///       username: ops-view
    ///       groups: [viewers]
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
    ///     - rolearn: arn:aws:iam::111122223333:role/ops
    ///       username: ops
    ///       groups: [ops-admins, viewers]
    /// ```
    ///
    /// ## References
    /// - aws-iam-authenticator, storing the mappings: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/mapper/configmap/configmap.go>
    pub struct DuplicateArn {
        code: "AUTH009",
        name: "duplicate-arn",
        family: Auth,
        severity: Warning,
        fix: None,
        summary: "Two aws-auth mappings for the same role or user ARN: only one of them applies",
        placeholders: Judged,
    }
}

impl Rule for DuplicateArn {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        for doc in docs(ctx, obj) {
            let rows = doc.rows();
            let field = doc.section.arn_field();
            for (i, row) in rows.iter().enumerate() {
                let Some((arn, node)) = row.arn() else {
                    continue;
                };
                // The last mapping with this ARN (case-insensitively) after this one.
                let Some(later) = rows[i + 1..]
                    .iter()
                    .rev()
                    .find(|r| r.arn().is_some_and(|(a, _)| a.eq_ignore_ascii_case(arn)))
                else {
                    continue;
                };
                let (later_arn, later_node) = later.arn().expect("found by its ARN");
                let same_case = later_arn == arn;
                let msg = if doc.section == Section::Roles || same_case {
                    format!(
                        "{} has the same `{field}` as {}{}: the last one wins, so this mapping is ignored",
                        row.describe(),
                        later.describe(),
                        if same_case {
                            ""
                        } else {
                            " (compared case-insensitively)"
                        }
                    )
                } else {
                    format!(
                        "{} and {} have `{field}`s that differ only in case: the authenticator looks users up case-insensitively, so which of them applies is undefined",
                        row.describe(),
                        later.describe()
                    )
                };
                ctx.report(row.emb.span(node), msg)
                    .label("ignored")
                    .with_label(row.emb.span(later_node), "this mapping wins")
                    .help("merge the two entries into one (their groups together)");
            }
        }
    }
}
