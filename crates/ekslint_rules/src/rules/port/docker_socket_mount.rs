use ekslint_manifest::Object;

use super::support::pods::pod_specs;
use super::support::table::{self, HostPathKind};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a `hostPath` volume that mounts the Docker daemon's socket:
    /// `/var/run/docker.sock`, `/run/docker.sock`, or the dockershim and cri-dockerd sockets.
    /// Pod specs inside custom resources are checked too.
    ///
    /// ## Why is this bad?
    /// EKS nodes run containerd only: the EKS AMIs since Kubernetes 1.24, and Bottlerocket and
    /// Fargate always. There is no Docker daemon, so the socket does not exist: with `type:
    /// Socket` the pod does not start, and otherwise an empty directory is mounted in its place
    /// and every Docker API call fails. Image builds (Docker-in-Docker, `docker build` in CI
    /// runners) and monitoring agents that read containers from Docker must change; the EKS
    /// guide says so, and AWS's Detector for Docker Socket finds the same mounts in a running
    /// cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: agent
    /// spec:
    ///   selector: {matchLabels: {app: agent}}
    ///   template:
    ///     metadata: {labels: {app: agent}}
    ///     spec:
    ///       containers:
    ///         - name: agent
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/agent:7
    ///           volumeMounts: [{name: docker, mountPath: /var/run/docker.sock}]
    ///       volumes:
    ///         - name: docker
    ///           hostPath: {path: /var/run/docker.sock, type: Socket}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: agent
    /// spec:
    ///   selector: {matchLabels: {app: agent}}
    ///   template:
    ///     metadata: {labels: {app: agent}}
    ///     spec:
    ///       containers:
    ///         - name: agent
    ///           image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/agent:8
    ///           volumeMounts: [{name: containerd, mountPath: /run/containerd/containerd.sock}]
    ///       volumes:
    ///         - name: containerd
    ///           hostPath: {path: /run/containerd/containerd.sock, type: Socket}
    /// ```
    ///
    /// ## References
    /// - EKS: containerd only from 1.24, applications that mount the Docker socket must change: <https://docs.aws.amazon.com/eks/latest/userguide/dockershim-deprecation.html>
    /// - Detector for Docker Socket: <https://github.com/aws-containers/kubectl-detector-for-docker-socket>
    /// - Kubernetes: <https://kubernetes.io/docs/tasks/administer-cluster/migrating-from-dockershim/check-if-dockershim-removal-affects-you/>
    /// - The table: `rules/port/platform.yaml`
    pub struct DockerSocketMount {
        code: "PORT017",
        name: "docker-socket-mount",
        family: Port,
        severity: Error,
        fix: None,
        summary: "A hostPath volume mounts the Docker socket, which EKS nodes (containerd only) do not have",
    }
}

impl Rule for DockerSocketMount {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for (node, path) in docker_paths(tree, obj, HostPathKind::Socket) {
            ctx.report(
                tree.span(node),
                format!(
                    "`{path}` is the Docker daemon's socket: EKS nodes run containerd only (since Kubernetes 1.24; Bottlerocket and Fargate always), so there is no Docker to talk to"
                ),
            )
            .label("no Docker daemon on EKS nodes")
            .help("talk to containerd instead (`/run/containerd/containerd.sock`, through its API, crictl or the agent's containerd mode), and build images without a daemon (BuildKit rootless, Kaniko, or in CI)");
        }
    }
}

/// The hostPath volumes of an object's pod specs that point at the Docker runtime's `kind` of
/// path: `(path node, path)`.
pub fn docker_paths<'t>(
    tree: &'t ekslint_manifest::Tree,
    obj: &Object,
    kind: HostPathKind,
) -> Vec<(ekslint_manifest::NodeId, &'t str)> {
    let mut out = Vec::new();
    for spec in pod_specs(tree, obj) {
        for &v in tree
            .get(spec, "volumes")
            .and_then(|v| tree.items(v))
            .unwrap_or(&[])
        {
            let Some(node) = tree.path(v, &["hostPath", "path"]) else {
                continue;
            };
            let Some(path) = tree.scalar_text(node) else {
                continue;
            };
            if table::host_path(path).is_some_and(|r| r.kind == kind) {
                out.push((node, path));
            }
        }
    }
    out
}
