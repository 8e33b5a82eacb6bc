use super::support::images::{Verdict, judged};
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// With `registries.private-cluster: true` in `.ekslint.yaml` (the cluster's nodes have no
    /// route to the internet), reports every image that is not in an Amazon ECR private
    /// registry (`<account>.dkr.ecr.<region>.amazonaws.com`) or under `registries.allowed`
    /// (a mirror or proxy the VPC reaches). One finding per image reference, with the number of
    /// references to the same registry in the input; the rule says nothing without the setting.
    ///
    /// Example needs: `.ekslint.yaml` with `registries: {private-cluster: true}`
    ///
    /// ## Why is this bad?
    /// A private EKS cluster pulls only from registries inside its VPC: Amazon ECR through the
    /// `ecr.api`, `ecr.dkr` and `s3` VPC endpoints, or your own mirror. Docker Hub, Quay, GitHub,
    /// `registry.k8s.io` and ECR Public are all unreachable, and every pod with such an image
    /// fails with `ImagePullBackOff`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: exporter
    /// spec:
    ///   selector: {matchLabels: {app: exporter}}
    ///   template:
    ///     metadata: {labels: {app: exporter}}
    ///     spec:
    ///       containers:
    ///         - name: exporter
    ///           image: quay.io/prometheus/node-exporter:v1.8.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: exporter
    /// spec:
    ///   selector: {matchLabels: {app: exporter}}
    ///   template:
    ///     metadata: {labels: {app: exporter}}
    ///     spec:
    ///       containers:
    ///         - name: exporter
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/quay/prometheus/node-exporter:v1.8.2
    /// ```
    ///
    /// ## References
    /// - EKS private clusters (registry in the VPC, ECR VPC endpoints): <https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html>
    /// - ECR pull through cache (Quay, Docker Hub, registry.k8s.io, GitHub, ECR Public upstreams): <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html>
    /// - The setting: `registries` in [docs/configuration.md](../configuration.md)
    pub struct PrivateClusterRegistry {
        code: "PORT022",
        name: "private-cluster-registry",
        family: Port,
        severity: Error,
        fix: None,
        summary: "In a private cluster (registries.private-cluster), an image outside Amazon ECR and the allowed registries: unreachable",
    }
}

impl Rule for PrivateClusterRegistry {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        if !ctx.settings.registries.private_cluster {
            return;
        }
        let found = judged(&ctx.index.port.images, &ctx.settings.registries, |v| {
            matches!(v, Verdict::Private)
        });
        let mut out = Vec::new();
        for (image, _, key) in found {
            out.push((
                key.clone(),
                image.loc.clone(),
                format!(
                    "`{}` is pulled from {key}, which the cluster's nodes cannot reach: `registries.private-cluster` says they have no internet access, and it is neither Amazon ECR nor an allowed registry",
                    image.image
                ),
            ));
        }
        for (key, loc, message) in out {
            ctx.report(loc.file, loc.span, message)
                .label("unreachable from a private cluster")
                .help("copy the image to Amazon ECR in the cluster's region (or add an ECR pull through cache rule for its registry), or list the mirror your VPC reaches under `registries.allowed`")
                .registry(key);
        }
    }
}
