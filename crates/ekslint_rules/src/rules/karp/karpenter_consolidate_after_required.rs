use ekslint_manifest::Object;

use super::support::{Version, edit, node_pool};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds NodePools whose `spec.disruption` block has no `consolidateAfter`.
    ///
    /// ## Why is this bad?
    /// Karpenter v1 made `consolidateAfter` required: the API server rejects a NodePool whose
    /// `disruption` block lacks it (`spec.disruption.consolidateAfter: Required value`). In
    /// `v1beta1` it could not even be set together with `WhenUnderutilized`, so every migrated
    /// NodePool that used that policy hits this. A NodePool without any `disruption` block is
    /// fine: the default block has `consolidateAfter: 0s`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   disruption:
    ///     consolidationPolicy: WhenEmptyOrUnderutilized
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
    /// The fix adds `consolidateAfter: 0s`, which "has the same behavior as in v1beta1" for the
    /// underutilized policy. It is safe for a v1 NodePool whose policy is
    /// `WhenEmptyOrUnderutilized` (or the old `WhenUnderutilized`); for other policies, or on a
    /// `v1beta1` object, pick the delay yourself (the fix is unsafe there).
    ///
    /// ## References
    /// - Karpenter v1 migration Changelog, "ConsolidateAfter is required": aws/karpenter-provider-aws
    ///   `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - The v1 NodePool CRD (`disruption.required: [consolidateAfter]`):
    ///   `pkg/apis/crds/karpenter.sh_nodepools.yaml`
    pub struct KarpenterConsolidateAfterRequired {
        code: "KARP003",
        name: "karpenter-consolidate-after-required",
        family: Karp,
        severity: Error,
        fix: Sometimes,
        safety: Mixed,
        summary: "A NodePool's disruption block lacks consolidateAfter, which Karpenter v1 requires",
    }
}

impl Rule for KarpenterConsolidateAfterRequired {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(version) = node_pool(tree, obj) else {
            return;
        };
        let Some(spec) = obj.get(tree, &["spec"]) else {
            return;
        };
        let Some(e) = tree.get_entry(spec, "disruption") else {
            return;
        };
        if !tree.is_map(e.value) || tree.get(e.value, "consolidateAfter").is_some() {
            return;
        }
        let policy = tree
            .get(e.value, "consolidationPolicy")
            .and_then(|n| tree.scalar_text(n));
        let underutilized = matches!(
            policy,
            None | Some("WhenEmptyOrUnderutilized" | "WhenUnderutilized")
        );
        let edit = edit::insert_entry(ctx.text(), tree, e.value, "consolidateAfter", "0s");
        let f = ctx.report(
            tree.span(e.key),
            format!(
                "`spec.disruption` has no `consolidateAfter`, which v1 requires; {}",
                version.verdict()
            ),
        );
        f.label("consolidateAfter missing").help(
            "add `consolidateAfter: 0s` (v1beta1's behaviour for WhenUnderutilized) or the delay you want, e.g. `1m`",
        );
        if let Some(edit) = edit {
            f.fix(Fix {
                title: "add `consolidateAfter: 0s`".to_string(),
                edits: vec![edit],
                applicability: if version == Version::V1 && underutilized {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                },
            });
        }
    }
}
