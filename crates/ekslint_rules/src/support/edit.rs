//! Span edits on YAML and JSON text: rename a key, set a value, insert an entry into a map,
//! remove an entry, move entries (renamed, re-indented) into another map or under a new key.
//!
//! Every operation produces byte-range [`Edit`]s on the original text and never re-prints
//! anything it does not touch, so comments, blank lines, key order, quoting, indentation and line
//! endings stay as written. What it writes follows the file: block maps get entries at their
//! siblings' indentation (the step between levels and the indentation of block sequences are
//! read from the document), flow maps (`{a: 1}`) get `, key: value`, JSON files get quoted keys
//! and commas. A new string is written plain when YAML 1.1 reads it back as that string, and
//! double-quoted otherwise; a replaced string keeps its quoting.
//!
//! An operation that cannot be done faithfully (a block value moved into a flow map, an entry
//! that shares its line with another, a comment inside a flow collection being removed) returns
//! [`Refused`] with the reason, and the caller offers no fix rather than a wrong one.

use ekslint_manifest::{Comment, Entry, Format, NodeId, NodeKind, ParsedFile, ScalarStyle, Tree};

use crate::finding::Edit;
use ekslint_manifest::Span;

/// Why an edit was not made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused(pub String);

pub type Result<T = ()> = std::result::Result<T, Refused>;

fn refuse<T>(why: impl Into<String>) -> Result<T> {
    Err(Refused(why.into()))
}

/// A value to write.
#[derive(Clone, Debug)]
pub enum New {
    /// A string: plain when that reads back as the same string, else double-quoted.
    Str(String),
    Int(i64),
    Bool(bool),
    /// The source text of a one-line scalar of the file (a label key or value), quoting kept.
    Copy(NodeId),
    /// Keys and values, in order (keys are usually [`New::Str`] or [`New::Copy`]).
    Map(Vec<(New, New)>),
    Seq(Vec<New>),
}

impl New {
    pub fn str(s: impl Into<String>) -> New {
        New::Str(s.into())
    }

    /// A map from string keys.
    pub fn map<const N: usize>(entries: [(&str, New); N]) -> New {
        New::Map(entries.into_iter().map(|(k, v)| (New::str(k), v)).collect())
    }

    fn is_collection(&self) -> bool {
        matches!(self, New::Map(_) | New::Seq(_))
    }
}

/// An entry to write into a map.
#[derive(Clone, Debug)]
pub enum Item {
    /// A new `key: value`.
    New(String, New),
    /// An entry of the file, with its value and the comments on its lines, moved (or copied)
    /// here: renamed when `key` is set; with `wrap`, its value goes one level down under that
    /// key (`servicePort: 80` → `port: {number: 80}`).
    Moved {
        entry: Entry,
        key: Option<String>,
        wrap: Option<String>,
        /// Edits inside the entry's text (made with [`Editor::child`]), applied to the text
        /// that moves.
        inner: Vec<Edit>,
    },
    /// A new key whose value is a map of these items.
    Group(String, Vec<Item>),
    /// A new key whose value is a list of maps of these items.
    List(String, Vec<Vec<Item>>),
}

impl Item {
    pub fn new(key: &str, value: New) -> Item {
        Item::New(key.to_string(), value)
    }

    pub fn moved(entry: Entry) -> Item {
        Item::Moved {
            entry,
            key: None,
            wrap: None,
            inner: Vec::new(),
        }
    }

    pub fn renamed(entry: Entry, key: &str) -> Item {
        Item::Moved {
            entry,
            key: Some(key.to_string()),
            wrap: None,
            inner: Vec::new(),
        }
    }

    /// An entry moved under a new name, its one-line value put under `wrap`.
    pub fn wrapped(entry: Entry, key: &str, wrap: &str) -> Item {
        Item::Moved {
            entry,
            key: Some(key.to_string()),
            wrap: Some(wrap.to_string()),
            inner: Vec::new(),
        }
    }

    /// Entries of the file this item moves.
    fn moved_entries(&self, out: &mut Vec<Entry>) {
        match self {
            Item::New(..) => {}
            Item::Moved { entry, .. } => out.push(*entry),
            Item::Group(_, items) => items.iter().for_each(|i| i.moved_entries(out)),
            Item::List(_, maps) => maps.iter().flatten().for_each(|i| i.moved_entries(out)),
        }
    }
}

/// Where in a map an entry goes.
#[derive(Clone, Copy, Debug)]
pub enum At {
    End,
    After(Entry),
    Before(Entry),
}

