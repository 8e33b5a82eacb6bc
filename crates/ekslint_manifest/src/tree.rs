//! The span tree: an arena of nodes shared by every document of one file.
//!
//! Nodes are built iteratively from parser events (no recursion, so deep input cannot overflow a
//! worker thread's stack). An alias is the anchored node's id, so aliases cost nothing to store
//! (the loader tracks what each anchored node expands to, to stop alias bombs). Maps keep every
//! entry in source order, duplicates included, so a duplicate key is visible with both spans.
//!
//! The layout is for memory: a node is 20 bytes in one array; the children of every collection
//! are runs of two shared arrays; a scalar's value is a slice of the file's text when it is
//! written as-is (most are), else a slice of one string arena. Loading allocates per file, not
//! per node, and the tree of a file is about three times the file's size.

use crate::span::Span;

pub type NodeId = u32;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A YAML tag on a scalar, reduced to what changes its meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarTag {
    /// No tag: plain scalars are resolved (YAML 1.1), quoted and block scalars are strings.
    None,
    /// `!!str`: always a string.
    Str,
    /// Another core tag (`!!int`, `!!bool`, …) or a local tag.
    Other,
}

/// A scalar as stored in the tree: its value (after escape processing and folding), how it was
/// written, and its tag. The value borrows from the tree: most values are slices of the file's
/// text, and the others (escaped, folded) live in one string arena, so no scalar costs an
/// allocation of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scalar<'t> {
    /// The value after escape processing (for JSON strings: after unescaping).
    pub value: &'t str,
    pub style: ScalarStyle,
    pub tag: ScalarTag,
}

impl Scalar<'_> {
    /// True when the YAML 1.1 resolver decides the type (an untagged plain scalar).
    pub fn is_plain(&self) -> bool {
        self.style == ScalarStyle::Plain && self.tag == ScalarTag::None
    }

    /// What Kubernetes reads this scalar as.
    pub fn resolved(&self) -> crate::yaml11::Resolved {
        if self.is_plain() {
            crate::yaml11::resolve_plain(self.value)
        } else {
            crate::yaml11::Resolved::Str
        }
    }
}

/// One `key: value` pair of a map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: NodeId,
    pub value: NodeId,
    /// Came from a `<<` merge rather than being written in this map.
    pub merged: bool,
}

/// What a node is, borrowed from the tree.
#[derive(Clone, Copy, Debug)]
pub enum NodeKind<'t> {
    Scalar(Scalar<'t>),
    Seq(&'t [NodeId]),
    Map(&'t [Entry]),
    /// A node the loader could not build (an unknown or recursive alias).
    Invalid,
}

/// A node of the tree: what it is and where it was written.
#[derive(Clone, Copy, Debug)]
pub struct Node<'t> {
    pub kind: NodeKind<'t>,
    pub span: Span,
}

const KIND_SCALAR: u8 = 0;
const KIND_SEQ: u8 = 1;
const KIND_MAP: u8 = 2;
const KIND_INVALID: u8 = 3;
/// The scalar's value is in [`Tree::strings`], not a slice of the text.
const IN_ARENA: u8 = 0x80;

/// One node as stored: 17 bytes (packed: fields are only ever copied out, never borrowed).
/// `a`/`b` are the value's offset and length (scalars, in the text or the string arena), or the
/// first child and the child count (in `items` or `entries`).
#[derive(Clone, Copy, Debug)]
#[repr(C, packed)]
struct Stored {
    span: Span,
    a: u32,
    b: u32,
    /// Kind (bits 0–1), style (bits 2–4), tag (bits 5–6), [`IN_ARENA`] (bit 7).
    info: u8,
}

const STYLES: [ScalarStyle; 5] = [
    ScalarStyle::Plain,
    ScalarStyle::SingleQuoted,
    ScalarStyle::DoubleQuoted,
    ScalarStyle::Literal,
    ScalarStyle::Folded,
];
const TAGS: [ScalarTag; 3] = [ScalarTag::None, ScalarTag::Str, ScalarTag::Other];

fn style_bits(style: ScalarStyle) -> u8 {
    (STYLES.iter().position(|s| *s == style).unwrap_or(0) as u8) << 2
}

fn tag_bits(tag: ScalarTag) -> u8 {
    (TAGS.iter().position(|t| *t == tag).unwrap_or(0) as u8) << 5
}

/// The arena of one file: every node of every document, in four flat arrays. Nodes are
/// appended children first; a collection's children are one contiguous run of `items` or
/// `entries`.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    /// The file's text, which most scalar values are slices of.
    text: std::sync::Arc<str>,
    nodes: Vec<Stored>,
    items: Vec<NodeId>,
    entries: Vec<Entry>,
    /// Scalar values that are not a slice of the text (escapes, folding, JSON strings).
    strings: String,
}

