//! The SCHEMA family's share of the cross-object index: the CRDs of every file (context files
//! included) and the custom resources whose CRD is not in their own file, each kept as a copy
//! of its subtree (nodes with their spans in the original file). After the per-file pass each
//! such resource is validated once, against a CRD from the input (compiled from its copy only
//! when a resource needs it), or else a bundled one.
//!
//! Why here and not in a pre-pass: a pre-pass would read every file twice on every run to find
//! the few CRDs. The copies cost memory in proportion to the CRDs and custom resources of the
//! input, and nothing when there are none; files are never read twice (docs/schema.md, "CRDs
//! in other files").

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use ekslint_manifest::{Entry, FileRef, Node, NodeId, NodeKind, Object, ParsedFile, Span, Tree};
use ekslint_schema::crd::Crd;
use ekslint_schema::{Violation, builtin, bundled};
use rayon::prelude::*;

use crate::context::SetCtx;
use crate::index::Facts;

/// A copy of one object's subtree.
#[derive(Clone, Debug)]
struct Subtree {
    tree: Arc<Tree>,
    object: Object,
}

/// A CRD of some file: what it defines, and its copy (compiled when a resource needs it).
#[derive(Clone, Debug)]
struct CrdFact {
    group: Box<str>,
    kind: Box<str>,
    file: FileRef,
    copy: Subtree,
}

/// A custom resource whose CRD is not in its own file.
#[derive(Clone, Debug)]
struct Instance {
    file: FileRef,
    path: Arc<str>,
    api_version: Box<str>,
    kind: Box<str>,
    copy: Subtree,
}

/// Where a custom resource's CRD is, for the findings' related label.
#[derive(Clone, Debug)]
pub(crate) struct CrdLoc {
    pub file: FileRef,
    pub span: Span,
    pub label: String,
}

/// The violations of one custom resource checked in the per-set pass.
#[derive(Clone, Debug)]
pub(crate) struct SetChecked {
    pub file: FileRef,
    pub violations: Vec<Violation>,
    pub note: Option<String>,
    pub crd: Option<CrdLoc>,
}

#[derive(Clone, Debug, Default)]
pub struct SchemaFacts {
    crds: Vec<CrdFact>,
    instances: Vec<Instance>,
    checked: OnceLock<Vec<SetChecked>>,
}

impl SchemaFacts {
    /// Forget the custom resources (context files: nothing is reported on them).
    pub fn drop_instances(&mut self) {
        self.instances.clear();
    }

    /// Every custom resource checked in the per-set pass, validated on first use.
    pub(crate) fn checked(&self, ctx: &SetCtx<'_>) -> &[SetChecked] {
        self.checked.get_or_init(|| self.validate(ctx))
    }

    fn validate(&self, ctx: &SetCtx<'_>) -> Vec<SetChecked> {
        let Some(builtin) = super::builtin_for(ctx.target) else {
            return Vec::new();
        };
        if self.instances.is_empty() {
            return Vec::new();
        }
        // Every CRD of the input for each kind; those some resource needs are compiled.
        let mut by_kind: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, c) in self.crds.iter().enumerate() {
            by_kind.entry((&*c.group, &*c.kind)).or_default().push(i);
        }
        let mut needed: Vec<usize> = self
            .instances
            .iter()
            .filter_map(|i| by_kind.get(&(i.api_version.split_once('/')?.0, &*i.kind)))
            .flatten()
            .copied()
            .collect();
        needed.sort_unstable();
        needed.dedup();
        let compiled: HashMap<usize, Crd> = needed
            .par_iter()
            .filter_map(|&c| {
                let f = &self.crds[c];
                Some((
                    c,
                    ekslint_schema::crd::compile(&f.copy.tree, f.copy.object.node)?,
                ))
            })
            .collect();
        let cel_on = super::cel_on(ctx.settings);
        // Independent resources: validated in parallel, collected in input order.
        self.instances
            .par_iter()
            .filter_map(|i| {
                let checked = self.check(i, &by_kind, &compiled, builtin, cel_on)?;
                (!checked.violations.is_empty()).then_some(checked)
            })
            .collect()
    }

    /// Validate one resource against the CRD of the input that defines its kind, or else the
    /// bundled one; `None` when there is neither.
    fn check(
        &self,
        i: &Instance,
        by_kind: &HashMap<(&str, &str), Vec<usize>>,
        compiled: &HashMap<usize, Crd>,
        builtin: &ekslint_schema::Registry,
        cel_on: bool,
    ) -> Option<SetChecked> {
        let (group, _) = i.api_version.split_once('/')?;
        let (tree, obj) = (&*i.copy.tree, &i.copy.object);
        if let Some(candidates) = by_kind.get(&(group, &*i.kind)) {
            // Several CRDs of the input define the kind (a chart's copy, a test stub): the one
            // with the most detailed schema for this version wins, the first on a tie.
            let (c, crd, version) = candidates
                .iter()
                .filter_map(|&c| {
                    let crd = compiled.get(&c)?;
                    let version = crd.version(&i.api_version)?;
                    version.schema?;
                    Some((c, crd, version))
                })
                .rev()
                .max_by_key(|(_, crd, _)| crd.registry.schemas.len())?;
            let id = version.schema?;
            return Some(SetChecked {
                file: i.file.clone(),
                violations: super::validate_custom(
                    tree,
                    obj,
                    &i.path,
                    (&crd.registry, id, version.cel.as_deref().filter(|_| cel_on)),
                    builtin,
                ),
                note: None,
                crd: Some(CrdLoc {
                    file: self.crds[c].file.clone(),
                    span: crd.name_span,
                    label: format!("the CustomResourceDefinition of {}", crd.kind),
                }),
            });
        }
        let b = bundled::find(group, &i.kind)?;
        let version = b.crd.version(&i.api_version)?;
        let id = version.schema?;
        Some(SetChecked {
            file: i.file.clone(),
            violations: super::validate_custom(
                tree,
                obj,
                &i.path,
                (
                    &b.crd.registry,
                    id,
                    version.cel.as_deref().filter(|_| cel_on),
                ),
                builtin,
            ),
            note: Some(format!(
                "checked against the {} CRD ekslint bundles ({}); put your own CRD in the input or in --context to check against that instead",
                b.crd.kind, b.upstream
            )),
            crd: None,
        })
    }
}

