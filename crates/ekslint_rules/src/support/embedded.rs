//! Text stored inside a string value, with positions that point into the outer file: the YAML
//! documents that aws-auth stores in `mapRoles`, `mapUsers` and `mapAccounts` (parsed again by
//! [`parse_embedded`]), and any other embedded text a rule reads line by line (the Fargate log
//! router's Fluent Bit configuration, through [`positions`]).
//!
//! [`parse_embedded`] takes the outer file's text, its tree and the data value node, parses the
//! string with ekslint's own loader and keeps a list of *verbatim segments*: byte ranges of the
//! inner text that are an exact copy of a byte range of the outer file. An inner span whose ends
//! fall in segments maps to an exact outer span; anything else falls back to the value's span.
//!
//! How exact each scalar style is:
//! - literal (`|`, `|-`, `|+`, with or without an indentation indicator) and folded (`>`) block
//!   scalars: exact. Every content line is the outer line with the block indentation removed;
//!   CRLF line ends and tabs inside a line are handled (a `\r` is never part of a segment).
//! - double-quoted (YAML, and JSON strings): exact for every character written as itself; an escape
//!   (`\n`, `\"`, `\u00e9`) has no segment, so a span that starts or ends on an escape falls back.
//!   Folded line breaks (a multi-line quoted string) are decoded and verified.
//! - single-quoted: exact except on `''` (one quote written as two).
//! - plain: exact (multi-line plain scalars are folded like quoted ones).
//!
//! Every decoding is verified against the parser's value: if our re-decoding of the source does not
//! give the same string, there are no segments and every span falls back to the value's span.

use ekslint_manifest::{NodeId, ParsedFile, ScalarStyle, Span, Tree};

/// A run of inner text that is a verbatim copy of outer text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub inner: u32,
    pub outer: u32,
    pub len: u32,
}

/// An embedded YAML document and the map from its positions to the outer file's.
#[derive(Debug)]
pub struct Embedded {
    /// The string, parsed: spans in [`ParsedFile::tree`] and `problems` are inner offsets.
    pub inner: ParsedFile,
    /// The outer span of the value (the fallback).
    pub value_span: Span,
    positions: Positions,
}

/// The map from offsets in a string value's text to offsets in the outer file.
#[derive(Debug)]
pub struct Positions {
    /// The outer span of the value (the fallback).
    pub value_span: Span,
    segments: Vec<Segment>,
}

/// Parse the string value `value` of `tree` (a tree of `outer_text`) as a YAML document. `None`
/// when the node is not a scalar. `name` is used as the inner file's name (e.g. `mapRoles`).
pub fn parse_embedded(
    outer_text: &str,
    tree: &Tree,
    value: NodeId,
    name: &str,
) -> Option<Embedded> {
    let positions = positions(outer_text, tree, value)?;
    let text = tree.scalar(value)?.value;
    // Never a `.json` name: the inner document is YAML even when the outer file is JSON.
    let inner = ekslint_manifest::parse_str(&format!("{name} (embedded YAML)"), text);
    Some(Embedded {
        inner,
        value_span: positions.value_span,
        positions,
    })
}

/// The positions of the string value `value` of `tree` (a tree of `outer_text`): the text is the
/// scalar's value. `None` when the node is not a scalar.
pub fn positions(outer_text: &str, tree: &Tree, value: NodeId) -> Option<Positions> {
    let scalar = tree.scalar(value)?;
    let span = tree.span(value);
    let text = scalar.value;
    let segments = match scalar.style {
        ScalarStyle::Literal | ScalarStyle::Folded => {
            block_segments(outer_text, span, text, scalar.style == ScalarStyle::Folded)
        }
        ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => {
            let src = outer_text.get(span.range()).unwrap_or("");
            let quote = if scalar.style == ScalarStyle::DoubleQuoted {
                '"'
            } else {
                '\''
            };
            match src.strip_prefix(quote).and_then(|s| s.strip_suffix(quote)) {
                Some(body) if src.len() >= 2 => {
                    flow_segments(body, span.start + 1, scalar.style, text)
                }
                _ => Vec::new(),
            }
        }
        ScalarStyle::Plain => {
            let src = outer_text.get(span.range()).unwrap_or("");
            flow_segments(src, span.start, ScalarStyle::Plain, text)
        }
    };
    Some(Positions {
        value_span: span,
        segments,
    })
}

