use std::path::{Path, PathBuf};

use super::*;
use crate::finding::Finding;
use crate::fix::{FixOptions, MAX_ROUNDS};
use crate::selector::Selector;
use crate::settings::Settings;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn directive(text: &str, key: &str) -> Option<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("# ekslint-test:"))
        .flat_map(str::split_whitespace)
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
}

fn lint(path: &str, text: &str, settings: &Settings) -> Vec<Finding> {
    let parsed = ekslint_manifest::parse_str(path, text);
    crate::engine::lint_file_alone(&parsed, settings)
}

/// What `--fix` (with `unsafe`) makes of a file: rounds of lint and apply, as the CLI runs them.
fn fix(path: &str, text: &str, settings: &Settings, unsafe_fixes: bool) -> String {
    let options = FixOptions { unsafe_fixes };
    let mut text = text.to_string();
    for _ in 0..MAX_ROUNDS {
        let findings = lint(path, &text, settings);
        let refs = {
            let parsed = ekslint_manifest::parse_str(path, &text);
            let docs: Vec<(u32, u32, bool)> = parsed
                .documents
                .iter()
                .map(|d| {
                    let t = &text[d.span.range()];
                    (
                        d.span.start,
                        d.span.end,
                        ekslint_manifest::uses_references(t),
                    )
                })
                .collect();
            docs
        };
        let ambiguous = |at: u32| refs.iter().any(|(s, e, u)| *s <= at && at <= *e && *u);
        let applied = crate::fix::apply(path, &text, &findings, &options, &|_| true, &ambiguous);
        if applied.fixed.is_empty() {
            break;
        }
        text = applied.text;
    }
    text
}

fn settings_for(text: &str, code: &str) -> Settings {
    let target = directive(text, "target")
        .map(|t| KubeVersion::parse(&t).unwrap())
        .unwrap_or(KubeVersion::new(1, 33));
    Settings::only(target, &[Selector::parse(code).unwrap()])
}

fn comment_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#'))
        .collect()
}

/// Every `fail-fix-*` fixture of the API rules, fixed with `--fix --unsafe-fixes`, is its
/// `fixed/` file (`EKSLINT_UPDATE_FIXED=1` writes them); a second run changes nothing; no
/// comment line is lost; what is left has no applicable fix; the fixed file loads as the same
/// number of documents.
#[test]
fn fix_fixtures_convert_to_their_fixed_files() {
    let update = std::env::var_os("EKSLINT_UPDATE_FIXED").is_some();
    let mut failures = Vec::new();
    let mut seen = 0;
    for dir in ["API001-api-removed", "API002-api-deprecated"] {
        let dir = fixtures().join(dir);
        let code = dir.file_name().unwrap().to_string_lossy()[..6].to_string();
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| {
                n.starts_with("fail-fix-") && (n.ends_with(".yaml") || n.ends_with(".json"))
            })
            .collect();
        names.sort();
        for name in names {
            seen += 1;
            let path = dir.join(&name);
            let raw = std::fs::read(&path).unwrap();
            let text = String::from_utf8(raw).unwrap();
            let settings = settings_for(&text, &code);
            let shown = format!("{}/{name}", dir.file_name().unwrap().to_string_lossy());
            let fixed = fix(&name, &text, &settings, true);
            let golden = dir.join("fixed").join(&name);
            if update {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(&golden, &fixed).unwrap();
            } else {
                match std::fs::read_to_string(&golden) {
                    Ok(want) if want == fixed => {}
                    Ok(want) => failures.push(format!(
                        "{shown}: fixed text differs from fixed/{name}:\n{}",
                        similar_lines(&want, &fixed)
                    )),
                    Err(_) => failures.push(format!("{shown}: no fixed/{name}")),
                }
            }
            if fix(&name, &fixed, &settings, true) != fixed {
                failures.push(format!("{shown}: a second --fix changes the file"));
            }
            let after = comment_lines(&fixed);
            for c in comment_lines(&text) {
                if !after.contains(&c) {
                    failures.push(format!("{shown}: comment line lost: {c}"));
                }
            }
            let before = ekslint_manifest::parse_str(&name, &text);
            let now = ekslint_manifest::parse_str(&name, &fixed);
            if before.documents.len() != now.documents.len() || !now.problems.is_empty() {
                failures.push(format!("{shown}: the fixed file does not load as before"));
            }
            for f in lint(&name, &fixed, &settings) {
                if !name.contains("refused")
                    && f.fix
                        .as_ref()
                        .is_some_and(|x| x.applicability != Applicability::DisplayOnly)
                {
                    failures.push(format!("{shown}: still fixable: {}", f.message));
                }
            }
            if text == fixed && !name.contains("refused") {
                failures.push(format!("{shown}: nothing was fixed"));
            }
        }
    }
    assert!(seen >= 8, "only {seen} fail-fix-* fixtures");
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

