use ekslint_manifest::Object;

use super::support::{Version, edit, node_pool};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds NodePools with `spec.disruption.expireAfter`, which Karpenter v1 moved to
    /// `spec.template.spec.expireAfter`.
    ///
    /// ## Why is this bad?
    /// The v1 NodePool has no `disruption.expireAfter`: `kubectl apply` rejects the unknown field
    /// (strict field validation) or the API server drops it, and the nodes expire after the
    /// default 720h instead of the value you set. In v1 the field is part of the node template
    /// and drift-able: changing it rolls the nodes.
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
    ///     consolidateAfter: 0s
    ///     expireAfter: 168h
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
    ///       expireAfter: 168h
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
    /// The fix moves the line to `spec.template.spec` when both are block maps and the template
    /// has no `expireAfter` yet. It is safe on a v1 NodePool; on a `v1beta1` one (where the old
    /// place is right) it is unsafe alone, so apply it with KARP001's apiVersion change.
    ///
    /// ## References
    /// - Karpenter v1 migration Changelog, "API Moves": aws/karpenter-provider-aws
    ///   `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - The v1 NodePool CRD (`template.spec.expireAfter`, default 720h):
    ///   `pkg/apis/crds/karpenter.sh_nodepools.yaml`
    pub struct KarpenterExpireAfterMoved {
        code: "KARP004",
        name: "karpenter-expire-after-moved",
        family: Karp,
        severity: Error,
        fix: Sometimes,
        safety: Mixed,
        summary: "A NodePool sets spec.disruption.expireAfter, which Karpenter v1 moved to spec.template.spec.expireAfter",
    }
}

impl Rule for KarpenterExpireAfterMoved {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(version) = node_pool(tree, obj) else {
            return;
        };
        let Some(d) = obj.get(tree, &["spec", "disruption"]) else {
            return;
        };
        let Some(e) = tree.get_entry(d, "expireAfter") else {
            return;
        };
        let text = ctx.text();
        let template = obj.get(tree, &["spec", "template", "spec"]);
        let edits = template
            .filter(|t| tree.get(*t, "expireAfter").is_none())
            .and_then(|t| {
                let value = edit::scalar_source(text, tree, e.value)?;
                let remove = edit::remove_entry(text, tree, d, &e)?;
                let insert = edit::insert_entry(text, tree, t, "expireAfter", value)?;
                Some(vec![remove, insert])
            });
        let f = ctx.report(
            tree.span(e.key),
            format!(
                "v1 moved `expireAfter` from `spec.disruption` to `spec.template.spec`; {}",
                version.verdict()
            ),
        );
        f.label("moved in v1")
            .help("move it to `spec.template.spec.expireAfter` (changing it there rolls the nodes: it is drift-able)");
        if let Some(edits) = edits {
            f.fix(Fix {
                title: "move `expireAfter` to `spec.template.spec`".to_string(),
                edits,
                applicability: if version == Version::V1 {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                },
            });
        }
    }
}
