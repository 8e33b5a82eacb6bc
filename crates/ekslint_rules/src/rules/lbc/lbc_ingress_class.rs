use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

use super::support::catalog::CATALOG;

declare_rule! {
    /// ## What it does
    /// Cross-object check of Ingress classes in the input:
    /// - an Ingress with `alb.ingress.kubernetes.io/` annotations whose `spec.ingressClassName`
    ///   names an IngressClass (in the input) whose `spec.controller` is not
    ///   `ingress.k8s.aws/alb` (or EKS Auto Mode's `eks.amazonaws.com/alb`);
    /// - an ALB IngressClass whose `spec.parameters` is not `{apiGroup: elbv2.k8s.aws, kind:
    ///   IngressClassParams}`, or names an IngressClassParams that is not in the input (checked
    ///   only when the input defines IngressClassParams at all).
    ///
    /// ## Why is this bad?
    /// Another controller owns the Ingress, so none of its ALB annotations does anything. An
    /// IngressClass with wrong parameters, or whose IngressClassParams does not exist, makes
    /// every Ingress of the class fail with a `FailedLoadGroupID` event (`IngressClassParams …
    /// not found`): no ALB is created.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: elbv2.k8s.aws/v1beta1
    /// kind: IngressClassParams
    /// metadata:
    ///   name: alb-internal
    /// spec:
    ///   scheme: internal
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: IngressClass
    /// metadata:
    ///   name: alb
    /// spec:
    ///   controller: ingress.k8s.aws/alb
    ///   parameters:
    ///     apiGroup: elbv2.k8s.aws
    ///     kind: IngressClassParams
    ///     name: alb-params   # no IngressClassParams of that name
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: elbv2.k8s.aws/v1beta1
    /// kind: IngressClassParams
    /// metadata:
    ///   name: alb-params
    /// spec:
    ///   scheme: internal
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: IngressClass
    /// metadata:
    ///   name: alb
    /// spec:
    ///   controller: ingress.k8s.aws/alb
    ///   parameters:
    ///     apiGroup: elbv2.k8s.aws
    ///     kind: IngressClassParams
    ///     name: alb-params
    /// ```
    ///
    /// ## References
    /// - IngressClass: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/ingress_class.md>
    /// - Class loading: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/ingress/class_loader.go>
    pub struct LbcIngressClass {
        code: "LBC013",
        name: "lbc-ingress-class",
        family: Lbc,
        severity: Error,
        fix: None,
        summary: "An ALB Ingress whose IngressClass belongs to another controller, or an ALB IngressClass with missing or wrong parameters",
    }
}

impl Rule for LbcIngressClass {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.lbc;
        let is_alb = |c: &str| CATALOG.alb_controller(c).is_some();
        for ing in &facts.ingresses {
            let Some((class, class_loc)) = &ing.class_name else {
                continue;
            };
            if !ing.has_alb_annotations {
                continue;
            }
            let Some(c) = facts.class(class) else {
                continue;
            };
            let Some((controller, cl)) = &c.controller else {
                continue;
            };
            if is_alb(controller) {
                continue;
            }
            ctx.report(
                class_loc.file.clone(),
                class_loc.span,
                format!(
                    "Ingress `{}` has ALB annotations but its IngressClass `{class}` belongs to controller `{controller}`: the AWS Load Balancer Controller ignores it",
                    ing.name
                ),
            )
            .label("not an ALB class")
            .related(cl.file.clone(), cl.span, format!("IngressClass `{class}` is for `{controller}`"))
            .help("use an IngressClass whose `spec.controller` is `ingress.k8s.aws/alb` (or `eks.amazonaws.com/alb` with EKS Auto Mode), or remove the ALB annotations");
        }
        for c in &facts.classes {
            let Some((controller, _)) = &c.controller else {
                continue;
            };
            let Some(alb) = CATALOG.alb_controller(controller) else {
                continue;
            };
            let Some(p) = &c.params else { continue };
            let users: Vec<_> = facts
                .ingresses
                .iter()
                .filter(|i| i.class_name.as_ref().is_some_and(|(n, _)| *n == c.name))
                .take(3)
                .collect();
            let msg = if *p.api_group != *alb.params_group || &*p.kind != "IngressClassParams" {
                Some((
                    p.loc.clone(),
                    format!(
                        "IngressClass `{}` references parameters of kind `{}` in group `{}`: {} (`{}`) accepts only `IngressClassParams` in `{}`",
                        c.name, p.kind, p.api_group, alb.product, alb.controller, alb.params_group
                    ),
                    "unknown parameters",
                ))
            } else if facts.params.iter().any(|x| x.api_group == p.api_group)
                && facts.params_of(c).is_none()
            {
                Some((
                    p.name_loc.clone(),
                    format!(
                        "IngressClass `{}` references IngressClassParams `{}`, which is not defined in the input: Ingresses of this class are not reconciled",
                        c.name, p.name
                    ),
                    "no such IngressClassParams",
                ))
            } else {
                None
            };
            if let Some((loc, m, label)) = msg {
                let f = ctx.report(loc.file.clone(), loc.span, m);
                f.label(label);
                for u in users {
                    f.related(
                        u.name_loc.file.clone(),
                        u.name_loc.span,
                        format!("Ingress `{}` uses this class", u.name),
                    );
                }
            }
        }
    }
}
