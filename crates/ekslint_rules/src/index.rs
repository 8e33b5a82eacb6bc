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
    /// Once every file is merged: give each [`Namespace`] the namespace of the kustomization
    /// that lists its file.
    fn settle(&mut self, _namespaces: &NamespaceMap) {}
}

/// The namespace an object lands in, as far as the input tells: its `metadata.namespace`, or the
/// `namespace:` of the kustomization.yaml that lists its file (which Kustomize applies over the
/// object's own), or, when neither says, the one the deploy tool sets (`kubectl apply -n`, Helm,
/// Argo CD, Flux). A namespace set at deploy time matches any namespace: the linter cannot tell
/// which it will be, and saying "missing from `default`" would be a guess.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Namespace(Option<Box<str>>);

impl Namespace {
    /// From `metadata.namespace` (an empty string counts as unset).
    pub fn of(ns: Option<&str>) -> Namespace {
        Namespace(ns.filter(|n| !n.is_empty()).map(Into::into))
    }

    /// A namespace the input names.
    pub fn known(ns: &str) -> Namespace {
        Namespace(Some(ns.into()))
    }

    /// The name, when the input says it.
    pub fn name(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// Set by the deploy tool: matches any namespace.
    pub fn at_deploy_time(&self) -> bool {
        self.0.is_none()
    }

    /// The namespace as text, empty when it is set at deploy time (for facts kept as text).
    pub fn as_text(ns: Option<&str>) -> &str {
        ns.unwrap_or("")
    }

    /// [`Namespace::may_equal`] on namespaces kept as text (empty: set at deploy time).
    pub fn text_may_equal(a: &str, b: &str) -> bool {
        a.is_empty() || b.is_empty() || a == b
    }

    /// Can two objects be in the same namespace?
    pub fn may_equal(&self, other: &Namespace) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// `` `namespace/name` ``, or `` `name` `` when the namespace is set at deploy time.
    pub fn qualify(&self, name: &str) -> String {
        match &self.0 {
            Some(n) => format!("`{n}/{name}`"),
            None => format!("`{name}`"),
        }
    }

    /// Apply the kustomization namespace of the object's file, if any (several overlays that
    /// put the file in different namespaces make it one set at deploy time).
    pub fn settle(&mut self, file: &FileRef, map: &NamespaceMap) {
        if let Some(ns) = map.namespace_of(&file.path) {
            self.0 = ns.map(Into::into);
        }
    }
}

impl std::fmt::Display for Namespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(n) => write!(f, "`{n}`"),
            None => f.write_str("set at deploy time"),
        }
    }
}

/// A document with `metadata` and one of `apiVersion` and `kind` but not the other: the API
/// server rejects it, unless a kustomization of the input applies its file as a patch.
#[derive(Clone, Debug)]
pub struct ShapeGap {
    /// The key that is present.
    pub present: Loc,
    pub missing: &'static str,
}

impl ShapeGap {
    /// The gaps of one file's documents.
    pub fn of_file(file: &ParsedFile) -> Vec<ShapeGap> {
        let tree = &file.tree;
        file.documents
            .iter()
            .filter_map(|doc| {
                let root = doc.root?;
                if !tree.is_map(root) || !tree.get(root, "metadata").is_some_and(|m| tree.is_map(m))
                {
                    return None;
                }
                let (present, missing) = match (
                    tree.get_entry(root, "apiVersion"),
                    tree.get_entry(root, "kind"),
                ) {
                    (Some(a), None) => (a, "kind"),
                    (None, Some(k)) => (k, "apiVersion"),
                    _ => return None,
                };
                Some(ShapeGap {
                    present: Loc::new(&file.source, tree.span(present.key)),
                    missing,
                })
            })
            .collect()
    }
}

/// A kustomization.yaml of the input (a Kustomization or a Component): its directory, its
/// `namespace:`, its `resources:` (files and directories, relative to the directory), the files
/// it applies as patches and the image names its `images:` replace.
#[derive(Clone, Debug, Default)]
pub struct Kustomization {
    pub dir: String,
    pub namespace: Option<String>,
    pub resources: Vec<String>,
    /// `patches[].path`, `patchesJson6902[].path` and the file items of
    /// `patchesStrategicMerge`, relative to the directory.
    pub patches: Vec<String>,
    pub images: Vec<ImageOverride>,
}