impl Embedded {
    pub fn tree(&self) -> &Tree {
        &self.inner.tree
    }

    /// The inner text.
    pub fn text(&self) -> &str {
        &self.inner.source.text
    }

    /// The root node of the first document, if it parsed.
    pub fn root(&self) -> Option<NodeId> {
        self.inner.documents.first().and_then(|d| d.root)
    }

    /// Does any inner position map exactly?
    pub fn has_exact_positions(&self) -> bool {
        self.positions.has_exact_positions()
    }

    /// See [`Positions::map_offset`].
    pub fn map_offset(&self, inner: u32, is_end: bool) -> Option<u32> {
        self.positions.map_offset(inner, is_end)
    }

    /// See [`Positions::exact_span`].
    pub fn exact_span(&self, inner: Span) -> Option<Span> {
        self.positions.exact_span(inner)
    }

    /// See [`Positions::outer_span`].
    pub fn outer_span(&self, inner: Span) -> Span {
        self.positions.outer_span(inner)
    }

    /// See [`Positions::problem_span`].
    pub fn problem_span(&self, inner: Span) -> Span {
        self.positions.problem_span(inner)
    }

    /// The outer span of an inner node.
    pub fn span(&self, node: NodeId) -> Span {
        self.outer_span(self.tree().span(node))
    }

    /// The exact outer span of an inner node, if there is one.
    pub fn node_exact_span(&self, node: NodeId) -> Option<Span> {
        self.exact_span(self.tree().span(node))
    }
}

impl Positions {
    /// Does any inner position map exactly?
    pub fn has_exact_positions(&self) -> bool {
        !self.segments.is_empty()
    }

    /// The outer offset of an inner offset, when that position is a verbatim copy. An offset at
    /// the end of a segment maps to the end of its copy (so empty spans and span ends map).
    pub fn map_offset(&self, inner: u32, is_end: bool) -> Option<u32> {
        let i = self.segments.partition_point(|s| s.inner + s.len < inner);
        self.segments[i..]
            .iter()
            .take_while(|s| s.inner <= inner)
            .find(|s| {
                if is_end {
                    inner > s.inner && inner <= s.inner + s.len
                } else {
                    inner < s.inner + s.len
                }
            })
            .map(|s| s.outer + (inner - s.inner))
    }

    /// The exact outer span of an inner span, when both ends are verbatim copies.
    pub fn exact_span(&self, inner: Span) -> Option<Span> {
        if inner.is_empty() {
            let at = self
                .map_offset(inner.start, false)
                .or_else(|| self.map_offset(inner.start, true))?;
            return Some(Span::new(at, at));
        }
        let start = self.map_offset(inner.start, false)?;
        let end = self.map_offset(inner.end, true)?;
        (start < end).then_some(Span::new(start, end))
    }

    /// The outer span of an inner span: exact when possible, otherwise the value's span.
    pub fn outer_span(&self, inner: Span) -> Span {
        self.exact_span(inner).unwrap_or(self.value_span)
    }

    /// The outer span of a problem found while parsing the inner text. Parsers report problems at
    /// line breaks and at the end of the text, which are not verbatim copies; those map to the end
    /// of the nearest verbatim text before them (the end of the line where the problem shows), and
    /// to the value's span only when nothing before them maps.
    pub fn problem_span(&self, inner: Span) -> Span {
        if let Some(s) = self.exact_span(inner) {
            return s;
        }
        let i = self.segments.partition_point(|s| s.inner <= inner.start);
        match i.checked_sub(1).map(|i| self.segments[i]) {
            Some(s) => {
                let at = s.outer + s.len.min(inner.start - s.inner);
                Span::new(at, at)
            }
            None => self.value_span,
        }
    }
}

fn push_verbatim(segs: &mut Vec<Segment>, inner: usize, outer: usize, len: usize) {
    let (inner, outer, len) = (inner as u32, outer as u32, len as u32);
    if let Some(last) = segs.last_mut()
        && last.inner + last.len == inner
        && last.outer + last.len == outer
    {
        last.len += len;
        return;
    }
    segs.push(Segment { inner, outer, len });
}

