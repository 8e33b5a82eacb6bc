//! The FARGATE table: `rules/fargate/fargate.yaml`.

use std::sync::LazyLock;

use crate::data::SchemaV1;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnsupportedSelector {
    pub key: String,
    pub values: Vec<String>,
    pub what: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

/// One vCPU size and the memory sizes that go with it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub vcpu: f64,
    #[serde(default)]
    pub memory_gib: Vec<f64>,
    #[serde(default)]
    pub range_gib: Option<Range>,
}

impl Size {
    /// The memory sizes of this vCPU size, in MiB, ascending.
    pub fn memory_mib(&self) -> Vec<u64> {
        let mut out: Vec<u64> = self
            .memory_gib
            .iter()
            .map(|g| (g * 1024.0) as u64)
            .collect();
        if let Some(r) = &self.range_gib {
            let mut g = r.min;
            while g <= r.max + 1e-9 {
                out.push((g * 1024.0) as u64);
                g += r.step;
            }
        }
        out
    }

    pub fn millicores(&self) -> u64 {
        (self.vcpu * 1000.0).round() as u64
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub key: String,
    pub value: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// The ConfigMap key.
    pub key: String,
    /// The section it holds (`FILTER`).
    pub section: String,
    /// Keys each section needs (compared case-insensitively).
    pub required: Vec<String>,
    /// The plugin names Fargate accepts; empty: any.
    pub names: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logging {
    pub namespace: String,
    pub namespace_label: Label,
    pub config_map: String,
    pub max_characters: usize,
    pub sections: Vec<LogSection>,
    pub other_keys: Vec<String>,
}

/// What the VPC resource controller does with an annotation a manifest sets itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Rejected,
    Removed,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControllerAnnotation {
    pub key: String,
    pub outcome: Outcome,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroups {
    pub policy_group: String,
    pub policy_kind: String,
    pub controller_annotations: Vec<ControllerAnnotation>,
    pub instance_type_labels: Vec<String>,
    pub instance_family_labels: Vec<String>,
    pub unsupported_family_prefix: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargateFile {
    pub schema_version: SchemaV1,
    pub compute_type_label: String,
    pub fargate_value: String,
    pub taint: Taint,
    pub accelerators: Vec<String>,
    pub unsupported_selectors: Vec<UnsupportedSelector>,
    pub overhead_mib: u64,
    pub sizes: Vec<Size>,
    pub max_ephemeral_storage_gib: u64,
    pub logging: Logging,
    pub security_groups: SecurityGroups,
}

pub const FARGATE_TABLE: crate::data::Table = crate::table!("rules/fargate/fargate.yaml");

pub static FARGATE: LazyLock<FargateFile> = LazyLock::new(|| crate::data::load(&FARGATE_TABLE));
