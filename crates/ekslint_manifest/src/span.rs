//! Byte spans and the per-file line index.
//!
//! Spans are `u32` byte offsets from the parser to the diagnostic. Line and column are computed
//! only at the output edge, from a [`LineIndex`]; columns are 1-based Unicode code points, as SARIF's
//! `unicodeCodePoints` column kind and human readers expect.

/// A half-open byte range `start..end` into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    /// A span from `usize` offsets, saturating at `u32::MAX` (files are capped far below that).
    pub fn from_range(range: std::ops::Range<usize>) -> Self {
        let start = u32::try_from(range.start).unwrap_or(u32::MAX);
        let end = u32::try_from(range.end).unwrap_or(u32::MAX).max(start);
        Span { start, end }
    }

    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A 1-based line and 1-based column counted in Unicode code points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Start offsets of every line of a text, for offset → line/column conversion.
///
/// [`LineIndex::lazy`] builds the table on first use: a file that no finding points into never
/// pays for it, and a large file's table is not in memory while its tree is.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: std::sync::OnceLock<Vec<u32>>,
    /// The text to build from, for a lazy index.
    text: Option<std::sync::Arc<str>>,
}

impl LineIndex {
    /// Lines end at `\n`; a `\r` before it belongs to the line ending and is never counted as a
    /// column. A lone `\r` (old Mac) is also a line break, as YAML defines it.
    pub fn new(text: &str) -> Self {
        LineIndex {
            line_starts: std::sync::OnceLock::from(Self::build(text)),
            text: None,
        }
    }

    /// The index of `text`, built when first asked.
    pub fn lazy(text: std::sync::Arc<str>) -> Self {
        LineIndex {
            line_starts: std::sync::OnceLock::new(),
            text: Some(text),
        }
    }

    fn build(text: &str) -> Vec<u32> {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0);
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push((i + 1) as u32),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => line_starts.push((i + 1) as u32),
                _ => {}
            }
            i += 1;
        }
        line_starts
    }

    fn starts(&self) -> &[u32] {
        self.line_starts
            .get_or_init(|| Self::build(self.text.as_deref().unwrap_or("")))
    }

    pub fn line_count(&self) -> usize {
        self.starts().len()
    }

    /// 0-based line number of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts().binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> u32 {
        let starts = self.starts();
        starts[line.min(starts.len() - 1)]
    }

    /// Byte range of a 0-based line, without its line ending.
    pub fn line_span(&self, line: usize, text: &str) -> Span {
        let start = self.line_start(line);
        let mut end = self
            .starts()
            .get(line + 1)
            .copied()
            .unwrap_or(text.len() as u32);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end as usize - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// 1-based line and code-point column of a byte offset. An offset inside a multi-byte
    /// character is clamped to that character's start.
    pub fn line_col(&self, offset: u32, text: &str) -> LineCol {
        let offset = offset.min(text.len() as u32);
        let line = self.line_of(offset);
        let start = self.starts()[line] as usize;
        let mut end = offset as usize;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut before = &text[start..end];
        if start == 0 {
            // A byte-order mark is invisible in editors and on GitHub: not a column.
            before = before.strip_prefix('\u{feff}').unwrap_or(before);
        }
        let column = before.chars().count() as u32 + 1;
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let text = "\u{feff}kind: Ingress\n";
        let idx = LineIndex::new(text);
        let k = text.find("Ingress").unwrap() as u32;
        assert_eq!(idx.line_col(k, text), LineCol { line: 1, column: 7 });
        assert_eq!(idx.line_col(0, text), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn line_col_counts_code_points_and_handles_crlf() {
        let text = "a: 1\r\nb: \"é€\" x\r\nc: 3";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        let x = text.find(" x").unwrap() as u32 + 1;
        assert_eq!(idx.line_col(x, text), LineCol { line: 2, column: 9 });
        let c = text.find('c').unwrap() as u32;
        assert_eq!(idx.line_col(c, text), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_span(0, text), Span::new(0, 4));
    }

    #[test]
    fn offset_past_end_is_clamped() {
        let text = "ab\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(99, text), LineCol { line: 2, column: 1 });
    }
}
