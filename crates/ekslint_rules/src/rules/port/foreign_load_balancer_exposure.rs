use ekslint_manifest::Object;

use super::support::{Judgement, annotations, judge_annotation};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports, on a `type: LoadBalancer` Service, an annotation of another platform that
    /// decided who can reach the load balancer, when no AWS annotation says the same:
    /// - the scheme: GKE's `networking.gke.io/load-balancer-type` (and the older
    ///   `cloud.google.com/load-balancer-type`), AKS's
    ///   `service.beta.kubernetes.io/azure-load-balancer-internal`;
    /// - source restrictions: AKS's `azure-allowed-ip-ranges` and `azure-allowed-service-tags`.
    ///
    /// An internal scheme on a Service whose `spec.loadBalancerClass` is the AWS Load Balancer
    /// Controller's or EKS Auto Mode's NLB class is not reported here (those NLBs are internal
    /// by default): PORT007 reports the leftover.
    ///
    /// ## Why is this bad?
    /// Nothing on EKS reads these keys, and which load balancer you get depends on the cluster:
    /// the legacy AWS cloud provider builds an internet-facing Classic Load Balancer (its
    /// `aws-load-balancer-internal` defaults to false), while the AWS Load Balancer Controller
    /// (whose webhook gives new Services its class) and EKS Auto Mode build an internal NLB
    /// unless `aws-load-balancer-scheme` says otherwise. So an internal GKE or AKS Service can
    /// come up reachable from the internet, a public one can silently become unreachable, and
    /// allowed IP ranges turn into a listener open to `0.0.0.0/0`. No event or error says so.
    /// This is a warning rather than an error because the outcome depends on the controller
    /// that serves the cluster; write the AWS annotation and the result no longer does.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: orders
    ///   annotations:
    ///     networking.gke.io/load-balancer-type: Internal
    /// spec:
    ///   type: LoadBalancer
    ///   selector: {app: orders}
    ///   ports: [{port: 443, targetPort: 8443}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: orders
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-scheme: internal
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerClass: service.k8s.aws/nlb   # EKS Auto Mode: eks.amazonaws.com/nlb
    ///   selector: {app: orders}
    ///   ports: [{port: 443, targetPort: 8443}]
    /// ```
    ///
    /// ## References
    /// - GKE's scheme key and its values: kubernetes/ingress-gce `pkg/l4/annotations/gce_annotations.go`
    /// - AKS's keys: kubernetes-sigs/cloud-provider-azure `pkg/consts/consts.go`, `pkg/provider/azure_loadbalancer.go` (`requiresInternalLoadBalancer`)
    /// - The legacy AWS provider's default: kubernetes/cloud-provider-aws `pkg/providers/v1/aws.go` (`aws-load-balancer-internal`)
    /// - EKS: Classic Load Balancers by default, and the controller's NLBs internal by default: <https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html>
    /// - EKS Auto Mode (`spec.loadBalancerSourceRanges`): <https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-nlb.html>
    /// - The table: `rules/port/annotations.yaml`
    pub struct ForeignLoadBalancerExposure {
        code: "PORT001",
        name: "foreign-load-balancer-exposure",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "A Service annotation of another platform that made its load balancer internal, public or source-restricted, with no AWS equivalent",
        security_severity: "7.5",
    }
}

impl Rule for ForeignLoadBalancerExposure {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for a in annotations(tree, obj) {
            let Some(Judgement::Exposure { row, internal }) = judge_annotation(tree, obj, &a)
            else {
                continue;
            };
            let platform = row.platform.name();
            let value = tree.scalar_text(a.entry.value).unwrap_or("");
            let (message, label, help) = match internal {
                Some(true) => (
                    format!(
                        "`{}: {value}` made an internal load balancer on {platform}; nothing on EKS reads it: the legacy AWS cloud provider builds an internet-facing Classic Load Balancer, the AWS Load Balancer Controller and EKS Auto Mode an internal NLB, so the Service may become reachable from the internet",
                        a.key
                    ),
                    "ignored on EKS: the scheme depends on the controller",
                    format!("say it the AWS way: {}", row.eks),
                ),
                Some(false) => (
                    format!(
                        "`{}: {value}` made a public load balancer on {platform}; nothing on EKS reads it: the AWS Load Balancer Controller and EKS Auto Mode build an internal NLB unless told otherwise, so clients outside the VPC may lose access",
                        a.key
                    ),
                    "ignored on EKS: the scheme depends on the controller",
                    "add `service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing` with `spec.loadBalancerClass: service.k8s.aws/nlb` (EKS Auto Mode: `eks.amazonaws.com/nlb`), and restrict sources with `spec.loadBalancerSourceRanges`".to_string(),
                ),
                None => (
                    format!(
                        "`{}` {} on {platform}; nothing on EKS reads it, so the load balancer's listeners are open to every address (0.0.0.0/0)",
                        a.key, row.what
                    ),
                    "ignored on EKS: no source restriction",
                    super::support::table::eks_help(&row.eks),
                ),
            };
            ctx.report(tree.span(a.entry.key), message)
                .label(label)
                .help(help);
        }
    }
}
