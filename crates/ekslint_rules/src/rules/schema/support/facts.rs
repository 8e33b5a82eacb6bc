//! The SCHEMA family's share of the cross-object index: the CRDs of every file (context files
//! included) and the custom resources whose CRD is not in their own file, each kept as its text
//! (a [`Snippet`]). After the per-file pass each such resource is parsed again from its text and
//! validated, in parallel, against a CRD of the input (parsed and compiled only when a resource
//! needs it), or else a bundled one.
//!
//! Why here and not in a pre-pass: a pre-pass would read every file twice on every run to find
//! the few CRDs. The snippets cost memory in proportion to the text of the input's CRDs and
//! custom resources, and nothing when there are none; no file is read twice (docs/schema.md,
//! "CRDs in other files").

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use ekslint_manifest::{FileRef, Format, Object, ParsedFile, Span, Tree};
use ekslint_schema::crd::Crd;
use ekslint_schema::{Violation, builtin, bundled};
use rayon::prelude::*;

use crate::context::SetCtx;
use crate::index::Facts;

/// The text of one object, cut from its file so that it parses on its own: the bytes of its
/// first line before it (indentation, `- `) become spaces, so every offset in the snippet plus
/// `base` is the offset in the file.
#[derive(Clone, Debug)]
struct Snippet {
    text: Box<str>,
    base: u32,
    json: bool,
}

impl Snippet {
    fn of(file: &ParsedFile, obj: &Object) -> Snippet {
        let text = &*file.source.text;
        let (start, end) = (obj.span.start as usize, obj.span.end as usize);
        let line = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let mut cut = String::with_capacity(end - line);
        cut.extend(std::iter::repeat_n(' ', start - line));
        cut.push_str(&text[start..end]);
        Snippet {
            text: cut.into(),
            base: line as u32,
            json: Format::from_path(&file.source.path) == Format::Json,
        }
    }

    /// A CRD's snippet without its block-style `description: …` entries (most of a CRD's text,
    /// which validation never reads), so that parsing it again costs less. Offsets inside it no
    /// longer match the file; a CRD's findings point only at its name, kept apart.
    fn of_crd(file: &ParsedFile, obj: &Object) -> Snippet {
        let whole = Snippet::of(file, obj);
        if whole.json {
            return whole;
        }
        let text = &*file.source.text;
        let tree = &file.tree;
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        let mut stack = vec![obj.node];
        let mut seen = std::collections::HashSet::new();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            if let Some(items) = tree.items(n) {
                stack.extend(items);
            }
            for e in tree.entries(n).unwrap_or(&[]) {
                if tree.scalar_text(e.key) != Some("description") || tree.scalar(e.value).is_none()
                {
                    stack.push(e.value);
                    continue;
                }
                let (key, value) = (tree.span(e.key), tree.span(e.value));
                let line = text[..key.start as usize].rfind('\n').map_or(0, |i| i + 1);
                if !text[line..key.start as usize].bytes().all(|b| b == b' ') {
                    continue;
                }
                let end = value.end as usize;
                let end = if text[..end].ends_with('\n') {
                    end
                } else {
                    match text[end..].find('\n') {
                        Some(nl) if text[end..end + nl].trim().is_empty() => end + nl + 1,
                        _ => continue,
                    }
                };
                cuts.push((line, end));
            }
        }
        if cuts.is_empty() {
            return whole;
        }
        cuts.sort_unstable();
        let base = whole.base as usize;
        let mut out = String::with_capacity(whole.text.len());
        let mut at = base;
        for (from, to) in cuts {
            if from < at {
                continue;
            }
            out.push_str(&whole.text[at - base..from - base]);
            at = to;
        }
        let end = base + whole.text.len();
        if at < end {
            out.push_str(&whole.text[at - base..]);
        }
        Snippet {
            text: out.into(),
            ..whole
        }
    }

    /// Parse it again: the file and its one object (with spans relative to the snippet).
    fn parse(&self, limits: &ekslint_manifest::Limits) -> Option<(ParsedFile, Object)> {
        let format = if self.json {
            Format::Json
        } else {
            Format::Yaml
        };
        let source = std::sync::Arc::new(ekslint_manifest::SourceFile::new("", &*self.text));
        let parsed = ekslint_manifest::parse(source, format, limits);
        let obj = parsed.objects.first()?.clone();
        Some((parsed, obj))
    }

    fn shift(&self, span: Span) -> Span {
        Span::new(span.start + self.base, span.end + self.base)
    }
}

