use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

use super::support::{SvcController, TARGET_TYPE_KEY, TYPE_KEY};

declare_rule! {
    /// ## What it does
    /// Checks how a Service without `spec.loadBalancerClass` selects the AWS Load Balancer
    /// Controller:
    /// - `service.beta.kubernetes.io/aws-load-balancer-type: external` without
    ///   `aws-load-balancer-nlb-target-type` set to exactly `ip` or `instance`;
    /// - `aws-load-balancer-type: nlb` (or another value that means the legacy in-tree cloud
    ///   provider) together with annotations only the controller reads
    ///   (`aws-load-balancer-scheme`, `-attributes`, `-nlb-target-type`, `-ip-address-type`, …):
    ///   each such key is reported;
    /// - `type: LoadBalancer` with controller-only annotations but neither
    ///   `spec.loadBalancerClass` nor `aws-load-balancer-type`: reported once, at the first such
    ///   key. The controller's Service webhook (on by default since v2.5) sets the class when the
    ///   Service is created, but only where the controller and its webhook run.
    ///
    /// ## Why is this bad?
    /// Without a class, the controller reconciles a Service only when `aws-load-balancer-type` is
    /// `nlb-ip`, or `external` together with a target type (pkg/service/service_utils.go); the
    /// in-tree provider in kube-controller-manager skips `external` and handles `nlb` itself,
    /// ignoring every controller-only annotation (the NLB comes up internet-facing, without the
    /// attributes, security groups or target type you asked for).
    ///
    /// Whether that happens depends on the cluster: the controller's Service mutating webhook
    /// (on by default in its Helm chart) sets `spec.loadBalancerClass: service.k8s.aws/nlb` on
    /// every new `type: LoadBalancer` Service, and then the controller takes it whatever the
    /// annotation says. With the webhook disabled, on a cluster without the controller, or for a
    /// Service created before it was installed, the annotations are ignored. That is why this is
    /// a warning: set the class explicitly and the manifest means the same thing everywhere.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: nlb
    ///     service.beta.kubernetes.io/aws-load-balancer-scheme: internal
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
    /// - Service webhook: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/webhooks/core/service_mutator.go>
    /// - Service selection: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/service/service_utils.go>
    /// - Legacy cloud provider integration: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/annotations.md>
    /// - In-tree provider keys: <https://github.com/kubernetes/cloud-provider-aws/blob/master/pkg/providers/v1/aws.go>
    pub struct LbcServiceNotReconciled {
        code: "LBC005",
        name: "lbc-service-not-reconciled",
        family: Lbc,
        severity: Warning,
        fix: None,
        summary: "A Service whose controller annotations take effect only if the controller's webhook set its loadBalancerClass",
    }
}

impl Rule for LbcServiceNotReconciled {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if super::support::lbc_kind(tree, obj) != Some("Service") {
            return;
        }
        match super::support::service_controller(tree, obj) {
            SvcController::ExternalUnselected => {
                let Some((_, type_span)) = super::support::ann(tree, obj, TYPE_KEY) else {
                    return;
                };
                match super::support::ann(tree, obj, TARGET_TYPE_KEY) {
                    Some((tt, span)) => {
                        ctx.report(
                            span,
                            format!(
                                "with `aws-load-balancer-type: external` and no `spec.loadBalancerClass`, the controller selects the Service only when `aws-load-balancer-nlb-target-type` is exactly `ip` or `instance`, not `{tt}`"
                            ),
                        )
                        .label("not `ip` or `instance`")
                        .with_label(type_span, "selects the controller only with a valid target type");
                    }
                    None => {
                        ctx.report(
                            type_span,
                            "`aws-load-balancer-type: external` without `aws-load-balancer-nlb-target-type` or `spec.loadBalancerClass`: the controller selects this Service only if its webhook set the class at creation, and the in-tree provider ignores `external`",
                        )
                        .label("no target type")
                        .help("add `service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip` (or `instance`), or set `spec.loadBalancerClass: service.k8s.aws/nlb`");
                    }
                }
            }
            SvcController::InTree => {
                let Some((ty, type_span)) = super::support::ann(tree, obj, TYPE_KEY) else {
                    return;
                };
                for a in super::support::annotations(tree, obj) {
                    let Some(row) = super::support::row_of(a.key) else {
                        continue;
                    };
                    if !row.lbc_only() || !row.reads("Service") {
                        continue;
                    }
                    ctx.report(
                        a.key_span,
                        format!(
                            "`{}` is ignored unless the controller's webhook set `spec.loadBalancerClass`: `aws-load-balancer-type: {ty}` hands this Service to the legacy in-tree cloud provider, which does not read it",
                            a.key
                        ),
                    )
                    .label("read only by the AWS Load Balancer Controller")
                    .with_label(type_span, "selects the in-tree provider")
                    .help("set `spec.loadBalancerClass: service.k8s.aws/nlb` (or `aws-load-balancer-type: external` with `aws-load-balancer-nlb-target-type: ip`); changing either on an existing Service replaces the load balancer");
                }
            }
            SvcController::Default => {
                // Controller-only annotations with neither a class nor a type annotation: one
                // finding per Service, at the first of them.
                let only: Vec<_> = super::support::annotations(tree, obj)
                    .into_iter()
                    .filter(|a| {
                        super::support::row_of(a.key)
                            .is_some_and(|row| row.lbc_only() && row.reads("Service"))
                    })
                    .collect();
                let Some(first) = only.first() else { return };
                let others = match only.len() {
                    1 => String::new(),
                    n => format!(" (and {} more controller annotations)", n - 1),
                };
                let f = ctx.report(
                    first.key_span,
                    format!(
                        "`{}`{others} takes effect only if the AWS Load Balancer Controller's webhook sets `spec.loadBalancerClass` when the Service is created: this Service names neither a class nor `aws-load-balancer-type`, so without the webhook the legacy in-tree provider creates a Classic Load Balancer and ignores these annotations",
                        first.key
                    ),
                );
                f.label("read only by the AWS Load Balancer Controller");
                for a in only.iter().skip(1).take(4) {
                    f.with_label(a.key_span, "controller only");
                }
                f.help("say which controller you mean: `spec.loadBalancerClass: service.k8s.aws/nlb` (or `eks.amazonaws.com/nlb` with EKS Auto Mode), or `service.beta.kubernetes.io/aws-load-balancer-type: external` with `aws-load-balancer-nlb-target-type: ip`");
            }
            _ => {}
        }
    }
}
