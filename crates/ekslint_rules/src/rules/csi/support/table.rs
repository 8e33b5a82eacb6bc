//! The CSI tables: `rules/csi/drivers.yaml` and `rules/csi/in-tree.yaml`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::data::SchemaV1;
use crate::version::KubeVersion;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReservedPrefix {
    pub prefix: String,
    pub keys: Vec<String>,
    pub upstream: Vec<String>,
}

/// How a driver reads a StorageClass parameter's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// Only the exact text `true` means true (the EBS driver's `isTrue`).
    BoolExact,
    /// Go's `strconv.ParseBool`.
    BoolGo,
    Int32,
    Int64,
    /// One of `values`.
    Enum,
    /// Letters and digits (mkfs size options).
    Alnum,
    String,
    /// Read and thrown away.
    Ignored,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub key: String,
    pub kind: ParamKind,
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
#[serde(deny_unknown_fields)]
pub struct IopsLimit {
    pub min: i64,
    pub max: i64,
    pub max_per_gib: i64,
}

/// The drivers ekslint knows the parameters of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DriverId {
    Ebs,
    Efs,
    Fsx,
}

/// How a driver matches parameter keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyCase {
    /// Keys are lower-cased before the match (EBS).
    Insensitive,
    Exact,
}

/// What a driver does with a key it does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownKey {
    /// CreateVolume fails: the claim stays Pending.
    Rejected,
    /// Silently not seen.
    Ignored,
}

/// A Kubernetes access mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
pub enum AccessMode {
    ReadWriteOnce,
    ReadWriteOncePod,
    ReadOnlyMany,
    ReadWriteMany,
}

/// Whether a driver serves an access mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModeSupport {
    Ok,
    Never,
    /// Only io2 block volumes with multi-attach.
    BlockIo2,
}

/// What Fargate can mount of a driver's volumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FargateSupport {
    None,
    /// Statically provisioned volumes only.
    StaticOnly,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriverRow {
    pub id: DriverId,
    pub service: String,
    /// The StorageClass `provisioner` / PV `csi.driver` names of this driver.
    pub provisioners: Vec<String>,
    pub key_case: KeyCase,
    pub unknown_key: UnknownKey,
    #[serde(default)]
    pub tag_prefix: Option<String>,
    pub access_modes: BTreeMap<AccessMode, ModeSupport>,
    pub volume_modes: Vec<String>,
    pub expansion: bool,
    pub fargate: FargateSupport,
    pub upstream: Vec<String>,
    pub params: Vec<Param>,
    #[serde(default)]
    pub iops_limits: BTreeMap<String, IopsLimit>,
    #[serde(default)]
    pub reserved_tag_keys: Vec<String>,
    #[serde(default)]
    pub reserved_tag_prefixes: Vec<String>,
    #[serde(default)]
    pub reserved_tags_upstream: Option<String>,
    #[serde(default)]
    pub volume_attributes: Vec<String>,
    #[serde(default)]
    pub volume_attributes_upstream: Option<String>,
}

impl DriverRow {
    /// The parameter row for a key as the driver matches it.
    pub fn param(&self, key: &str) -> Option<&Param> {
        if self.key_case == KeyCase::Insensitive && !key.starts_with("csi.storage.k8s.io/") {
            self.params.iter().find(|p| p.key.eq_ignore_ascii_case(key))
        } else {
            self.params.iter().find(|p| p.key == key)
        }
    }
}

/// The CSI access mode each Kubernetes access mode is sent as.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CsiAccessMode {
    SingleNodeWriter,
    MultiNodeReaderOnly,
    MultiNodeMultiWriter,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessModeTranslation {
    #[serde(rename = "ReadWriteOnce")]
    pub read_write_once: CsiAccessMode,
    #[serde(rename = "ReadWriteOncePod")]
    pub read_write_once_pod: CsiAccessMode,
    #[serde(rename = "ReadOnlyMany")]
    pub read_only_many: CsiAccessMode,
    #[serde(rename = "ReadWriteMany")]
    pub read_write_many: CsiAccessMode,
    pub upstream: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriversFile {
    pub schema_version: SchemaV1,
    pub reserved_prefix: ReservedPrefix,
    pub access_mode_translation: AccessModeTranslation,
    pub drivers: Vec<DriverRow>,
}

/// What an in-tree volume plugin does at the version that removed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// CSI migration sends it to `csi_driver`.
    Redirected,
    /// No longer works at all.
    Broken,
}

