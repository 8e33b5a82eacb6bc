use ekslint_manifest::Object;

use super::support::table::KARPENTER;
use super::support::{Version, ec2_node_class, text};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds v1 EC2NodeClasses with `amiFamily: Custom` and no alias whose `userData` does not
    /// register the node with the `karpenter.sh/unregistered` taint.
    ///
    /// ## Why is this bad?
    /// Karpenter v1 adds the `karpenter.sh/unregistered:NoExecute` taint to the UserData it
    /// generates, and removes it once it has synced the node's labels and taints. With
    /// `amiFamily: Custom` Karpenter generates nothing: "users will need to add this taint into
    /// their UserData". Without it, pods can land on the node before Karpenter has applied the
    /// NodePool's taints and labels.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: custom
    /// spec:
    ///   amiFamily: Custom
    ///   role: KarpenterNodeRole-my-cluster
    ///   amiSelectorTerms:
    ///     - id: ami-0123456789abcdef0
    ///   subnetSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   userData: |
    ///     #!/bin/bash
    ///     /etc/eks/bootstrap.sh my-cluster
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: custom
    /// spec:
    ///   amiFamily: Custom
    ///   role: KarpenterNodeRole-my-cluster
    ///   amiSelectorTerms:
    ///     - id: ami-0123456789abcdef0
    ///   subnetSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   userData: |
    ///     #!/bin/bash
    ///     /etc/eks/bootstrap.sh my-cluster \
    ///       --kubelet-extra-args '--register-with-taints=karpenter.sh/unregistered:NoExecute'
    /// ```
    ///
    /// ## References
    /// - Karpenter v1 migration Changelog, "Behavior Changes" (the unregistered taint):
    ///   aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - The taint: kubernetes-sigs/karpenter `pkg/apis/v1/taints.go`
    pub struct KarpenterCustomAmiTaint {
        code: "KARP009",
        name: "karpenter-custom-ami-taint",
        family: Karp,
        severity: Warning,
        fix: None,
        summary: "An EC2NodeClass with amiFamily Custom whose userData does not register nodes with the karpenter.sh/unregistered taint",
    }
}

impl Rule for KarpenterCustomAmiTaint {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if ec2_node_class(tree, obj) != Some(Version::V1) {
            return;
        }
        let Some(spec) = obj.get(tree, &["spec"]) else {
            return;
        };
        let Some(family) = tree.get(spec, "amiFamily") else {
            return;
        };
        if tree.scalar_text(family) != Some("Custom") {
            return;
        }
        let has_alias = tree
            .get(spec, "amiSelectorTerms")
            .and_then(|t| tree.items(t))
            .unwrap_or(&[])
            .iter()
            .any(|&t| tree.get(t, "alias").is_some());
        if has_alias {
            return;
        }
        let taint = &KARPENTER.ami.unregistered_taint;
        let user_data = text(tree, spec, "userData");
        if user_data.is_some_and(|u| u.contains(taint.as_str())) {
            return;
        }
        ctx.report(
            tree.span(family),
            format!(
                "with `amiFamily: Custom` Karpenter v1 adds no UserData, and {}: nodes must register with the `{taint}:NoExecute` taint, which Karpenter removes once the node is ready for its pods",
                if user_data.is_some() { "this userData does not add the taint" } else { "this class has no userData" }
            ),
        )
        .label("Custom AMI")
        .help(format!("register the kubelet with `--register-with-taints={taint}:NoExecute` (or `registerWithTaints` in a NodeConfig)"));
    }
}
