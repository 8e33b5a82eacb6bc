//! Shared helpers of the AUTH rules: tables, views and parsers that several rules use.

pub use crate::support::embedded;

use std::sync::LazyLock;

use ekslint_manifest::{Entry, NodeId, Object, Span, Tree};
use serde::Deserialize;

use crate::context::FileCtx;
use embedded::{Embedded, parse_embedded};

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthTable {
    /// Checked while loading.
    #[allow(dead_code)]
    pub schema_version: crate::data::SchemaV1,
    pub object: ObjectId,
    pub data_keys: Vec<DataKey>,
    pub template_tokens: Vec<TemplateToken>,
    pub node_rows: Vec<NodeRow>,
    pub reserved_username_prefixes: Vec<String>,
    pub reserved_group_prefix: String,
    pub group_policies: Vec<GroupPolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ObjectId {
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DataKey {
    pub key: String,
    pub fields: Vec<String>,
    pub arn_field: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TemplateToken {
    pub token: String,
    pub in_map_users: InMapUsers,
}

/// What a template token gives in a `mapUsers` row (users have no session name or node).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum InMapUsers {
    /// Filled in as in `mapRoles`.
    Ok,
    /// Filled in with an empty string.
    Empty,
    /// The authenticator rejects the row.
    Fails,
}

/// The node mappings EKS knows, each with its fixed username and groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum NodeKind {
    Ec2Linux,
    Ec2Windows,
    Fargate,
    Hybrid,
}

impl NodeKind {
    #[cfg(test)]
    pub const ALL: [NodeKind; 4] = [
        NodeKind::Ec2Linux,
        NodeKind::Ec2Windows,
        NodeKind::Fargate,
        NodeKind::Hybrid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Ec2Linux => "ec2-linux",
            NodeKind::Ec2Windows => "ec2-windows",
            NodeKind::Fargate => "fargate",
            NodeKind::Hybrid => "hybrid",
        }
    }

    /// An EC2 instance (Linux or Windows), as opposed to Fargate or a hybrid node.
    pub fn is_ec2(self) -> bool {
        matches!(self, NodeKind::Ec2Linux | NodeKind::Ec2Windows)
    }
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NodeRow {
    pub kind: NodeKind,
    pub username: String,
    pub groups: Vec<String>,
    pub access_entry: String,
    pub role_hint: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupPolicy {
    pub group: String,
    pub policy: String,
    pub scope: String,
}

pub const TABLE_FILE: crate::data::Table = crate::table!("rules/auth/aws-auth.yaml");

pub(crate) static TABLE: LazyLock<AuthTable> = LazyLock::new(|| {
    let t: AuthTable = crate::data::load(&TABLE_FILE);
    for s in Section::ALL {
        let k = &t.data_keys[s as usize];
        assert!(
            k.key == s.key() && k.arn_field == s.arn_field(),
            "rules/auth/aws-auth.yaml: data_keys must be mapRoles, mapUsers, mapAccounts in order"
        );
    }
    t
});

impl AuthTable {
    pub fn data_key(&self, section: Section) -> &DataKey {
        &self.data_keys[section as usize]
    }

    pub fn token(&self, name: &str) -> Option<&TemplateToken> {
        self.template_tokens.iter().find(|t| t.token == name)
    }

    pub fn node_row(&self, kind: NodeKind) -> &NodeRow {
        self.node_rows
            .iter()
            .find(|r| r.kind == kind)
            .expect("node row kind in the table")
    }

    pub fn policy_for(&self, group: &str) -> Option<&GroupPolicy> {
        self.group_policies.iter().find(|g| g.group == group)
    }
}

// ---------------------------------------------------------------------------------------------
// The object
// ---------------------------------------------------------------------------------------------

/// The three embedded documents, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    Roles = 0,
    Users = 1,
    Accounts = 2,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Roles, Section::Users, Section::Accounts];

    pub fn key(self) -> &'static str {
        match self {
            Section::Roles => "mapRoles",
            Section::Users => "mapUsers",
            Section::Accounts => "mapAccounts",
        }
    }

    /// What one item is called in messages.
    pub fn item_noun(self) -> &'static str {
        match self {
            Section::Roles => "role mapping",
            Section::Users => "user mapping",
            Section::Accounts => "account",
        }
    }

    pub fn arn_field(self) -> &'static str {
        match self {
            Section::Roles => "rolearn",
            Section::Users => "userarn",
            Section::Accounts => "",
        }
    }
}

