use ekslint_manifest::Object;
use ekslint_manifest::pod::tolerations;

use super::support::edit;
use super::support::table::KARPENTER;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds tolerations of `karpenter.sh/disruption`, the taint Karpenter used before v1 to
    /// mark nodes it was disrupting (`karpenter.sh/disruption=disrupting:NoSchedule`). v1 taints
    /// them `karpenter.sh/disrupted:NoSchedule` instead.
    ///
    /// ## Why is this bad?
    /// The toleration no longer matches anything, so whatever it was for (a DaemonSet or an
    /// agent that had to keep running on nodes being drained) stops working. The migration
    /// guide adds that tolerating this taint "is not recommended" at all.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: agent
    /// spec:
    ///   selector:
    ///     matchLabels: {app: agent}
    ///   template:
    ///     metadata:
    ///       labels: {app: agent}
    ///     spec:
    ///       tolerations:
    ///         - key: karpenter.sh/disruption
    ///           operator: Exists
    ///           effect: NoSchedule
    ///       containers:
    ///         - name: agent
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: agent
    /// spec:
    ///   selector:
    ///     matchLabels: {app: agent}
    ///   template:
    ///     metadata:
    ///       labels: {app: agent}
    ///     spec:
    ///       tolerations:
    ///         - key: karpenter.sh/disrupted
    ///           operator: Exists
    ///           effect: NoSchedule
    ///       containers:
    ///         - name: agent
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Fix safety
    /// For an `Exists` toleration the key is renamed. The fix is unsafe: the guide recommends
    /// not tolerating the taint at all, so removing the toleration may be the better change.
    ///
    /// ## References
    /// - Karpenter v1 migration Changelog, "The taint used to mark nodes for disruption and
    ///   termination changed": aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - The v1 taint: kubernetes-sigs/karpenter `pkg/apis/v1/taints.go`
    pub struct KarpenterDisruptionTaintRenamed {
        code: "KARP015",
        name: "karpenter-disruption-taint-renamed",
        family: Karp,
        severity: Warning,
        fix: Sometimes,
        safety: Unsafe,
        summary: "A toleration of karpenter.sh/disruption, the pre-v1 disruption taint that v1 renamed to karpenter.sh/disrupted",
    }
}

impl Rule for KarpenterDisruptionTaintRenamed {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(pod) = obj.pod_spec(tree).filter(|p| tree.is_map(*p)) else {
            return;
        };
        let text = ctx.text();
        for t in tolerations(tree, pod) {
            let Some((key, key_node)) = t.key else {
                continue;
            };
            let Some(row) = KARPENTER.renamed_taints.iter().find(|r| r.key == key) else {
                continue;
            };
            let exists = t.operator == Some("Exists");
            let edit = exists
                .then(|| {
                    let e = tree.get_entry(t.node, "key")?;
                    edit::replace_value(text, tree, t.node, &e, &row.to)
                })
                .flatten();
            let f = ctx.report(
                tree.span(key_node),
                format!(
                    "Karpenter v1 renamed the disruption taint `{}={}:{}` to `{}:{}`: this toleration matches nothing",
                    row.key, row.value, row.effect, row.to, row.effect
                ),
            );
            f.label("pre-v1 taint").help(format!(
                "tolerate `{}` with `operator: Exists` (it has no value), or drop the toleration: the guide advises against tolerating it",
                row.to
            ));
            if let Some(edit) = edit {
                f.fix(Fix {
                    title: format!("tolerate `{}`", row.to),
                    edits: vec![edit],
                    applicability: Applicability::Unsafe,
                });
            }
        }
    }
}
