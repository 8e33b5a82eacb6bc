use ekslint_manifest::Object;

use super::support::{mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds containers with `securityContext.privileged: true` in pods that run on Fargate:
    /// pinned with `eks.amazonaws.com/compute-type: fargate`, or selected by a Fargate profile
    /// declared in `.ekslint.yaml` (`fargate-profiles:`, see docs/configuration.md). Pods that
    /// neither says anything about are left alone.
    ///
    /// ## Why is this bad?
    /// "Privileged containers aren't supported on Fargate." Fargate's admission refuses to place
    /// the pod, which stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: debug
    /// spec:
    ///   nodeSelector:
    ///     eks.amazonaws.com/compute-type: fargate
    ///   containers:
    ///     - name: debug
    ///       image: public.ecr.aws/docker/library/busybox:1.36
    ///       securityContext:
    ///         privileged: true
    /// ```
    ///
    /// ## Use instead
    /// Drop `privileged` (add only the capabilities the container needs), or run the pod on EC2
    /// nodes.
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: debug
    /// spec:
    ///   nodeSelector:
    ///     eks.amazonaws.com/compute-type: fargate
    ///   containers:
    ///     - name: debug
    ///       image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "AWS Fargate considerations": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/nodes/fargate.adoc`
    pub struct FargatePrivileged {
        code: "FARGATE003",
        name: "fargate-privileged",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A privileged container in a pod that runs on Fargate",
    }
}

impl Rule for FargatePrivileged {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(on) = placement::on_fargate(tree, obj, ctx.settings) else {
            return;
        };
        let pod = obj.pod_spec(tree).expect("on Fargate means a pod spec");
        for c in ekslint_manifest::containers(tree, pod) {
            let Some(n) = tree.path(c, &["securityContext", "privileged"]) else {
                continue;
            };
            if tree.scalar_text(n) != Some("true") {
                continue;
            }
            let f = ctx.report(
                tree.span(n),
                format!(
                    "Fargate does not run privileged containers; {}",
                    on.describe()
                ),
            );
            f.label("privileged").help(
                "drop `privileged: true` (add only the capabilities needed), or run this pod on EC2 nodes",
            );
            mark(f, tree, obj, &on);
        }
    }
}