/// Is this a ConfigMap (core v1)?
pub(crate) fn is_config_map(tree: &Tree, obj: &Object) -> bool {
    obj.kind_str(tree) == Some("ConfigMap") && obj.api_version(tree) == Some("v1")
}

/// The `data` map of a ConfigMap named `aws-auth` (any namespace: AUTH001 reports the namespace;
/// the content rules still check what the file says).
pub(crate) fn aws_auth_data(tree: &Tree, obj: &Object) -> Option<NodeId> {
    if !is_config_map(tree, obj) || obj.name_str(tree) != Some(TABLE.object.name.as_str()) {
        return None;
    }
    obj.get(tree, &["data"]).filter(|&d| tree.is_map(d))
}

/// A value the authenticator treats as absent (configmap.go `isSkippable`).
pub(crate) fn is_skippable(s: &str) -> bool {
    matches!(s.trim(), "" | "``" | "\"\"" | "''")
}

/// One embedded document: its section, the outer key entry and the parsed string.
pub(crate) struct Doc {
    pub section: Section,
    pub key_span: Span,
    pub emb: Embedded,
}

/// The embedded documents of an aws-auth object whose value is a non-empty string.
pub(crate) fn docs(ctx: &FileCtx<'_>, obj: &Object) -> Vec<Doc> {
    let tree = ctx.tree();
    let Some(data) = aws_auth_data(tree, obj) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for section in Section::ALL {
        let Some(e) = tree.get_entry(data, section.key()) else {
            continue;
        };
        let Some(s) = tree.as_str(e.value) else {
            continue;
        };
        if is_skippable(s) {
            continue;
        }
        if let Some(emb) = parse_embedded(ctx.text(), tree, e.value, section.key()) {
            out.push(Doc {
                section,
                key_span: tree.span(e.key),
                emb,
            });
        }
    }
    out
}

impl Doc {
    /// The top-level list, when the document parsed and is one.
    pub fn items(&self) -> &[NodeId] {
        self.emb
            .root()
            .and_then(|r| self.emb.tree().items(r))
            .unwrap_or(&[])
    }

    /// The role or user mappings (map items of the list).
    pub fn rows(&self) -> Vec<Row<'_>> {
        if self.section == Section::Accounts {
            return Vec::new();
        }
        self.items()
            .iter()
            .enumerate()
            .filter(|(_, n)| self.emb.tree().is_map(**n))
            .map(|(index, &item)| Row {
                section: self.section,
                emb: &self.emb,
                item,
                index,
            })
            .collect()
    }
}

/// One role or user mapping.
pub(crate) struct Row<'e> {
    pub section: Section,
    pub emb: &'e Embedded,
    pub item: NodeId,
    /// 0-based position in the list.
    pub index: usize,
}

