//! Acceptance tests that iterate over the catalog itself: every key with its sample value is
//! accepted, a one-edit misspelling of every fixed key is reported with the right suggestion,
//! and every enum, boolean and integer key with a bad value is reported at the value's line.

use crate::engine::lint_file;
use crate::settings::Settings;
use crate::version::KubeVersion;

use super::catalog::{CATALOG, Lookup, Row, ValueType, lookup};

fn lint(yaml: &str) -> Vec<(String, u32, String)> {
    let file = ekslint_manifest::parse_str("t.yaml", yaml);
    use crate::rules::lbc::*;
    use crate::selector::Selector;
    let settings = Settings::only(
        KubeVersion::new(1, 36),
        &[
            Selector::rule(&lbc_unknown_annotation::LbcUnknownAnnotation::INFO),
            Selector::rule(&lbc_annotation_wrong_kind::LbcAnnotationWrongKind::INFO),
            Selector::rule(&lbc_deprecated::LbcDeprecated::INFO),
            Selector::rule(&lbc_invalid_value::LbcInvalidValue::INFO),
            Selector::rule(&lbc_service_not_reconciled::LbcServiceNotReconciled::INFO),
            Selector::rule(&lbc_group_invalid::LbcGroupInvalid::INFO),
        ],
    );
    lint_file(&file, &settings)
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.code.to_string(),
                file.source.line_col(f.span.start).line,
                f.message.clone(),
            )
        })
        .collect()
}

/// A manifest with one annotation on line 6.
fn manifest(kind: &str, key: &str, value: &str) -> String {
    let value = value.replace('\'', "''");
    match kind {
        "Ingress" => format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: t\n  annotations:\n    {key}: '{value}'\nspec:\n  ingressClassName: alb\n"
        ),
        _ => format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: t\n  annotations:\n    {key}: '{value}'\nspec:\n  type: LoadBalancer\n  loadBalancerClass: service.k8s.aws/nlb\n  ports: [{{port: 80}}]\n"
        ),
    }
}

/// A concrete key of the row (templates instantiated).
fn instance(r: &Row) -> String {
    match r.template_prefix() {
        None => r.key.clone(),
        Some(p) => {
            let tail = match &r.key[p.len()..] {
                "{name}" => "my-action".to_string(),
                "{port}" => "80".to_string(),
                "{service}.{port}" => "web.80".to_string(),
                t => format!("{}-443", &t[1..t.find('|').unwrap()]),
            };
            format!("{p}{tail}")
        }
    }
}

fn rows() -> impl Iterator<Item = &'static Row> {
    CATALOG
        .annotations
        .iter()
        .filter(|r| !r.reads("Pod") && !r.legacy_only)
}

#[test]
fn every_key_with_its_sample_is_accepted() {
    for r in rows() {
        let key = instance(r);
        let out = lint(&manifest(&r.kinds[0], &key, &r.sample));
        // Deprecated keys are expected to get their LBC003 warning, nothing else.
        let out: Vec<_> = out
            .into_iter()
            .filter(|(c, _, _)| !(c == "LBC003" && r.deprecated.is_some()))
            .collect();
        assert!(out.is_empty(), "{key}: {:?} gives {out:?}", r.sample);
    }
}

/// A one-edit misspelling of the key's last part that is not itself a known key.
fn misspell(r: &Row) -> String {
    let (prefix, suffix) = r.key.split_once('/').unwrap();
    let start = if suffix.starts_with("aws-load-balancer-") {
        "aws-load-balancer-".len()
    } else {
        0
    };
    let chars: Vec<char> = suffix.chars().collect();
    for i in (start + (chars.len() - start) / 2..chars.len()).chain(start..chars.len()) {
        if chars[i] == '-' || chars[i] == '.' {
            continue;
        }
        let s: String = chars
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, c)| *c)
            .collect();
        let key = format!("{prefix}/{s}");
        if matches!(lookup(&key), Lookup::Unknown) {
            return key;
        }
    }
    panic!("no misspelling for {}", r.key)
}

#[test]
fn a_misspelt_key_is_flagged_with_the_right_suggestion() {
    for r in rows().filter(|r| r.template_prefix().is_none() && !r.output) {
        let bad = misspell(r);
        let out = lint(&manifest(&r.kinds[0], &bad, &r.sample));
        let want = format!("did you mean `{}`?", r.key);
        assert!(
            out.iter()
                .any(|(c, line, m)| c == "LBC001" && *line == 6 && m.contains(&want)),
            "{bad}: {out:?}"
        );
    }
}

#[test]
fn a_bad_enum_bool_or_int_is_flagged_at_the_value() {
    for r in rows() {
        let auto = match r.ty {
            ValueType::Bool => Some("yes"),
            ValueType::Int32 | ValueType::Int64 => Some("ten"),
            ValueType::Enum if !r.open => Some("bogus-value"),
            _ => None,
        };
        let mut values: Vec<&str> = auto.into_iter().collect();
        values.extend(r.bad.as_deref());
        if r.ty == ValueType::Bool {
            values.push("“true”");
        }
        let key = instance(r);
        let code = if key.ends_with("/group.order") {
            "LBC009"
        } else {
            "LBC004"
        };
        for v in values {
            let out = lint(&manifest(&r.kinds[0], &key, v));
            assert!(
                out.iter().any(|(c, line, _)| c == code && *line == 6),
                "{key}: {v:?} gives {out:?}"
            );
            if v.starts_with('“') {
                assert!(
                    out.iter().any(|(_, _, m)| m.contains("typographic quotes")),
                    "{key}: {out:?}"
                );
            }
        }
    }
}

#[test]
fn in_tree_keys_are_not_checked_on_in_tree_services() {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: t\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-internal: 0.0.0.0/0\n    service.beta.kubernetes.io/aws-load-balancer-backend-protocol: http\n    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: '60'\nspec:\n  type: LoadBalancer\n";
    assert_eq!(lint(yaml), vec![]);
}
