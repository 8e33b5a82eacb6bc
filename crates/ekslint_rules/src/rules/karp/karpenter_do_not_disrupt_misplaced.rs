use ekslint_manifest::Object;

use super::karpenter_removed_annotation::annotation_maps;
use super::support::go_duration_positive;
use super::support::table::{KARPENTER, On};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds `karpenter.sh/do-not-disrupt` (and its removed predecessors) where Karpenter never
    /// reads it: in a Deployment's, StatefulSet's, Job's or other workload's own
    /// `metadata.annotations` instead of its pod template's. Also finds values Karpenter
    /// ignores: on pods anything but `"true"` or a positive duration (`"30m"`), on nodes and
    /// NodePool templates anything but `"true"`.
    ///
    /// ## Why is this bad?
    /// Karpenter looks at the annotation on each pod (and node). On the workload object it
    /// protects nothing, and a value such as `"yes"` or `"True"` counts as if the annotation
    /// were absent (Karpenter only emits an event): the pods are evicted when their node is
    /// consolidated, drifts or expires.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: db
    ///   annotations:
    ///     karpenter.sh/do-not-disrupt: "true"
    /// spec:
    ///   serviceName: db
    ///   selector:
    ///     matchLabels: {app: db}
    ///   template:
    ///     metadata:
    ///       labels: {app: db}
    ///     spec:
    ///       containers:
    ///         - name: db
    ///           image: public.ecr.aws/docker/library/postgres:16
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: db
    /// spec:
    ///   serviceName: db
    ///   selector:
    ///     matchLabels: {app: db}
    ///   template:
    ///     metadata:
    ///       labels: {app: db}
    ///       annotations:
    ///         karpenter.sh/do-not-disrupt: "true"
    ///     spec:
    ///       containers:
    ///         - name: db
    ///           image: public.ecr.aws/docker/library/postgres:16
    /// ```
    ///
    /// ## References
    /// - How Karpenter reads the annotation on pods (`"true"` or a positive Go duration) and
    ///   nodes (`"true"`): kubernetes-sigs/karpenter `pkg/utils/pod/scheduling.go`,
    ///   `pkg/controllers/state/statenode.go`
    /// - Karpenter disruption docs, "Pod-level controls": <https://karpenter.sh/docs/concepts/disruption/>
    pub struct KarpenterDoNotDisruptMisplaced {
        code: "KARP016",
        name: "karpenter-do-not-disrupt-misplaced",
        family: Karp,
        severity: Warning,
        fix: None,
        summary: "karpenter.sh/do-not-disrupt on a workload object instead of its pod template, or with a value Karpenter ignores",
    }
}

impl Rule for KarpenterDoNotDisruptMisplaced {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let key = KARPENTER.do_not_disrupt.as_str();
        let kind = obj.kind_str(tree).unwrap_or("");
        // On the workload object itself.
        if kind != "Pod" && obj.is_workload(tree) {
            let on_template = obj
                .pod_metadata(tree)
                .and_then(|m| tree.get(m, "annotations"))
                .is_some_and(|a| tree.get(a, key).is_some());
            for (k, e) in tree.string_entries(obj.get(tree, &["metadata", "annotations"])) {
                let karpenter_key =
                    k == key || KARPENTER.removed_annotations.iter().any(|r| r.key == k);
                if karpenter_key && !on_template {
                    ctx.report(
                        tree.span(e.key),
                        format!("Karpenter reads `{k}` from each pod, not from the {kind}: here it protects nothing"),
                    )
                    .label(format!("on the {kind}, not its pods"))
                    .help(format!("put `{key}: \"true\"` in `spec.template.metadata.annotations`"));
                }
            }
        }
        // Values Karpenter ignores.
        for (ann, on) in annotation_maps(tree, obj) {
            let Some(v) = tree.get(ann, key) else {
                continue;
            };
            let Some(value) = tree.scalar_text(v) else {
                continue;
            };
            if crate::support::placeholder::is_placeholder(value) || value == "true" {
                continue;
            }
            let (ok, what) = match on {
                On::Pod => (
                    go_duration_positive(value) == Some(true),
                    "on a pod only `\"true\"` or a positive duration such as `\"30m\"` counts",
                ),
                On::Node => (false, "on a node only `\"true\"` counts"),
            };
            if ok {
                continue;
            }
            ctx.report(
                tree.span(v),
                format!("Karpenter ignores `{key}: {value}`: {what}"),
            )
            .label("ignored value")
            .help(format!("write `{key}: \"true\"`"));
        }
    }
}
