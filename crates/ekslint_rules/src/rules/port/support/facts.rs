//! What the PORT per-set rules need from each object: image references (counted per registry),
//! identity markers (resolved against the IRSA facts' ServiceAccounts), other platforms' kinds
//! and the CRDs the input installs, class names with the classes the input defines, and
//! Ingresses without a class.

use ekslint_manifest::{NodeId, Object, ParsedFile, ScalarStyle};

use super::images::image_name;
use super::pods::{containers, pod_specs};
use super::table::{self, ApiGroupRow, ClassKind, ClassRow, IdentityOn, IdentityRow};
use crate::index::{Facts, Kustomization, Loc, Namespace, NamespaceMap};
use crate::support::placeholder::is_placeholder;

/// One container image reference.
#[derive(Clone, Debug)]
pub struct ImageFact {
    pub image: Box<str>,
    pub loc: Loc,
    /// How the value is written (a fix must keep its quotes).
    pub style: ScalarStyle,
}

/// An identity marker of another platform: a ServiceAccount annotation or a pod label.
#[derive(Clone, Debug)]
pub struct IdentityFact {
    pub row: &'static IdentityRow,
    pub namespace: Namespace,
    /// The ServiceAccount: the annotated one, or the one the pods run as.
    pub service_account: Box<str>,
    /// The annotation or label key.
    pub loc: Loc,
}

/// An object of a kind only another platform serves.
#[derive(Clone, Debug)]
pub struct KindFact {
    pub row: &'static ApiGroupRow,
    pub group: Box<str>,
    pub kind: Box<str>,
    /// The `kind` value.
    pub loc: Loc,
}

/// A class name used by an Ingress, Gateway or Service that another platform's controller
/// serves.
#[derive(Clone, Debug)]
pub struct ClassUse {
    pub kind: ClassKind,
    pub row: &'static ClassRow,
    pub name: Box<str>,
    /// Named by the `kubernetes.io/ingress.class` annotation (matched by controllers as text,
    /// not through an IngressClass object).
    pub by_annotation: bool,
    pub loc: Loc,
}

/// PORT facts of the whole input.
#[derive(Clone, Debug, Default)]
pub struct PortFacts {
    pub images: Vec<ImageFact>,
    pub identities: Vec<IdentityFact>,
    pub kinds: Vec<KindFact>,
    /// `(group, kind)` of every CustomResourceDefinition in the input.
    pub crds: Vec<(Box<str>, Box<str>)>,
    pub class_uses: Vec<ClassUse>,
    /// Names of the GatewayClasses in the input.
    pub gateway_classes: Vec<Box<str>>,
    /// Ingresses with neither `spec.ingressClassName` nor the class annotation: where to point.
    pub classless_ingresses: Vec<Loc>,
    /// An IngressClass of the input is the cluster default.
    pub default_ingress_class: bool,
    /// The `kind` value of every NetworkPolicy.
    pub network_policies: Vec<Loc>,
}

impl PortFacts {
    /// Follow the kustomizations' `images:` renames: an image whose name a kustomization that
    /// builds its file replaces is not pulled as written, so it is not judged; the `newName`
    /// value is an image reference in its own right (judged where it is written, unless an outer
    /// kustomization renames it again).
    fn kustomize_images(&mut self, kustomizations: &[Kustomization]) {
        if kustomizations.iter().all(|k| k.images.is_empty()) {
            return;
        }
        for k in kustomizations {
            for o in &k.images {
                if !is_placeholder(&o.new_name) {
                    self.images.push(ImageFact {
                        image: o.new_name.as_str().into(),
                        loc: o.loc.clone(),
                        style: o.style,
                    });
                }
            }
        }
        self.images.retain(|i| {
            let name = image_name(&i.image);
            !kustomizations
                .iter()
                .any(|k| k.images.iter().any(|o| o.name == name) && k.lists(&i.loc.file.path))
        });
    }

    pub fn has_crd(&self, group: &str, kind: &str) -> bool {
        self.crds.iter().any(|(g, k)| &**g == group && &**k == kind)
    }
}

const INGRESS_CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";
const DEFAULT_INGRESS_CLASS: &str = "ingressclass.kubernetes.io/is-default-class";

