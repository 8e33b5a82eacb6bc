use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

use super::support::catalog::CATALOG;
use super::support::{SvcController, TYPE_KEY};

declare_rule! {
    /// ## What it does
    /// Reports deprecated load balancer controller annotations and values, with the replacement:
    /// `kubernetes.io/ingress.class` on an ALB Ingress (value `alb`, or ALB annotations; use
    /// `spec.ingressClassName`),
    /// `alb.ingress.kubernetes.io/web-acl-id`, and on Services the controller reconciles
    /// `aws-load-balancer-internal`, `aws-load-balancer-access-log-*` and
    /// `aws-load-balancer-cross-zone-load-balancing-enabled`; and the value `nlb-ip` of
    /// `service.beta.kubernetes.io/aws-load-balancer-type`; the IngressClassParams field
    /// `spec.PrefixListsIDs` (use `spec.prefixListsIDs`).
    ///
    /// Service keys the legacy in-tree cloud provider also reads are only reported when the
    /// Service is selected for the controller (`spec.loadBalancerClass: service.k8s.aws/nlb` or
    /// `aws-load-balancer-type: external`/`nlb-ip`): for the in-tree provider they are current.
    ///
    /// ## Why is this bad?
    /// The deprecated forms still work today but are kept only for compatibility: the
    /// `kubernetes.io/ingress.class` annotation can be forbidden by the controller flag
    /// `--disable-ingress-class-annotation`, the deprecated Service keys silently override the
    /// `aws-load-balancer-attributes` they were replaced by, and `nlb-ip` is documented as legacy.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip
    ///     service.beta.kubernetes.io/aws-load-balancer-internal: "true"
    /// spec:
    ///   type: LoadBalancer
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    ///     service.beta.kubernetes.io/aws-load-balancer-scheme: internal
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerClass: service.k8s.aws/nlb
    /// ```
    ///
    /// ## References
    /// - Service annotations (legacy and deprecated keys): <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/annotations.md>
    /// - IngressClass: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/ingress_class.md>
    /// - The catalog (`deprecated` of each key): `rules/lbc/annotations.yaml`
    pub struct LbcDeprecated {
        code: "LBC003",
        name: "lbc-deprecated",
        family: Lbc,
        severity: Warning,
        fix: None,
        summary: "A deprecated load balancer controller annotation or value, with its replacement",
    }
}

impl Rule for LbcDeprecated {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.kind_str(tree) == Some("IngressClassParams")
            && obj.group(tree) == "elbv2.k8s.aws"
            && let Some(spec) = obj.get(tree, &["spec"])
            && let Some(e) = tree.get_entry(spec, "PrefixListsIDs")
        {
            ctx.report(
                tree.span(e.key),
                "`spec.PrefixListsIDs` is deprecated: use `spec.prefixListsIDs`",
            )
            .label("deprecated field");
        }
        let Some(kind) = super::support::lbc_kind(tree, obj) else {
            return;
        };
        let ctl = (kind == "Service").then(|| super::support::service_controller(tree, obj));
        for a in super::support::annotations(tree, obj) {
            if kind == "Ingress" && a.key == CATALOG.ingress_class_annotation.key {
                let value = a.value.unwrap_or("");
                // Another controller's class (`nginx`, `gce`, `istio`) is not ours to judge.
                let alb_annotations = super::support::annotations(tree, obj)
                    .iter()
                    .any(|x| x.key.starts_with(super::support::catalog::INGRESS_PREFIX));
                if value != "alb" && !alb_annotations {
                    continue;
                }
                let has_field = obj.get(tree, &["spec", "ingressClassName"]).is_some();
                let f = ctx.report(
                    a.key_span,
                    format!(
                        "`{}` is deprecated: use `spec.ingressClassName` naming an IngressClass whose controller is `ingress.k8s.aws/alb`",
                        a.key
                    ),
                );
                f.label("deprecated annotation");
                if has_field {
                    f.help("remove the annotation: it overrides `spec.ingressClassName`, and the API server rejects an Ingress created with both");
                } else if !value.is_empty() {
                    f.help(format!(
                        "replace it with `spec.ingressClassName: {value}` (an IngressClass named `{value}` must exist)"
                    ));
                }
                continue;
            }
            if a.key == TYPE_KEY && a.value == Some("nlb-ip") {
                ctx.report(
                    a.value_span,
                    "`aws-load-balancer-type: nlb-ip` is deprecated: use `external` with `aws-load-balancer-nlb-target-type: ip`, or `spec.loadBalancerClass: service.k8s.aws/nlb`",
                )
                .label("deprecated value")
                .help("set `service.beta.kubernetes.io/aws-load-balancer-type: external` and `service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`");
                continue;
            }
            let Some(row) = super::support::row_of(a.key) else {
                continue;
            };
            let Some(replacement) = &row.deprecated else {
                continue;
            };
            if !row.reads(kind) {
                continue;
            }
            if row.is_service_key()
                && !matches!(
                    ctl,
                    Some(SvcController::Lbc | SvcController::ExternalUnselected)
                )
            {
                continue;
            }
            ctx.report(
                a.key_span,
                format!("`{}` is deprecated: use {replacement}", a.key),
            )
            .label("deprecated annotation");
        }
    }
}
