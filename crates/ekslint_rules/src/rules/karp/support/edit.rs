//! Span edits for the KARP fixes: rename a key, replace a scalar, add an entry to a map, remove a
//! one-line entry. Every edit works on the original bytes and keeps the quoting, indentation and
//! comments around it; when anchors, aliases, merge keys or an unusual layout make the result
//! uncertain, the helper returns `None` and the finding carries no fix.

use ekslint_manifest::{Entry, NodeId, ScalarStyle, Span, Tree};

use crate::finding::Edit;

/// Is `s` safe to write as a plain YAML scalar that reads back as the same string?
fn plain_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/' | '_' | '@'))
        && !s.starts_with(['-', '.', '@'])
        && matches!(
            ekslint_manifest::yaml11::resolve_plain(s),
            ekslint_manifest::yaml11::Resolved::Str
        )
}

/// `s` written as a scalar: plain when that reads back as the string, double-quoted otherwise.
pub fn scalar(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Replace the scalar `node` with the string `new`, in the quoting style it was written in.
/// `None` for a node that is not a one-line scalar written where it is used (an alias, a block
/// scalar).
pub fn replace_scalar(text: &str, tree: &Tree, node: NodeId, new: &str) -> Option<Edit> {
    let s = tree.scalar(node)?;
    let span = tree.span(node);
    let src = text.get(span.range())?;
    if src.contains('\n') || src.starts_with(['*', '&', '!']) || anchored(text, span.start) {
        return None;
    }
    let replacement = match s.style {
        ScalarStyle::DoubleQuoted => {
            format!("\"{}\"", new.replace('\\', "\\\\").replace('"', "\\\""))
        }
        ScalarStyle::SingleQuoted => format!("'{}'", new.replace('\'', "''")),
        ScalarStyle::Plain => scalar(new),
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    Some(Edit { span, replacement })
}

/// Is the scalar at `start` anchored or tagged (`&a value`, `!!str value`)? Editing an anchor
/// would change its aliases too, and an alias's node is the anchored one.
fn anchored(text: &str, start: u32) -> bool {
    let before = text[..start as usize].trim_end_matches([' ', '\t']);
    let token = before
        .rsplit([' ', '\t', '\n', '{', '[', ','])
        .next()
        .unwrap_or("");
    token.starts_with(['&', '!'])
}

/// Does `entry` belong to the text of `map` itself: not merged in with `<<`, its value written
/// after its key (an alias's node is written elsewhere) and not anchored (an edit there would
/// change every alias of it too)?
fn written_here(text: &str, tree: &Tree, map: NodeId, entry: &Entry) -> bool {
    let m = tree.span(map);
    let (k, v) = (tree.span(entry.key), tree.span(entry.value));
    !entry.merged
        && m.contains(k)
        && m.contains(v)
        && k.end <= v.start
        && text
            .get(k.end as usize..v.start as usize)
            .is_some_and(|between| !between.contains(['&', '*', '!']))
}

/// Rename the key of `entry` (of `map`) to `new`, keeping its quoting.
pub fn rename_key(text: &str, tree: &Tree, map: NodeId, entry: &Entry, new: &str) -> Option<Edit> {
    // (A map's span ends where its last value's node is, which for an alias is elsewhere: only
    // the merge flag is trusted here.)
    let _ = map;
    if entry.merged {
        return None;
    }
    replace_scalar(text, tree, entry.key, new)
}

/// Replace the scalar value of `entry` (of `map`) with the string `new`, keeping its quoting.
pub fn replace_value(
    text: &str,
    tree: &Tree,
    map: NodeId,
    entry: &Entry,
    new: &str,
) -> Option<Edit> {
    if !written_here(text, tree, map, entry) {
        return None;
    }
    replace_scalar(text, tree, entry.value, new)
}

/// The start of the line holding `offset`, and whether only spaces precede it there.
fn line_start(text: &str, offset: usize) -> (usize, bool) {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (start, text[start..offset].bytes().all(|b| b == b' '))
}

/// Add `key: value` (both already written as YAML) to `map`, before its first entry. Block maps
/// get a new line at the first key's indentation; flow maps (`{a: 1}`) get `key: value, `. In a
/// JSON-style flow map (double-quoted keys) the key is double-quoted too.
pub fn insert_entry(text: &str, tree: &Tree, map: NodeId, key: &str, value: &str) -> Option<Edit> {
    let entries = tree.entries(map)?;
    let span = tree.span(map);
    let src = text.get(span.range())?;
    if entries.iter().any(|e| !written_here(text, tree, map, e)) {
        return None;
    }
    if src.starts_with('{') {
        let Some(first) = entries.first() else {
            // `{}`: write the whole map.
            return (src.trim() == "{}").then(|| Edit {
                span,
                replacement: format!("{{{key}: {value}}}"),
            });
        };
        let quoted = tree.scalar(first.key)?.style == ScalarStyle::DoubleQuoted;
        let k = if quoted {
            format!("\"{key}\"")
        } else {
            key.to_string()
        };
        let at = tree.span(first.key).start;
        return Some(Edit {
            span: Span::new(at, at),
            replacement: format!("{k}: {value}, "),
        });
    }
    let first = entries.first()?;
    let at = tree.span(first.key).start as usize;
    let (ls, _) = line_start(text, at);
    let prefix = &text[ls..at];
    // Only spaces, or a list item's `- ` markers, before the first key.
    if !prefix.bytes().all(|b| b == b' ' || b == b'-') {
        return None;
    }
    let indent = " ".repeat(prefix.chars().count());
    Some(Edit {
        span: Span::new(at as u32, at as u32),
        replacement: format!("{key}: {value}\n{indent}"),
    })
}

/// Replace `entry` of `map` (its key and one-line scalar value) with `new` entries, written one
/// per line at the key's indentation in a block map, or comma-separated in a flow map. In a
/// JSON-style map (double-quoted key) keys and values are double-quoted.
pub fn replace_entry(
    text: &str,
    tree: &Tree,
    map: NodeId,
    entry: &Entry,
    new: &[(&str, &str)],
) -> Option<Edit> {
    if !written_here(text, tree, map, entry) || tree.scalar(entry.value).is_none() {
        return None;
    }
    let (k, v) = (tree.span(entry.key), tree.span(entry.value));
    if text.get(k.start as usize..v.end as usize)?.contains('\n') {
        return None;
    }
    let flow = text.get(tree.span(map).range())?.starts_with('{');
    let json = tree.scalar(entry.key)?.style == ScalarStyle::DoubleQuoted;
    let pair = |(key, value): &(&str, &str)| {
        if json {
            format!("\"{key}\": \"{value}\"")
        } else {
            format!("{key}: {}", scalar(value))
        }
    };
    let sep = if flow {
        ", ".to_string()
    } else {
        let (ls, _) = line_start(text, k.start as usize);
        let prefix = &text[ls..k.start as usize];
        if !prefix.bytes().all(|b| b == b' ' || b == b'-') {
            return None;
        }
        format!("\n{}", " ".repeat(prefix.chars().count()))
    };
    Some(Edit {
        span: Span::new(k.start, v.end),
        replacement: new.iter().map(pair).collect::<Vec<_>>().join(&sep),
    })
}

/// Remove `entry` from the block map `map` when it is a whole line of its own (a scalar value on
/// the key's line, an optional comment after it). `None` otherwise.
pub fn remove_entry(text: &str, tree: &Tree, map: NodeId, entry: &Entry) -> Option<Edit> {
    let src = text.get(tree.span(map).range())?;
    if src.starts_with('{')
        || !written_here(text, tree, map, entry)
        || tree.scalar(entry.value).is_none()
    {
        return None;
    }
    let key = tree.span(entry.key).start as usize;
    let (ls, spaces_only) = line_start(text, key);
    if !spaces_only {
        return None;
    }
    let value_end = tree.span(entry.value).end as usize;
    let rest = &text[value_end..];
    let eol = rest.find('\n').map_or(text.len(), |i| value_end + i + 1);
    let tail = text[value_end..eol].trim();
    if text[key..value_end].contains('\n') || !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    Some(Edit {
        span: Span::new(ls as u32, eol as u32),
        replacement: String::new(),
    })
}

/// The text of `node` as written, when it is a one-line scalar written at its place.
pub fn scalar_source<'t>(text: &'t str, tree: &Tree, node: NodeId) -> Option<&'t str> {
    tree.scalar(node)?;
    let src = text.get(tree.span(node).range())?;
    (!src.contains('\n') && !src.starts_with(['*', '&', '!'])).then_some(src)
}

