use super::support::table::{self, ClassKind};
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a class that only another platform's controller serves:
    /// - an Ingress's `spec.ingressClassName` or `kubernetes.io/ingress.class` annotation of
    ///   GKE (`gce`, `gce-internal`, `gce-regional-external`, `gce-multi-cluster`), AKS
    ///   (`azure/application-gateway`, `webapprouting.kubernetes.azure.com`) or OpenShift
    ///   (`openshift-default`);
    /// - a Gateway's `spec.gatewayClassName` of GKE (`gke-l7-*`, `gke-l4-*`) or AKS
    ///   (`azure-alb-external`, `approuting-istio`);
    /// - a Service's `spec.loadBalancerClass` of GKE (`networking.gke.io/l4-regional-internal`,
    ///   `…-external`, …).
    ///
    /// A class name is not reported when the input defines an IngressClass or GatewayClass of
    /// that name (you kept the name and gave it an AWS controller).
    ///
    /// ## Why is this bad?
    /// No controller on EKS claims these classes, so nothing ever reconciles the object: the
    /// Ingress or Gateway never gets an address and the Service stays `<pending>`, with no event
    /// and no error ("if set, it is assumed that a load balancer implementation is watching for
    /// Services with a matching class"). The object applies cleanly and the application is
    /// simply unreachable.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    /// spec:
    ///   ingressClassName: gce
    ///   defaultBackend:
    ///     service: {name: shop, port: {number: 80}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    ///   annotations:
    ///     alb.ingress.kubernetes.io/scheme: internet-facing   # an ALB is internal by default
    ///     alb.ingress.kubernetes.io/target-type: ip
    /// spec:
    ///   ingressClassName: alb   # controller ingress.k8s.aws/alb (EKS Auto Mode: eks.amazonaws.com/alb)
    ///   defaultBackend:
    ///     service: {name: shop, port: {number: 80}}
    /// ```
    ///
    /// ## References
    /// - GKE's Ingress classes and load balancer classes: kubernetes/ingress-gce `pkg/annotations/ingress.go`, `pkg/l4/annotations/gce_annotations.go`
    /// - GKE GatewayClasses: <https://cloud.google.com/kubernetes-engine/docs/concepts/gateway-api#gatewayclass>
    /// - `loadBalancerClass`: `ServiceSpec` in <https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/>
    /// - The AWS Load Balancer Controller's IngressClass: <https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/>
    /// - EKS Auto Mode: <https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html>
    /// - The table: `rules/port/platform.yaml`
    pub struct ForeignClass {
        code: "PORT004",
        name: "foreign-class",
        family: Port,
        severity: Error,
        fix: None,
        summary: "An Ingress, Gateway or Service class that only another platform's controller serves: nothing on EKS reconciles it",
    }
}

impl Rule for ForeignClass {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.port;
        let mut out = Vec::new();
        for u in &facts.class_uses {
            let defined = match u.kind {
                ClassKind::Ingress => {
                    !u.by_annotation && ctx.index.lbc.classes.iter().any(|c| c.name == u.name)
                }
                ClassKind::Gateway => facts.gateway_classes.contains(&u.name),
                ClassKind::LoadBalancer => false,
            };
            if defined {
                continue;
            }
            let (what, field) = match u.kind {
                ClassKind::Ingress if u.by_annotation => ("Ingress", "kubernetes.io/ingress.class"),
                ClassKind::Ingress => ("Ingress", "ingressClassName"),
                ClassKind::Gateway => ("Gateway", "gatewayClassName"),
                ClassKind::LoadBalancer => ("Service", "loadBalancerClass"),
            };
            let outcome = match u.kind {
                ClassKind::LoadBalancer => "the Service stays `<pending>` forever",
                _ => "it never gets an address",
            };
            out.push((
                u.loc.clone(),
                format!(
                    "`{field}: {}` is {}: no controller on EKS serves it, so nothing reconciles this {what} and {outcome}",
                    u.name, u.row.what
                ),
                table::eks_help(&u.row.eks),
            ));
        }
        for (loc, message, help) in out {
            ctx.report(loc.file, loc.span, message)
                .label("no such class on EKS")
                .help(help);
        }
    }
}
