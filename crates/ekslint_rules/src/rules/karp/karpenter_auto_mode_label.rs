use ekslint_manifest::pod::{ConstraintSource, label_constraints};
use ekslint_manifest::{NodeId, Object, Tree};

use super::support::table::KARPENTER;
use super::support::{AWS_GROUP, Version, edit, is_auto_mode_group, node_pool, text};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds `karpenter.k8s.aws/*` labels and Windows selectors where EKS Auto Mode decides:
    /// in the requirements of a NodePool whose `nodeClassRef` is an Auto Mode `NodeClass`
    /// (`group: eks.amazonaws.com`), and in the required node selectors of workloads pinned to
    /// Auto Mode with `eks.amazonaws.com/compute-type: auto`. Auto Mode names the same instance
    /// attributes `eks.amazonaws.com/*` (`eks.amazonaws.com/instance-family`, …) and runs only
    /// Linux.
    ///
    /// ## Why is this bad?
    /// "EKS Auto Mode uses different labels than Karpenter": its nodes never carry the
    /// `karpenter.k8s.aws` labels, so a NodePool requirement on one matches no instance type and
    /// a pod that requires one stays `Pending`. Auto Mode does not support `kubernetes.io/os:
    /// windows` or `node.kubernetes.io/windows-build`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: auto
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         group: eks.amazonaws.com
    ///         kind: NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: karpenter.k8s.aws/instance-category
    ///           operator: In
    ///           values: ["c", "m", "r"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: auto
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         group: eks.amazonaws.com
    ///         kind: NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: eks.amazonaws.com/instance-category
    ///           operator: In
    ///           values: ["c", "m", "r"]
    /// ```
    ///
    /// ## Fix safety
    /// A `karpenter.k8s.aws/<attribute>` key whose `eks.amazonaws.com/<attribute>` Auto Mode
    /// supports is renamed: the same attribute under Auto Mode's name, so the fix is safe.
    ///
    /// ## References
    /// - The labels Auto Mode supports and does not: awsdocs/amazon-eks-user-guide
    ///   `latest/ug/automode/create-node-pool.adoc`
    /// - "EKS Auto Mode uses different labels than Karpenter": `latest/ug/automode/auto-migrate-karpenter.adoc`
    pub struct KarpenterAutoModeLabel {
        code: "KARP020",
        name: "karpenter-auto-mode-label",
        family: Karp,
        severity: Error,
        fix: Sometimes,
        safety: Safe,
        summary: "A Karpenter label or a Windows selector in an EKS Auto Mode NodePool or in a workload pinned to Auto Mode",
    }
}

/// The Auto Mode name of a `karpenter.k8s.aws` label, when Auto Mode has the attribute.
fn auto_name(key: &str) -> Option<String> {
    let attr = key.strip_prefix(AWS_GROUP)?.strip_prefix('/')?;
    let name = format!("{}{attr}", KARPENTER.auto_mode.label_prefix);
    KARPENTER.auto_mode.labels.contains(&name).then_some(name)
}

/// Does a constraint on `key` with `values` ask for Windows?
fn windows(key: &str, values: &[&str]) -> bool {
    match key {
        "kubernetes.io/os" => values.contains(&"windows"),
        k => {
            KARPENTER
                .auto_mode
                .unsupported_labels
                .iter()
                .any(|u| u == k)
                && k != "kubernetes.io/os"
        }
    }
}

struct Hit {
    key: NodeId,
    /// The map holding the key, for the rename: an expression `{key: …}` (false) or the
    /// `nodeSelector` (true).
    map: Option<(NodeId, bool)>,
    key_text: String,
    values: Vec<String>,
}

