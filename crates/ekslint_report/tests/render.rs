//! Every format rendered from one hand-built report.

use std::path::PathBuf;
use std::sync::Arc;

use ekslint_manifest::{SourceFile, Span, parse_str};
use ekslint_report::{
    ConciseEmitter, Emitter, Format, GithubEmitter, GitlabEmitter, GitlabOptions, HtmlEmitter,
    HumanEmitter, HumanOptions, JsonEmitter, JunitEmitter, MarkdownEmitter, SARIF_MAX_RESULTS,
    SarifEmitter, SarifOptions, StatisticsEmitter, TOOL_VERSION, render, summary_line,
};
use ekslint_rules::{
    Applicability, Edit, Family, Finding, Fix, FixAvailability, Label, Notification, Report,
    RuleInfo, Severity, Stats,
};
use serde_json::Value;

static API_REMOVED: RuleInfo = RuleInfo {
    code: "API001",
    name: "api-removed",
    family: Family::Api,
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    summary: "The apiVersion and kind are no longer served by the target Kubernetes version",
    docs: " ## What it does\n Reports an `apiVersion` and `kind` that the target Kubernetes version\n no longer serves.\n\n ## Why is this bad?\n The API server rejects the manifest.\n",
    security_severity: None,
    judges_placeholders: false,
    fix_safety: ekslint_rules::FixSafety::Safe,
    source: "crates/ekslint_rules/src/rules/test.rs",
    type_name: "Test",
};

static DUPLICATE_OBJECT: RuleInfo = RuleInfo {
    code: "YAML010",
    name: "duplicate-object",
    family: Family::Yaml,
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "The same object is defined more than once",
    docs: " ## What it does\n Reports an object defined twice; the last one applied wins.\n",
    security_severity: Some("5.0"),
    judges_placeholders: false,
    fix_safety: ekslint_rules::FixSafety::Safe,
    source: "crates/ekslint_rules/src/rules/test.rs",
    type_name: "Test",
};

static UNUSED_SUPPRESSION: RuleInfo = RuleInfo {
    code: "SUP001",
    name: "unused-suppression",
    family: Family::Sup,
    severity: Severity::Info,
    fix: FixAvailability::Always,
    summary: "A suppression comment that suppresses nothing",
    docs: " Reports suppressions that match no finding.\n",
    security_severity: None,
    judges_placeholders: false,
    fix_safety: ekslint_rules::FixSafety::Safe,
    source: "crates/ekslint_rules/src/rules/test.rs",
    type_name: "Test",
};

/// Every rule that can fire, deliberately not in code order.
fn registry() -> Vec<&'static RuleInfo> {
    vec![&UNUSED_SUPPRESSION, &API_REMOVED, &DUPLICATE_OBJECT]
}

const INGRESS: &str = "\
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
  labels: {team: \"café ☕\", tier: frontend} # ekslint: ignore[API002]
spec:
  backend:
    serviceName: web
    servicePort: 80
";

const LEGACY: &str = "\
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - http:
        paths:
          - path: /
            backend: {serviceName: web, servicePort: 80}
";

/// The span of the `nth` (0-based) occurrence of `needle` in `text`.
fn span(text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} not in text"))
        .0;
    Span::from_range(start..start + needle.len())
}

fn finding(rule: &'static RuleInfo, file: &Arc<SourceFile>, span: Span, message: &str) -> Finding {
    Finding {
        rule,
        severity: rule.severity,
        file: file.clone(),
        span,
        message: message.to_string(),
        label: None,
        labels: Vec::new(),
        help: None,
        fix: None,
        namespace: None,
        registry: None,
        unless_patch: false,
    }
}

fn files() -> (Arc<SourceFile>, Arc<SourceFile>) {
    let ingress = parse_str("k8s/ingress.yaml", INGRESS);
    let legacy = parse_str("k8s/legacy app.yaml", LEGACY);
    assert_eq!(ingress.objects.len(), 1);
    assert_eq!(legacy.objects.len(), 1);
    (ingress.source, legacy.source)
}

