use ekslint_manifest::Object;

use super::support::is_load_balancer;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports `spec.loadBalancerIP` on a `type: LoadBalancer` Service: the fixed address a
    /// Service asked for on GKE, AKS or MetalLB.
    ///
    /// ## Why is this bad?
    /// On EKS the legacy AWS cloud provider refuses the Service ("LoadBalancerIP cannot be
    /// specified for AWS ELB") and creates no load balancer at all; the AWS Load Balancer
    /// Controller and EKS Auto Mode do not read the field, so the NLB gets other addresses and
    /// allow-lists and DNS A records that name the old address break. The field is also
    /// deprecated upstream as under-specified and non-portable. A warning, because what happens
    /// depends on the controller; either way the address is not the one asked for.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: gateway
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerIP: 10.20.0.15
    ///   selector: {app: gateway}
    ///   ports: [{port: 443}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: gateway
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-scheme: internal
    ///     # one address per subnet, in the order of the subnets
    ///     service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses: 10.20.0.15,10.20.16.15
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerClass: service.k8s.aws/nlb
    ///   selector: {app: gateway}
    ///   ports: [{port: 443}]
    /// ```
    ///
    /// ## References
    /// - The legacy AWS provider refuses the field: kubernetes/cloud-provider-aws `pkg/providers/v1/aws.go` (`EnsureLoadBalancer`), kubernetes/kubernetes#80107
    /// - The field's deprecation: `ServiceSpec.loadBalancerIP` in <https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/>
    /// - The AWS Load Balancer Controller's address annotations: <https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/>
    pub struct LoadBalancerIp {
        code: "PORT002",
        name: "load-balancer-ip",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "A LoadBalancer Service with spec.loadBalancerIP, which the legacy AWS provider refuses and the AWS Load Balancer Controller ignores",
    }
}

/// Is `ip` an RFC 1918 or RFC 4193 (fc00::/7) address, which an internal NLB can take?
fn is_private(ip: &str) -> bool {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.is_private(),
        Ok(std::net::IpAddr::V6(v6)) => (v6.segments()[0] & 0xfe00) == 0xfc00,
        Err(_) => false,
    }
}

impl Rule for LoadBalancerIp {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !is_load_balancer(tree, obj) {
            return;
        }
        let Some(node) = obj.get(tree, &["spec", "loadBalancerIP"]) else {
            return;
        };
        let Some(ip) = tree
            .scalar_text(node)
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return;
        };
        let help = if is_private(ip) {
            "remove it; for fixed private addresses use an internal NLB with `service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses` (one address per subnet) and `spec.loadBalancerClass: service.k8s.aws/nlb`"
        } else {
            "remove it; for fixed public addresses use an internet-facing NLB with `service.beta.kubernetes.io/aws-load-balancer-eip-allocations: eipalloc-…` (one Elastic IP per subnet) and `spec.loadBalancerClass: service.k8s.aws/nlb`"
        };
        ctx.report(
            tree.span(node),
            format!(
                "`loadBalancerIP: {ip}` does not carry over to EKS: the legacy AWS cloud provider refuses it (\"LoadBalancerIP cannot be specified for AWS ELB\") and creates no load balancer, the AWS Load Balancer Controller and EKS Auto Mode ignore it and assign other addresses"
            ),
        )
        .label("not an address AWS will use")
        .help(help);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn private_addresses() {
        assert!(super::is_private("10.20.0.15"));
        assert!(super::is_private("fd00::1"));
        assert!(!super::is_private("34.120.1.1"));
        assert!(!super::is_private("not-an-ip"));
    }
}
