use ekslint_manifest::{ObjectKind, ProblemKind, parse_str};

fn slice(text: &str, span: ekslint_manifest::Span) -> &str {
    &text[span.range()]
}

#[test]
fn keys_and_values_have_exact_byte_spans() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: café\n  annotations:\n    \"é/x\": 'yes'\n";
    let f = parse_str("a.yaml", text);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let obj = &f.objects[0];
    assert_eq!(slice(text, obj.api_version.unwrap().value), "v1");
    assert_eq!(slice(text, obj.kind.unwrap().key), "kind");
    assert_eq!(slice(text, obj.name.unwrap().value), "café");
    let e = f
        .tree
        .path_entry(obj.node, &["metadata", "annotations", "é/x"])
        .unwrap();
    assert_eq!(slice(text, f.tree.span(e.key)), "\"é/x\"");
    assert_eq!(slice(text, f.tree.span(e.value)), "'yes'");
    let lc = f.source.line_col(f.tree.span(e.value).start);
    assert_eq!((lc.line, lc.column), (6, 12));
}

#[test]
fn a_broken_document_does_not_hide_the_others() {
    let text = "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: [unclosed\n---\napiVersion: v1\nkind: C\n";
    let f = parse_str("a.yaml", text);
    assert_eq!(f.documents.len(), 3);
    assert!(f.documents[1].root.is_none());
    let kinds: Vec<_> = f
        .objects
        .iter()
        .map(|o| o.kind_str(&f.tree).unwrap())
        .collect();
    assert_eq!(kinds, ["A", "C"]);
    assert_eq!(f.problems.len(), 1);
    let p = &f.problems[0];
    assert_eq!(p.kind, ProblemKind::Syntax);
    let lc = f.source.line_col(p.span.start);
    assert!(
        lc.line >= 5 && lc.line <= 6,
        "error at {lc:?}: {}",
        p.message
    );
}

#[test]
fn duplicate_keys_keep_both_spans_and_last_wins() {
    let text = "a: 1\nb: 2\na: 3\n";
    let f = parse_str("a.yaml", text);
    let dup = &f.problems[0];
    let ProblemKind::DuplicateKey { first } = dup.kind else {
        panic!("{dup:?}")
    };
    assert_eq!(first.start, 0);
    assert_eq!(dup.span.start, 10);
    let root = f.documents[0].root.unwrap();
    assert_eq!(
        f.tree.scalar_text(f.tree.get(root, "a").unwrap()),
        Some("3")
    );
}

#[test]
fn merges_are_expanded_explicit_keys_win() {
    let text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 5\n";
    let f = parse_str("a.yaml", text);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let root = f.documents[0].root.unwrap();
    let m = f.tree.get(root, "m").unwrap();
    assert_eq!(f.tree.scalar_text(f.tree.get(m, "x").unwrap()), Some("1"));
    assert_eq!(f.tree.scalar_text(f.tree.get(m, "y").unwrap()), Some("5"));
    assert_eq!(f.tree.entries(m).unwrap().len(), 2);
}

#[test]
fn alias_bombs_are_reported_not_expanded() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        text.push_str(&format!(
            "{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    text.push_str("---\napiVersion: v1\nkind: After\n");
    let f = parse_str("bomb.yaml", &text);
    assert!(
        f.problems
            .iter()
            .any(|p| p.kind == ProblemKind::Limit && p.message.contains("alias")),
        "{:?}",
        f.problems
    );
    assert_eq!(f.objects.len(), 1, "the next document is still read");
}

#[test]
fn recursive_and_unknown_aliases_are_problems() {
    let f = parse_str("a.yaml", "a: &x [1, *x]\nb: *nope\n");
    assert_eq!(f.problems.len(), 2, "{:?}", f.problems);
}

#[test]
fn lists_are_unwrapped() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n- apiVersion: v1\n  kind: Service\n";
    let f = parse_str("a.yaml", text);
    let kinds: Vec<_> = f
        .objects
        .iter()
        .map(|o| (o.kind_str(&f.tree).unwrap(), o.kind_of))
        .collect();
    assert_eq!(
        kinds,
        [
            ("List", ObjectKind::List),
            ("Deployment", ObjectKind::ListItem),
            ("Service", ObjectKind::ListItem)
        ]
    );
    // Each object knows its own position, so per-object work never searches the list for it.
    let positions: Vec<_> = f.objects.iter().map(|o| o.position).collect();
    assert_eq!(positions, [0, 1, 2]);
}

#[test]
fn json_has_spans_and_errors_with_positions() {
    let text = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"spec\": {\"n\": [1, 2.5, true, null]}\n}\n";
    let f = parse_str("a.json", text);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let o = &f.objects[0];
    assert_eq!(slice(text, o.kind.unwrap().value), "\"Pod\"");
    let n = o.get(&f.tree, &["spec", "n"]).unwrap();
    assert_eq!(f.tree.to_json(n), serde_json::json!([1, 2.5, true, null]));
    let bad = parse_str("b.json", "{\"a\": 1,\n \"b\": tru}\n");
    assert_eq!(bad.problems.len(), 1);
    let lc = bad.source.line_col(bad.problems[0].span.start);
    assert_eq!((lc.line, lc.column), (2, 7), "{}", bad.problems[0].message);
}

