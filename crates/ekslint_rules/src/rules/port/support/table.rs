//! The portability tables under `rules/port/`, typed, with their lookups.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::data::SchemaV1;

/// The platform a construct comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    Gke,
    Aks,
    Openshift,
    Metallb,
    /// kubeadm, OpenShift and other clusters run on your own machines.
    SelfManaged,
    /// minikube, kind, k3s, Docker Desktop, MicroK8s.
    LocalDev,
    /// Amazon Web Services itself (table examples only).
    Aws,
    Other,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Gke => "GKE",
            Platform::Aks => "AKS",
            Platform::Openshift => "OpenShift",
            Platform::Metallb => "MetalLB",
            Platform::SelfManaged => "self-managed clusters",
            Platform::LocalDev => "local development clusters",
            Platform::Aws => "AWS",
            Platform::Other => "another platform",
        }
    }

    /// Whose nodes carry a label: "GKE nodes".
    pub fn nodes(self) -> &'static str {
        match self {
            Platform::Gke => "GKE nodes",
            Platform::Aks => "AKS nodes",
            Platform::Openshift => "OpenShift nodes",
            Platform::SelfManaged => "the nodes of self-managed clusters (OpenShift, kubeadm)",
            _ => "another platform's nodes",
        }
    }
}

/// The help for the EKS side of a row: "on EKS, use `x`" for a replacement, or the row's own
/// sentence ("remove it: …").
pub fn eks_help(eks: &str) -> String {
    if eks.starts_with('`') {
        format!("on EKS, use {eks}")
    } else {
        format!("on EKS: {eks}")
    }
}

/// How a row's name is matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Match {
    Exact,
    Prefix,
    Suffix,
}

impl Match {
    fn matches(self, pattern: &str, s: &str) -> bool {
        match self {
            Match::Exact => s == pattern,
            Match::Prefix => s.starts_with(pattern) && s.len() > pattern.len(),
            Match::Suffix => s.ends_with(pattern) && s.len() > pattern.len(),
        }
    }
}

/// The first exact row, then the longest prefix or suffix row that matches `s`.
fn best<'a, T>(rows: &'a [T], s: &str, row: impl Fn(&T) -> (&str, Match)) -> Option<&'a T> {
    rows.iter()
        .find(|r| {
            let (p, m) = row(r);
            m == Match::Exact && p == s
        })
        .or_else(|| {
            rows.iter()
                .filter(|r| {
                    let (p, m) = row(r);
                    m != Match::Exact && m.matches(p, s)
                })
                .max_by_key(|r| row(r).0.len())
        })
}

// ------------------------------------------------------------------------ annotations.yaml

/// What losing an annotation means on EKS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// It decided who can reach the load balancer (PORT001).
    Exposure,
    /// A feature is silently lost (PORT006).
    Lost,
    /// Nothing to replace (PORT007).
    Leftover,
}

