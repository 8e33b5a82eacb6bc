//! LBC003's fixes on its `fail-fix-*` fixtures, run the way `ekslint check --fix` runs them: the
//! first round from the whole engine (the `kubernetes.io/ingress.class` fix comes from the
//! per-set pass, which knows the input's IngressClasses), later rounds from the per-file rules.
//! Each result is compared byte for byte with `fixtures/LBC003-lbc-deprecated/fixed/`
//! (`EKSLINT_UPDATE_FIXED=1` writes them).

use std::path::{Path, PathBuf};

use crate::engine::{finish, lint_file};
use crate::finding::{Applicability, Finding};
use crate::fix::{FixOptions, fix_rounds};
use crate::rules::lbc::lbc_deprecated::LbcDeprecated;
use crate::selector::Selector;
use crate::settings::Settings;
use crate::version::KubeVersion;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/LBC003-lbc-deprecated")
}

fn settings() -> Settings {
    Settings::only(
        KubeVersion::new(1, 33),
        &[Selector::rule(&LbcDeprecated::INFO)],
    )
}

/// Every finding of the whole engine (per-file and per-set) on `text` as one file.
fn lint(path: &str, text: &str) -> Vec<Finding> {
    let settings = settings();
    let file = ekslint_manifest::parse_str(path, text);
    finish(vec![lint_file(&file, &settings)], Vec::new(), &settings).findings
}

/// `--fix` (`--unsafe-fixes` with `unsafe_fixes`) on one file.
fn fix(path: &str, text: &str, unsafe_fixes: bool) -> String {
    let first: Vec<Finding> = lint(path, text)
        .into_iter()
        .filter(|f| f.fix.is_some())
        .collect();
    let options = FixOptions { unsafe_fixes };
    fix_rounds(path, text, first, &settings(), &options).text
}

fn comment_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#'))
        .collect()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap()
}

