//! The fast path against granit-parser: whatever the fast path loads, granit-parser must load
//! to the same tree (node for node, span for span, value for value), documents, comments and
//! problems. Inputs: every YAML file of `../shared/corpus` and `fixtures/`, variants of them
//! (lines re-indented, removed, doubled, quoted, commented), and hand-written edge cases.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::tree::{NodeKind, Tree};
use crate::{Limits, Loaded};

/// Everything a load produced, in a comparable form.
fn describe(l: &Loaded) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(describe_tree(&l.tree));
    for d in &l.documents {
        out.push(format!("doc {:?} {:?} {:?}", d.root, d.span, d.problem));
    }
    for c in &l.comments {
        out.push(format!("comment {:?} {:?}", c.span, c.text));
    }
    for p in &l.problems {
        out.push(format!("problem {:?} {:?} {}", p.kind, p.span, p.message));
    }
    out
}

fn describe_tree(t: &Tree) -> Vec<String> {
    t.nodes()
        .enumerate()
        .map(|(i, n)| match n.kind {
            NodeKind::Scalar(s) => format!(
                "{i} scalar {:?} {:?} {:?} {:?}",
                n.span, s.value, s.style, s.tag
            ),
            NodeKind::Seq(items) => format!("{i} seq {:?} {items:?}", n.span),
            NodeKind::Map(entries) => format!("{i} map {:?} {entries:?}", n.span),
            NodeKind::Invalid => format!("{i} invalid {:?}", n.span),
        })
        .collect()
}

/// granit-parser's error for a quoted scalar's continuation line at or left of its block.
const QUOTED_INDENT: &str = "invalid indentation in multiline quoted scalar";

/// Compare both loaders on `text`. Returns whether the fast path loaded it.
fn check(name: &str, text: &str) -> bool {
    let source: Arc<str> = Arc::from(text);
    let limits = Limits::default();
    let Some(fast) = super::fast::load(&source, 0..source.len(), &limits) else {
        return false;
    };
    let slow = crate::yaml::load_with_granit(&source, 0..source.len(), &limits);
    if slow
        .problems
        .iter()
        .any(|p| p.message.contains(QUOTED_INDENT))
    {
        // A deliberate difference: the fast path reads quoted continuation lines at any
        // indentation, as libyaml does (`quoted_continuation_lines_as_libyaml` checks values).
        assert!(
            fast.problems
                .iter()
                .all(|p| matches!(p.kind, crate::ProblemKind::DuplicateKey { .. })),
            "{name}: {:?}",
            fast.problems
        );
        return true;
    }
    let (f, s) = (describe(&fast), describe(&slow));
    if f != s {
        let at = f
            .iter()
            .zip(&s)
            .position(|(a, b)| a != b)
            .unwrap_or(f.len().min(s.len()));
        panic!(
            "{name}: the fast path and granit-parser differ at entry {at}\n  fast:    {:?}\n  granit:  {:?}\n--- text ---\n{text}",
            f.get(at),
            s.get(at)
        );
    }
    true
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

/// The YAML files of `../shared/corpus` and `fixtures/`, with their text.
fn inputs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    yaml_files(&root.join("../shared/corpus"), &mut files);
    yaml_files(&root.join("fixtures"), &mut files);
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect()
}

/// A small deterministic generator (xorshift), so the variants are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Variants of `text`, each changing a few lines the way hand edits and generators do.
fn variants(text: &str, rng: &mut Rng) -> Vec<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for _ in 0..6 {
        let mut v: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(v.len());
            let line = v[i].clone();
            let body = line.trim_start_matches(' ');
            let indent = line.len() - body.len();
            v[i] = match rng.below(9) {
                // Shift a line left or right.
                0 => format!("{}{body}", " ".repeat(indent + 1 + rng.below(2))),
                1 => format!(
                    "{}{body}",
                    " ".repeat(indent.saturating_sub(1 + rng.below(2)))
                ),
                // Remove it, or double it.
                2 => String::new(),
                3 => format!("{line}{line}"),
                // A comment above it, or after it.
                4 => format!("{}# note {i}\n{line}", " ".repeat(indent)),
                5 => match line.strip_suffix('\n') {
                    Some(l) if !l.trim().is_empty() => format!("{l} # trailing\n"),
                    _ => line,
                },
                // Quote the value of a `key: value` line, single or double.
                6 | 7 => match body.split_once(": ") {
                    Some((k, val)) if !val.trim().is_empty() => {
                        let val = val.trim_end_matches('\n');
                        let q = if rng.below(2) == 0 {
                            format!("'{}'", val.replace('\'', "''"))
                        } else {
                            format!("\"{}\"", val.replace('\\', "\\\\").replace('"', "\\\""))
                        };
                        format!("{}{k}: {q}\n", " ".repeat(indent))
                    }
                    _ => line,
                },
                // Break a long value over two lines.
                _ => match body.split_once(": ") {
                    Some((k, val)) if val.trim().contains(' ') => {
                        let val = val.trim_end_matches('\n');
                        let (a, b) = val.split_once(' ').unwrap_or((val, ""));
                        format!(
                            "{}{k}: {a}\n{}{b}\n",
                            " ".repeat(indent),
                            " ".repeat(indent + 2)
                        )
                    }
                    _ => line,
                },
            };
        }
        out.push(v.concat());
    }
    out
}

