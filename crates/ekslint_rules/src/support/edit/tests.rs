use super::*;

/// Parse `text`, run `f` on an editor of its first document, apply the edits; return the text.
fn edit(
    path: &str,
    text: &str,
    f: impl FnOnce(&mut Editor<'_>, &Tree, NodeId) -> Result,
) -> String {
    let file = ekslint_manifest::parse_str(path, text);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let root = file.documents[0].root.unwrap();
    let mut ed = Editor::new(&file, root);
    f(&mut ed, &file.tree, root).expect("the edit is made");
    let edits = ed.finish().expect("no overlap");
    let out = crate::fix::splice(text, edits.iter());
    let after = ekslint_manifest::parse_str(path, &out);
    assert!(after.problems.is_empty(), "{out}\n{:?}", after.problems);
    out
}

fn data(path: &str, text: &str) -> Vec<serde_json::Value> {
    let f = ekslint_manifest::parse_str(path, text);
    f.documents
        .iter()
        .filter_map(|d| d.root.map(|r| f.tree.to_json(r)))
        .collect()
}

fn same_data(path: &str, a: &str, b: &str) {
    assert_eq!(data(path, a), data(path, b), "\n{a}\n---\n{b}");
}

fn entry(t: &Tree, map: NodeId, key: &str) -> Entry {
    t.get_entry(map, key).unwrap_or_else(|| panic!("no {key}"))
}

fn at(t: &Tree, root: NodeId, path: &[&str]) -> NodeId {
    t.path(root, path).unwrap()
}

#[test]
fn rename_keeps_quoting_and_comments() {
    let text = "spec:\n  backend: # the default\n    x: 1\n  \"other\": 2\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        let spec = at(t, r, &["spec"]);
        ed.rename(entry(t, spec, "backend"), "defaultBackend")?;
        ed.rename(entry(t, spec, "other"), "renamed")
    });
    assert_eq!(
        out,
        "spec:\n  defaultBackend: # the default\n    x: 1\n  \"renamed\": 2\n"
    );
}

#[test]
fn set_keeps_quote_style_and_quotes_what_needs_it() {
    let text = "a: \"x\"\nb: 'y'\nc: z\nd: w\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        ed.set(t.get(r, "a").unwrap(), New::str("apps/v1"))?;
        ed.set(t.get(r, "b").unwrap(), New::str("it's"))?;
        ed.set(t.get(r, "c").unwrap(), New::str("true"))?;
        ed.set(t.get(r, "d").unwrap(), New::str("v1"))
    });
    assert_eq!(out, "a: \"apps/v1\"\nb: 'it''s'\nc: \"true\"\nd: v1\n");
}

#[test]
fn insert_into_a_block_map_at_the_siblings_indentation() {
    let text = "spec:\n    rules:\n    - path: /\n      backend: {x: 1} # c\n    other: 1\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        let spec = at(t, r, &["spec"]);
        let item = t.items(t.get(spec, "rules").unwrap()).unwrap()[0];
        ed.insert(
            item,
            At::After(entry(t, item, "path")),
            Item::new("pathType", New::str("Prefix")),
        )?;
        ed.insert(
            spec,
            At::End,
            Item::new(
                "selector",
                New::map([("matchLabels", New::map([("app", New::str("web"))]))]),
            ),
        )
    });
    assert_eq!(
        out,
        "spec:\n    rules:\n    - path: /\n      pathType: Prefix\n      backend: {x: 1} # c\n    other: 1\n    selector:\n        matchLabels:\n            app: web\n"
    );
}

#[test]
fn insert_before_the_first_entry_of_a_list_item_takes_the_dash_line() {
    let text = "paths:\n  - path: /\n    backend: x\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        let item = t.items(t.get(r, "paths").unwrap()).unwrap()[0];
        ed.insert(
            item,
            At::Before(entry(t, item, "path")),
            Item::new("pathType", New::str("Exact")),
        )
    });
    assert_eq!(
        out,
        "paths:\n  - pathType: Exact\n    path: /\n    backend: x\n"
    );
}

#[test]
fn insert_at_the_end_of_a_file_without_a_final_newline() {
    let out = edit("a.yaml", "a: 1\nb: 2", |ed, _, r| {
        ed.insert(r, At::End, Item::new("c", New::Int(3)))
    });
    assert_eq!(out, "a: 1\nb: 2\nc: 3");
}

