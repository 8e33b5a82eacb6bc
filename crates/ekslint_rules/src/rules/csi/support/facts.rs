//! What the CSI per-set rules need from each object: StorageClasses, claims (PVCs, StatefulSet
//! `volumeClaimTemplates`, generic ephemeral volumes), PersistentVolumes and the pods that mount them.

use std::sync::Arc;

use ekslint_manifest::{NodeId, Object, ParsedFile, SourceFile, Tree};

use super::{Driver, StorageClass};
use crate::index::{ByKey, Facts, FileRef, Loc, Namespace, NamespaceMap};

/// The default-class annotation (and its beta predecessor).
pub const DEFAULT_CLASS_ANNOTATIONS: &[&str] = &[
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

#[derive(Clone, Debug)]
pub struct ClassFact {
    pub name: Box<str>,
    pub provisioner: Box<str>,
    /// EBS `type` (lower-cased key match) or FSx `deploymentType`.
    pub volume_type: Option<Box<str>>,
    /// FSx `storageType` and `perUnitStorageThroughput`, for size rounding.
    pub fsx_storage_type: Option<Box<str>>,
    pub fsx_throughput: Option<i64>,
    pub default: bool,
    /// The default-class annotation value, when `"true"`.
    pub default_loc: Option<Loc>,
    /// The `provisioner` value: where related labels point.
    pub loc: Loc,
}

impl ClassFact {
    /// The AWS driver behind the class (the in-tree EBS provisioner is migrated to EBS CSI).
    pub fn driver(&self) -> Option<Driver> {
        if &*self.provisioner == "kubernetes.io/aws-ebs" {
            return Some(Driver::Ebs);
        }
        Driver::of(&self.provisioner)
    }
}

/// The deprecated claim annotation that named the class before `storageClassName`.
const BETA_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// How a claim names its class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassRef {
    /// No `storageClassName`: the default class applies.
    Absent,
    /// `storageClassName: ""`: only pre-provisioned volumes.
    Empty,
    Named(Box<str>),
}

#[derive(Clone, Debug)]
pub struct ClaimFact {
    pub namespace: Namespace,
    pub name: Option<Box<str>>,
    /// `PersistentVolumeClaim`, `volumeClaimTemplates` or `ephemeral`.
    pub origin: &'static str,
    pub class: ClassRef,
    /// The `storageClassName` value, or the claim's name / template key when absent.
    pub class_loc: Loc,
    pub access_modes: Vec<(Box<str>, Loc)>,
    /// The `accessModes` key.
    pub access_modes_key: Option<Loc>,
    pub volume_mode: Option<(Box<str>, Loc)>,
    pub volume_name: Option<Box<str>>,
    pub storage: Option<(Box<str>, Loc)>,
}

#[derive(Clone, Debug)]
pub struct PvFact {
    pub name: Box<str>,
    pub driver: Option<Box<str>>,
    pub handle: Option<Box<str>>,
    pub class: Option<Box<str>>,
    pub access_modes: Vec<(Box<str>, Loc)>,
    pub access_modes_key: Option<Loc>,
    pub volume_mode: Option<(Box<str>, Loc)>,
    /// The `csi.driver` value (or the object's kind).
    pub loc: Loc,
}

