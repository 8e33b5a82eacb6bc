//! YAML events (granit-parser) → the span tree.
//!
//! One broken document never hides the others: after a syntax error the parser resumes at the
//! next `---`, and the broken document is kept as an empty document with its problem.

use std::collections::HashMap;
use std::sync::Arc;

use granit_parser::{Event, Parser, ScanError};

use crate::span::Span;
use crate::tree::{Entry, NodeId, NodeKind, ScalarStyle, ScalarTag, Tree};
use crate::{Comment, Document, Limits, Problem, ProblemKind};

/// An open collection. Its children so far are `scratch_items[first..]` or
/// `scratch_entries[first..]`: one pair of scratch arrays serves every open collection, so
/// building a collection allocates nothing.
enum Frame {
    Seq {
        first: usize,
        start: u32,
        anchor: usize,
        flow: bool,
        weight: u32,
    },
    Map {
        first: usize,
        key: Option<NodeId>,
        start: u32,
        anchor: usize,
        flow: bool,
        weight: u32,
    },
}

pub(crate) struct Loader<'a> {
    /// The whole file's text (spans are offsets in it).
    text: &'a str,
    /// The part being loaded: `base..end` (all of the text unless a large file is loaded in
    /// parts).
    base: u32,
    end: usize,
    limits: &'a Limits,
    tree: Tree,
    documents: Vec<Document>,
    comments: Vec<Comment>,
    problems: Vec<Problem>,
    stack: Vec<Frame>,
    scratch_items: Vec<NodeId>,
    scratch_entries: Vec<Entry>,
    /// Anchor id → the anchored node and its expansion weight (the nodes it stands for).
    anchors: HashMap<usize, (NodeId, u32)>,
    doc_start: Option<u32>,
    doc_root: Option<NodeId>,
    /// Nodes added to this document by alias expansion.
    alias_weight: u64,
}

/// Why the current document has to be abandoned.
pub(crate) struct Abandon(Problem);

/// Load YAML: the fast path when it can read the whole file, else granit-parser.
pub(crate) fn load(source: &Arc<str>, limits: &Limits) -> crate::Loaded {
    load_region(source, 0..source.len(), limits)
}

/// Load the part `region` of `source` (which starts at a line start), with spans in `source`.
pub(crate) fn load_region(
    source: &Arc<str>,
    region: std::ops::Range<usize>,
    limits: &Limits,
) -> crate::Loaded {
    crate::fast::load(source, region.clone(), limits)
        .unwrap_or_else(|| load_with_granit(source, region, limits))
}