/// Which side of exposure an `exposure` row decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exposure {
    /// Internal or public.
    Scheme,
    /// Which sources may connect.
    Sources,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixRow {
    pub prefix: String,
    pub platform: Platform,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationRow {
    pub key: String,
    #[serde(default)]
    pub prefix: bool,
    pub platform: Platform,
    pub kinds: Vec<String>,
    pub effect: Effect,
    #[serde(default)]
    pub exposure: Option<Exposure>,
    #[serde(default)]
    pub internal_values: Vec<String>,
    pub what: String,
    pub eks: String,
    #[serde(default)]
    pub ported_by: Vec<String>,
    pub src: String,
}

impl AnnotationRow {
    /// Does the row apply to an object of `kind` (`Pod` for pod metadata)?
    pub fn applies_to(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationsFile {
    pub schema_version: SchemaV1,
    pub prefixes: Vec<PrefixRow>,
    pub annotations: Vec<AnnotationRow>,
}

pub const ANNOTATIONS_TABLE: crate::data::Table = crate::table!("rules/port/annotations.yaml");

pub static ANNOTATIONS: LazyLock<AnnotationsFile> =
    LazyLock::new(|| crate::data::load(&ANNOTATIONS_TABLE));

static ANNOTATION_BY_KEY: LazyLock<HashMap<&'static str, &'static AnnotationRow>> =
    LazyLock::new(|| {
        ANNOTATIONS
            .annotations
            .iter()
            .filter(|r| !r.prefix)
            .map(|r| (r.key.as_str(), r))
            .collect()
    });

/// The row of an annotation key: exact, else the longest prefix row.
pub fn annotation(key: &str) -> Option<&'static AnnotationRow> {
    if let Some(r) = ANNOTATION_BY_KEY.get(key) {
        return Some(r);
    }
    ANNOTATIONS
        .annotations
        .iter()
        .filter(|r| r.prefix && key.starts_with(&r.key) && key.len() > r.key.len())
        .max_by_key(|r| r.key.len())
}

/// The platform that owns the prefix of `key`, for keys without a row.
pub fn annotation_prefix(key: &str) -> Option<&'static PrefixRow> {
    ANNOTATIONS
        .prefixes
        .iter()
        .filter(|p| key.starts_with(&p.prefix) && key.len() > p.prefix.len())
        .max_by_key(|p| p.prefix.len())
}

// ------------------------------------------------------------------------ scheduling.yaml

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelRow {
    pub key: String,
    #[serde(rename = "match")]
    pub matching: Match,
    pub platform: Platform,
    pub what: String,
    pub eks: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeprecatedLabel {
    pub key: String,
    pub replacement: String,
}

/// What a zone example is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ZoneKind {
    Zone,
    Region,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneExample {
    pub value: String,
    pub kind: ZoneKind,
    pub platform: Platform,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zones {
    pub zone_keys: Vec<String>,
    pub region_keys: Vec<String>,
    pub examples: Vec<ZoneExample>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRow {
    pub name: String,
    #[serde(rename = "match")]
    pub matching: Match,
    pub platform: Platform,
    pub what: String,
    pub eks: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchedulingFile {
    pub schema_version: SchemaV1,
    pub node_labels: Vec<LabelRow>,
    pub taints: Vec<LabelRow>,
    pub deprecated_labels: Vec<DeprecatedLabel>,
    pub zones: Zones,
    pub resources: Vec<ResourceRow>,
}

pub const SCHEDULING_TABLE: crate::data::Table = crate::table!("rules/port/scheduling.yaml");

pub static SCHEDULING: LazyLock<SchedulingFile> =
    LazyLock::new(|| crate::data::load(&SCHEDULING_TABLE));

/// The row of a node label key that no EKS node carries.
pub fn node_label(key: &str) -> Option<&'static LabelRow> {
    best(&SCHEDULING.node_labels, key, |r| (&r.key, r.matching))
}

/// The row of a taint key of another platform (node labels included: most platforms taint
/// with their label keys).
pub fn taint(key: &str) -> Option<&'static LabelRow> {
    best(&SCHEDULING.taints, key, |r| (&r.key, r.matching)).or_else(|| node_label(key))
}

/// The replacement of a deprecated node label.
pub fn deprecated_label(key: &str) -> Option<&'static str> {
    SCHEDULING
        .deprecated_labels
        .iter()
        .find(|d| d.key == key)
        .map(|d| d.replacement.as_str())
}

/// The row of an extended resource no EC2 node advertises.
pub fn resource(name: &str) -> Option<&'static ResourceRow> {
    best(&SCHEDULING.resources, name, |r| (&r.name, r.matching))
}

// ------------------------------------------------------------------------ storage.yaml

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsiDriverRow {
    pub name: String,
    #[serde(rename = "match")]
    pub matching: Match,
    pub platform: Platform,
    pub service: String,
    pub eks: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassNameRow {
    pub name: String,
    pub platform: Platform,
    pub what: String,
    pub eks: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalProvisionerRow {
    pub name: String,
    pub platform: Platform,
    pub what: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageFile {
    pub schema_version: SchemaV1,
    pub csi_drivers: Vec<CsiDriverRow>,
    pub class_names: Vec<ClassNameRow>,
    pub local_provisioners: Vec<LocalProvisionerRow>,
}

pub const STORAGE_TABLE: crate::data::Table = crate::table!("rules/port/storage.yaml");

pub static STORAGE: LazyLock<StorageFile> = LazyLock::new(|| crate::data::load(&STORAGE_TABLE));

/// The row of another platform's CSI driver name.
pub fn csi_driver(name: &str) -> Option<&'static CsiDriverRow> {
    best(&STORAGE.csi_drivers, name, |r| (&r.name, r.matching))
}

/// The row of a StorageClass name that another platform creates. CSI017 leaves these names to
/// PORT015.
pub fn foreign_class_name(name: &str) -> Option<&'static ClassNameRow> {
    STORAGE.class_names.iter().find(|r| r.name == name)
}

/// The row of a local development provisioner.
pub fn local_provisioner(name: &str) -> Option<&'static LocalProvisionerRow> {
    STORAGE.local_provisioners.iter().find(|r| r.name == name)
}

// ------------------------------------------------------------------------ platform.yaml

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiGroupRow {
    pub group: String,
    #[serde(rename = "match")]
    pub matching: Match,
    #[serde(default)]
    pub kinds: Vec<String>,
    pub platform: Platform,
    pub what: String,
    pub eks: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassRow {
    pub name: String,
    #[serde(rename = "match")]
    pub matching: Match,
    pub platform: Platform,
    pub what: String,
    pub eks: String,
}

/// Where an identity marker is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdentityOn {
    /// An annotation of the ServiceAccount.
    ServiceAccount,
    /// A label of the pod (or pod template).
    PodLabel,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRow {
    pub key: String,
    pub on: IdentityOn,
    pub primary: bool,
    pub platform: Platform,
    pub what: String,
}

/// What a Docker host path holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostPathKind {
    /// The daemon's API socket (PORT017).
    Socket,
    /// Its data directory (PORT018).
    Data,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostPathRow {
    pub path: String,
    pub prefix: bool,
    pub kind: HostPathKind,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformFile {
    pub schema_version: SchemaV1,
    pub api_groups: Vec<ApiGroupRow>,
    pub ingress_classes: Vec<ClassRow>,
    pub gateway_classes: Vec<ClassRow>,
    pub load_balancer_classes: Vec<ClassRow>,
    pub identity: Vec<IdentityRow>,
    pub host_paths: Vec<HostPathRow>,
}

pub const PLATFORM_TABLE: crate::data::Table = crate::table!("rules/port/platform.yaml");

pub static PLATFORM: LazyLock<PlatformFile> = LazyLock::new(|| crate::data::load(&PLATFORM_TABLE));

/// The row of an API group (and kind) that only another platform serves: the first row whose
/// group matches and whose kinds (when it lists any) include `kind`.
pub fn api_group(group: &str, kind: &str) -> Option<&'static ApiGroupRow> {
    PLATFORM.api_groups.iter().find(|r| {
        r.matching.matches(&r.group, group)
            && (r.kinds.is_empty() || r.kinds.iter().any(|k| k == kind))
    })
}

/// Which kind of class a name is used as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassKind {
    Ingress,
    Gateway,
    LoadBalancer,
}

/// The row of a class name that only another platform's controller serves.
pub fn class(kind: ClassKind, name: &str) -> Option<&'static ClassRow> {
    let rows = match kind {
        ClassKind::Ingress => &PLATFORM.ingress_classes,
        ClassKind::Gateway => &PLATFORM.gateway_classes,
        ClassKind::LoadBalancer => &PLATFORM.load_balancer_classes,
    };
    best(rows, name, |r| (&r.name, r.matching))
}

