//! Rule selectors: `ALL`, a code (`API001`), a kebab name (`api-removed`) or a code prefix (`API`, `YAML00`).

use crate::rule::{Rule, RuleInfo};
use crate::rules::RULES;

/// Does `selector` select `rule`?
pub fn matches(selector: &str, rule: &RuleInfo) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || rule.name == s
        || rule.code.len() >= s.len()
            && rule.code[..s.len()].eq_ignore_ascii_case(s)
            && !s.is_empty()
}

/// True when a selector selects at least one rule.
pub fn is_known(selector: &str) -> bool {
    RULES.iter().any(|r| matches(selector, r.info()))
}

/// A rule selector known to select at least one rule. Tests and callers that build settings
/// in code use it, so a typo is an error instead of a selection of nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    /// A selector from text; an error names the closest code or name.
    pub fn parse(s: &str) -> Result<Selector, String> {
        if is_known(s) {
            return Ok(Selector(s.trim().to_string()));
        }
        let mut m = format!("`{s}` selects no rule");
        if let Some(n) = suggest(s) {
            m.push_str(&format!(" (did you mean `{n}`?)"));
        }
        Err(m)
    }

    /// Exactly this rule.
    pub fn rule(rule: &RuleInfo) -> Selector {
        Selector(rule.code.to_string())
    }

    /// Every rule.
    pub fn all() -> Selector {
        Selector("ALL".to_string())
    }

    pub fn matches(&self, rule: &RuleInfo) -> bool {
        matches(&self.0, rule)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The closest code or name to an unknown selector, for "did you mean".
pub fn suggest(selector: &str) -> Option<&'static str> {
    crate::support::suggest::closest(
        selector,
        RULES
            .iter()
            .flat_map(|r: &&dyn Rule| [r.info().code, r.info().name]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::api::api_removed::ApiRemoved;

    #[test]
    fn selectors() {
        let r = &ApiRemoved::INFO;
        // Codes and prefixes match case-insensitively; names exactly.
        for s in [
            "ALL",
            "all",
            "API001",
            "api001",
            "API",
            "api",
            "API0",
            "api-removed",
        ] {
            assert!(matches(s, r), "{s}");
        }
        for s in ["API002", "YAML", "", "API0011", "API-removed", "removed"] {
            assert!(!matches(s, r), "{s}");
        }
        assert!(Selector::parse("API").is_ok());
        assert_eq!(
            Selector::parse("API01").unwrap_err(),
            "`API01` selects no rule (did you mean `API001`?)"
        );
        assert!(Selector::rule(r).matches(r));
        assert!(
            !Selector::rule(r).matches(&crate::rules::api::api_deprecated::ApiDeprecated::INFO)
        );
        assert!(is_known("YAML"));
        assert!(!is_known("LBC999"));
        assert_eq!(suggest("API01"), Some("API001"));
        assert_eq!(suggest("api-remove"), Some("api-removed"));
    }
}