impl Tree {
    /// An empty tree for `text`.
    pub fn new(text: std::sync::Arc<str>) -> Tree {
        Tree {
            text,
            ..Tree::default()
        }
    }

    /// Room for about `bytes` bytes of YAML (a guess from typical manifests), so that the
    /// arrays do not grow by copying while a large file loads.
    pub(crate) fn reserve_for(&mut self, bytes: usize) {
        self.nodes.reserve(bytes / 14);
        self.entries.reserve(bytes / 30);
        self.items.reserve(bytes / 200);
    }

    /// Room for `factor` times the nodes, entries, items and strings of `sample` (the first
    /// parts of a file loaded in parts, with `factor` the file's size over theirs), and 3% more.
    pub(crate) fn reserve_like(&mut self, sample: &[&Tree], factor: f64) {
        let scaled = |n: usize| (n as f64 * factor * 1.03) as usize;
        let sum = |f: fn(&Tree) -> usize| scaled(sample.iter().map(|t| f(t)).sum());
        self.nodes.reserve(sum(|t| t.nodes.len()));
        self.entries.reserve(sum(|t| t.entries.len()));
        self.items.reserve(sum(|t| t.items.len()));
        self.strings.reserve(sum(|t| t.strings.len()));
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every node, in id order (ids are `0..len()`).
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = Node<'_>> + '_ {
        (0..self.nodes.len() as NodeId).map(|id| self.node(id))
    }

    pub fn node(&self, id: NodeId) -> Node<'_> {
        let n = self.nodes[id as usize];
        let kind = match n.info & 3 {
            KIND_SCALAR => NodeKind::Scalar(self.scalar_of(&n)),
            KIND_SEQ => NodeKind::Seq(&self.items[n.a as usize..(n.a + n.b) as usize]),
            KIND_MAP => NodeKind::Map(&self.entries[n.a as usize..(n.a + n.b) as usize]),
            _ => NodeKind::Invalid,
        };
        Node { kind, span: n.span }
    }

