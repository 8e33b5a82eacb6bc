//! The span tree: an arena of nodes shared by every document of one file.
//!
//! Nodes are built iteratively from parser events (no recursion, so deep input cannot overflow a
//! worker thread's stack). An alias is the anchored node's id, so aliases cost nothing to store;
//! the expansion weight of every node is tracked to stop alias bombs. Maps keep every entry in
//! source order, duplicates included, so a duplicate key is visible with both spans.

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

#[derive(Clone, Debug)]
pub struct Scalar {
    /// The value after escape processing (for JSON strings: after unescaping).
    pub value: Box<str>,
    pub style: ScalarStyle,
    pub tag: ScalarTag,
}

impl Scalar {
    /// True when the YAML 1.1 resolver decides the type (an untagged plain scalar).
    pub fn is_plain(&self) -> bool {
        self.style == ScalarStyle::Plain && self.tag == ScalarTag::None
    }

    /// What Kubernetes reads this scalar as.
    pub fn resolved(&self) -> crate::yaml11::Resolved {
        if self.is_plain() {
            crate::yaml11::resolve_plain(&self.value)
        } else {
            crate::yaml11::Resolved::Str
        }
    }
}

/// One `key: value` pair of a map.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub key: NodeId,
    pub value: NodeId,
    /// Came from a `<<` merge rather than being written in this map.
    pub merged: bool,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<NodeId>),
    Map(Vec<Entry>),
    /// A node the loader could not build (an unknown or recursive alias).
    Invalid,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    /// Number of nodes this node expands to, aliases expanded (saturating).
    pub weight: u32,
}

/// The arena of one file.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.node(id).span
    }

    pub fn push(&mut self, node: Node) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node);
        id
    }

    pub fn scalar(&self, id: NodeId) -> Option<&Scalar> {
        match &self.node(id).kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text when Kubernetes would read it as a string (quoted, block, `!!str`, or
    /// plain text that resolves to a string).
    pub fn as_str(&self, id: NodeId) -> Option<&str> {
        let s = self.scalar(id)?;
        match s.resolved() {
            crate::yaml11::Resolved::Str => Some(&s.value),
            _ => None,
        }
    }

    /// The scalar's text whatever its type (`1.5`, `true`, `name`).
    pub fn scalar_text(&self, id: NodeId) -> Option<&str> {
        self.scalar(id).map(|s| &*s.value)
    }

    pub fn entries(&self, id: NodeId) -> Option<&[Entry]> {
        match &self.node(id).kind {
            NodeKind::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn items(&self, id: NodeId) -> Option<&[NodeId]> {
        match &self.node(id).kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
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
        matches!(self.node(id).kind, NodeKind::Map(_))
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
            .find(|e| self.scalar_text(e.key) == Some(key))
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
                Work::Visit(n) => match &self.node(n).kind {
                    NodeKind::Scalar(s) => out.push(scalar_json(s)),
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

fn scalar_json(s: &Scalar) -> serde_json::Value {
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
