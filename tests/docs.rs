//! Rule documentation that cannot lie: every rule page's "Example" is linted with only that rule
//! enabled and must produce its finding, and its "Use instead" must not. Both must hold a whole
//! Kubernetes object, so a fragment (`containers:` without its Deployment) cannot pass by saying
//! nothing; only the YAML family's Examples (broken YAML, a Helm template, an alias bomb, a list)
//! may hold none.
//!
//! A rule whose example cannot stand alone says so in a line `Example needs: …`. The line is
//! applied when it holds `ekslint check` flags (`--target-version 1.36`, `--limit NAME=VALUE`,
//! `--select SUP001,API001`) or a config, written `` `.ekslint.yaml` with `aws: {…}` ``; any
//! other text (several files, say) means the example is not linted, and such rules are counted so
//! that they stay few.
//!
//! The generated pages under `docs/rules/` are checked to be up to date by `tests/registry.rs`;
//! `EKSLINT_UPDATE_DOCS=1 cargo test --test registry` rewrites them.

use std::path::PathBuf;
use std::sync::Arc;

use ekslint_manifest::{Format, SourceFile};
use ekslint_rules::selector::Selector;
use ekslint_rules::{Family, KubeVersion, RuleInfo, Settings};

/// The target the fixtures use too (`tests/fixtures.rs`).
const DEFAULT_TARGET: KubeVersion = KubeVersion::new(1, 36);

/// The first fenced YAML or JSON code block (untagged counts as YAML) of a `## Section` of the
/// docs. Blocks in other languages (a `sh` command line) are passed over.
fn block(doc: &str, section: &str) -> Option<(String, Format)> {
    let doc = format!("\n{doc}");
    let start = doc.find(&format!("\n## {section}\n"))? + section.len() + 5;
    let body = &doc[start..];
    let mut body = &body[..body.find("\n## ").unwrap_or(body.len())];
    loop {
        let open = body.find("```")?;
        let lang_end = open + body[open..].find('\n')?;
        let lang = body[open + 3..lang_end].trim();
        let code = &body[lang_end + 1..];
        let close = code.find("\n```")?;
        let format = match lang {
            "json" => Format::Json,
            "" | "yaml" | "yml" => Format::Yaml,
            _ => {
                body = &code[close + 4..];
                continue;
            }
        };
        return Some((code[..close + 1].to_string(), format));
    }
}

/// The `Example needs: …` line, if any.
fn needs(doc: &str) -> Option<&str> {
    doc.lines()
        .find_map(|l| l.trim().strip_prefix("Example needs:"))
        .map(str::trim)
}

/// Settings for one rule, with what an `Example needs:` line gives. `None` when the line names
/// something else than `ekslint check` flags or a config (several files): the example is not
/// linted.
fn settings_for(rule: &RuleInfo, doc: &str) -> Option<Settings> {
    let selector = Selector::parse(rule.code).expect("a rule's own code");
    let mut settings = Settings::only(DEFAULT_TARGET, &[selector]);
    let Some(needs) = needs(doc) else {
        return Some(settings);
    };
    if let Some(config) = needs
        .strip_prefix("`.ekslint.yaml` with ")
        .or_else(|| needs.strip_prefix(".ekslint.yaml with "))
    {
        let text = config.trim().trim_matches('`');
        let config = ekslint_rules::config::parse("example .ekslint.yaml", text, PathBuf::new())
            .unwrap_or_else(|e| panic!("{}: `Example needs:` config: {}", rule.code, e.message));
        if let Some(t) = &config.target_version {
            settings.target = KubeVersion::parse(&t.value)?;
        }
        settings.aws = config.aws;
        settings.addons = config.addons.iter().cloned().collect();
        settings.external_service_accounts = config
            .external_service_accounts
            .iter()
            .map(|s| s.value.clone())
            .collect();
        settings.fargate_profiles = config.fargate_profiles;
        settings.registries = config.registries;
        if let Some(limits) = config.limits {
            settings.limits = limits;
        }
        return Some(settings);
    }
    let words: Vec<&str> = needs
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '`' || c == ',' || c == '.'))
        .collect();
    if !words.first()?.starts_with("--") {
        return None;
    }
    // Only flags that `ekslint check` has: the line tells a reader what to type.
    let mut it = words.iter();
    while let Some(flag) = it.next() {
        let value = it.next()?;
        match *flag {
            "--target-version" => settings.target = KubeVersion::parse(value)?,
            "--limit" => {
                let (name, v) = value.split_once('=')?;
                settings
                    .limits
                    .set(name, v)
                    .unwrap_or_else(|e| panic!("{}: `--limit {value}`: {e}", rule.code));
            }
            "--select" => {
                let selectors: Vec<Selector> = value
                    .split(',')
                    .map(|s| Selector::parse(s).unwrap_or_else(|e| panic!("{}: {e}", rule.code)))
                    .collect();
                let (target, aws, limits) = (settings.target, settings.aws, settings.limits);
                settings = Settings::only(target, &selectors);
                (settings.aws, settings.limits) = (aws, limits);
            }
            other => panic!(
                "{}: `Example needs:` names {other}, which is not an `ekslint check` flag the docs test applies",
                rule.code
            ),
        }
    }
    Some(settings)
}

