use ekslint_manifest::Object;

use super::support::{mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::rules::karp::support::imds;

declare_rule! {
    /// ## What it does
    /// Finds workloads on Fargate that read the EC2 instance metadata service (IMDS) for
    /// something their manifest does not give them. Today that is the AWS Load Balancer
    /// Controller without `--aws-vpc-id` (or `--aws-vpc-tags`). The consumers are listed in
    /// `rules/karp/karpenter.yaml` (`imds_consumers`), shared with KARP019.
    ///
    /// A pod runs on Fargate when it requires `eks.amazonaws.com/compute-type: fargate` or a
    /// Fargate profile declared in `.ekslint.yaml` (`fargate-profiles:`, see
    /// docs/configuration.md) selects it; other pods are left alone.
    ///
    /// ## Why is this bad?
    /// "The Amazon EC2 instance metadata service (IMDS) isn't available to Pods that are deployed
    /// to Fargate nodes." The controller cannot find its VPC and exits at start
    /// (`failed to get VPC ID`), so no load balancer is reconciled.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: aws-load-balancer-controller
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {app: lbc}
    ///   template:
    ///     metadata:
    ///       labels: {app: lbc}
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       containers:
    ///         - name: controller
    ///           image: public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1
    ///           args: [--cluster-name=my-cluster]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: aws-load-balancer-controller
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {app: lbc}
    ///   template:
    ///     metadata:
    ///       labels: {app: lbc}
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       containers:
    ///         - name: controller
    ///           image: public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1
    ///           args: [--cluster-name=my-cluster, --aws-vpc-id=vpc-0123456789abcdef0, --aws-region=eu-west-1]
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "AWS Fargate considerations": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/nodes/fargate.adoc`
    /// - Where the controller reads its VPC ID and region: kubernetes-sigs/aws-load-balancer-controller
    ///   `pkg/aws/cloud.go`
    pub struct FargateImds {
        code: "FARGATE013",
        name: "fargate-imds",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A workload on Fargate that reads IMDS, which Fargate does not provide",
    }
}

impl Rule for FargateImds {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(on) = placement::on_fargate(tree, obj, ctx.settings) else {
            return;
        };
        let pod = obj.pod_spec(tree).expect("on Fargate means a pod spec");
        for u in imds::unmet(tree, pod) {
            let f = ctx.report(
                tree.span(u.image),
                format!(
                    "{} reads {} from IMDS, which Fargate pods cannot reach; {}",
                    u.consumer.name,
                    u.what(),
                    on.describe()
                ),
            );
            f.label("needs IMDS").help(u.help());
            mark(f, tree, obj, &on);
        }
    }
}
