//! The removed/deprecated API table, `rules/api/deprecated-apis.yaml`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::data::SchemaV1;
use crate::version::KubeVersion;

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    /// Dotted map keys from the object root; `[]` steps into every list item.
    pub path: String,
    /// When set, the label goes on each map at `path` that lacks this key.
    #[serde(default)]
    pub missing: Option<String>,
    pub message: String,
}

/// Who serves an API: Kubernetes itself, or an add-on with releases of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Component {
    Kubernetes,
    /// The add-on's name (`cert-manager`); its rows' versions are the add-on's releases.
    Addon(String),
}

impl<'de> serde::Deserialize<'de> for Component {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "k8s" => Component::Kubernetes,
            "" => return Err(serde::de::Error::custom("empty component")),
            _ => Component::Addon(s),
        })
    }
}

impl std::fmt::Display for Component {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Component::Kubernetes => f.write_str("Kubernetes"),
            Component::Addon(a) => f.write_str(a),
        }
    }
}

/// The stability level of a prerelease API version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stability {
    Alpha,
    Beta,
}

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiRow {
    pub api_version: String,
    pub kind: String,
    pub component: Component,
    pub stability: Stability,
    /// The release that deprecated it (Kubernetes, or the add-on's own).
    pub deprecated_in: Option<KubeVersion>,
    /// The first release that no longer serves it.
    pub removed_in: Option<KubeVersion>,
    pub replacement: Option<String>,
    #[serde(default)]
    pub list_kinds: Vec<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub fields: Vec<FieldChange>,
    /// The first release that serves the replacement; no fix is offered before it.
    #[serde(default)]
    pub replacement_available_in: Option<KubeVersion>,
    /// How a manifest is converted to the replacement. Without it no fix is offered: a row
    /// says so explicitly (`fix: {}` for an apiVersion bump) once its schemas were compared.
    #[serde(default)]
    pub fix: Option<FixSpec>,
    pub upstream: Vec<String>,
}

/// The conversion of a manifest to the replacement apiVersion, as data. Every `path` is dotted
/// map keys from the object root, `[]` stepping into each list item, and names places in the
/// original manifest.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixSpec {
    /// Keys renamed in the maps at `path`.
    #[serde(default)]
    pub renames: Vec<Rename>,
    /// Keys that no longer exist and carry nothing the target needs; removed (their comments
    /// stay).
    #[serde(default)]
    pub drop: Vec<String>,
    /// Keys the target needs, added to the maps at `path` that lack them.
    #[serde(default)]
    pub add: Vec<Add>,
    /// Values the target no longer accepts, replaced.
    #[serde(default)]
    pub values: Vec<ValueChange>,
    /// Fields whose default changed: the fix is unsafe unless the manifest sets them.
    #[serde(default)]
    pub defaults: Vec<DefaultChange>,
    /// Maps whose meaning changes when empty: the fix is unsafe when one is.
    #[serde(default)]
    pub empty: Vec<Note>,
    /// Fields the target requires and no default can supply: without them, no fix is applied
    /// (it is shown only).
    #[serde(default)]
    pub needs: Vec<DefaultChange>,
    /// Restructurings done in code (`rules/api/support/convert.rs`), by name.
    #[serde(default)]
    pub convert: Vec<Conversion>,
    /// When set, the fix is only shown, never applied, for this reason.
    #[serde(default)]
    pub display_only: Option<String>,
}

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    pub path: String,
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Add {
    pub path: String,
    pub key: String,
    /// The value written (any YAML value).
    pub value: serde_json::Value,
    /// Written right after this key when the map has it (else at the map's end).
    #[serde(default)]
    pub after: Option<String>,
    /// Adding it changes behaviour: why (the fix is then unsafe).
    #[serde(default, rename = "unsafe")]
    pub unsafe_because: Option<String>,
}

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueChange {
    /// The value's path (its last step is the key).
    pub path: String,
    pub from: Vec<serde_json::Value>,
    pub to: serde_json::Value,
    #[serde(default, rename = "unsafe")]
    pub unsafe_because: Option<String>,
}

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultChange {
    /// The maps that should set `key`; when the path itself is missing, the key is unset.
    pub path: String,
    pub key: String,
    pub message: String,
}

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub path: String,
    pub message: String,
}

