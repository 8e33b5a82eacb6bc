//! The fast path: a loader for the YAML that manifests are made of.
//!
//! Most manifests use a small part of YAML: block maps and lists, plain and quoted scalars
//! (sometimes over several lines), literal and folded block scalars, one-line flow lists and
//! maps, comments and `---` between documents. This module reads exactly that part, straight
//! from the bytes into the [`Loader`] (no tokens, no event objects, no copies of values that
//! are written as-is), and gives up on anything else: anchors, aliases, tags, `?` keys,
//! directives, `...`, tabs outside of quoted and block scalars, carriage returns, flow
//! collections over several lines, a byte-order mark, and every error. When it gives up,
//! the caller loads the file with granit-parser, which handles all of YAML and reports errors
//! with their positions.
//!
//! What it builds must be what granit-parser's events build, node for node and span for
//! span: `tests/fast_path.rs` checks that on the corpus, the fixtures and generated variants.
//! The rules it follows are libyaml's (the scanner behind PyYAML and go-yaml), which
//! granit-parser's scanner restates.

use std::sync::Arc;

use crate::span::Span;
use crate::tree::{ScalarStyle, ScalarTag};
use crate::yaml::Loader;
use crate::{Limits, Loaded};

/// The fast path met something it does not read; the file goes to granit-parser. Carries the
/// line of this file that gave up, for tests and for tuning.
#[derive(Debug)]
pub(crate) struct Bail(#[allow(dead_code)] pub(crate) u32);

#[track_caller]
fn bail() -> Bail {
    Bail(std::panic::Location::caller().line())
}

type R<T> = Result<T, Bail>;

/// Nesting deeper than this goes to granit-parser, whose loader is not recursive.
const MAX_DEPTH: usize = 100;

/// A simple key longer than this is an error in libyaml and granit-parser.
const MAX_KEY_BYTES: usize = 1024;

/// Load the part `region` of `source` (starting at a line start) if the fast path can read
/// all of it. Spans are offsets in `source`.
pub(crate) fn load(
    source: &Arc<str>,
    region: std::ops::Range<usize>,
    limits: &Limits,
) -> Option<Loaded> {
    run(source, region, limits).ok()
}

/// [`load`], or where and why the fast path gave up.
pub(crate) fn run(
    source: &Arc<str>,
    region: std::ops::Range<usize>,
    limits: &Limits,
) -> Result<Loaded, (Bail, usize)> {
    let text = &source[..region.end];
    let b = text.as_bytes();
    if !plausible(&b[region.start..]) {
        return Err((bail(), region.start));
    }
    let mut f = Fast {
        text,
        b,
        pos: region.start,
        line: region.start,
        out: Loader::new(source, &region, limits),
        depth: 0,
        max_depth: limits.max_depth.saturating_sub(2).min(MAX_DEPTH),
    };
    match f.stream() {
        // Over the document limit, granit-parser's loader decides where reading stops and
        // whether the rest of the file is worth a finding. At the limit exactly, the whole
        // part was read and there is nothing after it to decide about (a file of exactly
        // 100,000 documents was parsed twice).
        Ok(()) => match f.out.finish() {
            l if crate::over_document_limit(source, &l.documents, region.end, limits) => {
                Err((bail(), f.pos))
            }
            l => Ok(l),
        },
        Err(e) => Err((e, f.pos)),
    }
}

/// Bytes the fast path never reads: control characters other than line feed and tab,
/// carriage returns, DEL, C1 controls (NEL included), the line and paragraph separators,
/// byte-order marks and the non-characters U+FFFE/U+FFFF. Each has a rule of its own in YAML
/// 1.1 or 1.2, so a file with any of them goes to granit-parser.
fn plausible(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if (0x20..0x7f).contains(&c) || c == b'\n' || c == b'\t' {
            i += 1;
            continue;
        }
        match c {
            0xc2 if b.get(i + 1).is_some_and(|n| (0x80..0xa0).contains(n)) => return false,
            0xe2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) => {
                return false;
            }
            0xef if matches!(
                (b.get(i + 1), b.get(i + 2)),
                (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
            ) =>
            {
                return false;
            }
            0x80.. => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

/// What follows the node just read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// A content line; `pos` is at its first character, this many columns in.
    Content(usize),
    /// A `---` or `...` line; `pos` is at its start.
    Marker,
    /// The end of the text.
    Eof,
}

/// A scalar read ahead to decide whether a line is `key: value`.
struct Key {
    start: usize,
    end: usize,
    /// The decoded value when it is not `text[start..end]` (quoted keys).
    value: Option<String>,
    style: ScalarStyle,
    /// Position of the `:`.
    colon: usize,
}

struct Fast<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    /// Start of the line `pos` is on.
    line: usize,
    out: Loader<'a>,
    depth: usize,
    max_depth: usize,
}

fn span(start: usize, end: usize) -> Span {
    Span::from_range(start..end)
}

/// Characters that cannot start a plain scalar (or that the fast path leaves to granit-parser
/// there).
fn indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

impl<'a> Fast<'a> {
    /// The byte at `i`, or 0 at the end (the text has no NUL: [`plausible`]).
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// A space, a line break or the end.
    fn blankz(&self, i: usize) -> R<bool> {
        match self.at(i) {
            b' ' | b'\n' | 0 => Ok(true),
            b'\t' => Err(bail()),
            _ => Ok(false),
        }
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(bail());
        }
        Ok(())
    }

    fn eol(&self, from: usize) -> usize {
        self.b[from.min(self.b.len())..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.b.len(), |n| from + n)
    }

    /// Record the comment whose `#` is at `hash`; returns the end of its line.
    fn comment(&mut self, hash: usize) -> usize {
        let end = self.eol(hash);
        self.out.comment(span(hash, end), &self.text[hash + 1..end]);
        end
    }

    /// Skip spaces on this line (a tab is left to granit-parser).
    fn skip_spaces(&mut self) -> R<()> {
        while self.at(self.pos) == b' ' {
            self.pos += 1;
        }
        if self.at(self.pos) == b'\t' {
            return Err(bail());
        }
        Ok(())
    }

    /// After a node: spaces, then a comment (after at least one space) or the line's end.
    /// Leaves `pos` at the start of the next line.
    fn finish_line(&mut self) -> R<()> {
        let content_end = self.pos;
        self.skip_spaces()?;
        match self.at(self.pos) {
            b'\n' => self.pos += 1,
            0 => {}
            b'#' if self.pos > content_end => {
                let end = self.comment(self.pos);
                self.pos = (end + 1).min(self.b.len());
            }
            _ => return Err(bail()),
        }
        self.line = self.pos;
        Ok(())
    }

    /// From the start of a line: skip empty and comment lines (recording the comments) up to
    /// the next content line, document marker or the end.
    fn skip_blank_lines(&mut self) -> R<Next> {
        loop {
            let start = self.pos;
            self.line = start;
            let mut p = start;
            while self.at(p) == b' ' {
                p += 1;
            }
            match self.at(p) {
                b'\n' => self.pos = p + 1,
                0 => {
                    self.pos = p;
                    return Ok(Next::Eof);
                }
                b'#' => {
                    let end = self.comment(p);
                    self.pos = (end + 1).min(self.b.len());
                }
                b'\t' => return Err(bail()),
                _ => {
                    if p == start && self.marker(start)? {
                        self.pos = start;
                        return Ok(Next::Marker);
                    }
                    self.pos = p;
                    return Ok(Next::Content(p - start));
                }
            }
        }
    }

    /// `---` or `...` at `i` (a line start), followed by a space, a line break or the end.
    fn marker(&self, i: usize) -> R<bool> {
        let m = &self.b[i..self.b.len().min(i + 3)];
        Ok((m == b"---" || m == b"...") && self.blankz(i + 3)?)
    }

    fn stream(&mut self) -> R<()> {
        let mut next = self.skip_blank_lines()?;
        loop {
            match next {
                Next::Eof => return Ok(()),
                Next::Marker => {
                    if self.at(self.pos) == b'.' {
                        return Err(bail());
                    }
                    let marker = self.pos;
                    self.pos += 3;
                    self.out.doc_start(marker as u32);
                    self.finish_line()?;
                    next = self.skip_blank_lines()?;
                    if let Next::Content(col) = next {
                        next = self.root(col)?;
                    } else {
                        // An explicit document with nothing in it: a null.
                        self.null(marker + 3)?;
                    }
                }
                Next::Content(col) => {
                    if self.at(self.pos) == b'%' {
                        return Err(bail());
                    }
                    self.out.doc_start(self.pos as u32);
                    next = self.root(col)?;
                }
            }
            self.out.doc_end(span(self.pos, self.pos));
        }
    }

    fn root(&mut self, col: usize) -> R<Next> {
        let next = self.node_at_line(col, -1)?;
        match next {
            Next::Content(_) => Err(bail()),
            _ => Ok(next),
        }
    }

    fn null(&mut self, at: usize) -> R<()> {
        self.out
            .scalar(span(at, at), "~", ScalarStyle::Plain, ScalarTag::None, 0)
            .map_err(|_| bail())
    }

    fn emit(&mut self, start: usize, end: usize, value: Option<&str>, style: ScalarStyle) -> R<()> {
        let raw = if style == ScalarStyle::Plain {
            &self.text[start..end]
        } else {
            &self.text[start + 1..end - 1]
        };
        let value = value.unwrap_or(raw);
        self.out
            .scalar(span(start, end), value, style, ScalarTag::None, 0)
            .map_err(|_| bail())
    }

    /// Can a plain scalar start at `i`? Not at an indicator, except `-` and `:` before a
    /// non-space (`-1`, `:x`).
    fn plain_start(&self, i: usize) -> R<bool> {
        let c = self.at(i);
        Ok(!indicator(c) || (matches!(c, b'-' | b':') && !self.blankz(i + 1)?))
    }

    fn is_entry(&self, i: usize) -> R<bool> {
        Ok(self.at(i) == b'-' && self.blankz(i + 1)?)
    }

    /// A node whose first character is at `pos`, the first content of its line, `col` columns
    /// in; `parent` is the indentation of the enclosing block collection (-1 at the root).
    fn node_at_line(&mut self, col: usize, parent: isize) -> R<Next> {
        if self.is_entry(self.pos)? {
            return self.block_seq(col, false);
        }
        if let Some(key) = self.scan_key(self.pos)? {
            return self.block_map(col, key);
        }
        self.scalar(parent)
    }

    /// A node after `key: ` or `- ` on the same line.
    fn inline_node(&mut self, parent: isize, after_entry: bool) -> R<Next> {
        let col = self.pos - self.line;
        if self.is_entry(self.pos)? {
            if !after_entry {
                return Err(bail());
            }
            return self.block_seq(col, false);
        }
        if after_entry && let Some(key) = self.scan_key(self.pos)? {
            return self.block_map(col, key);
        }
        self.scalar(parent)
    }

    /// Is the line at `at` a simple key (`key:` followed by a space or the line's end)?
    fn scan_key(&self, at: usize) -> R<Option<Key>> {
        let c = self.at(at);
        let (start, end, value, style, mut p) = match c {
            b'\'' | b'"' => {
                let Some((end, value)) = self.quoted_line(at)? else {
                    return Ok(None);
                };
                let style = if c == b'\'' {
                    ScalarStyle::SingleQuoted
                } else {
                    ScalarStyle::DoubleQuoted
                };
                (at, end, value, style, end)
            }
            _ if !self.plain_start(at)? => return Ok(None),
            _ => {
                let (end, stop) = self.plain_line(at)?;
                if stop != Stop::Colon {
                    return Ok(None);
                }
                (at, end, None, ScalarStyle::Plain, end)
            }
        };
        while self.at(p) == b' ' {
            p += 1;
        }
        if self.at(p) != b':' || !self.blankz(p + 1)? {
            return Ok(None);
        }
        if p - start > MAX_KEY_BYTES {
            return Err(bail());
        }
        Ok(Some(Key {
            start,
            end,
            value,
            style,
            colon: p,
        }))
    }

    fn block_map(&mut self, col: usize, first: Key) -> R<Next> {
        self.enter()?;
        self.out.map_start(first.start as u32, false, 0);
        let mut key = first;
        let next = loop {
            self.emit(key.start, key.end, key.value.as_deref(), key.style)?;
            let colon = key.colon;
            self.pos = colon + 1;
            self.skip_spaces()?;
            let next = match self.at(self.pos) {
                b'\n' | 0 | b'#' => {
                    self.pos = colon + 1;
                    self.finish_line()?;
                    let next = self.skip_blank_lines()?;
                    match next {
                        Next::Content(c) if c > col => self.node_at_line(c, col as isize)?,
                        Next::Content(c) if c == col && self.is_entry(self.pos)? => {
                            self.block_seq(col, true)?
                        }
                        _ => {
                            // granit-parser puts an empty value at the colon.
                            self.null(colon)?;
                            next
                        }
                    }
                }
                _ => self.inline_node(col as isize, false)?,
            };
            match next {
                Next::Content(c) if c == col => {
                    if self.is_entry(self.pos)? {
                        return Err(bail());
                    }
                    key = self.scan_key(self.pos)?.ok_or_else(|| bail())?;
                }
                Next::Content(c) if c > col => return Err(bail()),
                _ => break next,
            }
        };
        self.out
            .map_end(span(self.pos, self.pos))
            .map_err(|_| bail())?;
        self.depth -= 1;
        Ok(next)
    }

    /// A block list whose `-` are `col` columns in; `indentless` when it is the value of a key
    /// at the same indentation (its start is then its first item's, as granit-parser has it).
    fn block_seq(&mut self, col: usize, indentless: bool) -> R<Next> {
        self.enter()?;
        let mut first = true;
        let next = loop {
            let dash = self.pos;
            self.pos += 1;
            let after_dash = self.pos;
            self.skip_spaces()?;
            let start = |item: usize| (if indentless { item } else { dash }) as u32;
            let next = match self.at(self.pos) {
                b'\n' | 0 | b'#' => {
                    self.pos = after_dash;
                    self.finish_line()?;
                    let next = self.skip_blank_lines()?;
                    match next {
                        Next::Content(c) if c > col => {
                            if first {
                                self.out.seq_start(start(self.pos), false, 0);
                            }
                            self.node_at_line(c, col as isize)?
                        }
                        _ => {
                            if first {
                                self.out.seq_start(start(after_dash), false, 0);
                            }
                            self.null(after_dash)?;
                            next
                        }
                    }
                }
                _ => {
                    if first {
                        self.out.seq_start(start(self.pos), false, 0);
                    }
                    self.inline_node(col as isize, true)?
                }
            };
            first = false;
            match next {
                Next::Content(c) if c == col && self.is_entry(self.pos)? => {}
                Next::Content(c) if c == col && indentless => break next,
                Next::Content(c) if c >= col => return Err(bail()),
                _ => break next,
            }
        };
        self.out
            .seq_end(span(self.pos, self.pos))
            .map_err(|_| bail())?;
        self.depth -= 1;
        Ok(next)
    }

    /// A scalar or flow collection at `pos`.
    fn scalar(&mut self, parent: isize) -> R<Next> {
        match self.at(self.pos) {
            b'\'' | b'"' => self.quoted(),
            b'|' | b'>' if parent >= 0 => self.block_scalar(parent as usize),
            b'[' | b'{' => self.flow(),
            _ if self.plain_start(self.pos)? => self.plain(parent),
            _ => Err(bail()),
        }
    }
}

