//! Where an object schedules pods: the pod spec of a built-in workload, and in custom resources
//! (JobSet, RayCluster, LeaderWorkerSet, Argo Workflows, operators' CRs, …) every map that
//! holds `containers`, `nodeSelector`, node affinity or `tolerations`. Scheduling constraints in
//! a custom resource reach real pods just the same, and migrations copy them verbatim.

use std::collections::HashSet;

use ekslint_manifest::{NodeId, NodeKind, Object, Tree};

/// Is this map pod-spec-like: does it schedule or run containers?
fn is_pod_spec(tree: &Tree, map: NodeId) -> bool {
    let list = |k: &str| tree.get(map, k).is_some_and(|n| tree.items(n).is_some());
    let map_of = |k: &str| tree.get(map, k).is_some_and(|n| tree.is_map(n));
    list("containers")
        || list("tolerations")
        || map_of("nodeSelector")
        || tree
            .get(map, "affinity")
            .is_some_and(|a| tree.get(a, "nodeAffinity").is_some())
}

/// Does this map hold a pod's `volumes` list (items with a volume source such as `hostPath`)?
/// Operators that run one container per pod (the OpenTelemetry collector, Fluent Bit, …) take
/// `image`, `volumeMounts` and `volumes` at the top of their spec, without `containers`.
fn has_pod_volumes(tree: &Tree, map: NodeId) -> bool {
    const SOURCES: &[&str] = &["hostPath", "persistentVolumeClaim", "csi", "emptyDir"];
    tree.get(map, "volumes")
        .and_then(|n| tree.items(n))
        .is_some_and(|items| {
            items
                .iter()
                .any(|&v| SOURCES.iter().any(|s| tree.get(v, s).is_some()))
        })
}

/// Groups of Kubernetes' own APIs: their objects hold pods only where `Object::pod_spec` looks.
fn is_builtin_group(group: &str) -> bool {
    !group.contains('.') || group.ends_with(".k8s.io")
}

/// The pod-spec-like maps of an object, in document order.
pub fn pod_specs(tree: &Tree, obj: &Object) -> Vec<NodeId> {
    if let Some(spec) = obj.pod_spec(tree) {
        return if tree.is_map(spec) {
            vec![spec]
        } else {
            Vec::new()
        };
    }
    let group = obj.group(tree);
    if is_builtin_group(group) || obj.kind_str(tree) == Some("CustomResourceDefinition") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![obj.node];
    while let Some(n) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        match &tree.node(n).kind {
            NodeKind::Map(entries) => {
                if n != obj.node && is_pod_spec(tree, n) {
                    out.push(n);
                    continue;
                }
                // A spec with pod volumes but no containers may still hold pod templates
                // further down: keep looking below it.
                if n != obj.node && has_pod_volumes(tree, n) {
                    out.push(n);
                }
                for e in entries.iter().rev() {
                    if n == obj.node && tree.scalar_text(e.key) == Some("metadata") {
                        continue;
                    }
                    stack.push(e.value);
                }
            }
            NodeKind::Seq(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    out.sort_by_key(|&n| tree.span(n).start);
    out
}

/// The containers of a pod-spec-like map (init, regular and ephemeral containers that are maps).
pub fn containers(tree: &Tree, spec: NodeId) -> Vec<NodeId> {
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .filter_map(|k| tree.get(spec, k))
        .filter_map(|list| tree.items(list))
        .flat_map(|items| items.iter().copied())
        .filter(|&c| tree.is_map(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(yaml: &str) -> Vec<String> {
        let f = ekslint_manifest::parse_str("t.yaml", yaml);
        let tree = &f.tree;
        f.objects
            .iter()
            .flat_map(|o| pod_specs(tree, o))
            .map(|n| {
                let s = tree.span(n);
                f.source.text[s.range()]
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn built_in_and_custom_resources() {
        let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: x}]\n";
        assert_eq!(specs(d), ["containers: [{name: a, image: x}]"]);
        let ray = "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: r}\nspec:\n  headGroupSpec:\n    template:\n      spec:\n        nodeSelector: {cloud.google.com/gke-nodepool: head}\n        containers: [{name: h, image: x}]\n  workerGroupSpecs:\n  - template:\n      spec:\n        containers: [{name: w, image: y}]\n";
        assert_eq!(
            specs(ray),
            [
                "nodeSelector: {cloud.google.com/gke-nodepool: head}",
                "containers: [{name: w, image: y}]"
            ]
        );
        // Kubernetes' own kinds without pods, and CRD schemas, are not searched.
        let svc =
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  nodeSelector: {a: b}\n";
        assert!(specs(svc).is_empty());
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x.example.com}\nspec:\n  versions:\n  - schema:\n      openAPIV3Schema:\n        properties:\n          nodeSelector: {type: object}\n";
        assert!(specs(crd).is_empty());
        // A prometheus-operator resource passes its scheduling on to its pods.
        let prom = "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: p}\nspec:\n  nodeSelector:\n    kubernetes.azure.com/agentpool: monitoring\n";
        assert_eq!(specs(prom), ["nodeSelector:"]);
        // An operator's single-container spec: volumes without containers.
        let otel = "apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata: {name: c}\nspec:\n  image: x\n  volumes:\n  - name: sock\n    hostPath: {path: /var/run/docker.sock}\n";
        assert_eq!(specs(otel), ["image: x"]);
        // Volumes of a spec and a pod template below it are both found.
        let both = "apiVersion: example.com/v1\nkind: X\nmetadata: {name: x}\nspec:\n  volumes: [{name: a, emptyDir: {}}]\n  template:\n    spec:\n      containers: [{name: a, image: x}]\n";
        assert_eq!(
            specs(both),
            [
                "volumes: [{name: a, emptyDir: {}}]",
                "containers: [{name: a, image: x}]"
            ]
        );
    }

    #[test]
    fn aliases_are_visited_once() {
        let y = "apiVersion: example.com/v1\nkind: X\nmetadata: {name: x}\nspec:\n  a: &p\n    containers: [{name: a, image: x}]\n  b: *p\n";
        assert_eq!(specs(y).len(), 1);
    }
}
