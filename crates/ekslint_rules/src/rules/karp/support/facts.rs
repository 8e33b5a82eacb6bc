//! What the KARP per-set rules need from each object: NodePools and the node classes they name,
//! Cluster Autoscaler annotations, and the workloads that read IMDS, as names, short values and
//! locations.

use ekslint_manifest::pod::label_constraints;
use ekslint_manifest::{NodeId, Object, ParsedFile, Tree};

use super::table::{KARPENTER, On};
use super::{AWS_GROUP, EC2_NODE_CLASS, GROUP, Version};
use crate::index::{ByKey, Facts, Loc, Namespace};

/// `nodeClassRef` of a NodePool.
#[derive(Clone, Debug)]
pub struct ClassRef {
    pub group: Option<Box<str>>,
    pub kind: Option<Box<str>>,
    pub name: Box<str>,
    pub name_loc: Loc,
}

/// A taint of a NodePool's nodes.
#[derive(Clone, Debug)]
pub struct Taint {
    pub key: Box<str>,
    pub value: Option<Box<str>>,
    pub effect: Box<str>,
}

/// A toleration of a pod.
#[derive(Clone, Debug)]
pub struct Toleration {
    pub key: Option<Box<str>>,
    pub exists: bool,
    pub value: Option<Box<str>>,
    pub effect: Option<Box<str>>,
}

impl Toleration {
    /// Does it tolerate `t` (Kubernetes' `ToleratesTaint`)?
    pub fn tolerates(&self, t: &Taint) -> bool {
        if self.effect.as_deref().is_some_and(|e| e != &*t.effect) {
            return false;
        }
        match &self.key {
            None => self.exists,
            Some(k) if **k != *t.key => false,
            Some(_) if self.exists => true,
            Some(_) => self.value.as_deref().unwrap_or("") == t.value.as_deref().unwrap_or(""),
        }
    }
}

#[derive(Clone, Debug)]
pub struct NodePoolFact {
    pub name: Box<str>,
    pub name_loc: Loc,
    pub version: Version,
    pub class_ref: Option<ClassRef>,
    pub taints: Vec<Taint>,
    /// `spec.template.spec.kubelet` (the key).
    pub kubelet: Option<Loc>,
    /// The `compatibility.karpenter.sh/v1beta1-kubelet-conversion` annotation (the key).
    pub kubelet_compat: Option<Loc>,
}

impl NodePoolFact {
    /// Does the pool launch EKS Auto Mode nodes (its class is an `eks.amazonaws.com` NodeClass)?
    pub fn is_auto_mode(&self) -> bool {
        self.class_ref
            .as_ref()
            .and_then(|r| r.group.as_deref())
            .is_some_and(super::is_auto_mode_group)
    }
}

#[derive(Clone, Debug)]
pub struct NodeClassFact {
    pub name: Box<str>,
    pub name_loc: Loc,
    pub version: Version,
    /// The effective `metadataOptions.httpPutResponseHopLimit`.
    pub hop_limit: i64,
    /// Where the hop limit is written, when it is.
    pub hop_loc: Option<Loc>,
    /// `spec.kubelet` (the key).
    pub kubelet: Option<Loc>,
}

/// A Cluster Autoscaler annotation on a pod or node.
#[derive(Clone, Debug)]
pub struct CaUse {
    pub key: Box<str>,
    pub value_loc: Loc,
    /// What Karpenter reads instead.
    pub karpenter: &'static str,
    /// The object already has `karpenter.sh/do-not-disrupt`.
    pub has_do_not_disrupt: bool,
}

/// Where a pod's required node constraints send it.
#[derive(Clone, Debug, Default)]
pub struct Pins {
    /// `karpenter.sh/nodepool In [...]`.
    pub pools: Option<Vec<Box<str>>>,
    /// `karpenter.k8s.aws/ec2nodeclass In [...]`.
    pub classes: Option<Vec<Box<str>>>,
    /// Pinned to capacity Karpenter does not launch: Fargate, Auto Mode, a managed node group.
    pub elsewhere: bool,
}

/// A workload that reads IMDS for something its manifest does not give it.
#[derive(Clone, Debug)]
pub struct ImdsPod {
    pub namespace: Box<str>,
    pub labels: Vec<(Box<str>, Box<str>)>,
    /// The consumer's name and what it reads from IMDS.
    pub consumer: &'static str,
    pub what: Box<str>,
    pub help: Box<str>,
    /// The container's `image` value.
    pub image_loc: Loc,
    pub host_network: bool,
    pub pins: Pins,
    pub tolerations: Vec<Toleration>,
}

