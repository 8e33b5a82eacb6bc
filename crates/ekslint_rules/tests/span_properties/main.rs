//! Property tests: whatever the input, loading and linting never panic, and every span ekslint
//! reports (findings, labels, which may point into another file, and fix edits), and every span
//! the loader records, lies inside its own file and on character boundaries. The renderers slice
//! the text with these spans, so a span off a boundary would panic in the middle of a report.
//!
//! Inputs: arbitrary bytes and strings, a soup of YAML tokens, and a structure-aware generator of
//! Kubernetes-like manifests (`generate.rs`) so that the rules actually fire, one file at a time
//! and two or three together for the cross-object rules. The libFuzzer targets in `fuzz/` check
//! the same properties without a generator; see docs/fuzzing.md.
//!
//! `PROPTEST_CASES=N` runs N cases per property instead of the defaults below.

mod fixes;
mod generate;

use std::collections::BTreeSet;
use std::sync::Arc;

use ekslint_manifest::{Format, Limits, ParsedFile, ProblemKind, SourceFile, Span};
use ekslint_rules::config::AwsTarget;
use ekslint_rules::{KubeVersion, Report, Settings};
use generate::{GenFile, gen_file, gen_file_of, referred_object, referring_object};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

// ------------------------------------------------------------------------------------- running

/// `cases` per property unless `PROPTEST_CASES` says otherwise. No failure persistence: a CI run
/// must not write `proptest-regressions/` into the tree; a failure prints its minimal input, which
/// then becomes an explicit regression test in this file.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// One input file: display path, bytes, and the format the CLI would pick.
#[derive(Clone, Debug)]
struct Input {
    path: String,
    bytes: Vec<u8>,
    format: Format,
}

impl Input {
    fn text(path: &str, text: &str, format: Format) -> Input {
        Input {
            path: path.to_string(),
            bytes: text.as_bytes().to_vec(),
            format,
        }
    }
}

/// Load the way the CLI does: undecodable bytes give an unparsed file with the problem.
fn load(input: &Input, limits: &Limits) -> ParsedFile {
    match ekslint_manifest::decode(input.bytes.clone()) {
        Ok(text) => ekslint_manifest::parse(
            Arc::new(SourceFile::new(input.path.as_str(), text)),
            input.format,
            limits,
        ),
        Err((problem, text)) => ekslint_manifest::unparsed(
            Arc::new(SourceFile::new(input.path.as_str(), text)),
            problem,
        ),
    }
}

/// Load as the fuzz target does: invalid UTF-8 is parsed from its lossy copy, so the rules see
/// replacement characters too.
fn load_lossy(input: &Input, limits: &Limits) -> ParsedFile {
    let text = match ekslint_manifest::decode(input.bytes.clone()) {
        Ok(t) => t,
        Err((_, lossy)) => lossy,
    };
    ekslint_manifest::parse(
        Arc::new(SourceFile::new(input.path.as_str(), text)),
        input.format,
        limits,
    )
}

fn settings(target: KubeVersion, aws: bool) -> Settings {
    let mut s = Settings::new(target);
    if aws {
        s.aws = AwsTarget {
            account_ids: vec!["111122223333".to_string()],
            partition: Some("aws".to_string()),
            region: Some("eu-west-1".to_string()),
        };
    }
    s
}

/// Lint files together (every rule, then the set pass) and check every span.
fn lint_and_check(files: &[ParsedFile], settings: &Settings) -> Result<Report, TestCaseError> {
    for f in files {
        check_parsed(f)?;
    }
    let outputs = files
        .iter()
        .map(|f| ekslint_rules::lint_file(f, settings))
        .collect();
    let report = ekslint_rules::finish(outputs, Vec::new(), settings);
    let sources: Vec<&Arc<SourceFile>> = files.iter().map(|f| &f.source).collect();
    check_report(&report, &sources)?;
    Ok(report)
}

// --------------------------------------------------------------------------------- the checks

fn check_span(file: &SourceFile, span: Span, what: &str) -> Result<(), TestCaseError> {
    let text = &*file.text;
    let (s, e) = (span.start as usize, span.end as usize);
    prop_assert!(
        s <= e && e <= text.len(),
        "{what}: span {s}..{e} outside 0..{} of {}",
        text.len(),
        file.path
    );
    prop_assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what}: span {s}..{e} not on a character boundary of {} (around {:?})",
        file.path,
        String::from_utf8_lossy(&text.as_bytes()[s.saturating_sub(4)..(e + 4).min(text.len())])
    );
    // What the renderers do with a span: line and column of both ends.
    let (a, b) = (file.line_col(span.start), file.line_col(span.end));
    prop_assert!(a.line >= 1 && a.column >= 1 && (a.line, a.column) <= (b.line, b.column));
    Ok(())
}