/// The restructurings written in code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conversion {
    /// Ingress backends: `serviceName`/`servicePort` → `service.name`/`service.port.number|name`.
    IngressBackend,
    /// Workloads: `spec.selector.matchLabels` from the pod template's labels when absent.
    WorkloadSelector,
    /// Workloads whose old API gave the object the pod template's labels when it had none:
    /// `metadata.labels` copied from the template, as that default did.
    WorkloadLabels,
    /// HPA `autoscaling/v2beta1` metric sources and statuses → the `v2` shape.
    HpaMetrics,
    /// CRD `apiextensions.k8s.io/v1beta1` → `v1`.
    CrdV1,
    /// EndpointSlice `topology` → `nodeName`, `zone` and `deprecatedTopology`.
    EndpointTopology,
    /// RBAC `v1alpha1` subjects: `apiVersion` → `apiGroup`.
    SubjectApiGroup,
}

impl ApiRow {
    pub fn is_kubernetes(&self) -> bool {
        self.component == Component::Kubernetes
    }

    pub fn deprecated(&self) -> Option<KubeVersion> {
        self.deprecated_in
    }

    pub fn removed(&self) -> Option<KubeVersion> {
        self.removed_in
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableFile {
    pub schema_version: SchemaV1,
    pub apis: Vec<ApiRow>,
}

pub struct ApiTable {
    pub rows: Vec<ApiRow>,
    /// (apiVersion, kind) → row; `*` kinds are keyed by apiVersion alone under kind `*`.
    by_key: HashMap<(String, String), usize>,
}

pub const TABLE_FILE: crate::data::Table = crate::table!("rules/api/deprecated-apis.yaml");

impl ApiTable {
    pub fn get() -> &'static ApiTable {
        static TABLE: OnceLock<ApiTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            let file: TableFile = crate::data::load(&TABLE_FILE);
            let mut by_key = HashMap::new();
            for (i, row) in file.apis.iter().enumerate() {
                by_key.insert((row.api_version.clone(), row.kind.clone()), i);
                for lk in &row.list_kinds {
                    by_key.insert((row.api_version.clone(), lk.clone()), i);
                }
            }
            ApiTable {
                rows: file.apis,
                by_key,
            }
        })
    }

    /// The row for an apiVersion and kind (exact kind first, then a whole-group `*` row).
    pub fn lookup(&self, api_version: &str, kind: &str) -> Option<&ApiRow> {
        let key = |k: &str| (api_version.to_string(), k.to_string());
        self.by_key
            .get(&key(kind))
            .or_else(|| self.by_key.get(&key("*")))
            .map(|&i| &self.rows[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_consistent() {
        let t = ApiTable::get();
        assert!(t.rows.len() >= 100);
        let mut seen = std::collections::HashSet::new();
        for r in &t.rows {
            assert!(
                seen.insert((&r.api_version, &r.kind)),
                "duplicate row {} {}",
                r.api_version,
                r.kind
            );
            assert!(
                !r.upstream.is_empty(),
                "{} {} cites nothing",
                r.api_version,
                r.kind
            );
            if let (Some(d), Some(rm)) = (r.deprecated(), r.removed()) {
                assert!(
                    d <= rm,
                    "{} {}: removed before deprecated",
                    r.api_version,
                    r.kind
                );
            }
            for f in &r.fields {
                assert!(!f.path.is_empty() && !f.message.is_empty());
            }
        }
        let ing = t.lookup("extensions/v1beta1", "Ingress").unwrap();
        assert_eq!(ing.removed(), Some(KubeVersion::new(1, 22)));
        assert_eq!(ing.replacement.as_deref(), Some("networking.k8s.io/v1"));
        assert!(t.lookup("networking.k8s.io/v1", "Ingress").is_none());
        assert!(
            t.lookup("rbac.authorization.k8s.io/v1beta1", "RoleList")
                .is_some()
        );
    }
}
