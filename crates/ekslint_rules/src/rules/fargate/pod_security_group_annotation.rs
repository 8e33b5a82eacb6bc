use ekslint_manifest::Object;

use super::support::FARGATE;
use super::support::table::Outcome;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds pods and pod templates that set `vpc.amazonaws.com/pod-eni` or
    /// `fargate.amazonaws.com/pod-sg` themselves: annotations that only the VPC resource
    /// controller writes when a SecurityGroupPolicy selects the pod.
    ///
    /// ## Why is this bad?
    /// The controller's validating webhook refuses the pod: "pod cannot be created with
    /// vpc.amazonaws.com/pod-eni annotation", so the ReplicaSet or Job cannot create any pod. A
    /// `fargate.amazonaws.com/pod-sg` written by hand is removed at admission, so the security
    /// groups it names are never applied. Select the pod with a SecurityGroupPolicy instead.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: orders
    /// spec:
    ///   selector:
    ///     matchLabels: {app: orders}
    ///   template:
    ///     metadata:
    ///       labels: {app: orders}
    ///       annotations:
    ///         vpc.amazonaws.com/pod-eni: '[{"eniId":"eni-0123456789abcdef0"}]'
    ///     spec:
    ///       containers:
    ///         - name: orders
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: vpcresources.k8s.aws/v1beta1
    /// kind: SecurityGroupPolicy
    /// metadata:
    ///   name: orders
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: orders}
    ///   securityGroups:
    ///     groupIds: [sg-0123456789abcdef0]
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: orders
    /// spec:
    ///   selector:
    ///     matchLabels: {app: orders}
    ///   template:
    ///     metadata:
    ///       labels: {app: orders}
    ///     spec:
    ///       containers:
    ///         - name: orders
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## References
    /// - aws/amazon-vpc-resource-controller-k8s `webhooks/core/annotation_validation_webhook.go`
    ///   (the create-time refusal) and `webhooks/core/pod_webhook.go` (the Fargate annotation)
    pub struct PodSecurityGroupAnnotation {
        code: "FARGATE016",
        name: "pod-security-group-annotation",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A pod sets vpc.amazonaws.com/pod-eni or fargate.amazonaws.com/pod-sg, which only the VPC resource controller may write",
    }
}

impl Rule for PodSecurityGroupAnnotation {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !obj.is_workload(tree) {
            return;
        }
        let Some(ann) = obj
            .pod_metadata(tree)
            .and_then(|m| tree.get(m, "annotations"))
        else {
            return;
        };
        for a in &FARGATE.security_groups.controller_annotations {
            let Some(e) = tree.get_entry(ann, &a.key) else {
                continue;
            };
            let msg = match a.outcome {
                Outcome::Rejected => format!(
                    "the VPC resource controller refuses pods created with `{}`: no pod of this workload can be created",
                    a.key
                ),
                Outcome::Removed => format!(
                    "`{}` is written by the VPC resource controller and removed from pods that set it, so these security groups are never applied",
                    a.key
                ),
            };
            ctx.report(tree.span(e.key), msg)
                .label("controller-owned annotation")
                .help("remove it, and select the pods with a SecurityGroupPolicy (`vpcresources.k8s.aws/v1beta1`)");
        }
    }
}