#[test]
fn insert_keeps_crlf() {
    let out = edit("a.yaml", "a:\r\n  b: 1\r\n", |ed, t, r| {
        ed.insert(
            t.get(r, "a").unwrap(),
            At::End,
            Item::new("m", New::map([("k", New::str("v"))])),
        )
    });
    assert_eq!(out, "a:\r\n  b: 1\r\n  m:\r\n    k: v\r\n");
}

#[test]
fn insert_into_flow_maps() {
    let text = "a: {x: 1, y: 2}\nb: {}\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        let a = t.get(r, "a").unwrap();
        ed.insert(
            a,
            At::After(entry(t, a, "x")),
            Item::new("nn", New::map([("k", New::str("v, w"))])),
        )?;
        ed.insert(
            t.get(r, "b").unwrap(),
            At::End,
            Item::new("z", New::Bool(true)),
        )
    });
    assert_eq!(out, "a: {x: 1, nn: {k: \"v, w\"}, y: 2}\nb: {z: true}\n");
}

#[test]
fn insert_into_json_pretty_and_compact() {
    let text = "{\n  \"spec\": {\n    \"a\": 1\n  },\n  \"c\": {\"x\": 1}\n}\n";
    let out = edit("a.json", text, |ed, t, r| {
        ed.insert(
            t.get(r, "spec").unwrap(),
            At::End,
            Item::new("sel", New::map([("k", New::str("v"))])),
        )?;
        ed.insert(
            t.get(r, "c").unwrap(),
            At::End,
            Item::new("y", New::Seq(vec![New::str("a")])),
        )
    });
    assert_eq!(
        out,
        "{\n  \"spec\": {\n    \"a\": 1,\n    \"sel\": {\n      \"k\": \"v\"\n    }\n  },\n  \"c\": {\"x\": 1, \"y\": [\"a\"]}\n}\n"
    );
    assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
}

#[test]
fn remove_keeps_comments_as_comment_lines() {
    let text = "spec:\n  a: 1\n  rollbackTo: # why\n    revision: 2 # old\n  b: 2\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        let spec = at(t, r, &["spec"]);
        ed.remove(spec, entry(t, spec, "rollbackTo"))
    });
    assert_eq!(out, "spec:\n  a: 1\n  # why\n  # old\n  b: 2\n");
}

#[test]
fn remove_from_flow_and_json_fixes_the_commas() {
    for (path, text, key, want) in [
        (
            "a.yaml",
            "m: {a: 1, b: 2, c: 3}\n",
            "b",
            "m: {a: 1, c: 3}\n",
        ),
        ("a.yaml", "m: {a: 1, b: 2}\n", "a", "m: {b: 2}\n"),
        ("a.yaml", "m: {a: 1}\n", "a", "m: {}\n"),
        (
            "a.json",
            "{\"m\": {\n  \"a\": 1,\n  \"b\": 2\n}}",
            "b",
            "{\"m\": {\n  \"a\": 1\n}}",
        ),
    ] {
        let out = edit(path, text, |ed, t, r| {
            let m = t.get(r, "m").unwrap();
            ed.remove(m, entry(t, m, key))
        });
        assert_eq!(out, want);
    }
}

#[test]
fn remove_the_first_entry_of_a_list_item() {
    let out = edit("a.yaml", "l:\n- a: 1\n  b: 2\n", |ed, t, r| {
        let item = t.items(t.get(r, "l").unwrap()).unwrap()[0];
        ed.remove(item, entry(t, item, "a"))
    });
    assert_eq!(out, "l:\n- b: 2\n");
}

#[test]
fn group_moves_entries_under_a_new_key_with_their_comments() {
    let text = "backend:\n  serviceName: web   # svc\n  servicePort: 80 # port\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        let b = t.get(r, "backend").unwrap();
        let port = Item::wrapped(entry(t, b, "servicePort"), "port", "number");
        ed.group(
            b,
            "service",
            vec![Item::renamed(entry(t, b, "serviceName"), "name"), port],
        )
    });
    assert_eq!(
        out,
        "backend:\n  service:\n    name: web   # svc\n    port:\n      number: 80 # port\n"
    );
    same_data(
        "a.yaml",
        &out,
        "backend: {service: {name: web, port: {number: 80}}}",
    );
}