/// Where a line of a plain scalar stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// At the end of the line (or text).
    Eol,
    /// At a `#` after a space: `pos` of the `#`.
    Comment(usize),
    /// At `: ` (a key, or an error in a value).
    Colon,
}

impl Fast<'_> {
    /// Scan one line of a plain scalar in block context from `from`: returns the end of its
    /// content (trailing spaces excluded) and what stopped it.
    fn plain_line(&self, from: usize) -> R<(usize, Stop)> {
        let mut i = from;
        let mut end = from;
        loop {
            match self.at(i) {
                b'\n' | 0 => return Ok((end, Stop::Eol)),
                b' ' => {
                    if self.at(i + 1) == b'#' {
                        return Ok((end, Stop::Comment(i + 1)));
                    }
                    i += 1;
                }
                b':' if self.blankz(i + 1)? => return Ok((end, Stop::Colon)),
                b'\t' => return Err(bail()),
                _ => {
                    i += 1;
                    end = i;
                }
            }
        }
    }

    /// A plain scalar in block context, over as many lines as are indented past `parent`.
    fn plain(&mut self, parent: isize) -> R<Next> {
        let min = (parent + 1) as usize;
        let start = self.pos;
        let (mut end, mut stop) = self.plain_line(start)?;
        let mut owned: Option<String> = None;
        loop {
            match stop {
                Stop::Colon => return Err(bail()),
                Stop::Comment(hash) => {
                    self.emit(start, end, owned.as_deref(), ScalarStyle::Plain)?;
                    self.pos = hash - 1;
                    self.finish_line()?;
                    return self.skip_blank_lines();
                }
                Stop::Eol => {}
            }
            // At the end of a line: is the next content line a continuation?
            let eol = self.eol(end);
            let mut p = (eol + 1).min(self.b.len());
            let mut breaks = 1;
            let continuation = loop {
                if eol >= self.b.len() {
                    break None;
                }
                let line = p;
                while self.at(p) == b' ' {
                    p += 1;
                }
                match self.at(p) {
                    b'\n' => {
                        breaks += 1;
                        p += 1;
                    }
                    0 | b'#' => break None,
                    b'\t' => return Err(bail()),
                    _ => {
                        let col = p - line;
                        if col < min || (col == 0 && self.marker(line)?) {
                            break None;
                        }
                        // Any character but `#` goes on a plain scalar (`: ` stops it below).
                        break Some(line);
                    }
                }
            };
            let Some(line) = continuation else {
                self.emit(start, end, owned.as_deref(), ScalarStyle::Plain)?;
                self.pos = (eol + 1).min(self.b.len());
                return self.skip_blank_lines();
            };
            let folded = owned.get_or_insert_with(|| self.text[start..end].to_string());
            if breaks == 1 {
                folded.push(' ');
            } else {
                folded.extend(std::iter::repeat_n('\n', breaks - 1));
            }
            let (e, s) = self.plain_line(p)?;
            folded.push_str(&self.text[p..e]);
            self.line = line;
            end = e;
            stop = s;
        }
    }

    /// A quoted scalar that starts and ends on the line at `at`: its end (after the closing
    /// quote) and its value when that is not the text between the quotes. `None` when it goes
    /// on past the line.
    fn quoted_line(&self, at: usize) -> R<Option<(usize, Option<String>)>> {
        let single = self.at(at) == b'\'';
        let mut i = at + 1;
        let mut owned: Option<String> = None;
        let mut seg = i;
        loop {
            match self.at(i) {
                b'\n' | 0 => return Ok(None),
                b'\'' if single => {
                    if self.at(i + 1) == b'\'' {
                        let o = owned.get_or_insert_with(String::new);
                        o.push_str(&self.text[seg..=i]);
                        i += 2;
                        seg = i;
                    } else {
                        break;
                    }
                }
                b'"' if !single => break,
                b'\\' if !single => {
                    if self.at(i + 1) == b'\n' {
                        return Ok(None);
                    }
                    let o = owned.get_or_insert_with(String::new);
                    o.push_str(&self.text[seg..i]);
                    let (ch, len) = self.escape(i)?;
                    o.push(ch);
                    i += len;
                    seg = i;
                }
                _ => i += 1,
            }
        }
        if let Some(o) = owned.as_mut() {
            o.push_str(&self.text[seg..i]);
        }
        Ok(Some((i + 1, owned)))
    }

    /// The escape sequence at `i` (a backslash) in a double-quoted scalar: the character and
    /// the length of the sequence.
    fn escape(&self, i: usize) -> R<(char, usize)> {
        let ch = match self.at(i + 1) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' | b'\t' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex_escape(i, 2),
            b'u' => return self.hex_escape(i, 4),
            b'U' => return self.hex_escape(i, 8),
            _ => return Err(bail()),
        };
        Ok((ch, 2))
    }

    fn hex_escape(&self, i: usize, digits: usize) -> R<(char, usize)> {
        let hex = self.text.get(i + 2..i + 2 + digits).ok_or_else(|| bail())?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(bail());
        }
        let v = u32::from_str_radix(hex, 16).map_err(|_| bail())?;
        // Surrogates (a pair is one character in granit-parser) go to granit-parser.
        let ch = char::from_u32(v).ok_or_else(|| bail())?;
        Ok((ch, 2 + digits))
    }

    /// A quoted scalar at `pos`, over one or more lines (continuation lines at any indentation),
    /// then the rest of its line.
    fn quoted(&mut self) -> R<Next> {
        let start = self.pos;
        let single = self.at(start) == b'\'';
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        if let Some((end, value)) = self.quoted_line(start)? {
            self.emit_quoted(start, end, value, style)?;
            self.pos = end;
            self.finish_line()?;
            return self.skip_blank_lines();
        }
        // Over several lines: fold as libyaml does.
        let mut o = String::new();
        let mut i = start + 1;
        let mut seg = i;
        loop {
            match self.at(i) {
                0 => return Err(bail()),
                b'\'' if single => {
                    if self.at(i + 1) == b'\'' {
                        o.push_str(&self.text[seg..=i]);
                        i += 2;
                        seg = i;
                    } else {
                        break;
                    }
                }
                b'"' if !single => break,
                b'\\' if !single => {
                    if self.at(i + 1) == b'\n' {
                        return Err(bail());
                    }
                    o.push_str(&self.text[seg..i]);
                    let (ch, len) = self.escape(i)?;
                    o.push(ch);
                    i += len;
                    seg = i;
                }
                b'\n' => {
                    // Trailing blanks of the line are dropped; the breaks fold.
                    let mut e = i;
                    while e > seg && matches!(self.b[e - 1], b' ' | b'\t') {
                        e -= 1;
                    }
                    o.push_str(&self.text[seg..e]);
                    let mut breaks = 0;
                    let mut p = i;
                    let (line, col) = loop {
                        // `p` is at a line break.
                        breaks += 1;
                        let line = p + 1;
                        p = line;
                        while self.at(p) == b' ' {
                            p += 1;
                        }
                        match self.at(p) {
                            b'\n' => continue,
                            b'\t' | 0 => return Err(bail()),
                            _ => break (line, p - line),
                        }
                    };
                    // libyaml (and so PyYAML and go-yaml, kubectl's parser) puts no bound on
                    // the indentation of a quoted scalar's continuation lines: only a document
                    // marker ends it. granit-parser requires them to be indented past the
                    // enclosing block, as YAML 1.2 does; manifests in use rely on libyaml's
                    // rule (docs/yaml.md), so the fast path follows it.
                    if col == 0 && self.marker(line)? {
                        return Err(bail());
                    }
                    if breaks == 1 {
                        o.push(' ');
                    } else {
                        o.extend(std::iter::repeat_n('\n', breaks - 1));
                    }
                    self.line = line;
                    i = p;
                    seg = p;
                }
                _ => i += 1,
            }
        }
        o.push_str(&self.text[seg..i]);
        let end = i + 1;
        self.emit_quoted(start, end, Some(o), style)?;
        self.pos = end;
        self.finish_line()?;
        self.skip_blank_lines()
    }

    fn emit_quoted(
        &mut self,
        start: usize,
        end: usize,
        value: Option<String>,
        style: ScalarStyle,
    ) -> R<()> {
        let value = value.as_deref().unwrap_or(&self.text[start + 1..end - 1]);
        self.out
            .scalar(span(start, end), value, style, ScalarTag::None, 0)
            .map_err(|_| bail())
    }

    /// A literal or folded block scalar whose header is at `pos`, inside a block collection
    /// `parent` columns in. Its span and value follow granit-parser's scanner: the span starts
    /// at the first content line's content and ends where the scan stopped, after the
    /// indentation of the line that ends it.
    fn block_scalar(&mut self, parent: usize) -> R<Next> {
        let literal = self.at(self.pos) == b'|';
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        let mut p = self.pos + 1;
        let mut chomp = 0i8; // -1 strip, 0 clip, 1 keep
        let mut increment = 0usize;
        for _ in 0..2 {
            match self.at(p) {
                b'+' if chomp == 0 => chomp = 1,
                b'-' if chomp == 0 => chomp = -1,
                c @ b'1'..=b'9' if increment == 0 => increment = usize::from(c - b'0'),
                _ => break,
            }
            p += 1;
        }
        // The header line: spaces, then a comment or the end of the line.
        self.pos = p;
        self.finish_line()?;
        let mut i = self.pos;
        if i >= self.b.len() || self.at(i) == b'\t' {
            return Err(bail());
        }
        let mut trailing_breaks = 0usize;
        let indent = if increment > 0 {
            let indent = parent + increment;
            i = self.block_indent(i, indent, &mut trailing_breaks)?;
            indent
        } else {
            let mut max = 0;
            loop {
                let line = i;
                while self.at(i) == b' ' {
                    i += 1;
                }
                max = max.max(i - line);
                match self.at(i) {
                    b'\n' => {
                        i += 1;
                        trailing_breaks += 1;
                    }
                    b'\t' => return Err(bail()),
                    _ => break,
                }
            }
            max.max(parent + 1)
        };
        if i >= self.b.len() {
            // Only empty lines up to the end: granit-parser's special cases.
            return Err(bail());
        }
        let col = |i: usize| i - self.line_start(i);
        if col(i) < indent && col(i) > parent {
            return Err(bail());
        }
        let start = i;
        let mut value = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while col(i) == indent && i < self.b.len() {
            let c = self.at(i);
            let trailing_blank = matches!(c, b' ' | b'\t');
            if !literal && leading_break && !leading_blank && !trailing_blank {
                value.extend(std::iter::repeat_n('\n', trailing_breaks));
                if trailing_breaks == 0 {
                    value.push(' ');
                }
            } else {
                if leading_break {
                    value.push('\n');
                }
                value.extend(std::iter::repeat_n('\n', trailing_breaks));
            }
            trailing_breaks = 0;
            leading_blank = trailing_blank;
            let end = self.eol(i);
            value.push_str(&self.text[i..end]);
            if end >= self.b.len() {
                // The last line has no line break: granit-parser's special case.
                return Err(bail());
            }
            i = end + 1;
            leading_break = true;
            i = self.block_indent(i, indent, &mut trailing_breaks)?;
        }
        if chomp >= 0 && leading_break {
            value.push('\n');
        }
        if chomp == 1 {
            value.extend(std::iter::repeat_n('\n', trailing_breaks));
        }
        self.out
            .scalar(span(start, i), &value, style, ScalarTag::None, 0)
            .map_err(|_| bail())?;
        // `i` is inside the line that ended the scalar, after up to `indent` spaces.
        self.pos = self.line_start(i);
        self.skip_blank_lines()
    }

    /// Skip up to `indent` spaces and empty lines (counted in `breaks`) from the line start
    /// `i`; returns where the scan stopped.
    fn block_indent(&self, mut i: usize, indent: usize, breaks: &mut usize) -> R<usize> {
        loop {
            let line = i;
            while i - line < indent && self.at(i) == b' ' {
                i += 1;
            }
            match self.at(i) {
                b'\n' => {
                    i += 1;
                    *breaks += 1;
                }
                b'\t' if i - line < indent => return Err(bail()),
                _ => return Ok(i),
            }
        }
    }

    fn line_start(&self, i: usize) -> usize {
        self.b[..i]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |n| n + 1)
    }

    /// A flow list or map that opens and closes on this line, then the rest of the line.
    fn flow(&mut self) -> R<Next> {
        self.flow_node(0)?;
        self.finish_line()?;
        self.skip_blank_lines()
    }

    fn skip_flow_spaces(&mut self) -> R<()> {
        while self.at(self.pos) == b' ' {
            self.pos += 1;
        }
        match self.at(self.pos) {
            b'\t' | b'\n' | 0 | b'#' => Err(bail()),
            _ => Ok(()),
        }
    }

    /// One node inside (or starting) a flow collection.
    fn flow_node(&mut self, depth: usize) -> R<()> {
        if depth > 32 {
            return Err(bail());
        }
        let open = self.at(self.pos);
        match open {
            b'[' | b'{' => {
                let is_map = open == b'{';
                let at = self.pos as u32;
                if is_map {
                    self.out.map_start(at, true, 0);
                } else {
                    self.out.seq_start(at, true, 0);
                }
                self.pos += 1;
                let close = if is_map { b'}' } else { b']' };
                self.skip_flow_spaces()?;
                if self.at(self.pos) != close {
                    loop {
                        if is_map {
                            self.flow_scalar(true)?;
                            self.skip_flow_spaces()?;
                            if self.at(self.pos) != b':' || self.at(self.pos + 1) != b' ' {
                                return Err(bail());
                            }
                            self.pos += 1;
                            self.skip_flow_spaces()?;
                        }
                        self.flow_node(depth + 1)?;
                        self.skip_flow_spaces()?;
                        match self.at(self.pos) {
                            b',' => {
                                self.pos += 1;
                                self.skip_flow_spaces()?;
                                if self.at(self.pos) == close {
                                    // A trailing comma.
                                    return Err(bail());
                                }
                            }
                            c if c == close => break,
                            _ => return Err(bail()),
                        }
                    }
                }
                let end = span(self.pos, self.pos + 1);
                self.pos += 1;
                if is_map {
                    self.out.map_end(end)
                } else {
                    self.out.seq_end(end)
                }
                .map_err(|_| bail())
            }
            _ => self.flow_scalar(false),
        }
    }

    /// A scalar inside a flow collection: quoted, or plain up to `,`, `]`, `}` or `: `.
    fn flow_scalar(&mut self, key: bool) -> R<()> {
        let start = self.pos;
        match self.at(start) {
            b'\'' | b'"' => {
                let (end, value) = self.quoted_line(start)?.ok_or_else(|| bail())?;
                let style = if self.at(start) == b'\'' {
                    ScalarStyle::SingleQuoted
                } else {
                    ScalarStyle::DoubleQuoted
                };
                self.emit_quoted(start, end, value, style)?;
                self.pos = end;
                Ok(())
            }
            c if indicator(c) => Err(bail()),
            _ => {
                let mut i = start;
                let mut end = start;
                loop {
                    match self.at(i) {
                        b',' | b']' | b'}' => break,
                        b':' if self.at(i + 1) == b' ' => break,
                        b':' | b'[' | b'{' | b'#' | b'?' | b'\t' | b'\n' | 0 => {
                            return Err(bail());
                        }
                        b' ' => i += 1,
                        _ => {
                            i += 1;
                            end = i;
                        }
                    }
                }
                // A key needs its `: `; an item or value must not have one.
                if key != (self.at(i) == b':') {
                    return Err(bail());
                }
                self.emit(start, end, None, ScalarStyle::Plain)?;
                self.pos = end;
                Ok(())
            }
        }
    }
}