    fn scalar_of(&self, n: &Stored) -> Scalar<'_> {
        Scalar {
            value: self.value_of(n),
            style: STYLES[usize::from((n.info >> 2) & 7).min(4)],
            tag: TAGS[usize::from((n.info >> 5) & 3).min(2)],
        }
    }

    fn value_of(&self, n: &Stored) -> &str {
        let (a, b) = (n.a, n.b);
        let range = a as usize..(a + b) as usize;
        if n.info & IN_ARENA != 0 {
            &self.strings[range]
        } else {
            &self.text[range]
        }
    }

    /// The source text under `span` (`None` when the span is not in the text).
    pub fn text_at(&self, span: Span) -> Option<&str> {
        self.text.get(span.range())
    }

    /// Append a scalar. A value that is a slice of the tree's text is stored as its position;
    /// any other value is copied into the string arena.
    pub(crate) fn push_scalar(
        &mut self,
        span: Span,
        value: &str,
        style: ScalarStyle,
        tag: ScalarTag,
    ) -> NodeId {
        let base = self.text.as_ptr() as usize;
        let at = (value.as_ptr() as usize).wrapping_sub(base);
        let (a, flag) = if value.is_empty() {
            (0, 0)
        } else if at < self.text.len() && value.len() <= self.text.len() - at {
            (at as u32, 0)
        } else if self.text.get(span.range()) == Some(value) {
            // A value equal to its whole source text, copied by the parser.
            (span.start, 0)
        } else {
            let off = self.strings.len() as u32;
            self.strings.push_str(value);
            (off, IN_ARENA)
        };
        self.push_stored(Stored {
            span,
            a,
            b: value.len() as u32,
            info: KIND_SCALAR | style_bits(style) | tag_bits(tag) | flag,
        })
    }

    pub(crate) fn push_seq(&mut self, span: Span, items: &[NodeId]) -> NodeId {
        let a = self.items.len() as u32;
        self.items.extend_from_slice(items);
        self.push_stored(Stored {
            span,
            a,
            b: items.len() as u32,
            info: KIND_SEQ,
        })
    }

    pub(crate) fn push_map(&mut self, span: Span, entries: &[Entry]) -> NodeId {
        let a = self.entries.len() as u32;
        self.entries.extend_from_slice(entries);
        self.push_stored(Stored {
            span,
            a,
            b: entries.len() as u32,
            info: KIND_MAP,
        })
    }

    pub(crate) fn push_invalid(&mut self, span: Span) -> NodeId {
        self.push_stored(Stored {
            span,
            a: 0,
            b: 0,
            info: KIND_INVALID,
        })
    }

    /// Move `other`'s nodes after this tree's (both trees of the same text), renumbering
    /// them; returns the number `other`'s node ids moved up by. Loading a large file in parts
    /// ends here.
    pub(crate) fn append(&mut self, other: Tree) -> NodeId {
        let nodes = self.nodes.len() as u32;
        let items = self.items.len() as u32;
        let entries = self.entries.len() as u32;
        let strings = self.strings.len() as u32;
        self.nodes.extend(other.nodes.iter().map(|&n| {
            let mut n = n;
            match n.info & 3 {
                KIND_SEQ => n.a += items,
                KIND_MAP => n.a += entries,
                KIND_SCALAR if n.info & IN_ARENA != 0 => n.a += strings,
                _ => {}
            }
            n
        }));
        self.items.extend(other.items.iter().map(|&i| i + nodes));
        self.entries.extend(other.entries.iter().map(|e| Entry {
            key: e.key + nodes,
            value: e.value + nodes,
            merged: e.merged,
        }));
        self.strings.push_str(&other.strings);
        nodes
    }

    fn push_stored(&mut self, n: Stored) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(n);
        id
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.nodes[id as usize].span
    }

    pub fn scalar(&self, id: NodeId) -> Option<Scalar<'_>> {
        let n = &self.nodes[id as usize];
        (n.info & 3 == KIND_SCALAR).then(|| self.scalar_of(n))
    }

    /// The scalar's text when Kubernetes would read it as a string (quoted, block, `!!str`, or
    /// plain text that resolves to a string).
    pub fn as_str(&self, id: NodeId) -> Option<&str> {
        let s = self.scalar(id)?;
        match s.resolved() {
            crate::yaml11::Resolved::Str => Some(s.value),
            _ => None,
        }
    }

    /// The scalar's text whatever its type (`1.5`, `true`, `name`).
    pub fn scalar_text(&self, id: NodeId) -> Option<&str> {
        let n = &self.nodes[id as usize];
        (n.info & 3 == KIND_SCALAR).then(|| self.value_of(n))
    }

    pub fn entries(&self, id: NodeId) -> Option<&[Entry]> {
        let n = &self.nodes[id as usize];
        (n.info & 3 == KIND_MAP).then(|| &self.entries[n.a as usize..(n.a + n.b) as usize])
    }

    pub fn items(&self, id: NodeId) -> Option<&[NodeId]> {
        let n = &self.nodes[id as usize];
        (n.info & 3 == KIND_SEQ).then(|| &self.items[n.a as usize..(n.a + n.b) as usize])
    }

    /// A map's entries with their scalar key text (entries with other keys are left out); none
    /// when `map` is `None` or not a map.
    pub fn string_entries(&self, map: Option<NodeId>) -> Vec<(&str, Entry)> {
        map.and_then(|m| self.entries(m))
            .map(|es| {
                es.iter()
                    .filter_map(|e| Some((self.scalar_text(e.key)?, *e)))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        self.nodes[id as usize].info & 3 == KIND_MAP
    }

    pub fn is_null(&self, id: NodeId) -> bool {
        self.scalar(id)
            .is_some_and(|s| s.resolved() == crate::yaml11::Resolved::Null)
    }

    /// The entry for `key` in map `id`. With duplicate keys the last one wins, as it does for
    /// Kubernetes' YAML decoder.
    pub fn get_entry(&self, id: NodeId, key: &str) -> Option<Entry> {
        self.entries(id)?
            .iter()
            .rev()
            .find(|e| {
                let k = &self.nodes[e.key as usize];
                k.info & 3 == KIND_SCALAR && k.b as usize == key.len() && self.value_of(k) == key
            })
            .copied()
    }

    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.get_entry(id, key).map(|e| e.value)
    }

    /// Follow a path of map keys from `id`.
    pub fn path(&self, id: NodeId, path: &[&str]) -> Option<NodeId> {
        path.iter().try_fold(id, |node, key| self.get(node, key))
    }

    /// Follow a path whose last step returns the entry (key and value spans).
    pub fn path_entry(&self, id: NodeId, path: &[&str]) -> Option<Entry> {
        let (last, parents) = path.split_last()?;
        let parent = self.path(id, parents)?;
        self.get_entry(parent, last)
    }

    /// A short description of a node's type for messages.
    pub fn type_name(&self, id: NodeId) -> &'static str {
        match &self.node(id).kind {
            NodeKind::Scalar(s) => s.resolved().type_name(),
            NodeKind::Seq(_) => "list",
            NodeKind::Map(_) => "map",
            NodeKind::Invalid => "invalid node",
        }
    }

    /// Convert a node to JSON the way Kubernetes would see it (YAML 1.1 scalars, merges applied,
    /// last duplicate wins). Iterative, so depth is not limited by the stack.
    pub fn to_json(&self, id: NodeId) -> serde_json::Value {
        use serde_json::{Map, Value};
        enum Work {
            Visit(NodeId),
            BuildSeq(usize),
            BuildMap(Vec<String>),
        }
        let mut work = vec![Work::Visit(id)];
        let mut out: Vec<Value> = Vec::new();
        while let Some(w) = work.pop() {
            match w {
                Work::Visit(n) => match self.node(n).kind {
                    NodeKind::Scalar(s) => out.push(scalar_json(&s)),
                    NodeKind::Invalid => out.push(Value::Null),
                    NodeKind::Seq(items) => {
                        work.push(Work::BuildSeq(items.len()));
                        work.extend(items.iter().rev().map(|&i| Work::Visit(i)));
                    }
                    NodeKind::Map(entries) => {
                        let keys = entries
                            .iter()
                            .map(|e| self.scalar_text(e.key).unwrap_or("").to_string())
                            .collect();
                        work.push(Work::BuildMap(keys));
                        work.extend(entries.iter().rev().map(|e| Work::Visit(e.value)));
                    }
                },
                Work::BuildSeq(n) => {
                    let items = out.split_off(out.len() - n);
                    out.push(Value::Array(items));
                }
                Work::BuildMap(keys) => {
                    let values = out.split_off(out.len() - keys.len());
                    let mut map = Map::new();
                    for (k, v) in keys.into_iter().zip(values) {
                        map.insert(k, v);
                    }
                    out.push(Value::Object(map));
                }
            }
        }
        out.pop().unwrap_or(serde_json::Value::Null)
    }
}

fn scalar_json(s: &Scalar<'_>) -> serde_json::Value {
    use crate::yaml11::Resolved;
    use serde_json::Value;
    match s.resolved() {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => i64::try_from(i)
            .map(Value::from)
            .or_else(|_| u64::try_from(i).map(Value::from))
            .unwrap_or(Value::Null),
        Resolved::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Resolved::Str => Value::String(s.value.to_string()),
    }
}
