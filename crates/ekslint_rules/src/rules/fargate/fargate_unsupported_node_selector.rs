use ekslint_manifest::Object;
use ekslint_manifest::pod::label_constraints;

use super::support::{FARGATE, mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds required node selectors that no Fargate node satisfies (`kubernetes.io/arch:
    /// arm64`, `kubernetes.io/os: windows` and their `beta.` forms) in pods that run on Fargate
    /// (pinned with `eks.amazonaws.com/compute-type: fargate`, or selected by a Fargate profile
    /// of `.ekslint.yaml`).
    ///
    /// ## Why is this bad?
    /// Fargate on EKS runs Linux on x86-64 only: it "can't run containers that require Windows"
    /// nor "workloads that require Arm processors". The pod stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
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
    ///         kubernetes.io/arch: arm64
    ///       containers:
    ///         - name: api
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
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
    ///         kubernetes.io/arch: amd64
    ///       containers:
    ///         - name: api
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## References
    /// - EKS user guide, the Fargate comparison table: awsdocs/amazon-eks-user-guide
    ///   `latest/ug/nodes/fargate.adoc`
    pub struct FargateUnsupportedNodeSelector {
        code: "FARGATE009",
        name: "fargate-unsupported-node-selector",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A pod on Fargate requires Arm or Windows nodes, which Fargate does not have",
    }
}

impl Rule for FargateUnsupportedNodeSelector {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(on) = placement::on_fargate(tree, obj, ctx.settings) else {
            return;
        };
        let pod = obj.pod_spec(tree).expect("on Fargate means a pod spec");
        for c in label_constraints(tree, pod) {
            if !c.source.is_required() || c.operator != "In" || c.values.is_empty() {
                continue;
            }
            let Some(u) = FARGATE
                .unsupported_selectors
                .iter()
                .find(|u| u.key == c.key)
            else {
                continue;
            };
            // Only when every allowed value is one Fargate lacks.
            if !c
                .values
                .iter()
                .all(|(v, _)| u.values.iter().any(|x| x == v))
            {
                continue;
            }
            let f = ctx.report(
                tree.span(c.values[0].1),
                format!(
                    "Fargate has no nodes for {} (`{}: {}`); {}",
                    u.what,
                    c.key,
                    c.values[0].0,
                    on.describe()
                ),
            );
            f.label("no such Fargate node")
                .help("Fargate runs Linux on x86-64 (amd64): drop this selector or run the pod on EC2 nodes");
            mark(f, tree, obj, &on);
        }
    }
}
