use super::support::images::{Verdict, judged};
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an image pulled from a registry that ran inside the old cluster and is named by
    /// its Service: OpenShift's internal registry
    /// (`image-registry.openshift-image-registry.svc:5000`, `docker-registry.default.svc:5000`
    /// on OpenShift 3) and any registry host ending in `.svc` or `.svc.cluster.local`. One
    /// finding per image reference, with the number of references to the registry in the input.
    ///
    /// ## Why is this bad?
    /// The kubelet pulls images with the node's own DNS resolver, which on EKS is the VPC's: it
    /// does not resolve cluster Service names, and the registry and its images are not in the new
    /// cluster anyway. Every pod with such an image fails with `ImagePullBackOff`. OpenShift
    /// resolved these names on its nodes and fed the registry from its image streams and builds.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: {matchLabels: {app: web}}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: image-registry.openshift-image-registry.svc:5000/shop/web:latest
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: {matchLabels: {app: web}}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.0
    /// ```
    ///
    /// ## References
    /// - OpenShift's internal registry: <https://docs.openshift.com/container-platform/latest/registry/index.html>
    /// - Pushing images to Amazon ECR: <https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-ecr-image.html>
    /// - The table: `rules/port/registries.yaml`
    pub struct ClusterInternalRegistry {
        code: "PORT021",
        name: "cluster-internal-registry",
        family: Port,
        severity: Error,
        fix: None,
        summary: "An image from a registry inside the old cluster (OpenShift's internal registry, a *.svc host): EKS nodes cannot reach it",
    }
}

impl Rule for ClusterInternalRegistry {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let found = judged(&ctx.index.port.images, &ctx.settings.registries, |v| {
            matches!(v, Verdict::Internal(_))
        });
        let mut out = Vec::new();
        for (image, verdict, key) in found {
            let Verdict::Internal(row) = verdict else {
                continue;
            };
            out.push((
                key,
                image.loc.clone(),
                format!(
                    "`{}` is pulled from {}, named by its cluster Service: EKS nodes resolve names with the VPC's DNS, and the registry is not in the new cluster, so the pull fails",
                    image.image,
                    row.what
                ),
            ));
        }
        for (key, loc, message) in out {
            ctx.report(loc.file, loc.span, message)
                .label("unreachable from EKS nodes")
                .help("push the image to Amazon ECR (build it in CI) and reference it by its ECR name")
                .registry(key);
        }
    }
}
