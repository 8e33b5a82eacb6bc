//! Rule pages: `docs/rules/<CODE>.md` and `ekslint rule CODE` print the same text, generated from
//! the rule's metadata and doc comment.

use crate::rule::RuleInfo;

/// The markdown page of a rule.
pub fn markdown(rule: &RuleInfo) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {} ({})\n\n", rule.code, rule.name));
    out.push_str(&format!("{}.\n\n", rule.summary));
    out.push_str("| family | default severity | fix |\n|---|---|---|\n");
    out.push_str(&format!(
        "| {} ({}) | {} | {} |\n\n",
        rule.family.title(),
        rule.family.prefix(),
        rule.severity.as_str(),
        rule.fix_label()
    ));
    out.push_str(&rule.documentation());
    out.push_str(&format!(
        "\n## Suppressing it\n\n```yaml\n# ekslint: ignore[{code}] reason\n```\n\nor the annotation `ekslint.io/ignore: \"{code}\"` on the object, or `ignore: [{code}]` in `.ekslint.yaml`.\n",
        code = rule.code
    ));
    out
}

/// The index page, `docs/rules/README.md`.
pub fn index() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rule metadata; do not edit by hand (`EKSLINT_UPDATE_DOCS=1 cargo test --test registry`; `cargo test --test docs` lints every Example and Use instead).\n\n| code | name | severity | fix | summary |\n|---|---|---|---|---|\n",
    );
    for r in crate::RULES {
        let i = r.info();
        out.push_str(&format!(
            "| [{code}]({code}.md) | {} | {} | {} | {} |\n",
            i.name,
            i.severity.as_str(),
            i.fix_label(),
            i.summary,
            code = i.code
        ));
    }
    out
}
