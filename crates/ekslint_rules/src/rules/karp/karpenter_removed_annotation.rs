use ekslint_manifest::{NodeId, Object, Tree};

use super::support::table::{KARPENTER, On};
use super::support::{edit, node_pool};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds the annotations Karpenter v1 removed, `karpenter.sh/do-not-evict` and
    /// `karpenter.sh/do-not-consolidate`, where Karpenter used to read them: on pods and pod
    /// templates, on Nodes, and in a NodePool's `spec.template.metadata.annotations` (which
    /// Karpenter copies to its nodes).
    ///
    /// ## Why is this bad?
    /// "`karpenter.sh/do-not-consolidate` and `karpenter.sh/do-not-evict` are both replaced by
    /// `karpenter.sh/do-not-disrupt`." Karpenter v1 ignores the old keys without a word: the pods
    /// they were meant to protect (batch jobs, stateful singletons, CoreDNS) are evicted when
    /// their node is consolidated or expires.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: report
    /// spec:
    ///   template:
    ///     metadata:
    ///       annotations:
    ///         karpenter.sh/do-not-evict: "true"
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: report
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: report
    /// spec:
    ///   template:
    ///     metadata:
    ///       annotations:
    ///         karpenter.sh/do-not-disrupt: "true"
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: report
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Fix safety
    /// The key is renamed to `karpenter.sh/do-not-disrupt` when its value is `"true"` and the
    /// object does not have the new key already: the meaning is the same, so the fix is safe.
    ///
    /// ## References
    /// - Karpenter v1 migration Changelog, "Breaking API (Manual Migration Needed)":
    ///   aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - karpenter-provider-aws issue #5394; kubernetes-sigs/karpenter issue #4662 (CoreDNS)
    pub struct KarpenterRemovedAnnotation {
        code: "KARP014",
        name: "karpenter-removed-annotation",
        family: Karp,
        severity: Error,
        fix: Sometimes,
        safety: Safe,
        summary: "A pod, node or NodePool template uses karpenter.sh/do-not-evict or do-not-consolidate, which Karpenter v1 removed",
    }
}

/// The annotations maps where Karpenter reads pod or node annotations, with which of the two.
pub fn annotation_maps(tree: &Tree, obj: &Object) -> Vec<(NodeId, On)> {
    let mut out = Vec::new();
    if obj.is_core(tree, "Node") {
        out.extend(
            obj.get(tree, &["metadata", "annotations"])
                .map(|a| (a, On::Node)),
        );
    } else if node_pool(tree, obj).is_some() {
        out.extend(
            obj.get(tree, &["spec", "template", "metadata", "annotations"])
                .map(|a| (a, On::Node)),
        );
    } else if obj.is_workload(tree) {
        out.extend(
            obj.pod_metadata(tree)
                .and_then(|m| tree.get(m, "annotations"))
                .map(|a| (a, On::Pod)),
        );
    }
    out
}

impl Rule for KarpenterRemovedAnnotation {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let text = ctx.text();
        let new = KARPENTER.do_not_disrupt.as_str();
        for (ann, on) in annotation_maps(tree, obj) {
            let has_new = tree.get(ann, new).is_some();
            for (k, e) in tree.string_entries(Some(ann)) {
                let Some(row) = KARPENTER.removed_annotations.iter().find(|r| r.key == k) else {
                    continue;
                };
                let value = tree.scalar_text(e.value);
                let edit = (!has_new && value == Some("true"))
                    .then(|| edit::rename_key(text, tree, ann, &e, &row.to))
                    .flatten();
                let what = match on {
                    On::Pod => "pod",
                    On::Node => "node",
                };
                let f = ctx.report(
                    tree.span(e.key),
                    format!(
                        "Karpenter v1 removed `{k}` and ignores it: the {what} is disrupted as if it were not there"
                    ),
                );
                f.label("removed in v1");
                if has_new {
                    f.help(format!("`{new}` is already set: remove `{k}`"));
                } else {
                    f.help(format!("use `{}: \"true\"`", row.to));
                }
                if let Some(edit) = edit {
                    f.fix(Fix {
                        title: format!("rename to `{}`", row.to),
                        edits: vec![edit],
                        applicability: Applicability::Safe,
                    });
                }
            }
        }
    }
}