/// One `images:` entry of a kustomization that gives an image a new name: Kustomize replaces
/// the name (the reference without its tag or digest) of every container image equal to `name`
/// in the resources it builds.
#[derive(Clone, Debug)]
pub struct ImageOverride {
    pub name: String,
    pub new_name: String,
    /// The `newName` value.
    pub loc: Loc,
    pub style: ekslint_manifest::ScalarStyle,
}

impl Kustomization {
    /// The kustomization of a file named `kustomization.yaml`, `kustomization.yml` or
    /// `Kustomization`, read from its first document.
    pub fn of_file(file: &ParsedFile) -> Option<Kustomization> {
        let path = file.source.path.as_str();
        let (dir, name) = path.rsplit_once(['/', '\\']).unwrap_or(("", path));
        if !matches!(
            name,
            "kustomization.yaml" | "kustomization.yml" | "Kustomization"
        ) {
            return None;
        }
        let tree = &file.tree;
        let root = file.documents.first()?.root?;
        let namespace = tree
            .get(root, "namespace")
            .and_then(|n| tree.as_str(n))
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let resources = ["resources", "bases"]
            .iter()
            .filter_map(|k| tree.get(root, k))
            .filter_map(|l| tree.items(l))
            .flatten()
            .filter_map(|&r| tree.as_str(r))
            .filter(|r| !r.contains("://") && !r.starts_with("git@"))
            .map(str::to_string)
            .collect();
        let mut patches: Vec<String> = ["patches", "patchesJson6902"]
            .iter()
            .filter_map(|k| tree.get(root, k))
            .filter_map(|l| tree.items(l))
            .flatten()
            .filter_map(|&item| tree.get(item, "path"))
            .filter_map(|p| tree.as_str(p))
            .map(str::to_string)
            .collect();
        // An inline strategic-merge patch is a YAML text (it has a line break); a file is a path.
        patches.extend(
            tree.get(root, "patchesStrategicMerge")
                .and_then(|l| tree.items(l))
                .into_iter()
                .flatten()
                .filter_map(|&item| tree.as_str(item))
                .filter(|p| !p.contains('\n'))
                .map(str::to_string),
        );
        let images = tree
            .get(root, "images")
            .and_then(|l| tree.items(l))
            .into_iter()
            .flatten()
            .filter_map(|&entry| {
                let name = tree.get(entry, "name").and_then(|n| tree.as_str(n))?;
                let node = tree.get(entry, "newName")?;
                let new_name = tree.as_str(node).filter(|n| !n.is_empty())?;
                Some(ImageOverride {
                    name: name.to_string(),
                    new_name: new_name.to_string(),
                    loc: Loc::new(&file.source, tree.span(node)),
                    style: tree.scalar(node)?.style,
                })
            })
            .collect();
        Some(Kustomization {
            dir: dir.to_string(),
            namespace,
            resources,
            patches,
            images,
        })
    }

    /// Does this kustomization apply the file at `path` as a patch? Such a file holds a partial
    /// object: Kustomize merges it into a resource, and it never reaches the API server alone.
    pub fn patches_file(&self, path: &str) -> bool {
        let p = normalize(path);
        self.patches.iter().any(|r| normalize(&self.joined(r)) == p)
    }

    /// Does this kustomization build the file at `path`: does it list the file, or a directory
    /// above it (directly; a directory's own kustomization lists further)?
    pub fn lists(&self, path: &str) -> bool {
        let p = normalize(path);
        self.resources.iter().any(|r| {
            let r = normalize(&self.joined(r));
            p == r
                || (p.len() > r.len() && p.starts_with(r.as_str()) && p.as_bytes()[r.len()] == b'/')
        })
    }

    fn joined(&self, resource: &str) -> String {
        if self.dir.is_empty() {
            resource.to_string()
        } else {
            format!("{}/{resource}", self.dir)
        }
    }
}

/// Which files a kustomization with a `namespace:` lists (directly, or through a directory it
/// lists), and that namespace. The outermost kustomization wins, as Kustomize applies the
/// parent's namespace last: the one that lists the file through the widest entry (an overlay
/// lists the base's directory; the base lists the file).
#[derive(Clone, Debug, Default)]
pub struct NamespaceMap {
    /// (normalized resource path: a file or a directory, namespace).
    entries: Vec<(String, String)>,
    /// The kustomizations themselves (for what else they change, such as image names).
    kustomizations: Vec<Kustomization>,
}

