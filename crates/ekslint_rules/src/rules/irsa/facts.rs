//! What the Irsa per-set rules need from each object.

use ekslint_manifest::{Object, ParsedFile};

use crate::index::Facts;

/// Irsa facts of the whole input.
#[derive(Debug, Default)]
pub struct IrsaFacts {}

impl Facts for IrsaFacts {
    fn collect(&mut self, _file: &ParsedFile, _obj: &Object) {}
    fn append(&mut self, _other: &mut Self) {}
}
