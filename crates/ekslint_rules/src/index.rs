//! The compact cross-object index that per-set rules read: facts, not trees.

use std::sync::Arc;

use ekslint_manifest::{SourceFile, Span};

/// Identity of one object, with the spans a related label needs.
#[derive(Clone, Debug)]
pub struct ObjectFacts {
    pub file: Arc<SourceFile>,
    pub api_version: Box<str>,
    pub kind: Box<str>,
    pub name: Option<Box<str>>,
    pub namespace: Option<Box<str>>,
    /// The `kind` value (or the object) span, for labels.
    pub span: Span,
}

/// Everything per-set rules need from the whole input.
#[derive(Debug, Default)]
pub struct SetIndex {
    pub objects: Vec<ObjectFacts>,
}
