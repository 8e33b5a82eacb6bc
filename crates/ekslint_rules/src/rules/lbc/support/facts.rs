//! What the LBC per-set rules need from each object: IngressClasses, IngressClassParams,
//! Services and Ingresses, as names, short values and locations.

use ekslint_manifest::{NodeId, Object, ParsedFile, Tree};

use crate::finding::Edit;
use crate::index::{ByKey, Facts, Loc, Namespace, NamespaceMap};

use super::catalog::ValueType;
use super::parse::{parse_map, split_list};

/// An IngressClass.
#[derive(Debug, Clone)]
pub struct ClassFact {
    pub name: Box<str>,
    pub name_loc: Loc,
    pub controller: Option<(Box<str>, Loc)>,
    /// `spec.parameters`: apiGroup, kind, name, and where.
    pub params: Option<ParamsRef>,
}

#[derive(Debug, Clone)]
pub struct ParamsRef {
    pub api_group: Box<str>,
    pub kind: Box<str>,
    pub name: Box<str>,
    pub loc: Loc,
    pub name_loc: Loc,
}

/// An IngressClassParams, of the controller (`elbv2.k8s.aws`) or of EKS Auto Mode
/// (`eks.amazonaws.com`).
#[derive(Debug, Clone)]
pub struct ParamsFact {
    pub api_group: Box<str>,
    pub name: Box<str>,
    pub target_type: Option<Box<str>>,
    pub group: Option<Box<str>>,
    pub name_loc: Loc,
}

/// A Service port.
#[derive(Debug, Clone)]
pub struct PortFact {
    pub port: Option<i64>,
    pub name: Option<Box<str>>,
}

/// A Service.
#[derive(Debug, Clone)]
pub struct ServiceFact {
    pub namespace: Namespace,
    pub name: Box<str>,
    pub name_loc: Loc,
    /// `spec.type`, `ClusterIP` when absent.
    pub ty: Box<str>,
    pub type_loc: Option<Loc>,
    pub ports: Vec<PortFact>,
    pub ports_loc: Option<Loc>,
    /// `alb.ingress.kubernetes.io/target-type` on the Service, with its location.
    pub target_type: Option<(Box<str>, Loc)>,
}

/// How an Ingress backend names its Service port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortRef {
    Number(i64),
    Name(Box<str>),
}

#[derive(Debug, Clone)]
pub struct BackendFact {
    pub service: Box<str>,
    pub service_loc: Loc,
    pub port: Option<(PortRef, Loc)>,
}

/// An exclusive group setting of one Ingress: key, normalized value, where.
#[derive(Debug, Clone)]
pub struct ExclusiveFact {
    pub key: Box<str>,
    pub value: Box<str>,
    pub shown: Box<str>,
    pub loc: Loc,
}

/// An Ingress.
#[derive(Debug, Clone)]
pub struct IngressFact {
    pub namespace: Namespace,
    pub name: Box<str>,
    pub name_loc: Loc,
    /// `spec.ingressClassName`.
    pub class_name: Option<(Box<str>, Loc)>,
    /// Has `alb.ingress.kubernetes.io/` annotations.
    pub has_alb_annotations: bool,
    /// Annotations that EKS Auto Mode does not support (judged once the class is known).
    pub auto_mode_unsupported: Vec<(Box<str>, Loc)>,
    pub group: Option<(Box<str>, Loc)>,
    pub target_type: Option<(Box<str>, Loc)>,
    pub backends: Vec<BackendFact>,
    pub exclusive: Vec<ExclusiveFact>,
}

/// A `kubernetes.io/ingress.class` annotation on an ALB Ingress: LBC003 reports it in the per-set
/// pass, where the IngressClasses of the input are known, and offers to move it to
/// `spec.ingressClassName` (see `lbc_deprecated::class_annotation`).
#[derive(Debug, Clone)]
pub struct ClassAnnotationFact {
    pub key: Box<str>,
    pub key_loc: Loc,
    /// The annotation's value (empty when it is not a string).
    pub value: Box<str>,
    /// `spec.ingressClassName` is set.
    pub has_field: bool,
    /// Its value, when it is a string.
    pub field: Option<Box<str>>,
    /// The fix's edits on the Ingress's file (the annotation removed and, without the field,
    /// `spec.ingressClassName` inserted); `None` when they cannot be written faithfully.
    pub edits: Option<Vec<Edit>>,
}

/// LBC facts of the whole input.
#[derive(Clone, Debug, Default)]
pub struct LbcFacts {
    pub classes: Vec<ClassFact>,
    pub params: Vec<ParamsFact>,
    pub services: Vec<ServiceFact>,
    pub ingresses: Vec<IngressFact>,
    pub class_annotations: Vec<ClassAnnotationFact>,
    class_by_name: ByKey,
    params_by_name: ByKey,
    service_by_name: ByKey,
}

fn s(tree: &Tree, n: Option<NodeId>) -> Option<Box<str>> {
    n.and_then(|n| tree.as_str(n)).map(Into::into)
}

