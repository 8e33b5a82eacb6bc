use ekslint_manifest::Object;

use super::support::table;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a StorageClass whose `provisioner` belongs to a single-machine development
    /// cluster: `k8s.io/minikube-hostpath` (minikube), `rancher.io/local-path` (k3s, kind),
    /// `docker.io/hostpath` (Docker Desktop), `microk8s.io/hostpath` (MicroK8s), and the CSI
    /// host-path sample driver `hostpath.csi.k8s.io`.
    ///
    /// ## Why is this bad?
    /// None of these runs on an EKS cluster unless you install it, so claims of the class stay
    /// `Pending`. And installing one would be worse: it keeps the data in a directory on one
    /// node, which an EKS node group or Karpenter replaces at any time, taking the data with it.
    /// A warning, because such a class is often a leftover of local testing that is simply not
    /// applied to the real cluster; make sure it is not.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: local
    /// provisioner: rancher.io/local-path
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: local
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    /// ```
    ///
    /// ## References
    /// - minikube storage: <https://minikube.sigs.k8s.io/docs/handbook/persistent_volumes/>
    /// - local-path-provisioner: <https://github.com/rancher/local-path-provisioner>
    /// - Amazon EBS CSI driver on EKS: <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>
    /// - The table: `rules/port/storage.yaml`
    pub struct LocalDevProvisioner {
        code: "PORT016",
        name: "local-dev-provisioner",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "A StorageClass of a local development cluster's host-path provisioner: nothing provisions it on EKS",
    }
}

impl Rule for LocalDevProvisioner {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.kind_str(tree) != Some("StorageClass") || obj.group(tree) != "storage.k8s.io" {
            return;
        }
        let Some(node) = obj.get(tree, &["provisioner"]) else {
            return;
        };
        let Some(name) = tree.scalar_text(node) else {
            return;
        };
        let Some(row) = table::local_provisioner(name) else {
            return;
        };
        ctx.report(
            tree.span(node),
            format!(
                "`{name}` is {}: it does not run on EKS, so claims of this class stay Pending (and if installed, it would keep the data on one node's disk)",
                row.what
            ),
        )
        .label("a local development provisioner")
        .help("use `provisioner: ebs.csi.aws.com` (block storage, `parameters: {type: gp3}`) or `efs.csi.aws.com` (shared file systems)");
    }
}
