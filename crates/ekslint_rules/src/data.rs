//! Loading the rule tables under `rules/` (embedded at build time) with our own YAML loader.

use serde::de::DeserializeOwned;

/// Parse an embedded YAML table into `T`. The tables are part of the binary and checked by tests,
/// so a malformed one is a build defect: this panics with the table's path and the problem.
pub fn load_yaml<T: DeserializeOwned>(path: &str, text: &str) -> T {
    let file = ekslint_manifest::parse_str(path, text);
    if let Some(p) = file.problems.first() {
        let lc = file.source.line_col(p.span.start);
        panic!("{path}:{}:{}: {}", lc.line, lc.column, p.message);
    }
    let root = file
        .documents
        .first()
        .and_then(|d| d.root)
        .unwrap_or_else(|| panic!("{path} is empty"));
    let value = file.tree.to_json(root);
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{path}: {e}"))
}