#[derive(Clone, Debug, Default)]
pub struct KarpFacts {
    pub pools: Vec<NodePoolFact>,
    pub classes: Vec<NodeClassFact>,
    /// EKS Auto Mode `NodeClass` names.
    pub auto_classes: Vec<Box<str>>,
    /// Any Karpenter NodePool or Provisioner (any version): where it is.
    pub karpenter_present: Option<Loc>,
    pub ca: Vec<CaUse>,
    pub imds: Vec<ImdsPod>,
    class_by_name: ByKey,
    pool_by_name: ByKey,
}

fn loc(file: &ParsedFile, tree: &Tree, n: NodeId) -> Loc {
    Loc::new(&file.source, tree.span(n))
}

fn text(tree: &Tree, map: NodeId, key: &str) -> Option<Box<str>> {
    tree.get(map, key)
        .and_then(|n| tree.scalar_text(n))
        .map(Into::into)
}

/// Where the required node constraints of a pod spec send it.
pub fn pins(tree: &Tree, pod_spec: NodeId) -> Pins {
    let mut p = Pins::default();
    let compute_type = KARPENTER.auto_mode.compute_type_label.as_str();
    for c in label_constraints(tree, pod_spec) {
        if !c.source.is_required() {
            continue;
        }
        let values = || c.values.iter().map(|(v, _)| Box::<str>::from(*v)).collect();
        match (c.key, c.operator) {
            ("karpenter.sh/nodepool", "In") => p.pools = Some(values()),
            ("karpenter.k8s.aws/ec2nodeclass", "In") => p.classes = Some(values()),
            ("eks.amazonaws.com/nodegroup", "In" | "Exists") => p.elsewhere = true,
            // Karpenter's own nodes carry no compute-type label; Fargate, Auto Mode and hybrid
            // nodes do.
            (k, "In" | "Exists") if k == compute_type => p.elsewhere = true,
            _ => {}
        }
    }
    p
}

/// The tolerations of a pod spec.
pub fn tolerations(tree: &Tree, pod_spec: NodeId) -> Vec<Toleration> {
    ekslint_manifest::pod::tolerations(tree, pod_spec)
        .into_iter()
        .map(|t| Toleration {
            key: t.key.filter(|(k, _)| !k.is_empty()).map(|(k, _)| k.into()),
            exists: t.operator == Some("Exists"),
            value: t.value.map(|(v, _)| v.into()),
            effect: t.effect.filter(|e| !e.is_empty()).map(Into::into),
        })
        .collect()
}