#[cfg(test)]
pub(crate) fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.range(), &e.replacement);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> (ekslint_manifest::ParsedFile, NodeId) {
        let f = ekslint_manifest::parse_str("t.yaml", text);
        let r = f.documents[0].root.unwrap();
        (f, r)
    }

    fn json(text: &str) -> serde_json::Value {
        let (f, r) = root(text);
        assert!(f.problems.is_empty(), "{text}: {:?}", f.problems);
        f.tree.to_json(r)
    }

    #[test]
    fn insert_into_block_flow_and_list_item_maps() {
        let text = "spec:\n  disruption:\n    consolidationPolicy: WhenEmpty # keep\n";
        let (f, r) = root(text);
        let d = f.tree.path(r, &["spec", "disruption"]).unwrap();
        let e = insert_entry(text, &f.tree, d, "consolidateAfter", "0s").unwrap();
        let out = apply(text, &[e]);
        assert!(out.contains("# keep"));
        assert_eq!(
            json(&out)["spec"]["disruption"],
            serde_json::json!({"consolidateAfter": "0s", "consolidationPolicy": "WhenEmpty"})
        );
        let text = "spec: {disruption: {consolidationPolicy: WhenEmpty}}\n";
        let (f, r) = root(text);
        let d = f.tree.path(r, &["spec", "disruption"]).unwrap();
        let out = apply(
            text,
            &[insert_entry(text, &f.tree, d, "consolidateAfter", "0s").unwrap()],
        );
        assert_eq!(json(&out)["spec"]["disruption"]["consolidateAfter"], "0s");
        let text = "{\"spec\": {\"d\": {\"a\": 1}}}";
        let (f, r) = root(text);
        let d = f.tree.path(r, &["spec", "d"]).unwrap();
        let out = apply(
            text,
            &[insert_entry(text, &f.tree, d, "b", "\"x\"").unwrap()],
        );
        assert_eq!(out, "{\"spec\": {\"d\": {\"b\": \"x\", \"a\": 1}}}");
        let text = "items:\n- name: a\n  kind: b\n";
        let (f, r) = root(text);
        let item = f.tree.items(f.tree.get(r, "items").unwrap()).unwrap()[0];
        let out = apply(
            text,
            &[insert_entry(text, &f.tree, item, "group", "g").unwrap()],
        );
        assert_eq!(
            json(&out)["items"][0],
            serde_json::json!({"group": "g", "name": "a", "kind": "b"})
        );
        // A merged map is left alone.
        let text = "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n";
        let (f, r) = root(text);
        let m = f.tree.get(r, "m").unwrap();
        assert!(insert_entry(text, &f.tree, m, "z", "3").is_none());
    }

    #[test]
    fn replace_an_entry_by_two() {
        let text = "ref:\n  apiVersion: karpenter.k8s.aws/v1beta1 # old\n  name: default\n";
        let (f, r) = root(text);
        let m = f.tree.get(r, "ref").unwrap();
        let e = f.tree.get_entry(m, "apiVersion").unwrap();
        let ed = replace_entry(
            text,
            &f.tree,
            m,
            &e,
            &[("group", "karpenter.k8s.aws"), ("kind", "EC2NodeClass")],
        )
        .unwrap();
        let out = apply(text, &[ed]);
        assert_eq!(
            out,
            "ref:\n  group: karpenter.k8s.aws\n  kind: EC2NodeClass # old\n  name: default\n"
        );
        let text = "{\"ref\": {\"apiVersion\": \"a/v1\", \"name\": \"x\"}}";
        let (f, r) = root(text);
        let m = f.tree.get(r, "ref").unwrap();
        let e = f.tree.get_entry(m, "apiVersion").unwrap();
        let ed = replace_entry(text, &f.tree, m, &e, &[("group", "a"), ("kind", "K")]).unwrap();
        assert_eq!(
            apply(text, &[ed]),
            "{\"ref\": {\"group\": \"a\", \"kind\": \"K\", \"name\": \"x\"}}"
        );
    }

    #[test]
    fn remove_a_line_and_rename() {
        let text = "a:\n  b: 1 # gone\n  c: \"x\"\n";
        let (f, r) = root(text);
        let a = f.tree.get(r, "a").unwrap();
        let e = f.tree.get_entry(a, "b").unwrap();
        let out = apply(text, &[remove_entry(text, &f.tree, a, &e).unwrap()]);
        assert_eq!(out, "a:\n  c: \"x\"\n");
        let c = f.tree.get(a, "c").unwrap();
        let out = apply(text, &[replace_scalar(text, &f.tree, c, "y\"z").unwrap()]);
        assert!(out.ends_with("c: \"y\\\"z\"\n"), "{out}");
        // A flow map entry or a multi-line value is not removed.
        let text = "a: {b: 1}\n";
        let (f, r) = root(text);
        let a = f.tree.get(r, "a").unwrap();
        let e = f.tree.get_entry(a, "b").unwrap();
        assert!(remove_entry(text, &f.tree, a, &e).is_none());
        assert!(anchored("x: &v old", 6) && !anchored("x: old", 3) && anchored("- !!str 1", 8));
        let text2 = "a: &v Spot\nb: [*v]\n";
        let (f2, r2) = root(text2);
        let item = f2.tree.items(f2.tree.get(r2, "b").unwrap()).unwrap()[0];
        assert!(replace_scalar(text2, &f2.tree, item, "spot").is_none());
        // Neither an alias nor an anchored value is replaced: the edit would change both.
        let text = "x: &v old\ny: *v\n";
        let (f, r) = root(text);
        for k in ["x", "y"] {
            let e = f.tree.get_entry(r, k).unwrap();
            assert!(replace_value(text, &f.tree, r, &e, "new").is_none(), "{k}");
        }
        let e = f.tree.get_entry(r, "y").unwrap();
        let out = apply(text, &[rename_key(text, &f.tree, r, &e, "z").unwrap()]);
        assert_eq!(out, "x: &v old\nz: *v\n");
        assert_eq!(scalar("0s"), "0s");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("on"), "\"on\"");
        assert_eq!(scalar("karpenter.k8s.aws"), "karpenter.k8s.aws");
    }
}
