//! What the FARGATE per-set rules need from each object: pods (namespace, labels and the few
//! properties the rules compare), Services and their load-balancer targets, SecurityGroupPolicies
//! and ServiceAccounts, as names, short values and locations.

use ekslint_manifest::pod::{ConstraintSource, label_constraints, tolerations};
use ekslint_manifest::{NodeId, Object, ParsedFile, Tree};

use super::selector::LabelSelector;
use super::table::FARGATE;
use crate::index::{ByKey, Facts, Loc, Namespace};

/// A pod or pod template.
#[derive(Clone, Debug)]
pub struct PodFact {
    pub namespace: Box<str>,
    pub labels: Vec<(Box<str>, Box<str>)>,
    /// `Deployment web`, for messages.
    pub what: Box<str>,
    /// The object's name (or kind) value: where related labels point.
    pub loc: Loc,
    /// The required `eks.amazonaws.com/compute-type: fargate` value.
    pub fargate_selector: Option<Loc>,
    /// `hostNetwork: true`.
    pub host_network: Option<Loc>,
    /// A required `kubernetes.io/os: windows` selector.
    pub windows: Option<Loc>,
    /// A required instance type or family of the `t` family that has no trunk ENI.
    pub t_family: Option<(Box<str>, Loc)>,
    pub service_account: Box<str>,
    /// For a DaemonSet: the toleration that lets its pods onto Fargate nodes, unless its required
    /// node selectors keep them off.
    pub tolerates_fargate: Option<Loc>,
    /// `spec.replicas` of a Deployment, StatefulSet or ReplicaSet (1 when absent); `None` for
    /// other kinds.
    pub replicas: Option<i64>,
}

/// A PodDisruptionBudget that allows no voluntary eviction by itself: `maxUnavailable: 0` (or
/// `0%`), `minAvailable: 100%`, or an integer `minAvailable` (compared with the replicas).
#[derive(Clone, Debug)]
pub struct BudgetFact {
    pub namespace: Box<str>,
    pub name: Box<str>,
    pub selector: LabelSelector,
    /// `Zero` budgets block every eviction; `MinAvailable(n)` blocks when n >= replicas.
    pub kind: Budget,
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    Zero,
    MinAvailable(i64),
}

/// How a load balancer in front of a Service registers targets.
#[derive(Clone, Debug)]
pub enum Targets {
    /// Instance targets: why (the annotation, or the default), and where.
    Instance { why: Box<str>, loc: Loc },
    /// IP targets, or not a load balancer this rule knows.
    Other,
}

#[derive(Clone, Debug)]
pub struct ServiceFact {
    pub namespace: Box<str>,
    pub name: Box<str>,
    pub selector: LabelSelector,
    /// `NodePort` or `LoadBalancer` with `externalTrafficPolicy: Local`: the value.
    pub etp_local: Option<Loc>,
    /// `type: NodePort`.
    pub node_port: bool,
    /// The Service's own load balancer (`type: LoadBalancer`).
    pub lb: Targets,
    /// `alb.ingress.kubernetes.io/target-type` on the Service.
    pub alb_target_type: Option<Box<str>>,
}

#[derive(Clone, Debug)]
pub struct PolicyFact {
    pub namespace: Box<str>,
    pub name: Box<str>,
    pub loc: Loc,
    pub pod_selector: Option<LabelSelector>,
    pub sa_selector: Option<LabelSelector>,
}

#[derive(Clone, Debug)]
pub struct AccountFact {
    pub namespace: Box<str>,
    pub name: Box<str>,
    pub labels: Vec<(Box<str>, Box<str>)>,
}

#[derive(Clone, Debug, Default)]
pub struct FargateFacts {
    pub pods: Vec<PodFact>,
    pub services: Vec<ServiceFact>,
    pub policies: Vec<PolicyFact>,
    pub accounts: Vec<AccountFact>,
    pub budgets: Vec<BudgetFact>,
    pods_by_namespace: ByKey,
    service_by_name: ByKey,
}

