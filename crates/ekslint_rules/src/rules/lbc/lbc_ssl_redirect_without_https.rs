use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::go::parse_go_int;

declare_rule! {
    /// ## What it does
    /// Reports `alb.ingress.kubernetes.io/ssl-redirect` naming a port that is not an HTTPS port
    /// of the Ingress's `alb.ingress.kubernetes.io/listen-ports`. Ingresses in an explicit
    /// IngressGroup (`group.name`) are skipped: another member may define the listener.
    ///
    /// ## Why is this bad?
    /// The controller needs the redirect port to be one of the group's HTTPS listeners; otherwise
    /// the model build fails (`listener does not exist for SSLRedirect port`, or `listener
    /// protocol non-SSL for SSLRedirect port` when it is an HTTP port) and the ALB is not
    /// reconciled.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}]'
    ///     alb.ingress.kubernetes.io/ssl-redirect: "443"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'
    ///     alb.ingress.kubernetes.io/ssl-redirect: "443"
    /// ```
    ///
    /// ## References
    /// - ssl-redirect: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/annotations.md#ssl-redirect>
    /// - Where it is checked: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/ingress/model_builder.go>
    pub struct LbcSslRedirectWithoutHttps {
        code: "LBC006",
        name: "lbc-ssl-redirect-without-https",
        family: Lbc,
        severity: Error,
        fix: None,
        summary: "ssl-redirect names a port that is not an HTTPS port in listen-ports",
    }
}

const SSL_REDIRECT: &str = "alb.ingress.kubernetes.io/ssl-redirect";
const LISTEN_PORTS: &str = "alb.ingress.kubernetes.io/listen-ports";

impl Rule for LbcSslRedirectWithoutHttps {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !super::support::is_alb_ingress(tree, obj)
            || super::support::ann(tree, obj, "alb.ingress.kubernetes.io/group.name").is_some()
        {
            return;
        }
        let Some((redirect, span)) = super::support::ann(tree, obj, SSL_REDIRECT) else {
            return;
        };
        let Ok(port) = parse_go_int(redirect, 32) else {
            return;
        };
        let Some((ports, lp_span)) = super::support::ann(tree, obj, LISTEN_PORTS) else {
            return;
        };
        let Some(https) = super::support::json::listen_ports_of(ports, "HTTPS") else {
            return;
        };
        if https.contains(&port) {
            return;
        }
        let has_http =
            super::support::json::listen_ports_of(ports, "HTTP").is_some_and(|p| p.contains(&port));
        let list = if https.is_empty() {
            "it has no HTTPS listener".to_string()
        } else {
            format!(
                "its HTTPS ports are {}",
                https
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        ctx.report(
            span,
            format!(
                "`ssl-redirect` redirects to port {port}, but `listen-ports` has no HTTPS listener on {port}: {list}"
            ),
        )
        .label(if has_http {
            "not an HTTPS listen port"
        } else {
            "no such HTTPS listener"
        })
        .with_label(lp_span, "listeners of this Ingress")
        .help(format!(
            "add {{\"HTTPS\": {port}}} to `listen-ports` (with a certificate), or redirect to an existing HTTPS port"
        ));
    }
}
