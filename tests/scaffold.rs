//! `scripts/new_rule.py` writes a rule in the house shape: its file, the family `pub mod`, the
//! registry line in code order and the fixture pair. Run on a scratch copy of the files it edits.

use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch_repo() -> PathBuf {
    let root = std::env::temp_dir().join(format!("ekslint-scaffold-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let rules = Path::new("crates/ekslint_rules/src/rules");
    for entry in walk(rules) {
        let to = root.join(&entry);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    let rule_rs = "crates/ekslint_rules/src/rule.rs";
    std::fs::copy(rule_rs, root.join(rule_rs)).unwrap();
    std::fs::create_dir_all(root.join("fixtures")).unwrap();
    root
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn new_rule(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new("python3")
        .arg("scripts/new_rule.py")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("python3 runs")
}

#[test]
fn scaffold_writes_a_rule_in_the_house_shape() {
    let root = scratch_repo();
    let o = new_rule(
        &root,
        &[
            "CSI020",
            "ebs-snapshot-class-missing",
            "--severity",
            "error",
            "--summary",
            "A VolumeSnapshot names a class the input does not have",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rules = root.join("crates/ekslint_rules/src/rules");
    let file = std::fs::read_to_string(rules.join("csi/ebs_snapshot_class_missing.rs")).unwrap();
    for want in [
        "pub struct EbsSnapshotClassMissing {",
        "code: \"CSI020\",",
        "name: \"ebs-snapshot-class-missing\",",
        "family: Csi,",
        "severity: Error,",
        "/// ## What it does",
        "/// ## Why is this bad?",
        "/// ## Example",
        "/// ## Use instead",
        "impl Rule for EbsSnapshotClassMissing",
    ] {
        assert!(file.contains(want), "missing `{want}`");
    }
    let family = std::fs::read_to_string(rules.join("csi/mod.rs")).unwrap();
    let mods: Vec<&str> = family
        .lines()
        .filter(|l| l.starts_with("pub mod "))
        .collect();
    let rule_mods: Vec<&str> = mods
        .iter()
        .copied()
        .filter(|l| *l != "pub mod support;")
        .collect();
    let mut sorted = rule_mods.clone();
    sorted.sort();
    assert_eq!(rule_mods, sorted, "family modules stay sorted");
    assert!(rule_mods.contains(&"pub mod ebs_snapshot_class_missing;"));
    // The registry line lands right after the last code before it (CSI019).
    let registry = std::fs::read_to_string(rules.join("mod.rs")).unwrap();
    let at = registry
        .find("&csi::ebs_snapshot_class_missing::EbsSnapshotClassMissing,")
        .expect("registry line");
    let before = &registry[..at];
    let prev = before.trim_end().lines().last().unwrap();
    assert!(prev.contains("MultipleDefaultClasses"), "{prev}");
    let fixtures = root.join("fixtures/CSI020-ebs-snapshot-class-missing");
    let fail = std::fs::read_to_string(fixtures.join("fail.yaml")).unwrap();
    assert!(fail.contains("# expect: CSI020"));
    assert!(fixtures.join("pass.yaml").is_file());

    // A code or name that exists, or a malformed one, is refused and nothing is written.
    for args in [
        &["CSI019", "brand-new-name"][..],
        &["CSI021", "ebs-binding-mode"][..],
        &["csi21", "x"][..],
        &["CSI021", "Not_Kebab"][..],
        &["ZZZ001", "new-family-rule"][..],
    ] {
        let o = new_rule(&root, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).starts_with("new_rule: "));
    }
    let _ = std::fs::remove_dir_all(&root);
}
