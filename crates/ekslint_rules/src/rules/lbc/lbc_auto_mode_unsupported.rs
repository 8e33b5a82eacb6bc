use ekslint_manifest::Object;

use super::support::catalog::{AnnotatedKind, CATALOG};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an annotation that EKS Auto Mode's load balancing does not support, on an Ingress
    /// whose IngressClass has `spec.controller: eks.amazonaws.com/alb` (the class may be in
    /// another file) or on a Service with `spec.loadBalancerClass: eks.amazonaws.com/nlb`:
    /// `kubernetes.io/ingress.class`, `alb.ingress.kubernetes.io/group.name`, `waf-acl-id`,
    /// `web-acl-id`, `shield-advanced-protection`, and on Services
    /// `load-balancer-source-ranges`, `aws-load-balancer-type`, `aws-load-balancer-internal`,
    /// `aws-load-balancer-proxy-protocol`, the `aws-load-balancer-access-log-*` keys and
    /// `aws-load-balancer-cross-zone-load-balancing-enabled`. The list and each replacement are
    /// in `rules/lbc/annotations.yaml` (`auto_mode_unsupported`).
    ///
    /// ## Why is this bad?
    /// Auto Mode reads the AWS Load Balancer Controller's annotations, but not these: a manifest
    /// moved from a cluster that ran the controller keeps them, and the load balancer comes up
    /// without the setting (no source restriction, no proxy protocol, no access logs, another
    /// group) with no error.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
    ///     service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: "*"
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerClass: eks.amazonaws.com/nlb
    ///   selector: {app: web}
    ///   ports: [{port: 443, targetPort: 8443}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
    ///     service.beta.kubernetes.io/aws-load-balancer-attributes: proxy_protocol.v2.enabled=true
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerClass: eks.amazonaws.com/nlb
    ///   selector: {app: web}
    ///   ports: [{port: 443, targetPort: 8443}]
    /// ```
    ///
    /// ## References
    /// - Ingress annotations under Auto Mode: <https://github.com/awsdocs/amazon-eks-user-guide/blob/mainline/latest/ug/automode/auto-configure-alb.adoc>
    /// - Service annotations under Auto Mode: <https://github.com/awsdocs/amazon-eks-user-guide/blob/mainline/latest/ug/automode/auto-configure-nlb.adoc>
    pub struct LbcAutoModeUnsupported {
        code: "LBC018",
        name: "lbc-auto-mode-unsupported",
        family: Lbc,
        severity: Warning,
        fix: None,
        summary: "An annotation EKS Auto Mode's load balancing does not support, on an Auto Mode Ingress or Service",
    }
}

impl Rule for LbcAutoModeUnsupported {
    /// Services: the class is on the object itself.
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if super::support::lbc_kind(tree, obj) != Some("Service") {
            return;
        }
        let Some(class_node) = obj.get(tree, &["spec", "loadBalancerClass"]) else {
            return;
        };
        let Some(class) = tree
            .as_str(class_node)
            .and_then(|c| CATALOG.nlb_class(c))
            .filter(|c| c.auto_mode)
        else {
            return;
        };
        for a in super::support::annotations(tree, obj) {
            let Some(u) = CATALOG.auto_mode_unsupported(a.key, AnnotatedKind::Service) else {
                continue;
            };
            ctx.report(
                a.key_span,
                format!(
                    "EKS Auto Mode does not support `{}`: this Service's load balancer (class `{}`) is created without it",
                    a.key, class.class
                ),
            )
            .label("ignored by Auto Mode")
            .with_label(tree.span(class_node), "Auto Mode")
            .help(u.instead.clone());
        }
    }

    /// Ingresses: the class may be defined in another file.
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.lbc;
        for ing in &facts.ingresses {
            if ing.auto_mode_unsupported.is_empty() {
                continue;
            }
            let Some((class_name, _)) = &ing.class_name else {
                continue;
            };
            let Some(class) = facts.class(class_name) else {
                continue;
            };
            let Some((controller, controller_loc)) = &class.controller else {
                continue;
            };
            if !CATALOG
                .alb_controller(controller)
                .is_some_and(|c| c.auto_mode)
            {
                continue;
            }
            for (key, loc) in &ing.auto_mode_unsupported {
                let Some(u) = CATALOG.auto_mode_unsupported(key, AnnotatedKind::Ingress) else {
                    continue;
                };
                ctx.report(
                    loc.file.clone(),
                    loc.span,
                    format!(
                        "EKS Auto Mode does not support `{key}`: Ingress `{}` (IngressClass `{class_name}`) gets its load balancer without it",
                        ing.name
                    ),
                )
                .label("ignored by Auto Mode")
                .related(
                    controller_loc.file.clone(),
                    controller_loc.span,
                    format!("IngressClass `{class_name}` is EKS Auto Mode's"),
                )
                .help(u.instead.clone());
            }
        }
    }
}