/// A pod's reference to a claim by name.
#[derive(Clone, Debug)]
pub struct ClaimUse {
    pub claim: Box<str>,
    /// The `claimName` value, or the template's name.
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct PodFact {
    pub namespace: Namespace,
    /// The file the pod is in.
    pub file: FileRef,
    /// The pod's labels, for the Fargate profiles of the configuration.
    pub labels: Vec<(Box<str>, Box<str>)>,
    /// A required `eks.amazonaws.com/compute-type: fargate` (the FARGATE family's placement).
    pub fargate: Option<Loc>,
    /// `nodeSelector kubernetes.io/os: windows`.
    pub windows: Option<Loc>,
    pub claims: Vec<ClaimUse>,
    /// Inline `csi:` volumes and `awsElasticBlockStore`: (driver, where).
    pub inline: Vec<(Box<str>, Loc)>,
}

#[derive(Clone, Debug, Default)]
pub struct CsiFacts {
    pub classes: Vec<ClassFact>,
    pub claims: Vec<ClaimFact>,
    pub volumes: Vec<PvFact>,
    pub pods: Vec<PodFact>,
    class_by_name: ByKey,
    claim_by_name: ByKey,
    volume_by_name: ByKey,
}

fn loc(file: &Arc<SourceFile>, tree: &Tree, node: NodeId) -> Loc {
    Loc::new(file, tree.span(node))
}

fn modes(file: &Arc<SourceFile>, tree: &Tree, spec: NodeId) -> (Vec<(Box<str>, Loc)>, Option<Loc>) {
    let Some(e) = tree.get_entry(spec, "accessModes") else {
        return (Vec::new(), None);
    };
    let items = tree
        .items(e.value)
        .unwrap_or(&[])
        .iter()
        .filter_map(|&i| Some((tree.scalar_text(i)?.into(), loc(file, tree, i))))
        .collect();
    (items, Some(loc(file, tree, e.key)))
}

/// A claim from a PVC-shaped spec (`spec` of a PVC or of a template).
#[allow(clippy::too_many_arguments)] // one call per claim origin; a struct would only rename them
fn claim(
    file: &Arc<SourceFile>,
    tree: &Tree,
    spec: NodeId,
    namespace: &Namespace,
    name: Option<&str>,
    origin: &'static str,
    fallback: NodeId,
    metadata: Option<NodeId>,
) -> ClaimFact {
    // The deprecated annotation still wins over the field when both are set (the PV controller
    // reads it first); `""` there means "no class" too.
    let beta = metadata
        .and_then(|m| tree.get(m, "annotations"))
        .and_then(|a| tree.get_entry(a, BETA_CLASS_ANNOTATION));
    let class_entry = beta.or_else(|| tree.get_entry(spec, "storageClassName"));
    let class = match class_entry.map(|e| (e, tree.scalar_text(e.value))) {
        None => ClassRef::Absent,
        Some((e, _)) if tree.is_null(e.value) => ClassRef::Absent,
        Some((_, Some(""))) => ClassRef::Empty,
        Some((_, Some(s))) => ClassRef::Named(s.into()),
        Some((_, None)) => ClassRef::Absent,
    };
    let (access_modes, access_modes_key) = modes(file, tree, spec);
    let text = |k: &str| {
        tree.get(spec, k)
            .and_then(|n| Some((Box::<str>::from(tree.scalar_text(n)?), loc(file, tree, n))))
    };
    ClaimFact {
        namespace: namespace.clone(),
        name: name.map(Into::into),
        origin,
        class,
        class_loc: loc(file, tree, class_entry.map(|e| e.value).unwrap_or(fallback)),
        access_modes,
        access_modes_key,
        volume_mode: text("volumeMode"),
        volume_name: tree
            .get(spec, "volumeName")
            .and_then(|n| tree.scalar_text(n))
            .map(Into::into),
        storage: tree
            .path(spec, &["resources", "requests", "storage"])
            .and_then(|n| Some((Box::<str>::from(tree.scalar_text(n)?), loc(file, tree, n)))),
    }
}

impl Facts for CsiFacts {
    fn collect(&mut self, file: &ParsedFile, obj: &Object) {
        let tree = &file.tree;
        let src = &file.source;
        let kind = obj.kind_str(tree).unwrap_or("");
        let ns = Namespace::of(obj.namespace_str(tree));
        let name_node = obj.name.map(|f| f.node).unwrap_or(obj.node);
        if let Some(sc) = StorageClass::of(tree, obj) {
            let default_node = DEFAULT_CLASS_ANNOTATIONS.iter().find_map(|a| {
                obj.annotation(tree, a)
                    .filter(|n| tree.scalar_text(*n) == Some("true"))
            });
            let default = default_node.is_some();
            let d = sc.driver();
            let vtype = match d {
                Some(Driver::Ebs) => sc.value(Driver::Ebs, "type"),
                Some(Driver::Fsx) => sc.value(Driver::Fsx, "deploymentType"),
                _ if sc.provisioner == "kubernetes.io/aws-ebs" => sc
                    .params
                    .iter()
                    .rev()
                    .find(|p| p.key.eq_ignore_ascii_case("type"))
                    .and_then(|p| p.value)
                    .or(Some("gp2")),
                _ => None,
            };
            let fsx = d == Some(Driver::Fsx);
            self.classes.push(ClassFact {
                name: obj.name_str(tree).unwrap_or("").into(),
                provisioner: sc.provisioner.into(),
                volume_type: vtype.map(Into::into),
                fsx_storage_type: fsx
                    .then(|| sc.value(Driver::Fsx, "storageType"))
                    .flatten()
                    .map(Into::into),
                fsx_throughput: fsx
                    .then(|| sc.value(Driver::Fsx, "perUnitStorageThroughput"))
                    .flatten()
                    .and_then(|v| v.parse().ok()),
                default,
                default_loc: default_node.map(|n| loc(src, tree, n)),
                loc: loc(src, tree, sc.provisioner_node),
            });
            return;
        }
        if !obj.group(tree).is_empty() && obj.pod_spec(tree).is_none() {
            return;
        }
        match kind {
            "PersistentVolumeClaim" => {
                if let Some(spec) = obj.get(tree, &["spec"]) {
                    self.claims.push(claim(
                        src,
                        tree,
                        spec,
                        &ns,
                        obj.name_str(tree),
                        "PersistentVolumeClaim",
                        name_node,
                        obj.get(tree, &["metadata"]),
                    ));
                }
                return;
            }
            "PersistentVolume" => {
                let Some(spec) = obj.get(tree, &["spec"]) else {
                    return;
                };
                let (access_modes, access_modes_key) = modes(src, tree, spec);
                let csi = tree.get(spec, "csi");
                let text = |n: Option<NodeId>, k: &str| {
                    n.and_then(|n| tree.get(n, k))
                        .and_then(|v| tree.scalar_text(v))
                        .map(Box::<str>::from)
                };
                let in_tree_ebs = tree.get(spec, "awsElasticBlockStore");
                self.volumes.push(PvFact {
                    name: obj.name_str(tree).unwrap_or("").into(),
                    driver: text(csi, "driver")
                        .or_else(|| in_tree_ebs.map(|_| "ebs.csi.aws.com".into())),
                    handle: text(csi, "volumeHandle"),
                    class: text(Some(spec), "storageClassName"),
                    access_modes,
                    access_modes_key,
                    volume_mode: tree.get(spec, "volumeMode").and_then(|n| {
                        Some((Box::<str>::from(tree.scalar_text(n)?), loc(src, tree, n)))
                    }),
                    loc: loc(
                        src,
                        tree,
                        csi.and_then(|c| tree.get(c, "driver"))
                            .or(in_tree_ebs)
                            .unwrap_or(name_node),
                    ),
                });
                return;
            }
            _ => {}
        }
        let Some(pod) = obj.pod_spec(tree) else {
            return;
        };
        let sel = |k: &str, v: &str| {
            tree.path(pod, &["nodeSelector", k])
                .filter(|n| tree.scalar_text(*n) == Some(v))
                .map(|n| loc(src, tree, n))
        };
        let mut fact = PodFact {
            namespace: ns.clone(),
            file: src.file_ref.clone(),
            labels: crate::rules::fargate::support::placement::pod_labels(tree, obj)
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            fargate: crate::rules::fargate::support::placement::fargate_selector(tree, pod)
                .map(|n| loc(src, tree, n)),
            windows: sel("kubernetes.io/os", "windows")
                .or_else(|| sel("beta.kubernetes.io/os", "windows")),
            claims: Vec::new(),
            inline: Vec::new(),
        };
        for &v in tree
            .get(pod, "volumes")
            .and_then(|l| tree.items(l))
            .unwrap_or(&[])
        {
            if let Some(n) = tree.path(v, &["persistentVolumeClaim", "claimName"])
                && let Some(c) = tree.scalar_text(n)
            {
                fact.claims.push(ClaimUse {
                    claim: c.into(),
                    loc: loc(src, tree, n),
                });
            }
            if let Some(spec) = tree.path(v, &["ephemeral", "volumeClaimTemplate", "spec"]) {
                // The generated claim is `<pod>-<volume>`; keep it under a private name.
                let vname = tree
                    .get(v, "name")
                    .and_then(|n| tree.scalar_text(n))
                    .unwrap_or("");
                let key = format!("\0ephemeral/{}/{vname}", obj.name_str(tree).unwrap_or(""));
                let at = tree.get(v, "ephemeral").unwrap_or(v);
                self.claims.push(claim(
                    src,
                    tree,
                    spec,
                    &ns,
                    Some(&key),
                    "ephemeral",
                    at,
                    tree.path(v, &["ephemeral", "volumeClaimTemplate", "metadata"]),
                ));
                fact.claims.push(ClaimUse {
                    claim: key.into(),
                    loc: loc(
                        src,
                        tree,
                        tree.get_entry(v, "ephemeral").map(|e| e.key).unwrap_or(v),
                    ),
                });
            }
            if let Some(d) = tree
                .path(v, &["csi", "driver"])
                .and_then(|n| Some((tree.scalar_text(n)?, n)))
            {
                fact.inline.push((d.0.into(), loc(src, tree, d.1)));
            }
            if let Some(e) = tree.get_entry(v, "awsElasticBlockStore") {
                fact.inline
                    .push(("ebs.csi.aws.com".into(), loc(src, tree, e.key)));
            }
        }
        if kind == "StatefulSet" {
            for &t in obj
                .get(tree, &["spec", "volumeClaimTemplates"])
                .and_then(|l| tree.items(l))
                .unwrap_or(&[])
            {
                let Some(spec) = tree.get(t, "spec") else {
                    continue;
                };
                let tname_node = tree.path(t, &["metadata", "name"]);
                let tname = tname_node.and_then(|n| tree.scalar_text(n)).unwrap_or("");
                let key = format!("\0template/{}/{tname}", obj.name_str(tree).unwrap_or(""));
                self.claims.push(claim(
                    src,
                    tree,
                    spec,
                    &ns,
                    Some(&key),
                    "volumeClaimTemplates",
                    tname_node.unwrap_or(t),
                    tree.get(t, "metadata"),
                ));
                fact.claims.push(ClaimUse {
                    claim: key.into(),
                    loc: loc(src, tree, tname_node.unwrap_or(t)),
                });
            }
        }
        self.pods.push(fact);
    }