/// Collects the edits of one fix on one file.
pub struct Editor<'a> {
    pub text: &'a str,
    pub tree: &'a Tree,
    comments: &'a [Comment],
    json: bool,
    nl: &'static str,
    /// Columns between a block map's keys and its children's keys.
    step: usize,
    /// Columns between a key and the `-` of its block sequence (0: flush).
    seq_offset: usize,
    edits: Vec<Edit>,
}

impl<'a> Editor<'a> {
    /// An editor for the document (or `kind: List` item) at `scope`, whose indentation style
    /// it reads.
    pub fn new(file: &'a ParsedFile, scope: NodeId) -> Editor<'a> {
        let json = Format::from_path(&file.source.path) == Format::Json;
        Editor::with(&file.source.text, &file.tree, &file.comments, json, scope)
    }

    pub fn with(
        text: &'a str,
        tree: &'a Tree,
        comments: &'a [Comment],
        json: bool,
        scope: NodeId,
    ) -> Editor<'a> {
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut e = Editor {
            text,
            tree,
            comments,
            json,
            nl,
            step: 2,
            seq_offset: 0,
            edits: Vec::new(),
        };
        let (step, seq) = e.read_style(scope);
        e.step = step.unwrap_or(2);
        e.seq_offset = seq.unwrap_or(0);
        e
    }

    /// An editor of the same text with no edits yet: its edits go inside an [`Item::Moved`].
    pub fn child(&self) -> Editor<'a> {
        Editor {
            edits: Vec::new(),
            ..*self
        }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// The edits, merged where they start at the same place; refused if two overlap.
    pub fn finish(self) -> Result<Vec<Edit>> {
        let mut edits = self.edits;
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
        for e in edits {
            if let Some(last) = out.last_mut() {
                if last.span.start == e.span.start && last.span.is_empty() {
                    // An insertion followed by an edit at the same place: one edit.
                    last.span.end = e.span.end;
                    last.replacement.push_str(&e.replacement);
                    continue;
                }
                if e.span.start < last.span.end
                    || (e.span.is_empty() && e.span.start == last.span.start)
                {
                    return refuse("two changes of the conversion overlap");
                }
            }
            out.push(e);
        }
        Ok(out)
    }

    fn push(&mut self, start: usize, end: usize, replacement: impl Into<String>) {
        self.edits.push(Edit {
            span: Span::from_range(start..end),
            replacement: replacement.into(),
        });
    }

    // ---- reading the text ------------------------------------------------------------------

