use ekslint_manifest::Object;

use super::support::{Version, edit, node_pool};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds NodePools with `spec.disruption.consolidationPolicy: WhenUnderutilized`, the
    /// `v1beta1` name of the policy that Karpenter v1 calls `WhenEmptyOrUnderutilized`.
    ///
    /// ## Why is this bad?
    /// Karpenter v1 renamed the policy, and the v1 CRD allows only `WhenEmpty`,
    /// `WhenEmptyOrUnderutilized` and `Balanced`: the API server rejects the NodePool with
    /// `Unsupported value: "WhenUnderutilized"`. A `v1beta1` NodePool must change it when it
    /// moves to `karpenter.sh/v1`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   disruption:
    ///     consolidationPolicy: WhenUnderutilized
    ///     consolidateAfter: 0s
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
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   disruption:
    ///     consolidationPolicy: WhenEmptyOrUnderutilized
    ///     consolidateAfter: 0s
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
    /// The rename keeps the policy's meaning. It is safe on a `karpenter.sh/v1` NodePool; on a
    /// `v1beta1` one it is unsafe alone (v1beta1 only knows the old name), so apply it together
    /// with the apiVersion change of KARP001.
    ///
    /// ## References
    /// - Karpenter v1 migration Changelog, "API Rename": aws/karpenter-provider-aws
    ///   `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - The v1 NodePool CRD's `consolidationPolicy` enum:
    ///   `pkg/apis/crds/karpenter.sh_nodepools.yaml`
    /// - kubernetes-sigs/karpenter PR #1587 ("Unsupported value WhenUnderutilized")
    pub struct KarpenterConsolidationPolicyRenamed {
        code: "KARP002",
        name: "karpenter-consolidation-policy-renamed",
        family: Karp,
        severity: Error,
        fix: Always,
        safety: Mixed,
        summary: "A NodePool uses consolidationPolicy WhenUnderutilized, which v1 renamed to WhenEmptyOrUnderutilized",
    }
}

const OLD: &str = "WhenUnderutilized";
const NEW: &str = "WhenEmptyOrUnderutilized";

impl Rule for KarpenterConsolidationPolicyRenamed {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(version) = node_pool(tree, obj) else {
            return;
        };
        let Some(d) = obj.get(tree, &["spec", "disruption"]) else {
            return;
        };
        let Some(e) = tree.get_entry(d, "consolidationPolicy") else {
            return;
        };
        if tree.scalar_text(e.value) != Some(OLD) {
            return;
        }
        let edit = edit::replace_value(ctx.text(), tree, d, &e, NEW);
        let f = ctx.report(
            tree.span(e.value),
            format!(
                "`consolidationPolicy: {OLD}` is the v1beta1 name of `{NEW}`; {}",
                version.verdict()
            ),
        );
        f.label("renamed in v1").help(format!("write `{NEW}`"));
        if let Some(edit) = edit {
            f.fix(Fix {
                title: format!("rename to `{NEW}`"),
                edits: vec![edit],
                applicability: if version == Version::V1 {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                },
            });
        }
    }
}
