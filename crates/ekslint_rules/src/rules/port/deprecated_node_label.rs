use ekslint_manifest::pod::label_constraints;
use ekslint_manifest::{NodeId, Object, Tree};

use super::support::pods::pod_specs;
use super::support::{rename_fix, table};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::Applicability;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports the node labels deprecated since Kubernetes 1.17 (zone, region and instance
    /// type) and 1.14 (OS and architecture), wherever a manifest selects nodes by them:
    /// `nodeSelector` keys, node affinity expressions, `topologyKey` of pod affinity,
    /// anti-affinity and topology spread constraints, StorageClass `allowedTopologies` and
    /// PersistentVolume node affinity:
    /// `failure-domain.beta.kubernetes.io/zone` and `/region`, `beta.kubernetes.io/instance-type`,
    /// `beta.kubernetes.io/arch` and `beta.kubernetes.io/os`.
    ///
    /// ## Why is this bad?
    /// The GA labels replaced them: `topology.kubernetes.io/zone` and `/region`,
    /// `node.kubernetes.io/instance-type`, `kubernetes.io/arch` and `kubernetes.io/os`. EKS nodes
    /// still carry both spellings today (the cloud node controller copies them), so nothing
    /// breaks yet; but AKS already documents the beta labels as deprecated, cloud providers
    /// are asked to stop setting them, and EKS's own guides, Karpenter's NodePool requirements
    /// and EKS Auto Mode speak only the GA names. Rename them while migrating and nothing
    /// depends on a label that is going away.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector: {matchLabels: {app: api}}
    ///   template:
    ///     metadata: {labels: {app: api}}
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: failure-domain.beta.kubernetes.io/zone
    ///           whenUnsatisfiable: ScheduleAnyway
    ///           labelSelector: {matchLabels: {app: api}}
    ///       containers:
    ///         - name: api
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:4.1
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector: {matchLabels: {app: api}}
    ///   template:
    ///     metadata: {labels: {app: api}}
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: topology.kubernetes.io/zone
    ///           whenUnsatisfiable: ScheduleAnyway
    ///           labelSelector: {matchLabels: {app: api}}
    ///       containers:
    ///         - name: api
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:4.1
    /// ```
    ///
    /// ## Fix safety
    /// The fix renames the label to its GA name, which every node that has the beta label also
    /// has: the meaning does not change, so the fix is safe. It is not offered when the same
    /// `nodeSelector` already has the GA key (the rename would duplicate it).
    ///
    /// ## References
    /// - Well-known labels and their deprecation: <https://kubernetes.io/docs/reference/labels-annotations-taints/> (kubernetes/kubernetes PR 81431, 82049)
    /// - EKS nodes carry both: kubernetes/kubernetes `staging/src/k8s.io/cloud-provider/controllers/node/node_controller.go` (`labelReconcileInfo`)
    /// - AKS deprecated labels: MicrosoftDocs/azure-docs `articles/aks/use-labels.md`
    /// - The table: `rules/port/scheduling.yaml`
    pub struct DeprecatedNodeLabel {
        code: "PORT011",
        name: "deprecated-node-label",
        family: Port,
        severity: Warning,
        fix: Sometimes,
        safety: Safe,
        summary: "A deprecated beta node label (failure-domain.beta.kubernetes.io/zone, beta.kubernetes.io/instance-type, …) where a GA label replaces it",
    }
}

/// The `topologyKey` values of a pod spec's pod (anti-)affinity terms and topology spread
/// constraints.
fn topology_keys(tree: &Tree, spec: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    let items = |n: Option<NodeId>| n.and_then(|n| tree.items(n)).unwrap_or(&[]);
    for kind in ["podAffinity", "podAntiAffinity"] {
        let Some(aff) = tree.path(spec, &["affinity", kind]) else {
            continue;
        };
        for &t in items(tree.get(aff, "requiredDuringSchedulingIgnoredDuringExecution")) {
            out.extend(tree.get(t, "topologyKey"));
        }
        for &t in items(tree.get(aff, "preferredDuringSchedulingIgnoredDuringExecution")) {
            out.extend(tree.path(t, &["podAffinityTerm", "topologyKey"]));
        }
    }
    for &t in items(tree.get(spec, "topologySpreadConstraints")) {
        out.extend(tree.get(t, "topologyKey"));
    }
    out
}

/// The `key` values of node selector terms (`matchExpressions`, or `matchLabelExpressions` for
/// StorageClass `allowedTopologies`).
fn term_keys(tree: &Tree, terms: Option<NodeId>, field: &str) -> Vec<NodeId> {
    terms
        .and_then(|t| tree.items(t))
        .unwrap_or(&[])
        .iter()
        .filter_map(|&t| tree.get(t, field))
        .filter_map(|e| tree.items(e))
        .flatten()
        .filter_map(|&e| tree.get(e, "key"))
        .collect()
}

impl Rule for DeprecatedNodeLabel {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        // (the key or value node, the map it is a key of when it is a nodeSelector key)
        let mut found: Vec<(NodeId, Option<NodeId>)> = Vec::new();
        for spec in pod_specs(tree, obj) {
            let selector = tree.get(spec, "nodeSelector");
            for c in label_constraints(tree, spec) {
                let in_selector = selector.filter(|&s| {
                    tree.entries(s)
                        .is_some_and(|es| es.iter().any(|e| e.key == c.key_node))
                });
                found.push((c.key_node, in_selector));
            }
            found.extend(topology_keys(tree, spec).into_iter().map(|n| (n, None)));
        }
        if obj.is_core(tree, "PersistentVolume") {
            let terms = obj.get(
                tree,
                &["spec", "nodeAffinity", "required", "nodeSelectorTerms"],
            );
            found.extend(
                term_keys(tree, terms, "matchExpressions")
                    .into_iter()
                    .map(|n| (n, None)),
            );
        }
        if obj.kind_str(tree) == Some("StorageClass") && obj.group(tree) == "storage.k8s.io" {
            let terms = obj.get(tree, &["allowedTopologies"]);
            found.extend(
                term_keys(tree, terms, "matchLabelExpressions")
                    .into_iter()
                    .map(|n| (n, None)),
            );
        }
        let text = ctx.text();
        for (node, selector) in found {
            let Some(key) = tree.scalar_text(node) else {
                continue;
            };
            let Some(replacement) = table::deprecated_label(key) else {
                continue;
            };
            let span = tree.span(node);
            let duplicate = selector.is_some_and(|s| tree.get(s, replacement).is_some());
            let fix = (!duplicate)
                .then(|| {
                    rename_fix(
                        text,
                        span,
                        replacement,
                        format!("rename to `{replacement}`"),
                        Applicability::Safe,
                    )
                })
                .flatten();
            let f = ctx.report(
                span,
                format!(
                    "`{key}` is deprecated; `{replacement}` replaces it (EKS nodes still carry both today)"
                ),
            );
            f.label("deprecated label")
                .help(format!("use `{replacement}`"));
            if let Some(fix) = fix {
                f.fix(fix);
            }
        }
    }
}