    fn line_start(&self, at: usize) -> usize {
        self.text[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The column of `at` when only spaces and block-sequence dashes precede it on its line.
    fn block_col(&self, at: usize) -> Option<usize> {
        let ls = self.line_start(at);
        let prefix = &self.text[ls..at];
        prefix
            .bytes()
            .all(|b| b == b' ' || b == b'-')
            .then_some(prefix.len())
    }

    /// The column of `at` counted in bytes from its line start (for JSON and flow layouts).
    fn col(&self, at: usize) -> usize {
        at - self.line_start(at)
    }

    fn first_on_line(&self, at: usize) -> bool {
        let ls = self.line_start(at);
        self.text[ls..at].bytes().all(|b| b == b' ' || b == b'\t')
    }

    /// Where a node's text really ends (a block scalar's span runs on to the next token).
    pub fn end(&self, node: NodeId) -> usize {
        let s = self.tree.span(node);
        let (start, mut end) = (s.start as usize, s.end as usize);
        let b = self.text.as_bytes();
        while end > start && matches!(b[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
            end -= 1;
        }
        end
    }

    fn start(&self, node: NodeId) -> usize {
        self.tree.span(node).start as usize
    }

    /// After the line that holds `at`: past a trailing comment and the line break.
    fn line_end(&self, at: usize) -> Result<usize> {
        let rest = &self.text[at..];
        let stop = rest.find('\n').map_or(self.text.len(), |i| at + i + 1);
        let tail = self.text[at..stop].trim_start_matches([' ', '\t']);
        if !(tail.is_empty() || tail.starts_with('#') || tail.trim().is_empty()) {
            return refuse("another value follows on the same line");
        }
        Ok(stop)
    }

    /// The end of the line that holds `at`, before its line break.
    fn line_end_no_nl(&self, at: usize) -> Result<usize> {
        let e = self.line_end(at)?;
        let t = &self.text[..e];
        Ok(e - (t.len() - t.trim_end_matches(['\n', '\r']).len()))
    }

    pub fn is_flow_map(&self, node: NodeId) -> bool {
        self.json || self.text.as_bytes().get(self.start(node)) == Some(&b'{')
    }

    fn is_flow_seq(&self, node: NodeId) -> bool {
        self.json || self.text.as_bytes().get(self.start(node)) == Some(&b'[')
    }

    fn entries(&self, map: NodeId) -> Result<&'a [Entry]> {
        match self.tree.entries(map) {
            Some(e) => Ok(e),
            None => refuse("not a map"),
        }
    }

    /// The column of a block map's keys.
    fn indent_of(&self, map: NodeId) -> Result<usize> {
        let first = self.entries(map)?.first().map(|e| self.start(e.key));
        match first.and_then(|k| self.block_col(k)) {
            Some(c) => Ok(c),
            None => refuse("a map whose keys do not start their lines"),
        }
    }

    fn comments_in(&self, start: usize, end: usize) -> Vec<&'a Comment> {
        self.comments
            .iter()
            .filter(|c| (c.span.start as usize) >= start && (c.span.end as usize) <= end)
            .collect()
    }

    /// The indentation step and block sequence offset the document uses most.
    fn read_style(&self, scope: NodeId) -> (Option<usize>, Option<usize>) {
        let mut steps: std::collections::BTreeMap<usize, usize> = Default::default();
        let mut seqs: std::collections::BTreeMap<usize, usize> = Default::default();
        let mut stack = vec![scope];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 5000 {
                break;
            }
            match self.tree.node(n).kind {
                NodeKind::Map(entries) => {
                    for e in entries {
                        stack.push(e.value);
                        let key = self.start(e.key);
                        let Some(kc) = self.block_col(key).or(self.json.then(|| self.col(key)))
                        else {
                            continue;
                        };
                        match self.tree.node(e.value).kind {
                            NodeKind::Map(children) => {
                                if let Some(c) = children.first() {
                                    let ck = self.start(c.key);
                                    if self.first_on_line(ck) && self.line_start(ck) > key {
                                        let step = self.col(ck).saturating_sub(kc);
                                        if step > 0 {
                                            *steps.entry(step).or_default() += 1;
                                        }
                                    }
                                }
                            }
                            NodeKind::Seq(items) if !self.is_flow_seq(e.value) => {
                                if let Some(&i) = items.first()
                                    && let Some(d) = self.dash_before(self.start(i))
                                    && self.line_start(d) > key
                                {
                                    *seqs.entry(self.col(d).saturating_sub(kc)).or_default() += 1;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                NodeKind::Seq(items) => stack.extend(items.iter().copied()),
                _ => {}
            }
        }
        // The most used; on a tie, the smaller.
        let mode = |m: std::collections::BTreeMap<usize, usize>| {
            m.into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(k, _)| k)
        };
        (mode(steps), mode(seqs))
    }

    /// The `-` of the block sequence item that starts at `at`.
    fn dash_before(&self, at: usize) -> Option<usize> {
        let before = self.text[..at].trim_end_matches(' ');
        before.ends_with('-').then(|| before.len() - 1)
    }

    // ---- writing values --------------------------------------------------------------------

    fn indent(&self, n: usize) -> String {
        " ".repeat(n)
    }

    /// A scalar (or, in flow context, any value) as text.
    fn scalar(&self, v: &New, flow: bool) -> Result<String> {
        Ok(match v {
            New::Str(s) if self.json => json_string(s),
            New::Str(s) => {
                if plain_ok(s, flow) {
                    s.clone()
                } else {
                    json_string(s)
                }
            }
            New::Int(i) => i.to_string(),
            New::Bool(b) => b.to_string(),
            New::Copy(n) => self.copy(*n, flow)?,
            New::Map(_) | New::Seq(_) => self.flow(v)?,
        })
    }

    fn copy(&self, node: NodeId, flow: bool) -> Result<String> {
        let Some(s) = self.tree.scalar(node) else {
            return refuse("only scalars are copied");
        };
        let raw = &self.text[self.start(node)..self.end(node)];
        if raw.contains('\n') || matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded) {
            return refuse("a value that spans lines");
        }
        if flow
            && s.style == ScalarStyle::Plain
            && !self.json
            && raw.contains([',', '[', ']', '{', '}'])
        {
            return refuse("a value that cannot be written in a flow collection");
        }
        Ok(raw.to_string())
    }

    fn key_text(&self, k: &New) -> Result<String> {
        match k {
            New::Map(_) | New::Seq(_) => refuse("a key must be a scalar"),
            _ => self.scalar(k, true),
        }
    }

    /// A value on one line: `{a: 1, b: [x]}` or its JSON.
    fn flow(&self, v: &New) -> Result<String> {
        Ok(match v {
            New::Map(entries) => {
                let parts = entries
                    .iter()
                    .map(|(k, v)| Ok(format!("{}: {}", self.key_text(k)?, self.flow(v)?)))
                    .collect::<Result<Vec<_>>>()?;
                format!("{{{}}}", parts.join(", "))
            }
            New::Seq(items) => {
                let parts = items
                    .iter()
                    .map(|v| self.flow(v))
                    .collect::<Result<Vec<_>>>()?;
                format!("[{}]", parts.join(", "))
            }
            _ => self.scalar(v, true)?,
        })
    }

    /// `key: value` in a block map whose keys are at column `ind` (no leading indentation, no
    /// trailing line break).
    fn block_entry(&self, key: &New, value: &New, ind: usize) -> Result<String> {
        let k = self.key_text(key)?;
        Ok(match value {
            New::Map(entries) if !entries.is_empty() => {
                let mut s = format!("{k}:");
                for (ck, cv) in entries {
                    s.push_str(self.nl);
                    s.push_str(&self.indent(ind + self.step));
                    s.push_str(&self.block_entry(ck, cv, ind + self.step)?);
                }
                s
            }
            New::Seq(items) if items.iter().any(New::is_collection) => {
                let mut s = format!("{k}:");
                let dash = ind + self.seq_offset;
                for item in items {
                    s.push_str(self.nl);
                    s.push_str(&self.indent(dash));
                    s.push_str("- ");
                    match item {
                        New::Map(entries) if !entries.is_empty() => {
                            for (i, (ck, cv)) in entries.iter().enumerate() {
                                if i > 0 {
                                    s.push_str(self.nl);
                                    s.push_str(&self.indent(dash + 2));
                                }
                                s.push_str(&self.block_entry(ck, cv, dash + 2)?);
                            }
                        }
                        _ => s.push_str(&self.flow(item)?),
                    }
                }
                s
            }
            _ => format!("{k}: {}", self.scalar(value, false)?),
        })
    }

    /// A JSON value laid out over lines, its entries at `ind + step`, its closing at `ind`.
    fn json_pretty(&self, v: &New, ind: usize) -> Result<String> {
        let inner = self.indent(ind + self.step);
        Ok(match v {
            New::Map(entries) if !entries.is_empty() => {
                let parts = entries
                    .iter()
                    .map(|(k, v)| {
                        Ok(format!(
                            "{inner}{}: {}",
                            self.key_text(k)?,
                            self.json_pretty(v, ind + self.step)?
                        ))
                    })
                    .collect::<Result<Vec<_>>>()?;
                format!(
                    "{{{nl}{}{nl}{}}}",
                    parts.join(&format!(",{}", self.nl)),
                    self.indent(ind),
                    nl = self.nl
                )
            }
            New::Seq(items) if items.iter().any(New::is_collection) => {
                let parts = items
                    .iter()
                    .map(|v| Ok(format!("{inner}{}", self.json_pretty(v, ind + self.step)?)))
                    .collect::<Result<Vec<_>>>()?;
                format!(
                    "[{nl}{}{nl}{}]",
                    parts.join(&format!(",{}", self.nl)),
                    self.indent(ind),
                    nl = self.nl
                )
            }
            _ => self.flow(v)?,
        })
    }

    /// Lines after the first of `s` moved `delta` columns (blank lines kept as they are).
    fn reindent(&self, s: &str, delta: isize) -> String {
        if delta == 0 || !s.contains('\n') {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len());
        for (i, line) in s.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
                if !line.trim().is_empty() {
                    if delta > 0 {
                        out.push_str(&self.indent(delta as usize));
                    } else {
                        let lead = line.len() - line.trim_start_matches(' ').len();
                        out.push_str(&line[lead.min(delta.unsigned_abs())..]);
                        continue;
                    }
                }
            }
            out.push_str(line);
        }
        out
    }

    /// The text of a moved entry, from its key to the end of its value (block: and of its last
    /// line, comment included), for a place whose keys are at column `ind`.
    fn moved_text(
        &self,
        entry: Entry,
        key: &Option<String>,
        wrap: &Option<String>,
        inner: &[Edit],
        ind: usize,
        flow: bool,
    ) -> Result<String> {
        let ks = self.start(entry.key);
        let ke = self.tree.span(entry.key).end as usize;
        let key_text = match key {
            Some(k) => self.key_like(entry.key, k),
            None => self.text[ks..ke].to_string(),
        };
        let src_flow = !self.first_on_line(ks) && self.block_col(ks).is_none() || self.json;
        let value_end = self.end(entry.value);
        if has_indent_indicator(&self.text[ke..value_end]) {
            return refuse("a block scalar with an indentation indicator");
        }
        let src_col = self.col(ks);
        if flow {
            let block_value = !self.json
                && (self.tree.is_map(entry.value) && !self.is_flow_map(entry.value)
                    || self.tree.items(entry.value).is_some() && !self.is_flow_seq(entry.value)
                    || self.tree.scalar(entry.value).is_some_and(|s| {
                        matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded)
                    }));
            if block_value {
                return refuse("a block value cannot move into a flow map");
            }
            if !self.comments_in(ke, value_end).is_empty() {
                return refuse("comments inside a value moved into a flow map");
            }
            let rest = self.reindent(
                &self.region(ke, value_end, inner)?,
                ind as isize - src_col as isize,
            );
            return Ok(match wrap {
                Some(w) => {
                    let colon = rest
                        .trim_start()
                        .strip_prefix(':')
                        .unwrap_or(&rest)
                        .trim_start();
                    let inner = format!("{}: {colon}", self.key_like(entry.key, w));
                    format!("{key_text}: {{{inner}}}")
                }
                None => format!("{key_text}{rest}"),
            });
        }
        if src_flow {
            return refuse("an entry of a flow map cannot move into a block map");
        }
        let end = self.line_end_no_nl(value_end)?;
        let rest = &self.region(ke, end, inner)?;
        Ok(match wrap {
            Some(w) => {
                if self.text[ks..value_end].contains('\n') {
                    return refuse("only a one-line value can be wrapped");
                }
                let inner = format!("{}{}", self.key_like(entry.key, w), rest);
                format!(
                    "{key_text}:{}{}{inner}",
                    self.nl,
                    self.indent(ind + self.step)
                )
            }
            None => format!(
                "{key_text}{}",
                self.reindent(rest, ind as isize - src_col as isize)
            ),
        })
    }