impl FargateFacts {
    /// The pods that can be in `namespace` (empty: set at deploy time, any namespace): those of
    /// that namespace, then those whose namespace is set at deploy time.
    pub fn pods_in<'a>(&'a self, namespace: &'a str) -> Box<dyn Iterator<Item = &'a PodFact> + 'a> {
        if namespace.is_empty() {
            return Box::new(self.pods.iter());
        }
        let key = |p: &PodFact| Some(p.namespace.to_string());
        Box::new(
            self.pods_by_namespace
                .find(&self.pods, key, namespace)
                .chain(self.pods_by_namespace.find(&self.pods, key, "")),
        )
    }

    /// The Service `name` that can be in `namespace`, one in exactly that namespace first.
    pub fn service(&self, namespace: &str, name: &str) -> Option<&ServiceFact> {
        let named = || {
            self.service_by_name
                .find(&self.services, |s| Some(s.name.to_string()), name)
        };
        named()
            .find(|s| !namespace.is_empty() && *s.namespace == *namespace)
            .or_else(|| named().find(|s| Namespace::text_may_equal(&s.namespace, namespace)))
    }
}

fn loc(file: &ParsedFile, tree: &Tree, n: NodeId) -> Loc {
    Loc::new(&file.source, tree.span(n))
}

fn text<'t>(tree: &'t Tree, map: NodeId, path: &[&str]) -> Option<&'t str> {
    tree.path(map, path).and_then(|n| tree.scalar_text(n))
}

/// Labels no Fargate node is known not to have: a required selector on any other key keeps a
/// DaemonSet's pods off Fargate.
const FARGATE_NODE_KEYS: &[&str] = &[
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "kubernetes.io/hostname",
];

/// The toleration of a DaemonSet that lets it onto Fargate nodes, unless a required selector
/// keeps it off them.
fn tolerates_fargate(file: &ParsedFile, tree: &Tree, pod: NodeId) -> Option<Loc> {
    let taint = &FARGATE.taint;
    for c in label_constraints(tree, pod) {
        if !c.source.is_required() {
            continue;
        }
        if c.key == FARGATE.compute_type_label {
            let fargate_ok = match c.operator {
                "In" => c.values.iter().any(|(v, _)| *v == FARGATE.fargate_value),
                "NotIn" => !c.values.iter().any(|(v, _)| *v == FARGATE.fargate_value),
                "Exists" => true,
                _ => false,
            };
            if !fargate_ok {
                return None;
            }
        } else if c.requires_label() && !FARGATE_NODE_KEYS.contains(&c.key) {
            return None;
        }
    }
    tolerations(tree, pod).into_iter().find_map(|t| {
        let effect_ok = t.effect.is_none_or(|e| e.is_empty() || e == taint.effect);
        let key_ok = match t.key {
            None => t.operator == Some("Exists"),
            Some(("", _)) => t.operator == Some("Exists"),
            Some((k, _)) => {
                k == taint.key
                    && (t.operator == Some("Exists")
                        || t.value.map(|(v, _)| v) == Some(taint.value.as_str()))
            }
        };
        (effect_ok && key_ok).then(|| loc(file, tree, t.node))
    })
}

/// A required `t`-family instance type or family: (value, where).
fn t_family<'t>(tree: &'t Tree, pod: NodeId) -> Option<(&'t str, NodeId)> {
    let sg = &FARGATE.security_groups;
    let is_t = |family: &str| {
        let mut c = family.chars();
        family.starts_with(sg.unsupported_family_prefix.as_str())
            && c.nth(sg.unsupported_family_prefix.len())
                .is_some_and(|d| d.is_ascii_digit())
    };
    for c in label_constraints(tree, pod) {
        if !c.source.is_required() || c.operator != "In" || c.values.is_empty() {
            continue;
        }
        let family_of = |v: &'t str| -> &'t str {
            if sg.instance_type_labels.iter().any(|l| l == c.key) {
                v.split('.').next().unwrap_or(v)
            } else {
                v
            }
        };
        let relevant = sg
            .instance_type_labels
            .iter()
            .chain(&sg.instance_family_labels)
            .any(|l| l == c.key);
        if relevant && c.values.iter().all(|(v, _)| is_t(family_of(v))) {
            return Some(c.values[0]);
        }
    }
    None
}

