use ekslint_manifest::Object;

use super::support::{Section, aws_auth_data};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;
use crate::support::suggest::is_typo_of;

declare_rule! {
    /// ## What it does
    /// Reports an `aws-auth` data key that nearly matches `mapRoles`, `mapUsers` or
    /// `mapAccounts`: a different case (`maproles`, `MapRoles`), a singular (`mapRole`), an
    /// underscore (`map_roles`) or a typo of one or two letters.
    ///
    /// Other unknown keys are not reported (the authenticator ignores them, and some tools add
    /// their own).
    ///
    /// ## Why is this bad?
    /// The three keys are case-sensitive, and any other key is silently ignored: none of the
    /// mappings under a misspelled key exist. The authenticator's own test fixtures
    /// `aws-auth-lower-case-top-keys.yaml` (`maproles`, `mapusers`, `mapaccounts`) and
    /// `aws-auth-crazy-case-top-keys.yaml` (`MaPrOlEs`, `mApUsErS`, `MaPrCcOuNtS`) exist to prove
    /// that such a ConfigMap yields no mappings at all; this rule flags every one of those keys.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   maproles: |
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-nodes
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
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups:
    ///         - system:bootstrappers
    ///         - system:nodes
    /// ```
    ///
    /// ## Fix safety
    /// Renaming the key turns on mappings that were ignored until now (it may grant access), so
    /// the fix is unsafe: review the mappings first. It is offered only when the correct key is not
    /// already present.
    ///
    /// ## References
    /// - aws-iam-authenticator fixtures: <https://github.com/kubernetes-sigs/aws-iam-authenticator/tree/master/pkg/mapper/configmap/yaml>
    /// - aws-iam-authenticator, reading the keys: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/mapper/configmap/configmap.go>
    pub struct DataKeyCase {
        code: "AUTH002",
        name: "data-key-case",
        family: Auth,
        severity: Error,
        fix: Sometimes,
        safety: Unsafe,
        summary: "An aws-auth data key that nearly matches mapRoles, mapUsers or mapAccounts is ignored",
        placeholders: Judged,
    }
}

/// The section a misspelled key was meant to be.
pub(crate) fn meant(key: &str) -> Option<Section> {
    if Section::ALL.iter().any(|s| s.key() == key) {
        return None;
    }
    let norm: String = key
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' ' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Section::ALL.into_iter().find(|s| {
        let want = s.key().to_ascii_lowercase();
        norm == want
            || want.strip_suffix('s') == Some(&norm)
            || (norm.starts_with("map") && is_typo_of(&norm, &want))
    })
}

impl Rule for DataKeyCase {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(data) = aws_auth_data(tree, obj) else {
            return;
        };
        for e in tree.entries(data).unwrap_or(&[]) {
            if e.merged {
                continue;
            }
            let Some(key) = tree.scalar_text(e.key) else {
                continue;
            };
            let Some(section) = meant(key) else { continue };
            let right = section.key();
            let span = tree.span(e.key);
            let existing = tree.get_entry(data, right);
            let f = ctx.report(
                span,
                format!(
                    "`{key}` is not `{right}`: aws-auth data keys are case-sensitive, so the authenticator ignores this key and none of its mappings exist"
                ),
            );
            f.label(format!("did you mean `{right}`?"));
            match existing {
                Some(other) => {
                    f.with_label(tree.span(other.key), format!("`{right}` is also set here"));
                    f.help(format!(
                        "move these entries into `{right}` and delete `{key}`"
                    ));
                }
                None => {
                    f.help(format!("rename the key to `{right}`"));
                    f.fix(Fix {
                        title: format!("rename `{key}` to `{right}`"),
                        edits: vec![Edit {
                            span,
                            replacement: right.to_string(),
                        }],
                        applicability: Applicability::Unsafe,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses() {
        for (k, s) in [
            ("maproles", Section::Roles),
            ("MapRoles", Section::Roles),
            ("MaPrOlEs", Section::Roles),
            ("mapRole", Section::Roles),
            ("map_roles", Section::Roles),
            ("mApUsErS", Section::Users),
            ("mapusers", Section::Users),
            ("MaPrCcOuNtS", Section::Accounts),
            ("mapAccount", Section::Accounts),
        ] {
            assert_eq!(meant(k), Some(s), "{k}");
        }
        for k in [
            "mapRoles",
            "mapUsers",
            "mapAccounts",
            "other",
            "roles",
            "config",
        ] {
            assert_eq!(meant(k), None, "{k}");
        }
    }
}
