//! The removed/deprecated API table, `rules/api/deprecated-apis.yaml`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::version::KubeVersion;

#[derive(Clone, Debug, serde::Deserialize)]
pub struct FieldChange {
    /// Dotted map keys from the object root; `[]` steps into every list item.
    pub path: String,
    /// When set, the label goes on each map at `path` that lacks this key.
    #[serde(default)]
    pub missing: Option<String>,
    pub message: String,
}

#[derive(Clone, Debug, serde::Deserialize)]
pub struct ApiRow {
    pub api_version: String,
    pub kind: String,
    pub component: String,
    pub stability: String,
    pub deprecated_in: Option<String>,
    pub removed_in: Option<String>,
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
        self.component == "k8s"
    }

    pub fn deprecated(&self) -> Option<KubeVersion> {
        self.deprecated_in.as_deref().and_then(KubeVersion::parse)
    }

    pub fn removed(&self) -> Option<KubeVersion> {
        self.removed_in.as_deref().and_then(KubeVersion::parse)
    }
}

#[derive(Debug, serde::Deserialize)]
struct TableFile {
    schema_version: u32,
    apis: Vec<ApiRow>,
}

pub struct ApiTable {
    pub rows: Vec<ApiRow>,
    /// (apiVersion, kind) → row; `*` kinds are keyed by apiVersion alone under kind `*`.
    by_key: HashMap<(String, String), usize>,
}

const TABLE_YAML: &str = include_str!("../../../../../../rules/api/deprecated-apis.yaml");

impl ApiTable {
    pub fn get() -> &'static ApiTable {
        static TABLE: OnceLock<ApiTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            let file: TableFile =
                crate::data::load_yaml("rules/api/deprecated-apis.yaml", TABLE_YAML);
            assert_eq!(
                file.schema_version, 1,
                "rules/api/deprecated-apis.yaml schema_version"
            );
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
            if r.is_kubernetes() {
                if let (Some(d), Some(rm)) = (r.deprecated(), r.removed()) {
                    assert!(
                        d <= rm,
                        "{} {}: removed before deprecated",
                        r.api_version,
                        r.kind
                    );
                }
                assert!(
                    r.removed_in.is_none() || r.removed().is_some(),
                    "{} {}",
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
