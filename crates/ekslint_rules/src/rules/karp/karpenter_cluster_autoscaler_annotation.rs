use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// When the input has Karpenter NodePools (or Provisioners), finds the Cluster Autoscaler
    /// annotations that keep capacity in place, `cluster-autoscaler.kubernetes.io/safe-to-evict:
    /// "false"` on pods and `cluster-autoscaler.kubernetes.io/scale-down-disabled: "true"` on
    /// nodes, on objects that lack Karpenter's own `karpenter.sh/do-not-disrupt`. The NodePools
    /// may be in other files (or, with `--context`, in files not being checked).
    ///
    /// ## Why is this bad?
    /// Karpenter does not read the Cluster Autoscaler's annotations: a pod marked
    /// `safe-to-evict: "false"` is evicted when Karpenter consolidates, drifts or expires its
    /// node. The Karpenter equivalent is `karpenter.sh/do-not-disrupt: "true"`, on the pod (or
    /// on the node for `scale-down-disabled`). Keep both while both autoscalers run.
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
    ///         name: default
    ///       requirements:
    ///         - key: kubernetes.io/arch
    ///           operator: In
    ///           values: ["amd64"]
    /// ---
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: migrate
    /// spec:
    ///   template:
    ///     metadata:
    ///       annotations:
    ///         cluster-autoscaler.kubernetes.io/safe-to-evict: "false"
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: migrate
    ///           image: public.ecr.aws/docker/library/busybox:1.36
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
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: migrate
    /// spec:
    ///   template:
    ///     metadata:
    ///       annotations:
    ///         cluster-autoscaler.kubernetes.io/safe-to-evict: "false"
    ///         karpenter.sh/do-not-disrupt: "true"
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: migrate
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## References
    /// - Cluster Autoscaler FAQ (`safe-to-evict`, `scale-down-disabled`): kubernetes/autoscaler
    ///   `cluster-autoscaler/FAQ.md`
    /// - Karpenter's `karpenter.sh/do-not-disrupt`: <https://karpenter.sh/docs/concepts/disruption/>;
    ///   karpenter-provider-aws issue #3775, kubernetes-sigs/karpenter issue #703
    pub struct KarpenterClusterAutoscalerAnnotation {
        code: "KARP017",
        name: "karpenter-cluster-autoscaler-annotation",
        family: Karp,
        severity: Warning,
        fix: None,
        summary: "A Cluster Autoscaler annotation that Karpenter ignores, in an input with Karpenter NodePools",
    }
}

impl Rule for KarpenterClusterAutoscalerAnnotation {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.karp;
        let Some(pool) = facts.karpenter_present.clone() else {
            return;
        };
        let uses: Vec<_> = facts
            .ca
            .iter()
            .filter(|u| !u.has_do_not_disrupt)
            .cloned()
            .collect();
        for u in uses {
            let f = ctx.report(
                u.value_loc.file.clone(),
                u.value_loc.span,
                format!(
                    "Karpenter does not read `{}`, and this input has Karpenter NodePools: Karpenter may still disrupt it",
                    u.key
                ),
            );
            f.label("Cluster Autoscaler only")
                .help(format!(
                    "add {} (keep this one while the Cluster Autoscaler also runs)",
                    u.karpenter
                ))
                .related(
                    pool.file.clone(),
                    pool.span,
                    "Karpenter provisions nodes here",
                );
        }
    }
}