impl Facts for FargateFacts {
    fn collect(&mut self, file: &ParsedFile, obj: &Object) {
        let tree = &file.tree;
        let Some(kind) = obj.kind_str(tree) else {
            return;
        };
        let group = obj.group(tree);
        // Empty: the deploy tool sets the namespace (it matches any; see `Namespace`).
        let namespace: Box<str> = Namespace::as_text(obj.namespace_str(tree)).into();
        let name: Box<str> = obj.name_str(tree).unwrap_or("").into();
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
        let sg = &FARGATE.security_groups;
        if kind == sg.policy_kind && group == sg.policy_group {
            let spec = obj.get(tree, &["spec"]);
            let sel = |k: &str| {
                spec.and_then(|s| tree.get(s, k))
                    .filter(|n| tree.is_map(*n))
                    .map(|n| LabelSelector::of(tree, n))
            };
            self.policies.push(PolicyFact {
                namespace,
                name,
                loc: name_loc(),
                pod_selector: sel("podSelector"),
                sa_selector: sel("serviceAccountSelector"),
            });
            return;
        }
        if group == "policy" && kind == "PodDisruptionBudget" {
            let Some(spec) = obj.get(tree, &["spec"]) else {
                return;
            };
            let value = |k: &str| {
                tree.get(spec, k)
                    .and_then(|n| Some((tree.scalar_text(n)?, n)))
            };
            let budget = match (value("maxUnavailable"), value("minAvailable")) {
                (Some(("0" | "0%", n)), _) => Some((Budget::Zero, n)),
                (None, Some(("100%", n))) => Some((Budget::Zero, n)),
                (None, Some((v, n))) => v.parse().ok().map(|i| (Budget::MinAvailable(i), n)),
                _ => None,
            };
            let (Some((kind, n)), Some(sel)) = (budget, tree.get(spec, "selector")) else {
                return;
            };
            self.budgets.push(BudgetFact {
                namespace,
                name,
                selector: LabelSelector::of(tree, sel),
                kind,
                loc: loc(file, tree, n),
            });
            return;
        }
        if group.is_empty() && kind == "ServiceAccount" {
            self.accounts.push(AccountFact {
                namespace,
                name,
                labels: tree
                    .string_entries(obj.get(tree, &["metadata", "labels"]))
                    .into_iter()
                    .filter_map(|(k, e)| Some((k.into(), tree.scalar_text(e.value)?.into())))
                    .collect(),
            });
            return;
        }
        if group.is_empty() && kind == "Service" {
            let Some(spec) = obj.get(tree, &["spec"]) else {
                return;
            };
            let ty = text(tree, spec, &["type"]).unwrap_or("ClusterIP");
            let etp_local = tree
                .get(spec, "externalTrafficPolicy")
                .filter(|n| tree.scalar_text(*n) == Some("Local"))
                .filter(|_| matches!(ty, "NodePort" | "LoadBalancer"))
                .map(|n| loc(file, tree, n));
            let ann = |k: &str| obj.annotation(tree, k);
            let lb = if ty != "LoadBalancer" {
                Targets::Other
            } else {
                service_targets(file, tree, obj, spec, &ann)
            };
            self.services.push(ServiceFact {
                namespace,
                name,
                selector: LabelSelector::plain(tree, tree.get(spec, "selector")),
                etp_local,
                node_port: ty == "NodePort",
                lb,
                alb_target_type: ann("alb.ingress.kubernetes.io/target-type")
                    .and_then(|n| tree.scalar_text(n))
                    .map(Into::into),
            });
            return;
        }
        let Some(pod) = obj.pod_spec(tree).filter(|p| tree.is_map(*p)) else {
            return;
        };
        let required = |key: &str, value: &str| {
            label_constraints(tree, pod).into_iter().find_map(|c| {
                (c.source != ConstraintSource::PreferredAffinity
                    && c.key == key
                    && c.operator == "In"
                    && !c.values.is_empty()
                    && c.values.iter().all(|(v, _)| *v == value))
                .then(|| loc(file, tree, c.values[0].1))
            })
        };
        self.pods.push(PodFact {
            namespace,
            labels: super::placement::pod_labels(tree, obj)
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            what: format!("{kind} `{name}`").into(),
            loc: name_loc(),
            fargate_selector: super::placement::fargate_selector(tree, pod)
                .map(|n| loc(file, tree, n)),
            host_network: tree
                .get(pod, "hostNetwork")
                .filter(|n| tree.scalar_text(*n) == Some("true"))
                .map(|n| loc(file, tree, n)),
            windows: required("kubernetes.io/os", "windows")
                .or_else(|| required("beta.kubernetes.io/os", "windows")),
            t_family: t_family(tree, pod).map(|(v, n)| (v.into(), loc(file, tree, n))),
            service_account: text(tree, pod, &["serviceAccountName"])
                .or_else(|| text(tree, pod, &["serviceAccount"]))
                .unwrap_or("default")
                .into(),
            tolerates_fargate: (kind == "DaemonSet")
                .then(|| tolerates_fargate(file, tree, pod))
                .flatten(),
            replicas: matches!(kind, "Deployment" | "StatefulSet" | "ReplicaSet").then(|| {
                obj.get(tree, &["spec", "replicas"])
                    .and_then(|n| tree.scalar_text(n))
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(1)
            }),
        });
    }

