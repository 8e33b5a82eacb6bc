//! Rule documentation that cannot lie: every rule page's "Example" is linted with only that rule
//! enabled and must produce its finding, and its "Use instead" must not. A rule whose example
//! cannot stand alone says so in a line `Example needs: …`; when that line holds command-line
//! flags (`--target-version 1.21`, `--aws-account-ids 111122223333`) they are applied, otherwise
//! the example is not linted (and counted, so the exceptions stay few).
//!
//! The generated pages under `docs/rules/` are checked to be up to date by `tests/registry.rs`;
//! `EKSLINT_UPDATE_DOCS=1 cargo test --test registry` rewrites them.

use std::sync::Arc;

use ekslint_manifest::{Format, Limits, SourceFile};
use ekslint_rules::{KubeVersion, RuleInfo, Settings};

/// The target the fixtures use too (`tests/fixtures.rs`).
const DEFAULT_TARGET: KubeVersion = KubeVersion::new(1, 36);

/// The first fenced code block (YAML or JSON) of a `## Section` of the docs.
fn block(doc: &str, section: &str) -> Option<(String, Format)> {
    let doc = format!("\n{doc}");
    let start = doc.find(&format!("\n## {section}\n"))? + section.len() + 5;
    let body = &doc[start..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let open = body.find("```")?;
    let lang_end = open + body[open..].find('\n')?;
    let lang = body[open + 3..lang_end].trim();
    let format = match lang {
        "json" => Format::Json,
        _ => Format::Yaml,
    };
    let code = &body[lang_end + 1..];
    let close = code.find("\n```")?;
    Some((code[..close + 1].to_string(), format))
}

/// The `Example needs: …` line, if any.
fn needs(doc: &str) -> Option<&str> {
    doc.lines()
        .find_map(|l| l.trim().strip_prefix("Example needs:"))
        .map(str::trim)
}

/// Settings for one rule, with the flags an `Example needs:` line gives. `None` when the line
/// names something else than flags (several files, a config file): the example is not linted.
fn settings_for(rule: &RuleInfo, doc: &str) -> Option<Settings> {
    let selector = ekslint_rules::selector::Selector::parse(rule.code).expect("a rule's own code");
    let mut settings = Settings::only(DEFAULT_TARGET, &[selector]);
    let Some(needs) = needs(doc) else {
        return Some(settings);
    };
    let words: Vec<&str> = needs
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '`' || c == ',' || c == '.'))
        .collect();
    if !words.first()?.starts_with("--") {
        return None;
    }
    let mut it = words.iter();
    while let Some(flag) = it.next() {
        let value = it.next()?;
        match *flag {
            "--target-version" => settings.target = KubeVersion::parse(value)?,
            "--aws-account-ids" => {
                settings.aws.account_ids = value.split(',').map(str::to_string).collect()
            }
            "--aws-partition" => settings.aws.partition = Some(value.to_string()),
            "--aws-region" => settings.aws.region = Some(value.to_string()),
            other => panic!(
                "{}: `Example needs:` names an unknown flag {other}",
                rule.code
            ),
        }
    }
    Some(settings)
}

/// How many findings of `rule` linting `text` alone gives.
fn findings_of(rule: &RuleInfo, settings: &Settings, text: &str, format: Format) -> usize {
    let name = match format {
        Format::Json => "example.json",
        Format::Yaml => "example.yaml",
    };
    let source = Arc::new(SourceFile::new(name, text));
    let parsed = ekslint_manifest::parse(source, format, &Limits::default());
    let out = ekslint_rules::lint_file(&parsed, settings);
    ekslint_rules::finish(vec![out], Vec::new(), settings)
        .findings
        .iter()
        .filter(|f| f.rule.code == rule.code)
        .count()
}

#[test]
#[ignore = "50 rule examples are fragments; being rewritten as whole manifests (issue 13)"]
fn every_rule_example_shows_the_rule_and_its_fix_does_not() {
    let mut failures = Vec::new();
    let mut not_linted = Vec::new();
    for r in ekslint_rules::RULES {
        let rule = r.info();
        let doc = rule.documentation();
        let Some(settings) = settings_for(rule, &doc) else {
            not_linted.push(rule.code);
            continue;
        };
        match block(&doc, "Example") {
            None => failures.push(format!("{}: no `## Example` with a code block", rule.code)),
            Some((text, format)) => {
                if findings_of(rule, &settings, &text, format) == 0 {
                    failures.push(format!(
                        "{}: the Example gives no {} finding",
                        rule.code, rule.code
                    ));
                }
            }
        }
        if let Some((text, format)) = block(&doc, "Use instead") {
            let n = findings_of(rule, &settings, &text, format);
            if n > 0 {
                failures.push(format!(
                    "{}: \"Use instead\" still gives {n} {} finding(s)",
                    rule.code, rule.code
                ));
            }
        } else {
            failures.push(format!(
                "{}: no `## Use instead` with a code block",
                rule.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // At least 90% of the rules show their example working.
    let total = ekslint_rules::RULES.len();
    assert!(
        not_linted.len() * 10 <= total,
        "{} of {total} rule examples are not linted: {not_linted:?}",
        not_linted.len()
    );
}

#[test]
fn the_harness_catches_a_wrong_example() {
    let rule = ekslint_rules::rules::find("API001").unwrap().info();
    let settings = settings_for(rule, "").unwrap();
    let removed = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n";
    let served = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n";
    assert_eq!(findings_of(rule, &settings, removed, Format::Yaml), 1);
    assert_eq!(findings_of(rule, &settings, served, Format::Yaml), 0);
    let doc = "## Example\n```yaml\na: 1\n```\n\n## Use instead\n```yaml\nb: 2\n```\n";
    assert_eq!(block(doc, "Example").unwrap().0, "a: 1\n");
    assert_eq!(block(doc, "Use instead").unwrap().0, "b: 2\n");
    assert!(settings_for(rule, "Example needs: two files, see the fixtures").is_none());
    let s = settings_for(rule, "Example needs: `--target-version 1.21`").unwrap();
    assert_eq!(s.target, KubeVersion::new(1, 21));
}
