use ekslint_manifest::Object;

use super::support::size::{demand, provisioned, trim, vcpu_for};
use super::support::{FARGATE, mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Computes the Fargate size of a pod that runs on Fargate (as FARGATE007 does) and reports
    /// a pod whose memory, with the 256 MiB Fargate adds, pushes it into a larger vCPU size than
    /// its CPU request needs: the documented "1 vCPU and 8 GB" that is provisioned, and billed,
    /// as 2 vCPU and 9 GB.
    ///
    /// A pod runs on Fargate when it requires `eks.amazonaws.com/compute-type: fargate` or a
    /// Fargate profile declared in `.ekslint.yaml` (`fargate-profiles:`, see
    /// docs/configuration.md) selects it; other pods are left alone.
    ///
    /// ## Why is this bad?
    /// Nothing breaks, but the pod costs the larger configuration: Fargate bills the vCPU and
    /// memory it provisions (the pod's `CapacityProvisioned` annotation), not what the pod asked
    /// for. Trimming the memory request a little (or using the vCPU you pay for) saves the step.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: api
    /// spec:
    ///   nodeSelector:
    ///     eks.amazonaws.com/compute-type: fargate
    ///   containers:
    ///     - name: api
    ///       image: public.ecr.aws/docker/library/busybox:1.36
    ///       resources:
    ///         requests:
    ///           cpu: "1"
    ///           memory: 8Gi
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: api
    /// spec:
    ///   nodeSelector:
    ///     eks.amazonaws.com/compute-type: fargate
    ///   containers:
    ///     - name: api
    ///       image: public.ecr.aws/docker/library/busybox:1.36
    ///       resources:
    ///         requests:
    ///           cpu: "1"
    ///           memory: 7680Mi
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "Pod CPU and memory": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/nodes/fargate-pod-configuration.adoc`
    pub struct FargateSizeStepUp {
        code: "FARGATE008",
        name: "fargate-size-step-up",
        family: Fargate,
        severity: Info,
        fix: None,
        summary: "A pod on Fargate whose memory (with Fargate's 256 MiB) forces a larger vCPU size than its CPU request",
    }
}

const MIB: f64 = 1024.0 * 1024.0;

impl Rule for FargateSizeStepUp {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(on) = placement::on_fargate(tree, obj, ctx.settings) else {
            return;
        };
        let pod = obj.pod_spec(tree).expect("on Fargate means a pod spec");
        let (Some(cpu), Some(mem)) = (demand(tree, pod, "cpu"), demand(tree, pod, "memory")) else {
            return;
        };
        let Some(got) = provisioned(cpu.amount * 1000.0, mem.amount) else {
            return;
        };
        let Some(need) = vcpu_for(cpu.amount * 1000.0) else {
            return;
        };
        let Some(node) = mem.node.filter(|_| got.vcpu > need) else {
            return;
        };
        let f = ctx.report(
            tree.span(node),
            format!(
                "the pod asks for {} vCPU and {} MiB; with the {} MiB Fargate adds no {} vCPU size holds it, so Fargate provisions (and bills) {got}; {}",
                trim(cpu.amount),
                trim(mem.amount / MIB),
                FARGATE.overhead_mib,
                trim(need),
                on.describe()
            ),
        );
        f.label("memory sets the size")
            .help(format!("to stay at {} vCPU, keep the memory requests {} MiB or more below the largest memory of that size", trim(need), FARGATE.overhead_mib));
        mark(f, tree, obj, &on);
    }
}