impl Facts for KarpFacts {
    fn collect(&mut self, file: &ParsedFile, obj: &Object) {
        let tree = &file.tree;
        let (Some(kind), group) = (obj.kind_str(tree), obj.group(tree)) else {
            return;
        };
        let name_loc = || {
            loc(
                file,
                tree,
                obj.name
                    .map(|f| f.node)
                    .or(obj.kind.map(|f| f.node))
                    .unwrap_or(obj.node),
            )
        };
        let name: Box<str> = obj.name_str(tree).unwrap_or("").into();
        if group == GROUP
            && matches!(kind, "NodePool" | "Provisioner")
            && self.karpenter_present.is_none()
        {
            self.karpenter_present = Some(name_loc());
        }
        if let Some(version) = super::node_pool(tree, obj) {
            let spec = obj.get(tree, &["spec", "template", "spec"]);
            let class_ref = spec
                .and_then(|s| tree.get(s, "nodeClassRef"))
                .and_then(|r| {
                    let n = tree.get(r, "name")?;
                    Some(ClassRef {
                        group: text(tree, r, "group").or_else(|| {
                            // v1beta1 named the API version instead of the group.
                            text(tree, r, "apiVersion")
                                .map(|v| v.split('/').next().unwrap_or("").into())
                        }),
                        kind: text(tree, r, "kind"),
                        name: tree.scalar_text(n)?.into(),
                        name_loc: loc(file, tree, n),
                    })
                });
            let taints = spec
                .and_then(|s| tree.get(s, "taints"))
                .and_then(|t| tree.items(t))
                .unwrap_or(&[])
                .iter()
                .filter_map(|&t| {
                    Some(Taint {
                        key: text(tree, t, "key")?,
                        value: text(tree, t, "value"),
                        effect: text(tree, t, "effect")?,
                    })
                })
                .collect();
            self.pools.push(NodePoolFact {
                name,
                name_loc: name_loc(),
                version,
                class_ref,
                taints,
                kubelet: spec
                    .and_then(|s| tree.get_entry(s, "kubelet"))
                    .map(|e| loc(file, tree, e.key)),
                kubelet_compat: obj
                    .get(tree, &["metadata", "annotations"])
                    .and_then(|a| {
                        tree.get_entry(a, "compatibility.karpenter.sh/v1beta1-kubelet-conversion")
                    })
                    .map(|e| loc(file, tree, e.key)),
            });
            return;
        }
        if let Some(version) = super::ec2_node_class(tree, obj) {
            let hop = obj.get(
                tree,
                &["spec", "metadataOptions", "httpPutResponseHopLimit"],
            );
            let explicit = hop
                .and_then(|n| tree.scalar_text(n))
                .and_then(|t| t.parse().ok());
            // v1 defaults to 1; v1beta1 defaulted to 2.
            let default = match version {
                Version::V1 => KARPENTER.default_hop_limit,
                Version::V1beta1 => 2,
            };
            self.classes.push(NodeClassFact {
                name,
                name_loc: name_loc(),
                version,
                hop_limit: explicit.unwrap_or(default),
                hop_loc: hop
                    .filter(|_| explicit.is_some())
                    .map(|n| loc(file, tree, n)),
                kubelet: obj
                    .get(tree, &["spec"])
                    .and_then(|s| tree.get_entry(s, "kubelet"))
                    .map(|e| loc(file, tree, e.key)),
            });
            return;
        }
        if kind == KARPENTER.auto_mode.node_class_kind
            && group == KARPENTER.auto_mode.node_class_group
        {
            self.auto_classes.push(name);
            return;
        }
        if group == AWS_GROUP && kind == EC2_NODE_CLASS {
            return;
        }
        // Cluster Autoscaler annotations: on pods (and pod templates) and on nodes.
        let is_node = obj.is_core(tree, "Node");
        let meta = if is_node {
            obj.get(tree, &["metadata"])
        } else {
            obj.pod_metadata(tree)
        };
        if let Some(ann) = meta.and_then(|m| tree.get(m, "annotations")) {
            let dnd = tree.get(ann, &KARPENTER.do_not_disrupt).is_some();
            for a in &KARPENTER.cluster_autoscaler.annotations {
                if (a.on == On::Node) != is_node {
                    continue;
                }
                if let Some(v) = tree.get(ann, &a.key)
                    && tree.scalar_text(v) == Some(a.value.as_str())
                {
                    self.ca.push(CaUse {
                        key: a.key.as_str().into(),
                        value_loc: loc(file, tree, v),
                        karpenter: &a.karpenter,
                        has_do_not_disrupt: dnd,
                    });
                }
            }
        }
        let Some(pod) = obj.pod_spec(tree).filter(|p| tree.is_map(*p)) else {
            return;
        };
        let unmet = super::imds::unmet(tree, pod);
        if unmet.is_empty() {
            return;
        }
        let labels: Vec<(Box<str>, Box<str>)> = tree
            .string_entries(obj.pod_metadata(tree).and_then(|m| tree.get(m, "labels")))
            .into_iter()
            .filter_map(|(k, e)| Some((k.into(), tree.scalar_text(e.value)?.into())))
            .collect();
        let host_network = tree
            .get(pod, "hostNetwork")
            .and_then(|n| tree.scalar_text(n))
            == Some("true");
        for u in unmet {
            self.imds.push(ImdsPod {
                namespace: Namespace::as_text(obj.namespace_str(tree)).into(),
                labels: labels.clone(),
                consumer: &u.consumer.name,
                what: u.what().into(),
                help: u.help().into(),
                image_loc: loc(file, tree, u.image),
                host_network,
                pins: pins(tree, pod),
                tolerations: tolerations(tree, pod),
            });
        }
    }

    fn append(&mut self, other: &mut Self) {
        self.pools.append(&mut other.pools);
        self.classes.append(&mut other.classes);
        self.auto_classes.append(&mut other.auto_classes);
        if self.karpenter_present.is_none() {
            self.karpenter_present = other.karpenter_present.take();
        }
        self.ca.append(&mut other.ca);
        self.imds.append(&mut other.imds);
        self.class_by_name.reset();
        self.pool_by_name.reset();
    }
}

impl KarpFacts {
    /// The EC2NodeClasses named `name`.
    pub fn classes_named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a NodeClassFact> + 'a {
        self.class_by_name
            .find(&self.classes, |c| Some(c.name.to_string()), name)
    }

    /// The NodePools named `name`.
    pub fn pools_named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a NodePoolFact> + 'a {
        self.pool_by_name
            .find(&self.pools, |p| Some(p.name.to_string()), name)
    }

    /// The EC2NodeClass a NodePool names, when the input has it.
    pub fn class_of(&self, pool: &NodePoolFact) -> Option<&NodeClassFact> {
        let r = pool.class_ref.as_ref()?;
        if pool.is_auto_mode() || r.kind.as_deref().is_some_and(|k| k != EC2_NODE_CLASS) {
            return None;
        }
        self.classes_named(&r.name).next()
    }
}
