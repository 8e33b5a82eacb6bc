//! The embedded aws-auth parser: the input is the *inner* text, wrapped in every scalar style
//! of an aws-auth ConfigMap; every mapped span must lie inside the outer file.
#![no_main]

use ekslint_rules::rules::auth::support::embedded::parse_embedded;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn wrap(inner: &str, style: u8) -> String {
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: ";
    match style % 4 {
        0 => {
            let mut s = format!("{head}|\n");
            for line in inner.lines() {
                s.push_str("    ");
                s.push_str(line);
                s.push('\n');
            }
            s
        }
        1 => format!("{head}\"{}\"\n", inner.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")),
        2 => format!("{head}'{}'\n", inner.replace('\'', "''")),
        _ => format!("{head}{}\n", inner.lines().next().unwrap_or("")),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&style, rest)) = data.split_first() else { return };
    let Ok(inner) = std::str::from_utf8(rest) else { return };
    let outer = wrap(inner, style);
    let file = ekslint_manifest::parse_str("aws-auth.yaml", &outer);
    let Some(root) = file.documents.first().and_then(|d| d.root) else { return };
    let Some(value) = file.tree.path(root, &["data", "mapRoles"]) else { return };
    let Some(emb) = parse_embedded(&outer, &file.tree, value, "mapRoles") else { return };
    let inner_len = emb.inner.source.text.len() as u32;
    for p in &emb.inner.problems {
        common::check_span(&outer, emb.problem_span(p.span), "problem");
    }
    // Rules map spans of the inner tree, which lie on character boundaries of the inner text.
    let inner_text = emb.inner.source.text.clone();
    for start in 0..=inner_len.min(512) {
        let end = inner_len.min(start + 7);
        if !inner_text.is_char_boundary(start as usize) || !inner_text.is_char_boundary(end as usize) {
            continue;
        }
        let s = ekslint_manifest::Span::new(start, end);
        common::check_span(&outer, emb.outer_span(s), "mapped span");
    }
});