/// The identity row of a ServiceAccount annotation or pod label key.
pub fn identity(on: IdentityOn, key: &str) -> Option<&'static IdentityRow> {
    PLATFORM
        .identity
        .iter()
        .find(|r| r.on == on && r.key == key)
}

/// What a hostPath path holds of the Docker runtime. Trailing slashes do not count.
pub fn host_path(path: &str) -> Option<&'static HostPathRow> {
    let p = path.trim_end_matches('/');
    PLATFORM.host_paths.iter().find(|r| {
        p == r.path || (r.prefix && p.starts_with(&r.path) && p[r.path.len()..].starts_with('/'))
    })
}

// ------------------------------------------------------------------------ registries.yaml

/// Why a registry is a problem on EKS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistryKind {
    /// The old platform's nodes had credentials for it (PORT019).
    Credentials,
    /// Frozen, with one replacement (PORT020).
    Frozen,
    /// Inside the old cluster (PORT021).
    Internal,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryRow {
    pub host: String,
    #[serde(rename = "match")]
    pub matching: Match,
    pub kind: RegistryKind,
    #[serde(default)]
    pub replacement: Option<String>,
    pub platform: Platform,
    pub what: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistriesFile {
    pub schema_version: SchemaV1,
    pub registries: Vec<RegistryRow>,
    pub docker_hub: Vec<String>,
}

pub const REGISTRIES_TABLE: crate::data::Table = crate::table!("rules/port/registries.yaml");

pub static REGISTRIES: LazyLock<RegistriesFile> =
    LazyLock::new(|| crate::data::load(&REGISTRIES_TABLE));

/// The row of a registry host (without its port).
pub fn registry(host: &str) -> Option<&'static RegistryRow> {
    best(&REGISTRIES.registries, host, |r| (&r.host, r.matching))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(
            annotation("networking.gke.io/load-balancer-type").map(|r| r.effect),
            Some(Effect::Exposure)
        );
        assert_eq!(
            annotation("service.beta.kubernetes.io/port_80_health-probe_protocol")
                .map(|r| r.key.as_str()),
            Some("service.beta.kubernetes.io/port_")
        );
        assert!(annotation("service.beta.kubernetes.io/aws-load-balancer-scheme").is_none());
        assert_eq!(
            annotation_prefix("cloud.google.com/unknown").map(|p| p.platform),
            Some(Platform::Gke)
        );
        assert_eq!(
            node_label("cloud.google.com/gke-nodepool").map(|r| r.key.as_str()),
            Some("cloud.google.com/gke-nodepool")
        );
        assert_eq!(
            node_label("cloud.google.com/gke-tpu-topology").map(|r| r.key.as_str()),
            Some("cloud.google.com/gke-tpu-")
        );
        assert_eq!(
            node_label("cloud.google.com/whatever").map(|r| r.key.as_str()),
            Some("cloud.google.com/")
        );
        assert!(node_label("topology.kubernetes.io/zone").is_none());
        assert!(
            node_label("node-role.kubernetes.io/").is_none(),
            "a bare prefix is no key"
        );
        assert_eq!(
            taint("google.com/tpu").map(|r| r.platform),
            Some(Platform::Gke)
        );
        assert_eq!(
            deprecated_label("failure-domain.beta.kubernetes.io/zone"),
            Some("topology.kubernetes.io/zone")
        );
        assert_eq!(
            csi_driver("pd.csi.storage.gke.io").map(|r| r.matching),
            Some(Match::Exact)
        );
        assert_eq!(
            csi_driver("new.csi.storage.gke.io").map(|r| r.matching),
            Some(Match::Suffix)
        );
        assert!(csi_driver("ebs.csi.aws.com").is_none());
        assert_eq!(
            api_group("networking.gke.io", "ManagedCertificate").map(|r| r.kinds.len()),
            Some(1)
        );
        assert_eq!(
            api_group("networking.gke.io", "ServiceAttachment").map(|r| r.kinds.len()),
            Some(0)
        );
        assert!(api_group("config.openshift.io", "ClusterVersion").is_some());
        assert!(api_group("networking.k8s.io", "Ingress").is_none());
        assert!(class(ClassKind::Gateway, "gke-l7-rilb").is_some());
        assert!(class(ClassKind::Ingress, "alb").is_none());
        assert!(host_path("/var/run/docker.sock/").is_some());
        assert_eq!(
            host_path("/var/lib/docker/containers").map(|r| r.kind),
            Some(HostPathKind::Data)
        );
        assert!(host_path("/var/lib/dockerd").is_none());
        assert_eq!(
            registry("us-docker.pkg.dev").map(|r| r.kind),
            Some(RegistryKind::Credentials)
        );
        assert_eq!(
            registry("k8s.gcr.io").map(|r| r.kind),
            Some(RegistryKind::Frozen)
        );
    }

    /// Every exposure row says which side of exposure it decided; scheme rows name the values
    /// that mean internal; `ported_by` names AWS keys or spec fields.
    #[test]
    fn annotation_rows_are_complete() {
        for r in &ANNOTATIONS.annotations {
            assert_eq!(
                r.effect == Effect::Exposure,
                r.exposure.is_some(),
                "{}: `exposure` goes with effect exposure",
                r.key
            );
            assert_eq!(
                r.exposure == Some(Exposure::Scheme),
                !r.internal_values.is_empty(),
                "{}: scheme rows list internal_values",
                r.key
            );
            assert!(!r.kinds.is_empty(), "{}", r.key);
            for p in &ANNOTATIONS.prefixes {
                assert!(
                    !r.key.starts_with(&p.prefix) || p.platform == r.platform,
                    "{}: a row under a platform prefix has that platform",
                    r.key
                );
            }
        }
    }

    /// The CSI drivers here and the in-tree plugins of CSI014/CSI015 never overlap: one rule
    /// owns each name.
    #[test]
    fn no_driver_is_in_both_storage_tables() {
        let in_tree = &crate::rules::csi::support::table::IN_TREE;
        for p in &in_tree.plugins {
            if let Some(name) = &p.provisioner {
                assert!(csi_driver(name).is_none(), "{name} is in both tables");
                assert!(
                    local_provisioner(name).is_none(),
                    "{name} is in both tables"
                );
            }
        }
        for d in &STORAGE.csi_drivers {
            assert!(
                !d.name.starts_with("kubernetes.io/"),
                "{}: in-tree names belong to rules/csi/in-tree.yaml",
                d.name
            );
        }
    }
}
