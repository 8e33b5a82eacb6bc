use std::collections::BTreeMap;

use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

use super::support::facts::{ExclusiveFact, IngressFact};

declare_rule! {
    /// ## What it does
    /// Groups the Ingresses of the input by `alb.ingress.kubernetes.io/group.name`, or the
    /// `spec.group.name` of their class's IngressClassParams when the input has it (across
    /// namespaces, like the controller), and reports each Ingress that sets an exclusive setting
    /// to a different value than an earlier member: `scheme`, `ip-address-type`,
    /// `load-balancer-name`, `subnets` (order-insensitive), `security-groups` (order-sensitive),
    /// `ssl-redirect`, WAF and Shield settings, `load-balancer-attributes` and `tags` per key,
    /// capacity reservation, IPAM pool, and the frontend NLB settings.
    ///
    /// ## Why is this bad?
    /// All members of an IngressGroup share one ALB. When two members disagree on a setting that
    /// can only have one value, the controller fails the model build for the whole group
    /// (`conflicting scheme`, `conflicting load balancer attributes`, …): no member is
    /// reconciled until the conflict is fixed, including Ingresses owned by other teams.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: team-a
    ///   namespace: team-a
    ///   annotations:
    ///     alb.ingress.kubernetes.io/group.name: shared
    ///     alb.ingress.kubernetes.io/scheme: internet-facing
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /team-a
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: team-a, port: {number: 80}}
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: team-b
    ///   namespace: team-b
    ///   annotations:
    ///     alb.ingress.kubernetes.io/group.name: shared
    ///     alb.ingress.kubernetes.io/scheme: internal
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /team-b
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: team-b, port: {number: 80}}
    /// ```
    ///
    /// ## Use instead
    /// Set the value once, on one member, or the same value on every member (or move the
    /// settings to an IngressClassParams).
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: team-a
    ///   namespace: team-a
    ///   annotations:
    ///     alb.ingress.kubernetes.io/group.name: shared
    ///     alb.ingress.kubernetes.io/scheme: internet-facing
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /team-a
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: team-a, port: {number: 80}}
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: team-b
    ///   namespace: team-b
    ///   annotations:
    ///     alb.ingress.kubernetes.io/group.name: shared
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /team-b
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: team-b, port: {number: 80}}
    /// ```
    ///
    /// ## References
    /// - IngressGroup: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/annotations.md#ingressgroup>
    /// - Conflict checks: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/ingress/model_build_load_balancer.go>
    pub struct LbcGroupConflict {
        code: "LBC015",
        name: "lbc-group-conflict",
        family: Lbc,
        severity: Error,
        fix: None,
        summary: "Ingresses of one IngressGroup that disagree on a setting the whole group shares",
    }
}

impl Rule for LbcGroupConflict {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.lbc;
        let mut groups: BTreeMap<&str, Vec<&IngressFact>> = BTreeMap::new();
        for i in &facts.ingresses {
            // IngressClassParams `spec.group.name` overrides the annotation.
            let from_params = i
                .class_name
                .as_ref()
                .and_then(|(c, _)| facts.class(c))
                .and_then(|c| facts.params_of(c))
                .and_then(|p| p.group.as_deref());
            if let Some(g) = from_params.or(i.group.as_ref().map(|(g, _)| &**g)) {
                groups.entry(g).or_default().push(i);
            }
        }
        for (group, members) in groups {
            let mut first: BTreeMap<&str, (&ExclusiveFact, &IngressFact)> = BTreeMap::new();
            for m in members {
                for e in &m.exclusive {
                    match first.get(&*e.key) {
                        None => {
                            first.insert(&e.key, (e, m));
                        }
                        Some((f, fm)) if f.value != e.value => {
                            let key = e.key.split('[').next().unwrap_or(&e.key);
                            ctx.report(
                                e.loc.file.clone(),
                                e.loc.span,
                                format!(
                                    "IngressGroup `{group}`: `{key}` is `{}` here but `{}` on Ingress {}; conflicting values fail the whole group",
                                    e.shown, f.shown, fm.namespace.qualify(&fm.name)
                                ),
                            )
                            .label("conflicts with another member")
                            .related(
                                f.loc.file.clone(),
                                f.loc.span,
                                format!("{} sets `{}`", fm.namespace.qualify(&fm.name), f.shown),
                            )
                            .help("use the same value on every member, or set it on one member only");
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
}