    /// The text of `start..end` with `inner` edits (all inside it) applied.
    fn region(&self, start: usize, end: usize, inner: &[Edit]) -> Result<String> {
        let mut out = String::with_capacity(end - start);
        let mut at = start;
        for e in inner {
            let (s, t) = (e.span.start as usize, e.span.end as usize);
            if s < at || t > end {
                return refuse("an inner edit outside the moved text");
            }
            out.push_str(&self.text[at..s]);
            out.push_str(&e.replacement);
            at = t;
        }
        out.push_str(&self.text[at..end]);
        Ok(out)
    }

    /// `name` written as a key in the quoting style of `like`.
    fn key_like(&self, like: NodeId, name: &str) -> String {
        if self.json {
            return json_string(name);
        }
        match self.tree.scalar(like).map(|s| s.style) {
            Some(ScalarStyle::DoubleQuoted) => json_string(name),
            Some(ScalarStyle::SingleQuoted) => format!("'{}'", name.replace('\'', "''")),
            _ if plain_ok(name, true) => name.to_string(),
            _ => json_string(name),
        }
    }

    /// An item in a block map whose keys are at column `ind`.
    fn item_block(&self, item: &Item, ind: usize) -> Result<String> {
        match item {
            Item::New(k, v) => self.block_entry(&New::str(k), v, ind),
            Item::Moved {
                entry,
                key,
                wrap,
                inner,
            } => self.moved_text(*entry, key, wrap, inner, ind, false),
            Item::List(k, maps) => {
                let mut s = format!("{}:", self.scalar(&New::str(k), true)?);
                let dash = ind + self.seq_offset;
                for items in maps {
                    s.push_str(self.nl);
                    s.push_str(&self.indent(dash));
                    s.push_str("- ");
                    for (n, i) in items.iter().enumerate() {
                        if n > 0 {
                            s.push_str(self.nl);
                            s.push_str(&self.indent(dash + 2));
                        }
                        s.push_str(&self.item_block(i, dash + 2)?);
                    }
                }
                Ok(s)
            }
            Item::Group(k, items) => {
                let mut s = format!("{}:", self.scalar(&New::str(k), true)?);
                for i in items {
                    s.push_str(self.nl);
                    s.push_str(&self.indent(ind + self.step));
                    s.push_str(&self.item_block(i, ind + self.step)?);
                }
                Ok(s)
            }
        }
    }

