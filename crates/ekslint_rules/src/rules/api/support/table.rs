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
    pub upstream: Vec<String>,
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