    fn settle(&mut self, namespaces: &NamespaceMap) {
        for c in &mut self.claims {
            c.namespace.settle(&c.class_loc.file, namespaces);
        }
        for p in &mut self.pods {
            p.namespace.settle(&p.file, namespaces);
        }
    }

    fn append(&mut self, other: &mut Self) {
        self.classes.append(&mut other.classes);
        self.claims.append(&mut other.claims);
        self.volumes.append(&mut other.volumes);
        self.pods.append(&mut other.pods);
        self.class_by_name.reset();
        self.claim_by_name.reset();
        self.volume_by_name.reset();
    }
}

impl ClaimFact {
    /// The name to show: the claim's, or the template's for generated claims.
    pub fn display_name(&self) -> String {
        match self.name.as_deref() {
            Some(n) if n.starts_with('\0') => n.rsplit('/').next().unwrap_or("").to_string(),
            Some(n) => n.to_string(),
            None => String::new(),
        }
    }
}

/// The built-in EKS class: every cluster has `gp2` (in-tree EBS, migrated to EBS CSI), without the
/// default annotation on clusters created on 1.30 or later.
pub const EKS_BUILTIN_CLASS: &str = "gp2";

/// How a claim's class resolved.
pub enum Resolved<'a> {
    Class(&'a ClassFact),
    /// Named `gp2` and not defined in the input: EKS's own class.
    EksGp2,
    /// A static volume the claim binds to by `volumeName`.
    Volume(&'a PvFact),
    None,
}

impl CsiFacts {
    /// Classes named `name`, the one nearest to `from` (longest common path) first.
    pub fn class_named(&self, name: &str, from: &FileRef) -> Option<&ClassFact> {
        self.class_by_name
            .find(&self.classes, |c| Some(c.name.to_string()), name)
            .max_by_key(|c| common_prefix(&c.loc.file.path, &from.path))
    }

    /// Does the input define a class named `name`?
    pub fn has_class(&self, name: &str) -> bool {
        self.class_by_name
            .find(&self.classes, |c| Some(c.name.to_string()), name)
            .next()
            .is_some()
    }

    /// The default classes of the input.
    pub fn defaults(&self) -> impl Iterator<Item = &ClassFact> {
        self.classes.iter().filter(|c| c.default)
    }

    /// What serves a claim: its volume (by `volumeName`), its class, or the default class.
    pub fn resolve<'a>(&'a self, c: &ClaimFact) -> Resolved<'a> {
        let from = &c.class_loc.file;
        if let Some(v) = &c.volume_name
            && let Some(pv) = self
                .volume_by_name
                .find(&self.volumes, |p| Some(p.name.to_string()), v)
                .max_by_key(|p| common_prefix(&p.loc.file.path, &from.path))
        {
            return Resolved::Volume(pv);
        }
        match &c.class {
            ClassRef::Named(n) => match self.class_named(n, from) {
                Some(cl) => Resolved::Class(cl),
                None if &**n == EKS_BUILTIN_CLASS => Resolved::EksGp2,
                None => Resolved::None,
            },
            ClassRef::Absent => self
                .defaults()
                .max_by_key(|cl| common_prefix(&cl.loc.file.path, &from.path))
                .map_or(Resolved::None, Resolved::Class),
            ClassRef::Empty => Resolved::None,
        }
    }

    /// The claim a pod uses, in the pod's namespace (either may be set at deploy time; nearest
    /// file first).
    pub fn claim_named(&self, ns: &Namespace, name: &str, from: &FileRef) -> Option<&ClaimFact> {
        self.claim_by_name
            .find(
                &self.claims,
                |c| c.name.as_deref().map(str::to_string),
                name,
            )
            .filter(|c| c.namespace.may_equal(ns))
            .max_by_key(|c| common_prefix(&c.class_loc.file.path, &from.path))
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}
