use ekslint_manifest::Object;

use super::support::table::OnEks;
use super::support::{StorageClass, table};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a StorageClass whose `provisioner` is an in-tree plugin that cannot work on EKS:
    /// another cloud's storage (`kubernetes.io/gce-pd`, `azure-disk`, `azure-file`, `cinder`,
    /// `vsphere-volume`), or a plugin Kubernetes removed without a CSI migration (`rbd`,
    /// `glusterfs`, `cephfs`, `quobyte`, `storageos`, `scaleio`). The message names the release
    /// that removed the in-tree driver. Other clouds' CSI drivers (`pd.csi.storage.gke.io`,
    /// `disk.csi.azure.com`, …) are PORT014's.
    ///
    /// ## Why is this bad?
    /// Another cloud's provisioner is redirected by CSI migration to that cloud's CSI driver,
    /// which cannot create disks from an EKS cluster; a removed plugin has no code left at all.
    /// Every claim of the class stays `Pending`. Use an AWS CSI driver instead: EBS
    /// (`ebs.csi.aws.com`) for block storage, EFS (`efs.csi.aws.com`) for shared file systems,
    /// FSx for Lustre (`fsx.csi.aws.com`) for high-throughput file systems.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: standard
    /// provisioner: kubernetes.io/gce-pd
    /// parameters:
    ///   type: pd-standard
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: standard
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    /// ```
    ///
    /// ## References
    /// - Removed volume types: <https://kubernetes.io/docs/reference/storage/volume-types/>
    /// - Amazon EBS CSI driver on EKS: <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>
    /// - The table: `rules/csi/in-tree.yaml`
    pub struct InTreeProvisioner {
        code: "CSI014",
        name: "in-tree-provisioner",
        family: Csi,
        severity: Error,
        fix: None,
        summary: "An in-tree StorageClass provisioner of another cloud or of a removed plugin",
    }
}

impl Rule for InTreeProvisioner {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(sc) = StorageClass::of(tree, obj) else {
            return;
        };
        let Some(p) = table::plugin_by_provisioner(sc.provisioner) else {
            return;
        };
        let span = tree.span(sc.provisioner_node);
        match p.eks {
            OnEks::OtherCloud => {
                let csi = p.csi_driver.as_deref().unwrap_or("its CSI driver");
                ctx.report(
                    span,
                    format!(
                        "`{}` is another cloud's in-tree provisioner (in-tree driver removed in Kubernetes {}): CSI migration hands it to `{csi}`, which cannot provision on EKS, so every claim of this class stays Pending",
                        sc.provisioner, p.removed_in
                    ),
                )
                .label("not usable on EKS")
                .help("use `provisioner: ebs.csi.aws.com` (block, e.g. `type: gp3`) or `efs.csi.aws.com` (shared file system)");
            }
            OnEks::Removed if ctx.target >= p.removed() => {
                let target = ctx.target;
                ctx.report(
                    span,
                    format!(
                        "`{}` was removed from Kubernetes in {} (the target is {target}) with no CSI migration: nothing provisions this class",
                        sc.provisioner, p.removed_in
                    ),
                )
                .label(format!("removed in {}", p.removed_in))
                .help("move the data to an AWS CSI driver: ebs.csi.aws.com, efs.csi.aws.com or fsx.csi.aws.com");
            }
            _ => {}
        }
    }
}
