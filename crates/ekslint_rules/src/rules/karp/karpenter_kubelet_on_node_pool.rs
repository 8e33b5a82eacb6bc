use super::support::Version;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds NodePools with `spec.template.spec.kubelet`, which Karpenter v1 moved to the
    /// EC2NodeClass (`spec.kubelet`), and v1 NodePools that still carry the migration annotation
    /// `compatibility.karpenter.sh/v1beta1-kubelet-conversion` while the EC2NodeClass they name
    /// has no `kubelet` of its own. The EC2NodeClass is looked up across files.
    ///
    /// ## Why is this bad?
    /// The v1 NodePool has no `kubelet`: the API server rejects or drops it, and the nodes start
    /// with default kubelet settings (`maxPods`, reserved resources, eviction thresholds). The
    /// conversion webhook does **not** move it, because several NodePools can share one
    /// EC2NodeClass; it parks the settings in the compatibility annotation instead, and
    /// "support will be dropped in v1.1", after which the annotation is ignored too.
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
    ///       kubelet:
    ///         maxPods: 110
    ///       nodeClassRef:
    ///         group: karpenter.k8s.aws
    ///         kind: EC2NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: kubernetes.io/arch
    ///           operator: In
    ///           values: ["amd64"]
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
    ///   kubelet:
    ///     maxPods: 110
    ///   role: KarpenterNodeRole-my-cluster
    ///   amiSelectorTerms:
    ///     - alias: al2023@latest
    ///   subnetSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    /// ```
    ///
    /// NodePools that share an EC2NodeClass but need different kubelet settings need one
    /// EC2NodeClass each.
    ///
    /// ## References
    /// - Karpenter v1 migration guide, "Kubelet Configuration Migration" and the Changelog's
    ///   "API Moves": aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1-migration.md`
    pub struct KarpenterKubeletOnNodePool {
        code: "KARP006",
        name: "karpenter-kubelet-on-node-pool",
        family: Karp,
        severity: Error,
        fix: None,
        summary: "A NodePool sets kubelet, which Karpenter v1 moved to the EC2NodeClass, or still relies on the v1beta1 kubelet compatibility annotation",
    }
}

impl Rule for KarpenterKubeletOnNodePool {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.karp;
        let mut out = Vec::new();
        for pool in &facts.pools {
            let class = facts.class_of(pool);
            let class_name = pool.class_ref.as_ref().map(|r| &*r.name).unwrap_or("");
            if let Some(k) = &pool.kubelet {
                let sharing = facts
                    .pools
                    .iter()
                    .filter(|p| {
                        p.name != pool.name
                            && p.class_ref.as_ref().map(|r| &*r.name) == Some(class_name)
                    })
                    .count();
                let mut help =
                    format!("move these settings to `spec.kubelet` of EC2NodeClass `{class_name}`");
                if sharing > 0 {
                    help.push_str(&format!(
                        "; {sharing} other NodePool(s) share that class, so give this one its own EC2NodeClass if their kubelet settings differ"
                    ));
                }
                out.push((
                    k.clone(),
                    format!(
                        "v1 moved `kubelet` from the NodePool to the EC2NodeClass; {}",
                        pool.version.verdict()
                    ),
                    "moved to the EC2NodeClass",
                    help,
                    class.map(|c| {
                        let (l, m) = match &c.kubelet {
                            Some(l) => (
                                l,
                                format!(
                                    "EC2NodeClass `{}` already has `kubelet`: merge them",
                                    c.name
                                ),
                            ),
                            None => (
                                &c.name_loc,
                                format!("EC2NodeClass `{}`: put `kubelet` here", c.name),
                            ),
                        };
                        (l.clone(), m)
                    }),
                ));
            }
            if let Some(a) = &pool.kubelet_compat
                && pool.version == Version::V1
                && class.is_none_or(|c| c.kubelet.is_none())
            {
                out.push((
                    a.clone(),
                    "the v1beta1 kubelet compatibility annotation is ignored from Karpenter v1.1 on, and the EC2NodeClass has no `kubelet` to take over".to_string(),
                    "ignored from v1.1",
                    format!(
                        "copy the settings to `spec.kubelet` of EC2NodeClass `{class_name}`, then remove the annotation"
                    ),
                    class.map(|c| (c.name_loc.clone(), format!("EC2NodeClass `{}` has no `kubelet`", c.name))),
                ));
            }
        }
        for (l, msg, label, help, related) in out {
            let f = ctx.report(l.file.clone(), l.span, msg);
            f.label(label).help(help);
            if let Some((rl, m)) = related {
                f.related(rl.file.clone(), rl.span, m);
            }
        }
    }
}
