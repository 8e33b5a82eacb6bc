use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

use super::support::SvcController;

declare_rule! {
    /// ## What it does
    /// Reports an internet-facing load balancer with no source restriction:
    /// - an Ingress with `alb.ingress.kubernetes.io/scheme: internet-facing` and none of
    ///   `inbound-cidrs`, `security-group-prefix-lists` or its own `security-groups`;
    /// - a Service the controller reconciles with `aws-load-balancer-scheme: internet-facing`
    ///   and none of `spec.loadBalancerSourceRanges`,
    ///   `service.beta.kubernetes.io/load-balancer-source-ranges`,
    ///   `aws-load-balancer-security-group-prefix-lists` or `aws-load-balancer-security-groups`;
    /// - an IngressClassParams with `scheme: internet-facing` and neither `inboundCIDRs` nor
    ///   `prefixListsIDs`.
    ///
    /// An explicit `0.0.0.0/0` is a deliberate choice and is not reported.
    ///
    /// ## Why is this bad?
    /// Without a restriction the controller opens the listener ports of the managed security
    /// group to `0.0.0.0/0` (and `::/0` for dual-stack): every address on the internet can reach
    /// the application. That is right for a public website and wrong for an admin UI, an
    /// internal API or a staging environment exposed by changing one annotation. Say so
    /// explicitly so that reviewers and code scanning can tell the difference.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
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
    ///               service: {name: web, port: {number: 80}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/scheme: internet-facing
    ///     alb.ingress.kubernetes.io/inbound-cidrs: 203.0.113.0/24
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: web, port: {number: 80}}
    /// ```
    /// (or `inbound-cidrs: 0.0.0.0/0` when the endpoint is meant to be public).
    ///
    /// ## References
    /// - inbound-cidrs: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/annotations.md#inbound-cidrs>
    /// - Service source ranges: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/annotations.md#lb-source-ranges>
    pub struct LbcInternetFacingUnrestricted {
        code: "LBC012",
        name: "lbc-internet-facing-unrestricted",
        family: Lbc,
        severity: Warning,
        fix: None,
        summary: "An internet-facing load balancer open to every address (no source CIDRs, prefix lists or own security groups)",
        security_severity: "7.5",
    }
}

const INGRESS_RESTRICT: &[&str] = &[
    "alb.ingress.kubernetes.io/inbound-cidrs",
    "alb.ingress.kubernetes.io/security-group-prefix-lists",
    "alb.ingress.kubernetes.io/security-groups",
];
const SERVICE_RESTRICT: &[&str] = &[
    "service.beta.kubernetes.io/load-balancer-source-ranges",
    "service.beta.kubernetes.io/aws-load-balancer-security-group-prefix-lists",
    "service.beta.kubernetes.io/aws-load-balancer-security-groups",
];

impl Rule for LbcInternetFacingUnrestricted {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.kind_str(tree) == Some("IngressClassParams") && obj.group(tree) == "elbv2.k8s.aws" {
            let Some(s) = obj.get(tree, &["spec", "scheme"]) else {
                return;
            };
            if tree.as_str(s) != Some("internet-facing") {
                return;
            }
            let set = |k: &str| {
                obj.get(tree, &["spec", k])
                    .is_some_and(|n| !tree.is_null(n))
            };
            if set("inboundCIDRs") || set("prefixListsIDs") || set("PrefixListsIDs") {
                return;
            }
            ctx.report(
                tree.span(s),
                "internet-facing IngressClassParams without `inboundCIDRs` or `prefixListsIDs`: ALBs of this class accept traffic from 0.0.0.0/0 unless each Ingress restricts it",
            )
            .label("open to the internet")
            .help("set `spec.inboundCIDRs` to the client ranges (or `[0.0.0.0/0]` if the ALBs are meant to be public)");
            return;
        }
        let Some(kind) = super::support::lbc_kind(tree, obj) else {
            return;
        };
        let present =
            |k: &str| super::support::ann(tree, obj, k).is_some_and(|(v, _)| !v.trim().is_empty());
        if kind == "Ingress" {
            let Some((scheme, span)) =
                super::support::ann(tree, obj, "alb.ingress.kubernetes.io/scheme")
            else {
                return;
            };
            if scheme != "internet-facing" || INGRESS_RESTRICT.iter().any(|k| present(k)) {
                return;
            }
            ctx.report(
                span,
                "internet-facing ALB without `inbound-cidrs`, `security-group-prefix-lists` or `security-groups`: its listeners accept traffic from 0.0.0.0/0",
            )
            .label("open to the internet")
            .help("restrict clients with `alb.ingress.kubernetes.io/inbound-cidrs` (write `0.0.0.0/0` explicitly if the site is meant to be public)");
        } else {
            if !matches!(
                super::support::service_controller(tree, obj),
                SvcController::Lbc | SvcController::ExternalUnselected | SvcController::Default
            ) {
                return;
            }
            let Some((scheme, span)) = super::support::ann(
                tree,
                obj,
                "service.beta.kubernetes.io/aws-load-balancer-scheme",
            ) else {
                return;
            };
            let ranges = obj
                .get(tree, &["spec", "loadBalancerSourceRanges"])
                .and_then(|n| tree.items(n))
                .is_some_and(|i| !i.is_empty());
            if scheme != "internet-facing" || ranges || SERVICE_RESTRICT.iter().any(|k| present(k))
            {
                return;
            }
            ctx.report(
                span,
                "internet-facing NLB without `spec.loadBalancerSourceRanges`, `load-balancer-source-ranges`, prefix lists or `security-groups`: its listeners accept traffic from 0.0.0.0/0",
            )
            .label("open to the internet")
            .help("set `spec.loadBalancerSourceRanges` to the client ranges (write `0.0.0.0/0` explicitly if the service is meant to be public)");
        }
    }
}
