use ekslint_manifest::Object;

use super::support::{FARGATE, mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds containers that request or limit a GPU or another accelerator
    /// (`nvidia.com/gpu`, `amd.com/gpu`, `aws.amazon.com/neuron`, …) in pods that run on Fargate
    /// (pinned with `eks.amazonaws.com/compute-type: fargate`, or selected by a Fargate profile
    /// of `.ekslint.yaml`).
    ///
    /// ## Why is this bad?
    /// "GPUs aren't currently available on Fargate", nor is Inferentia: no Fargate node has the
    /// extended resource, so the pod stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: train
    /// spec:
    ///   nodeSelector:
    ///     eks.amazonaws.com/compute-type: fargate
    ///   containers:
    ///     - name: train
    ///       image: public.ecr.aws/docker/library/python:3.12
    ///       resources:
    ///         limits:
    ///           nvidia.com/gpu: 1
    /// ```
    ///
    /// ## Use instead
    /// Run accelerated pods on EC2 GPU nodes (a Karpenter NodePool or a node group):
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: train
    /// spec:
    ///   nodeSelector:
    ///     karpenter.k8s.aws/instance-gpu-manufacturer: nvidia
    ///   containers:
    ///     - name: train
    ///       image: public.ecr.aws/docker/library/python:3.12
    ///       resources:
    ///         limits:
    ///           nvidia.com/gpu: 1
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "AWS Fargate considerations" and the comparison table:
    ///   awsdocs/amazon-eks-user-guide `latest/ug/nodes/fargate.adoc`
    pub struct FargateGpu {
        code: "FARGATE005",
        name: "fargate-gpu",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A GPU or accelerator request in a pod that runs on Fargate",
    }
}

impl Rule for FargateGpu {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(on) = placement::on_fargate(tree, obj, ctx.settings) else {
            return;
        };
        let pod = obj.pod_spec(tree).expect("on Fargate means a pod spec");
        for c in ekslint_manifest::containers(tree, pod) {
            let mut seen: Vec<&str> = Vec::new();
            for section in ["limits", "requests"] {
                for (k, e) in tree.string_entries(tree.path(c, &["resources", section])) {
                    if !FARGATE.accelerators.iter().any(|a| a == k) || seen.contains(&k) {
                        continue;
                    }
                    seen.push(k);
                    if tree.scalar_text(e.value).is_some_and(|v| v == "0") {
                        continue;
                    }
                    let f = ctx.report(
                        tree.span(e.key),
                        format!("Fargate has no `{k}`; {}", on.describe()),
                    );
                    f.label("no accelerators on Fargate")
                        .help("run this pod on EC2 GPU or accelerator nodes");
                    mark(f, tree, obj, &on);
                }
            }
        }
    }
}