#[test]
fn helm_templates_are_recognised_plain_braces_are_not() {
    assert!(ekslint_manifest::detect_helm("metadata:\n  name: {{ .Release.Name }}\n").is_some());
    assert!(ekslint_manifest::detect_helm("{{- if .Values.x }}\na: b\n{{- end }}\n").is_some());
    assert!(ekslint_manifest::detect_helm("args: [\"{{inputs.parameters.message}}\"]\n").is_none());
    assert!(ekslint_manifest::detect_helm("summary: \"{{ $labels.instance }} down\"\n").is_none());
}

#[test]
fn crlf_and_bom_keep_positions_right() {
    let text = "\u{feff}apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: x\r\n";
    let f = parse_str("a.yaml", text);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let o = &f.objects[0];
    assert_eq!(slice(text, o.kind.unwrap().value), "Pod");
    let lc = f.source.line_col(o.name.unwrap().value.start);
    assert_eq!((lc.line, lc.column), (4, 9));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = "[".repeat(100_000);
    let f = parse_str("deep.yaml", &text);
    assert!(!f.problems.is_empty());
    let mut block = String::new();
    for i in 0..5000 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    let f = parse_str("deep2.yaml", &block);
    assert!(!f.problems.is_empty());
    let f = parse_str("deep.json", &"[".repeat(100_000));
    assert!(!f.problems.is_empty());
}

#[test]
fn invalid_utf8_and_binary_are_reported_with_offsets() {
    let (e, lossy) = ekslint_manifest::decode(b"a: 1\nb: \xff\n".to_vec()).unwrap_err();
    assert!(e.message.contains("offset 8"), "{}", e.message);
    assert_eq!(e.span.start, 8);
    assert!(lossy.starts_with("a: 1\nb: "));
    let (e, text) = ekslint_manifest::decode(b"\x7fELF\x00\x01".to_vec()).unwrap_err();
    assert!(e.message.contains("binary"), "{}", e.message);
    assert!(text.is_empty());
}

#[test]
fn scalar_values_in_every_style() {
    // Values written as-is are slices of the text; escaped and folded ones are copies. Both read
    // the same through the tree.
    let text = "plain: a b\nsingle: 'it''s'\nsq: 'as is'\ndouble: \"tab\\there\"\ndq: \"as is\"\nfolded: >\n  one\n  two\nliteral: |\n  x\n  y\nmulti: first\n  second\nempty: ''\nnull:\n";
    let f = parse_str("a.yaml", text);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let root = f.documents[0].root.unwrap();
    let value = |k: &str| f.tree.scalar_text(f.tree.get(root, k).unwrap()).unwrap();
    assert_eq!(value("plain"), "a b");
    assert_eq!(value("single"), "it's");
    assert_eq!(value("sq"), "as is");
    assert_eq!(value("double"), "tab\there");
    assert_eq!(value("dq"), "as is");
    assert_eq!(value("folded"), "one two\n");
    assert_eq!(value("literal"), "x\ny\n");
    assert_eq!(value("multi"), "first second");
    assert_eq!(value("empty"), "");
    // An empty value is a null, which the parser spells `~`.
    assert_eq!(value("null"), "~");
    let single = f.tree.get_entry(root, "single").unwrap();
    assert_eq!(slice(text, f.tree.span(single.value)), "'it''s'");
    let s = f.tree.scalar(single.value).unwrap();
    assert_eq!(s.style, ekslint_manifest::ScalarStyle::SingleQuoted);
}

#[test]
fn duplicates_in_a_large_map_point_at_the_first_occurrence() {
    // More than 16 keys: the duplicate check sorts instead of comparing pairwise.
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!("k{}: {i}\n", i % 25));
    }
    let f = parse_str("a.yaml", &text);
    let dups: Vec<_> = f
        .problems
        .iter()
        .map(|p| match p.kind {
            ProblemKind::DuplicateKey { first } => (slice(&text, p.span), first.start),
            _ => panic!("{p:?}"),
        })
        .collect();
    assert_eq!(dups.len(), 15);
    // In source order, each pointing at the key's first line.
    assert_eq!(dups[0], ("k0", 0));
    let line_of = |key: &str| text.find(&format!("{key}: ")).unwrap() as u32;
    for (key, first) in &dups {
        assert_eq!(*first, line_of(key));
    }
    let root = f.documents[0].root.unwrap();
    assert_eq!(
        f.tree.scalar_text(f.tree.get(root, "k0").unwrap()),
        Some("25")
    );
}