impl Facts for LbcFacts {
    fn collect(&mut self, file: &ParsedFile, obj: &Object) {
        let tree = &file.tree;
        // Before the early returns: an Ingress without a name still has its annotation judged.
        self.class_annotations
            .extend(super::super::lbc_deprecated::class_annotations(file, obj));
        let loc = |n: NodeId| Loc::new(&file.source, tree.span(n));
        let (Some(kind), Some(name_f)) = (obj.kind_str(tree), obj.name) else {
            return;
        };
        let Some(name) = obj.name_str(tree) else {
            return;
        };
        let name_loc = Loc::new(&file.source, name_f.value);
        let namespace = Namespace::of(obj.namespace_str(tree));
        match (kind, obj.group(tree)) {
            ("IngressClass", "networking.k8s.io") => {
                let controller = obj
                    .get(tree, &["spec", "controller"])
                    .and_then(|n| Some((tree.as_str(n)?.into(), loc(n))));
                let params = obj.get(tree, &["spec"]).and_then(|spec| {
                    let entry = tree.get_entry(spec, "parameters")?;
                    let p = entry.value;
                    let name_n = tree.get(p, "name")?;
                    Some(ParamsRef {
                        api_group: s(tree, tree.get(p, "apiGroup")).unwrap_or_default(),
                        kind: s(tree, tree.get(p, "kind")).unwrap_or_default(),
                        name: s(tree, Some(name_n))?,
                        loc: loc(entry.key),
                        name_loc: loc(name_n),
                    })
                });
                self.classes.push(ClassFact {
                    name: name.into(),
                    name_loc,
                    controller,
                    params,
                });
            }
            ("IngressClassParams", group @ ("elbv2.k8s.aws" | "eks.amazonaws.com")) => {
                self.params.push(ParamsFact {
                    api_group: group.into(),
                    name: name.into(),
                    target_type: s(tree, obj.get(tree, &["spec", "targetType"])),
                    group: s(tree, obj.get(tree, &["spec", "group", "name"])),
                    name_loc,
                })
            }
            ("Service", "") => {
                let ty_n = obj.get(tree, &["spec", "type"]);
                let ports_n = obj.get(tree, &["spec", "ports"]);
                let ports = ports_n
                    .and_then(|p| tree.items(p))
                    .unwrap_or(&[])
                    .iter()
                    .map(|&p| PortFact {
                        port: tree
                            .get(p, "port")
                            .and_then(|n| tree.scalar_text(n))
                            .and_then(|t| t.parse().ok()),
                        name: s(tree, tree.get(p, "name")),
                    })
                    .collect();
                let target_type = super::ann(tree, obj, "alb.ingress.kubernetes.io/target-type")
                    .map(|(v, span)| (v.into(), Loc::new(&file.source, span)));
                self.services.push(ServiceFact {
                    namespace,
                    name: name.into(),
                    name_loc,
                    ty: s(tree, ty_n).unwrap_or_else(|| "ClusterIP".into()),
                    type_loc: ty_n.map(loc),
                    ports,
                    ports_loc: ports_n.map(loc),
                    target_type,
                });
            }
            ("Ingress", "networking.k8s.io") => {
                let anns = super::annotations(tree, obj);
                let mut exclusive = Vec::new();
                for a in &anns {
                    let Some(row) = super::row_of(a.key) else {
                        continue;
                    };
                    let Some(v) = a.value else { continue };
                    let Some(merge) = row.merge.as_deref() else {
                        continue;
                    };
                    let l = Loc::new(&file.source, a.value_span);
                    match (merge, row.ty) {
                        ("per-key", _) => {
                            for (k, val) in parse_map(v).unwrap_or_default() {
                                exclusive.push(ExclusiveFact {
                                    key: format!("{}[{k}]", a.key).into(),
                                    value: val.clone().into(),
                                    shown: format!("{k}={val}").into(),
                                    loc: l.clone(),
                                });
                            }
                        }
                        (_, ValueType::List) => {
                            let mut items = split_list(v);
                            if row.list_order.as_deref() == Some("any") {
                                items.sort_unstable();
                            }
                            exclusive.push(ExclusiveFact {
                                key: a.key.into(),
                                value: items.join(",").into(),
                                shown: v.into(),
                                loc: l,
                            });
                        }
                        (_, ValueType::Map) => {
                            let mut pairs = parse_map(v).unwrap_or_default();
                            pairs.sort();
                            let norm: Vec<String> =
                                pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                            exclusive.push(ExclusiveFact {
                                key: a.key.into(),
                                value: norm.join(",").into(),
                                shown: v.into(),
                                loc: l,
                            });
                        }
                        _ => exclusive.push(ExclusiveFact {
                            key: a.key.into(),
                            value: v.into(),
                            shown: v.into(),
                            loc: l,
                        }),
                    }
                }
                let backends = super::ingress_backends(tree, obj)
                    .into_iter()
                    .filter_map(|b| {
                        let service = s(tree, Some(b.service))?;
                        let port = b.port.and_then(|p| {
                            let r = if b.port_is_name {
                                PortRef::Name(tree.as_str(p)?.into())
                            } else {
                                PortRef::Number(tree.scalar_text(p)?.parse().ok()?)
                            };
                            Some((r, loc(p)))
                        });
                        Some(BackendFact {
                            service,
                            service_loc: loc(b.service),
                            port,
                        })
                    })
                    .collect();
                let ann_loc = |k: &str| {
                    super::ann(tree, obj, k)
                        .map(|(v, span)| (v.into(), Loc::new(&file.source, span)))
                };
                self.ingresses.push(IngressFact {
                    namespace,
                    name: name.into(),
                    name_loc,
                    class_name: obj
                        .get(tree, &["spec", "ingressClassName"])
                        .and_then(|n| Some((tree.as_str(n)?.into(), loc(n)))),
                    has_alb_annotations: anns
                        .iter()
                        .any(|a| a.key.starts_with(super::catalog::INGRESS_PREFIX)),
                    auto_mode_unsupported: anns
                        .iter()
                        .filter(|a| {
                            super::catalog::CATALOG
                                .auto_mode_unsupported(
                                    a.key,
                                    super::catalog::AnnotatedKind::Ingress,
                                )
                                .is_some()
                        })
                        .map(|a| (a.key.into(), Loc::new(&file.source, a.key_span)))
                        .collect(),
                    group: ann_loc("alb.ingress.kubernetes.io/group.name"),
                    target_type: ann_loc("alb.ingress.kubernetes.io/target-type"),
                    backends,
                    exclusive,
                });
            }
            _ => {}
        }
    }

