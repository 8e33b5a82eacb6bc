//! The building blocks of the cross-object index that per-set rules read: facts, not trees.
//!
//! Every file contributes facts in the parallel per-file pass (context files too, see
//! `engine::collect_context`); the per-set pass then reads the merged index. Each rule family
//! owns one [`Facts`] type holding only what its per-set rules compare: names, namespaces,
//! short strings and the spans that findings and related labels point at. The index of all
//! families, [`crate::rules::SetIndex`], sits beside the rule registry; this module knows no
//! family.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

pub use ekslint_manifest::FileRef;
use ekslint_manifest::{ParsedFile, SourceFile, Span};

/// A position in some file of the input: where a finding or a related label points. It names
/// the file without holding its text (see [`FileRef`]).
#[derive(Clone, Debug)]
pub struct Loc {
    pub file: FileRef,
    pub span: Span,
}

impl Loc {
    pub fn new(file: &Arc<SourceFile>, span: Span) -> Loc {
        Loc {
            file: file.file_ref.clone(),
            span,
        }
    }
}

/// What one rule family gathers from each object for its per-set rules.
pub trait Facts: Default + Send + std::fmt::Debug {
    /// Record the facts of one Kubernetes object of `file`.
    fn collect(&mut self, file: &ParsedFile, obj: &ekslint_manifest::Object);
    /// Move everything from `other` into `self` (merging the per-file results).
    fn append(&mut self, other: &mut Self);
}

/// The namespace an object lives in: its own, or `default` (what `kubectl apply` does without
/// `-n`). Cluster-scoped kinds are never asked.
pub fn namespace_or_default(ns: Option<&str>) -> &str {
    match ns {
        Some(n) if !n.is_empty() => n,
        _ => "default",
    }
}

/// A hash index over one fact list, built on first use: by then every file's facts are merged
/// (per-set rules run after the per-file pass). Lookups by name are what keep the per-set pass
/// linear; a scan per workload or per claim made it quadratic in the input.
///
/// The key function must be the same on every call for one index; positions come back in input
/// order, so "first", "last" and "nearest" keep the meaning the linear scans had.
#[derive(Clone, Debug, Default)]
pub struct ByKey(OnceLock<HashMap<Box<str>, Vec<u32>>>);

impl ByKey {
    /// The items whose key is `query`, in input order.
    pub fn find<'a, T>(
        &'a self,
        items: &'a [T],
        key: fn(&T) -> Option<String>,
        query: &str,
    ) -> impl DoubleEndedIterator<Item = &'a T> + 'a {
        let map = self.0.get_or_init(|| {
            let mut map: HashMap<Box<str>, Vec<u32>> = HashMap::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if let Some(k) = key(item) {
                    map.entry(k.into()).or_default().push(i as u32);
                }
            }
            map
        });
        map.get(query)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(move |&i| &items[i as usize])
    }

    /// Forget the index (the list changed).
    pub fn reset(&mut self) {
        self.0.take();
    }
}

/// The key of a namespaced name in a [`ByKey`] index.
pub fn ns_key(namespace: &str, name: &str) -> String {
    let mut k = String::with_capacity(namespace.len() + name.len() + 1);
    k.push_str(namespace);
    k.push('\0');
    k.push_str(name);
    k
}
