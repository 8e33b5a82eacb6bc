//! Fix properties (issue 17): on generated manifests, applying any one fix leaves YAML that
//! loads as before (as many documents and objects, no new problem) and changes only the data
//! under the nodes its edits touch; applying all fixes until nothing applies converges, and one
//! more round changes nothing.

use std::sync::Arc;

use ekslint_manifest::{Format, Limits, NodeId, NodeKind, ParsedFile, SourceFile, Tree};
use ekslint_rules::fix::{self, FixOptions};
use ekslint_rules::{Finding, Settings};
use proptest::prelude::*;
use serde_json::Value;

fn parse(path: &str, text: &str) -> ParsedFile {
    ekslint_manifest::parse(
        Arc::new(SourceFile::new(path, text)),
        Format::from_path(path),
        &Limits::default(),
    )
}

/// The JSON path (keys and indices) of every node, from each document root.
fn paths(tree: &Tree, root: NodeId) -> Vec<(NodeId, Vec<String>)> {
    let mut out = Vec::new();
    let mut stack = vec![(root, Vec::new())];
    while let Some((n, p)) = stack.pop() {
        out.push((n, p.clone()));
        match &tree.node(n).kind {
            NodeKind::Map(entries) => {
                for e in entries.iter() {
                    let mut q = p.clone();
                    q.push(tree.scalar_text(e.key).unwrap_or("").to_string());
                    stack.push((e.value, q));
                }
            }
            NodeKind::Seq(items) => {
                for (i, it) in items.iter().enumerate() {
                    let mut q = p.clone();
                    q.push(i.to_string());
                    stack.push((*it, q));
                }
            }
            _ => {}
        }
    }
    out
}

/// The paths under which a fix's edits may change data: the deepest node that holds each edit,
/// and the map or list holding that node (a renamed key changes its parent).
fn touched(file: &ParsedFile, doc: usize, f: &Finding) -> Vec<Vec<String>> {
    let tree = &file.tree;
    let Some(root) = file.documents[doc].root else {
        return Vec::new();
    };
    let all = paths(tree, root);
    let mut out = Vec::new();
    for e in &f.fix.as_ref().unwrap().edits {
        let deepest = all
            .iter()
            .filter(|(n, _)| {
                let s = tree.span(*n);
                s.start <= e.span.start && e.span.end <= s.end
            })
            .max_by_key(|(_, p)| p.len())
            .map(|(_, p)| p.clone())
            .unwrap_or_default();
        let mut parent = deepest.clone();
        parent.pop();
        out.push(parent);
        out.push(deepest);
    }
    out
}

/// Paths where two JSON values differ (the shallowest differing node of each branch).
fn diffs(a: &Value, b: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                at.push(k.clone());
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => diffs(p, q, at, out),
                    _ => out.push(at.clone()),
                }
                at.pop();
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                at.push(i.to_string());
                diffs(p, q, at, out);
                at.pop();
            }
        }
        _ if a != b => out.push(at.clone()),
        _ => {}
    }
}

fn doc_of(file: &ParsedFile, offset: u32) -> Option<usize> {
    file.documents
        .iter()
        .position(|d| d.span.start <= offset && offset <= d.span.end)
}

/// Check one fix alone, and the whole loop, on one file's text.
pub fn check_fixes(path: &str, text: &str, settings: &Settings) -> Result<usize, TestCaseError> {
    let file = parse(path, text);
    let findings = ekslint_rules::engine::lint_file_alone(&file, settings);
    let options = FixOptions { unsafe_fixes: true };
    let refs = fix::references_by_document(path, text);
    let mut checked = 0;
    for f in findings.iter().filter(|f| f.fix.is_some()) {
        let applied = fix::apply(
            path,
            text,
            std::slice::from_ref(f),
            &options,
            &|_| true,
            &refs,
        );
        if applied.fixed.is_empty() {
            continue;
        }
        checked += 1;
        let after = parse(path, &applied.text);
        prop_assert_eq!(
            after.documents.len(),
            file.documents.len(),
            "{}",
            f.rule.code
        );
        prop_assert!(
            after.problems.len() <= file.problems.len(),
            "{}",
            f.rule.code
        );
        let first = f.fix.as_ref().unwrap().edits[0].span.start;
        let Some(doc) = doc_of(&file, first) else {
            continue;
        };
        let (Some(r0), Some(r1)) = (file.documents[doc].root, after.documents[doc].root) else {
            continue;
        };
        let (a, b) = (file.tree.to_json(r0), after.tree.to_json(r1));
        let mut changed = Vec::new();
        diffs(&a, &b, &mut Vec::new(), &mut changed);
        let allowed = touched(&file, doc, f);
        for c in &changed {
            prop_assert!(
                allowed.iter().any(|p| c.starts_with(p)),
                "{} changed {:?}, outside {:?}\n{}",
                f.rule.code,
                c,
                allowed,
                applied.text
            );
        }
        // Other documents are byte-identical.
        for (i, d) in file.documents.iter().enumerate() {
            if i != doc {
                let (x, y) = (
                    &text[d.span.range()],
                    &applied.text[after.documents[i].span.range()],
                );
                prop_assert_eq!(x, y, "{} touched another document", f.rule.code);
            }
        }
    }
    // All fixes until nothing applies: then one more round changes nothing.
    let fixable: Vec<Finding> = findings.into_iter().filter(|f| f.fix.is_some()).collect();
    let rounds = fix::fix_rounds(path, text, fixable, settings, &options);
    let again = parse(path, &rounds.text);
    let left: Vec<Finding> = ekslint_rules::engine::lint_file_alone(&again, settings)
        .into_iter()
        .filter(|f| f.fix.is_some())
        .collect();
    let refs = fix::references_by_document(path, &rounds.text);
    let once_more = fix::apply(path, &rounds.text, &left, &options, &|_| true, &refs);
    prop_assert!(
        once_more.fixed.is_empty() || rounds.rounds >= fix::MAX_ROUNDS,
        "fixes did not converge: {:?} still apply",
        once_more.fixed.iter().map(|r| r.code).collect::<Vec<_>>()
    );
    Ok(checked)
}
