//! Shared helpers of the IRSA rules: tables, views and parsers that several rules use.

pub mod facts;

use std::sync::LazyLock;

use ekslint_manifest::{NodeId, Object, Tree};

/// `rules/irsa/irsa.yaml`.
#[derive(Debug, serde::Deserialize)]
pub struct Table {
    pub schema_version: u32,
    pub annotations: Vec<AnnotationRow>,
    pub default_audience: String,
    pub token_expiration: TokenExpiration,
    pub web_identity_env: Vec<String>,
    pub reserved_volumes: Vec<ReservedVolume>,
    pub credential_env: Vec<CredentialEnv>,
    pub credential_env_upstream: String,
    pub skip_label: String,
    pub skip_label_upstream: String,
    pub windows_node_selector_keys: Vec<String>,
    pub legacy_annotations: Vec<LegacyAnnotation>,
    pub region_partitions: Vec<RegionPartition>,
    pub region_partitions_upstream: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct AnnotationRow {
    pub key: String,
    /// `ServiceAccount` and/or `Pod`: where the webhook reads the key.
    pub read_from: Vec<String>,
    pub upstream: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct TokenExpiration {
    pub min: i64,
    pub max: i64,
    pub default: i64,
    pub upstream: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct ReservedVolume {
    pub name: String,
    pub mount_path: String,
    pub mode: String,
    pub upstream: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct CredentialEnv {
    pub name: String,
    /// `keys`, `profile` or `file`.
    pub kind: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct LegacyAnnotation {
    pub key: String,
    /// `Pod` or `Namespace`.
    pub on: String,
    pub tool: String,
    pub upstream: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct RegionPartition {
    pub prefix: String,
    pub partition: String,
}

const TABLE_YAML: &str = include_str!("../../../../../../rules/irsa/irsa.yaml");

pub static TABLE: LazyLock<Table> =
    LazyLock::new(|| crate::data::load_yaml("rules/irsa/irsa.yaml", TABLE_YAML));

pub const ROLE_ARN: &str = "eks.amazonaws.com/role-arn";
pub const AUDIENCE: &str = "eks.amazonaws.com/audience";
pub const STS_REGIONAL: &str = "eks.amazonaws.com/sts-regional-endpoints";
pub const TOKEN_EXPIRATION: &str = "eks.amazonaws.com/token-expiration";
pub const SKIP_CONTAINERS: &str = "eks.amazonaws.com/skip-containers";

impl Table {
    /// The annotation row of `key`, if the webhook reads it at all.
    pub fn annotation(&self, key: &str) -> Option<&AnnotationRow> {
        self.annotations.iter().find(|a| a.key == key)
    }

    /// The kind of a credential variable that shadows web identity, if `name` is one.
    pub fn credential_kind(&self, name: &str) -> Option<&str> {
        self.credential_env
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.kind.as_str())
    }

    /// The partition of a region name.
    pub fn partition_of_region(&self, region: &str) -> &str {
        self.region_partitions
            .iter()
            .find(|r| region.starts_with(&r.prefix))
            .map(|r| r.partition.as_str())
            .unwrap_or("aws")
    }
}

/// Is `obj` a workload whose pod spec the webhook would see (Pod or a pod template)?
pub fn is_workload(tree: &Tree, obj: &Object) -> bool {
    obj.pod_spec(tree).is_some_and(|s| tree.is_map(s))
}

/// The pod's `metadata` map: the Pod's own, or the pod template's.
pub fn pod_metadata(tree: &Tree, obj: &Object) -> Option<NodeId> {
    if obj.kind_str(tree) == Some("Pod") {
        obj.get(tree, &["metadata"])
    } else {
        obj.pod_template_metadata(tree)
    }
}

/// Is this a ServiceAccount (core v1)?
pub fn is_service_account(tree: &Tree, obj: &Object) -> bool {
    obj.kind_str(tree) == Some("ServiceAccount") && obj.group(tree).is_empty()
}

/// The containers and initContainers of a pod spec (the webhook handles both).
pub fn containers(tree: &Tree, pod_spec: NodeId) -> Vec<NodeId> {
    ["initContainers", "containers"]
        .iter()
        .filter_map(|k| tree.get(pod_spec, k))
        .filter_map(|list| tree.items(list))
        .flat_map(|items| items.iter().copied())
        .filter(|&c| tree.is_map(c))
        .collect()
}

/// The `env` entries of a container: (entry map, name value node, name).
pub fn env_vars(tree: &Tree, container: NodeId) -> Vec<(NodeId, NodeId, &str)> {
    let Some(items) = tree.get(container, "env").and_then(|e| tree.items(e)) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|&item| {
            let name = tree.get(item, "name")?;
            Some((item, name, tree.scalar_text(name)?))
        })
        .collect()
}

/// A map's entries keyed by their scalar key text.
pub fn map_entries(tree: &Tree, map: Option<NodeId>) -> Vec<(&str, ekslint_manifest::Entry)> {
    map.and_then(|m| tree.entries(m))
        .map(|es| {
            es.iter()
                .filter_map(|e| Some((tree.scalar_text(e.key)?, *e)))
                .collect()
        })
        .unwrap_or_default()
}

/// A mount path without its trailing slashes.
pub fn normalize_path(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() { p } else { t }
}

/// "Deployment `web`" for messages.
pub fn describe(w: &facts::WorkloadFact) -> String {
    if w.name.is_empty() {
        w.kind.to_string()
    } else {
        format!("{} `{}`", w.kind, w.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        let t = &*TABLE;
        assert_eq!(t.schema_version, 1);
        for key in [
            ROLE_ARN,
            AUDIENCE,
            STS_REGIONAL,
            TOKEN_EXPIRATION,
            SKIP_CONTAINERS,
        ] {
            let row = t.annotation(key).unwrap_or_else(|| panic!("{key}"));
            assert!(!row.upstream.is_empty());
            for r in &row.read_from {
                assert!(r == "ServiceAccount" || r == "Pod", "{key}: {r}");
            }
        }
        assert_eq!(t.annotations.len(), 5);
        assert!(t.token_expiration.min < t.token_expiration.max);
        assert!(
            (t.token_expiration.min..=t.token_expiration.max).contains(&t.token_expiration.default)
        );
        assert_eq!(t.web_identity_env.len(), 2);
        for v in &t.reserved_volumes {
            assert!(v.mount_path.starts_with("/var/run/secrets/"), "{}", v.name);
            assert_eq!(normalize_path(&v.mount_path), v.mount_path);
            assert!(!v.upstream.is_empty() && !v.mode.is_empty());
        }
        for c in &t.credential_env {
            assert!(
                ["keys", "profile", "file"].contains(&c.kind.as_str()),
                "{}",
                c.name
            );
            assert!(!t.web_identity_env.contains(&c.name));
        }
        for l in &t.legacy_annotations {
            assert!(l.on == "Pod" || l.on == "Namespace", "{}", l.key);
            assert!(!l.upstream.is_empty() && !l.tool.is_empty());
        }
        for r in &t.region_partitions {
            assert!(
                crate::values::PARTITIONS.contains(&r.partition.as_str()),
                "{}",
                r.partition
            );
            assert!(r.prefix.ends_with('-'));
        }
        // Every partition but `aws` has a region prefix.
        for p in crate::values::PARTITIONS.iter().filter(|p| **p != "aws") {
            assert!(t.region_partitions.iter().any(|r| r.partition == *p), "{p}");
        }
        assert_eq!(t.partition_of_region("cn-north-1"), "aws-cn");
        assert_eq!(t.partition_of_region("us-gov-west-1"), "aws-us-gov");
        assert_eq!(t.partition_of_region("us-isob-east-1"), "aws-iso-b");
        assert_eq!(t.partition_of_region("us-iso-east-1"), "aws-iso");
        assert_eq!(t.partition_of_region("eu-west-1"), "aws");
        assert!(!t.credential_env_upstream.is_empty());
        assert!(!t.skip_label_upstream.is_empty() && !t.region_partitions_upstream.is_empty());
        assert_eq!(t.windows_node_selector_keys.len(), 2);
        assert_eq!(t.default_audience, "sts.amazonaws.com");
        assert!(!t.token_expiration.upstream.is_empty());
    }
}
