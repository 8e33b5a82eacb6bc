//! Shared helpers of the IRSA rules: tables, views and parsers that several rules use.

pub mod facts;

use std::sync::LazyLock;

use ekslint_manifest::{Object, Tree};

/// `rules/irsa/irsa.yaml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub schema_version: crate::data::SchemaV1,
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
}

/// The objects a webhook or tool reads an annotation from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
pub enum ReadFrom {
    ServiceAccount,
    Pod,
    Namespace,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationRow {
    pub key: String,
    /// Where the webhook reads the key.
    pub read_from: Vec<ReadFrom>,
    pub upstream: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenExpiration {
    pub min: i64,
    pub max: i64,
    pub default: i64,
    pub upstream: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReservedVolume {
    pub name: String,
    pub mount_path: String,
    pub mode: String,
    pub upstream: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialEnv {
    pub name: String,
    pub kind: CredentialKind,
}

/// What a credential environment variable points the SDK at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKind {
    /// Static access keys.
    Keys,
    /// A named profile.
    Profile,
    /// A credentials or config file.
    File,
    /// A volume mounted where the SDK looks for its shared files (`~/.aws`); found in the pod
    /// spec, not named by a variable.
    #[serde(skip_deserializing)]
    Mount,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyAnnotation {
    pub key: String,
    /// `Pod` or `Namespace`.
    pub on: ReadFrom,
    pub tool: String,
    pub upstream: String,
}

pub const TABLE_FILE: crate::data::Table = crate::table!("rules/irsa/irsa.yaml");

pub static TABLE: LazyLock<Table> = LazyLock::new(|| crate::data::load(&TABLE_FILE));

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
    pub fn credential_kind(&self, name: &str) -> Option<CredentialKind> {
        self.credential_env
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.kind)
    }
}

/// Is this a ServiceAccount (core v1)?
pub fn is_service_account(tree: &Tree, obj: &Object) -> bool {
    obj.is_core(tree, "ServiceAccount")
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
                assert!(*r != ReadFrom::Namespace, "{key}: {r:?}");
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
            assert!(!t.web_identity_env.contains(&c.name));
        }
        for l in &t.legacy_annotations {
            assert!(l.on != ReadFrom::ServiceAccount, "{}", l.key);
            assert!(!l.upstream.is_empty() && !l.tool.is_empty());
        }
        assert!(!t.credential_env_upstream.is_empty());
        assert!(!t.skip_label_upstream.is_empty());
        assert_eq!(t.windows_node_selector_keys.len(), 2);
        assert_eq!(t.default_audience, "sts.amazonaws.com");
        assert!(!t.token_expiration.upstream.is_empty());
    }
}