/// Load YAML with granit-parser: every construct of YAML, with error recovery and messages.
pub(crate) fn load_with_granit(
    source: &Arc<str>,
    region: std::ops::Range<usize>,
    limits: &Limits,
) -> crate::Loaded {
    let text = &source[region.clone()];
    let mut loader = Loader::new(source, &region, limits);
    loader.base = region.start as u32;
    loader.end = region.end;
    let options = granit_parser::options! {
        emit_unresolved_aliases: true,
        flow_nesting_limit: limits.max_depth,
        block_nesting_limit: limits.max_depth,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    loop {
        let abandon = match parser.next_event() {
            None => break,
            Some(Err(e)) => Abandon(loader.scan_problem(&e)),
            Some(Ok((event, span))) => {
                let span = span
                    .byte_range()
                    .map(|r| Span::from_range(r.start + region.start..r.end + region.start))
                    .unwrap_or_default();
                match loader.event(event, span) {
                    // A valid document counts against the limit as soon as it ends.
                    Ok(()) if loader.documents.len() >= limits.max_documents => break,
                    Ok(()) => continue,
                    Err(a) => a,
                }
            }
        };
        loader.abandon_document(abandon.0);
        if loader.documents.len() >= limits.max_documents {
            break;
        }
        match parser.proceed_next_document() {
            Ok(true) => continue,
            Ok(false) => break,
            Err(e) => {
                let p = loader.scan_problem(&e);
                loader.problems.push(p);
                break;
            }
        }
    }
    if loader.documents.len() >= limits.max_documents && loader.has_more_after_last() {
        let at = loader
            .documents
            .last()
            .map(|d| d.span.end)
            .unwrap_or(region.start as u32);
        loader.problems.push(Problem {
            kind: ProblemKind::Limit,
            span: Span::new(at, at),
            message: format!(
                "more than {} documents in one file; the rest of the file was not read",
                limits.max_documents
            ),
        });
    }
    loader.finish()
}

impl<'a> Loader<'a> {
    /// A loader for the part `region` of `source`, its arrays sized for that part.
    pub(crate) fn new(
        source: &'a Arc<str>,
        region: &std::ops::Range<usize>,
        limits: &'a Limits,
    ) -> Loader<'a> {
        let text: &str = source;
        let mut tree = Tree::new(source.clone());
        // Twice the part's usual need: a part that outgrows its arrays copies them in a worker
        // thread's heap, which keeps the pages after the part is joined; sized for the whole
        // file, eight parts in flight reserved eight trees of the file (200,000 documents:
        // 232 MiB peak against 217 MiB; docs/performance.md).
        tree.reserve_for(region.len() * 2);
        Loader {
            text,
            base: 0,
            end: text.len(),
            limits,
            tree,
            documents: Vec::new(),
            comments: Vec::new(),
            problems: Vec::new(),
            stack: Vec::new(),
            scratch_items: Vec::new(),
            scratch_entries: Vec::new(),
            anchors: HashMap::new(),
            doc_start: None,
            doc_root: None,
            alias_weight: 0,
        }
    }

    pub(crate) fn finish(mut self) -> crate::Loaded {
        // Comments in source order (granit-parser reports a block scalar's header comment
        // after the scalar).
        if !self.comments.is_sorted_by_key(|c| c.span.start) {
            self.comments.sort_by_key(|c| c.span.start);
        }
        crate::Loaded {
            tree: self.tree,
            documents: self.documents,
            comments: self.comments,
            problems: self.problems,
        }
    }

    pub(crate) fn doc_start(&mut self, at: u32) {
        self.doc_start = Some(at);
        self.doc_root = None;
        self.anchors.clear();
        self.alias_weight = 0;
    }

    pub(crate) fn doc_end(&mut self, span: Span) {
        let start = self.doc_start.take().unwrap_or(span.start);
        let end = self
            .doc_root
            .map(|r| self.tree.span(r).end)
            .unwrap_or(span.end)
            .max(start);
        if let Some(root) = self.doc_root.take() {
            self.documents.push(Document {
                root: Some(root),
                span: Span::new(start, end),
                problem: None,
            });
        }
    }

    pub(crate) fn comment(&mut self, span: Span, text: &str) {
        self.comments.push(Comment {
            span,
            text: text.into(),
        });
    }

    pub(crate) fn scalar(
        &mut self,
        span: Span,
        value: &str,
        style: ScalarStyle,
        tag: ScalarTag,
        anchor: usize,
    ) -> Result<(), Abandon> {
        let id = self.tree.push_scalar(span, value, style, tag);
        if anchor != 0 {
            self.anchors.insert(anchor, (id, 1));
        }
        self.add(id, 1)
    }

    pub(crate) fn seq_start(&mut self, at: u32, flow: bool, anchor: usize) {
        self.stack.push(Frame::Seq {
            first: self.scratch_items.len(),
            start: at,
            anchor,
            flow,
            weight: 1,
        });
    }

    pub(crate) fn map_start(&mut self, at: u32, flow: bool, anchor: usize) {
        self.stack.push(Frame::Map {
            first: self.scratch_entries.len(),
            key: None,
            start: at,
            anchor,
            flow,
            weight: 1,
        });
    }

    pub(crate) fn seq_end(&mut self, span: Span) -> Result<(), Abandon> {
        let Some(Frame::Seq {
            first,
            start,
            anchor,
            flow,
            weight,
        }) = self.stack.pop()
        else {
            return Ok(());
        };
        let last = self.scratch_items[first..].last().copied();
        let end = self.collection_end(start, last, flow, span);
        let id = self
            .tree
            .push_seq(Span::new(start, end), &self.scratch_items[first..]);
        self.scratch_items.truncate(first);
        if anchor != 0 {
            self.anchors.insert(anchor, (id, weight));
        }
        self.add(id, weight)
    }

    pub(crate) fn map_end(&mut self, span: Span) -> Result<(), Abandon> {
        let Some(Frame::Map {
            first,
            start,
            anchor,
            flow,
            weight,
            ..
        }) = self.stack.pop()
        else {
            return Ok(());
        };
        let last = self.scratch_entries[first..].last().map(|e| e.value);
        let end = self.collection_end(start, last, flow, span);
        self.finish_map(first);
        let id = self
            .tree
            .push_map(Span::new(start, end), &self.scratch_entries[first..]);
        self.scratch_entries.truncate(first);
        if anchor != 0 {
            self.anchors.insert(anchor, (id, weight));
        }
        self.add(id, weight)
    }

    fn has_more_after_last(&self) -> bool {
        let end = self
            .documents
            .last()
            .map(|d| d.span.end as usize)
            .unwrap_or(self.base as usize);
        self.text[..self.end].get(end..).is_some_and(|rest| {
            rest.lines()
                .any(|l| !l.trim().is_empty() && l.trim() != "---")
        })
    }

    fn scan_problem(&self, e: &ScanError) -> Problem {
        let len = self.end - self.base as usize;
        let offset = e.marker().byte_offset().unwrap_or(len).min(len) + self.base as usize;
        let mut message = e.info();
        let mut kind = ProblemKind::Syntax;
        if message.is_empty() {
            message = "invalid YAML".to_string();
        } else if message.contains("recursion limit") {
            kind = ProblemKind::Limit;
            message = format!(
                "maps and lists nested deeper than {} levels (`--limit max-depth=N` raises it); the document was skipped",
                self.limits.max_depth
            );
        }
        Problem {
            kind,
            span: char_span_at(self.text, offset),
            message,
        }
    }

    fn abandon_document(&mut self, problem: Problem) {
        let start = self
            .doc_start
            .unwrap_or(problem.span.start)
            .min(problem.span.start);
        let end = problem.span.end;
        self.stack.clear();
        self.scratch_items.clear();
        self.scratch_entries.clear();
        self.anchors.clear();
        self.documents.push(Document {
            root: None,
            span: Span::new(start, end),
            problem: Some(self.problems.len()),
        });
        self.problems.push(problem);
        self.doc_start = None;
        self.doc_root = None;
        self.alias_weight = 0;
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Abandon> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            Event::DocumentStart(..) => self.doc_start(span.start),
            Event::DocumentEnd => self.doc_end(span),
            Event::Comment(text, _) => self.comment(span, &text),
            Event::Scalar(value, style, anchor, tag) => {
                let tag = match tag.as_deref() {
                    None => ScalarTag::None,
                    Some(t) if t.is_yaml_core_schema_tag("str") => ScalarTag::Str,
                    Some(t) if t.handle() == "!" && t.suffix().is_empty() => ScalarTag::Str,
                    Some(_) => ScalarTag::Other,
                };
                let style = match style {
                    granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
                    granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
                    granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
                };
                self.scalar(span, &value, style, tag, anchor)?;
            }
            Event::Alias(anchor) => {
                let (id, weight) = match self.anchors.get(&anchor) {
                    Some(&(target, weight)) => {
                        self.alias_weight += u64::from(weight);
                        if self.alias_weight > self.limits.max_alias_expansion {
                            return Err(Abandon(Problem {
                                kind: ProblemKind::Limit,
                                span,
                                message: format!(
                                    "aliases in this document expand to more than {} nodes (an alias bomb?); the document was not linted",
                                    self.limits.max_alias_expansion
                                ),
                            }));
                        }
                        (target, weight)
                    }
                    None => {
                        let message = "an alias refers to the collection that contains it; Kubernetes cannot decode a recursive alias".to_string();
                        (self.invalid(span, message), 1)
                    }
                };
                self.add(id, weight)?;
            }
            Event::UnresolvedAlias(name) => {
                let message = format!(
                    "unknown anchor `{name}`: no `&{name}` is defined before this alias in the document"
                );
                let id = self.invalid(span, message);
                self.add(id, 1)?;
            }
            Event::SequenceStart(style, anchor, _) => self.seq_start(
                span.start,
                style == granit_parser::StructureStyle::Flow,
                anchor,
            ),
            Event::MappingStart(style, anchor, _) => self.map_start(
                span.start,
                style == granit_parser::StructureStyle::Flow,
                anchor,
            ),
            Event::SequenceEnd => self.seq_end(span)?,
            Event::MappingEnd => self.map_end(span)?,
            _ => {}
        }
        Ok(())
    }

    fn invalid(&mut self, span: Span, message: String) -> NodeId {
        self.problems.push(Problem {
            kind: ProblemKind::Syntax,
            span,
            message,
        });
        self.tree.push_invalid(span)
    }

    fn collection_end(&self, start: u32, last: Option<NodeId>, flow: bool, end_event: Span) -> u32 {
        let last_end = last.map(|l| self.tree.span(l).end).unwrap_or(start);
        if flow {
            end_event.end.max(last_end)
        } else {
            last_end
        }
    }

    /// Attach a finished node (which stands for `w` nodes once aliases are expanded) to the
    /// open collection, or make it the document's root.
    fn add(&mut self, id: NodeId, w: u32) -> Result<(), Abandon> {
        match self.stack.last_mut() {
            None => self.doc_root = Some(id),
            Some(Frame::Seq { weight, .. }) => {
                self.scratch_items.push(id);
                *weight = weight.saturating_add(w);
            }
            Some(Frame::Map { key, weight, .. }) => {
                *weight = weight.saturating_add(w);
                match key.take() {
                    None => *key = Some(id),
                    Some(k) => self.scratch_entries.push(Entry {
                        key: k,
                        value: id,
                        merged: false,
                    }),
                }
            }
        }
        Ok(())
    }

    /// Report duplicate keys and expand `<<` merges of the map whose entries are
    /// `scratch_entries[first..]`, in place (explicit keys win over merged ones; earlier maps in
    /// a merged list win over later ones, as in go-yaml v2).
    fn finish_map(&mut self, first: usize) {
        let tree = &self.tree;
        let is_merge_key = |e: &Entry| {
            tree.scalar(e.key)
                .is_some_and(|s| s.is_plain() && s.value == "<<")
        };
        let entries = &self.scratch_entries[first..];
        if !entries.iter().any(is_merge_key) {
            report_duplicates(tree, entries, &mut self.problems);
            return;
        }
        let (merges, mut explicit): (Vec<Entry>, Vec<Entry>) =
            entries.iter().partition(|e| is_merge_key(e));
        report_duplicates(tree, &explicit, &mut self.problems);
        let mut seen: std::collections::HashSet<&str> = explicit
            .iter()
            .filter_map(|e| tree.scalar_text(e.key))
            .collect();
        for m in merges {
            let sources: Vec<NodeId> = match tree.node(m.value).kind {
                NodeKind::Map(_) => vec![m.value],
                NodeKind::Seq(items) => items.to_vec(),
                _ => Vec::new(),
            };
            let mut valid = !sources.is_empty();
            for src in sources {
                let Some(src_entries) = tree.entries(src) else {
                    valid = false;
                    continue;
                };
                for e in src_entries {
                    let Some(k) = tree.scalar_text(e.key) else {
                        continue;
                    };
                    if seen.insert(k) {
                        explicit.push(Entry { merged: true, ..*e });
                    }
                }
            }
            if !valid {
                self.problems.push(Problem {
                    kind: ProblemKind::Syntax,
                    span: tree.span(m.value),
                    message: "a `<<` merge needs a map or a list of maps".to_string(),
                });
            }
        }
        self.scratch_entries.truncate(first);
        self.scratch_entries.extend(explicit);
    }
}