fn sample_report() -> Report {
    let (ingress, legacy) = files();

    let mut removed = finding(
        &API_REMOVED,
        &ingress,
        span(INGRESS, "extensions/v1beta1", 0),
        "`extensions/v1beta1` Ingress was removed in Kubernetes 1.22; the target is 1.36",
    );
    removed
        .label("no longer served")
        .with_label(
            span(INGRESS, "backend", 0),
            "`spec.backend` becomes `spec.defaultBackend`",
        )
        .with_label(span(INGRESS, "serviceName", 0), "becomes `service.name`")
        .help("use `apiVersion: networking.k8s.io/v1` and the new backend fields")
        .fix(Fix {
            title: "Change the apiVersion to `networking.k8s.io/v1`".to_string(),
            edits: vec![Edit {
                span: span(INGRESS, "extensions/v1beta1", 0),
                replacement: "networking.k8s.io/v1".to_string(),
            }],
            applicability: Applicability::Unsafe,
        });

    let mut duplicate = finding(
        &DUPLICATE_OBJECT,
        &ingress,
        span(INGRESS, "web", 0),
        "Ingress `default/web` is defined twice",
    );
    duplicate
        .label("first definition")
        .related(legacy.clone(), span(LEGACY, "web", 0), "defined again here")
        .related(ingress.clone(), span(INGRESS, "Ingress", 0), "same kind");

    let mut unused = finding(
        &UNUSED_SUPPRESSION,
        &ingress,
        span(INGRESS, "API002", 0),
        "`ignore[API002]` suppresses nothing: no API002 finding on this line (100% unused)",
    );
    unused
        .label("unused")
        .help("remove the comment,\nor fix what it was meant to hide")
        .fix(Fix {
            title: "Remove the suppression".to_string(),
            edits: vec![Edit {
                span: span(INGRESS, " # ekslint: ignore[API002]", 0),
                replacement: String::new(),
            }],
            applicability: Applicability::Safe,
        });

    // A zero-length span: where a missing key must be inserted.
    let at = span(LEGACY, "backend", 0).start;
    let mut missing = finding(
        &API_REMOVED,
        &legacy,
        Span::new(at, at),
        "`networking.k8s.io/v1` requires `pathType` on every path",
    );
    missing.label("add `pathType: Prefix` here");

    for f in [&mut removed, &mut duplicate, &mut unused] {
        f.namespace = Some("shop".into());
    }
    let mut findings = vec![missing, unused, duplicate, removed];
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    Report {
        findings,
        notifications: vec![
            Notification {
                path: "k8s/missing.yaml".to_string(),
                message: "No such file or directory (os error 2)".to_string(),
            },
            Notification {
                path: "/elsewhere/other dir/x.yaml".to_string(),
                message: "Permission denied (os error 13)".to_string(),
            },
        ],
        stats: Stats {
            files: 4,
            documents: 3,
            objects: 2,
            non_kubernetes_documents: 1,
            helm_templates: 0,
            unreadable_files: 2,
            context_files: 0,
            hidden_files: 0,
        },
        target: "1.36".to_string(),
    }
}

fn sarif_options() -> SarifOptions {
    SarifOptions {
        root: PathBuf::from("/repo"),
        current_dir: PathBuf::from("/repo"),
        category: "ekslint".to_string(),
    }
}

fn gitlab_options() -> GitlabOptions {
    GitlabOptions {
        root: PathBuf::from("/repo"),
        current_dir: PathBuf::from("/repo"),
    }
}

fn emit(emitter: &dyn Emitter, report: &Report) -> (String, Vec<String>) {
    let mut out = Vec::new();
    let warnings = emitter
        .emit(report, &registry(), &mut out)
        .expect("writes to a Vec");
    (String::from_utf8(out).expect("UTF-8 output"), warnings)
}

