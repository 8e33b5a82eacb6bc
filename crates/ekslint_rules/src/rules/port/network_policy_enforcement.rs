use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Notes, once per input (at its first NetworkPolicy, with the number of them), that the
    /// input relies on NetworkPolicies, which an EKS cluster enforces only when you turn the
    /// feature on.
    ///
    /// ## Why is this bad?
    /// GKE with Dataplane V2, AKS with a network policy engine, OpenShift and most self-managed
    /// clusters (Calico, Cilium) enforce NetworkPolicies out of the box. On EKS the Amazon VPC
    /// CNI enforces them only with its network policy agent turned on (`enableNetworkPolicy:
    /// "true"` in the add-on configuration, VPC CNI 1.14 or later, EKS 1.25 or later; on EKS
    /// Auto Mode, `enable-network-policy-controller: "true"` in its ConfigMap). Otherwise the
    /// policies apply cleanly and do nothing: every pod can reach every other. Even with the
    /// agent on, policies do not apply to Fargate or Windows pods, nor to standalone pods
    /// without `metadata.ownerReferences`. This is advice, because the cluster setting is not
    /// in the manifests.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: default-deny
    ///   namespace: shop
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # Keep the policies, and turn enforcement on for the cluster (outside the manifests):
    /// # aws eks update-addon --cluster-name shop --addon-name vpc-cni \
    /// #   --configuration-values '{"enableNetworkPolicy": "true"}'
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// ## References
    /// - Amazon VPC CNI network policies (requirements and considerations): <https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html>
    /// - EKS Auto Mode network policies: <https://docs.aws.amazon.com/eks/latest/userguide/auto-net-pol.html>
    /// - GKE Dataplane V2 enforces them by default: <https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2>
    pub struct NetworkPolicyEnforcement {
        code: "PORT024",
        name: "network-policy-enforcement",
        family: Port,
        severity: Info,
        fix: None,
        summary: "The input has NetworkPolicies, which EKS enforces only with the VPC CNI's network policy agent turned on",
    }
}

impl Rule for NetworkPolicyEnforcement {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let policies = &ctx.index.port.network_policies;
        let Some(first) = policies.first().cloned() else {
            return;
        };
        let n = policies.len();
        let count = if n == 1 {
            "this NetworkPolicy".to_string()
        } else {
            format!("the {n} NetworkPolicies of the input (this is the first)")
        };
        ctx.report(
            first.file,
            first.span,
            format!(
                "{count} are enforced on EKS only when the Amazon VPC CNI's network policy agent is turned on; otherwise they apply cleanly and every pod can still reach every other"
            )
            .replacen("this NetworkPolicy are", "this NetworkPolicy is", 1),
        )
        .label("enforced only if the cluster turns it on")
        .help("turn on `enableNetworkPolicy: \"true\"` in the vpc-cni add-on configuration (EKS Auto Mode: `enable-network-policy-controller: \"true\"`); Fargate and Windows pods, and standalone pods without ownerReferences, are never covered");
    }
}
