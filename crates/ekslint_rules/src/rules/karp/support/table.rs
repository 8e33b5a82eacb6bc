//! The KARP tables: `rules/karp/karpenter.yaml` (migration facts, labels, Auto Mode, the Cluster
//! Autoscaler, IMDS consumers) and `rules/karp/crd-cel.yaml` (the CEL rules of the NodePool and
//! EC2NodeClass CRDs, and which rule decides each).

use std::sync::LazyLock;

use crate::data::SchemaV1;

/// A Karpenter kind at an API version Karpenter v1.1+ no longer serves.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    pub api_version: String,
    pub kind: String,
    /// The v1 apiVersion.
    pub to: String,
    pub to_kind: String,
    /// The v1 object is the same kind with some fields changed (v1beta1), not a new shape.
    pub same_shape: bool,
}

/// Where Karpenter read an annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
pub enum On {
    Pod,
    Node,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemovedAnnotation {
    pub key: String,
    pub on: Vec<On>,
    pub to: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenamedTaint {
    pub key: String,
    pub value: String,
    pub effect: String,
    pub to: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeLabels {
    pub karpenter_sh: Vec<String>,
    pub karpenter_k8s_aws: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemovedLabel {
    pub key: String,
    #[serde(default)]
    pub to: Option<String>,
    pub note: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedFamily {
    pub family: String,
    pub note: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ami {
    pub alias_families: Vec<String>,
    pub windows_alias_families: Vec<String>,
    pub families: Vec<String>,
    pub dropped_families: Vec<DroppedFamily>,
    pub unregistered_taint: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoMode {
    pub node_class_group: String,
    pub node_class_kind: String,
    pub compute_type_label: String,
    pub compute_type_value: String,
    pub label_prefix: String,
    pub labels: Vec<String>,
    pub unsupported_labels: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OlderCa {
    pub ca: String,
    pub kubernetes: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaAnnotation {
    pub key: String,
    pub on: On,
    pub value: String,
    pub karpenter: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterAutoscaler {
    pub image_names: Vec<String>,
    pub same_minor_since: u32,
    pub older: Vec<OlderCa>,
    pub annotations: Vec<CaAnnotation>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImdsNeed {
    pub what: String,
    pub args_any: Vec<String>,
    pub env_any: Vec<String>,
    pub supplied_by_webhook: bool,
    pub helm_value: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImdsConsumer {
    pub image: String,
    pub name: String,
    pub needs: Vec<ImdsNeed>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KarpenterFile {
    pub schema_version: SchemaV1,
    pub apis: Vec<Api>,
    pub removed_annotations: Vec<RemovedAnnotation>,
    pub do_not_disrupt: String,
    pub renamed_taints: Vec<RenamedTaint>,
    pub node_labels: NodeLabels,
    pub requirement_keys_karpenter_sh: Vec<String>,
    pub removed_labels: Vec<RemovedLabel>,
    pub capacity_types: Vec<String>,
    pub ami: Ami,
    pub default_hop_limit: i64,
    pub auto_mode: AutoMode,
    pub cluster_autoscaler: ClusterAutoscaler,
    pub imds_consumers: Vec<ImdsConsumer>,
}

/// Which CRD a CEL rule belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Crd {
    NodePools,
    Ec2NodeClasses,
}

/// One `x-kubernetes-validations` rule of a bundled CRD.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CelRule {
    pub crd: Crd,
    /// The schema path the rule sits on (`.spec.template.spec.requirements`).
    pub path: String,
    /// The rule's message, as the API server reports it.
    pub message: String,
    /// The KARP rule that decides it from the manifest.
    #[serde(default)]
    pub decided_by: Option<String>,
    /// Why no manifest can decide it.
    #[serde(default)]
    pub undecidable: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CelFile {
    pub schema_version: SchemaV1,
    pub rules: Vec<CelRule>,
}

pub const KARPENTER_TABLE: crate::data::Table = crate::table!("rules/karp/karpenter.yaml");
pub const CEL_TABLE: crate::data::Table = crate::table!("rules/karp/crd-cel.yaml");

pub static KARPENTER: LazyLock<KarpenterFile> =
    LazyLock::new(|| crate::data::load(&KARPENTER_TABLE));

pub static CEL: LazyLock<CelFile> = LazyLock::new(|| crate::data::load(&CEL_TABLE));