#[test]
fn fail_fix_fixtures_become_their_fixed_files() {
    let update = std::env::var_os("EKSLINT_UPDATE_FIXED").is_some();
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("fail-fix-") && (n.ends_with(".yaml") || n.ends_with(".json")))
        .collect();
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    let mut failures = Vec::new();
    for name in names {
        let text = fixture(&name);
        let fixed = fix(&name, &text, true);
        let golden = dir().join("fixed").join(&name);
        if update {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &fixed).unwrap();
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(fixed.as_str()) {
            failures.push(format!("{name}: differs from fixed/{name}:\n{fixed}"));
        }
        if fix(&name, &fixed, true) != fixed {
            failures.push(format!("{name}: a second --fix changes the file"));
        }
        if fixed == text {
            failures.push(format!("{name}: nothing was fixed"));
        }
        let after = comment_lines(&fixed);
        for c in comment_lines(&text) {
            if !after.contains(&c) {
                failures.push(format!("{name}: comment line lost: {c}"));
            }
        }
        let before = ekslint_manifest::parse_str(&name, &text);
        let now = ekslint_manifest::parse_str(&name, &fixed);
        if now.objects.len() != before.objects.len() || !now.problems.is_empty() {
            failures.push(format!("{name}: the fixed file does not load as before"));
        }
        if text.contains("\r\n") && fixed.replace("\r\n", "").contains('\n') {
            failures.push(format!("{name}: a bare line break in a CRLF file"));
        }
        for f in lint(&name, &fixed) {
            if f.fix
                .as_ref()
                .is_some_and(|x| x.applicability != Applicability::DisplayOnly)
            {
                failures.push(format!("{name}: still fixable: {}", f.message));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// The finding on `line` (1-based) of `text`.
fn at(found: &[Finding], text: &str, line: usize) -> Finding {
    let start = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum::<usize>() as u32;
    let end = start + text.lines().nth(line - 1).unwrap().len() as u32;
    found
        .iter()
        .find(|f| f.span.start >= start && f.span.start <= end)
        .unwrap_or_else(|| panic!("no finding on line {line}: {found:?}"))
        .clone()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn the_ingress_class_fix_depends_on_the_class_in_the_input() {
    let text = fixture("fail-fix-ingress.yaml");
    let found = lint("i.yaml", &text);
    let applicability = |needle: &str| {
        at(&found, &text, line_of(&text, needle))
            .fix
            .map(|f| f.applicability)
    };
    assert_eq!(
        applicability("kubernetes.io/ingress.class: alb # expect"),
        Some(Applicability::Safe)
    );
    assert_eq!(
        applicability("ingress.class: \"alb\""),
        Some(Applicability::Safe)
    );
    assert_eq!(
        applicability("ingress.class: alb-internal"),
        Some(Applicability::Unsafe)
    );
    assert_eq!(applicability("ingress.class: alb-public"), None);
    assert_eq!(applicability("PrefixListsIDs:"), Some(Applicability::Safe));
    let missing = at(&found, &text, line_of(&text, "ingress.class: alb-public"));
    let help = missing.help.unwrap();
    assert!(
        help.contains("create an IngressClass `alb-public`") && help.contains("no fix"),
        "{help}"
    );
    let unsafe_one = at(&found, &text, line_of(&text, "ingress.class: alb-internal"));
    assert!(
        unsafe_one
            .help
            .unwrap()
            .contains("IngressClassParams `internal`"),
        "the help says why the fix is unsafe"
    );
}

#[test]
fn without_unsafe_fixes_only_the_safe_ones_apply() {
    let text = fixture("fail-fix-ingress.yaml");
    let fixed = fix("i.yaml", &text, false);
    // The unsafe one (class with parameters) and the ones without a fix stay.
    for kept in [
        "kubernetes.io/ingress.class: alb-internal",
        "kubernetes.io/ingress.class: alb-public",
    ] {
        assert!(fixed.contains(kept), "{kept}:\n{fixed}");
    }
    assert!(
        fixed.contains("  prefixListsIDs: # expect: LBC003\n"),
        "{fixed}"
    );
    assert!(
        !fixed.contains("kubernetes.io/ingress.class: \"alb\""),
        "{fixed}"
    );
    let services = fixture("fail-fix-service.yaml");
    assert_eq!(
        fix("s.yaml", &services, false),
        services,
        "nlb-ip is unsafe"
    );
}

#[test]
fn an_ingress_class_in_another_file_counts() {
    let settings = settings();
    let class = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: alb\nspec:\n  controller: ingress.k8s.aws/alb\n";
    let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n  annotations:\n    kubernetes.io/ingress.class: alb\n    alb.ingress.kubernetes.io/target-type: ip\nspec:\n  defaultBackend: {service: {name: a, port: {number: 80}}}\n";
    let outputs = vec![
        lint_file(&ekslint_manifest::parse_str("class.yaml", class), &settings),
        lint_file(&ekslint_manifest::parse_str("ing.yaml", ing), &settings),
    ];
    let found = finish(outputs, Vec::new(), &settings).findings;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].file.path, "ing.yaml");
    let fix = found[0].fix.as_ref().expect("a fix");
    assert_eq!(fix.applicability, Applicability::Safe);
    let out = fix_rounds(
        "ing.yaml",
        ing,
        found,
        &settings,
        &FixOptions {
            unsafe_fixes: false,
        },
    );
    assert_eq!(
        out.text,
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n  annotations:\n    alb.ingress.kubernetes.io/target-type: ip\nspec:\n  ingressClassName: alb\n  defaultBackend: {service: {name: a, port: {number: 80}}}\n"
    );
}

#[test]
fn a_class_of_another_controller_gets_no_fix() {
    let text = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: alb\nspec:\n  controller: eks.amazonaws.com/alb\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n  annotations:\n    kubernetes.io/ingress.class: alb\nspec:\n  defaultBackend: {service: {name: a, port: {number: 80}}}\n";
    let found = lint("a.yaml", text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].fix.is_none());
    let help = found[0].help.as_deref().unwrap();
    assert!(help.contains("`eks.amazonaws.com/alb`"), "{help}");
}

#[test]
fn both_prefix_list_fields_get_no_rename() {
    let text = "apiVersion: elbv2.k8s.aws/v1beta1\nkind: IngressClassParams\nmetadata:\n  name: p\nspec:\n  PrefixListsIDs: [pl-1]\n  prefixListsIDs: [pl-2]\n";
    let found = lint("p.yaml", text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].fix.is_none());
    assert!(found[0].help.as_deref().unwrap().contains("rejects both"));
}
