use super::support::images::{Verdict, judged, split};
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an image from Docker Hub: written with `docker.io/`, or with no registry host at
    /// all (`nginx:1.27`, `bitnami/redis:7.2`). One finding per image reference, with the number
    /// of Docker Hub references in the input. Allow Docker Hub, or a part of it
    /// (`docker.io/library`), under `registries.allowed` when your nodes pull through an
    /// authenticated mirror.
    ///
    /// ## Why is this bad?
    /// Docker Hub limits anonymous pulls per IPv4 address or IPv6 /64 (10 an hour at the time
    /// of writing). EKS nodes in private subnets reach the internet through a NAT gateway and
    /// share its address, so a scale-out or a node replacement that pulls many images at once
    /// hits the limit, and pods wait in `ImagePullBackOff` with `toomanyrequests`. It worked on
    /// the old cluster because fewer nodes pulled, or the platform mirrored Docker Hub. This is
    /// advice: many clusters never pull enough to notice.
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
    ///           image: nginx:1.27
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
    ///           image: public.ecr.aws/docker/library/nginx:1.27
    /// ```
    ///
    /// ## References
    /// - Docker Hub pull limits: <https://docs.docker.com/docker-hub/usage/pulls/> (docker/docs PR 22134)
    /// - ECR Public's copies of Docker official images: <https://gallery.ecr.aws/docker>
    /// - ECR pull through cache for Docker Hub (needs Docker Hub credentials): <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html>
    /// - The table: `rules/port/registries.yaml`
    pub struct DockerHubRateLimit {
        code: "PORT023",
        name: "docker-hub-rate-limit",
        family: Port,
        severity: Info,
        fix: None,
        summary: "An image pulled anonymously from Docker Hub, whose per-address pull limit nodes behind one NAT gateway share",
    }
}

impl Rule for DockerHubRateLimit {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let found = judged(&ctx.index.port.images, &ctx.settings.registries, |v| {
            matches!(v, Verdict::DockerHub)
        });
        let mut out = Vec::new();
        for (image, _, key) in found {
            let (_, path) = split(&image.image);
            let help = match path.strip_prefix("library/") {
                Some(_) => format!(
                    "pull the official image from ECR Public (`public.ecr.aws/docker/{path}` with the same tag), or through an ECR pull through cache rule for Docker Hub"
                ),
                None => "pull it through an ECR pull through cache rule for Docker Hub (with Docker Hub credentials in Secrets Manager), or copy it to Amazon ECR".to_string(),
            };
            let help = format!(
                "{help}; if your nodes pull through an authenticated mirror, allow it with `registries.allowed: [docker.io]` in .ekslint.yaml"
            );
            out.push((
                key,
                image.loc.clone(),
                format!(
                    "`{}` comes from Docker Hub, which limits anonymous pulls per IP address: nodes behind one NAT gateway share the limit, and a scale-out can stall in ImagePullBackOff",
                    image.image
                ),
                help,
            ));
        }
        for (key, loc, message, help) in out {
            ctx.report(loc.file, loc.span, message)
                .label("anonymous Docker Hub pull")
                .help(help)
                .registry(key);
        }
    }
}
