use ekslint_manifest::Object;
use ekslint_manifest::pod::{ConstraintSource, label_constraints};

use super::support::table::KARPENTER;
use super::support::{AWS_GROUP, GROUP, edit, node_labels};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds workloads whose `nodeSelector` or required node affinity asks for a `karpenter.sh/*`
    /// or `karpenter.k8s.aws/*` label that no node carries: a misspelt well-known label
    /// (`karpenter.k8s.aws/instance-familly`), a label that earlier Karpenter APIs had
    /// (`karpenter.sh/provisioner-name`, `karpenter.k8s.aws/instance-pods`), or a
    /// `karpenter.sh/capacity-type` value other than `on-demand`, `spot` and `reserved`.
    ///
    /// ## Why is this bad?
    /// Karpenter only launches nodes with its well-known labels, and the scheduler matches
    /// labels exactly: the pod stays `Pending` forever, and Karpenter logs that no NodePool can
    /// satisfy it. A `karpenter.sh/provisioner-name: DoesNotExist` that kept pods off Karpenter
    /// nodes is now always true: v1 nodes carry `karpenter.sh/nodepool` instead.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       nodeSelector:
    ///         karpenter.sh/capacity-type: Spot
    ///         karpenter.k8s.aws/instance-familly: m6i
    ///       containers:
    ///         - name: web
    ///           image: public.ecr.aws/nginx/nginx:1.27
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       nodeSelector:
    ///         karpenter.sh/capacity-type: spot
    ///         karpenter.k8s.aws/instance-family: m6i
    ///       containers:
    ///         - name: web
    ///           image: public.ecr.aws/nginx/nginx:1.27
    /// ```
    ///
    /// ## Fix safety
    /// A capacity type written in the wrong case is lower-cased (safe). A misspelt key is
    /// replaced by the closest well-known one, and `karpenter.sh/provisioner-name` by
    /// `karpenter.sh/nodepool` (whose values are NodePool names, which may differ from the old
    /// Provisioner names): both unsafe.
    ///
    /// ## References
    /// - Karpenter's well-known labels: aws/karpenter-provider-aws `pkg/apis/v1/labels.go`,
    ///   kubernetes-sigs/karpenter `pkg/apis/v1/labels.go`
    /// - Removed labels: aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1beta1-migration.md`
    pub struct KarpenterUnknownNodeLabel {
        code: "KARP013",
        name: "karpenter-unknown-node-label",
        family: Karp,
        severity: Error,
        fix: Sometimes,
        safety: Mixed,
        summary: "A workload requires a Karpenter node label or capacity type that no node carries",
    }
}

impl Rule for KarpenterUnknownNodeLabel {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(pod) = obj.pod_spec(tree).filter(|p| tree.is_map(*p)) else {
            return;
        };
        let text = ctx.text();
        // Required affinity terms are ORed: with several, one term's impossible label leaves the
        // others, so only the nodeSelector (always ANDed) and a single term are judged.
        let terms = tree
            .path(
                pod,
                &[
                    "affinity",
                    "nodeAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    "nodeSelectorTerms",
                ],
            )
            .and_then(|t| tree.items(t))
            .map_or(0, <[_]>::len);
        for c in label_constraints(tree, pod) {
            if c.source == ConstraintSource::PreferredAffinity
                || (c.source == ConstraintSource::RequiredAffinity && terms > 1)
            {
                continue;
            }
            let Some((domain, _)) = c.key.split_once('/') else {
                continue;
            };
            if domain != GROUP && domain != AWS_GROUP {
                continue;
            }
            // The key's edit: a nodeSelector key, or an expression's `key` value.
            let key_edit = |to: &str| -> Option<Edit> {
                if c.source == ConstraintSource::NodeSelector {
                    let sel = tree.get(pod, "nodeSelector")?;
                    let e = tree
                        .entries(sel)?
                        .iter()
                        .find(|e| e.key == c.key_node)
                        .copied()?;
                    edit::rename_key(text, tree, sel, &e, to)
                } else {
                    edit::replace_scalar(text, tree, c.key_node, to)
                }
            };
            if let Some(r) = KARPENTER.removed_labels.iter().find(|r| r.key == c.key) {
                let edit = r.to.as_deref().and_then(key_edit);
                let negative = !c.requires_label();
                let f = ctx.report(
                    tree.span(c.key_node),
                    if negative {
                        format!("no node carries `{}` any more, so `{}` on it is always true: it no longer keeps the pod off Karpenter's nodes", c.key, c.operator)
                    } else {
                        format!("no node carries `{}` any more: the pod stays Pending", c.key)
                    },
                );
                f.label("removed label").help(match &r.to {
                    Some(to) => format!("use `{to}` ({})", r.note),
                    None => format!("remove it: {}", r.note),
                });
                if let (Some(edit), Some(to)) = (edit, &r.to) {
                    f.fix(Fix {
                        title: format!("use `{to}`"),
                        edits: vec![edit],
                        applicability: Applicability::Unsafe,
                    });
                }
                continue;
            }
            if !c.requires_label() {
                continue;
            }
            let known = node_labels(domain);
            if !known.iter().any(|k| k == c.key) {
                let near =
                    crate::support::suggest::closest(c.key, known.iter().map(String::as_str));
                let edit = near.and_then(key_edit);
                let f = ctx.report(
                    tree.span(c.key_node),
                    format!("no node carries `{}`: Karpenter sets only its well-known `{domain}` labels, so the pod stays Pending", c.key),
                );
                f.label("no node has this label");
                match near {
                    Some(n) => f.help(format!("did you mean `{n}`?")),
                    None => f.help(format!("use one of Karpenter's `{domain}` labels, or a label of your own that the NodePool's template sets")),
                };
                if let (Some(edit), Some(n)) = (edit, near) {
                    f.fix(Fix {
                        title: format!("use `{n}`"),
                        edits: vec![edit],
                        applicability: Applicability::Unsafe,
                    });
                }
                continue;
            }
            if c.key == "karpenter.sh/capacity-type" && c.operator == "In" {
                let types = &KARPENTER.capacity_types;
                // Values are ORed: the pod stays Pending only when none of them exists.
                if c.values.iter().any(|(v, _)| {
                    types.iter().any(|t| t == v) || crate::support::placeholder::is_placeholder(v)
                }) {
                    continue;
                }
                for (v, node) in &c.values {
                    if types.iter().any(|t| t == v)
                        || crate::support::placeholder::is_placeholder(v)
                    {
                        continue;
                    }
                    let lower = v.to_ascii_lowercase();
                    let exact = types.iter().find(|t| **t == lower);
                    let near = exact.map(String::as_str).or_else(|| {
                        crate::support::suggest::closest(v, types.iter().map(String::as_str))
                    });
                    let edit = exact.and_then(|t| edit::replace_scalar(text, tree, *node, t));
                    let f = ctx.report(
                        tree.span(*node),
                        format!("no node has `karpenter.sh/capacity-type: {v}` (the values are {}), so the pod stays Pending", types.join(", ")),
                    );
                    f.label("no node has this value");
                    if let Some(n) = near {
                        f.help(format!("did you mean `{n}`?"));
                    }
                    if let (Some(edit), Some(t)) = (edit, exact) {
                        f.fix(Fix {
                            title: format!("write `{t}`"),
                            edits: vec![edit],
                            applicability: Applicability::Safe,
                        });
                    }
                }
            }
        }
    }
}
