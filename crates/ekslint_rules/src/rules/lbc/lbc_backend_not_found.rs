use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

use super::support::facts::PortRef;

declare_rule! {
    /// ## What it does
    /// For Ingresses meant for the ALB controller, reports a backend Service that is not defined
    /// in the input (same namespace), or a backend port that the Service does not expose (by
    /// `port.number` against `spec.ports[].port`, by `port.name` against `spec.ports[].name`).
    /// Missing Services are only reported when the input defines Services at all, so that
    /// linting a directory of Ingresses alone stays quiet.
    ///
    /// ## Why is this bad?
    /// The controller answers requests for a missing Service with a fixed `503 Backend service
    /// does not exist` (`--tolerate-non-existent-backend-service=true`, the default), or fails the
    /// group when the flag is off; a port the Service does not have fails the model build.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: NodePort
    ///   selector: {app: web}
    ///   ports: [{name: http, port: 80, targetPort: 8080}]
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   ingressClassName: alb
    ///   defaultBackend:
    ///     service: {name: web, port: {number: 8080}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: NodePort
    ///   selector: {app: web}
    ///   ports: [{name: http, port: 80, targetPort: 8080}]
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   ingressClassName: alb
    ///   defaultBackend:
    ///     service: {name: web, port: {number: 80}}
    /// ```
    ///
    /// ## References
    /// - Backend resolution: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/ingress/enhanced_backend_builder.go>
    pub struct LbcBackendNotFound {
        code: "LBC016",
        name: "lbc-backend-not-found",
        family: Lbc,
        severity: Warning,
        fix: None,
        summary: "An ALB Ingress backend Service or port that the input does not define",
    }
}

impl Rule for LbcBackendNotFound {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.lbc;
        if facts.services.is_empty() {
            return;
        }
        for ing in &facts.ingresses {
            if !ing.has_alb_annotations
                && ing.class_name.as_ref().is_none_or(|(c, _)| &**c != "alb")
            {
                continue;
            }
            for b in &ing.backends {
                if matches!(&b.port, Some((PortRef::Name(n), _)) if &**n == "use-annotation") {
                    continue;
                }
                let Some(svc) = facts.service(&ing.namespace, &b.service) else {
                    let f = ctx.report(
                        b.service_loc.file.clone(),
                        b.service_loc.span,
                        format!(
                            "backend Service `{}` is not defined in the input (namespace {}): the ALB answers this rule with 503",
                            b.service, ing.namespace
                        ),
                    );
                    f.label("no such Service in the input");
                    if let Some(other) = facts.service_in_any_namespace(&b.service) {
                        f.related(
                            other.name_loc.file.clone(),
                            other.name_loc.span,
                            format!(
                                "a Service `{}` exists in namespace {}",
                                other.name, other.namespace
                            ),
                        );
                    }
                    continue;
                };
                let Some((port, loc)) = &b.port else { continue };
                let found = match port {
                    PortRef::Number(n) => svc.ports.iter().any(|p| p.port == Some(*n)),
                    PortRef::Name(n) => svc.ports.iter().any(|p| p.name.as_deref() == Some(&**n)),
                };
                if found || svc.ports.is_empty() {
                    continue;
                }
                let shown = match port {
                    PortRef::Number(n) => format!("port {n}"),
                    PortRef::Name(n) => format!("port named `{n}`"),
                };
                let l = svc.ports_loc.as_ref().unwrap_or(&svc.name_loc);
                let have: Vec<String> = svc
                    .ports
                    .iter()
                    .map(|p| match (&p.name, p.port) {
                        (Some(n), Some(v)) => format!("{n} ({v})"),
                        (None, Some(v)) => v.to_string(),
                        (Some(n), None) => n.to_string(),
                        (None, None) => "?".to_string(),
                    })
                    .collect();
                ctx.report(
                    loc.file.clone(),
                    loc.span,
                    format!(
                        "Service `{}` has no {shown}; it exposes {}",
                        b.service,
                        have.join(", ")
                    ),
                )
                .label("not a port of the Service")
                .related(
                    l.file.clone(),
                    l.span,
                    format!("ports of Service `{}`", svc.name),
                )
                .help("`port.number` is the Service's `port`, not the container's `targetPort`");
            }
        }
    }
}
