//! What the Lbc per-set rules need from each object.

use ekslint_manifest::{Object, ParsedFile};

use crate::index::Facts;

/// Lbc facts of the whole input.
#[derive(Debug, Default)]
pub struct LbcFacts {}

impl Facts for LbcFacts {
    fn collect(&mut self, _file: &ParsedFile, _obj: &Object) {}
    fn append(&mut self, _other: &mut Self) {}
}
