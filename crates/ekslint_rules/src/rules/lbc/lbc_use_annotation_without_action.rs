use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an Ingress backend with `port.name: use-annotation` whose service name has no
    /// `alb.ingress.kubernetes.io/actions.<name>` annotation on the same Ingress.
    ///
    /// ## Why is this bad?
    /// `use-annotation` tells the controller to take the action (redirect, fixed response,
    /// weighted forward) from `actions.<service name>`. Without it the controller by default
    /// answers every request of that rule with a fixed `503 Backend action does not exist`
    /// (`--tolerate-non-existent-backend-action=true`), or fails the whole IngressGroup
    /// (`missing actions.<name> configuration`) when that flag is off.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/actions.ssl-redirect: '{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}'
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: redirect-to-https, port: {name: use-annotation}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/actions.redirect-to-https: '{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}'
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: redirect-to-https, port: {name: use-annotation}}
    /// ```
    ///
    /// ## References
    /// - actions annotation: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/annotations.md#actions>
    /// - Backend resolution: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/ingress/enhanced_backend_builder.go>
    pub struct LbcUseAnnotationWithoutAction {
        code: "LBC008",
        name: "lbc-use-annotation-without-action",
        family: Lbc,
        severity: Error,
        fix: None,
        summary: "A use-annotation backend whose actions.<name> annotation is missing",
    }
}

const ACTIONS: &str = "alb.ingress.kubernetes.io/actions.";

impl Rule for LbcUseAnnotationWithoutAction {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !super::support::is_alb_ingress(tree, obj) {
            return;
        }
        let anns = super::support::annotations(tree, obj);
        for b in super::support::ingress_backends(tree, obj) {
            let Some(port) = b.port else { continue };
            if !b.port_is_name || tree.as_str(port) != Some("use-annotation") {
                continue;
            }
            let Some(name) = tree.as_str(b.service) else {
                continue;
            };
            let key = format!("{ACTIONS}{name}");
            if anns.iter().any(|a| a.key == key) {
                continue;
            }
            let others: Vec<&str> = anns
                .iter()
                .filter_map(|a| a.key.strip_prefix(ACTIONS))
                .collect();
            let f = ctx.report(
                tree.span(b.service),
                format!(
                    "backend `{name}` uses `use-annotation`, but the Ingress has no `{key}` annotation: the controller answers this rule with a fixed 503"
                ),
            );
            f.label(format!("no `actions.{name}`"))
                .with_label(tree.span(port), "takes the action from an annotation");
            if let Some(o) = others
                .iter()
                .min_by_key(|o| crate::support::suggest::distance(o, name))
            {
                f.help(format!(
                    "the Ingress defines `actions.{o}`: the backend service name must equal the part after `actions.`"
                ));
            } else {
                f.help(format!("add the annotation `{key}` with the action JSON"));
            }
        }
    }
}
