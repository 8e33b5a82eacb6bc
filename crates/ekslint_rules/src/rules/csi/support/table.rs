//! The CSI tables: `rules/csi/drivers.yaml` and `rules/csi/in-tree.yaml`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::version::KubeVersion;

#[derive(Debug, serde::Deserialize)]
pub struct ReservedPrefix {
    pub prefix: String,
    pub keys: Vec<String>,
    pub upstream: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct Param {
    pub key: String,
    /// `bool_exact`, `bool_go`, `int32`, `int64`, `enum`, `alnum`, `string`, `ignored`.
    pub kind: String,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub applies_to: Vec<String>,
    #[serde(default)]
    pub fstypes: Vec<String>,
    #[serde(default)]
    pub deprecated: Option<String>,
    #[serde(default)]
    pub required: bool,
    pub upstream: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct IopsLimit {
    pub min: i64,
    pub max: i64,
    pub max_per_gib: i64,
}

#[derive(Debug, serde::Deserialize)]
pub struct DriverRow {
    pub id: String,
    pub service: String,
    pub provisioners: Vec<String>,
    /// `insensitive` (EBS lower-cases keys) or `exact`.
    pub key_case: String,
    /// `rejected` (CreateVolume fails) or `ignored`.
    pub unknown_key: String,
    #[serde(default)]
    pub tag_prefix: Option<String>,
    /// Kubernetes access mode → `ok`, `never` or `block-io2`.
    pub access_modes: BTreeMap<String, String>,
    pub volume_modes: Vec<String>,
    pub expansion: bool,
    /// `none` or `static-only`.
    pub fargate: String,
    pub upstream: Vec<String>,
    pub params: Vec<Param>,
    #[serde(default)]
    pub iops_limits: BTreeMap<String, IopsLimit>,
    #[serde(default)]
    pub reserved_tag_keys: Vec<String>,
    #[serde(default)]
    pub reserved_tag_prefixes: Vec<String>,
    #[serde(default)]
    pub volume_attributes: Vec<String>,
}

impl DriverRow {
    /// The parameter row for a key as the driver matches it.
    pub fn param(&self, key: &str) -> Option<&Param> {
        if self.key_case == "insensitive" && !key.starts_with("csi.storage.k8s.io/") {
            self.params.iter().find(|p| p.key.eq_ignore_ascii_case(key))
        } else {
            self.params.iter().find(|p| p.key == key)
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct DriversFile {
    pub schema_version: u32,
    pub reserved_prefix: ReservedPrefix,
    pub access_mode_translation: BTreeMap<String, serde_json::Value>,
    pub drivers: Vec<DriverRow>,
}

#[derive(Debug, serde::Deserialize)]
pub struct Plugin {
    pub field: String,
    #[serde(default)]
    pub provisioner: Option<String>,
    pub removed_in: String,
    /// `redirected` or `broken`.
    pub outcome: String,
    #[serde(default)]
    pub csi_driver: Option<String>,
    /// `migrate`, `other-cloud` or `removed`: what the volume does on EKS.
    pub eks: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl Plugin {
    pub fn removed(&self) -> KubeVersion {
        KubeVersion::parse(&self.removed_in).expect("checked by the table test")
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct InTreeFile {
    pub schema_version: u32,
    pub plugins: Vec<Plugin>,
}

pub static DRIVERS: LazyLock<DriversFile> = LazyLock::new(|| {
    crate::data::load_yaml(
        "rules/csi/drivers.yaml",
        include_str!("../../../../../../rules/csi/drivers.yaml"),
    )
});

pub static IN_TREE: LazyLock<InTreeFile> = LazyLock::new(|| {
    crate::data::load_yaml(
        "rules/csi/in-tree.yaml",
        include_str!("../../../../../../rules/csi/in-tree.yaml"),
    )
});

/// The driver row of `id` (`ebs`, `efs`, `fsx`).
pub fn driver(id: &str) -> &'static DriverRow {
    DRIVERS
        .drivers
        .iter()
        .find(|d| d.id == id)
        .expect("the three drivers are in the table")
}

/// The in-tree plugin of a volume-source field.
pub fn plugin_by_field(field: &str) -> Option<&'static Plugin> {
    IN_TREE.plugins.iter().find(|p| p.field == field)
}

/// The in-tree plugin of a StorageClass provisioner.
pub fn plugin_by_provisioner(prov: &str) -> Option<&'static Plugin> {
    IN_TREE
        .plugins
        .iter()
        .find(|p| p.provisioner.as_deref() == Some(prov))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drivers_table_is_consistent() {
        assert_eq!(DRIVERS.schema_version, 1);
        let kinds = [
            "bool_exact",
            "bool_go",
            "int32",
            "int64",
            "enum",
            "alnum",
            "string",
            "ignored",
        ];
        for id in ["ebs", "efs", "fsx"] {
            let d = driver(id);
            assert!(!d.upstream.is_empty(), "{id}");
            assert!(["insensitive", "exact"].contains(&d.key_case.as_str()));
            assert!(["rejected", "ignored"].contains(&d.unknown_key.as_str()));
            assert!(["none", "static-only"].contains(&d.fargate.as_str()));
            for m in [
                "ReadWriteOnce",
                "ReadWriteOncePod",
                "ReadOnlyMany",
                "ReadWriteMany",
            ] {
                let v = d.access_modes.get(m).unwrap_or_else(|| panic!("{id} {m}"));
                assert!(
                    ["ok", "never", "block-io2"].contains(&v.as_str()),
                    "{id} {m}"
                );
            }
            let mut seen = std::collections::HashSet::new();
            for p in &d.params {
                assert!(kinds.contains(&p.kind.as_str()), "{id} {}", p.key);
                assert!(!p.upstream.is_empty(), "{id} {}", p.key);
                assert!(
                    seen.insert(p.key.to_ascii_lowercase()),
                    "{id} duplicate {}",
                    p.key
                );
                assert_eq!(p.kind == "enum", !p.values.is_empty(), "{id} {}", p.key);
                assert!(d.param(&p.key).is_some());
            }
        }
        // EBS matches keys case-insensitively, EFS and FSx exactly.
        assert!(driver("ebs").param("IOPSPERGB").is_some());
        assert!(driver("efs").param("fileSystemID").is_none());
        assert!(
            DRIVERS
                .reserved_prefix
                .keys
                .iter()
                .all(|k| k.starts_with(&DRIVERS.reserved_prefix.prefix))
        );
        let ebs = driver("ebs");
        for (t, l) in &ebs.iops_limits {
            assert!(l.min < l.max && l.max_per_gib > 0, "{t}");
            assert!(ebs.param("type").unwrap().values.contains(t));
        }
    }

    #[test]
    fn in_tree_table_is_consistent() {
        assert_eq!(IN_TREE.schema_version, 1);
        let mut seen = std::collections::HashSet::new();
        for p in &IN_TREE.plugins {
            assert!(seen.insert(&p.field), "duplicate {}", p.field);
            let _ = p.removed();
            assert!(["redirected", "broken"].contains(&p.outcome.as_str()));
            assert_eq!(
                p.outcome == "redirected",
                p.csi_driver.is_some(),
                "{}",
                p.field
            );
            if let Some(prov) = &p.provisioner {
                assert!(prov.starts_with("kubernetes.io/"));
            }
        }
        for p in &IN_TREE.plugins {
            assert!(["migrate", "other-cloud", "removed"].contains(&p.eks.as_str()));
            assert_eq!(p.eks == "removed", p.outcome == "broken", "{}", p.field);
        }
        assert_eq!(
            plugin_by_field("awsElasticBlockStore").unwrap().eks,
            "migrate"
        );
        assert_eq!(
            plugin_by_provisioner("kubernetes.io/gce-pd").unwrap().field,
            "gcePersistentDisk"
        );
    }
}
