use ekslint_manifest::Object;

use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

use super::support::{SvcController, TARGET_TYPE_KEY, TYPE_KEY};

declare_rule! {
    /// ## What it does
    /// Reports instance targets in front of a `ClusterIP` Service:
    /// - an Ingress backend whose Service (in the input, same namespace) has type `ClusterIP`
    ///   (or no type) while the effective target type is `instance`: the `targetType` of the
    ///   Ingress class's IngressClassParams, else the Service's `alb.ingress.kubernetes.io/target-type`,
    ///   else the Ingress's, else the controller default `instance`;
    /// - a Service the controller reconciles as an NLB with instance targets whose type is
    ///   `ClusterIP`.
    ///
    /// ## Why is this bad?
    /// Instance targets are the nodes, reached on the Service's node port; a `ClusterIP`
    /// Service has none. The model build fails (`TargetGroup port is empty. When using Instance
    /// targets, your service be must of type 'NodePort' or 'LoadBalancer'`, or for an NLB
    /// `unsupported service type "ClusterIP" for load balancer target type`) and nothing is
    /// created. `instance` is the default, so forgetting `target-type: ip` is enough.
    ///
    /// ## Example
    /// ```yaml
    /// # service.yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web}
    /// spec:
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ---
    /// # ingress.yaml: no target-type, so instance
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: web}
    /// spec:
    ///   ingressClassName: alb
    ///   defaultBackend:
    ///     service: {name: web, port: {number: 80}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # service.yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web}
    /// spec:
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ---
    /// # ingress.yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/target-type: ip
    /// spec:
    ///   ingressClassName: alb
    ///   defaultBackend:
    ///     service: {name: web, port: {number: 80}}
    /// ```
    /// (or make the Service `type: NodePort`).
    ///
    /// ## References
    /// - target-type: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/annotations.md#target-type>
    /// - Where it fails: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/ingress/model_build_target_group.go>
    pub struct LbcInstanceTargetClusterIp {
        code: "LBC014",
        name: "lbc-instance-target-cluster-ip",
        family: Lbc,
        severity: Error,
        fix: None,
        summary: "Instance targets (the default) in front of a ClusterIP Service, which has no node port",
    }
}

impl Rule for LbcInstanceTargetClusterIp {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if super::support::lbc_kind(tree, obj) != Some("Service")
            || super::support::service_controller(tree, obj) != SvcController::Lbc
        {
            return;
        }
        let ty = obj
            .get(tree, &["spec", "type"])
            .and_then(|n| tree.as_str(n));
        if !matches!(ty, None | Some("ClusterIP")) {
            return;
        }
        let Some((tt, span)) = super::support::ann(tree, obj, TARGET_TYPE_KEY)
            .or_else(|| super::support::ann(tree, obj, TYPE_KEY).filter(|(v, _)| *v != "nlb-ip"))
        else {
            return;
        };
        if tt == "ip" {
            return;
        }
        ctx.report(
            span,
            format!(
                "this Service is `{}` but gets an NLB with instance targets, which need a node port: the controller fails with `unsupported service type \"ClusterIP\"`",
                ty.unwrap_or("ClusterIP")
            ),
        )
        .label("instance targets")
        .help("use `aws-load-balancer-nlb-target-type: ip`, or make the Service `type: LoadBalancer` or `NodePort`");
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.lbc;
        for ing in &facts.ingresses {
            if !facts.is_alb(ing) {
                continue;
            }
            for b in &ing.backends {
                if matches!(&b.port, Some((super::support::facts::PortRef::Name(n), _)) if &**n == "use-annotation")
                {
                    continue;
                }
                let Some(svc) = facts.service(&ing.namespace, &b.service) else {
                    continue;
                };
                if &*svc.ty != "ClusterIP" {
                    continue;
                }
                // Parameters not in the input: the target type is unknown.
                let Some((tt, from)) = facts.target_type(ing, svc) else {
                    continue;
                };
                if &*tt != "instance" {
                    continue;
                }
                let f = ctx.report(
                    b.service_loc.file.clone(),
                    b.service_loc.span,
                    format!(
                        "backend Service `{}` is ClusterIP, but the target type is `instance` ({from}): instance targets need a NodePort or LoadBalancer Service",
                        b.service
                    ),
                );
                f.label("instance targets need a node port");
                let l = svc.type_loc.as_ref().unwrap_or(&svc.name_loc);
                f.related(
                    l.file.clone(),
                    l.span,
                    format!("Service `{}` is ClusterIP", svc.name),
                );
                f.help("add `alb.ingress.kubernetes.io/target-type: ip` (pods as targets), or make the Service `type: NodePort`");
            }
        }
    }
}