    /// An item in a flow map or JSON object; `pretty` is the column of the map's keys when the
    /// map is laid out one entry per line.
    fn item_flow(&self, item: &Item, pretty: Option<usize>) -> Result<String> {
        match item {
            Item::New(k, v) => {
                let value = match pretty {
                    Some(ind) if self.json => self.json_pretty(v, ind)?,
                    _ => self.flow(v)?,
                };
                Ok(format!("{}: {value}", self.key_text(&New::str(k))?))
            }
            Item::Moved {
                entry,
                key,
                wrap,
                inner,
            } => self.moved_text(*entry, key, wrap, inner, pretty.unwrap_or(0), true),
            Item::List(k, maps) => {
                let key = self.key_text(&New::str(k))?;
                match pretty {
                    Some(ind) => {
                        let (i1, i2) = (ind + self.step, ind + 2 * self.step);
                        let mut parts = Vec::new();
                        for items in maps {
                            let fields = items
                                .iter()
                                .map(|i| {
                                    Ok(format!(
                                        "{}{}",
                                        self.indent(i2),
                                        self.item_flow(i, Some(i2))?
                                    ))
                                })
                                .collect::<Result<Vec<_>>>()?;
                            parts.push(format!(
                                "{}{{{nl}{}{nl}{}}}",
                                self.indent(i1),
                                fields.join(&format!(",{}", self.nl)),
                                self.indent(i1),
                                nl = self.nl
                            ));
                        }
                        Ok(format!(
                            "{key}: [{nl}{}{nl}{}]",
                            parts.join(&format!(",{}", self.nl)),
                            self.indent(ind),
                            nl = self.nl
                        ))
                    }
                    None => {
                        let parts = maps
                            .iter()
                            .map(|items| {
                                let f = items
                                    .iter()
                                    .map(|i| self.item_flow(i, None))
                                    .collect::<Result<Vec<_>>>()?;
                                Ok(format!("{{{}}}", f.join(", ")))
                            })
                            .collect::<Result<Vec<_>>>()?;
                        Ok(format!("{key}: [{}]", parts.join(", ")))
                    }
                }
            }
            Item::Group(k, items) => {
                let key = self.key_text(&New::str(k))?;
                match pretty {
                    Some(ind) => {
                        let inner = ind + self.step;
                        let parts = items
                            .iter()
                            .map(|i| {
                                Ok(format!(
                                    "{}{}",
                                    self.indent(inner),
                                    self.item_flow(i, Some(inner))?
                                ))
                            })
                            .collect::<Result<Vec<_>>>()?;
                        Ok(format!(
                            "{key}: {{{nl}{}{nl}{}}}",
                            parts.join(&format!(",{}", self.nl)),
                            self.indent(ind),
                            nl = self.nl
                        ))
                    }
                    None => {
                        let parts = items
                            .iter()
                            .map(|i| self.item_flow(i, None))
                            .collect::<Result<Vec<_>>>()?;
                        Ok(format!("{key}: {{{}}}", parts.join(", ")))
                    }
                }
            }
        }
    }