fn human(report: &Report) -> String {
    let emitter = HumanEmitter::new(HumanOptions {
        color: false,
        width: 80,
        links: false,
    });
    let (text, warnings) = emit(&emitter, report);
    assert!(warnings.is_empty());
    text
}

/// Snapshot settings: the tool version changes with every release; snapshots should not.
fn version_redacted() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        &format!(
            r#""(version|semanticVersion)": "{}""#,
            regex_escape(TOOL_VERSION)
        ),
        r#""$1": "[version]""#,
    );
    settings
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = !c.is_ascii_alphanumeric();
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

#[test]
fn human_output() {
    insta::assert_snapshot!(human(&sample_report()));
}

#[test]
fn json_output() {
    let (text, warnings) = emit(&JsonEmitter, &sample_report());
    assert!(warnings.is_empty());
    assert!(text.ends_with("}\n"));
    let value: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["tool"]["version"], TOOL_VERSION);
    version_redacted().bind(|| insta::assert_snapshot!(text));
}

#[test]
fn sarif_output() {
    let (text, warnings) = emit(&SarifEmitter::new(sarif_options()), &sample_report());
    assert!(warnings.is_empty());
    assert!(text.ends_with("}\n"));
    version_redacted().bind(|| insta::assert_snapshot!(text));
}

#[test]
fn github_output() {
    let (text, warnings) = emit(&GithubEmitter, &sample_report());
    assert!(warnings.is_empty());
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_columns_are_code_points() {
    let report = sample_report();
    let (sarif, _) = SarifEmitter::new(sarif_options()).to_value(&report, &registry());
    let run = &sarif["runs"][0];
    let unused = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "SUP001")
        .expect("the SUP001 result");
    // `  labels: {team: "café ☕", tier: frontend} # ekslint: ignore[API002]`: `API002` starts at
    // column 62 (byte 64: `é` and `☕` take 2 and 3 bytes).
    let line = INGRESS.lines().nth(4).unwrap();
    let byte = line.find("API002").unwrap();
    assert_eq!(byte, 64);
    assert_eq!(line[..byte].chars().count(), 61);
    let region = &unused["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 5);
    assert_eq!(region["startColumn"], 62);
    assert_eq!(region["endLine"], 5);
    assert_eq!(region["endColumn"], 68);
    assert_eq!(run["columnKind"], "unicodeCodePoints");

    // The zero-length span: start == end.
    let missing = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "k8s/legacy%20app.yaml"
        })
        .expect("the result in the second file");
    let region = &missing["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"]),
        (&10.into(), &13.into())
    );
    assert_eq!(
        (&region["endLine"], &region["endColumn"]),
        (&10.into(), &13.into())
    );
}

#[test]
fn sarif_rules_are_sorted_and_indexed() {
    let report = sample_report();
    let (sarif, _) = SarifEmitter::new(sarif_options()).to_value(&report, &registry());
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["API001", "SUP001", "YAML010"]);
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    assert!(
        !sarif.to_string().contains("partialFingerprints"),
        "upload-sarif computes fingerprints itself"
    );
    // A rule that fired but is missing from the registry is still described.
    let (sarif, _) = SarifEmitter::new(sarif_options()).to_value(&report, &[]);
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn sarif_uris() {
    let (ingress, _) = files();
    let mut report = Report::default();
    for path in [
        "./k8s/a.yaml",
        "/repo/k8s/b c.yaml",
        "../outside/d.yaml",
        "/etc/e.yaml",
    ] {
        let file = Arc::new(SourceFile::new(path, ingress.text.clone()));
        report
            .findings
            .push(finding(&API_REMOVED, &file, Span::new(0, 10), "m"));
    }
    let options = SarifOptions {
        root: PathBuf::from("/repo"),
        current_dir: PathBuf::from("/repo/sub"),
        category: "k8s/prod".to_string(),
    };
    let (sarif, _) = SarifEmitter::new(options).to_value(&report, &[]);
    let run = &sarif["runs"][0];
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///repo/"
    );
    assert_eq!(run["automationDetails"]["id"], "k8s/prod/");
    let locations: Vec<(String, Value)> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (
                artifact["uri"].as_str().unwrap().to_string(),
                artifact["uriBaseId"].clone(),
            )
        })
        .collect();
    assert_eq!(
        locations,
        [
            ("sub/k8s/a.yaml".to_string(), Value::from("%SRCROOT%")),
            ("k8s/b%20c.yaml".to_string(), Value::from("%SRCROOT%")),
            ("outside/d.yaml".to_string(), Value::from("%SRCROOT%")),
            ("file:///etc/e.yaml".to_string(), Value::Null),
        ]
    );
}

