//! What the Csi per-set rules need from each object.

use ekslint_manifest::{Object, ParsedFile};

use crate::index::Facts;

/// Csi facts of the whole input.
#[derive(Debug, Default)]
pub struct CsiFacts {}

impl Facts for CsiFacts {
    fn collect(&mut self, _file: &ParsedFile, _obj: &Object) {}
    fn append(&mut self, _other: &mut Self) {}
}