/// Every span the loader recorded: problems, documents, comments, objects and their fields, and
/// every node of the tree.
fn check_parsed(file: &ParsedFile) -> Result<(), TestCaseError> {
    let src = &file.source;
    for p in &file.problems {
        check_span(src, p.span, "problem")?;
        if let ProblemKind::DuplicateKey { first } = p.kind {
            check_span(src, first, "duplicate key's first occurrence")?;
        }
    }
    for d in &file.documents {
        check_span(src, d.span, "document")?;
    }
    for c in &file.comments {
        check_span(src, c.span, "comment")?;
    }
    for o in &file.objects {
        check_span(src, o.span, "object")?;
        for f in [&o.api_version, &o.kind, &o.name, &o.namespace]
            .into_iter()
            .flatten()
        {
            check_span(src, f.key, "object field key")?;
            check_span(src, f.value, "object field value")?;
        }
    }
    for n in file.tree.nodes() {
        check_span(src, n.span, "tree node")?;
    }
    if let Some(h) = &file.helm {
        check_span(src, h.span, "helm template")?;
    }
    Ok(())
}

/// Every finding is on one of the input files; its span, its labels (each checked against the
/// text of the file it points into) and its fix's edits lie inside that file on character
/// boundaries; a fix's edits do not overlap.
fn check_report(report: &Report, sources: &[&Arc<SourceFile>]) -> Result<(), TestCaseError> {
    let known = |f: &Arc<SourceFile>| sources.iter().any(|s| Arc::ptr_eq(s, f));
    for f in &report.findings {
        let code = f.rule.code;
        prop_assert!(known(&f.file), "{code}: finding on an unknown file");
        check_span(&f.file, f.span, code)?;
        for l in &f.labels {
            let file = l.file.as_ref().unwrap_or(&f.file);
            prop_assert!(known(file), "{code}: label on an unknown file");
            check_span(file, l.span, &format!("{code} label {:?}", l.message))?;
        }
        if let Some(fix) = &f.fix {
            let mut edits: Vec<Span> = fix.edits.iter().map(|e| e.span).collect();
            for e in &edits {
                check_span(&f.file, *e, &format!("{code} fix edit"))?;
            }
            edits.sort_by_key(|e| (e.start, e.end));
            for w in edits.windows(2) {
                prop_assert!(
                    w[0].end <= w[1].start,
                    "{code}: fix edits {:?} and {:?} overlap",
                    w[0],
                    w[1]
                );
            }
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------ unstructured inputs

/// Pieces of YAML, JSON and manifests, glued at random: reaches deeper parser states than bytes.
const TOKENS: &[&str] = &[
    "a",
    "b",
    "é",
    "日本",
    "😀",
    "\u{feff}",
    "\u{200b}",
    "\u{301}",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    ":",
    ": ",
    "- ",
    "-",
    "---\n",
    "...\n",
    "? ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "\\",
    "\\u00e9",
    "\\x",
    "|",
    "|-",
    ">",
    ">+2",
    "#",
    " # c",
    "&a ",
    "*a",
    "<<: *a",
    "!!str ",
    "!!binary ",
    "!x ",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "~",
    "null",
    "yes",
    "0755",
    "1e3",
    "0x1F",
    "“",
    "”",
    "true",
    "apiVersion: v1\n",
    "kind: ServiceAccount\n",
    "kind: ConfigMap\n",
    "metadata:\n",
    "  name: aws-auth\n",
    "  namespace: kube-system\n",
    "  annotations:\n",
    "    eks.amazonaws.com/role-arn: ",
    "arn:aws:iam::111122223333:role/x",
    "    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 80}]'\n",
    "data:\n",
    "  mapRoles: |\n",
    "    - rolearn: ",
    "      groups:\n",
    "        - system:masters\n",
    "{{ .Values.x }}",
    "# ekslint: ignore[LBC001]\n",
    "# ekslint: ignore-file[X]\n",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(select(TOKENS), 0..80).prop_map(|t| t.concat())
}

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![4 => Just(Format::Yaml), 1 => Just(Format::Json)]
}

/// The default limits mostly; now and then tight ones, so that the limit paths report too.
fn limits() -> impl Strategy<Value = Limits> {
    prop_oneof![
        3 => Just(Limits::default()),
        1 => (1..12usize, 1..20u64, 1..4usize, 8..300usize).prop_map(|(depth, alias, docs, line)| {
            Limits {
                max_depth: depth,
                max_alias_expansion: alias,
                max_documents: docs,
                max_line_bytes: line,
                ..Limits::default()
            }
        }),
    ]
}

fn target() -> impl Strategy<Value = KubeVersion> {
    select(&[(1u32, 21u32), (1, 29), (1, 33)][..]).prop_map(|(a, b)| KubeVersion::new(a, b))
}

impl GenFile {
    fn input(&self) -> Input {
        Input::text(&self.path, &self.text, self.format)
    }
}

// ----------------------------------------------------------------------------- the properties

proptest! {
    #![proptest_config(config(512))]

    /// Arbitrary bytes (mostly invalid UTF-8), loaded as the CLI loads them and also parsed
    /// from their lossy copy, as YAML or JSON.
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024), format in format()) {
        let input = Input { path: "bytes.yaml".into(), bytes, format };
        let s = settings(KubeVersion::new(1, 33), false);
        lint_and_check(&[load(&input, &s.limits)], &s)?;
        lint_and_check(&[load_lossy(&input, &s.limits)], &s)?;
    }

    /// Arbitrary Unicode text.
    #[test]
    fn arbitrary_text(text in any::<String>(), format in format()) {
        let s = settings(KubeVersion::new(1, 33), false);
        lint_and_check(&[load(&Input::text("text.yaml", &text, format), &s.limits)], &s)?;
    }

    /// YAML, JSON and manifest fragments glued together at random.
    #[test]
    fn token_soup_text(text in token_soup(), format in format(), limits in limits()) {
        let mut s = settings(KubeVersion::new(1, 33), true);
        s.limits = limits;
        lint_and_check(&[load(&Input::text("soup.yaml", &text, format), &s.limits)], &s)?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Generated Kubernetes-like manifests, one file.
    #[test]
    fn generated_manifest(
        file in gen_file("a.yaml"),
        target in target(),
        aws in any::<bool>(),
        limits in limits(),
    ) {
        let mut s = settings(target, aws);
        s.limits = limits;
        lint_and_check(&[load(&file.input(), &s.limits)], &s)?;
    }

    /// Generated manifests with bytes overwritten, inserted or cut anywhere, which breaks UTF-8
    /// in the middle of real content (the CLI path and the lossy path).
    #[test]
    fn generated_manifest_bytes_damaged(
        file in gen_file("a.yaml"),
        edits in prop::collection::vec((any::<Index>(), any::<u8>(), 0..3u8), 1..4),
    ) {
        let mut input = file.input();
        for (at, byte, op) in edits {
            let i = at.index(input.bytes.len() + 1);
            match op {
                0 if i < input.bytes.len() => input.bytes[i] = byte,
                1 => input.bytes.insert(i, byte),
                _ => input.bytes.truncate(i),
            }
        }
        let s = settings(KubeVersion::new(1, 33), true);
        lint_and_check(&[load(&input, &s.limits)], &s)?;
        lint_and_check(&[load_lossy(&input, &s.limits)], &s)?;
    }

    /// Two or three generated files linted together: the cross-object rules label objects in
    /// the other files, and each label is checked against its own file's text.
    #[test]
    fn generated_manifests_together(
        a in gen_file_of("a.yaml", referring_object()),
        b in gen_file_of("b/b.yaml", referred_object()),
        c in prop::option::of(gen_file("c.yaml")),
        target in target(),
        aws in any::<bool>(),
    ) {
        let s = settings(target, aws);
        let files: Vec<ParsedFile> =
            [Some(a), Some(b), c].into_iter().flatten().map(|f| load(&f.input(), &s.limits)).collect();
        lint_and_check(&files, &s)?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Fixes on generated manifests: each alone changes only its nodes' data and keeps the file
    /// loading as before; all of them converge.
    #[test]
    fn fixes_change_only_what_they_touch(
        file in gen_file("a.yaml"),
        target in target(),
    ) {
        let s = settings(target, true);
        let input = file.input();
        if let Ok(text) = String::from_utf8(input.bytes.clone()) {
            fixes::check_fixes(&input.path, &text, &s)?;
        }
    }
}

/// The fix property is not vacuous: the generator's files carry fixes that apply.
#[test]
fn generated_files_carry_fixes_that_apply() {
    let s = settings(KubeVersion::new(1, 33), true);
    let mut applied = 0;
    for file in sample(gen_file("a.yaml"), 200) {
        let input = file.input();
        if let Ok(text) = String::from_utf8(input.bytes.clone()) {
            applied += fixes::check_fixes(&input.path, &text, &s).unwrap();
        }
    }
    assert!(
        applied >= 50,
        "only {applied} fixes applied on 200 generated files"
    );
}

// ------------------------------------------------------------- the generator is not vacuous

/// Values of `strategy` from a fixed seed: the same on every run.
fn sample<T: std::fmt::Debug>(strategy: impl Strategy<Value = T>, n: usize) -> Vec<T> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).expect("a value").current())
        .collect()
}