/// Copy the subtree of `obj` into a tree of its own (spans unchanged), with the object view
/// over the copy. With `prose` false, `description: <text>` entries are left out (most of a
/// CRD's text, and nothing validation reads).
fn copy(tree: &Tree, obj: &Object, prose: bool) -> Subtree {
    let keep = |e: &Entry| {
        prose || tree.scalar_text(e.key) != Some("description") || tree.scalar(e.value).is_none()
    };
    // Number the reachable nodes in discovery order (aliases make it a DAG), then rebuild.
    let mut ids: HashMap<NodeId, NodeId> = HashMap::new();
    let mut order: Vec<NodeId> = Vec::new();
    let mut stack = vec![obj.node];
    while let Some(n) = stack.pop() {
        if ids.contains_key(&n) {
            continue;
        }
        ids.insert(n, order.len() as NodeId);
        order.push(n);
        match &tree.node(n).kind {
            NodeKind::Seq(items) => stack.extend(items.iter().rev()),
            NodeKind::Map(entries) => {
                for e in entries.iter().rev().filter(|e| keep(e)) {
                    stack.push(e.value);
                    stack.push(e.key);
                }
            }
            _ => {}
        }
    }
    let map = |n: NodeId| ids[&n];
    let nodes = order
        .iter()
        .map(|&n| {
            let old = tree.node(n);
            Node {
                kind: match &old.kind {
                    NodeKind::Scalar(s) => NodeKind::Scalar(s.clone()),
                    NodeKind::Seq(items) => NodeKind::Seq(items.iter().map(|&i| map(i)).collect()),
                    NodeKind::Map(entries) => NodeKind::Map(
                        entries
                            .iter()
                            .filter(|e| keep(e))
                            .map(|e| Entry {
                                key: map(e.key),
                                value: map(e.value),
                                merged: e.merged,
                            })
                            .collect(),
                    ),
                    NodeKind::Invalid => NodeKind::Invalid,
                },
                span: old.span,
                weight: old.weight,
            }
        })
        .collect();
    let copied = Tree { nodes };
    let field = |f: Option<ekslint_manifest::Field>| {
        f.map(|f| ekslint_manifest::Field {
            node: map(f.node),
            ..f
        })
    };
    let object = Object {
        node: 0,
        api_version: field(obj.api_version),
        kind: field(obj.kind),
        name: field(obj.name),
        namespace: field(obj.namespace),
        ..obj.clone()
    };
    Subtree {
        tree: Arc::new(copied),
        object,
    }
}

/// The file (its text's address and digest) and the (group, kind) of its CRDs.
type FileKinds = (usize, u64, HashSet<(String, String)>);

thread_local! {
    /// The CRDs of the file being collected on this thread.
    static FILE_CRDS: RefCell<FileKinds> = RefCell::new((0, 0, HashSet::new()));
}

/// Does `file` define the CRD of (group, kind)? Then the per-file pass checks the resource.
fn defined_in_file(file: &ParsedFile, group: &str, kind: &str) -> bool {
    let key = (
        Arc::as_ptr(&file.source) as usize,
        file.source.file_ref.digest,
    );
    FILE_CRDS.with(|c| {
        let mut c = c.borrow_mut();
        if (c.0, c.1) != key {
            let tree = &file.tree;
            let set = file
                .objects
                .iter()
                .filter_map(|o| super::crd_identity(tree, o))
                .collect();
            *c = (key.0, key.1, set);
        }
        c.2.contains(&(group.to_string(), kind.to_string()))
    })
}

impl Facts for SchemaFacts {
    fn collect(&mut self, file: &ParsedFile, obj: &Object) {
        let tree = &file.tree;
        let (Some(api_version), Some(kind)) = (obj.api_version(tree), obj.kind_str(tree)) else {
            return;
        };
        if kind == "CustomResourceDefinition" {
            if let Some((group, kind)) = super::crd_identity(tree, obj) {
                self.crds.push(CrdFact {
                    group: group.into(),
                    kind: kind.into(),
                    file: file.source.file_ref.clone(),
                    copy: copy(tree, obj, false),
                });
            }
            return;
        }
        let Some((group, _)) = api_version.split_once('/') else {
            return;
        };
        if !group.contains('.')
            || builtin::is_builtin_kind(api_version, kind)
            || defined_in_file(file, group, kind)
        {
            return;
        }
        self.instances.push(Instance {
            file: file.source.file_ref.clone(),
            path: file.source.file_ref.path.clone(),
            api_version: api_version.into(),
            kind: kind.into(),
            copy: copy(tree, obj, true),
        });
    }

    fn append(&mut self, other: &mut Self) {
        self.crds.append(&mut other.crds);
        self.instances.append(&mut other.instances);
    }
}
