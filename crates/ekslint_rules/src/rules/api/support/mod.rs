//! Shared helpers of the API rules: tables, views and parsers that several rules use.

pub mod addons;
pub mod convert;
pub mod table;

use ekslint_manifest::{NodeId, Object, Span, Tree};

use crate::context::FileCtx;
use table::{ApiRow, FieldChange};

/// The spans in `obj` that a field change labels, with the label text.
pub(crate) fn field_labels(
    tree: &Tree,
    obj: &Object,
    changes: &[FieldChange],
) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for change in changes {
        let steps: Vec<&str> = change.path.split('.').collect();
        // Walk the path; collect (parent map, key entry) or (map) at the end.
        let mut nodes: Vec<NodeId> = vec![obj.node];
        let mut key_spans: Vec<Option<Span>> = vec![None];
        for step in &steps {
            let (key, each) = match step.strip_suffix("[]") {
                Some(k) => (k, true),
                None => (*step, false),
            };
            let mut next = Vec::new();
            let mut next_keys = Vec::new();
            for &n in &nodes {
                let Some(e) = tree.get_entry(n, key) else {
                    continue;
                };
                if each {
                    for &item in tree.items(e.value).unwrap_or(&[]) {
                        next.push(item);
                        next_keys.push(None);
                    }
                } else {
                    next.push(e.value);
                    next_keys.push(Some(tree.span(e.key)));
                }
            }
            nodes = next;
            key_spans = next_keys;
        }
        for (n, key_span) in nodes.into_iter().zip(key_spans) {
            match &change.missing {
                Some(missing) => {
                    if tree.is_map(n) && tree.get(n, missing).is_none() {
                        out.push((
                            first_key_span(tree, n).unwrap_or(tree.span(n)),
                            change.message.clone(),
                        ));
                    }
                }
                None => out.push((key_span.unwrap_or(tree.span(n)), change.message.clone())),
            }
        }
    }
    out.sort_by_key(|(s, _)| *s);
    out
}

/// A map's first key: where a label about the whole map item reads best.
fn first_key_span(tree: &Tree, map: NodeId) -> Option<Span> {
    tree.entries(map)?.first().map(|e| tree.span(e.key))
}

/// The matching row for an object, if its apiVersion/kind is in the table.
pub(crate) fn row_for<'t>(ctx: &FileCtx<'_>, obj: &Object) -> Option<(&'t ApiRow, Span)> {
    let tree = ctx.tree();
    let api_version = obj.api_version(tree)?;
    let kind = obj.kind_str(tree)?;
    let row = table::ApiTable::get().lookup(api_version, kind)?;
    Some((row, obj.api_version?.value))
}

/// The help text: replacement and notes.
pub(crate) fn help_text(row: &ApiRow) -> String {
    let mut help = match &row.replacement {
        Some(r) => format!("change `apiVersion` to `{r}`"),
        None if row.kind == "*" => "move the object to its kind's current API group".to_string(),
        None => format!(
            "`{}` has no replacement API; remove it or use an alternative",
            row.kind
        ),
    };
    for n in &row.notes {
        help.push_str("\n- ");
        help.push_str(n.trim_end_matches('.'));
    }
    help
}
