//! Text pasted from a document or a chat: typographic quotes around a value.

/// Does the text look like a boolean wrapped in typographic quotes (`“true”`, `‘false’`), the
/// usual result of pasting from a document or chat? Returns the bare word.
pub fn curly_quoted(s: &str) -> Option<&str> {
    const QUOTES: &[char] = &['“', '”', '‘', '’', '„', '«', '»'];
    let inner = s.trim_matches(QUOTES);
    (inner.len() != s.len() && !inner.is_empty()).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curly() {
        assert_eq!(curly_quoted("“true”"), Some("true"));
        assert_eq!(curly_quoted("‘false’"), Some("false"));
        assert_eq!(curly_quoted("true"), None);
        assert_eq!(curly_quoted("“”"), None);
    }
}
