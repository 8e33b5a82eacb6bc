use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an object whose API group only another platform serves:
    /// - GKE: `cloud.google.com` (BackendConfig, ComputeClass), `networking.gke.io`
    ///   (ManagedCertificate, FrontendConfig, the Gateway policies GCPBackendPolicy,
    ///   GCPGatewayPolicy, HealthCheckPolicy, GCPSessionAffinityPolicy, …), `net.gke.io`,
    ///   `monitoring.googleapis.com` (PodMonitoring, ClusterPodMonitoring, Rules), `hub.gke.io`;
    /// - AKS: `aadpodidentity.k8s.io` (AzureIdentity, AzureIdentityBinding),
    ///   `alb.networking.azure.io`, `approuting.kubernetes.azure.com`;
    /// - OpenShift: `route.openshift.io` (Route), `apps.openshift.io` (DeploymentConfig),
    ///   `image.openshift.io`, `build.openshift.io`, `security.openshift.io`
    ///   (SecurityContextConstraints), `template.openshift.io`, `project.openshift.io`,
    ///   `quota.openshift.io` and every other `*.openshift.io` group;
    /// - MetalLB: `metallb.io` (IPAddressPool, L2Advertisement, BGPPeer, …).
    ///
    /// Not reported when the input also defines the CustomResourceDefinition of the kind.
    ///
    /// ## Why is this bad?
    /// An EKS API server has no such resource, so `kubectl apply` fails with `no matches for
    /// kind "Route" in version "route.openshift.io/v1"` (and with it a Helm release or an Argo CD
    /// sync). Installing the CRD would only move the problem: the controller that acts on these
    /// objects runs only on its own platform. The help names the Kubernetes or AWS resource that
    /// does the job on EKS.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: route.openshift.io/v1
    /// kind: Route
    /// metadata:
    ///   name: shop
    /// spec:
    ///   host: shop.example.com
    ///   to: {kind: Service, name: shop}
    ///   tls: {termination: edge}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    ///   annotations:
    ///     alb.ingress.kubernetes.io/scheme: internet-facing
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": 443}]'
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: shop, port: {number: 80}}
    /// ```
    ///
    /// ## References
    /// - GKE resources: BackendConfig and FrontendConfig (kubernetes/ingress-gce `pkg/apis/`), <https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration>, <https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources>
    /// - AAD Pod Identity (archived): <https://github.com/Azure/aad-pod-identity>
    /// - OpenShift API groups: <https://docs.openshift.com/container-platform/latest/rest_api/index.html>; DeploymentConfig deprecation: <https://access.redhat.com/articles/7041372>
    /// - MetalLB: <https://metallb.universe.tf/configuration/>
    /// - The table: `rules/port/platform.yaml`
    pub struct ForeignKind {
        code: "PORT008",
        name: "foreign-kind",
        family: Port,
        severity: Error,
        fix: None,
        summary: "A kind only another platform serves (GKE, AKS, OpenShift, MetalLB): the apply fails with no matches for kind",
    }
}

impl Rule for ForeignKind {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.port;
        let mut out = Vec::new();
        for k in &facts.kinds {
            if facts.has_crd(&k.group, &k.kind) {
                continue;
            }
            out.push((
                k.loc.clone(),
                format!(
                    "`{}` (`{}`) is {}, which only {} serves: an EKS cluster has no such API, so the apply fails with `no matches for kind \"{}\"`",
                    k.kind,
                    k.group,
                    k.row.what,
                    k.row.platform.name(),
                    k.kind
                ),
                super::support::table::eks_help(&k.row.eks),
            ));
        }
        for (loc, message, help) in out {
            ctx.report(loc.file, loc.span, message)
                .label("no such kind on EKS")
                .help(help);
        }
    }
}
