use ekslint_manifest::Object;

use super::support::is_load_balancer;
use super::support::table::{self, Effect, Exposure};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a `type: LoadBalancer` Service that says nothing about the load balancer it
    /// wants on AWS: no `spec.loadBalancerClass`, no `service.beta.kubernetes.io/aws-load-balancer-*`
    /// annotation, and no other platform's scheme annotation (PORT001 reports those).
    ///
    /// ## Why is this bad?
    /// Such a Service was portable on GKE and AKS, where it always became a public load
    /// balancer. On EKS its scheme depends on what serves the cluster: the legacy AWS cloud
    /// provider builds an internet-facing Classic Load Balancer, the AWS Load Balancer
    /// Controller (through its webhook, which sets the class on new Services) builds an
    /// internal NLB, and EKS Auto Mode, whose class is the cluster default, builds an internal
    /// NLB too. The same manifest is public on one cluster and private on the next. That is
    /// often fine, so this is advice: write the class and the scheme, and reviewers see what
    /// the Service exposes.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: LoadBalancer
    ///   selector: {app: web}
    ///   ports: [{port: 80, targetPort: 8080}]
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
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerClass: service.k8s.aws/nlb   # EKS Auto Mode: eks.amazonaws.com/nlb
    ///   loadBalancerSourceRanges: [203.0.113.0/24]
    ///   selector: {app: web}
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ```
    ///
    /// ## References
    /// - EKS: the legacy provider's Classic Load Balancers and the controller's internal NLBs: <https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html>
    /// - EKS Auto Mode's default class: <https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-nlb.html>
    /// - The controller's default scheme: kubernetes-sigs/aws-load-balancer-controller `pkg/service/model_build_load_balancer.go` (`buildLoadBalancerScheme`)
    /// - The legacy provider's: kubernetes/cloud-provider-aws `pkg/providers/v1/aws.go`
    pub struct LoadBalancerSchemeImplicit {
        code: "PORT003",
        name: "load-balancer-scheme-implicit",
        family: Port,
        severity: Info,
        fix: None,
        summary: "A LoadBalancer Service with no class and no AWS annotation: internet-facing with the legacy provider, internal with the controller or Auto Mode",
    }
}

impl Rule for LoadBalancerSchemeImplicit {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !is_load_balancer(tree, obj) {
            return;
        }
        if obj.get(tree, &["spec", "loadBalancerClass"]).is_some() {
            return;
        }
        let annotations = tree.string_entries(obj.get(tree, &["metadata", "annotations"]));
        let says = annotations.iter().any(|(k, _)| {
            k.starts_with("service.beta.kubernetes.io/aws-load-balancer-")
                || table::annotation(k).is_some_and(|r| {
                    r.effect == Effect::Exposure && r.exposure == Some(Exposure::Scheme)
                })
        });
        if says {
            return;
        }
        let Some(node) = obj.get(tree, &["spec", "type"]) else {
            return;
        };
        ctx.report(
            tree.span(node),
            "this Service says nothing about its load balancer on AWS: the legacy AWS cloud provider makes it an internet-facing Classic Load Balancer, the AWS Load Balancer Controller and EKS Auto Mode an internal NLB",
        )
        .label("internet-facing or internal, depending on the cluster")
        .help("make it explicit: `spec.loadBalancerClass: service.k8s.aws/nlb` (EKS Auto Mode: `eks.amazonaws.com/nlb`) and `service.beta.kubernetes.io/aws-load-balancer-scheme: internal` or `internet-facing` (then restrict sources with `spec.loadBalancerSourceRanges`)");
    }
}