    fn settle(&mut self, namespaces: &NamespaceMap) {
        for s in &mut self.services {
            s.namespace.settle(&s.name_loc.file, namespaces);
        }
        for i in &mut self.ingresses {
            i.namespace.settle(&i.name_loc.file, namespaces);
        }
    }

    fn append(&mut self, other: &mut Self) {
        self.classes.append(&mut other.classes);
        self.params.append(&mut other.params);
        self.services.append(&mut other.services);
        self.ingresses.append(&mut other.ingresses);
        self.class_annotations.append(&mut other.class_annotations);
        self.class_by_name.reset();
        self.params_by_name.reset();
        self.service_by_name.reset();
    }
}

impl LbcFacts {
    /// The first IngressClass named `name`.
    pub fn class(&self, name: &str) -> Option<&ClassFact> {
        self.class_by_name
            .find(&self.classes, |c| Some(c.name.to_string()), name)
            .next()
    }

    /// The IngressClassParams a class references, when the input has it (same name and API
    /// group).
    pub fn params_of(&self, class: &ClassFact) -> Option<&ParamsFact> {
        let p = class.params.as_ref()?;
        self.params_by_name
            .find(&self.params, |x| Some(x.name.to_string()), &p.name)
            .find(|x| x.api_group == p.api_group)
    }

    /// The first Service `name` that can be in `namespace` (either may be set at deploy time),
    /// one in exactly that namespace first.
    pub fn service(&self, namespace: &Namespace, name: &str) -> Option<&ServiceFact> {
        let named = || {
            self.service_by_name
                .find(&self.services, |s| Some(s.name.to_string()), name)
        };
        named()
            .find(|s| namespace.name().is_some() && s.namespace == *namespace)
            .or_else(|| named().find(|s| s.namespace.may_equal(namespace)))
    }

    /// Is this Ingress meant for the ALB controller (class `alb` or `alb.ingress.kubernetes.io/`
    /// annotations)?
    pub fn is_alb(&self, ing: &IngressFact) -> bool {
        ing.has_alb_annotations || ing.class_name.as_ref().is_some_and(|(c, _)| &**c == "alb")
    }

    /// The target type the ALB controller uses for backend `svc` of `ing`, and where it comes
    /// from: the IngressClassParams `targetType`, the Service's annotation, the Ingress's, or the
    /// controller's default (`instance`). `None` when the class's parameters are not in the
    /// input (the target type is unknown then).
    pub fn target_type(
        &self,
        ing: &IngressFact,
        svc: &ServiceFact,
    ) -> Option<(Box<str>, &'static str)> {
        let class = ing.class_name.as_ref().and_then(|(c, _)| self.class(c));
        // `None`: the class names parameters the input does not have.
        let class_tt: Option<Option<Box<str>>> = match class {
            Some(c) if c.params.is_some() => self.params_of(c).map(|p| p.target_type.clone()),
            _ => Some(None),
        };
        if let Some(Some(t)) = &class_tt {
            return Some((t.clone(), "the IngressClassParams `targetType`"));
        }
        if let Some((t, _)) = &svc.target_type {
            return Some((
                t.clone(),
                "the Service's `alb.ingress.kubernetes.io/target-type`",
            ));
        }
        if let Some((t, _)) = &ing.target_type {
            return Some((
                t.clone(),
                "the Ingress's `alb.ingress.kubernetes.io/target-type`",
            ));
        }
        class_tt.map(|_| ("instance".into(), "the default, as no `target-type` is set"))
    }

    /// The first Service named `name` in any namespace.
    pub fn service_in_any_namespace(&self, name: &str) -> Option<&ServiceFact> {
        self.service_by_name
            .find(&self.services, |s| Some(s.name.to_string()), name)
            .next()
    }
}
