use super::support::images::{Verdict, judged};
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an image in a registry that the old platform's nodes pulled from with their own
    /// credentials: Google Container Registry (`gcr.io`, `*.gcr.io`) and Artifact Registry
    /// (`*-docker.pkg.dev`) on GKE, Azure Container Registry (`*.azurecr.io`) on AKS, and Red
    /// Hat's registries (`registry.redhat.io`, `registry.connect.redhat.com`) on OpenShift. One
    /// finding per image reference, with the number of references to the same registry in the
    /// input. Registries listed under `registries.allowed` in `.ekslint.yaml` are not reported.
    ///
    /// ## Why is this bad?
    /// GKE nodes pull from the project's registries with their service account, AKS attaches its
    /// registry to the kubelet's identity, and OpenShift has a global pull secret. EKS nodes
    /// have none of these credentials, so a private repository fails with `ImagePullBackOff`
    /// (`401 Unauthorized` or `403 Forbidden`) unless the pods carry `imagePullSecrets`. Google
    /// Container Registry itself was shut down on 2025-03-18 (its hosts now serve Artifact
    /// Registry), and ECR's pull through cache has no Google upstream, so images there must be
    /// copied. A warning, because a public repository still pulls.
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
    ///           image: gcr.io/acme-prod/web:3.2
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
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:3.2
    /// ```
    ///
    /// ## References
    /// - Container Registry shutdown and Artifact Registry: <https://cloud.google.com/artifact-registry/docs/transition/transition-from-gcr>
    /// - AKS and ACR: MicrosoftDocs/azure-docs `articles/aks/cluster-container-registry-integration.md`
    /// - ECR pull through cache upstreams (Azure Container Registry yes, Google no): <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html>
    /// - Copying an image to ECR: <https://docs.aws.amazon.com/eks/latest/userguide/copy-image-to-repository.html>
    /// - The table: `rules/port/registries.yaml`
    pub struct RegistryNeedsCredentials {
        code: "PORT019",
        name: "registry-needs-credentials",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "An image in a registry the old platform's nodes pulled from with their own credentials (GCR, Artifact Registry, ACR, Red Hat)",
    }
}

impl Rule for RegistryNeedsCredentials {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let found = judged(&ctx.index.port.images, &ctx.settings.registries, |v| {
            matches!(v, Verdict::Credentials(_))
        });
        let mut out = Vec::new();
        for (image, verdict, key) in found {
            let Verdict::Credentials(row) = verdict else {
                continue;
            };
            let copy = if key.ends_with(".azurecr.io") {
                "copy it to Amazon ECR (an ECR pull through cache rule can mirror Azure Container Registry)"
            } else {
                "copy it to Amazon ECR (e.g. `crane copy` or `skopeo copy`)"
            };
            out.push((
                key,
                image.loc.clone(),
                format!(
                    "`{}` is in {}: {} nodes pulled it with their own credentials, EKS nodes have none, so a private repository fails with ImagePullBackOff",
                    image.image,
                    row.what,
                    row.platform.name()
                ),
                format!(
                    "{copy} and reference it there; meanwhile `imagePullSecrets` with the registry's credentials; list registries your nodes can pull from under `registries.allowed` in .ekslint.yaml"
                ),
            ));
        }
        for (key, loc, message, help) in out {
            ctx.report(loc.file, loc.span, message)
                .label("needs credentials EKS nodes lack")
                .help(help)
                .registry(key);
        }
    }
}
