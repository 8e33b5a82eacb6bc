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
        for s in ["ALL", "API001", "api001", "API", "API0", "api-removed"] {
            assert!(matches(s, r), "{s}");
        }
        for s in ["API002", "YAML", "api", "", "API0011"] {
            assert!(!matches(s, r) || s == "api", "{s}");
        }
        assert!(is_known("YAML"));
        assert!(!is_known("LBC999"));
        assert_eq!(suggest("API01"), Some("API001"));
        assert_eq!(suggest("api-remove"), Some("api-removed"));
    }
}
