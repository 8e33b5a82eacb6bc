use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

use super::support::catalog::{INGRESS_PREFIX, Lookup, lookup};

declare_rule! {
    /// ## What it does
    /// Reports a load balancer controller annotation on a kind that does not read it: an
    /// Ingress-only key (`alb.ingress.kubernetes.io/scheme`, `listen-ports`, `group.name`, …) on a
    /// Service, a Service key (`service.beta.kubernetes.io/aws-load-balancer-…`) on an Ingress, or
    /// the Pod annotation `aws-load-balancer-quic-enabled-containers` on a Service. The
    /// target-group keys that the controller also reads from an Ingress's backend Service
    /// (`target-type`, `backend-protocol`, `healthcheck-*`, `auth-*`, …) are fine on a Service.
    ///
    /// ## Why is this bad?
    /// The controller only reads each key from the objects listed in its documentation; anywhere
    /// else the annotation is silently ignored. Putting `alb.ingress.kubernetes.io/scheme:
    /// internet-facing` on the Service leaves the ALB internal.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/scheme: internet-facing
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
    /// ```
    ///
    /// ## References
    /// - Ingress annotations (the "Ingress, Service" column): <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/annotations.md>
    /// - Service annotations: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/annotations.md>
    /// - The catalog (`kinds` of each key): `rules/lbc/annotations.yaml`
    pub struct LbcAnnotationWrongKind {
        code: "LBC002",
        name: "lbc-annotation-wrong-kind",
        family: Lbc,
        severity: Error,
        fix: None,
        summary: "A load balancer controller annotation on a kind of object that does not read it",
    }
}

impl Rule for LbcAnnotationWrongKind {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(kind) = super::support::lbc_kind(tree, obj) else {
            return;
        };
        for a in super::support::annotations(tree, obj) {
            let Lookup::Known(row) = lookup(a.key) else {
                continue;
            };
            if row.reads(kind) {
                continue;
            }
            let readers = row.kinds.join(" and ");
            let f = ctx.report(
                a.key_span,
                if row.reads("Pod") {
                    format!(
                        "`{}` is read from Pods, not from a {kind}: put it on the Pod template of the workload",
                        a.key
                    )
                } else {
                    format!(
                        "`{}` is read only from {readers} objects; on a {kind} the controller ignores it",
                        a.key
                    )
                },
            );
            f.label(format!("ignored on a {kind}"));
            // The same setting on the other kind, when it exists.
            let short = row.suffix().trim_start_matches("aws-load-balancer-");
            let twin = if kind == "Ingress" {
                format!("{INGRESS_PREFIX}{short}")
            } else {
                format!("service.beta.kubernetes.io/aws-load-balancer-{short}")
            };
            if let Lookup::Known(t) = lookup(&twin)
                && t.reads(kind)
            {
                f.help(format!("on a {kind} the equivalent key is `{twin}`"));
            } else if kind == "Service" && row.reads("Ingress") {
                f.help("move it to the Ingress that routes to this Service");
            }
        }
    }
}
