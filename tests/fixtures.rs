//! Every rule's fixtures: `fixtures/<CODE>-<name>/fail*.{yaml,json}` must produce exactly the
//! findings marked in them (`# expect: CODE` on the line, or `<file>.expect` lines of
//! `LINE CODE` for JSON), and `pass*` files none. Each runs with only its rule enabled (plus any
//! `# ekslint-test: select=…`), at the target of `# ekslint-test: target=…` or 1.36. The rendered
//! human output of every fail file is snapshotted.
//!
//! A `fail*` or `pass*` *directory* is one multi-file input, for cross-object rules: every file
//! in it is linted together (so a Deployment in one file sees the ServiceAccount in another),
//! the markers of every file are checked, and a file with `# ekslint-test: context` is read as
//! context only (`--context`). Other directives: `aws-account-ids=…` (comma-separated),
//! `aws-partition=…`, `aws-region=…`, `external-service-accounts=…` (comma-separated),
//! `addons=name:release,…`, taken from the first file that has them, and
//! `fargate-profile=NAMESPACE[,KEY=VALUE…]` (a Fargate profile with one selector, as
//! `fargate-profiles:` in `.ekslint.yaml` declares; every such directive of the case counts),
//! `registries-allowed=…` (comma-separated) and `private-cluster=true`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ekslint_manifest::{Format, Limits, SourceFile};
use ekslint_rules::selector::Selector;
use ekslint_rules::{KubeVersion, Settings};

const DEFAULT_TARGET: KubeVersion = KubeVersion::new(1, 36);

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .expect("fixtures/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The cases of a rule's fixture directory: `fail*`/`pass*` files and directories.
fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut f: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_dir()
                || matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
        })
        .collect();
    f.sort();
    f
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut f: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    f.sort();
    f
}

/// Directives for the harness, from `# ekslint-test: key=value` lines.
fn directive(text: &str, key: &str) -> Option<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("# ekslint-test:"))
        .flat_map(|rest| rest.split_whitespace())
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
}

/// Every value of a repeatable directive, in order.
fn directives(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("# ekslint-test:"))
        .flat_map(|rest| rest.split_whitespace())
        .filter_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
        .collect()
}

/// (line, code) → count of expected findings.
fn expectations(path: &Path, text: &str) -> BTreeMap<(u32, String), usize> {
    let mut out = BTreeMap::new();
    let sidecar = PathBuf::from(format!("{}.expect", path.display()));
    if let Ok(s) = std::fs::read_to_string(&sidecar) {
        for l in s.lines().filter(|l| !l.trim().is_empty()) {
            let (line, code) = l.split_once(' ').expect("`LINE CODE`");
            *out.entry((line.parse().unwrap(), code.trim().to_string()))
                .or_default() += 1;
        }
        return out;
    }
    for (i, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("expect: ") {
            for code in line[pos + 8..]
                .split(',')
                .map(|c| c.split_whitespace().next().unwrap_or(""))
            {
                if !code.is_empty() {
                    *out.entry((i as u32 + 1, code.to_string())).or_default() += 1;
                }
            }
        }
    }
    out
}

fn lint(paths: &[PathBuf], code: &str) -> (ekslint_rules::Report, Vec<(PathBuf, String)>) {
    let texts: Vec<(PathBuf, String)> = paths
        .iter()
        .map(|p| (p.clone(), std::fs::read_to_string(p).unwrap()))
        .collect();
    let first = |key: &str| texts.iter().find_map(|(_, t)| directive(t, key));
    let target = first("target")
        .map(|t| KubeVersion::parse(&t).expect("target"))
        .unwrap_or(DEFAULT_TARGET);
    let select = first("select").unwrap_or_else(|| code.to_string());
    let selectors: Vec<Selector> = select
        .split(',')
        .map(|s| Selector::parse(s).unwrap_or_else(|e| panic!("{}: {e}", paths[0].display())))
        .collect();
    let mut settings = Settings::only(target, &selectors);
    if let Some(ids) = first("aws-account-ids") {
        settings.aws.account_ids = ids.split(',').map(str::to_string).collect();
    }
    if let Some(addons) = first("addons") {
        for a in addons.split(',') {
            let (name, release) = a.split_once(':').expect("`addons=name:release,…`");
            settings.addons.insert(
                name.to_string(),
                KubeVersion::parse(release).expect("release"),
            );
        }
    }
    if let Some(sas) = first("external-service-accounts") {
        settings.external_service_accounts = sas.split(',').map(str::to_string).collect();
    }
    settings.aws.partition = first("aws-partition");
    settings.aws.region = first("aws-region");
    for (i, spec) in texts
        .iter()
        .flat_map(|(_, t)| directives(t, "fargate-profile"))
        .enumerate()
    {
        let mut parts = spec.split(',');
        let namespace = parts.next().unwrap_or_default().to_string();
        let labels = parts
            .map(|kv| {
                let (k, v) = kv
                    .split_once('=')
                    .expect("fargate-profile labels are KEY=VALUE");
                (k.to_string(), v.to_string())
            })
            .collect();
        settings
            .fargate_profiles
            .push(ekslint_rules::config::FargateProfile {
                name: format!("fixture-{}", i + 1),
                selectors: vec![ekslint_rules::config::FargateSelector { namespace, labels }],
            });
    }
    if let Some(r) = first("registries-allowed") {
        settings.registries.allowed = r.split(',').map(str::to_string).collect();
    }
    settings.registries.private_cluster = first("private-cluster").as_deref() == Some("true");
    let mut outputs = Vec::new();
    for (path, text) in &texts {
        let name = path.to_string_lossy().replace('\\', "/");
        let source = Arc::new(SourceFile::new(name.clone(), text.clone()));
        let parsed = ekslint_manifest::parse(source, Format::from_path(&name), &Limits::default());
        let is_context = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("# ekslint-test:"))
            .any(|rest| rest.split_whitespace().any(|w| w == "context"));
        outputs.push(if is_context {
            ekslint_rules::engine::collect_context(&parsed)
        } else {
            ekslint_rules::lint_file(&parsed, &settings)
        });
    }
    (ekslint_rules::finish(outputs, Vec::new(), &settings), texts)
}

