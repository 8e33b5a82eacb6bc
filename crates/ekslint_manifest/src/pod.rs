//! What a pod spec asks of the nodes it runs on, and what it runs: the node-label constraints of
//! `nodeSelector` and node affinity, tolerations, and container images, each with the nodes
//! of its key and values so a finding can point at them.

use crate::tree::{NodeId, Tree};

/// Where a node-label constraint comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintSource {
    /// `nodeSelector: {key: value}`: required.
    NodeSelector,
    /// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`: required.
    RequiredAffinity,
    /// `affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`: a preference.
    PreferredAffinity,
}

impl ConstraintSource {
    /// Does the pod stay Pending when no node satisfies it?
    pub fn is_required(self) -> bool {
        !matches!(self, ConstraintSource::PreferredAffinity)
    }
}

/// One node-label constraint of a pod spec: a `nodeSelector` entry or a node-affinity
/// `matchExpressions` item.
#[derive(Clone, Debug)]
pub struct LabelConstraint<'t> {
    pub source: ConstraintSource,
    /// The label key.
    pub key: &'t str,
    /// The node of the key: the `nodeSelector` key, or the expression's `key` value.
    pub key_node: NodeId,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`; `In` for a nodeSelector entry.
    pub operator: &'t str,
    /// The values, each with its node (one for a nodeSelector entry).
    pub values: Vec<(&'t str, NodeId)>,
}

impl LabelConstraint<'_> {
    /// Does the constraint require the label to be present (with some value)?
    pub fn requires_label(&self) -> bool {
        matches!(self.operator, "In" | "Exists" | "Gt" | "Lt")
    }
}

/// Every node-label constraint of a pod spec, in document order: nodeSelector, then required
/// then preferred node affinity (`matchExpressions`; `matchFields` select node fields, not
/// labels, and are left out).
pub fn label_constraints<'t>(tree: &'t Tree, pod_spec: NodeId) -> Vec<LabelConstraint<'t>> {
    let mut out = Vec::new();
    for (key, e) in tree.string_entries(tree.get(pod_spec, "nodeSelector")) {
        let values = tree
            .scalar_text(e.value)
            .map(|v| vec![(v, e.value)])
            .unwrap_or_default();
        out.push(LabelConstraint {
            source: ConstraintSource::NodeSelector,
            key,
            key_node: e.key,
            operator: "In",
            values,
        });
    }
    let affinity = tree.path(pod_spec, &["affinity", "nodeAffinity"]);
    let required = affinity
        .and_then(|a| {
            tree.path(
                a,
                &[
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    "nodeSelectorTerms",
                ],
            )
        })
        .and_then(|t| tree.items(t))
        .unwrap_or(&[]);
    for &term in required {
        expressions(tree, term, ConstraintSource::RequiredAffinity, &mut out);
    }
    let preferred = affinity
        .and_then(|a| tree.get(a, "preferredDuringSchedulingIgnoredDuringExecution"))
        .and_then(|t| tree.items(t))
        .unwrap_or(&[]);
    for &p in preferred {
        if let Some(term) = tree.get(p, "preference") {
            expressions(tree, term, ConstraintSource::PreferredAffinity, &mut out);
        }
    }
    out
}

fn expressions<'t>(
    tree: &'t Tree,
    term: NodeId,
    source: ConstraintSource,
    out: &mut Vec<LabelConstraint<'t>>,
) {
    let items = tree
        .get(term, "matchExpressions")
        .and_then(|e| tree.items(e))
        .unwrap_or(&[]);
    for &ex in items {
        let Some(key_node) = tree.get(ex, "key") else {
            continue;
        };
        let Some(key) = tree.scalar_text(key_node) else {
            continue;
        };
        let operator = tree
            .get(ex, "operator")
            .and_then(|o| tree.scalar_text(o))
            .unwrap_or("");
        let values = tree
            .get(ex, "values")
            .and_then(|v| tree.items(v))
            .unwrap_or(&[])
            .iter()
            .filter_map(|&v| Some((tree.scalar_text(v)?, v)))
            .collect();
        out.push(LabelConstraint {
            source,
            key,
            key_node,
            operator,
            values,
        });
    }
}

/// One toleration of a pod spec.
#[derive(Clone, Debug)]
pub struct Toleration<'t> {
    /// The toleration's map.
    pub node: NodeId,
    /// The taint key, with its value node; `None` tolerates every key (with `Exists`).
    pub key: Option<(&'t str, NodeId)>,
    pub operator: Option<&'t str>,
    pub value: Option<(&'t str, NodeId)>,
    pub effect: Option<&'t str>,
}

/// The tolerations of a pod spec.
pub fn tolerations<'t>(tree: &'t Tree, pod_spec: NodeId) -> Vec<Toleration<'t>> {
    let text = |m: NodeId, k: &str| tree.get(m, k).and_then(|n| Some((tree.scalar_text(n)?, n)));
    tree.get(pod_spec, "tolerations")
        .and_then(|t| tree.items(t))
        .unwrap_or(&[])
        .iter()
        .filter(|&&t| tree.is_map(t))
        .map(|&t| Toleration {
            node: t,
            key: text(t, "key"),
            operator: text(t, "operator").map(|(o, _)| o),
            value: text(t, "value"),
            effect: text(t, "effect").map(|(e, _)| e),
        })
        .collect()
}

/// A container image reference: the `image` value of a container, init container or ephemeral
/// container.
#[derive(Clone, Copy, Debug)]
pub struct ImageRef<'t> {
    pub image: &'t str,
    pub node: NodeId,
    /// The container's map.
    pub container: NodeId,
}

/// The images of a pod spec, in document order (init containers, containers, ephemeral
/// containers).
pub fn images<'t>(tree: &'t Tree, pod_spec: NodeId) -> Vec<ImageRef<'t>> {
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .filter_map(|k| tree.get(pod_spec, k))
        .filter_map(|list| tree.items(list))
        .flat_map(|items| items.iter().copied())
        .filter_map(|c| {
            let node = tree.get(c, "image")?;
            Some(ImageRef {
                image: tree.scalar_text(node)?,
                node,
                container: c,
            })
        })
        .collect()
}

/// The registry host of an image reference, as the container runtime resolves it: the first
/// path component when it looks like a host (has a `.` or `:`, or is `localhost`), otherwise
/// Docker Hub (`docker.io`).
pub fn registry_of(image: &str) -> &str {
    let first = image.split('/').next().unwrap_or("");
    if image.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost") {
        first
    } else {
        "docker.io"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> (crate::ParsedFile, NodeId) {
        let f = crate::parse_str("t.yaml", yaml);
        let root = f.documents[0].root.unwrap();
        (f, root)
    }

    #[test]
    fn constraints_from_selector_and_affinity() {
        let (f, s) = spec(
            "nodeSelector:\n  cloud.google.com/gke-nodepool: pool-1\naffinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {key: kubernetes.io/arch, operator: In, values: [arm64, amd64]}\n        - {key: karpenter.sh/capacity-type, operator: Exists}\n    preferredDuringSchedulingIgnoredDuringExecution:\n    - weight: 1\n      preference:\n        matchExpressions:\n        - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a]}\n",
        );
        let t = &f.tree;
        let c = label_constraints(t, s);
        let keys: Vec<(&str, ConstraintSource, &str, usize)> = c
            .iter()
            .map(|c| (c.key, c.source, c.operator, c.values.len()))
            .collect();
        assert_eq!(
            keys,
            vec![
                (
                    "cloud.google.com/gke-nodepool",
                    ConstraintSource::NodeSelector,
                    "In",
                    1
                ),
                (
                    "kubernetes.io/arch",
                    ConstraintSource::RequiredAffinity,
                    "In",
                    2
                ),
                (
                    "karpenter.sh/capacity-type",
                    ConstraintSource::RequiredAffinity,
                    "Exists",
                    0
                ),
                (
                    "topology.kubernetes.io/zone",
                    ConstraintSource::PreferredAffinity,
                    "In",
                    1
                ),
            ]
        );
        assert_eq!(t.scalar_text(c[1].values[1].1), Some("amd64"));
        assert!(c[2].requires_label() && !c[3].source.is_required());
    }

    #[test]
    fn tolerations_and_images() {
        let (f, s) = spec(
            "tolerations:\n- {key: karpenter.sh/disruption, operator: Exists, effect: NoSchedule}\n- operator: Exists\ninitContainers:\n- {name: i, image: gcr.io/p/init:1}\ncontainers:\n- {name: a, image: nginx}\n- {name: b}\n",
        );
        let t = &f.tree;
        let tol = tolerations(t, s);
        assert_eq!(tol.len(), 2);
        assert_eq!(tol[0].key.map(|k| k.0), Some("karpenter.sh/disruption"));
        assert!(tol[1].key.is_none());
        let imgs: Vec<&str> = images(t, s).iter().map(|i| i.image).collect();
        assert_eq!(imgs, ["gcr.io/p/init:1", "nginx"]);
    }

    #[test]
    fn registries() {
        for (image, registry) in [
            ("nginx", "docker.io"),
            ("library/nginx:1.27", "docker.io"),
            ("bitnami/redis", "docker.io"),
            ("gcr.io/project/app:1", "gcr.io"),
            ("us-docker.pkg.dev/p/r/app", "us-docker.pkg.dev"),
            ("myacr.azurecr.io/app@sha256:abc", "myacr.azurecr.io"),
            ("localhost/app", "localhost"),
            ("registry:5000/app", "registry:5000"),
            (
                "111122223333.dkr.ecr.us-east-1.amazonaws.com/app",
                "111122223333.dkr.ecr.us-east-1.amazonaws.com",
            ),
        ] {
            assert_eq!(registry_of(image), registry, "{image}");
        }
    }
}