    // ---- operations ------------------------------------------------------------------------

    /// Replace a scalar with a new value; a string keeps the old value's quoting.
    pub fn set(&mut self, node: NodeId, value: New) -> Result {
        let Some(s) = self.tree.scalar(node) else {
            return refuse("only a scalar can be replaced");
        };
        if matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded) {
            return refuse("a block scalar is not replaced");
        }
        let text = match (&value, s.style) {
            (New::Str(v), _) if self.json => json_string(v),
            (New::Str(v), ScalarStyle::DoubleQuoted) => json_string(v),
            (New::Str(v), ScalarStyle::SingleQuoted) => format!("'{}'", v.replace('\'', "''")),
            (New::Map(_) | New::Seq(_), _) if self.json => self.flow(&value)?,
            _ => self.scalar(&value, self.in_flow_at(self.start(node)))?,
        };
        self.push(self.start(node), self.end(node), text);
        Ok(())
    }

    /// Is the text at `at` inside a flow collection? (Conservative: unbalanced brackets on the
    /// line before it.)
    fn in_flow_at(&self, at: usize) -> bool {
        let line = &self.text[self.line_start(at)..at];
        line.matches(['{', '[']).count() > line.matches(['}', ']']).count()
    }

    /// Rename a key, keeping its quoting.
    pub fn rename(&mut self, entry: Entry, name: &str) -> Result {
        if self.tree.scalar(entry.key).is_none() {
            return refuse("a key that is not a scalar");
        }
        let s = self.tree.span(entry.key);
        let text = self.key_like(entry.key, name);
        self.push(s.start as usize, s.end as usize, text);
        Ok(())
    }

    /// Insert an entry into a map.
    pub fn insert(&mut self, map: NodeId, at: At, item: Item) -> Result {
        let entries = self.entries(map)?;
        let at = match at {
            At::End => match entries.last() {
                Some(e) => At::After(*e),
                None => At::End,
            },
            other => other,
        };
        if self.is_flow_map(map) {
            return self.insert_flow(map, at, &item);
        }
        let ind = self.indent_of(map)?;
        let text = self.item_block(&item, ind)?;
        match at {
            At::After(e) => {
                let p = self.line_end(self.end(e.value))?;
                if p == self.text.len() && !self.text.ends_with('\n') {
                    self.push(p, p, format!("{}{}{text}", self.nl, self.indent(ind)));
                } else {
                    self.push(p, p, format!("{}{text}{}", self.indent(ind), self.nl));
                }
            }
            At::Before(e) => {
                let k = self.start(e.key);
                if self.first_on_line(k) {
                    let p = self.line_start(k);
                    self.push(p, p, format!("{}{text}{}", self.indent(ind), self.nl));
                } else {
                    // The first entry of a list item: the new entry takes the dash's line.
                    self.push(k, k, format!("{text}{}{}", self.nl, self.indent(ind)));
                }
            }
            At::End => return refuse("an empty block map"),
        }
        Ok(())
    }

    fn insert_flow(&mut self, map: NodeId, at: At, item: &Item) -> Result {
        match at {
            At::End => {
                // `{}`: write inside the braces.
                let p = self.start(map) + 1;
                let text = self.item_flow(item, None)?;
                self.push(p, p, text);
            }
            At::After(e) => {
                let k = self.start(e.key);
                let pretty = self.first_on_line(k).then(|| self.col(k));
                let text = self.item_flow(item, pretty)?;
                let sep = match pretty {
                    Some(c) => format!(",{}{}", self.nl, self.indent(c)),
                    None => ", ".to_string(),
                };
                let p = self.end(e.value);
                self.push(p, p, format!("{sep}{text}"));
            }
            At::Before(e) => {
                let k = self.start(e.key);
                let pretty = self.first_on_line(k).then(|| self.col(k));
                let text = self.item_flow(item, pretty)?;
                let sep = match pretty {
                    Some(c) => format!(",{}{}", self.nl, self.indent(c)),
                    None => ", ".to_string(),
                };
                self.push(k, k, format!("{text}{sep}"));
            }
        }
        Ok(())
    }

    /// Remove an entry. In a block map, comments on its lines stay, as comment lines.
    pub fn remove(&mut self, map: NodeId, entry: Entry) -> Result {
        self.remove_inner(map, entry, true)
    }

    /// Remove an entry whose text was moved elsewhere (its comments went with it).
    pub fn remove_moved(&mut self, map: NodeId, entry: Entry) -> Result {
        self.remove_inner(map, entry, false)
    }

    /// Add an edit made by a [`child`](Editor::child) editor.
    pub fn push_edit(&mut self, edit: Edit) {
        self.edits.push(edit);
    }

    fn remove_inner(&mut self, map: NodeId, entry: Entry, keep_comments: bool) -> Result {
        let entries = self.entries(map)?;
        let Some(idx) = entries.iter().position(|e| e.key == entry.key) else {
            return refuse("the entry is not in the map");
        };
        let k = self.start(entry.key);
        let ve = self.end(entry.value);
        if self.is_flow_map(map) {
            let (s, e) = if entries.len() == 1 {
                (k, ve)
            } else if idx > 0 {
                (self.end(entries[idx - 1].value), ve)
            } else {
                (k, self.start(entries[1].key))
            };
            if !self.comments_in(s, e).is_empty() {
                return refuse("comments inside a flow map");
            }
            self.push(s, e, "");
            return Ok(());
        }
        if self.first_on_line(k) {
            let mut s = self.line_start(k);
            let e = self.line_end(ve)?;
            if e == self.text.len() && !self.text.ends_with('\n') && s > 0 {
                // The last line of a file without a final line break: take the break before it,
                // so that the file still ends without one.
                s -= 1;
                if s > 0 && self.text.as_bytes()[s - 1] == b'\r' {
                    s -= 1;
                }
            }
            let mut kept = String::new();
            if keep_comments {
                let ind = self.col(k);
                for c in self.comments_in(s, e) {
                    kept.push_str(&self.indent(ind));
                    kept.push_str(&self.text[c.span.range()]);
                    kept.push_str(self.nl);
                }
            }
            self.push(s, e, kept);
            return Ok(());
        }
        // The first entry of a list item (`- key: value`): the next entry moves up.
        let Some(next) = entries.get(idx + 1) else {
            return refuse("the only entry of a list item");
        };
        let e = self.start(next.key);
        if keep_comments && !self.comments_in(k, e).is_empty() {
            return refuse("comments on the first entry of a list item");
        }
        self.push(k, e, "");
        Ok(())
    }

    /// Put `items` (some of them entries of `map`, moved) under a new key of `map`, where the
    /// first moved entry was; the moved entries leave their places.
    pub fn group(&mut self, map: NodeId, key: &str, items: Vec<Item>) -> Result {
        let mut moved = Vec::new();
        for i in &items {
            i.moved_entries(&mut moved);
        }
        let entries = self.entries(map)?;
        let Some(first) = entries
            .iter()
            .find(|e| moved.iter().any(|m| m.key == e.key))
            .copied()
        else {
            return self.insert(map, At::End, Item::Group(key.to_string(), items));
        };
        let rest: Vec<Entry> = moved
            .iter()
            .filter(|m| m.key != first.key)
            .copied()
            .collect();
        if self.is_flow_map(map) {
            // Replace the first moved entry in place; remove the others.
            let k = self.start(first.key);
            let pretty = self.first_on_line(k).then(|| self.col(k));
            let text = self.item_flow(&Item::Group(key.to_string(), items), pretty)?;
            self.push(k, self.end(first.value), text);
        } else {
            let k = self.start(first.key);
            let ind = self.indent_of(map)?;
            let text = self.item_block(&Item::Group(key.to_string(), items), ind)?;
            let end = self.line_end_no_nl(self.end(first.value))?;
            self.push(k, end, text);
        }
        for e in rest {
            self.remove_moved(map, e)?;
        }
        Ok(())
    }

    /// Move an entry of `from` into each map of `to` (a copy in each), renamed when `name` is
    /// set; it leaves `from`.
    pub fn move_into(
        &mut self,
        from: NodeId,
        entry: Entry,
        to: &[NodeId],
        name: Option<&str>,
    ) -> Result {
        for &m in to {
            let item = Item::Moved {
                entry,
                key: name.map(str::to_string),
                wrap: None,
                inner: Vec::new(),
            };
            self.insert(m, At::End, item)?;
        }
        self.remove_moved(from, entry)
    }

    /// Replace an entry (key and value) by another item, in its place.
    pub fn replace_entry(&mut self, map: NodeId, entry: Entry, item: Item) -> Result {
        let mut moved = Vec::new();
        item.moved_entries(&mut moved);
        let carries_comments = moved.iter().any(|m| m.key == entry.key);
        if self.is_flow_map(map) {
            let k = self.start(entry.key);
            let pretty = self.first_on_line(k).then(|| self.col(k));
            let text = self.item_flow(&item, pretty)?;
            self.push(k, self.end(entry.value), text);
            return Ok(());
        }
        let k = self.start(entry.key);
        let ind = self.indent_of(map)?;
        let text = self.item_block(&item, ind)?;
        let end = self.line_end_no_nl(self.end(entry.value))?;
        if !carries_comments && !self.comments_in(k, end).is_empty() {
            return refuse("comments inside a replaced entry");
        }
        self.push(k, end, text);
        Ok(())
    }
}

/// A JSON (and YAML double-quoted) string literal.
pub fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Can `s` be written as a plain scalar that YAML 1.1 reads back as the same string?
pub fn plain_ok(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if ekslint_manifest::yaml11::resolve_plain(s) != ekslint_manifest::yaml11::Resolved::Str {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !(first == '-' && s.len() > 1 && !s.starts_with("- "))
    {
        return false;
    }
    if s.starts_with(' ') || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.chars().any(|c| c.is_control()) {
        return false;
    }
    !(flow && s.contains([',', '[', ']', '{', '}']))
}

/// Does this text hold a block scalar header with an explicit indentation (`|2`, `>-4`)?
fn has_indent_indicator(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2).enumerate().any(|(i, w)| {
        (w[0] == b'|' || w[0] == b'>')
            && (i == 0 || b[i - 1] == b' ')
            && (w[1].is_ascii_digit()
                || (matches!(w[1], b'+' | b'-') && b.get(i + 2).is_some_and(u8::is_ascii_digit)))
    })
}

#[cfg(test)]
mod tests;
