use ekslint_manifest::Object;

use super::support::table::OnEks;
use super::support::{table, volume_sources};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports in-tree volume sources in Pods, pod templates and PersistentVolumes that cannot
    /// work on EKS, with the release that removed the in-tree driver:
    /// - another cloud's storage, redirected by CSI migration to that cloud's CSI driver:
    ///   `gcePersistentDisk` (1.28), `azureDisk` (1.27), `azureFile` (1.30), `cinder` (1.26),
    ///   `vsphereVolume` (1.30);
    /// - removed plugins that no longer work at all: `cephfs` and `rbd` (1.31), `glusterfs`
    ///   (1.26), `flocker`, `quobyte`, `storageos` (1.25), `scaleIO` (1.22),
    ///   `photonPersistentDisk` (1.16), and `gitRepo` (disabled after 1.35).
    ///
    /// `awsElasticBlockStore` and `portworxVolume` still work through CSI migration and are
    /// reported by CSI016 instead. A `csi` volume of another cloud's driver
    /// (`gcsfuse.csi.storage.gke.io`, `file.csi.azure.com`, …) is PORT014's.
    ///
    /// ## Why is this bad?
    /// The API still accepts the fields, so `kubectl apply` succeeds, but the kubelet cannot
    /// mount the volume and the pod stays in `ContainerCreating`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx
    ///   volumes:
    ///     - name: data
    ///       gcePersistentDisk:
    ///         pdName: web-data
    ///         fsType: ext4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim:
    ///         claimName: web-data   # a claim of an ebs.csi.aws.com StorageClass
    /// ```
    ///
    /// ## References
    /// - Removed volume types: <https://kubernetes.io/docs/reference/storage/volume-types/>
    /// - The table: `rules/csi/in-tree.yaml`
    pub struct InTreeVolumeSource {
        code: "CSI015",
        name: "in-tree-volume-source",
        family: Csi,
        severity: Error,
        fix: None,
        summary: "An in-tree volume source of another cloud or of a removed plugin in a Pod, pod template or PersistentVolume",
    }
}

impl Rule for InTreeVolumeSource {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for v in volume_sources(tree, obj) {
            let Some(p) = table::plugin_by_field(v.field) else {
                continue;
            };
            let span = tree.span(v.key);
            match p.eks {
                OnEks::OtherCloud => {
                    let csi = p.csi_driver.as_deref().unwrap_or("its CSI driver");
                    ctx.report(
                        span,
                        format!(
                            "`{}` is another cloud's in-tree volume (in-tree driver removed in Kubernetes {}): CSI migration hands it to `{csi}`, which cannot attach it on EKS",
                            v.field, p.removed_in
                        ),
                    )
                    .label("not usable on EKS")
                    .help("copy the data to EBS or EFS and mount it through a PersistentVolumeClaim of an ebs.csi.aws.com or efs.csi.aws.com StorageClass");
                }
                OnEks::Removed if ctx.target >= p.removed() => {
                    let target = ctx.target;
                    let f = ctx.report(
                        span,
                        format!(
                            "the `{}` volume plugin was removed from Kubernetes in {} (the target is {target}): the volume cannot be mounted",
                            v.field, p.removed_in
                        ),
                    );
                    f.label(format!("removed in {}", p.removed_in));
                    f.help(p.note.clone().unwrap_or_else(|| {
                        "move the data to an AWS CSI driver (EBS, EFS or FSx for Lustre) and mount it through a PersistentVolumeClaim".to_string()
                    }));
                }
                _ => {}
            }
        }
    }
}
