//! JSON → the span tree, with a small iterative parser of our own (serde_json has no spans).
//!
//! A file may hold several top-level values one after another (a JSON stream); each is a
//! document. Strings become double-quoted scalars; numbers, `true`, `false` and `null` become plain
//! scalars, whose YAML 1.1 resolution gives the same JSON types.

use std::sync::Arc;

use crate::span::Span;
use crate::tree::{Entry, NodeId, NodeKind, ScalarStyle, ScalarTag, Tree};
use crate::{Document, Limits, Problem, ProblemKind};

enum Frame {
    Arr {
        items: Vec<NodeId>,
        start: u32,
    },
    Obj {
        entries: Vec<Entry>,
        key: Option<NodeId>,
        start: u32,
    },
}

struct P<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    tree: Tree,
}

type PResult<T> = Result<T, Problem>;

pub(crate) fn load(source: &Arc<str>, limits: &Limits) -> crate::Loaded {
    let text: &str = source;
    let mut p = P {
        text,
        b: text.as_bytes(),
        i: 0,
        tree: Tree::new(source.clone()),
    };
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    loop {
        p.skip_ws();
        if p.i >= p.b.len() {
            break;
        }
        if documents.len() >= limits.max_documents {
            problems.push(Problem {
                kind: ProblemKind::Limit,
                span: Span::from_range(p.i..p.i),
                message: format!(
                    "more than {} documents in one file; the rest of the file was not read",
                    limits.max_documents
                ),
            });
            break;
        }
        let start = p.i;
        match p.value(limits) {
            Ok(root) => {
                let span = p.tree.span(root);
                documents.push(Document {
                    root: Some(root),
                    span,
                    problem: None,
                });
                let dups = find_duplicates(&p.tree, root);
                problems.extend(dups);
            }
            Err(problem) => {
                documents.push(Document {
                    root: None,
                    span: Span::from_range(start..problem.span.end as usize),
                    problem: Some(problems.len()),
                });
                problems.push(problem);
                // JSON has no document separator to resume at: the rest of the file is lost.
                break;
            }
        }
    }
    crate::Loaded {
        tree: p.tree,
        documents,
        comments: Vec::new(),
        problems,
    }
}

fn find_duplicates(tree: &Tree, root: NodeId) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut work = vec![root];
    while let Some(n) = work.pop() {
        match tree.node(n).kind {
            NodeKind::Map(entries) => {
                crate::yaml::report_duplicates(tree, entries, &mut out);
                work.extend(entries.iter().map(|e| e.value));
            }
            NodeKind::Seq(items) => work.extend(items.iter().copied()),
            _ => {}
        }
    }
    out
}

