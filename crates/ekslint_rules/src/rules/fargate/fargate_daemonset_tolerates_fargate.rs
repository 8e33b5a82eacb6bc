use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// When the cluster runs Fargate (`.ekslint.yaml` declares Fargate profiles under
    /// `fargate-profiles:`, or a pod of the input is pinned to Fargate), finds DaemonSets whose tolerations let them onto
    /// Fargate nodes (a blanket `operator: Exists`, or the `eks.amazonaws.com/compute-type`
    /// taint) and whose required node selectors do not keep them off (for example
    /// `eks.amazonaws.com/compute-type NotIn [fargate]`).
    ///
    /// ## Why is this bad?
    /// Fargate nodes are tainted `eks.amazonaws.com/compute-type=fargate:NoSchedule` so that
    /// DaemonSets leave them alone. A DaemonSet that tolerates everything gets a pod created for
    /// every Fargate node, and those pods stay `Pending` forever (a Fargate node holds only its
    /// own pod): the DaemonSet never reports ready, and rollouts that wait for it hang. This is a
    /// common surprise with logging and monitoring agents.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: fluent-bit
    ///   namespace: logging
    /// spec:
    ///   selector:
    ///     matchLabels: {app: fluent-bit}
    ///   template:
    ///     metadata:
    ///       labels: {app: fluent-bit}
    ///     spec:
    ///       tolerations:
    ///         - operator: Exists
    ///       containers:
    ///         - name: fluent-bit
    ///           image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       containers:
    ///         - name: api
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: fluent-bit
    ///   namespace: logging
    /// spec:
    ///   selector:
    ///     matchLabels: {app: fluent-bit}
    ///   template:
    ///     metadata:
    ///       labels: {app: fluent-bit}
    ///     spec:
    ///       tolerations:
    ///         - operator: Exists
    ///       affinity:
    ///         nodeAffinity:
    ///           requiredDuringSchedulingIgnoredDuringExecution:
    ///             nodeSelectorTerms:
    ///               - matchExpressions:
    ///                   - key: eks.amazonaws.com/compute-type
    ///                     operator: NotIn
    ///                     values: [fargate]
    ///       containers:
    ///         - name: fluent-bit
    ///           image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "AWS Fargate considerations" ("Daemonsets aren't supported on Fargate"):
    ///   awsdocs/amazon-eks-user-guide `latest/ug/nodes/fargate.adoc`
    /// - aws-samples/amazon-cloudwatch-container-insights issue #88 (a Fluent Bit DaemonSet with
    ///   blanket tolerations Pending on every Fargate node); kubernetes-sigs/aws-load-balancer-controller
    ///   issue #2261 (the Fargate node taint)
    pub struct FargateDaemonsetToleratesFargate {
        code: "FARGATE002",
        name: "fargate-daemonset-tolerates-fargate",
        family: Fargate,
        severity: Warning,
        fix: None,
        summary: "A DaemonSet that tolerates the Fargate node taint, in a cluster with Fargate: one Pending pod per Fargate node",
    }
}

impl Rule for FargateDaemonsetToleratesFargate {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.fargate;
        let pinned = facts.pods.iter().find_map(|p| p.fargate_selector.clone());
        let profiles = ctx
            .settings
            .fargate_profiles
            .first()
            .map(|p| p.name.clone());
        if pinned.is_none() && profiles.is_none() {
            return;
        }
        let hits: Vec<_> = facts
            .pods
            .iter()
            .filter_map(|p| Some((p.what.clone(), p.tolerates_fargate.clone()?)))
            .collect();
        for (what, l) in hits {
            let f = ctx.report(
                l.file.clone(),
                l.span,
                format!("{what} tolerates the Fargate node taint, so it gets a pod for every Fargate node, and those pods stay Pending"),
            );
            f.label("tolerates `eks.amazonaws.com/compute-type=fargate:NoSchedule`").help(
                "keep it off Fargate: add a required node affinity `eks.amazonaws.com/compute-type NotIn [fargate]`, or narrow the toleration",
            );
            match (&pinned, &profiles) {
                (Some(p), _) => {
                    f.related(p.file.clone(), p.span, "this cluster runs pods on Fargate");
                }
                (None, Some(name)) => {
                    f.help(format!(
                        "keep it off Fargate (the configuration declares Fargate profile `{name}`): add a required node affinity `eks.amazonaws.com/compute-type NotIn [fargate]`, or narrow the toleration"
                    ));
                }
                _ => {}
            }
        }
    }
}