fn family(code: &str) -> &str {
    code.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// The span properties would hold vacuously if the generator produced nothing the rules look
/// at. Over a fixed sample: most files get findings, most from rules beyond YAML parsing, and
/// every rule family fires.
#[test]
fn generator_makes_the_rules_fire() {
    let files = sample(gen_file("a.yaml"), 400);
    // Two targets: deprecated (API002) and removed (API001) APIs.
    let targets = [
        settings(KubeVersion::new(1, 33), true),
        settings(KubeVersion::new(1, 21), false),
    ];
    let (mut with_any, mut with_semantic, mut invalid, mut fixes) = (0, 0, 0, 0);
    let mut codes = BTreeSet::new();
    for (i, f) in files.iter().enumerate() {
        let s = &targets[i % 2];
        let report = lint_and_check(&[load(&f.input(), &s.limits)], s).expect("span properties");
        with_any += usize::from(!report.findings.is_empty());
        with_semantic += usize::from(
            report
                .findings
                .iter()
                .any(|f| !matches!(family(f.rule.code), "YAML" | "SUP")),
        );
        invalid += usize::from(report.findings.iter().any(|f| f.rule.code == "YAML001"));
        fixes += report.findings.iter().filter(|f| f.fix.is_some()).count();
        codes.extend(report.findings.iter().map(|f| f.rule.code));
    }
    let families: BTreeSet<&str> = codes.iter().map(|c| family(c)).collect();
    eprintln!(
        "{} files: {with_any} with a finding, {with_semantic} with one beyond YAML/SUP, \
         {invalid} with a syntax error (YAML001); {fixes} fixes; {} codes: {codes:?}",
        files.len(),
        codes.len()
    );
    assert!(
        with_any * 100 >= files.len() * 90,
        "only {with_any} of {} files had a finding",
        files.len()
    );
    assert!(
        with_semantic * 100 >= files.len() * 75,
        "only {with_semantic} of {} files had a finding beyond YAML/SUP",
        files.len()
    );
    for fam in ["API", "AUTH", "CSI", "IRSA", "LBC", "SUP", "YAML"] {
        assert!(
            families.contains(fam),
            "no {fam} finding in the sample: {codes:?}"
        );
    }
    // The fix edit checks are not vacuous either.
    assert!(fixes >= 20, "only {fixes} findings with a fix");
    assert!(
        codes.len() >= 50,
        "only {} distinct codes: {codes:?}",
        codes.len()
    );
}

/// Over a fixed sample of file sets, the cross-object rules fire with labels in other files.
#[test]
fn generator_makes_cross_file_labels() {
    let sets = sample(
        (
            gen_file_of("a.yaml", referring_object()),
            gen_file_of("b/b.yaml", referred_object()),
            gen_file("c.yaml"),
        ),
        150,
    );
    let s = settings(KubeVersion::new(1, 33), true);
    let mut cross = 0;
    let mut codes = BTreeSet::new();
    let mut cross_codes = BTreeSet::new();
    for (a, b, c) in &sets {
        let files: Vec<ParsedFile> = [a, b, c]
            .iter()
            .map(|f| load(&f.input(), &s.limits))
            .collect();
        let report = lint_and_check(&files, &s).expect("span properties");
        let mut any = false;
        for f in &report.findings {
            codes.insert(f.rule.code);
            if f.labels
                .iter()
                .any(|l| l.file.as_ref().is_some_and(|lf| !Arc::ptr_eq(lf, &f.file)))
            {
                any = true;
                cross_codes.insert(f.rule.code);
            }
        }
        cross += usize::from(any);
    }
    eprintln!(
        "{} sets: {cross} with a label into another file; codes with such labels: {cross_codes:?}",
        sets.len()
    );
    assert!(
        cross * 100 >= sets.len() * 10,
        "only {cross} of {} sets had a cross-file label",
        sets.len()
    );
    for code in ["IRSA016", "LBC016", "CSI017"] {
        assert!(codes.contains(code), "{code} never fired: {codes:?}");
    }
    assert!(
        cross_codes.len() >= 3,
        "cross-file labels only from {cross_codes:?}"
    );
}