fn similar_lines(want: &str, got: &str) -> String {
    let mut out = String::new();
    for (i, (a, b)) in want.lines().zip(got.lines()).enumerate() {
        if a != b {
            out.push_str(&format!("line {}:\n  want {a:?}\n  got  {b:?}\n", i + 1));
            break;
        }
    }
    out.push_str(&format!(
        "({} lines wanted, {} got)",
        want.lines().count(),
        got.lines().count()
    ));
    out
}

/// `--fix` without `--unsafe-fixes` applies the safe conversions only.
#[test]
fn safe_fix_leaves_unsafe_conversions_alone() {
    let text = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: a\nspec:\n  schedule: '@daily'\n  jobTemplate: {}\n---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: all\nspec:\n  minAvailable: 1\n  selector: {}\n";
    let s = settings_for(text, "API001");
    let out = fix("a.yaml", text, &s, false);
    assert!(out.starts_with("apiVersion: batch/v1\n"), "{out}");
    assert!(out.contains("apiVersion: policy/v1beta1\n"), "{out}");
    let out = fix("a.yaml", text, &s, true);
    assert!(out.contains("apiVersion: policy/v1\n"), "{out}");
}

/// No fix is offered before the replacement is served, nor when it is itself removed.
#[test]
fn no_fix_where_the_replacement_is_not_served() {
    let ingress = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: a\nspec:\n  backend: {serviceName: a, servicePort: 80}\n";
    let at = |v: &str| {
        let s = Settings::only(
            KubeVersion::parse(v).unwrap(),
            &[Selector::parse("API").unwrap()],
        );
        lint("a.yaml", ingress, &s)
    };
    let f = at("1.18");
    assert!(
        f.iter().all(|f| f.fix.is_none()),
        "networking.k8s.io/v1 is served from 1.19"
    );
    let f = at("1.20");
    assert!(f.iter().any(|f| f.rule.code == "API002" && f.fix.is_some()));
    let psp =
        "apiVersion: extensions/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: a\nspec: {}\n";
    let s = Settings::only(
        KubeVersion::new(1, 33),
        &[Selector::parse("API001").unwrap()],
    );
    let f = lint("a.yaml", psp, &s);
    assert_eq!(f.len(), 1);
    assert!(f[0].fix.is_none(), "policy/v1beta1 is gone at 1.33 too");
    let s = Settings::only(
        KubeVersion::new(1, 20),
        &[Selector::parse("API001").unwrap()],
    );
    assert!(lint("a.yaml", psp, &s)[0].fix.is_some());
}

/// Every Kubernetes row with a replacement says how to convert (`fix:`) and from when the
/// replacement is served, or is one of the few left without a conversion on purpose.
#[test]
fn every_row_with_a_replacement_declares_its_conversion() {
    // Conversions that change the shape too much to be written without upstream's converter:
    // the DRA alpha/beta1 request shape, the mutating admission policy alphas and the storage
    // version migration and trust bundle alphas.
    let without: &[(&str, &str)] = &[
        ("resource.k8s.io/v1alpha3", "*"),
        ("resource.k8s.io/v1beta1", "*"),
        (
            "admissionregistration.k8s.io/v1alpha1",
            "ValidatingAdmissionPolicy",
        ),
        (
            "admissionregistration.k8s.io/v1alpha1",
            "ValidatingAdmissionPolicyBinding",
        ),
        (
            "admissionregistration.k8s.io/v1alpha1",
            "MutatingAdmissionPolicy",
        ),
        (
            "admissionregistration.k8s.io/v1alpha1",
            "MutatingAdmissionPolicyBinding",
        ),
        (
            "admissionregistration.k8s.io/v1beta1",
            "MutatingAdmissionPolicy",
        ),
        (
            "admissionregistration.k8s.io/v1beta1",
            "MutatingAdmissionPolicyBinding",
        ),
        ("certificates.k8s.io/v1alpha1", "ClusterTrustBundle"),
        ("certificates.k8s.io/v1beta1", "ClusterTrustBundle"),
        (
            "storagemigration.k8s.io/v1alpha1",
            "StorageVersionMigration",
        ),
        ("storagemigration.k8s.io/v1beta1", "StorageVersionMigration"),
    ];
    let mut missing = Vec::new();
    for r in &ApiTable::get().rows {
        if !r.is_kubernetes() || r.replacement.is_none() {
            assert!(
                r.fix.is_none(),
                "{} {}: a fix without a replacement",
                r.api_version,
                r.kind
            );
            continue;
        }
        let excused = without
            .iter()
            .any(|(v, k)| *v == r.api_version && (*k == "*" || *k == r.kind));
        match (&r.fix, r.replacement_available_in) {
            (Some(_), Some(_)) => assert!(
                !excused,
                "{} {} is listed as without",
                r.api_version, r.kind
            ),
            (Some(_), None) => missing.push(format!(
                "{} {}: no replacement_available_in",
                r.api_version, r.kind
            )),
            (None, _) if excused => {}
            (None, _) => missing.push(format!("{} {}: no fix", r.api_version, r.kind)),
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