/// Literal and folded block scalars: each content line (after the block indentation, without its
/// line end) is found, in order, in the value; what lies between is line breaks (and, folded, the
/// spaces that replace them).
fn block_segments(outer: &str, span: Span, value: &str, folded: bool) -> Vec<Segment> {
    let start = (span.start as usize).min(outer.len());
    let line_start = outer[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = start - line_start;
    if !outer[line_start..start].bytes().all(|b| b == b' ') {
        return Vec::new();
    }
    let mut segs = Vec::new();
    let mut cursor = 0usize;
    let mut pos = line_start;
    while pos < outer.len() && cursor < value.len() {
        let rest = &outer[pos..];
        let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = &rest[..line_len];
        let mut next = pos + line_len;
        if outer[next..].starts_with("\r\n") {
            next += 2;
        } else if next < outer.len() {
            next += 1;
        }
        let spaces = line.bytes().take_while(|&b| b == b' ').count();
        if spaces == line.len() {
            // A blank line: only line breaks in the value.
            pos = next;
            continue;
        }
        if spaces < indent {
            break;
        }
        let content = &line[indent..];
        // Skip the separators the value has between lines.
        loop {
            if value[cursor..].starts_with(content) {
                break;
            }
            match value.as_bytes().get(cursor) {
                Some(b'\n') => cursor += 1,
                Some(b' ') if folded => cursor += 1,
                _ => return Vec::new(),
            }
        }
        push_verbatim(&mut segs, cursor, pos + indent, content.len());
        cursor += content.len();
        pos = next;
    }
    if !value[cursor..].bytes().all(|b| b == b'\n' || b == b' ') {
        return Vec::new();
    }
    segs
}

/// Quoted and plain scalars: decode the source the way YAML does (escapes, `''`, line folding),
/// recording which output characters are written as themselves. Verified against `value`.
fn flow_segments(src: &str, base: u32, style: ScalarStyle, value: &str) -> Vec<Segment> {
    match decode_flow(src, base as usize, style) {
        Some((out, segs)) if out == value => segs,
        _ => Vec::new(),
    }
}

fn decode_flow(src: &str, base: usize, style: ScalarStyle) -> Option<(String, Vec<Segment>)> {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut segs: Vec<Segment> = Vec::new();
    // Output before this length is never trimmed (escapes and folds are kept).
    let mut protected = 0usize;
    let mut i = 0usize;
    let skip_blank = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t') {
            *i += 1;
        }
    };
    let line_break = |i: &mut usize| -> bool {
        if src[*i..].starts_with("\r\n") {
            *i += 2;
            true
        } else if *i < b.len() && matches!(b[*i], b'\n' | b'\r') {
            *i += 1;
            true
        } else {
            false
        }
    };
    while i < b.len() {
        let c = src[i..].chars().next()?;
        if c == '\n' || c == '\r' {
            // Line folding: trailing white space goes, leading white space of the next lines
            // goes, one break becomes a space, n+1 breaks become n newlines.
            while out.len() > protected && (out.ends_with(' ') || out.ends_with('\t')) {
                out.pop();
            }
            truncate_segments(&mut segs, out.len());
            line_break(&mut i);
            let mut blanks = 0;
            loop {
                skip_blank(&mut i);
                if line_break(&mut i) {
                    blanks += 1;
                } else {
                    break;
                }
            }
            if blanks == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', blanks));
            }
            protected = out.len();
            continue;
        }
        if style == ScalarStyle::DoubleQuoted && c == '\\' {
            i += 1;
            let e = src[i..].chars().next()?;
            if e == '\n' || e == '\r' {
                line_break(&mut i);
                skip_blank(&mut i);
                protected = out.len();
                continue;
            }
            i += e.len_utf8();
            let simple = match e {
                '0' => Some('\0'),
                'a' => Some('\x07'),
                'b' => Some('\x08'),
                't' | '\t' => Some('\t'),
                'n' => Some('\n'),
                'v' => Some('\x0b'),
                'f' => Some('\x0c'),
                'r' => Some('\r'),
                'e' => Some('\x1b'),
                ' ' => Some(' '),
                '"' => Some('"'),
                '/' => Some('/'),
                '\\' => Some('\\'),
                '\'' => Some('\''),
                'N' => Some('\u{85}'),
                '_' => Some('\u{a0}'),
                'L' => Some('\u{2028}'),
                'P' => Some('\u{2029}'),
                _ => None,
            };
            let ch = match simple {
                Some(ch) => ch,
                None => {
                    let n = match e {
                        'x' => 2,
                        'u' => 4,
                        'U' => 8,
                        _ => return None,
                    };
                    let hex = src.get(i..i + n)?;
                    let mut v = u32::from_str_radix(hex, 16).ok()?;
                    i += n;
                    if (0xD800..0xDC00).contains(&v) && src[i..].starts_with("\\u") {
                        // A JSON surrogate pair.
                        let lo = u32::from_str_radix(src.get(i + 2..i + 6)?, 16).ok()?;
                        if (0xDC00..0xE000).contains(&lo) {
                            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                            i += 6;
                        }
                    }
                    char::from_u32(v)?
                }
            };
            out.push(ch);
            protected = out.len();
            continue;
        }
        if style == ScalarStyle::SingleQuoted && c == '\'' {
            if b.get(i + 1) == Some(&b'\'') {
                out.push('\'');
                protected = out.len();
                i += 2;
                continue;
            }
            return None;
        }
        push_verbatim(&mut segs, out.len(), base + i, c.len_utf8());
        out.push(c);
        i += c.len_utf8();
    }
    Some((out, segs))
}

