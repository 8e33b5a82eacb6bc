use ekslint_manifest::{Object, Span};

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::go::parse_go_int;

use super::support::catalog::Hc;

declare_rule! {
    /// ## What it does
    /// Reports health-check annotations outside the ranges AWS accepts (interval 5-300 s,
    /// timeout 2-120 s, healthy/unhealthy thresholds 2-10) and a timeout that is not shorter than
    /// the interval, for ALB target groups (`alb.ingress.kubernetes.io/healthcheck-*`, on the
    /// Ingress or its backend Service), the frontend NLB of an Ingress, and NLB Services. When
    /// only one of the interval and timeout of an ALB target group is set, the other is the
    /// controller default (15 s and 5 s).
    ///
    /// ## Why is this bad?
    /// The controller does not check these numbers; the ELBv2 API rejects the target group when
    /// it is created (`Health check interval must be greater than the timeout`, `… must be
    /// between …`) and the deploy step fails with a `FailedDeployModel` event. AWS has changed
    /// these limits before, so this is a warning.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/healthcheck-interval-seconds: "10"
    ///     alb.ingress.kubernetes.io/healthcheck-timeout-seconds: "10"
    ///     alb.ingress.kubernetes.io/healthy-threshold-count: "1"
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
    ///     alb.ingress.kubernetes.io/healthcheck-interval-seconds: "10"
    ///     alb.ingress.kubernetes.io/healthcheck-timeout-seconds: "5"
    ///     alb.ingress.kubernetes.io/healthy-threshold-count: "2"
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
    /// - Target group health checks: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html>
    /// - NLB health checks: <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html>
    /// - Controller defaults: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/ingress/model_builder.go>
    pub struct LbcHealthCheckRange {
        code: "LBC010",
        name: "lbc-health-check-range",
        family: Lbc,
        severity: Warning,
        fix: None,
        summary: "Health-check interval, timeout or thresholds outside AWS limits, or a timeout not shorter than the interval",
    }
}

/// Default interval and timeout, when the controller has them.
type Defaults = Option<(i64, i64)>;

/// Interval/timeout pairs: (interval key, timeout key, default interval and timeout).
const PAIRS: &[(&str, &str, Defaults)] = &[
    (
        "alb.ingress.kubernetes.io/healthcheck-interval-seconds",
        "alb.ingress.kubernetes.io/healthcheck-timeout-seconds",
        Some((15, 5)),
    ),
    (
        "alb.ingress.kubernetes.io/frontend-nlb-healthcheck-interval-seconds",
        "alb.ingress.kubernetes.io/frontend-nlb-healthcheck-timeout-seconds",
        Some((15, 5)),
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval",
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout",
        None,
    ),
];

impl Rule for LbcHealthCheckRange {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(kind) = super::support::lbc_kind(tree, obj) else {
            return;
        };
        let ctl = (kind == "Service").then(|| super::support::service_controller(tree, obj));
        let applies = |key: &str| {
            super::support::row_of(key).is_some_and(|r| {
                r.reads(kind)
                    && (!r.is_service_key()
                        || ctl.is_some_and(|c| {
                            c.checks(r) || c == super::support::SvcController::Default
                        }))
            })
        };
        let value = |key: &str| -> Option<(i64, Span)> {
            let (v, span) = super::support::ann(tree, obj, key)?;
            Some((parse_go_int(v, 32).ok()?, span))
        };
        let mut out_of_range = Vec::new();
        for a in super::support::annotations(tree, obj) {
            let Some(row) = super::support::row_of(a.key) else {
                continue;
            };
            if row.hc.is_none() || !applies(a.key) {
                continue;
            }
            let (Some([lo, hi]), Some((v, span))) = (row.range, value(a.key)) else {
                continue;
            };
            if v < lo || v > hi {
                out_of_range.push(a.key);
                let what = match row.hc {
                    Some(Hc::Interval) => "interval",
                    Some(Hc::Timeout) => "timeout",
                    _ => "threshold",
                };
                ctx.report(
                    span,
                    format!(
                        "`{}` is {v}, but AWS accepts a health-check {what} of {lo} to {hi}",
                        row.suffix()
                    ),
                )
                .label("outside the AWS range");
            }
        }
        for &(ik, tk, defaults) in PAIRS {
            if !applies(ik) || out_of_range.contains(&ik) || out_of_range.contains(&tk) {
                continue;
            }
            let (i, t) = (value(ik), value(tk));
            let defaults = defaults.filter(|_| kind == "Ingress");
            let (interval, timeout, span, other) = match (i, t, defaults) {
                (Some((i, is)), Some((t, ts)), _) => (i, t, ts, Some(is)),
                (Some((i, is)), None, Some((_, dt))) => (i, dt, is, None),
                (None, Some((t, ts)), Some((di, _))) => (di, t, ts, None),
                _ => continue,
            };
            if timeout < interval {
                continue;
            }
            let f = ctx.report(
                span,
                format!(
                    "health-check timeout {timeout} s is not shorter than the interval {interval} s{}: AWS rejects the target group",
                    if other.is_none() { " (the other one is the controller default)" } else { "" }
                ),
            );
            f.label("timeout must be less than the interval");
            if let Some(o) = other {
                f.with_label(o, "interval");
            }
        }
    }
}