#[test]
fn group_of_entries_that_are_not_next_to_each_other() {
    let text =
        "m:\n  metricName: q\n  targetAverageValue: 1k\n  selector:\n    matchLabels: {a: b}\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        let m = t.get(r, "m").unwrap();
        ed.group(
            m,
            "metric",
            vec![
                Item::renamed(entry(t, m, "metricName"), "name"),
                Item::moved(entry(t, m, "selector")),
            ],
        )?;
        ed.group(
            m,
            "target",
            vec![
                Item::new("type", New::str("AverageValue")),
                Item::renamed(entry(t, m, "targetAverageValue"), "averageValue"),
            ],
        )
    });
    same_data(
        "a.yaml",
        &out,
        "m: {metric: {name: q, selector: {matchLabels: {a: b}}}, target: {type: AverageValue, averageValue: 1k}}",
    );
    assert_eq!(
        out,
        "m:\n  metric:\n    name: q\n    selector:\n      matchLabels: {a: b}\n  target:\n    type: AverageValue\n    averageValue: 1k\n"
    );
}

#[test]
fn group_in_flow_and_json() {
    let out = edit(
        "a.yaml",
        "b: {serviceName: web, servicePort: http}\n",
        |ed, t, r| {
            let b = t.get(r, "b").unwrap();
            let port = Item::wrapped(entry(t, b, "servicePort"), "port", "name");
            ed.group(
                b,
                "service",
                vec![Item::renamed(entry(t, b, "serviceName"), "name"), port],
            )
        },
    );
    assert_eq!(out, "b: {service: {name: web, port: {name: http}}}\n");
    let text = "{\"b\": {\n    \"serviceName\": \"web\",\n    \"servicePort\": 80\n}}";
    let out = edit("a.json", text, |ed, t, r| {
        let b = t.get(r, "b").unwrap();
        let port = Item::wrapped(entry(t, b, "servicePort"), "port", "number");
        ed.group(
            b,
            "service",
            vec![Item::renamed(entry(t, b, "serviceName"), "name"), port],
        )
    });
    same_data(
        "a.json",
        &out,
        "{\"b\": {\"service\": {\"name\": \"web\", \"port\": {\"number\": 80}}}}",
    );
}

#[test]
fn move_into_list_items_reindents_and_keeps_block_scalars() {
    let text = "spec:\n  validation:\n    openAPIV3Schema:\n      description: |\n        two\n          lines\n      type: object # root\n  versions:\n  - name: v1\n    served: true\n  - name: v2\n    served: false\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        let spec = at(t, r, &["spec"]);
        let items = t.items(t.get(spec, "versions").unwrap()).unwrap().to_vec();
        ed.move_into(spec, entry(t, spec, "validation"), &items, Some("schema"))
    });
    assert_eq!(
        out,
        "spec:\n  versions:\n  - name: v1\n    served: true\n    schema:\n      openAPIV3Schema:\n        description: |\n          two\n            lines\n        type: object # root\n  - name: v2\n    served: false\n    schema:\n      openAPIV3Schema:\n        description: |\n          two\n            lines\n        type: object # root\n"
    );
}

#[test]
fn refuses_block_into_flow() {
    let file = ekslint_manifest::parse_str("a.yaml", "a:\n  x:\n    y: 1\nb: {}\n");
    let r = file.documents[0].root.unwrap();
    let t = &file.tree;
    let mut ed = Editor::new(&file, r);
    let err = ed.move_into(r, entry(t, r, "a"), &[t.get(r, "b").unwrap()], None);
    assert!(err.is_err());
}

#[test]
fn overlapping_edits_are_refused() {
    let file = ekslint_manifest::parse_str("a.yaml", "a: 1\n");
    let r = file.documents[0].root.unwrap();
    let mut ed = Editor::new(&file, r);
    ed.set(file.tree.get(r, "a").unwrap(), New::Int(2)).unwrap();
    ed.set(file.tree.get(r, "a").unwrap(), New::Int(3)).unwrap();
    assert!(ed.finish().is_err());
}

