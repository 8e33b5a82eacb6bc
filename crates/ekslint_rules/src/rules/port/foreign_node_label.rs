use ekslint_manifest::Object;
use ekslint_manifest::pod::{ConstraintSource, LabelConstraint, label_constraints};

use super::support::pods::pod_specs;
use super::support::table;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a `nodeSelector` entry or a required node affinity expression (`In`, `Exists`,
    /// `Gt`, `Lt`) on a node label that only another platform's nodes carry:
    /// - GKE: `cloud.google.com/gke-nodepool`, `gke-spot`, `gke-preemptible`,
    ///   `gke-accelerator`, `gke-tpu-*`, `machine-family`, `compute-class`, any other
    ///   `cloud.google.com/` label, `iam.gke.io/gke-metadata-server-enabled`,
    ///   `sandbox.gke.io/runtime`;
    /// - AKS: `kubernetes.azure.com/agentpool`, `mode`, `scalesetpriority`, `accelerator`, any
    ///   other `kubernetes.azure.com/` label, the unprefixed `agentpool`;
    /// - OpenShift and kubeadm: `node-role.kubernetes.io/*` (workers, infra nodes, the control
    ///   plane), `node.openshift.io/*`.
    ///
    /// Pod specs inside custom resources (JobSet, RayCluster, LeaderWorkerSet, operators'
    /// resources) are checked too. Preferences, `NotIn` and `DoesNotExist` on these labels, and
    /// tolerations of these platforms' taints, do not keep a pod from running: PORT007 reports
    /// them as leftovers.
    ///
    /// ## Why is this bad?
    /// No EKS node has these labels, so the scheduler finds no node and the pod stays `Pending`
    /// for ever (`0/N nodes are available: N node(s) didn't match Pod's node
    /// affinity/selector`). A kubelet cannot give its own node a `node-role.kubernetes.io/`
    /// label, and EKS has no control-plane nodes to schedule on. The help names the EKS or
    /// Karpenter label to use: `eks.amazonaws.com/nodegroup` and `eks.amazonaws.com/capacityType`
    /// on managed node groups, `karpenter.sh/nodepool`, `karpenter.sh/capacity-type` and the
    /// `karpenter.k8s.aws/instance-*` labels on Karpenter nodes.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: worker
    /// spec:
    ///   selector: {matchLabels: {app: worker}}
    ///   template:
    ///     metadata: {labels: {app: worker}}
    ///     spec:
    ///       nodeSelector:
    ///         cloud.google.com/gke-spot: "true"
    ///       containers:
    ///         - name: worker
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/worker:2.3
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: worker
    /// spec:
    ///   selector: {matchLabels: {app: worker}}
    ///   template:
    ///     metadata: {labels: {app: worker}}
    ///     spec:
    ///       nodeSelector:
    ///         karpenter.sh/capacity-type: spot   # managed node groups: eks.amazonaws.com/capacityType: SPOT
    ///       containers:
    ///         - name: worker
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/worker:2.3
    /// ```
    ///
    /// ## References
    /// - GKE node labels: kubernetes/autoscaler `cluster-autoscaler/cloudprovider/gce/` (`gce_cloud_provider.go`, `gce_price_model.go`, `reserved.go`)
    /// - AKS reserved labels: MicrosoftDocs/azure-docs `articles/aks/use-labels.md`
    /// - EKS managed node group labels: <https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html>
    /// - Karpenter labels: kubernetes-sigs/karpenter and aws/karpenter-provider-aws `pkg/apis/v1/labels.go`
    /// - Node restriction (node-role labels): <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction>
    /// - The table: `rules/port/scheduling.yaml`
    pub struct ForeignNodeLabel {
        code: "PORT010",
        name: "foreign-node-label",
        family: Port,
        severity: Error,
        fix: None,
        summary: "A nodeSelector or required node affinity on a label only another platform's nodes carry: the pod stays Pending",
    }
}

/// Does the constraint keep a pod off every node that lacks the label?
pub fn pins(c: &LabelConstraint<'_>) -> bool {
    c.source.is_required() && c.requires_label()
}

impl Rule for ForeignNodeLabel {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for spec in pod_specs(tree, obj) {
            for c in label_constraints(tree, spec) {
                let Some(row) = table::node_label(c.key) else {
                    continue;
                };
                if !pins(&c) {
                    continue;
                }
                let how = match c.source {
                    ConstraintSource::NodeSelector => "nodeSelector",
                    _ => "required node affinity",
                };
                ctx.report(
                    tree.span(c.key_node),
                    format!(
                        "{how} on `{}` ({}): only {} carry it, no EKS node does, so the pod stays Pending",
                        c.key,
                        row.what,
                        row.platform.nodes()
                    ),
                )
                .label("no EKS node has this label")
                .help(table::eks_help(&row.eks));
            }
        }
    }
}
