//! The compact cross-object index that per-set rules read: facts, not trees.
//!
//! Every file contributes facts in the parallel per-file pass (context files too, see
//! `engine::collect_context`); the per-set pass then reads the merged index. Each rule family
//! owns one [`Facts`] type holding only what its per-set rules compare: names, namespaces,
//! short strings and the spans that findings and related labels point at.

use std::sync::Arc;

use ekslint_manifest::{Object, ParsedFile, SourceFile, Span};

/// A position in some file of the input: where a finding or a related label points.
#[derive(Clone, Debug)]
pub struct Loc {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

impl Loc {
    pub fn new(file: &Arc<SourceFile>, span: Span) -> Loc {
        Loc {
            file: file.clone(),
            span,
        }
    }
}

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

/// What one rule family gathers from each object for its per-set rules.
pub trait Facts: Default + Send + std::fmt::Debug {
    /// Record the facts of one Kubernetes object of `file`.
    fn collect(&mut self, file: &ParsedFile, obj: &Object);
    /// Move everything from `other` into `self` (merging the per-file results).
    fn append(&mut self, other: &mut Self);
}

/// Everything per-set rules need from the whole input.
#[derive(Debug, Default)]
pub struct SetIndex {
    pub objects: Vec<ObjectFacts>,
    pub irsa: crate::rules::irsa::facts::IrsaFacts,
    pub lbc: crate::rules::lbc::facts::LbcFacts,
    pub csi: crate::rules::csi::facts::CsiFacts,
}

impl SetIndex {
    /// The facts of one file.
    pub fn of_file(file: &ParsedFile) -> SetIndex {
        let mut index = SetIndex::default();
        let tree = &file.tree;
        for o in &file.objects {
            if o.kind_of == ekslint_manifest::ObjectKind::List {
                continue;
            }
            let (Some(api_version), Some(kind)) = (o.api_version(tree), o.kind_str(tree)) else {
                continue;
            };
            index.objects.push(ObjectFacts {
                file: file.source.clone(),
                api_version: api_version.into(),
                kind: kind.into(),
                name: o.name_str(tree).map(Into::into),
                namespace: o.namespace_str(tree).map(Into::into),
                span: o.kind.map(|k| k.value).unwrap_or(o.span),
            });
            index.irsa.collect(file, o);
            index.lbc.collect(file, o);
            index.csi.collect(file, o);
        }
        index
    }

    /// Merge another file's facts into this index.
    pub fn append(&mut self, other: &mut SetIndex) {
        self.objects.append(&mut other.objects);
        self.irsa.append(&mut other.irsa);
        self.lbc.append(&mut other.lbc);
        self.csi.append(&mut other.csi);
    }
}

/// The namespace an object lives in: its own, or `default` (what `kubectl apply` does without
/// `-n`). Cluster-scoped kinds are never asked.
pub fn namespace_or_default(ns: Option<&str>) -> &str {
    match ns {
        Some(n) if !n.is_empty() => n,
        _ => "default",
    }
}