/// A CRD of some file: what it defines, and its text (compiled when a resource needs it).
#[derive(Clone, Debug)]
struct CrdFact {
    group: Box<str>,
    kind: Box<str>,
    file: FileRef,
    /// Its `metadata.name` in the file, where findings point for "the CRD".
    name_span: Span,
    /// The length of its text in the file: with several CRDs for one kind, the longest wins.
    len: usize,
    text: Snippet,
}

/// A custom resource whose CRD is not in its own file.
#[derive(Clone, Debug)]
struct Instance {
    file: FileRef,
    path: Arc<str>,
    api_version: Box<str>,
    kind: Box<str>,
    text: Snippet,
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
        // Every CRD of the input for each kind, the longest text (the most detailed schema)
        // first, then in input order; each is parsed and compiled once, when a resource needs it.
        let mut by_kind: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, c) in self.crds.iter().enumerate() {
            by_kind.entry((&*c.group, &*c.kind)).or_default().push(i);
        }
        for candidates in by_kind.values_mut() {
            candidates.sort_by_key(|&c| std::cmp::Reverse(self.crds[c].len));
        }
        let limits = &ctx.settings.limits;
        let cel_on = super::cel_on(ctx.settings);
        // The resources of one kind at a time (its CRDs compiled for them, then dropped, so
        // that at most one kind's compiled schemas are in memory), each kind's resources in
        // parallel; the results in input order.
        let mut kinds: Vec<((&str, &str), Vec<usize>)> = Vec::new();
        let mut slot: HashMap<(&str, &str), usize> = HashMap::new();
        for (n, i) in self.instances.iter().enumerate() {
            let Some((group, _)) = i.api_version.split_once('/') else {
                continue;
            };
            let key = (group, &*i.kind);
            let at = *slot.entry(key).or_insert_with(|| {
                kinds.push((key, Vec::new()));
                kinds.len() - 1
            });
            kinds[at].1.push(n);
        }
        let mut out: Vec<(usize, SetChecked)> = Vec::new();
        for (key, members) in kinds {
            let candidates: &[usize] = by_kind.get(&key).map_or(&[], Vec::as_slice);
            // The versions this kind's resources use: only their schemas are compiled.
            let mut versions: Vec<&str> = members
                .iter()
                .filter_map(|&n| {
                    self.instances[n]
                        .api_version
                        .split_once('/')
                        .map(|(_, v)| v)
                })
                .collect();
            versions.sort_unstable();
            versions.dedup();
            let compiled: Vec<OnceLock<Option<Crd>>> =
                candidates.iter().map(|_| OnceLock::new()).collect();
            let crd_at = |k: usize| {
                compiled[k]
                    .get_or_init(|| {
                        let f = &self.crds[candidates[k]];
                        let (parsed, obj) = f.text.parse(limits)?;
                        let mut crd =
                            ekslint_schema::crd::compile_versions(&parsed.tree, obj.node, &|v| {
                                versions.contains(&v)
                            })?;
                        crd.name_span = f.name_span;
                        Some(crd)
                    })
                    .as_ref()
            };
            let results: Vec<(usize, SetChecked)> = members
                .par_iter()
                .filter_map(|&n| {
                    let i = &self.instances[n];
                    let (parsed, obj) = i.text.parse(limits)?;
                    let mut checked = self.check(
                        i,
                        (&parsed.tree, &obj),
                        candidates,
                        &crd_at,
                        builtin,
                        cel_on,
                    )?;
                    for v in &mut checked.violations {
                        v.span = i.text.shift(v.span);
                        if let ekslint_schema::Problem::Duplicate { first, .. } = &mut v.problem {
                            *first = i.text.shift(*first);
                        }
                    }
                    (!checked.violations.is_empty()).then_some((n, checked))
                })
                .collect();
            out.extend(results);
        }
        out.sort_by_key(|(n, _)| *n);
        out.into_iter().map(|(_, c)| c).collect()
    }

    /// Validate one resource against the CRD of the input that defines its kind, or else the
    /// bundled one; `None` when there is neither.
    fn check<'c>(
        &self,
        i: &Instance,
        (tree, obj): (&Tree, &Object),
        candidates: &[usize],
        crd_at: &(dyn Fn(usize) -> Option<&'c Crd> + Sync),
        builtin: &ekslint_schema::Registry,
        cel_on: bool,
    ) -> Option<SetChecked> {
        let (group, _) = i.api_version.split_once('/')?;
        if !candidates.is_empty() {
            // Several CRDs of the input may define the kind (a chart's copy, a test stub): the
            // first of them (longest first) that serves this version.
            let (c, crd, version) = candidates.iter().enumerate().find_map(|(k, &c)| {
                let crd = crd_at(k)?;
                let version = crd.version(&i.api_version)?;
                version.schema?;
                Some((c, crd, version))
            })?;
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
                    name_span: obj.name.map_or(obj.span, |n| n.value),
                    len: obj.span.len() as usize,
                    text: Snippet::of_crd(file, obj),
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
            text: Snippet::of(file, obj),
        });
    }

    fn append(&mut self, other: &mut Self) {
        self.crds.append(&mut other.crds);
        self.instances.append(&mut other.instances);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_item_parses_on_its_own_and_its_spans_map_back() {
        let text = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: example.com/v1\n    kind: Widget\n    spec: {size: 3}\n  - {apiVersion: example.com/v1, kind: Widget, spec: {size: 4}}\n";
        let file = ekslint_manifest::parse_str("list.yaml", text);
        for obj in file.objects.iter().skip(1) {
            let snippet = Snippet::of(&file, obj);
            let (parsed, again) = snippet.parse(&Default::default()).expect("parses");
            assert_eq!(again.kind_str(&parsed.tree), Some("Widget"));
            let size = again.get(&parsed.tree, &["spec", "size"]).unwrap();
            let original = obj.get(&file.tree, &["spec", "size"]).unwrap();
            assert_eq!(
                snippet.shift(parsed.tree.span(size)),
                file.tree.span(original)
            );
        }
    }

    #[test]
    fn a_crd_snippet_without_descriptions_compiles_to_the_same_schema() {
        let text = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          description: Widget is a
            widget, over two lines.
          type: object
          properties:
            spec:
              description: |
                The spec.
              type: object
              required: [size]
              properties:
                description: {type: string, description: a field named description}
                size:
                  type: integer
                  description: \"how big\"
                  maximum: 10
";
        let file = ekslint_manifest::parse_str("crd.yaml", text);
        let obj = &file.objects[0];
        let snippet = Snippet::of_crd(&file, obj);
        assert!(snippet.text.len() < text.len() - 60, "{}", snippet.text);
        assert!(!snippet.text.contains("how big") && !snippet.text.contains("over two"));
        let (parsed, again) = snippet.parse(&Default::default()).expect("parses");
        let a = ekslint_schema::crd::compile(&file.tree, obj.node).unwrap();
        let b = ekslint_schema::crd::compile(&parsed.tree, again.node).unwrap();
        let spec = |c: &Crd| {
            let root = c.registry.get(c.schema_for("example.com/v1").unwrap());
            let spec = c.registry.get(root.property("spec").unwrap());
            (
                spec.required.clone(),
                spec.properties
                    .iter()
                    .map(|(k, _)| k.clone())
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(spec(&a), spec(&b));
        assert_eq!(a.registry.schemas.len(), b.registry.schemas.len());
    }
}