#[test]
fn the_fast_path_loads_what_granit_loads_on_the_corpus_and_fixtures() {
    let inputs = inputs();
    assert!(
        inputs.len() > 100,
        "the corpus (../shared/corpus) and fixtures/ should be there"
    );
    let (mut fast, mut bytes, mut fast_bytes) = (0, 0, 0);
    for (name, text) in &inputs {
        bytes += text.len();
        if check(name, text) {
            fast += 1;
            fast_bytes += text.len();
        }
    }
    eprintln!(
        "fast path: {fast} of {} files, {fast_bytes} of {bytes} bytes",
        inputs.len()
    );
    // The fast path is only worth having if it reads nearly everything.
    assert!(
        fast * 100 >= inputs.len() * 90,
        "{fast} of {}",
        inputs.len()
    );
    assert!(
        fast_bytes * 100 >= bytes * 80,
        "{fast_bytes} of {bytes} bytes"
    );
}

#[test]
fn the_fast_path_loads_what_granit_loads_on_variants() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut total, mut fast) = (0, 0);
    for (name, text) in inputs() {
        if text.len() > 64 * 1024 {
            continue;
        }
        for (k, v) in variants(&text, &mut rng).into_iter().enumerate() {
            total += 1;
            if check(&format!("{name} (variant {k})"), &v) {
                fast += 1;
            }
        }
    }
    eprintln!("fast path: {fast} of {total} variants");
    assert!(fast * 2 >= total, "{fast} of {total}");
}

#[test]
fn the_fast_path_agrees_on_edge_cases() {
    let cases = [
        "a: 1\n",
        "a: 1",
        "",
        "\n\n",
        "# only a comment\n",
        "---\n",
        "---\n---\n",
        "--- # c\na: 1\n",
        "# lead\n\n---\n# c2\na: b   # trailing\n--- # after marker\n- x\n-\n- \"q\\\"x\"\n---\n\n---\nk:\n- 1\n- 2\n",
        "k:\n-\n- a: 1\nj:\n- - x\n  - y\n- z\nm:\n  - - p\nc: v # c   \n#  lead  \nq: |  # hdr\n  t\n",
        "a: |+\n  x\n\n\nb: |-\n  y\n\nc: |\n\nd: |2\n   z\ne: >\n  f\n  g\n\n  h\n    i\n  j\nz: |\n  end\n",
        "m:\n  a: |\n    x\n  b: 1\n",
        "m:\n  a: >-\n    x\n\n     y\n    z\n\n  b: 1\n",
        "k: 'a\n  b''c\n\n  d'\nm: \"x\\ty\"\nn: plain\n\n  more   \n   end # c\n",
        "a:   # c\n  b: 1\nc:\n",
        "- a\n  b\n- c\n",
        "a: [1, 'b', \"c\", {d: e}, []]\nf: {}\ng: {h: [i]}\n",
        "a: b\na: c\n",
        "<<: {a: 1}\nb: 2\n",
        "'quoted key': 1\n\"dq\": 2\n",
        "url: http://x:80/y\nt: a#b\n",
        "- |\n  x\n- >\n  y\n",
        "a:\n- b: 1\n  c: 2\n- d\n",
        "a: é\nb: 'ü'\n",
        "a: \"\\u00e9\\x41\\n\"\n",
        "  a: 1\n  b: 2\n",
        "a: x\n  y\n",
        "- 'a\nb'\n",
        "a: 'x\n  y'\n",
        "a: x\n  - y\n",
        "a: x\n  [y]\n",
        "a: x\n  {y}\n",
        "a: x\n  &y\n",
        "a: x\n  *y\n",
        "a: x\n  !y\n",
        "a: x\n  |y\n",
        "a: x\n  'y'\n",
        "a: x\n  \"y\"\n",
        "a: x\n  %y\n",
        "a: x\n  @y\n",
        "a: x\n  ?y\n",
        "a: x\n  ? y\n",
        "a: x\n  - \n",
        "a: x\n  -\n",
        "a: x\n  :y\n",
        "a: x\n  ,y\n",
        "a: x\n  `y\n",
        "- x\n  - y\n",
        "a:  # c\n  b: 1\n",
        "-  # c\n  b: 1\n",
    ];
    for (i, c) in cases.iter().enumerate() {
        check(&format!("case {i}"), c);
    }
    // The fast path does read these (a guard against it quietly giving up on everything).
    for c in [cases[0], cases[9], cases[10], cases[13], cases[16]] {
        let source: Arc<str> = Arc::from(c);
        assert!(
            super::fast::load(&source, 0..source.len(), &Limits::default()).is_some(),
            "{c:?}"
        );
    }
}