#[test]
fn sarif_results_are_capped_most_severe_first() {
    let (ingress, _) = files();
    let template = |rule: &'static RuleInfo| finding(rule, &ingress, Span::new(0, 10), "m");
    let mut report = Report::default();
    report.findings.extend(std::iter::repeat_n(
        template(&UNUSED_SUPPRESSION),
        SARIF_MAX_RESULTS + 5,
    ));
    report
        .findings
        .extend(std::iter::repeat_n(template(&DUPLICATE_OBJECT), 10));
    report
        .findings
        .extend(std::iter::repeat_n(template(&API_REMOVED), 5));

    let (sarif, warnings) = SarifEmitter::new(sarif_options()).to_value(&report, &registry());
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(levels[..5].iter().all(|&l| l == "error"));
    assert!(levels[5..15].iter().all(|&l| l == "warning"));
    assert!(levels[15..].iter().all(|&l| l == "note"));
    assert_eq!(warnings.len(), 1);
    assert_eq!(
        warnings[0],
        "SARIF output capped at 25000 results per run, GitHub code scanning's limit: \
         20 of 25020 findings left out, least severe first (20 infos)"
    );

    // Under the cap: no warning, report order kept.
    let report = sample_report();
    let (_, warnings) = SarifEmitter::new(sarif_options()).to_value(&report, &registry());
    assert!(warnings.is_empty());
}

#[test]
fn github_escaping() {
    let (text, _) = emit(&GithubEmitter, &sample_report());
    let line = text
        .lines()
        .find(|l| l.contains("SUP001"))
        .expect("the SUP001 annotation");
    assert!(
        line.starts_with("::notice file=k8s/ingress.yaml,line=5,col=62,endLine=5,endColumn=68,")
    );
    // Properties escape `:` and `,`; the message keeps `:` but escapes `%` and newlines.
    assert!(line.contains(",title=SUP001 (unused-suppression)::"));
    assert!(line.ends_with(
        "::`ignore[API002]` suppresses nothing: no API002 finding on this line (100%25 unused)%0Aremove the comment,%0Aor fix what it was meant to hide"
    ));
    let file = ekslint_report::github::escape_property("a:b,c%d\ne");
    assert_eq!(file, "a%3Ab%2Cc%25d%0Ae");
    assert_eq!(text.lines().count(), 6, "4 findings and 2 notifications");
}

#[test]
fn summary_wording() {
    let mut report = Report {
        target: "1.36".to_string(),
        stats: Stats {
            files: 1,
            documents: 1,
            objects: 1,
            ..Stats::default()
        },
        ..Report::default()
    };
    assert_eq!(
        summary_line(&report),
        "Checked 1 file: 1 document, 1 object. Target: Kubernetes 1.36. No problems found."
    );
    let (ingress, _) = files();
    report
        .findings
        .push(finding(&API_REMOVED, &ingress, Span::new(0, 1), "m"));
    report
        .findings
        .push(finding(&DUPLICATE_OBJECT, &ingress, Span::new(0, 1), "m"));
    report
        .findings
        .push(finding(&DUPLICATE_OBJECT, &ingress, Span::new(0, 1), "m"));
    report.stats = Stats {
        files: 12,
        documents: 30,
        objects: 28,
        non_kubernetes_documents: 2,
        helm_templates: 1,
        unreadable_files: 1,
        context_files: 0,
        hidden_files: 0,
    };
    assert_eq!(
        summary_line(&report),
        "Checked 12 files: 30 documents, 28 objects (2 non-Kubernetes documents skipped, 1 unrendered template skipped, 1 unreadable file). Target: Kubernetes 1.36. Found 1 error, 2 warnings, 0 infos."
    );
    report.stats.non_kubernetes_documents = 1;
    report.stats.helm_templates = 0;
    report.stats.unreadable_files = 3;
    report.target.clear();
    report
        .findings
        .push(finding(&UNUSED_SUPPRESSION, &ingress, Span::new(0, 1), "m"));
    assert_eq!(
        summary_line(&report),
        "Checked 12 files: 30 documents, 28 objects (1 non-Kubernetes document skipped, 3 unreadable files). Found 1 error, 2 warnings, 1 info."
    );
}

