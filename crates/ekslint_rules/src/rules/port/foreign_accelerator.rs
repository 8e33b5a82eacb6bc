use ekslint_manifest::Object;

use super::support::pods::{containers, pod_specs};
use super::support::table;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a container's `resources.limits` or `resources.requests` naming an extended
    /// resource that no EC2 instance type offers: Google Cloud TPUs (`google.com/tpu`,
    /// `cloud-tpus.google.com/*`) and Intel SGX enclave memory
    /// (`kubernetes.azure.com/sgx_epc_mem_in_MiB`, `sgx.intel.com/*`). Pod specs inside custom
    /// resources (JobSet, RayCluster, LeaderWorkerSet) are checked too.
    ///
    /// `nvidia.com/gpu`, `amd.com/gpu` and `aws.amazon.com/neuron` are not reported: EC2 has
    /// instances with those devices and their device plugins run on EKS.
    ///
    /// ## Why is this bad?
    /// A pod is scheduled only on a node that advertises every extended resource it requests,
    /// and no EKS node can advertise these: the pod stays `Pending` (`Insufficient
    /// google.com/tpu`) and a cluster autoscaler or Karpenter finds no instance type to launch.
    /// The workload has to move to the accelerators AWS has: Trainium and Inferentia through the
    /// Neuron device plugin, or NVIDIA GPUs.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: train
    /// spec:
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: train
    ///           image: 111122223333.dkr.ecr.us-west-2.amazonaws.com/train:1
    ///           resources:
    ///             limits:
    ///               google.com/tpu: 4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: train
    /// spec:
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       nodeSelector:
    ///         karpenter.k8s.aws/instance-family: trn1
    ///       containers:
    ///         - name: train
    ///           image: 111122223333.dkr.ecr.us-west-2.amazonaws.com/train-neuron:1
    ///           resources:
    ///             limits:
    ///               aws.amazon.com/neuron: 1
    /// ```
    ///
    /// ## References
    /// - Extended resources: <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#extended-resources>
    /// - GKE TPUs: <https://cloud.google.com/kubernetes-engine/docs/concepts/tpus>
    /// - AKS confidential computing (SGX): MicrosoftDocs/azure-docs `articles/confidential-computing/confidential-nodes-aks-overview.md`
    /// - AWS Neuron on EKS: <https://docs.aws.amazon.com/eks/latest/userguide/inferentia-support.html>; NVIDIA GPUs: <https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html>
    /// - The table: `rules/port/scheduling.yaml`
    pub struct ForeignAccelerator {
        code: "PORT013",
        name: "foreign-accelerator",
        family: Port,
        severity: Error,
        fix: None,
        summary: "A container requests an accelerator no EC2 instance offers (Google TPUs, Intel SGX): the pod stays Pending",
    }
}

impl Rule for ForeignAccelerator {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for spec in pod_specs(tree, obj) {
            for c in containers(tree, spec) {
                // One finding per resource and container, on its first mention.
                let mut seen: Vec<&str> = Vec::new();
                for part in ["requests", "limits"] {
                    let map = tree.path(c, &["resources", part]);
                    for (name, e) in tree.string_entries(map) {
                        let Some(row) = table::resource(name) else {
                            continue;
                        };
                        if seen.contains(&name) {
                            continue;
                        }
                        seen.push(name);
                        ctx.report(
                            tree.span(e.key),
                            format!(
                                "`{name}` asks for {} ({}): no EC2 instance offers them, so no EKS node advertises the resource and the pod stays Pending",
                                row.what,
                                row.platform.name()
                            ),
                        )
                        .label("no EKS node has this resource")
                        .help(row.eks.clone());
                    }
                }
            }
        }
    }
}