/// The files of one case: the file itself, or every file of a case directory.
fn case_files(path: &Path) -> Vec<PathBuf> {
    if path.is_dir() {
        files(path)
    } else {
        vec![path.to_path_buf()]
    }
}

#[test]
fn every_fixture_reports_exactly_what_it_marks() {
    let mut failures = Vec::new();
    for dir in fixture_dirs() {
        let dir_name = dir.file_name().unwrap().to_string_lossy().to_string();
        let code = dir_name.split('-').next().unwrap().to_string();
        let mut has_fail = false;
        let mut has_pass = false;
        for path in cases(&dir) {
            let stem = path.file_name().unwrap().to_string_lossy().to_string();
            let (report, texts) = lint(&case_files(&path), &code);
            let multi = path.is_dir();
            let key = |file: &str, line: u32| {
                if multi {
                    let name = Path::new(file).file_name().unwrap().to_string_lossy();
                    format!("{name}:{line}")
                } else {
                    line.to_string()
                }
            };
            let got: BTreeMap<(String, String), usize> =
                report.findings.iter().fold(BTreeMap::new(), |mut m, f| {
                    let line = f.file.line_col(f.span.start).line;
                    *m.entry((key(&f.file.path, line), f.rule.code.to_string()))
                        .or_default() += 1;
                    m
                });
            if stem.starts_with("fail") {
                has_fail = true;
                let mut want = BTreeMap::new();
                for (p, text) in &texts {
                    let name = p.to_string_lossy().replace('\\', "/");
                    for ((line, c), n) in expectations(p, text) {
                        *want.entry((key(&name, line), c)).or_default() += n;
                    }
                }
                if !want.keys().any(|(_, c)| *c == code) {
                    failures.push(format!("{}: marks no `expect: {code}`", path.display()));
                }
                if got != want {
                    failures.push(format!(
                        "{}:\n  expected {want:?}\n  got      {got:?}",
                        path.display()
                    ));
                }
                let rendered = render(&report);
                insta::with_settings!({snapshot_path => "snapshots/fixtures", prepend_module_to_snapshot => false}, {
                    insta::assert_snapshot!(format!("{dir_name}__{stem}"), rendered);
                });
            } else if stem.starts_with("pass") {
                has_pass = true;
                if !got.is_empty() {
                    failures.push(format!(
                        "{}: expected no findings, got {got:?}",
                        path.display()
                    ));
                }
            }
        }
        if !has_fail || !has_pass {
            failures.push(format!("{}: needs a fail* and a pass* file", dir.display()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn render(report: &ekslint_rules::Report) -> String {
    let rules: Vec<_> = ekslint_rules::RULES.iter().map(|r| r.info()).collect();
    let mut out = Vec::new();
    ekslint_report::render(
        ekslint_report::Format::Human,
        report,
        &rules,
        &ekslint_report::RenderOptions::default(),
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn every_rule_has_a_fixture_directory_named_after_it() {
    for rule in ekslint_rules::RULES {
        let i = rule.info();
        let dir = PathBuf::from(format!("fixtures/{}-{}", i.code, i.name));
        assert!(dir.is_dir(), "missing {}", dir.display());
    }
    for dir in fixture_dirs() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            ekslint_rules::RULES
                .iter()
                .any(|r| format!("{}-{}", r.info().code, r.info().name) == name),
            "{name} names no rule"
        );
    }
}