#[test]
fn clean_report_is_only_the_summary() {
    let report = Report {
        target: "1.36".to_string(),
        ..Report::default()
    };
    assert_eq!(
        human(&report),
        "Checked 0 files: 0 documents, 0 objects. Target: Kubernetes 1.36. No problems found.\n"
    );
}

#[test]
fn format_names_round_trip() {
    for format in Format::ALL {
        assert_eq!(format.as_str().parse::<Format>(), Ok(format));
    }
    assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
    let error = "xml".parse::<Format>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown output format `xml` (expected one of: human, concise, json, sarif, github, junit, gitlab, markdown, html)"
    );
}

#[test]
fn render_dispatches_on_format() {
    let report = sample_report();
    let options = ekslint_report::RenderOptions {
        human: HumanOptions::default(),
        sarif: sarif_options(),
        gitlab: gitlab_options(),
    };
    for format in Format::ALL {
        let mut out = Vec::new();
        render(format, &report, &registry(), &options, &mut out).unwrap();
        let direct = match format {
            Format::Human => human(&report),
            Format::Json => emit(&JsonEmitter, &report).0,
            Format::Sarif => emit(&SarifEmitter::new(sarif_options()), &report).0,
            Format::Github => emit(&GithubEmitter, &report).0,
            Format::Concise => emit(&ConciseEmitter, &report).0,
            Format::Junit => emit(&JunitEmitter, &report).0,
            Format::Gitlab => emit(&GitlabEmitter::new(gitlab_options()), &report).0,
            Format::Markdown => emit(&MarkdownEmitter, &report).0,
            Format::Html => emit(&HtmlEmitter, &report).0,
        };
        assert_eq!(String::from_utf8(out).unwrap(), direct, "{format}");
    }
}

#[test]
fn labels_in_the_same_file_stay_secondary_labels() {
    // `related` with the finding's own file is drawn in the same snippet, not as a related report.
    let report = sample_report();
    let text = human(&report);
    assert!(text.contains("same kind"));
    let duplicate = report
        .findings
        .iter()
        .find(|f| f.rule.code == "YAML010")
        .unwrap();
    assert!(matches!(duplicate.labels[1], Label { file: Some(_), .. }));
}

#[cfg(unix)]
#[test]
fn sarif_uris_resolve_symbolic_links() {
    let base = std::env::temp_dir().join(format!("ekslint-report-symlink-{}", std::process::id()));
    let real = base.join("real");
    std::fs::create_dir_all(real.join("k8s")).unwrap();
    std::fs::write(real.join("k8s/a.yaml"), INGRESS).unwrap();
    let link = base.join("link");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let options = SarifOptions::with_root(&real).unwrap();
    let path = link.join("k8s/a.yaml").to_string_lossy().into_owned();
    let file = Arc::new(SourceFile::new(path, INGRESS));
    let mut report = Report::default();
    report
        .findings
        .push(finding(&API_REMOVED, &file, Span::new(0, 10), "m"));
    let (sarif, _) = SarifEmitter::new(options).to_value(&report, &[]);
    let artifact =
        &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "k8s/a.yaml");
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn concise_output() {
    let (text, warnings) = emit(&ConciseEmitter, &sample_report());
    assert!(warnings.is_empty());
    // One line per finding, then the notifications and the summary.
    assert_eq!(text.lines().count(), 4 + 2 + 1);
    insta::assert_snapshot!(text);
}

