//! The machine-readable reports over `fixtures/`, rendered by the binary with the real rule
//! registry: the contract code scanning and other tools read. The snapshots keep one result per
//! rule code (the first in report order) and the registry's metadata with each rule's long help
//! replaced by its page name (the pages themselves are pinned by `tests/registry.rs`).

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

fn run(format: &str) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_ekslint"))
        .args(["check", "--no-config", "--format", format, "fixtures"])
        .output()
        .expect("run ekslint");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

/// Keep the first element of `items` for each distinct `key`.
fn first_per(items: &[Value], key: &str) -> Vec<Value> {
    let mut seen = BTreeSet::new();
    items
        .iter()
        .filter(|v| seen.insert(v[key].as_str().unwrap_or("").to_string()))
        .cloned()
        .collect()
}

fn redact_version() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(env!("CARGO_PKG_VERSION"), "[version]");
    s
}

#[test]
fn sarif_over_fixtures_with_the_real_registry() {
    let mut sarif = run("sarif");
    let run0 = &mut sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap().clone();
    // Every registered rule, each with its generated page as help.
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let registry: Vec<&str> = ekslint_rules::RULES.iter().map(|r| r.info().code).collect();
    assert_eq!(
        ids, registry,
        "tool.driver.rules is the registry, in code order"
    );
    for r in ekslint_rules::RULES {
        let info = r.info();
        let sr = rules.iter().find(|x| x["id"] == info.code).unwrap();
        assert_eq!(sr["name"], info.name);
        assert_eq!(sr["helpUri"], info.url());
        let md = sr["help"]["markdown"].as_str().unwrap();
        assert!(md.contains("## What it does"), "{}", info.code);
    }
    // Every result points at its rule by index.
    let results = run0["results"].as_array().unwrap().clone();
    assert!(results.len() > 300);
    for res in &results {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
    }
    let fired: BTreeSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(fired.len() >= 75, "the fixtures fire {} codes", fired.len());
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|mut r| {
            let page = format!("[docs/rules/{}.md]", r["id"].as_str().unwrap());
            r["help"] = Value::String(page);
            r
        })
        .collect();
    run0["tool"]["driver"]["rules"] = Value::Array(rules);
    run0["results"] = Value::Array(first_per(&results, "ruleId"));
    // The checkout's absolute path is not part of the contract (and differs per clone).
    let root = &mut run0["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    assert!(
        root.as_str()
            .is_some_and(|u| u.starts_with("file:///") && u.ends_with('/'))
    );
    *root = Value::String("file:///[checkout]/".to_string());
    redact_version().bind(|| insta::assert_json_snapshot!(sarif));
}

#[test]
fn json_over_fixtures_with_the_real_registry() {
    let mut json = run("json");
    let findings = json["findings"].as_array().unwrap().clone();
    for f in &findings {
        let code = f["code"].as_str().unwrap();
        let info = ekslint_rules::rules::find(code).unwrap().info();
        assert_eq!(f["name"], info.name);
        assert_eq!(f["url"], info.url());
    }
    json["findings"] = Value::Array(first_per(&findings, "code"));
    redact_version().bind(|| insta::assert_json_snapshot!(json));
}
