use ekslint_manifest::Object;

use super::support::{Judgement, annotations, judge_annotation};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an annotation that another platform's controller acted on and whose feature is
    /// silently lost on EKS, with the AWS annotation or resource that does the same:
    /// - GKE Services: subnets, reserved static addresses, `cloud.google.com/backend-config`
    ///   (health checks, timeouts, Cloud Armor, IAP), `cloud.google.com/app-protocols`;
    /// - GKE Ingresses: `kubernetes.io/ingress.global-static-ip-name`, `regional-static-ip-name`,
    ///   `ingress.gcp.kubernetes.io/pre-shared-cert`, `networking.gke.io/managed-certificates`,
    ///   `kubernetes.io/ingress.allow-http`, the FrontendConfig annotation;
    /// - AKS Services: internal subnet, public IP names and addresses, DNS label, health probes,
    ///   per-port settings, idle timeout, Private Link; Application Gateway Ingress Controller
    ///   annotations (`appgw.ingress.kubernetes.io/*`);
    /// - MetalLB: `loadBalancerIPs`, `address-pool`, `allow-shared-ip`;
    /// - OpenShift: serving certificates and CA bundle injection of the service CA, the
    ///   namespace UID range of security context constraints, project node selectors.
    ///
    /// An annotation whose AWS equivalent is already on the object is only a leftover
    /// (PORT007).
    ///
    /// ## Why is this bad?
    /// Kubernetes never rejects an unknown annotation, and no controller on EKS reads these, so
    /// the feature quietly disappears: the load balancer lands in other subnets with other
    /// addresses, health checks fall back to `/` or TCP, HTTPS has no certificate, plain HTTP
    /// stays open, a Secret that pods mount is never created. Nothing reports it until traffic
    /// is affected.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    ///   annotations:
    ///     ingress.gcp.kubernetes.io/pre-shared-cert: shop-cert
    ///     kubernetes.io/ingress.allow-http: "false"
    /// spec:
    ///   ingressClassName: alb
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
    ///     alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8899-aabbccddeeff
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": 443}]'
    /// spec:
    ///   ingressClassName: alb
    ///   defaultBackend:
    ///     service: {name: shop, port: {number: 80}}
    /// ```
    ///
    /// ## References
    /// - GKE: kubernetes/ingress-gce `pkg/annotations/ingress.go`, `pkg/annotations/service.go`, `pkg/l4/annotations/`
    /// - AKS: kubernetes-sigs/cloud-provider-azure `pkg/consts/consts.go`; Application Gateway Ingress Controller annotations: <https://azure.github.io/application-gateway-kubernetes-ingress/annotations/>
    /// - MetalLB: <https://metallb.universe.tf/usage/>
    /// - OpenShift service CA: <https://github.com/openshift/service-ca-operator>
    /// - The AWS Load Balancer Controller's annotations: <https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/>
    /// - The table, with the upstream file of each key: `rules/port/annotations.yaml`
    pub struct ForeignAnnotation {
        code: "PORT006",
        name: "foreign-annotation",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "An annotation of another platform's controller whose feature is silently lost on EKS",
    }
}

impl Rule for ForeignAnnotation {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for a in annotations(tree, obj) {
            let Some(Judgement::Lost(row)) = judge_annotation(tree, obj, &a) else {
                continue;
            };
            ctx.report(
                tree.span(a.entry.key),
                format!(
                    "`{}` is read by {}, where it {}; nothing on EKS reads it, so that is lost",
                    a.key,
                    row.platform.name(),
                    row.what
                ),
            )
            .label("ignored on EKS")
            .help(super::support::table::eks_help(&row.eks));
        }
    }
}