/// Duplicate keys of one map, as problems (each pointing at the first occurrence too). Small
/// maps compare pairwise; large ones sort their keys, so a map of n keys costs n log n.
pub(crate) fn report_duplicates(tree: &Tree, entries: &[Entry], problems: &mut Vec<Problem>) {
    if entries.len() < 2 {
        return;
    }
    let mut found: Vec<(usize, usize)> = Vec::new();
    if entries.len() <= 16 {
        for (i, e) in entries.iter().enumerate() {
            let Some(text) = tree.scalar_text(e.key) else {
                continue;
            };
            if let Some(j) = entries[..i]
                .iter()
                .position(|p| tree.scalar_text(p.key) == Some(text))
            {
                found.push((i, j));
            }
        }
    } else {
        let mut keyed: Vec<(&str, usize)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((tree.scalar_text(e.key)?, i)))
            .collect();
        keyed.sort_unstable();
        for group in keyed.chunk_by(|a, b| a.0 == b.0) {
            let first = group[0].1;
            found.extend(group[1..].iter().map(|&(_, i)| (i, first)));
        }
        found.sort_unstable();
    }
    for (i, j) in found {
        let key = entries[i].key;
        problems.push(Problem {
            kind: ProblemKind::DuplicateKey {
                first: tree.span(entries[j].key),
            },
            span: tree.span(key),
            message: format!("duplicate key `{}`", tree.scalar_text(key).unwrap_or("")),
        });
    }
}

/// A span covering the character at `offset` (empty at the end of the text or a line break).
pub(crate) fn char_span_at(text: &str, offset: usize) -> Span {
    let mut start = offset.min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let len = text[start..]
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(0, char::len_utf8);
    Span::from_range(start..start + len)
}