#[test]
fn style_is_read_from_the_document() {
    let text = "spec:\n    template:\n        x: 1\n    l:\n        - a\n";
    let out = edit("a.yaml", text, |ed, t, r| {
        let spec = at(t, r, &["spec"]);
        ed.insert(
            spec,
            At::End,
            Item::new(
                "versions",
                New::Seq(vec![New::map([
                    ("name", New::str("v1")),
                    ("served", New::Bool(true)),
                ])]),
            ),
        )
    });
    assert_eq!(
        out,
        "spec:\n    template:\n        x: 1\n    l:\n        - a\n    versions:\n        - name: v1\n          served: true\n"
    );
}

#[test]
fn plain_scalars_are_only_written_when_they_read_back() {
    for s in ["web", "apps/v1", "ImplementationSpecific", "-x", "a.b-c_d"] {
        assert!(plain_ok(s, false), "{s}");
    }
    for s in [
        "", "true", "yes", "1", "0755", "1.30", "null", "~", "a: b", "#x", "*x", "- x", " x", "x ",
        "@x", "x #y",
    ] {
        assert!(!plain_ok(s, false), "{s}");
    }
    assert!(!plain_ok("a,b", true));
}

#[test]
fn remove_the_last_line_of_a_file_without_a_final_newline() {
    let out = edit("a.yaml", "a: 1\r\nb: 2", |ed, t, r| {
        ed.remove(r, entry(t, r, "b"))
    });
    assert_eq!(out, "a: 1");
    let out = edit("a.yaml", "m:\n  x: 1\n  y: 2", |ed, t, r| {
        let m = t.get(r, "m").unwrap();
        ed.group(
            m,
            "g",
            vec![Item::moved(entry(t, m, "x")), Item::moved(entry(t, m, "y"))],
        )
    });
    assert_eq!(out, "m:\n  g:\n    x: 1\n    y: 2");
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// A generated document: maps of maps, lists and scalars.
    #[derive(Clone, Debug)]
    enum G {
        Scalar(String),
        Map(Vec<(String, G)>),
        Seq(Vec<G>),
    }

    fn g() -> impl Strategy<Value = G> {
        let leaf = prop_oneof![
            "[a-z]{1,6}".prop_map(G::Scalar),
            (0i64..1000).prop_map(|n| G::Scalar(n.to_string())),
            Just(G::Scalar("\"quoted: yes\"".into())),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(G::Seq),
                prop::collection::btree_map("k[a-z]{1,3}", inner, 1..5)
                    .prop_map(|m| G::Map(m.into_iter().collect())),
            ]
        })
    }

    fn doc() -> impl Strategy<Value = G> {
        prop::collection::btree_map("k[a-z]{1,3}", g(), 1..5)
            .prop_map(|m| G::Map(m.into_iter().collect()))
    }

    /// Block YAML with `step` indentation, sequences `offset` in from their key, a comment on
    /// some scalars, and small maps of scalars in flow style.
    fn render(g: &G, ind: usize, step: usize, offset: usize, out: &mut String) {
        let pad = " ".repeat(ind);
        match g {
            G::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    out.push_str(&pad);
                    out.push_str(k);
                    out.push(':');
                    match v {
                        G::Scalar(s) => {
                            out.push(' ');
                            out.push_str(s);
                            if i % 2 == 0 {
                                out.push_str(" # note");
                            }
                            out.push('\n');
                        }
                        G::Map(m)
                            if m.iter().all(|(_, v)| matches!(v, G::Scalar(_))) && i % 2 == 1 =>
                        {
                            let parts: Vec<String> = m
                                .iter()
                                .map(|(k, v)| match v {
                                    G::Scalar(s) => format!("{k}: {s}"),
                                    _ => unreachable!(),
                                })
                                .collect();
                            out.push_str(&format!(" {{{}}}\n", parts.join(", ")));
                        }
                        G::Map(_) => {
                            out.push('\n');
                            render(v, ind + step, step, offset, out);
                        }
                        G::Seq(items) => {
                            out.push('\n');
                            for item in items {
                                out.push_str(&" ".repeat(ind + offset));
                                out.push_str("- ");
                                match item {
                                    G::Scalar(s) => {
                                        out.push_str(s);
                                        out.push('\n');
                                    }
                                    G::Seq(_) => {
                                        out.push_str("[x]\n");
                                    }
                                    G::Map(_) => {
                                        let mut inner = String::new();
                                        render(item, ind + offset + 2, step, offset, &mut inner);
                                        out.push_str(inner.trim_start());
                                    }
                                }
                            }
                        }
                    }
                }
            }
            _ => unreachable!(),
        }
    }

    fn maps(t: &Tree, root: NodeId) -> Vec<(NodeId, Vec<String>)> {
        let mut out = Vec::new();
        let mut stack = vec![(root, Vec::new())];
        while let Some((n, path)) = stack.pop() {
            if let Some(es) = t.entries(n) {
                out.push((n, path.clone()));
                for e in es {
                    let mut p = path.clone();
                    p.push(t.scalar_text(e.key).unwrap().to_string());
                    stack.push((e.value, p));
                }
            } else if let Some(items) = t.items(n) {
                for (i, &c) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(format!("#{i}"));
                    stack.push((c, p));
                }
            }
        }
        out
    }

    fn at_path<'v>(v: &'v mut Value, path: &[String]) -> &'v mut Value {
        path.iter().fold(v, |v, step| match step.strip_prefix('#') {
            Some(i) => &mut v[i.parse::<usize>().unwrap()],
            None => &mut v[step.as_str()],
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// Each operation on a generated document gives YAML that loads to the intended data:
        /// the edited map changed as intended, everything else as it was.
        #[test]
        fn edits_load_to_the_intended_data(
            d in doc(), step in 2usize..5, offset in prop::bool::ANY, pick in 0usize..1000, op in 0usize..5,
        ) {
            let mut text = String::new();
            render(&d, 0, step, if offset { step } else { 0 }, &mut text);
            let file = ekslint_manifest::parse_str("p.yaml", &text);
            prop_assume!(file.problems.is_empty());
            let root = file.documents[0].root.unwrap();
            let t = &file.tree;
            let all = maps(t, root);
            let (map, path) = all[pick % all.len()].clone();
            let entries = t.entries(map).unwrap().to_vec();
            let e = entries[pick % entries.len()];
            let key = t.scalar_text(e.key).unwrap().to_string();
            let mut want = t.to_json(root);
            let target = at_path(&mut want, &path).as_object_mut().unwrap();
            let mut ed = Editor::new(&file, root);
            let made = match op {
                0 => {
                    let v = target.remove(&key).unwrap();
                    target.insert("renamed".into(), v);
                    ed.rename(e, "renamed")
                }
                1 => {
                    target.insert("added".into(), serde_json::json!({"a": "x", "b": [1, 2]}));
                    let item = Item::new("added", New::map([("a", New::str("x")), ("b", New::Seq(vec![New::Int(1), New::Int(2)]))]));
                    let at = match pick % 3 { 0 => At::End, 1 => At::After(e), _ => At::Before(e) };
                    ed.insert(map, at, item)
                }
                2 => {
                    prop_assume!(entries.len() > 1);
                    target.remove(&key);
                    ed.remove(map, e)
                }
                3 => {
                    let v = target.remove(&key).unwrap();
                    target.insert("group".into(), serde_json::json!({ "moved": v, "type": "T" }));
                    ed.group(map, "group", vec![Item::new("type", New::str("T")), Item::renamed(e, "moved")])
                }
                _ => {
                    prop_assume!(t.scalar(e.value).is_some());
                    target.insert(key.clone(), Value::String("true".into()));
                    ed.set(e.value, New::str("true"))
                }
            };
            // A refusal is allowed (the caller then offers no fix); a wrong edit is not.
            if made.is_ok() {
                let edits = ed.finish();
                prop_assert!(edits.is_ok(), "one operation never overlaps itself");
                let out = crate::fix::splice(&text, edits.unwrap().iter());
                let after = ekslint_manifest::parse_str("p.yaml", &out);
                prop_assert!(after.problems.is_empty(), "{}\n---\n{}\n{:?}", text, out, after.problems);
                let got = after.tree.to_json(after.documents[0].root.unwrap());
                prop_assert_eq!(got, want, "\n{}\n---\n{}", text, out);
                // Every comment is kept.
                prop_assert_eq!(text.matches("# note").count(), out.matches("# note").count());
            }
        }
    }
}
