use super::support::EC2_NODE_CLASS;
use super::support::table::KARPENTER;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds NodePools whose `nodeClassRef` names an EC2NodeClass (or an EKS Auto Mode
    /// NodeClass) that the input does not define while it defines one whose name is a typo away
    /// (`defualt` for `default`): a misspelling or a rename that missed a reference. The classes
    /// are looked up across files (with `--context`, also in files not being checked). A name
    /// that is not close to any class of the input may well be defined elsewhere (by Terraform,
    /// another repository): it is left alone. EKS Auto Mode's built-in `default` NodeClass
    /// always exists.
    ///
    /// ## Why is this bad?
    /// A NodePool whose class does not exist is not Ready, and Karpenter does not consider it
    /// when it schedules: pods that only this NodePool could place stay `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         group: karpenter.k8s.aws
    ///         kind: EC2NodeClass
    ///         name: defualt
    ///       requirements:
    ///         - key: kubernetes.io/arch
    ///           operator: In
    ///           values: ["amd64"]
    /// ---
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: default
    /// spec:
    ///   role: KarpenterNodeRole-my-cluster
    ///   amiSelectorTerms:
    ///     - alias: al2023@latest
    ///   subnetSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         group: karpenter.k8s.aws
    ///         kind: EC2NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: kubernetes.io/arch
    ///           operator: In
    ///           values: ["amd64"]
    /// ---
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: default
    /// spec:
    ///   role: KarpenterNodeRole-my-cluster
    ///   amiSelectorTerms:
    ///     - alias: al2023@latest
    ///   subnetSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    /// ```
    ///
    /// ## References
    /// - Karpenter v1 Changelog: "If they are not ready, NodePools that reference them through
    ///   their `nodeClassRef` will not be considered during scheduling": aws/karpenter-provider-aws
    ///   `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - EKS Auto Mode built-in NodeClass `default`: awsdocs/amazon-eks-user-guide
    ///   `latest/ug/automode/auto-migrate-karpenter.adoc`
    pub struct KarpenterNodeClassNotFound {
        code: "KARP007",
        name: "karpenter-node-class-not-found",
        family: Karp,
        severity: Warning,
        fix: None,
        summary: "A NodePool names a node class that the input does not define, a typo away from one it does",
    }
}

/// EKS Auto Mode's built-in NodeClass.
const AUTO_MODE_BUILT_IN: &str = "default";

impl Rule for KarpenterNodeClassNotFound {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.karp;
        let mut out = Vec::new();
        for pool in &facts.pools {
            let Some(r) = &pool.class_ref else { continue };
            if r.name.is_empty() {
                continue;
            }
            let (kind, known): (&str, Vec<&str>) = if pool.is_auto_mode() {
                if &*r.name == AUTO_MODE_BUILT_IN {
                    continue;
                }
                (
                    KARPENTER.auto_mode.node_class_kind.as_str(),
                    facts.auto_classes.iter().map(|c| &**c).collect(),
                )
            } else if r.kind.as_deref().is_none_or(|k| k == EC2_NODE_CLASS) {
                (
                    EC2_NODE_CLASS,
                    facts.classes.iter().map(|c| &*c.name).collect(),
                )
            } else {
                continue;
            };
            if known.is_empty() || known.contains(&&*r.name) {
                continue;
            }
            // Only a near miss says "typo"; another name may be defined outside the input.
            let Some(near) = crate::support::suggest::closest(&r.name, known.iter().copied())
            else {
                continue;
            };
            out.push((
                r.name_loc.clone(),
                format!(
                    "NodePool `{}` names {kind} `{}`, which the input does not define; it defines `{near}`",
                    pool.name, r.name
                ),
                near.to_string(),
            ));
        }
        for (l, msg, near) in out {
            let f = ctx.report(l.file.clone(), l.span, msg);
            f.label("no such class")
                .help(format!("did you mean `{near}`?"));
        }
    }
}
