use super::support::table;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::rules::csi::support::facts::ClassRef;

declare_rule! {
    /// ## What it does
    /// Reports a claim (PersistentVolumeClaim, StatefulSet `volumeClaimTemplates`, generic
    /// ephemeral volume) whose `storageClassName` is a class another platform creates for you,
    /// when the input defines no StorageClass of that name:
    /// - GKE: `standard-rwo`, `premium-rwo`, the Filestore classes (`standard-rwx`,
    ///   `premium-rwx`, `enterprise-rwx`, `enterprise-multishare-rwx`, `zonal-rwx`), `standard`;
    /// - AKS: `managed-csi`, `managed-csi-premium`, `azurefile-csi`, `azurefile-csi-premium`,
    ///   `azureblob-nfs-premium`, `azureblob-fuse-premium` and the older `default`, `managed`,
    ///   `managed-premium`, `azurefile`, `azurefile-premium`;
    /// - OpenShift: `thin`, `thin-csi`, `standard-csi`, `gp2-csi`, `gp3-csi`, the OpenShift Data
    ///   Foundation classes;
    /// - local clusters: `hostpath`, `microk8s-hostpath`, `local-path`.
    ///
    /// CSI017 reports the other names a claim uses that the input does not define.
    ///
    /// ## Why is this bad?
    /// An EKS cluster creates only the `gp2` class (and EKS Auto Mode none), so the claim waits
    /// for a class that does not exist and stays `Pending` (`storageclass.storage.k8s.io
    /// "standard-rwo" not found`). A warning rather than an error because you may create a class
    /// of that name on the new cluster (with an AWS provisioner); pass it with `--context` and
    /// the finding goes away. A file-share class (`*-rwx`, `azurefile-*`) needs EFS: EBS cannot
    /// be mounted `ReadWriteMany`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   storageClassName: premium-rwo
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests:
    ///       storage: 50Gi
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests:
    ///       storage: 50Gi
    /// ```
    ///
    /// ## References
    /// - GKE's classes: <https://cloud.google.com/kubernetes-engine/docs/how-to/persistent-volumes/gce-pd-csi-driver>, <https://cloud.google.com/filestore/docs/csi-driver>
    /// - AKS's classes: MicrosoftDocs/azure-docs `articles/aks/concepts-storage.md`
    /// - EKS creates only `gp2`: <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi-migration-faq.html>; Auto Mode creates none: <https://docs.aws.amazon.com/eks/latest/userguide/create-storage-class.html>
    /// - The table: `rules/port/storage.yaml`
    pub struct ForeignStorageClassName {
        code: "PORT015",
        name: "foreign-storage-class-name",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "A claim names a StorageClass that another platform creates (standard-rwo, managed-csi, azurefile-csi, …) and the input does not define",
    }
}

impl Rule for ForeignStorageClassName {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let csi = &ctx.index.csi;
        let mut out = Vec::new();
        for c in &csi.claims {
            let ClassRef::Named(name) = &c.class else {
                continue;
            };
            let Some(row) = table::foreign_class_name(name) else {
                continue;
            };
            if csi.has_class(name) {
                continue;
            }
            out.push((
                c.class_loc.clone(),
                format!(
                    "claim `{}` asks for `{name}`, {}; EKS creates only `gp2`, and the input defines no `{name}`, so the claim stays Pending",
                    c.display_name(),
                    row.what
                ),
                format!(
                    "use {}, or create a StorageClass named `{name}` with an AWS provisioner on the new cluster",
                    row.eks
                ),
            ));
        }
        for (loc, message, help) in out {
            ctx.report(loc.file, loc.span, message)
                .label("no such StorageClass on EKS")
                .help(help);
        }
    }
}