/// Where the fast path gives up on the corpus, by the line of `fast.rs` that gave up: a tuning
/// aid (`cargo test -p ekslint_manifest --lib fast_path_bail_report -- --ignored --nocapture`).
#[test]
#[ignore]
fn fast_path_bail_report() {
    let mut by_line: std::collections::BTreeMap<u32, (usize, usize, String)> = Default::default();
    for (name, text) in inputs() {
        let source: Arc<str> = Arc::from(text.as_str());
        if let Err((super::fast::Bail(line), pos)) =
            super::fast::run(&source, 0..source.len(), &Limits::default())
        {
            let e = by_line.entry(line).or_default();
            e.0 += 1;
            e.1 += text.len();
            if e.2.is_empty() {
                let ctx: String = text[pos.min(text.len())..].chars().take(60).collect();
                e.2 = format!("{name} @{pos}: {ctx:?}");
            }
        }
    }
    for (line, (files, bytes, example)) in by_line {
        eprintln!("fast.rs:{line}: {files} files, {bytes} bytes; e.g. {example}");
    }
}

/// A large file loaded in parts (in parallel) is the same as loaded in one piece: nodes, spans,
/// documents, comments and problems, whether the parts load cleanly (and are joined) or not
/// (and the file is loaded again in one piece).
#[test]
fn loading_in_parts_is_loading_in_one_piece() {
    let limits = Limits::default();
    let all = inputs();
    // Clean files (one piece loads without problems), then every file (some are broken).
    let clean: Vec<&str> = all
        .iter()
        .map(|(_, t)| t.as_str())
        .filter(|t| !t.contains("\n%") && !t.starts_with('%') && !t.contains('\r'))
        .filter(|t| {
            // Clean for both loaders: a part that the fast path gives up on goes to
            // granit-parser, which is stricter about quoted continuation lines.
            let s: Arc<str> = Arc::from(*t);
            crate::yaml::load(&s, &limits).problems.is_empty()
                && crate::yaml::load_with_granit(&s, 0..s.len(), &limits)
                    .problems
                    .is_empty()
        })
        .collect();
    // Every file but those with a `%` line: a directive (or Terraform's `%{ }` at a line's start,
    // YAML002's fixtures) keeps a text from being cut at all, by design.
    let every: Vec<&str> = all
        .iter()
        .map(|(_, t)| t.as_str())
        .filter(|t| !t.contains("\n%") && !t.starts_with('%'))
        .collect();
    for (what, files) in [("clean", clean), ("every", every)] {
        let mut text = String::new();
        for t in files {
            if !text.is_empty() {
                text.push_str("---\n");
            }
            text.push_str(t);
            if !text.ends_with('\n') {
                text.push('\n');
            }
        }
        let source: Arc<str> = Arc::from(text.as_str());
        let parts = crate::split_at_document_markers(&source, 64 * 1024, 16 * 1024)
            .expect("a large text with markers is cut");
        assert!(parts.len() > 20, "{what}: {} parts", parts.len());
        assert_eq!(parts.first().map(|p| p.start), Some(0));
        assert_eq!(parts.last().map(|p| p.end), Some(source.len()));
        assert!(parts.windows(2).all(|w| w[0].end == w[1].start));
        let one = describe(&crate::yaml::load(&source, &limits));
        let in_parts = describe(&crate::load_yaml_in_parts(
            &source,
            &limits,
            64 * 1024,
            16 * 1024,
        ));
        if one != in_parts {
            let at = one.iter().zip(&in_parts).position(|(a, b)| a != b);
            panic!(
                "{what}: loading in parts differs at {at:?}: {:?} vs {:?}",
                at.and_then(|i| one.get(i)),
                at.and_then(|i| in_parts.get(i))
            );
        }
        if what == "clean" {
            // The parts were joined, not loaded again in one piece.
            let joined = parts.iter().all(|p| {
                crate::yaml::load_region(&source, p.clone(), &limits)
                    .problems
                    .iter()
                    .all(|p| matches!(p.kind, crate::ProblemKind::DuplicateKey { .. }))
            });
            assert!(joined, "{what}: every part should load cleanly");
        }
    }
}

