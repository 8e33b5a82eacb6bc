//! The one loader of the rule tables under `rules/` (embedded at build time), read with our own
//! YAML loader into typed structs.
//!
//! Every table deserializes into structs with `#[serde(deny_unknown_fields)]` and enums for its
//! closed sets, so a misspelt or unknown key, or a value outside a closed set, is a load error
//! that names the table's file, line and column and the path of the offending key. The tables are
//! part of the binary and every one of them is loaded by the tests (see [`crate::rules::TABLES`]),
//! so such an error fails `cargo test`; at run time a broken table is a build defect and panics.

use std::fmt;

use ekslint_manifest::{NodeId, Tree};
use serde::de::DeserializeOwned;

/// An embedded table: its path from the repository root and its text.
#[derive(Clone, Copy, Debug)]
pub struct Table {
    pub path: &'static str,
    pub text: &'static str,
}

/// Embed `rules/<path>` as a [`Table`].
#[macro_export]
macro_rules! table {
    ($path:literal) => {
        $crate::data::Table {
            path: $path,
            text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../", $path)),
        }
    };
}

/// Why a table did not load: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// The key path inside the table (`apis[3].removed_In`); empty for syntax errors.
    pub key: String,
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path, self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "at `{}`: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for DataError {}

/// Parse `text` (the table at `path`) into `T`.
pub fn parse<T: DeserializeOwned>(path: &str, text: &str) -> Result<T, DataError> {
    let file = ekslint_manifest::parse_str(path, text);
    let at = |offset: u32, key: String, message: String| {
        let lc = file.source.line_col(offset);
        DataError {
            path: path.to_string(),
            line: lc.line,
            column: lc.column,
            key,
            message,
        }
    };
    if let Some(p) = file.problems.first() {
        return Err(at(p.span.start, String::new(), p.message.clone()));
    }
    let Some(root) = file.documents.first().and_then(|d| d.root) else {
        return Err(at(0, String::new(), "the table is empty".to_string()));
    };
    if file.documents.len() > 1 {
        let second = file.documents[1].span.start;
        return Err(at(
            second,
            String::new(),
            "a table is one YAML document".to_string(),
        ));
    }
    let value = file.tree.to_json(root);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let segments: Vec<Segment> = e.path().iter().map(Segment::of).collect();
        let message = e.inner().to_string();
        let node = locate(
            &file.tree,
            root,
            &segments,
            message.starts_with("unknown field"),
        );
        at(file.tree.span(node).start, e.path().to_string(), message)
    })
}

/// A table and the typed load that checks it: the registry of tables ([`crate::rules::TABLES`])
/// lists one per file under `rules/`, so the tests load every table and misspell every key.
#[derive(Clone, Copy)]
pub struct TableCheck {
    pub table: Table,
    /// Deserialize a text of this table into its typed form.
    pub check: fn(&str, &str) -> Result<(), DataError>,
}

/// A table's entry in [`crate::rules::TABLES`]: `table_check::<File>(TABLE)`.
pub const fn table_check<T: DeserializeOwned>(table: Table) -> TableCheck {
    TableCheck {
        table,
        check: |path, text| parse::<T>(path, text).map(|_| ()),
    }
}

/// Load an embedded table; a table that does not load is a build defect (the tests load every
/// table), so this panics with the file, line, column and key.
pub fn load<T: DeserializeOwned>(table: &Table) -> T {
    parse(table.path, table.text).unwrap_or_else(|e| panic!("{e}"))
}

/// `schema_version: 1`: a table's format version. Any other number is a load error, so a table
/// written for a newer format cannot be read by code that expects this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchemaV1;

impl<'de> serde::Deserialize<'de> for SchemaV1 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u32::deserialize(d)? {
            1 => Ok(SchemaV1),
            n => Err(serde::de::Error::custom(format!(
                "schema_version {n} is not supported (this build reads 1)"
            ))),
        }
    }
}

enum Segment {
    Key(String),
    Index(usize),
    Other,
}

impl Segment {
    fn of(s: &serde_path_to_error::Segment) -> Segment {
        match s {
            serde_path_to_error::Segment::Map { key } => Segment::Key(key.clone()),
            serde_path_to_error::Segment::Seq { index } => Segment::Index(*index),
            _ => Segment::Other,
        }
    }
}

/// The deepest node along `segments`. When the last step is a map key, `on_key` picks the key
/// node (an unknown field: the key is what is wrong) over its value.
fn locate(tree: &Tree, root: NodeId, segments: &[Segment], on_key: bool) -> NodeId {
    let mut node = root;
    for (i, seg) in segments.iter().enumerate() {
        let next = match seg {
            Segment::Key(k) => tree.get_entry(node, k).map(|e| {
                if on_key && i + 1 == segments.len() {
                    e.key
                } else {
                    e.value
                }
            }),
            Segment::Index(n) => tree.items(node).and_then(|items| items.get(*n).copied()),
            Segment::Other => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Row {
        name: String,
        level: Level,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Level {
        Low,
        High,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct File {
        rows: Vec<Row>,
    }

    #[test]
    fn errors_name_the_file_line_column_and_key() {
        let ok: File = parse("t.yaml", "rows:\n- {name: a, level: low}\n").unwrap();
        assert_eq!(ok.rows.len(), 1);
        let e = parse::<File>(
            "t.yaml",
            "rows:\n- name: a\n  level: low\n- name: b\n  levl: high\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (5, 3), "{e}");
        assert!(e.message.contains("unknown field `levl`"), "{e}");
        assert_eq!(e.key, "rows[1].levl");
        let e = parse::<File>("t.yaml", "rows:\n- name: a\n  level: medium\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 10), "{e}");
        assert!(e.message.contains("unknown variant `medium`"), "{e}");
        let e = parse::<File>("t.yaml", "rows:\n- name: a\n").unwrap_err();
        assert!(e.message.contains("missing field `level`"), "{e}");
        assert_eq!(e.line, 2, "{e}");
        let e = parse::<File>("t.yaml", "rows: [\n").unwrap_err();
        assert!(e.key.is_empty() && e.line >= 1, "{e}");
        assert!(e.to_string().starts_with("t.yaml:"), "{e}");
    }
}
