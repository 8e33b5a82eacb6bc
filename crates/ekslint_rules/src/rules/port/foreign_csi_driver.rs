use ekslint_manifest::{NodeId, Object};

use super::support::pods::pod_specs;
use super::support::table;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports another cloud's or hypervisor's CSI driver where a manifest names it: a
    /// StorageClass `provisioner`, a PersistentVolume's `spec.csi.driver`, an inline `csi`
    /// volume of a pod (also in custom resources' pod specs), and a VolumeSnapshotClass
    /// `driver`:
    /// - GKE: `pd.csi.storage.gke.io`, `filestore.csi.storage.gke.io`,
    ///   `gcsfuse.csi.storage.gke.io`, `lustre.csi.storage.gke.io`,
    ///   `parallelstore.csi.storage.gke.io`, `secrets-store-gke.csi.k8s.io` and any other
    ///   `*.csi.storage.gke.io`;
    /// - AKS: `disk.csi.azure.com`, `file.csi.azure.com`, `blob.csi.azure.com`,
    ///   `azurelustre.csi.azure.com` and any other `*.csi.azure.com`;
    /// - vSphere and OpenStack: `csi.vsphere.vmware.com`, `cinder.csi.openstack.org`,
    ///   `manila.csi.openstack.org`.
    ///
    /// Other clouds' in-tree provisioners and volume sources (`kubernetes.io/gce-pd`,
    /// `azureDisk`, …) are CSI014 and CSI015's.
    ///
    /// ## Why is this bad?
    /// These drivers talk to their own cloud's storage API and cannot run on EC2, so on EKS no
    /// driver answers to the name: claims of the class stay `Pending`, pods with the volume stay
    /// in `ContainerCreating` (`driver name … not found in the list of registered CSI drivers`),
    /// and the data is still in the other cloud. The help names the AWS driver for the same
    /// kind of storage: EBS for disks, EFS for shared file systems, FSx for Lustre, Mountpoint
    /// for Amazon S3 for bucket mounts.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: fast
    /// provisioner: pd.csi.storage.gke.io
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: pd-ssd
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: fast
    /// provisioner: ebs.csi.aws.com   # EKS Auto Mode: ebs.csi.eks.amazonaws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    /// ```
    ///
    /// ## References
    /// - The drivers' names: kubernetes-sigs/gcp-compute-persistent-disk-csi-driver, kubernetes-sigs/gcp-filestore-csi-driver, GoogleCloudPlatform/gcs-fuse-csi-driver, kubernetes-sigs/azuredisk-csi-driver, kubernetes-sigs/azurefile-csi-driver, kubernetes-sigs/blob-csi-driver
    /// - EKS storage: <https://docs.aws.amazon.com/eks/latest/userguide/storage.html> (EBS, EFS, FSx for Lustre, Mountpoint for Amazon S3 CSI drivers)
    /// - EKS Auto Mode storage: <https://docs.aws.amazon.com/eks/latest/userguide/create-storage-class.html>
    /// - The table: `rules/port/storage.yaml`
    pub struct ForeignCsiDriver {
        code: "PORT014",
        name: "foreign-csi-driver",
        family: Port,
        severity: Error,
        fix: None,
        summary: "Another cloud's CSI driver in a StorageClass, PersistentVolume, inline volume or VolumeSnapshotClass: nothing provisions or mounts it on EKS",
    }
}

impl Rule for ForeignCsiDriver {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let kind = obj.kind_str(tree).unwrap_or("");
        let group = obj.group(tree);
        // (driver value node, where it is named)
        let mut found: Vec<(NodeId, &str)> = Vec::new();
        match (group, kind) {
            ("storage.k8s.io", "StorageClass") => {
                found.extend(obj.get(tree, &["provisioner"]).map(|n| (n, "provisioner")));
            }
            ("", "PersistentVolume") => {
                found.extend(
                    obj.get(tree, &["spec", "csi", "driver"])
                        .map(|n| (n, "volume")),
                );
            }
            ("snapshot.storage.k8s.io", "VolumeSnapshotClass") => {
                found.extend(obj.get(tree, &["driver"]).map(|n| (n, "snapshot class")));
            }
            _ => {}
        }
        for spec in pod_specs(tree, obj) {
            for &v in tree
                .get(spec, "volumes")
                .and_then(|v| tree.items(v))
                .unwrap_or(&[])
            {
                found.extend(
                    tree.path(v, &["csi", "driver"])
                        .map(|n| (n, "inline volume")),
                );
            }
        }
        for (node, place) in found {
            let Some(name) = tree.scalar_text(node) else {
                continue;
            };
            let Some(row) = table::csi_driver(name) else {
                continue;
            };
            let outcome = match place {
                "provisioner" => "claims of this class stay Pending",
                "snapshot class" => "snapshots of this class are never taken",
                _ => "pods that mount the volume stay in ContainerCreating",
            };
            ctx.report(
                tree.span(node),
                format!(
                    "`{name}` is the CSI driver of {} ({}): it cannot run on EKS, so no driver answers to this name and {outcome}",
                    row.service,
                    row.platform.name()
                ),
            )
            .label("no such CSI driver on EKS")
            .help(format!("move the data; {}", super::support::table::eks_help(&row.eks)));
        }
    }
}