impl Facts for PortFacts {
    fn collect(&mut self, file: &ParsedFile, obj: &Object) {
        let tree = &file.tree;
        let loc = |n: NodeId| Loc::new(&file.source, tree.span(n));
        let (Some(kind), Some(kind_f)) = (obj.kind_str(tree), obj.kind) else {
            return;
        };
        let group = obj.group(tree);
        let namespace = Namespace::of(obj.namespace_str(tree));
        let text = |n: Option<NodeId>| {
            n.and_then(|n| tree.scalar_text(n))
                .filter(|s| !s.is_empty() && !is_placeholder(s))
        };

        // Kinds of another platform, and the CRDs the input installs.
        if let Some(row) = table::api_group(group, kind) {
            self.kinds.push(KindFact {
                row,
                group: group.into(),
                kind: kind.into(),
                loc: loc(kind_f.node),
            });
        }
        match (group, kind) {
            ("apiextensions.k8s.io", "CustomResourceDefinition") => {
                let g = text(obj.get(tree, &["spec", "group"]));
                let k = text(obj.get(tree, &["spec", "names", "kind"]));
                if let (Some(g), Some(k)) = (g, k) {
                    self.crds.push((g.into(), k.into()));
                }
            }
            ("networking.k8s.io", "IngressClass") => {
                let default = obj
                    .annotation(tree, DEFAULT_INGRESS_CLASS)
                    .and_then(|n| tree.scalar_text(n));
                if default == Some("true") {
                    self.default_ingress_class = true;
                }
            }
            ("networking.k8s.io", "NetworkPolicy") => {
                self.network_policies.push(loc(kind_f.node));
            }
            ("gateway.networking.k8s.io", "GatewayClass") => {
                if let Some(name) = obj.name_str(tree) {
                    self.gateway_classes.push(name.into());
                }
            }
            ("networking.k8s.io" | "extensions", "Ingress") => {
                let by_name = obj.get(tree, &["spec", "ingressClassName"]);
                let by_annotation = obj.annotation(tree, INGRESS_CLASS_ANNOTATION);
                for (node, annotated) in [(by_name, false), (by_annotation, true)] {
                    if let Some(name) = text(node)
                        && let Some(row) = table::class(ClassKind::Ingress, name)
                    {
                        self.class_uses.push(ClassUse {
                            kind: ClassKind::Ingress,
                            row,
                            name: name.into(),
                            by_annotation: annotated,
                            loc: loc(node.expect("has text")),
                        });
                    }
                }
                if by_name.is_none() && by_annotation.is_none() {
                    let at = tree
                        .path_entry(obj.node, &["spec"])
                        .map(|e| e.key)
                        .or(obj.name.map(|f| f.node))
                        .unwrap_or(kind_f.node);
                    self.classless_ingresses.push(loc(at));
                }
            }
            ("gateway.networking.k8s.io", "Gateway") => {
                let node = obj.get(tree, &["spec", "gatewayClassName"]);
                if let Some(name) = text(node)
                    && let Some(row) = table::class(ClassKind::Gateway, name)
                {
                    self.class_uses.push(ClassUse {
                        kind: ClassKind::Gateway,
                        row,
                        name: name.into(),
                        by_annotation: false,
                        loc: loc(node.expect("has text")),
                    });
                }
            }
            ("", "Service") => {
                let node = obj.get(tree, &["spec", "loadBalancerClass"]);
                if let Some(name) = text(node)
                    && let Some(row) = table::class(ClassKind::LoadBalancer, name)
                {
                    self.class_uses.push(ClassUse {
                        kind: ClassKind::LoadBalancer,
                        row,
                        name: name.into(),
                        by_annotation: false,
                        loc: loc(node.expect("has text")),
                    });
                }
            }
            ("", "ServiceAccount") => {
                let annotations = obj.get(tree, &["metadata", "annotations"]);
                if let Some(name) = obj.name_str(tree) {
                    for (key, e) in tree.string_entries(annotations) {
                        if let Some(row) = table::identity(IdentityOn::ServiceAccount, key) {
                            self.identities.push(IdentityFact {
                                row,
                                namespace: namespace.clone(),
                                service_account: name.into(),
                                loc: loc(e.key),
                            });
                        }
                    }
                }
            }
            _ => {}
        }

        // Pod labels that carry an identity, with the ServiceAccount the pods run as.
        if obj.is_workload(tree)
            && let Some(spec) = obj.pod_spec(tree)
        {
            let labels = obj.pod_metadata(tree).and_then(|m| tree.get(m, "labels"));
            let sa = ["serviceAccountName", "serviceAccount"]
                .iter()
                .find_map(|k| text(tree.get(spec, k)))
                .unwrap_or("default");
            for (key, e) in tree.string_entries(labels) {
                if let Some(row) = table::identity(IdentityOn::PodLabel, key) {
                    self.identities.push(IdentityFact {
                        row,
                        namespace: namespace.clone(),
                        service_account: sa.into(),
                        loc: loc(e.key),
                    });
                }
            }
        }

        // Images of every pod spec, built-in or in a custom resource.
        for spec in pod_specs(tree, obj) {
            for c in containers(tree, spec) {
                if let Some(node) = tree.get(c, "image")
                    && let Some(image) = text(Some(node))
                    && let Some(scalar) = tree.scalar(node)
                {
                    self.images.push(ImageFact {
                        image: image.into(),
                        loc: loc(node),
                        style: scalar.style,
                    });
                }
            }
        }
    }

    fn settle(&mut self, namespaces: &NamespaceMap) {
        self.kustomize_images(namespaces.kustomizations());
        for i in &mut self.identities {
            i.namespace.settle(&i.loc.file, namespaces);
        }
    }

    fn append(&mut self, other: &mut Self) {
        self.images.append(&mut other.images);
        self.identities.append(&mut other.identities);
        self.kinds.append(&mut other.kinds);
        self.crds.append(&mut other.crds);
        self.class_uses.append(&mut other.class_uses);
        self.gateway_classes.append(&mut other.gateway_classes);
        self.classless_ingresses
            .append(&mut other.classless_ingresses);
        self.default_ingress_class |= other.default_ingress_class;
        self.network_policies.append(&mut other.network_policies);
    }
}