impl NamespaceMap {
    pub fn new(kustomizations: &[Kustomization]) -> NamespaceMap {
        let mut entries = Vec::new();
        for k in kustomizations {
            let Some(ns) = &k.namespace else { continue };
            for r in &k.resources {
                entries.push((normalize(&k.joined(r)), ns.clone()));
            }
        }
        NamespaceMap {
            entries,
            kustomizations: kustomizations.to_vec(),
        }
    }

    /// The kustomizations of the input.
    pub fn kustomizations(&self) -> &[Kustomization] {
        &self.kustomizations
    }

    /// The namespace a kustomization gives the file at `path`: `None` when none lists it,
    /// `Some(None)` when the outermost ones that list it disagree (overlays for several
    /// namespaces).
    pub fn namespace_of(&self, path: &str) -> Option<Option<&str>> {
        if self.entries.is_empty() {
            return None;
        }
        let p = normalize(path);
        let listing: Vec<&(String, String)> = self
            .entries
            .iter()
            .filter(|(r, _)| {
                p == *r
                    || (p.len() > r.len()
                        && p.starts_with(r.as_str())
                        && p.as_bytes()[r.len()] == b'/')
            })
            .collect();
        let widest = listing.iter().map(|(r, _)| r.len()).min()?;
        let mut outer = listing.iter().filter(|(r, _)| r.len() == widest);
        let first = &outer.next()?.1;
        Some(outer.all(|(_, ns)| ns == first).then_some(first.as_str()))
    }
}

/// A path with `.` and `a/..` steps removed and `\\` as `/`, without touching the disk.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let unified = path.replace('\\', "/");
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            _ => out.push(part),
        }
    }
    let joined = out.join("/");
    if unified.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_from_kustomizations() {
        let ks = [
            Kustomization {
                dir: "repo/overlays/prod".into(),
                namespace: Some("shop-prod".into()),
                resources: vec!["../../base".into(), "extra.yaml".into()],
                patches: vec![
                    "patches/replicas.yaml".into(),
                    "./../../base/job-patch.yaml".into(),
                ],
                images: vec![],
            },
            Kustomization {
                dir: "repo/base".into(),
                namespace: Some("shop".into()),
                resources: vec!["deploy.yaml".into()],
                patches: vec![],
                images: vec![],
            },
            Kustomization {
                dir: "repo/other".into(),
                namespace: None,
                resources: vec!["x.yaml".into()],
                patches: vec![],
                images: vec![],
            },
        ];
        let map = NamespaceMap::new(&ks);
        // The overlay (outermost) wins over the base's own namespace.
        assert_eq!(
            map.namespace_of("repo/base/deploy.yaml"),
            Some(Some("shop-prod"))
        );
        assert_eq!(
            map.namespace_of("./repo/overlays/prod/extra.yaml"),
            Some(Some("shop-prod"))
        );
        assert_eq!(map.namespace_of("repo/basement/x.yaml"), None);
        assert_eq!(map.namespace_of("repo/other/x.yaml"), None);
        // A second overlay of the same base for another namespace: set at deploy time.
        let mut two = ks.to_vec();
        two.push(Kustomization {
            dir: "repo/overlays/staging".into(),
            namespace: Some("shop-staging".into()),
            resources: vec!["../../base".into()],
            patches: vec![],
            images: vec![],
        });
        assert_eq!(
            NamespaceMap::new(&two).namespace_of("repo/base/deploy.yaml"),
            Some(None)
        );
        assert_eq!(normalize("../a/./b/../c.yaml"), "../a/c.yaml");
        assert!(ks[0].lists("repo/base/deploy.yaml"));
        assert!(ks[0].lists("repo/overlays/prod/extra.yaml"));
        assert!(!ks[0].lists("repo/basement/deploy.yaml"));
        assert!(!ks[1].lists("repo/overlays/prod/extra.yaml"));
        assert!(ks[0].patches_file("repo/overlays/prod/patches/replicas.yaml"));
        assert!(ks[0].patches_file("./repo/base/job-patch.yaml"));
        assert!(!ks[0].patches_file("repo/overlays/prod/extra.yaml"));
        assert!(!ks[1].patches_file("repo/base/deploy.yaml"));
        let any = Namespace::of(None);
        assert!(any.at_deploy_time() && any.may_equal(&Namespace::known("x")));
        assert!(!Namespace::known("a").may_equal(&Namespace::known("b")));
        assert_eq!(any.to_string(), "set at deploy time");
    }
}
