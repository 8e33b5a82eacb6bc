use ekslint_manifest::Object;

use super::support::table::KARPENTER;
use super::support::{AWS_GROUP, GROUP};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds Karpenter objects at API versions that Karpenter v1.1 and later no longer serve:
    /// `karpenter.sh/v1alpha5` Provisioners and Machines, `karpenter.k8s.aws/v1alpha1`
    /// AWSNodeTemplates, and `v1beta1` NodePools, NodeClaims and EC2NodeClasses. The finding
    /// points at the `apiVersion` value.
    ///
    /// ## Why is this bad?
    /// Karpenter v1.0 still converts `v1beta1` objects through its conversion webhooks, but "support
    /// will be dropped in v1.1": `kubectl apply` then fails with `no matches for kind`, and the
    /// v1alpha5 kinds were replaced by NodePools and EC2NodeClasses in v0.32 already. A new EKS
    /// cluster gets a current Karpenter, so these manifests do not apply there.
    ///
    /// For a `v1beta1` object the fields change too: the other KARP rules point at each one
    /// (`WhenUnderutilized`, `consolidateAfter`, `expireAfter`, `nodeClassRef`, `kubelet`,
    /// `amiSelectorTerms`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.sh/v1beta1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         name: default
    ///       requirements:
    ///         - key: kubernetes.io/arch
    ///           operator: In
    ///           values: ["amd64"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         group: karpenter.k8s.aws
    ///         kind: EC2NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: kubernetes.io/arch
    ///           operator: In
    ///           values: ["amd64"]
    /// ```
    ///
    /// ## Fix safety
    /// For a `v1beta1` object the fix changes the `apiVersion` to `v1`. It is unsafe: the object
    /// is only valid once the fields the other KARP findings name are migrated as well.
    ///
    /// ## References
    /// - Karpenter v1 migration guide, "Before upgrading to v1.1.0" and the Changelog:
    ///   aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1-migration.md`
    ///   (<https://karpenter.sh/v1.0/upgrading/v1-migration/>)
    /// - v1beta1 migration (Provisioner → NodePool, AWSNodeTemplate → EC2NodeClass):
    ///   `website/content/en/v1.0/upgrading/v1beta1-migration.md`
    pub struct KarpenterPreV1Api {
        code: "KARP001",
        name: "karpenter-pre-v1-api",
        family: Karp,
        severity: Error,
        fix: Sometimes,
        safety: Unsafe,
        summary: "A Karpenter object at an API version that Karpenter v1.1 and later do not serve",
    }
}

/// The known v1 kinds: another version of their group is not served either.
const V1_KINDS: &[(&str, &str)] = &[
    (GROUP, "NodePool"),
    (GROUP, "NodeClaim"),
    (AWS_GROUP, "EC2NodeClass"),
];

impl Rule for KarpenterPreV1Api {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let (Some(api), Some(kind), Some(field)) =
            (obj.api_version(tree), obj.kind_str(tree), obj.api_version)
        else {
            return;
        };
        let group = obj.group(tree);
        if group != GROUP && group != AWS_GROUP {
            return;
        }
        let row = KARPENTER
            .apis
            .iter()
            .find(|a| a.api_version == api && a.kind == kind);
        let (to, to_kind, same_shape) = match row {
            Some(r) => (r.to.clone(), r.to_kind.as_str(), r.same_shape),
            None => {
                // A v1 kind written with another version (`karpenter.sh/v1alpha5` NodePool).
                let version = api.rsplit_once('/').map_or("", |(_, v)| v);
                if version == "v1" || !V1_KINDS.contains(&(group, kind)) {
                    return;
                }
                (format!("{group}/v1"), kind, true)
            }
        };
        let edit = same_shape
            .then(|| super::support::edit::replace_scalar(ctx.text(), tree, field.node, &to))
            .flatten();
        let f = ctx.report(
            field.value,
            format!("`{api}` {kind} is not served by Karpenter v1.1 and later"),
        );
        f.label("not served");
        if same_shape {
            f.help(format!(
                "use `apiVersion: {to}` and migrate the fields the other KARP findings name (Karpenter's v1 migration guide lists every change)"
            ));
        } else {
            f.help(format!(
                "rewrite it as a `{to}` {to_kind} (the v1beta1 and v1 migration guides map every field)"
            ));
        }
        if let Some(edit) = edit {
            f.fix(Fix {
                title: format!("change the apiVersion to `{to}`"),
                edits: vec![edit],
                applicability: Applicability::Unsafe,
            });
        }
    }
}
