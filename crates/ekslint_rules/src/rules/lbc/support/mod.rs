//! Shared helpers of the LBC rules: tables, views and parsers that several rules use.

pub mod catalog;
pub mod facts;
pub mod json;
pub mod parse;

#[cfg(test)]
mod fix_tests;
#[cfg(test)]
mod tests;

use ekslint_manifest::{NodeId, Object, Span, Tree};

use catalog::{CATALOG, INGRESS_PREFIX, Lookup, Row, lookup};

/// One annotation of an object.
#[derive(Clone, Copy, Debug)]
pub struct Ann<'t> {
    pub key: &'t str,
    pub key_span: Span,
    /// The value when Kubernetes would read a string (non-strings are YAML004's business).
    pub value: Option<&'t str>,
    pub value_node: NodeId,
    pub value_span: Span,
}

/// The `metadata.annotations` of an object.
pub fn annotations<'t>(tree: &'t Tree, obj: &Object) -> Vec<Ann<'t>> {
    let Some(map) = obj.get(tree, &["metadata", "annotations"]) else {
        return Vec::new();
    };
    tree.entries(map)
        .unwrap_or(&[])
        .iter()
        .filter(|e| !e.merged)
        .filter_map(|e| {
            Some(Ann {
                key: tree.scalar_text(e.key)?,
                key_span: tree.span(e.key),
                value: tree.as_str(e.value),
                value_node: e.value,
                value_span: tree.span(e.value),
            })
        })
        .collect()
}

/// An annotation's value and its span.
pub fn ann<'t>(tree: &'t Tree, obj: &Object, key: &str) -> Option<(&'t str, Span)> {
    let v = obj.annotation(tree, key)?;
    Some((tree.as_str(v)?, tree.span(v)))
}

/// `Ingress` or `Service` for the two kinds whose annotations the controller reads.
pub fn lbc_kind(tree: &Tree, obj: &Object) -> Option<&'static str> {
    match (obj.kind_str(tree)?, obj.group(tree)) {
        ("Ingress", "networking.k8s.io" | "extensions") => Some("Ingress"),
        ("Service", "") => Some("Service"),
        _ => None,
    }
}

/// Which controller reconciles a Service, as far as the manifest tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SvcController {
    /// `loadBalancerClass: service.k8s.aws/nlb`, `aws-load-balancer-type: nlb-ip`, or `external`
    /// with `nlb-target-type: ip|instance`.
    Lbc,
    /// `aws-load-balancer-type: external` without a valid `nlb-target-type` and no class.
    ExternalUnselected,
    /// `type: LoadBalancer` with neither class nor type annotation: LBC when its webhook set the
    /// class at creation, the legacy cloud provider otherwise.
    Default,
    /// `aws-load-balancer-type: nlb` (or another value): the legacy in-tree cloud provider.
    InTree,
    /// Another `loadBalancerClass`.
    OtherClass,
    /// Not a load balancer Service and not selected by annotations.
    NotLoadBalancer,
}

impl SvcController {
    /// Should LBC-parsed Service keys be checked on this Service (`lbc_only`: the key is not
    /// also read by the legacy provider)?
    pub fn checks(self, row: &Row) -> bool {
        match self {
            SvcController::Lbc | SvcController::ExternalUnselected => !row.legacy_only,
            SvcController::Default => row.lbc_only(),
            _ => false,
        }
    }
}

pub const TYPE_KEY: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
pub const TARGET_TYPE_KEY: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";

pub fn service_controller(tree: &Tree, obj: &Object) -> SvcController {
    if let Some(class) = obj
        .get(tree, &["spec", "loadBalancerClass"])
        .and_then(|n| tree.as_str(n))
    {
        return if CATALOG.nlb_class(class).is_some() {
            SvcController::Lbc
        } else {
            SvcController::OtherClass
        };
    }
    let is_lb = obj
        .get(tree, &["spec", "type"])
        .and_then(|n| tree.as_str(n))
        == Some("LoadBalancer");
    match ann(tree, obj, TYPE_KEY).map(|(v, _)| v) {
        Some("nlb-ip") => SvcController::Lbc,
        Some("external") => match ann(tree, obj, TARGET_TYPE_KEY).map(|(v, _)| v) {
            Some("ip" | "instance") => SvcController::Lbc,
            _ => SvcController::ExternalUnselected,
        },
        Some(_) if is_lb => SvcController::InTree,
        _ if is_lb => SvcController::Default,
        _ => SvcController::NotLoadBalancer,
    }
}

/// Is this Ingress meant for the ALB controller? Its class is `alb`, or it carries
/// `alb.ingress.kubernetes.io/` annotations and no other class annotation.
pub fn is_alb_ingress(tree: &Tree, obj: &Object) -> bool {
    if lbc_kind(tree, obj) != Some("Ingress") {
        return false;
    }
    if let Some((class, _)) = ann(tree, obj, "kubernetes.io/ingress.class") {
        return class == "alb";
    }
    let by_name = obj
        .get(tree, &["spec", "ingressClassName"])
        .and_then(|n| tree.as_str(n))
        == Some("alb");
    by_name
        || annotations(tree, obj)
            .iter()
            .any(|a| a.key.starts_with(INGRESS_PREFIX))
}

/// The catalog row of a key, when known.
pub fn row_of(key: &str) -> Option<&'static Row> {
    match lookup(key) {
        Lookup::Known(r) => Some(r),
        _ => None,
    }
}

/// Backends of an Ingress: `(service name node, port node (number or name), port is a name)`.
#[derive(Clone, Copy, Debug)]
pub struct Backend {
    pub service: NodeId,
    pub port: Option<NodeId>,
    pub port_is_name: bool,
}

pub fn ingress_backends(tree: &Tree, obj: &Object) -> Vec<Backend> {
    let mut out = Vec::new();
    let mut push = |b: NodeId| {
        if let Some(svc) = tree.get(b, "service")
            && let Some(name) = tree.get(svc, "name")
        {
            let (port, is_name) = match tree.get(svc, "port") {
                Some(p) => match (tree.get(p, "name"), tree.get(p, "number")) {
                    (Some(n), _) => (Some(n), true),
                    (None, Some(n)) => (Some(n), false),
                    _ => (None, false),
                },
                None => (None, false),
            };
            out.push(Backend {
                service: name,
                port,
                port_is_name: is_name,
            });
        }
    };
    if let Some(b) = obj.get(tree, &["spec", "defaultBackend"]) {
        push(b);
    }
    for &rule in obj
        .get(tree, &["spec", "rules"])
        .and_then(|r| tree.items(r))
        .unwrap_or(&[])
    {
        for &path in tree
            .path(rule, &["http", "paths"])
            .and_then(|p| tree.items(p))
            .unwrap_or(&[])
        {
            if let Some(b) = tree.get(path, "backend") {
                push(b);
            }
        }
    }
    out
}
