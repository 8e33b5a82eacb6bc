use std::collections::{BTreeMap, BTreeSet};

use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an `ingress` or `egress` rule of a NetworkPolicy whose `ports` list has more than
    /// 24 distinct port entries for one protocol (a port, a named port, or a range with
    /// `endPort`; TCP when `protocol` is not set).
    ///
    /// ## Why is this bad?
    /// The Amazon VPC CNI's network policy agent, which enforces NetworkPolicies on EKS, supports
    /// at most 24 unique port combinations per protocol in each `ingress:` or `egress:` rule.
    /// Policies written for Calico, Cilium or GKE Dataplane V2 have no such limit, so a long port
    /// list that worked there is not enforced as written on EKS. Split the rule, or use port
    /// ranges (`endPort`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: exporters
    /// spec:
    ///   podSelector: {matchLabels: {app: prometheus}}
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - ports: [{port: 9100}, {port: 9101}, {port: 9102}, {port: 9103}, {port: 9104},
    ///               {port: 9105}, {port: 9106}, {port: 9107}, {port: 9108}, {port: 9109},
    ///               {port: 9110}, {port: 9111}, {port: 9112}, {port: 9113}, {port: 9114},
    ///               {port: 9115}, {port: 9116}, {port: 9117}, {port: 9118}, {port: 9119},
    ///               {port: 9120}, {port: 9121}, {port: 9122}, {port: 9123}, {port: 9124}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: exporters
    /// spec:
    ///   podSelector: {matchLabels: {app: prometheus}}
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - ports: [{port: 9100, endPort: 9124}]
    /// ```
    ///
    /// ## References
    /// - Amazon VPC CNI network policy considerations: awsdocs/amazon-eks-user-guide `latest/ug/networking/eks-networking-add-ons.adoc` @ 4d52b4d ("The maximum number of unique combinations of ports for each protocol in each `ingress:` or `egress:` selector in a network policy is 24"), <https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html>
    pub struct NetworkPolicyPortLimit {
        code: "PORT025",
        name: "network-policy-port-limit",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "A NetworkPolicy rule with more than 24 port combinations for one protocol, the Amazon VPC CNI's limit",
    }
}

/// The VPC CNI's limit of unique port combinations per protocol in one rule.
const LIMIT: usize = 24;

impl Rule for NetworkPolicyPortLimit {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.kind_str(tree) != Some("NetworkPolicy") || obj.group(tree) != "networking.k8s.io" {
            return;
        }
        let text = |m, k| tree.get(m, k).and_then(|n| tree.scalar_text(n));
        for direction in ["ingress", "egress"] {
            let rules = obj
                .get(tree, &["spec", direction])
                .and_then(|r| tree.items(r));
            for &rule in rules.unwrap_or(&[]) {
                let Some(entry) = tree.get_entry(rule, "ports") else {
                    continue;
                };
                let mut by_protocol: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
                for &p in tree.items(entry.value).unwrap_or(&[]) {
                    let protocol = text(p, "protocol").unwrap_or("TCP");
                    let port = text(p, "port").unwrap_or("");
                    let end = text(p, "endPort").unwrap_or("");
                    by_protocol.entry(protocol).or_default().insert((port, end));
                }
                for (protocol, ports) in by_protocol {
                    if ports.len() <= LIMIT {
                        continue;
                    }
                    ctx.report(
                        tree.span(entry.key),
                        format!(
                            "this {direction} rule has {} {protocol} port combinations; the Amazon VPC CNI enforces at most {LIMIT} per protocol in one rule",
                            ports.len()
                        ),
                    )
                    .label(format!("more than {LIMIT} {protocol} ports"))
                    .help("split the rule into several rules, or cover consecutive ports with one entry and `endPort`");
                }
            }
        }
    }
}
