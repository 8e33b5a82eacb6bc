use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an Ingress with neither `spec.ingressClassName` nor the
    /// `kubernetes.io/ingress.class` annotation, when no IngressClass of the input is the
    /// cluster default (`ingressclass.kubernetes.io/is-default-class: "true"`).
    ///
    /// ## Why is this bad?
    /// GKE serves a class-less Ingress with its own `gce` controller, and many clusters have a
    /// default ingress controller. On EKS nothing does unless an IngressClass is marked default:
    /// the AWS Load Balancer Controller only takes Ingresses of its class (its `--ingress-class`
    /// is `alb`), and EKS Auto Mode needs `spec.ingressClassName`. The Ingress applies cleanly
    /// and never gets an address. A warning, because the cluster may well have a default
    /// IngressClass that the manifests do not show (pass it with `--context` to check).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: blog
    /// spec:
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: blog, port: {number: 80}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: blog
    ///   annotations:
    ///     alb.ingress.kubernetes.io/scheme: internet-facing
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: blog, port: {number: 80}}
    /// ```
    ///
    /// ## References
    /// - Default IngressClass: <https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class>
    /// - The AWS Load Balancer Controller's IngressClass: <https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/>
    /// - EKS Auto Mode needs `spec.ingressClassName`: <https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html>
    pub struct IngressWithoutClass {
        code: "PORT005",
        name: "ingress-without-class",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "An Ingress without a class while the input marks no IngressClass default: no controller on EKS takes it",
    }
}

impl Rule for IngressWithoutClass {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.port;
        if facts.default_ingress_class {
            return;
        }
        let locs = facts.classless_ingresses.clone();
        for loc in locs {
            ctx.report(
                loc.file,
                loc.span,
                "this Ingress names no class: GKE's `gce` controller or the old cluster's default class took it, but on EKS only a default IngressClass makes a controller take it (the AWS Load Balancer Controller ignores class-less Ingresses and EKS Auto Mode needs the class), so it may never get an address",
            )
            .label("no ingressClassName")
            .help("set `spec.ingressClassName: alb` (an IngressClass with `controller: ingress.k8s.aws/alb`; EKS Auto Mode: `eks.amazonaws.com/alb`), or ship an IngressClass annotated `ingressclass.kubernetes.io/is-default-class: \"true\"`");
        }
    }
}