fn report(ctx: &mut FileCtx<'_>, hit: &Hit, place: &str) {
    let tree = ctx.tree();
    let values: Vec<&str> = hit.values.iter().map(String::as_str).collect();
    if windows(&hit.key_text, &values) {
        ctx.report(
            tree.span(hit.key),
            format!(
                "EKS Auto Mode runs only Linux, so {place} cannot get a node for `{}`",
                hit.key_text
            ),
        )
        .label("not supported by Auto Mode")
        .help("run Windows workloads on a managed or self-managed Windows node group");
        return;
    }
    let Some(attr) = hit
        .key_text
        .strip_prefix(AWS_GROUP)
        .and_then(|a| a.strip_prefix('/'))
    else {
        return;
    };
    let to = auto_name(&hit.key_text);
    let edit = to.as_deref().and_then(|to| match hit.map? {
        (sel, true) => {
            let e = tree
                .entries(sel)?
                .iter()
                .find(|e| e.key == hit.key)
                .copied()?;
            edit::rename_key(ctx.text(), tree, sel, &e, to)
        }
        (expr, false) => {
            let e = tree.get_entry(expr, "key")?;
            edit::replace_value(ctx.text(), tree, expr, &e, to)
        }
    });
    let f = ctx.report(
        tree.span(hit.key),
        format!(
            "EKS Auto Mode nodes carry no `{}` label, so {place} never matches it",
            hit.key_text
        ),
    );
    f.label("a Karpenter label, not Auto Mode's");
    match &to {
        Some(t) => f.help(format!("use `{t}`")),
        None => f.help(format!("Auto Mode has no `{attr}` attribute: select on another of its `eks.amazonaws.com/*` labels or on `node.kubernetes.io/instance-type`")),
    };
    if let (Some(edit), Some(t)) = (edit, to) {
        f.fix(Fix {
            title: format!("use `{t}`"),
            edits: vec![edit],
            applicability: Applicability::Safe,
        });
    }
}

fn relevant(key: &str) -> bool {
    key.starts_with(&format!("{AWS_GROUP}/"))
        || KARPENTER
            .auto_mode
            .unsupported_labels
            .iter()
            .any(|u| u == key)
}

fn hits_in_requirements(tree: &Tree, list: Option<NodeId>) -> Vec<Hit> {
    let mut out = Vec::new();
    for &r in list.and_then(|l| tree.items(l)).unwrap_or(&[]) {
        let Some(k) = tree.get(r, "key") else {
            continue;
        };
        let Some(key) = tree.scalar_text(k) else {
            continue;
        };
        if !relevant(key) {
            continue;
        }
        let op = text(tree, r, "operator").unwrap_or("");
        if matches!(op, "NotIn" | "DoesNotExist") {
            continue;
        }
        out.push(Hit {
            key: k,
            map: Some((r, false)),
            key_text: key.to_string(),
            values: tree
                .get(r, "values")
                .and_then(|v| tree.items(v))
                .unwrap_or(&[])
                .iter()
                .filter_map(|&v| tree.scalar_text(v).map(str::to_string))
                .collect(),
        });
    }
    out
}

impl Rule for KarpenterAutoModeLabel {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if node_pool(tree, obj) == Some(Version::V1) {
            let spec = obj.get(tree, &["spec", "template", "spec"]);
            let group = spec
                .and_then(|s| tree.path(s, &["nodeClassRef", "group"]))
                .and_then(|n| tree.scalar_text(n));
            if !group.is_some_and(is_auto_mode_group) {
                return;
            }
            for hit in hits_in_requirements(tree, spec.and_then(|s| tree.get(s, "requirements"))) {
                report(ctx, &hit, "this Auto Mode NodePool");
            }
            return;
        }
        let Some(pod) = obj.pod_spec(tree).filter(|p| tree.is_map(*p)) else {
            return;
        };
        let constraints = label_constraints(tree, pod);
        let auto = &KARPENTER.auto_mode;
        let pinned = constraints.iter().any(|c| {
            c.source.is_required()
                && c.key == auto.compute_type_label
                && c.operator == "In"
                && !c.values.is_empty()
                && c.values.iter().all(|(v, _)| *v == auto.compute_type_value)
        });
        if !pinned {
            return;
        }
        for c in constraints {
            if c.source == ConstraintSource::PreferredAffinity
                || !c.requires_label()
                || !relevant(c.key)
            {
                continue;
            }
            let map = if c.source == ConstraintSource::NodeSelector {
                tree.get(pod, "nodeSelector").map(|s| (s, true))
            } else {
                // The expression map: the parent of the `key` value. Found by its `key` entry.
                tree.path(
                    pod,
                    &[
                        "affinity",
                        "nodeAffinity",
                        "requiredDuringSchedulingIgnoredDuringExecution",
                        "nodeSelectorTerms",
                    ],
                )
                .and_then(|t| tree.items(t))
                .unwrap_or(&[])
                .iter()
                .filter_map(|&term| {
                    tree.get(term, "matchExpressions")
                        .and_then(|m| tree.items(m))
                })
                .flatten()
                .copied()
                .find(|&ex| tree.get(ex, "key") == Some(c.key_node))
                .map(|ex| (ex, false))
            };
            let hit = Hit {
                key: c.key_node,
                map,
                key_text: c.key.to_string(),
                values: c.values.iter().map(|(v, _)| v.to_string()).collect(),
            };
            report(ctx, &hit, "a pod pinned to Auto Mode");
        }
    }
}
