//! The registry's invariants, and the generated docs being up to date.

use std::collections::HashSet;

#[test]
fn codes_and_names_are_well_formed_and_unique() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in ekslint_rules::RULES {
        let i = r.info();
        let (prefix, digits) = i.code.split_at(i.code.len() - 3);
        assert_eq!(prefix, i.family.prefix(), "{}", i.code);
        assert!(digits.chars().all(|c| c.is_ascii_digit()), "{}", i.code);
        assert!(
            i.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
            "{}",
            i.name
        );
        assert!(codes.insert(i.code), "duplicate code {}", i.code);
        // A rule with a fix says what its fixes do, and a rule without one says nothing.
        assert_eq!(
            i.fix == ekslint_rules::FixAvailability::None,
            i.fix_safety == ekslint_rules::FixSafety::NoFix,
            "{}: declare `safety:` exactly when it has a fix",
            i.code
        );
        assert!(names.insert(i.name), "duplicate name {}", i.name);
        let doc = i.documentation();
        assert!(
            doc.contains("## What it does"),
            "{} docs lack 'What it does'",
            i.code
        );
        assert!(
            doc.contains("## Why is this bad?"),
            "{} docs lack 'Why is this bad?'",
            i.code
        );
        assert!(
            !i.summary.ends_with('.'),
            "{} summary ends with a full stop",
            i.code
        );
    }
    let mut sorted: Vec<_> = ekslint_rules::RULES.iter().map(|r| r.info().code).collect();
    sorted.sort();
    let listed: Vec<_> = ekslint_rules::RULES.iter().map(|r| r.info().code).collect();
    assert_eq!(sorted, listed, "keep the registry in code order");
}

/// The layout shows the architecture: a rule lives in `rules/<family>/<snake_name>.rs`, its type is
/// the camel case of its kebab name, and its fixtures are `fixtures/<CODE>-<name>/`.
#[test]
fn every_rule_file_is_named_after_its_rule() {
    let mut wrong = Vec::new();
    for r in ekslint_rules::RULES {
        let i = r.info();
        let family = i.family.prefix().to_ascii_lowercase();
        let want_file = format!(
            "crates/ekslint_rules/src/rules/{family}/{}.rs",
            i.name.replace('-', "_")
        );
        if i.source.replace('\\', "/") != want_file {
            wrong.push(format!("{}: in {}, want {want_file}", i.code, i.source));
        }
        let camel: String = i
            .name
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        if i.type_name != camel {
            wrong.push(format!("{}: type {}, want {camel}", i.code, i.type_name));
        }
        let fixtures = format!("fixtures/{}-{}", i.code, i.name);
        if !std::path::Path::new(&fixtures).is_dir() {
            wrong.push(format!("{}: no {fixtures}/", i.code));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `docs/rules/*.md` are generated; set EKSLINT_UPDATE_DOCS=1 to rewrite them.
#[test]
fn generated_rule_docs_are_up_to_date() {
    let update = std::env::var_os("EKSLINT_UPDATE_DOCS").is_some();
    let mut pages: Vec<(String, String)> = ekslint_rules::RULES
        .iter()
        .map(|r| {
            (
                format!("docs/rules/{}.md", r.info().code),
                ekslint_rules::docs::markdown(r.info()),
            )
        })
        .collect();
    pages.push((
        "docs/rules/README.md".to_string(),
        ekslint_rules::docs::index(),
    ));
    let mut stale = Vec::new();
    for (path, want) in &pages {
        let have = std::fs::read_to_string(path).unwrap_or_default();
        if &have != want {
            if update {
                std::fs::write(path, want).unwrap();
            } else {
                stale.push(path.clone());
            }
        }
    }
    let expected: HashSet<_> = pages.iter().map(|(p, _)| p.clone()).collect();
    for e in std::fs::read_dir("docs/rules").unwrap() {
        let p = format!("docs/rules/{}", e.unwrap().file_name().to_string_lossy());
        assert!(expected.contains(&p), "{p} belongs to no rule; delete it");
    }
    assert!(
        stale.is_empty(),
        "stale docs (run `EKSLINT_UPDATE_DOCS=1 cargo test --test registry`): {stale:?}"
    );
}
