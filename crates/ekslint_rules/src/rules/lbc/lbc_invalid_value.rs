use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Parses every load balancer controller annotation value exactly as the controller does and
    /// reports the ones it rejects or silently ignores:
    /// - booleans with Go's `strconv.ParseBool` (`true`, `false`, `1`, `0`, `t`, `f`, `TRUE`,
    ///   `True`, …): `yes`, `on`, `enabled` and ` true` are errors;
    /// - integers in base 10 as int32 or int64, with the ranges the controller enforces;
    /// - enums exactly, case-sensitive (`Internet-facing` is not `internet-facing`);
    /// - `k=v` maps (commas between pairs, `\,` escapes a comma in a value), capacity and port maps;
    /// - JSON annotations (`listen-ports`, `actions.*`, `conditions.*`, `transforms.*`,
    ///   `auth-idp-*`, `jwt-validation`, `mutual-authentication`, Service `actions.*`) against the
    ///   structure the controller unmarshals them into: field names match case-insensitively,
    ///   enum values and JSON types do not;
    /// - ARNs (certificates, WAFv2, ACM PCA), CIDRs (`inbound-cidrs`, source ranges), prefix
    ///   list, EIP allocation, subnet and security group IDs.
    ///
    /// A value wrapped in typographic quotes (`“true”`, pasted from a document) gets its own
    /// message. Service keys that the legacy in-tree cloud provider also reads are checked only
    /// when the Service is selected for the controller.
    ///
    /// ## Why is this bad?
    /// A value the controller cannot parse fails the model build: the load balancer is not
    /// reconciled at all and the only trace is a `FailedBuildModel` event (for an IngressGroup,
    /// every Ingress of the group stops). Some keys fall back silently instead:
    /// `aws-load-balancer-nlb-target-type: IP` gives instance targets.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/scheme: Internet-facing
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": "443"}]'
    ///     alb.ingress.kubernetes.io/shield-advanced-protection: “true”
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
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": 443}]'
    ///     alb.ingress.kubernetes.io/shield-advanced-protection: "true"
    /// ```
    ///
    /// ## References
    /// - How values are parsed: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/annotations/parser.go>
    /// - Ingress annotations: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/annotations.md>
    /// - Service annotations: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/annotations.md>
    /// - The catalog (`type`, `allowed`, `range` of each key): `rules/lbc/annotations.yaml`
    pub struct LbcInvalidValue {
        code: "LBC004",
        name: "lbc-invalid-value",
        family: Lbc,
        severity: Error,
        fix: None,
        summary: "A load balancer controller annotation value the controller cannot parse or silently ignores",
    }
}

impl Rule for LbcInvalidValue {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(kind) = super::support::lbc_kind(tree, obj) else {
            return;
        };
        let ctl = (kind == "Service").then(|| super::support::service_controller(tree, obj));
        for a in super::support::annotations(tree, obj) {
            let Some(row) = super::support::row_of(a.key) else {
                continue;
            };
            let Some(value) = a.value else { continue };
            if !row.reads(kind) || row.output || row.key.ends_with("/group.name") {
                continue;
            }
            if row.key.ends_with("/group.order") {
                continue;
            }
            // LBC005 explains a bad target type when it leaves `external` unselected.
            if row.key == super::support::TARGET_TYPE_KEY
                && ctl == Some(super::support::SvcController::ExternalUnselected)
            {
                continue;
            }
            if row.is_service_key() && !ctl.is_some_and(|c| c.checks(row)) {
                continue;
            }
            if let Some(p) = super::support::parse::check(row, a.key, value) {
                let f = ctx.report(a.value_span, p.message);
                f.label(p.label);
                if let Some(h) = p.help {
                    f.help(h);
                }
            }
        }
    }
}