#[test]
fn junit_output() {
    let (text, warnings) = emit(&JunitEmitter, &sample_report());
    assert!(warnings.is_empty());
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("4"));
    assert_eq!(root.attribute("errors"), Some("2"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| n.attribute("name").unwrap())
        .collect();
    assert_eq!(
        suites,
        ["k8s/ingress.yaml", "k8s/legacy app.yaml", "ekslint"]
    );
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 4);
    // The message attribute round-trips the finding's message exactly.
    assert!(failures.iter().any(|f| f.attribute("message")
        == Some(
            "`ignore[API002]` suppresses nothing: no API002 finding on this line (100% unused)"
        )));
    insta::assert_snapshot!(text);
}

#[test]
fn junit_without_findings_is_one_passing_test() {
    let report = Report {
        target: "1.36".to_string(),
        ..Report::default()
    };
    let (text, _) = emit(&JunitEmitter, &report);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    assert_eq!(doc.root_element().attribute("tests"), Some("1"));
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        1
    );
}

#[test]
fn gitlab_output() {
    let (text, warnings) = emit(&GitlabEmitter::new(gitlab_options()), &sample_report());
    assert!(warnings.is_empty());
    let issues: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
    assert_eq!(issues.len(), 4);
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 4, "unique fingerprints");
    insta::assert_snapshot!(text);
}

