use ekslint_manifest::Object;

use super::support::size::{demand, trim};
use super::support::{FARGATE, mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Adds up the `ephemeral-storage` requests of a pod that runs on Fargate the way the
    /// scheduler does (the larger of the biggest init container and the sum of the others; a
    /// missing request takes its limit) and reports a pod that asks for more than Fargate's
    /// maximum of 175 GiB.
    ///
    /// A pod runs on Fargate when it requires `eks.amazonaws.com/compute-type: fargate` or a
    /// Fargate profile declared in `.ekslint.yaml` (`fargate-profiles:`, see
    /// docs/configuration.md) selects it; other pods are left alone.
    ///
    /// ## Why is this bad?
    /// A Fargate pod gets 20 GiB of ephemeral storage by default and "up to a maximum of 175
    /// GiB". A larger request fits no Fargate node, so the pod stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: unpack
    /// spec:
    ///   ttlSecondsAfterFinished: 600
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: unpack
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    ///           resources:
    ///             requests:
    ///               ephemeral-storage: 200Gi
    /// ```
    ///
    /// ## Use instead
    /// At most 175 GiB, or a persistent volume (statically provisioned EFS on Fargate, see
    /// CSI008) for more:
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: unpack
    /// spec:
    ///   ttlSecondsAfterFinished: 600
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: unpack
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    ///           resources:
    ///             requests:
    ///               ephemeral-storage: 150Gi
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "Fargate storage": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/nodes/fargate-pod-configuration.adoc`
    pub struct FargateEphemeralStorage {
        code: "FARGATE006",
        name: "fargate-ephemeral-storage",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A pod on Fargate requests more ephemeral storage than Fargate's 175 GiB",
    }
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

impl Rule for FargateEphemeralStorage {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(on) = placement::on_fargate(tree, obj, ctx.settings) else {
            return;
        };
        let pod = obj.pod_spec(tree).expect("on Fargate means a pod spec");
        let Some(d) = demand(tree, pod, "ephemeral-storage") else {
            return;
        };
        let max = FARGATE.max_ephemeral_storage_gib as f64;
        let Some(node) = d.node.filter(|_| d.amount > max * GIB) else {
            return;
        };
        let f = ctx.report(
            tree.span(node),
            format!(
                "the pod asks for {} GiB of ephemeral storage, more than Fargate's maximum of {} GiB; {}",
                trim(d.amount / GIB),
                FARGATE.max_ephemeral_storage_gib,
                on.describe()
            ),
        );
        f.label("over 175 GiB")
            .help("request at most 175Gi in total, or keep the data on a persistent volume (statically provisioned EFS works on Fargate)");
        mark(f, tree, obj, &on);
    }
}
