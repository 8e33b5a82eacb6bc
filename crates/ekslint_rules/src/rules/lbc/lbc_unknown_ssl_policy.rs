use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

use super::support::SvcController;
use super::support::catalog::SSL_POLICIES;

declare_rule! {
    /// ## What it does
    /// Reports an `alb.ingress.kubernetes.io/ssl-policy` or
    /// `service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy` (on a Service the
    /// controller reconciles) that is not a known ELB security policy name, with the closest
    /// known name.
    ///
    /// ## Why is this bad?
    /// The controller passes the name to AWS unchecked; the ELBv2 API rejects an unknown policy
    /// when it creates or modifies the HTTPS/TLS listener, so the deploy fails with a
    /// `FailedDeployModel` event. AWS adds policies from time to time, so a name this list does
    /// not know yet is a warning, not an error.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": 443}]'
    ///     alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:111122223333:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
    ///     alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021
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
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": 443}]'
    ///     alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:111122223333:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
    ///     alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021-06
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
    /// ## References
    /// - ALB security policies: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html>
    /// - NLB security policies: <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html>
    /// - The list: `rules/lbc/ssl-policies.yaml`
    pub struct LbcUnknownSslPolicy {
        code: "LBC011",
        name: "lbc-unknown-ssl-policy",
        family: Lbc,
        severity: Warning,
        fix: None,
        summary: "An ELB TLS security policy name that AWS does not define",
    }
}

const KEYS: &[&str] = &[
    "alb.ingress.kubernetes.io/ssl-policy",
    "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy",
];

impl Rule for LbcUnknownSslPolicy {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(kind) = super::support::lbc_kind(tree, obj) else {
            return;
        };
        let key = if kind == "Ingress" { KEYS[0] } else { KEYS[1] };
        if kind == "Service"
            && !matches!(
                super::support::service_controller(tree, obj),
                SvcController::Lbc | SvcController::ExternalUnselected
            )
        {
            return;
        }
        let Some((name, span)) = super::support::ann(tree, obj, key) else {
            return;
        };
        if name.is_empty() || SSL_POLICIES.names.iter().any(|n| n == name) {
            return;
        }
        let closest =
            crate::support::suggest::closest(name, SSL_POLICIES.names.iter().map(String::as_str));
        let f = ctx.report(
            span,
            if name.starts_with(&SSL_POLICIES.prefix) {
                format!("`{name}` is not a known ELB security policy: AWS rejects the listener if it does not exist")
            } else {
                format!("`{name}` is not an ELB security policy name (they start with `{}`): AWS rejects the listener", SSL_POLICIES.prefix)
            },
        );
        f.label("unknown security policy");
        if let Some(n) = closest {
            f.help(format!("did you mean `{n}`?"));
        } else {
            f.help("list the policies with `aws elbv2 describe-ssl-policies`; `ELBSecurityPolicy-TLS13-1-2-2021-06` is a good default");
        }
    }
}