/// Fingerprints survive edits that move a finding, and stay unique for findings that agree in
/// rule, path and message.
#[test]
fn gitlab_fingerprints_are_stable_and_unique() {
    let (ingress, _) = files();
    let fingerprints = |spans: &[Span]| -> Vec<String> {
        let mut report = Report::default();
        for span in spans {
            report
                .findings
                .push(finding(&API_REMOVED, &ingress, *span, "same message"));
        }
        let (text, _) = emit(&GitlabEmitter::new(gitlab_options()), &report);
        let issues: Vec<Value> = serde_json::from_str(&text).unwrap();
        issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let before = fingerprints(&[Span::new(0, 5), Span::new(40, 45)]);
    let moved = fingerprints(&[Span::new(20, 25), Span::new(60, 65)]);
    assert_eq!(before, moved);
    assert_ne!(before[0], before[1]);
    assert_eq!(before[0].len(), 32);
}

#[test]
fn markdown_output() {
    let (text, warnings) = emit(&MarkdownEmitter, &sample_report());
    assert!(warnings.is_empty());
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_without_findings() {
    let report = Report {
        target: "1.36".to_string(),
        stats: Stats {
            files: 3,
            documents: 4,
            objects: 4,
            ..Stats::default()
        },
        ..Report::default()
    };
    let (text, _) = emit(&MarkdownEmitter, &report);
    assert_eq!(
        text,
        "## ekslint: migration readiness for Kubernetes 1.36\n\n**No findings** in 3 files checked (4 documents, 4 objects).\n"
    );
}

#[test]
fn html_output() {
    let (text, warnings) = emit(&HtmlEmitter, &sample_report());
    assert!(warnings.is_empty());
    // Self-contained: nothing is loaded from elsewhere.
    for outside in ["<link", "src=\"http", "@import", "url("] {
        assert!(!text.contains(outside), "{outside}");
    }
    assert_eq!(text.matches("<tr data-code=").count(), 4);
    assert_eq!(text.matches("<svg ").count(), 2);
    version_redacted().bind(|| {
        let mut settings = insta::Settings::clone_current();
        settings.add_filter(
            &format!("ekslint {}", regex_escape(TOOL_VERSION)),
            "ekslint [version]",
        );
        settings.bind(|| insta::assert_snapshot!(text));
    });
}

#[test]
fn html_escapes_text_from_manifests() {
    let hostile = "<img src=x onerror=alert(1)>\"'&";
    let file = Arc::new(SourceFile::new(hostile, "a: 1\n"));
    let mut f = finding(&API_REMOVED, &file, Span::new(0, 1), hostile);
    f.namespace = Some(hostile.into());
    f.help = Some(hostile.to_string());
    let report = Report {
        findings: vec![f],
        ..Report::default()
    };
    for emitter in [&HtmlEmitter as &dyn Emitter, &JunitEmitter] {
        let (text, _) = emit(emitter, &report);
        assert!(!text.contains("<img"), "{text}");
    }
    // Markdown has no escape inside code spans, but nothing in a code span is markup.
    let (text, _) = emit(&MarkdownEmitter, &report);
    assert!(text.contains("<img"));
    for (at, _) in text.match_indices("<img") {
        assert!(text[..at].ends_with('`'), "outside a code span: {text}");
    }
}

#[test]
fn statistics_output() {
    let report = sample_report();
    let (text, _) = emit(&StatisticsEmitter { json: false }, &report);
    insta::assert_snapshot!(text);
    let (json, _) = emit(&StatisticsEmitter { json: true }, &report);
    let rows: Vec<Value> = serde_json::from_str(&json).unwrap();
    let counts: Vec<(&str, u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap(),
                r["count"].as_u64().unwrap(),
                r["fixable"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [("API001", 2, 1), ("SUP001", 1, 1), ("YAML010", 1, 0)]
    );
}

#[test]
fn github_warns_when_annotations_pass_what_github_shows() {
    let (ingress, _) = files();
    let mut report = Report::default();
    for (rule, n) in [
        (&API_REMOVED, 12),
        (&DUPLICATE_OBJECT, 10),
        (&UNUSED_SUPPRESSION, 13),
    ] {
        for i in 0..n {
            report
                .findings
                .push(finding(rule, &ingress, Span::new(i, i + 1), "m"));
        }
    }
    let (text, warnings) = emit(&GithubEmitter, &report);
    assert_eq!(text.lines().count(), 35, "every annotation is written");
    assert_eq!(
        warnings,
        [
            "GitHub shows at most 10 annotations of each type per step: 5 of 35 will not be shown; \
          `--format markdown >> \"$GITHUB_STEP_SUMMARY\"` lists every finding's rule and file"
        ]
    );
}

#[test]
fn human_summary_counts_image_findings_by_registry() {
    let (ingress, _) = files();
    let image = |registry: &str| {
        let mut f = finding(&DUPLICATE_OBJECT, &ingress, Span::new(0, 10), "m");
        f.registry(registry);
        f
    };
    let mut report = Report::default();
    report.findings.extend((0..3).map(|_| image("Docker Hub")));
    report.findings.push(image("gcr.io"));
    report.findings.extend((0..3).map(|_| image("quay.io")));
    // Ten more registries with one reference each: only the first eight rows are listed.
    let hosts: Vec<String> = (0..10).map(|i| format!("r{i}.example.com")).collect();
    report.findings.extend(hosts.iter().map(|h| image(h)));
    let text = human(&report);
    let table = text
        .split("Image references with a finding, by registry:\n")
        .nth(1)
        .expect("a registries table");
    let rows: Vec<&str> = table.lines().take(10).collect();
    assert_eq!(
        rows,
        [
            "  3  Docker Hub",
            "  3  quay.io",
            "  1  gcr.io",
            "  1  r0.example.com",
            "  1  r1.example.com",
            "  1  r2.example.com",
            "  1  r3.example.com",
            "  1  r4.example.com",
            "  … and 5 references in 5 more registries",
            "`registries.allowed` in .ekslint.yaml accepts a registry your nodes can pull from.",
        ]
    );
    // Without image findings there is no table.
    assert!(!human(&sample_report()).contains("by registry"));
}
