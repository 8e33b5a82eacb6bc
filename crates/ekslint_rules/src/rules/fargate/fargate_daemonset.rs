use ekslint_manifest::Object;

use super::support::{mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds DaemonSets whose pods are pinned to Fargate with a required
    /// `eks.amazonaws.com/compute-type: fargate` node selector or affinity.
    ///
    /// A DaemonSet that a Fargate profile merely selects (its namespace, say `kube-system`) is
    /// not reported: its pods run on the cluster's EC2 nodes as usual; they just never reach the
    /// Fargate pods, which need a sidecar instead. DaemonSets whose tolerations let them onto
    /// Fargate nodes are FARGATE002's.
    ///
    /// ## Why is this bad?
    /// "Daemonsets aren't supported on Fargate." Each Fargate node runs exactly one pod, so a
    /// daemon pod pinned there never runs: the DaemonSet shows desired 0, or its pods stay
    /// `Pending`. The EKS guide's advice: run the daemon as a sidecar container of the pods
    /// that need it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: log-agent
    /// spec:
    ///   selector:
    ///     matchLabels: {app: log-agent}
    ///   template:
    ///     metadata:
    ///       labels: {app: log-agent}
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       containers:
    ///         - name: agent
    ///           image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable
    /// ```
    ///
    /// ## Use instead
    /// The agent as a sidecar of the Fargate workload (or Fargate's built-in log router, see
    /// FARGATE011):
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: app
    /// spec:
    ///   selector:
    ///     matchLabels: {app: app}
    ///   template:
    ///     metadata:
    ///       labels: {app: app}
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    ///         - name: agent
    ///           image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "AWS Fargate considerations": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/nodes/fargate.adoc` (<https://docs.aws.amazon.com/eks/latest/userguide/fargate.html>)
    pub struct FargateDaemonset {
        code: "FARGATE001",
        name: "fargate-daemonset",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A DaemonSet pinned to Fargate, which runs no DaemonSets",
    }
}

impl Rule for FargateDaemonset {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.kind_str(tree) != Some("DaemonSet") {
            return;
        }
        let Some(pod) = obj.pod_spec(tree).filter(|p| tree.is_map(*p)) else {
            return;
        };
        let Some(sel) = placement::fargate_selector(tree, pod) else {
            return;
        };
        let on = placement::OnFargate::Selector(sel);
        let at = obj.kind.map(|k| k.value).unwrap_or(obj.span);
        let f = ctx.report(
            at,
            "Fargate runs no DaemonSets: each Fargate node holds one pod, so this daemon never runs",
        );
        f.label("a DaemonSet")
            .help("run the daemon as a sidecar container of the Fargate pods that need it, or remove the Fargate selector to run it on EC2 nodes");
        mark(f, tree, obj, &on);
    }
}