/// What linting `text` alone gives: the number of findings of `rule`, and of Kubernetes objects.
fn findings_of(rule: &RuleInfo, settings: &Settings, text: &str, format: Format) -> (usize, usize) {
    let name = match format {
        Format::Json => "example.json",
        Format::Yaml => "example.yaml",
    };
    let source = Arc::new(SourceFile::new(name, text));
    let parsed = ekslint_manifest::parse(source, format, &settings.limits);
    let out = ekslint_rules::lint_file(&parsed, settings);
    let report = ekslint_rules::finish(vec![out], Vec::new(), settings);
    let n = report
        .findings
        .iter()
        .filter(|f| f.rule.code == rule.code)
        .count();
    (n, report.stats.objects)
}

#[test]
fn every_rule_example_shows_the_rule_and_its_fix_does_not() {
    let mut failures = Vec::new();
    let mut not_linted = Vec::new();
    for r in ekslint_rules::RULES {
        let rule = r.info();
        let code = rule.code;
        let doc = rule.documentation();
        let Some(settings) = settings_for(rule, &doc) else {
            not_linted.push(code);
            continue;
        };
        match block(&doc, "Example") {
            None => failures.push(format!("{code}: no `## Example` with a YAML or JSON block")),
            Some((text, format)) => {
                let (n, objects) = findings_of(rule, &settings, &text, format);
                if n == 0 {
                    failures.push(format!("{code}: the Example gives no {code} finding"));
                }
                if objects == 0 && rule.family != Family::Yaml {
                    failures.push(format!(
                        "{code}: the Example holds no Kubernetes object (a fragment?)"
                    ));
                }
            }
        }
        match block(&doc, "Use instead") {
            None => failures.push(format!(
                "{code}: no `## Use instead` with a YAML or JSON block"
            )),
            Some((text, format)) => {
                let (n, objects) = findings_of(rule, &settings, &text, format);
                if n > 0 {
                    failures.push(format!(
                        "{code}: \"Use instead\" still gives {n} {code} finding(s)"
                    ));
                }
                if objects == 0 {
                    failures.push(format!(
                        "{code}: \"Use instead\" holds no Kubernetes object, so it shows nothing"
                    ));
                }
            }
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
    assert_eq!(findings_of(rule, &settings, removed, Format::Yaml), (1, 1));
    assert_eq!(findings_of(rule, &settings, served, Format::Yaml), (0, 1));
    // A fragment gives no finding, and no object either.
    let fragment = "spec:\n  backend:\n    serviceName: web\n";
    assert_eq!(findings_of(rule, &settings, fragment, Format::Yaml), (0, 0));
    let doc = "## Example\n```yaml\na: 1\n```\n\n## Use instead\n```sh\nhelm template x\n```\n```yaml\nb: 2\n```\n";
    assert_eq!(block(doc, "Example").unwrap().0, "a: 1\n");
    assert_eq!(block(doc, "Use instead").unwrap().0, "b: 2\n");
    assert!(
        block(
            "## Use instead\n```sh\nhelm template x\n```\n",
            "Use instead"
        )
        .is_none()
    );
}

#[test]
fn example_needs_applies_flags_and_config() {
    let rule = ekslint_rules::rules::find("SUP001").unwrap().info();
    let api001 = ekslint_rules::rules::find("API001").unwrap().info();
    assert!(settings_for(rule, "Example needs: two files, see the fixtures").is_none());
    let s = settings_for(rule, "Example needs: `--target-version 1.21`").unwrap();
    assert_eq!(s.target, KubeVersion::new(1, 21));
    assert!(s.is_enabled(rule) && !s.is_enabled(api001));
    let s = settings_for(rule, "Example needs: `--select SUP001,API001`").unwrap();
    assert!(s.is_enabled(rule) && s.is_enabled(api001));
    let s = settings_for(rule, "Example needs: `--limit max-alias-expansion=100`").unwrap();
    assert_eq!(s.limits.max_alias_expansion, 100);
    let s = settings_for(
        rule,
        r#"Example needs: `.ekslint.yaml` with `aws: {account-ids: ["444455556666"], region: cn-north-1}`"#,
    )
    .unwrap();
    assert_eq!(s.aws.account_ids, ["444455556666"]);
    assert_eq!(s.aws.region.as_deref(), Some("cn-north-1"));
}

#[test]
#[should_panic(expected = "not an `ekslint check` flag")]
fn example_needs_rejects_a_flag_the_cli_does_not_have() {
    let rule = ekslint_rules::rules::find("IRSA015").unwrap().info();
    settings_for(rule, "Example needs: `--aws-region cn-north-1`");
}
