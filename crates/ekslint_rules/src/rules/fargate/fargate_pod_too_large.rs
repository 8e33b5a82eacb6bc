use ekslint_manifest::Object;

use super::support::size::{demand, largest, provisioned, trim};
use super::support::{FARGATE, mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Computes the Fargate size of a pod that runs on Fargate, the way Fargate does: the
    /// larger of the biggest init container and the sum of the long-running containers, for CPU
    /// and for memory (a missing request takes its limit), plus 256 MiB of memory for the
    /// kubelet, kube-proxy and containerd. Reports a pod that no Fargate configuration holds
    /// (more than 16 vCPU, or more than 120 GB with the 256 MiB).
    ///
    /// A pod runs on Fargate when it requires `eks.amazonaws.com/compute-type: fargate` or a
    /// Fargate profile declared in `.ekslint.yaml` (`fargate-profiles:`, see
    /// docs/configuration.md) selects it; other pods are left alone.
    ///
    /// ## Why is this bad?
    /// Fargate "rounds up to the following compute configuration that most closely matches" the
    /// requests, and the largest is 16 vCPU and 120 GB. A larger pod fits no configuration and
    /// stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: big
    /// spec:
    ///   nodeSelector:
    ///     eks.amazonaws.com/compute-type: fargate
    ///   containers:
    ///     - name: big
    ///       image: public.ecr.aws/docker/library/python:3.12
    ///       resources:
    ///         requests:
    ///           cpu: "16"
    ///           memory: 120Gi
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: big
    /// spec:
    ///   nodeSelector:
    ///     eks.amazonaws.com/compute-type: fargate
    ///   containers:
    ///     - name: big
    ///       image: public.ecr.aws/docker/library/python:3.12
    ///       resources:
    ///         requests:
    ///           cpu: "16"
    ///           memory: 119Gi
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "Pod CPU and memory" (the computation and the vCPU and memory table):
    ///   awsdocs/amazon-eks-user-guide `latest/ug/nodes/fargate-pod-configuration.adoc`
    pub struct FargatePodTooLarge {
        code: "FARGATE007",
        name: "fargate-pod-too-large",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A pod on Fargate requests more CPU or memory than the largest Fargate configuration",
    }
}

const MIB: f64 = 1024.0 * 1024.0;

impl Rule for FargatePodTooLarge {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(on) = placement::on_fargate(tree, obj, ctx.settings) else {
            return;
        };
        let pod = obj.pod_spec(tree).expect("on Fargate means a pod spec");
        let (Some(cpu), Some(mem)) = (demand(tree, pod, "cpu"), demand(tree, pod, "memory")) else {
            return;
        };
        if provisioned(cpu.amount * 1000.0, mem.amount).is_some() {
            return;
        }
        let max = largest();
        let cpu_over = cpu.amount > max.vcpu;
        let Some(node) = (if cpu_over { cpu.node } else { mem.node }) else {
            return;
        };
        let asked = format!(
            "{} vCPU and {} GiB (+{} MiB for Fargate's own components)",
            trim(cpu.amount),
            trim(mem.amount / MIB / 1024.0),
            FARGATE.overhead_mib
        );
        let f = ctx.report(
            tree.span(node),
            format!(
                "the pod asks for {asked}, more than the largest Fargate configuration ({max}); {}",
                on.describe()
            ),
        );
        f.label(if cpu_over { "too much CPU for Fargate" } else { "too much memory for Fargate" })
            .help("lower the requests (the sum of the containers, or the largest init container), or run this pod on EC2 nodes");
        mark(f, tree, obj, &on);
    }
}