impl P<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn err(&self, at: usize, message: impl Into<String>) -> Problem {
        Problem {
            kind: ProblemKind::Syntax,
            span: crate::yaml::char_span_at(self.text, at),
            message: message.into(),
        }
    }

    fn unexpected(&self, expected: &str) -> Problem {
        match self.text[self.i.min(self.text.len())..].chars().next() {
            None => self.err(
                self.i,
                format!("unexpected end of JSON, expected {expected}"),
            ),
            Some(c) => self.err(self.i, format!("unexpected `{c}`, expected {expected}")),
        }
    }

    fn value(&mut self, limits: &Limits) -> PResult<NodeId> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            self.skip_ws();
            // Inside an object and expecting a key.
            if let Some(Frame::Obj {
                key: None, entries, ..
            }) = stack.last()
            {
                let first = entries.is_empty();
                if self.b.get(self.i) == Some(&b'}') && first {
                    // handled below as a close
                } else {
                    if self.b.get(self.i) != Some(&b'"') {
                        return Err(self.unexpected("a string key in double quotes"));
                    }
                    let k = self.string()?;
                    self.skip_ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return Err(self.unexpected("`:` after the key"));
                    }
                    self.i += 1;
                    if let Some(Frame::Obj { key, .. }) = stack.last_mut() {
                        *key = Some(k);
                    }
                    continue;
                }
            }
            let node = match self.b.get(self.i) {
                None => return Err(self.unexpected("a value")),
                Some(b'{') | Some(b'[') => {
                    if stack.len() >= limits.max_depth {
                        let mut p = self.err(
                            self.i,
                            format!(
                                "objects and arrays nested deeper than {} levels (`--limit max-depth=N` raises it); the document was skipped",
                                limits.max_depth
                            ),
                        );
                        p.kind = ProblemKind::Limit;
                        return Err(p);
                    }
                    let start = self.i as u32;
                    let open = self.b[self.i];
                    self.i += 1;
                    self.skip_ws();
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.b.get(self.i) == Some(&close) {
                        self.i += 1;
                        let span = Span::from_range(start as usize..self.i);
                        Some(if open == b'{' {
                            self.tree.push_map(span, &[])
                        } else {
                            self.tree.push_seq(span, &[])
                        })
                    } else {
                        stack.push(if open == b'{' {
                            Frame::Obj {
                                entries: Vec::new(),
                                key: None,
                                start,
                            }
                        } else {
                            Frame::Arr {
                                items: Vec::new(),
                                start,
                            }
                        });
                        None
                    }
                }
                Some(b'"') => Some(self.string()?),
                Some(_) => Some(self.literal()?),
            };
            let Some(mut node) = node else { continue };
            // Attach the finished node, closing every collection that ends right after it.
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(node);
                };
                match top {
                    Frame::Arr { items, .. } => items.push(node),
                    Frame::Obj { entries, key, .. } => {
                        let k = key.take().expect("key parsed before value");
                        entries.push(Entry {
                            key: k,
                            value: node,
                            merged: false,
                        });
                    }
                }
                self.skip_ws();
                let is_obj = matches!(top, Frame::Obj { .. });
                let close = if is_obj { b'}' } else { b']' };
                match self.b.get(self.i) {
                    Some(b',') => {
                        self.i += 1;
                        break;
                    }
                    Some(&c) if c == close => {
                        self.i += 1;
                        let frame = stack.pop().expect("frame present");
                        node = match frame {
                            Frame::Arr { items, start } => self
                                .tree
                                .push_seq(Span::from_range(start as usize..self.i), &items),
                            Frame::Obj { entries, start, .. } => self
                                .tree
                                .push_map(Span::from_range(start as usize..self.i), &entries),
                        };
                    }
                    _ => {
                        let what = if is_obj { "`,` or `}`" } else { "`,` or `]`" };
                        return Err(self.unexpected(what));
                    }
                }
            }
        }
    }

    fn string(&mut self) -> PResult<NodeId> {
        let start = self.i;
        self.i += 1;
        // Without escapes, the value is a slice of the text (no copy).
        let rest = &self.text[self.i..];
        let run = rest
            .find(|ch: char| ch == '"' || ch == '\\' || (ch as u32) < 0x20)
            .unwrap_or(rest.len());
        if rest.as_bytes().get(run) == Some(&b'"') {
            let value = &rest[..run];
            self.i += run + 1;
            return Ok(self.tree.push_scalar(
                Span::from_range(start..self.i),
                value,
                ScalarStyle::DoubleQuoted,
                ScalarTag::None,
            ));
        }
        let mut out = String::new();
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return Err(self.err(start, "unterminated string"));
            };
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    let esc = self.b.get(self.i + 1).copied();
                    self.i += 2;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let ch = if (0xD800..0xDC00).contains(&hi)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                self.i += 2;
                                let lo = self.hex4()?;
                                char::from_u32(
                                    0x10000
                                        + ((hi - 0xD800) << 10)
                                        + (lo.wrapping_sub(0xDC00) & 0x3FF),
                                )
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(ch.unwrap_or('\u{FFFD}'));
                        }
                        _ => return Err(self.err(self.i - 2, "invalid escape in string")),
                    }
                }
                0..=0x1F => return Err(self.err(self.i, "control character in string (escape it)")),
                _ => {
                    let rest = &self.text[self.i..];
                    let run = rest
                        .find(|ch: char| ch == '"' || ch == '\\' || (ch as u32) < 0x20)
                        .unwrap_or(rest.len());
                    out.push_str(&rest[..run]);
                    self.i += run;
                }
            }
        }
        Ok(self.tree.push_scalar(
            Span::from_range(start..self.i),
            &out,
            ScalarStyle::DoubleQuoted,
            ScalarTag::None,
        ))
    }

    fn hex4(&mut self) -> PResult<u32> {
        let digits = self.text.get(self.i..self.i + 4).unwrap_or("");
        let v =
            u32::from_str_radix(digits, 16).map_err(|_| self.err(self.i, "invalid \\u escape"))?;
        self.i += 4;
        Ok(v)
    }

    fn literal(&mut self) -> PResult<NodeId> {
        let start = self.i;
        while self.i < self.b.len()
            && !matches!(
                self.b[self.i],
                b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r' | b':' | b'"' | b'[' | b'{'
            )
        {
            self.i += 1;
        }
        let word = &self.text[start..self.i];
        let valid = matches!(word, "true" | "false" | "null") || is_json_number(word);
        if !valid {
            if word.is_empty() {
                return Err(self.unexpected("a value"));
            }
            return Err(self.err(
                start,
                format!("`{word}` is not a JSON value (strings need double quotes)"),
            ));
        }
        Ok(self.tree.push_scalar(
            Span::from_range(start..self.i),
            word,
            ScalarStyle::Plain,
            ScalarTag::None,
        ))
    }
}

fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == b.len()
}