fn truncate_segments(segs: &mut Vec<Segment>, len: usize) {
    let len = len as u32;
    segs.retain(|s| s.inner < len);
    if let Some(last) = segs.last_mut() {
        last.len = last.len.min(len - last.inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parse `outer`, find `data.<key>` of the first document and embed it.
    fn embed(outer: &str, key: &str) -> (ekslint_manifest::ParsedFile, Embedded) {
        let f = ekslint_manifest::parse_str("t.yaml", outer);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let root = f.documents[0].root.unwrap();
        let v = f.tree.path(root, &["data", key]).unwrap();
        let e = parse_embedded(outer, &f.tree, v, key).unwrap();
        (f, e)
    }

    /// The outer line, column and text of the inner node at `path` (items by index).
    fn locate(f: &ekslint_manifest::ParsedFile, e: &Embedded, path: &[&str]) -> (u32, u32, String) {
        let t = e.tree();
        let mut n = e.root().unwrap();
        for p in path {
            n = match p.parse::<usize>() {
                Ok(i) => t.items(n).unwrap()[i],
                Err(_) => t.get(n, p).unwrap(),
            };
        }
        let s = e.node_exact_span(n).expect("exact");
        let lc = f.source.line_col(s.start);
        (lc.line, lc.column, f.source.text[s.range()].to_string())
    }

    const ROLES: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/a
      username: a
    - rolearn: arn:aws:iam::111122223333:role/b
      username: b

    - rolearn: arn:aws:iam::111122223333:role/team/c
      username: c
      groups:
        - system:masters
";

    #[test]
    fn third_rolearn_lands_on_its_outer_line_and_column() {
        let (f, e) = embed(ROLES, "mapRoles");
        assert!(e.has_exact_positions());
        assert_eq!(
            locate(&f, &e, &["2", "rolearn"]),
            (13, 16, "arn:aws:iam::111122223333:role/team/c".into())
        );
        assert_eq!(
            locate(&f, &e, &["2", "groups", "0"]),
            (16, 11, "system:masters".into())
        );
    }

    #[test]
    fn crlf_strip_chomping_and_indentation_indicator() {
        let crlf = ROLES
            .replace('\n', "\r\n")
            .replace("mapRoles: |", "mapRoles: |-");
        let (f, e) = embed(&crlf, "mapRoles");
        assert_eq!(locate(&f, &e, &["1", "username"]), (11, 17, "b".into()));
        let explicit = "data:\n  mapRoles: |2+\n      - rolearn: x\n        username: \"é{{SessionName}}\"\n\n";
        let (f, e) = embed(explicit, "mapRoles");
        assert_eq!(locate(&f, &e, &["0", "rolearn"]), (3, 18, "x".into()));
        assert_eq!(
            locate(&f, &e, &["0", "username"]),
            (4, 19, "\"é{{SessionName}}\"".into())
        );
    }

    #[test]
    fn tabs_inside_lines_and_a_syntax_error_position() {
        let outer = "data:\n  mapRoles: |\n    - rolearn: a\n    \tusername: b\n";
        let (f, e) = embed(outer, "mapRoles");
        let p = &e.inner.problems[0];
        let s = e.exact_span(p.span).expect("exact");
        let lc = f.source.line_col(s.start);
        // The loader reports the tab at the end of the plain scalar before it.
        assert_eq!((lc.line, lc.column), (3, 16));
        assert_eq!(&f.source.text[s.range()], "a");
    }

    #[test]
    fn a_problem_at_the_end_maps_to_the_last_line() {
        let outer = "data:\n  mapUsers: |\n    - userarn: a\n      username: \"ci\n  other: x\n";
        let (f, e) = embed(outer, "mapUsers");
        let p = &e.inner.problems[0];
        let s = e.problem_span(p.span);
        assert!(s.is_empty());
        let lc = f.source.line_col(s.start);
        assert_eq!((lc.line, lc.column), (4, 20));
    }

    #[test]
    fn double_quoted_and_json_map_through_escapes() {
        let outer = "data:\n  mapRoles: \"- rolearn: arn:aws:iam::111122223333:role/x/y\\n  username: \\\"u\\\"\\n\"\n";
        let (f, e) = embed(outer, "mapRoles");
        assert_eq!(
            locate(&f, &e, &["0", "rolearn"]),
            (2, 25, "arn:aws:iam::111122223333:role/x/y".into())
        );
        // The username is written with escaped quotes: it has no exact span; the value is used.
        let t = e.tree();
        let u = t
            .get(t.items(e.root().unwrap()).unwrap()[0], "username")
            .unwrap();
        assert_eq!(e.node_exact_span(u), None);
        assert_eq!(e.span(u), e.value_span);

        let json =
            "{\"data\": {\"mapRoles\": \"- rolearn: r\\u00e9\\n  username: \\ud83d\\ude00x\"}}";
        let f = ekslint_manifest::parse_str("t.json", json);
        let v = f
            .tree
            .path(f.documents[0].root.unwrap(), &["data", "mapRoles"])
            .unwrap();
        let e = parse_embedded(json, &f.tree, v, "mapRoles").unwrap();
        assert!(e.has_exact_positions());
        let t = e.tree();
        let item = t.items(e.root().unwrap()).unwrap()[0];
        let r = t.get(item, "rolearn").unwrap();
        // `r\u00e9`: starts verbatim, ends on an escape: falls back.
        assert_eq!(e.node_exact_span(r), None);
        let k = t.entries(item).unwrap()[1].key;
        let s = e.node_exact_span(k).unwrap();
        assert_eq!(&json[s.range()], "username");
    }

    #[test]
    fn folded_single_quoted_and_plain() {
        let outer = "data:\n  a: >\n    - x\n\n    - y\n  b: '- it''s\n\n    - z'\n  c: plain\n";
        let (f, e) = embed(outer, "a");
        assert_eq!(locate(&f, &e, &["1"]), (5, 7, "y".into()));
        let (f, e) = embed(outer, "b");
        assert_eq!(e.text(), "- it's\n- z");
        assert_eq!(locate(&f, &e, &["1"]), (8, 7, "z".into()));
        // Both ends are verbatim: the outer span covers the source form `it''s`.
        assert_eq!(locate(&f, &e, &["0"]), (6, 9, "it''s".into()));
        let (f, e) = embed(outer, "c");
        let s = e.node_exact_span(e.root().unwrap()).unwrap();
        assert_eq!(&f.source.text[s.range()], "plain");
    }

    #[test]
    fn garbage_never_panics() {
        for outer in [
            "data:\n  m: \"\\",
            "data:\n  m: \"\\x4\"",
            "data:\n  m: |\n   \u{e9}\u{e9}\n",
            "data:\n  m: \"a\\\n   b\"",
            "data:\n  m: \"\\ud800\\u0041\"",
        ] {
            let f = ekslint_manifest::parse_str("t.yaml", outer);
            for n in 0..f.tree.len() as u32 {
                if let Some(e) = parse_embedded(outer, &f.tree, n, "m") {
                    for m in 0..e.tree().len() as u32 {
                        let s = e.span(m);
                        assert!(outer.is_char_boundary(s.start as usize));
                        assert!(outer.is_char_boundary(s.end as usize));
                    }
                }
            }
        }
    }
}