/// At `--limit max-documents`, the fast path and loading in parts stop where granit-parser's
/// loader stops, with the same YAML005 problem (or none when nothing follows the last document
/// read).
#[test]
fn the_document_limit_is_granits() {
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
    for (n, max, tail) in [
        (5, 3, ""),
        (5, 5, ""),
        (5, 5, "# a comment after the last document\n"),
        (5, 5, "\n---\n\n"),
        (40, 40, ""),
        (40, 39, ""),
        (5, 6, ""),
        (1, 1, ""),
    ] {
        let text = format!("{}{tail}", format!("---\n{doc}").repeat(n));
        let source: Arc<str> = Arc::from(text.as_str());
        let limits = Limits {
            max_documents: max,
            ..Limits::default()
        };
        let slow = describe(&crate::yaml::load_with_granit(
            &source,
            0..source.len(),
            &limits,
        ));
        let fast = describe(&crate::yaml::load(&source, &limits));
        assert_eq!(fast, slow, "{n} documents, limit {max}, tail {tail:?}");
        let in_parts = describe(&crate::load_yaml_in_parts(&source, &limits, 0, 16));
        assert_eq!(in_parts, slow, "in parts: {n} documents, limit {max}");
        let read = slow.iter().filter(|l| l.starts_with("doc ")).count();
        assert_eq!(read, n.min(max), "{n} documents, limit {max}");
    }
}

/// Quoted scalars whose continuation lines sit at or left of their key's indentation load as
/// libyaml (PyYAML 6.0.3 with libyaml 0.2.5) loads them, where granit-parser reports an error
/// (issue 14: a Grafana Job's single-quoted script whose closing line is at the key's column).
#[test]
fn quoted_continuation_lines_as_libyaml() {
    // (text, the path of the value, the value as PyYAML's CSafeLoader reads it)
    let cases: [(&str, &[&str], &str); 7] = [
        (
            "data:\n  script: 'echo one\n    two\n  '\n",
            &["data", "script"],
            "echo one two ",
        ),
        (
            "data:\n  script: 'echo one\n  two'\n",
            &["data", "script"],
            "echo one two",
        ),
        (
            "data:\n  script: 'echo one\n two'\n",
            &["data", "script"],
            "echo one two",
        ),
        (
            "data:\n  script: \"a\nb\"\nnext: 1\n",
            &["data", "script"],
            "a b",
        ),
        ("a:\n  b: \"one\n\"\n", &["a", "b"], "one "),
        ("a:\n  b: 'x\n\n  y'\n  c: 1\n", &["a", "b"], "x\ny"),
        ("- 'one\ntwo'\n- x\n", &[], "one two"),
    ];
    let limits = Limits::default();
    for (text, path, want) in cases {
        let source: Arc<str> = Arc::from(text);
        let loaded = crate::yaml::load(&source, &limits);
        assert!(
            loaded.problems.is_empty(),
            "{text:?}: {:?}",
            loaded.problems
        );
        let t = &loaded.tree;
        let mut node = loaded.documents[0].root.expect("a root");
        for key in path {
            node = t
                .get(node, key)
                .unwrap_or_else(|| panic!("{text:?}: no {key}"));
        }
        if path.is_empty() {
            let NodeKind::Seq(items) = t.node(node).kind else {
                panic!("{text:?}: not a list")
            };
            node = items[0];
        }
        assert_eq!(t.scalar_text(node), Some(want), "{text:?}");
    }
    // A document marker at column 0 still ends the file's quoted scalar (an error, as in libyaml).
    let source: Arc<str> = Arc::from("a: 'x\n---\ny'\n");
    assert!(!crate::yaml::load(&source, &limits).problems.is_empty());
}
