use ekslint_manifest::Object;

use super::docker_socket_mount::docker_paths;
use super::support::table::HostPathKind;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a `hostPath` volume of Docker's data directory, `/var/lib/docker` or a path
    /// under it (`/var/lib/docker/containers`, the container logs a log collector used to read).
    /// Pod specs inside custom resources are checked too.
    ///
    /// ## Why is this bad?
    /// EKS nodes run containerd, which keeps its data under `/var/lib/containerd` and the
    /// container logs under `/var/log/pods` (linked from `/var/log/containers`). Docker's
    /// directory is absent or empty, so a log collector reading it collects nothing, with no
    /// error; nothing fails, which is why this is a warning. Fluentd set up for Docker's JSON
    /// logs also cannot parse containerd's log format.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: fluentd
    /// spec:
    ///   selector: {matchLabels: {app: fluentd}}
    ///   template:
    ///     metadata: {labels: {app: fluentd}}
    ///     spec:
    ///       containers:
    ///         - name: fluentd
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/fluentd:1.16
    ///           volumeMounts: [{name: docker, mountPath: /var/lib/docker/containers, readOnly: true}]
    ///       volumes:
    ///         - name: docker
    ///           hostPath: {path: /var/lib/docker/containers}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: fluent-bit
    /// spec:
    ///   selector: {matchLabels: {app: fluent-bit}}
    ///   template:
    ///     metadata: {labels: {app: fluent-bit}}
    ///     spec:
    ///       containers:
    ///         - name: fluent-bit
    ///           image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable
    ///           volumeMounts: [{name: pods, mountPath: /var/log/pods, readOnly: true}]
    ///       volumes:
    ///         - name: pods
    ///           hostPath: {path: /var/log/pods}
    /// ```
    ///
    /// ## References
    /// - EKS: containerd only from 1.24, and Fluentd for Container Insights must move to Fluent Bit: <https://docs.aws.amazon.com/eks/latest/userguide/dockershim-deprecation.html>
    /// - Kubernetes logging on containerd nodes: <https://kubernetes.io/docs/concepts/cluster-administration/logging/#log-location-node>
    /// - The table: `rules/port/platform.yaml`
    pub struct DockerDataMount {
        code: "PORT018",
        name: "docker-data-mount",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "A hostPath volume of Docker's data directory (/var/lib/docker), which is empty on containerd nodes",
    }
}

impl Rule for DockerDataMount {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for (node, path) in docker_paths(tree, obj, HostPathKind::Data) {
            ctx.report(
                tree.span(node),
                format!(
                    "`{path}` is Docker's data directory: EKS nodes run containerd, which keeps images under /var/lib/containerd and container logs under /var/log/pods, so this mount finds nothing"
                ),
            )
            .label("empty on EKS nodes")
            .help("read container logs from /var/log/pods (or the links in /var/log/containers), e.g. with Fluent Bit, or drop the mount");
        }
    }
}