    fn append(&mut self, other: &mut Self) {
        self.pods.append(&mut other.pods);
        self.services.append(&mut other.services);
        self.policies.append(&mut other.policies);
        self.accounts.append(&mut other.accounts);
        self.budgets.append(&mut other.budgets);
        self.pods_by_namespace.reset();
        self.service_by_name.reset();
    }
}

/// The targets of a `type: LoadBalancer` Service's own load balancer. The in-tree cloud provider
/// (classic and `nlb`) registers instances; the Load Balancer Controller registers what
/// `aws-load-balancer-nlb-target-type` says, instances by default (`nlb-ip` means IP).
fn service_targets(
    file: &ParsedFile,
    tree: &Tree,
    obj: &Object,
    spec: NodeId,
    ann: &dyn Fn(&str) -> Option<NodeId>,
) -> Targets {
    const TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
    const TARGET: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
    let class = text(tree, spec, &["loadBalancerClass"]);
    let ty = ann(TYPE).and_then(|n| tree.scalar_text(n));
    if let Some(n) = ann(TARGET) {
        return match tree.scalar_text(n) {
            Some("instance") => Targets::Instance {
                why: format!("`{TARGET}: instance`").into(),
                loc: loc(file, tree, n),
            },
            _ => Targets::Other,
        };
    }
    if ty == Some("nlb-ip") {
        return Targets::Other;
    }
    let at = tree
        .get_entry(spec, "type")
        .map(|e| e.value)
        .unwrap_or(obj.node);
    match class {
        // The controller's NLB without a target type: instance by default.
        Some("service.k8s.aws/nlb") => Targets::Instance {
            why: "the Load Balancer Controller's default target type (`instance`, unless it runs with `--default-target-type=ip`)".into(),
            loc: loc(file, tree, at),
        },
        // Another controller's class (EKS Auto Mode's, say): not judged.
        Some(_) => Targets::Other,
        None => Targets::Instance {
            why: match ty {
                Some("external") => "the Load Balancer Controller's default target type (`instance`, unless it runs with `--default-target-type=ip`)".into(),
                _ => "the default of a `type: LoadBalancer` Service without a target type: the in-tree cloud provider and the Load Balancer Controller both register instances".into(),
            },
            loc: loc(file, tree, at),
        },
    }
}