impl<'e> Row<'e> {
    pub fn tree(&self) -> &'e Tree {
        self.emb.tree()
    }

    /// The entry for a field, matched case-insensitively like Go's JSON decoder (last one wins).
    pub fn field(&self, name: &str) -> Option<Entry> {
        let t = self.tree();
        t.entries(self.item)?
            .iter()
            .rev()
            .find(|e| {
                t.scalar_text(e.key)
                    .is_some_and(|k| k.eq_ignore_ascii_case(name))
            })
            .copied()
    }

    /// A string field's text and value node.
    pub fn str_field(&self, name: &str) -> Option<(&'e str, NodeId)> {
        let v = self.field(name)?.value;
        Some((self.tree().as_str(v)?, v))
    }

    /// `rolearn` or `userarn`.
    pub fn arn(&self) -> Option<(&'e str, NodeId)> {
        self.str_field(self.section.arn_field())
    }

    pub fn username(&self) -> Option<(&'e str, NodeId)> {
        self.str_field("username")
    }

    /// The string items of `groups` (when it is a list).
    pub fn groups(&self) -> Vec<(&'e str, NodeId)> {
        let t = self.tree();
        self.field("groups")
            .and_then(|e| t.items(e.value))
            .unwrap_or(&[])
            .iter()
            .filter_map(|&g| Some((t.as_str(g)?, g)))
            .collect()
    }

    pub fn has_group(&self, group: &str) -> bool {
        self.groups().iter().any(|(g, _)| *g == group)
    }

    /// The outer span a row-level finding points at: the ARN value, else the item.
    pub fn anchor(&self) -> Span {
        match self.field(self.section.arn_field()) {
            Some(e) => self.emb.span(e.value),
            None => self.emb.span(self.item),
        }
    }

    /// "the 3rd role mapping" style description.
    pub fn describe(&self) -> String {
        format!(
            "{} #{} in `{}`",
            self.section.item_noun(),
            self.index + 1,
            self.section.key()
        )
    }

    /// The role name of a role ARN (`arn:…:role/path/NAME` → `NAME`).
    pub fn role_name(&self) -> Option<&'e str> {
        if self.section != Section::Roles {
            return None;
        }
        let (arn, _) = self.arn()?;
        let rest = arn.split_once(":role/")?.1;
        Some(rest.rsplit('/').next().unwrap_or(rest))
    }

    /// Which node row this mapping is, judged by its username, groups and role name.
    pub fn node_kind(&self) -> Option<&'static NodeRow> {
        if self.section != Section::Roles {
            return None;
        }
        let (user, _) = self.username()?;
        let role = self.role_name().unwrap_or("");
        let hinted = |kind: NodeKind| hint_matches(role, &TABLE.node_row(kind).role_hint);
        let kind = if user == TABLE.node_row(NodeKind::Ec2Linux).username {
            if hinted(NodeKind::Ec2Windows) || self.has_group("eks:kube-proxy-windows") {
                NodeKind::Ec2Windows
            } else {
                NodeKind::Ec2Linux
            }
        } else if user == TABLE.node_row(NodeKind::Fargate).username {
            if self.has_group("system:node-proxier") || hinted(NodeKind::Fargate) {
                NodeKind::Fargate
            } else {
                NodeKind::Hybrid
            }
        } else {
            return None;
        };
        Some(TABLE.node_row(kind))
    }
}

/// The outer text of an inner node when its exact outer span holds exactly the inner source
/// (safe to edit in place), with that span.
pub(crate) fn verbatim_node(outer: &str, emb: &Embedded, node: NodeId) -> Option<(Span, String)> {
    let inner = emb.tree().span(node);
    let span = emb.exact_span(inner)?;
    let inner_src = emb.text().get(inner.range())?;
    let outer_src = outer.get(span.range())?;
    (inner_src == outer_src).then(|| (span, outer_src.to_string()))
}

/// Does a role name match one of a node row's hints? Hints are lower-case substrings of the name
/// with every non-alphanumeric character turned into `-` and a `-` added at both ends (so `-win-`
/// matches `eks-win-nodes` but not `darwin`).
pub(crate) fn hint_matches(role_name: &str, hints: &[String]) -> bool {
    let padded: String = std::iter::once('-')
        .chain(role_name.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        }))
        .chain(std::iter::once('-'))
        .collect();
    hints.iter().any(|h| padded.contains(h.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        let t = &*TABLE;
        for (i, s) in Section::ALL.iter().enumerate() {
            assert_eq!(t.data_keys[i].key, s.key());
            assert_eq!(t.data_keys[i].arn_field, s.arn_field());
            if !s.arn_field().is_empty() {
                assert!(t.data_keys[i].fields.contains(&s.arn_field().to_string()));
            }
        }
        for kind in NodeKind::ALL {
            let r = t.node_row(kind);
            assert!(r.username.starts_with("system:node:{{"));
            assert!(r.groups.iter().any(|g| g == "system:bootstrappers"));
            assert!(r.groups.iter().any(|g| g == "system:nodes"));
            assert!(r.role_hint.iter().all(|h| *h == h.to_ascii_lowercase()));
        }
        for tok in &t.template_tokens {
            assert!(!tok.token.contains(['{', '}', ' ']));
        }
        for g in &t.group_policies {
            assert!(g.group.starts_with(&t.reserved_group_prefix));
            assert!(g.policy.starts_with("AmazonEKS"));
            assert!(["cluster", "namespace"].contains(&g.scope.as_str()));
        }
        assert!(
            t.reserved_username_prefixes
                .iter()
                .all(|p| p.ends_with(':'))
        );
        assert_eq!(t.object.namespace, "kube-system");
    }

    #[test]
    fn hints() {
        let win = &TABLE.node_row(NodeKind::Ec2Windows).role_hint;
        assert!(hint_matches("eks-win-nodes", win));
        assert!(hint_matches("EKSWindowsNodeRole", win));
        assert!(hint_matches("win2022_nodes", win));
        assert!(!hint_matches("darwin-builders", win));
    }
}
