use super::support::facts::{PodFact, PolicyFact, Targets};
use crate::context::SetCtx;
use crate::declare_rule;
use crate::index::Loc;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Matches each `SecurityGroupPolicy` against the pods of its namespace (by `podSelector`,
    /// and by the labels of the pod's ServiceAccount for `serviceAccountSelector`), across
    /// files, and reports the pods it selects that cannot get their security groups:
    /// `hostNetwork` pods, pods required on Windows nodes, pods required on `t`-family instance
    /// types (`node.kubernetes.io/instance-type: t3.large`, `karpenter.k8s.aws/instance-family:
    /// t3`), and pods behind a `NodePort` or instance-target `LoadBalancer` Service with
    /// `externalTrafficPolicy: Local`.
    ///
    /// ## Why is this bad?
    /// The VPC resource controller gives a selected pod a branch network interface of its own.
    /// It skips `hostNetwork` pods ("SGP not supported on Pod running on HostNetwork"), so they
    /// keep the node's security groups; security groups for pods "can't be used with Windows
    /// nodes"; "no instance types in the `t` family are supported", so a pod pinned there waits
    /// forever for a `vpc.amazonaws.com/pod-eni` resource; and with the default
    /// `POD_SECURITY_GROUP_ENFORCING_MODE=strict`, `NodePort` and instance-target
    /// `LoadBalancer` Services with `externalTrafficPolicy: Local` "aren't supported".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: vpcresources.k8s.aws/v1beta1
    /// kind: SecurityGroupPolicy
    /// metadata:
    ///   name: db-access
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: orders}
    ///   securityGroups:
    ///     groupIds: [sg-0123456789abcdef0]
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: orders
    /// spec:
    ///   selector:
    ///     matchLabels: {app: orders}
    ///   template:
    ///     metadata:
    ///       labels: {app: orders}
    ///     spec:
    ///       nodeSelector:
    ///         node.kubernetes.io/instance-type: t3.large
    ///       containers:
    ///         - name: orders
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: vpcresources.k8s.aws/v1beta1
    /// kind: SecurityGroupPolicy
    /// metadata:
    ///   name: db-access
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: orders}
    ///   securityGroups:
    ///     groupIds: [sg-0123456789abcdef0]
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: orders
    /// spec:
    ///   selector:
    ///     matchLabels: {app: orders}
    ///   template:
    ///     metadata:
    ///       labels: {app: orders}
    ///     spec:
    ///       nodeSelector:
    ///         node.kubernetes.io/instance-type: m6i.large
    ///       containers:
    ///         - name: orders
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## References
    /// - EKS user guide, security groups for pods "Considerations": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/networking/eks-networking-add-ons.adoc` (`sg-pods-considerations`)
    /// - The pod webhook that skips `hostNetwork` pods: aws/amazon-vpc-resource-controller-k8s
    ///   `webhooks/core/pod_webhook.go`
    pub struct SecurityGroupPolicyPod {
        code: "FARGATE015",
        name: "security-group-policy-pod",
        family: Fargate,
        severity: Warning,
        fix: None,
        summary: "A SecurityGroupPolicy selects a pod that cannot get its security groups (hostNetwork, Windows, t instance family, externalTrafficPolicy Local)",
    }
}

/// Does `policy` select `pod`? `None` when it cannot be told (an unknown operator, or a
/// ServiceAccount the input does not have).
fn selects(
    policy: &PolicyFact,
    pod: &PodFact,
    accounts: &[super::support::facts::AccountFact],
) -> Option<bool> {
    if policy.namespace != pod.namespace {
        return Some(false);
    }
    if policy.pod_selector.is_none() && policy.sa_selector.is_none() {
        return Some(false);
    }
    if let Some(s) = &policy.pod_selector
        && !s.matches(&pod.labels)?
    {
        return Some(false);
    }
    if let Some(s) = &policy.sa_selector {
        let sa = accounts
            .iter()
            .find(|a| a.namespace == pod.namespace && a.name == pod.service_account)?;
        if !s.matches(&sa.labels)? {
            return Some(false);
        }
    }
    Some(true)
}

impl Rule for SecurityGroupPolicyPod {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.fargate;
        if facts.policies.is_empty() {
            return;
        }
        // NodePort and instance-target LoadBalancer Services with externalTrafficPolicy: Local.
        let etp_services: Vec<_> = facts
            .services
            .iter()
            .filter(|s| {
                s.etp_local.is_some() && (s.node_port || matches!(s.lb, Targets::Instance { .. }))
            })
            .collect();
        let mut out: Vec<(Loc, String, &'static str, Loc, String)> = Vec::new();
        for pod in &facts.pods {
            let Some(policy) = facts
                .policies
                .iter()
                .find(|p| selects(p, pod, &facts.accounts) == Some(true))
            else {
                continue;
            };
            let related = (
                policy.loc.clone(),
                format!("SecurityGroupPolicy `{}` selects {}", policy.name, pod.what),
            );
            if let Some(l) = &pod.host_network {
                out.push((l.clone(), format!("{} uses the host network, so the VPC resource controller gives it no security groups of its own: it keeps the node's", pod.what), "hostNetwork", related.0.clone(), related.1.clone()));
            }
            if let Some(l) = &pod.windows {
                out.push((l.clone(), format!("{} runs on Windows nodes, where security groups for pods are not supported", pod.what), "Windows", related.0.clone(), related.1.clone()));
            }
            if let Some((v, l)) = &pod.t_family {
                out.push((l.clone(), format!("{} is pinned to `{v}`, and no `t`-family instance type supports security groups for pods: it waits for a `vpc.amazonaws.com/pod-eni` no node has", pod.what), "t instance family", related.0.clone(), related.1.clone()));
            }
            for svc in &etp_services {
                let Some(etp) = &svc.etp_local else { continue };
                if svc.namespace != pod.namespace || svc.selector.is_empty() {
                    continue;
                }
                if svc.selector.matches(&pod.labels) != Some(true) {
                    continue;
                }
                out.push((etp.clone(), format!("Service `{}` routes to {} with `externalTrafficPolicy: Local` through node ports, which pods with their own security groups do not support in the default strict mode", svc.name, pod.what), "externalTrafficPolicy: Local", related.0.clone(), related.1.clone()));
            }
        }
        for (l, msg, label, rl, rm) in out {
            let f = ctx.report(l.file.clone(), l.span, msg);
            f.label(label)
                .help("take the pod out of the policy's selector, or change what keeps it from its security groups (for Services: IP targets, or `externalTrafficPolicy: Cluster`)")
                .related(rl.file.clone(), rl.span, rm);
        }
    }
}
