use ekslint_manifest::Object;

use super::support::{Section, TABLE, is_config_map};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a ConfigMap that holds aws-auth mappings where the authenticator never looks: a
    /// ConfigMap named `aws-auth` in another namespace than `kube-system`, and a ConfigMap with
    /// `mapRoles`, `mapUsers` or `mapAccounts` data whose name is a near miss (`aws_auth`,
    /// `awsauth`, `aws-auth-cm`) or that sits in `kube-system` under another name.
    ///
    /// A missing `metadata.namespace` is not reported: kustomize and `kubectl apply -n` often set it.
    ///
    /// ## Why is this bad?
    /// aws-iam-authenticator watches exactly one object, `kube-system/aws-auth` (a field selector
    /// on the name, in the `kube-system` namespace). Any other name or namespace is ignored, so
    /// none of the mappings in it exist: the principals cannot authenticate.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: default
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// ```
    ///
    /// ## References
    /// - aws-iam-authenticator, the watched object: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/mapper/configmap/configmap.go>
    /// - EKS user guide, aws-auth ConfigMap: <https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html>
    pub struct AwsAuthLocation {
        code: "AUTH001",
        name: "aws-auth-location",
        family: Auth,
        severity: Error,
        fix: None,
        summary: "aws-auth mappings in a ConfigMap with another name or namespace than kube-system/aws-auth are ignored",
        placeholders: Judged,
    }
}

/// Letters and digits of a name, lower-cased (`aws_auth` → `awsauth`).
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Rule for AwsAuthLocation {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !is_config_map(tree, obj) {
            return;
        }
        let want_ns = TABLE.object.namespace.as_str();
        let want_name = TABLE.object.name.as_str();
        let name = obj.name_str(tree).unwrap_or("");
        let ns = obj.namespace_str(tree);
        if name == want_name {
            if let (Some(ns), Some(f)) = (ns, obj.namespace)
                && ns != want_ns
            {
                ctx.report(
                    f.value,
                    format!(
                        "the authenticator reads only `{want_ns}/{want_name}`; this `aws-auth` in namespace `{ns}` is ignored, so none of its mappings apply"
                    ),
                )
                .label(format!("must be `{want_ns}`"));
            }
            return;
        }
        let holds_mappings = obj
            .get(tree, &["data"])
            .and_then(|d| tree.entries(d))
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| tree.scalar_text(e.key))
            .any(|k| Section::ALL.iter().any(|s| s.key().eq_ignore_ascii_case(k)));
        if !holds_mappings {
            return;
        }
        let near = squash(name).contains(&squash(want_name));
        if !(near || ns == Some(want_ns)) {
            return;
        }
        let Some(f) = obj.name else { return };
        ctx.report(
            f.value,
            format!(
                "this ConfigMap holds aws-auth mappings, but the authenticator reads only the ConfigMap named `{want_name}` in `{want_ns}`; `{name}` is ignored"
            ),
        )
        .label(format!("must be `{want_name}`"));
    }
}