/// What an in-tree volume does on EKS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnEks {
    /// Migrates to a CSI driver that runs on EKS.
    Migrate,
    /// Belongs to another cloud or platform.
    OtherCloud,
    /// Removed from Kubernetes.
    Removed,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plugin {
    pub field: String,
    #[serde(default)]
    pub provisioner: Option<String>,
    pub removed_in: KubeVersion,
    pub outcome: Outcome,
    #[serde(default)]
    pub csi_driver: Option<String>,
    pub eks: OnEks,
    #[serde(default)]
    pub note: Option<String>,
}

impl Plugin {
    pub fn removed(&self) -> KubeVersion {
        self.removed_in
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InTreeFile {
    pub schema_version: SchemaV1,
    pub plugins: Vec<Plugin>,
}

pub const DRIVERS_TABLE: crate::data::Table = crate::table!("rules/csi/drivers.yaml");
pub const IN_TREE_TABLE: crate::data::Table = crate::table!("rules/csi/in-tree.yaml");

pub static DRIVERS: LazyLock<DriversFile> = LazyLock::new(|| crate::data::load(&DRIVERS_TABLE));

pub static IN_TREE: LazyLock<InTreeFile> = LazyLock::new(|| crate::data::load(&IN_TREE_TABLE));

/// The driver row of `id`.
pub fn driver(id: DriverId) -> &'static DriverRow {
    DRIVERS
        .drivers
        .iter()
        .find(|d| d.id == id)
        .expect("the table test checks every driver has a row")
}

/// The driver whose StorageClass `provisioner` or PV `csi.driver` is `name`.
pub fn driver_of(name: &str) -> Option<DriverId> {
    DRIVERS
        .drivers
        .iter()
        .find(|d| d.provisioners.iter().any(|p| p == name))
        .map(|d| d.id)
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
        for id in [DriverId::Ebs, DriverId::Efs, DriverId::Fsx] {
            let d = driver(id);
            assert!(!d.upstream.is_empty(), "{id:?}");
            assert_eq!(d.access_modes.len(), 4, "{id:?}: every access mode");
            let mut seen = std::collections::HashSet::new();
            for p in &d.params {
                assert!(!p.upstream.is_empty(), "{id:?} {}", p.key);
                assert!(
                    seen.insert(p.key.to_ascii_lowercase()),
                    "{id:?} duplicate {}",
                    p.key
                );
                assert_eq!(
                    p.kind == ParamKind::Enum,
                    !p.values.is_empty(),
                    "{id:?} {}",
                    p.key
                );
                assert!(d.param(&p.key).is_some());
            }
            for prov in &d.provisioners {
                assert_eq!(driver_of(prov), Some(id), "{prov}");
            }
        }
        assert_eq!(DRIVERS.drivers.len(), 3, "one row per driver");
        assert_eq!(driver_of("ebs.csi.eks.amazonaws.com"), Some(DriverId::Ebs));
        assert_eq!(driver_of("kubernetes.io/aws-ebs"), None);
        // EBS matches keys case-insensitively, EFS and FSx exactly.
        assert!(driver(DriverId::Ebs).param("IOPSPERGB").is_some());
        assert!(driver(DriverId::Efs).param("fileSystemID").is_none());
        assert!(
            DRIVERS
                .reserved_prefix
                .keys
                .iter()
                .all(|k| k.starts_with(&DRIVERS.reserved_prefix.prefix))
        );
        let ebs = driver(DriverId::Ebs);
        for (t, l) in &ebs.iops_limits {
            assert!(l.min < l.max && l.max_per_gib > 0, "{t}");
            assert!(ebs.param("type").unwrap().values.contains(t));
        }
    }

    #[test]
    fn in_tree_table_is_consistent() {
        let mut seen = std::collections::HashSet::new();
        for p in &IN_TREE.plugins {
            assert!(seen.insert(&p.field), "duplicate {}", p.field);
            assert_eq!(
                p.outcome == Outcome::Redirected,
                p.csi_driver.is_some(),
                "{}",
                p.field
            );
            if let Some(prov) = &p.provisioner {
                assert!(prov.starts_with("kubernetes.io/"));
            }
            assert_eq!(
                p.eks == OnEks::Removed,
                p.outcome == Outcome::Broken,
                "{}",
                p.field
            );
        }
        assert_eq!(
            plugin_by_field("awsElasticBlockStore").unwrap().eks,
            OnEks::Migrate
        );
        assert_eq!(
            plugin_by_provisioner("kubernetes.io/gce-pd").unwrap().field,
            "gcePersistentDisk"
        );
    }
}
