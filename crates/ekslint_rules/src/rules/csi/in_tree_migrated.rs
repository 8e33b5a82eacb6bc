use ekslint_manifest::Object;

use super::support::table::OnEks;
use super::support::{StorageClass, table, volume_sources};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports the in-tree EBS provisioner `kubernetes.io/aws-ebs` and the in-tree
    /// `awsElasticBlockStore` volume source (and likewise Portworx's `kubernetes.io/portworx-volume`
    /// and `portworxVolume`), with the CSI equivalent to migrate to.
    ///
    /// ## Why is this bad?
    /// The in-tree EBS driver was removed upstream in Kubernetes 1.27. On EKS (1.23 and later)
    /// these objects work only because CSI migration hands every operation to `ebs.csi.aws.com`:
    /// the EBS CSI driver add-on must be installed with its own IAM permissions, or provisioning
    /// and attaching stop. The in-tree names are no longer supported, and the in-tree class
    /// parameters (`fsType`, `zone`, `zones`) differ from the CSI ones. New classes should use the
    /// CSI driver directly (and `gp3`, its default, is cheaper than `gp2`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp2
    /// provisioner: kubernetes.io/aws-ebs
    /// parameters:
    ///   type: gp2
    ///   fsType: ext4
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
    /// allowVolumeExpansion: true
    /// parameters:
    ///   type: gp3
    ///   csi.storage.k8s.io/fstype: ext4
    /// ```
    ///
    /// For a volume, replace `awsElasticBlockStore: {volumeID: vol-…}` in a PersistentVolume with
    /// `csi: {driver: ebs.csi.aws.com, volumeHandle: vol-…, fsType: ext4}` plus a `nodeAffinity`
    /// on `topology.kubernetes.io/zone`; a Pod mounts the volume through a claim of that
    /// PersistentVolume (the EBS CSI driver has no inline volumes).
    ///
    /// ## Fix safety
    /// For a `kubernetes.io/aws-ebs` StorageClass without `zone`/`zones`, the fix changes the
    /// provisioner to `ebs.csi.aws.com` and `fsType` to `csi.storage.k8s.io/fstype` (the other
    /// parameters mean the same to the CSI driver). Unsafe: the provisioner of an existing class
    /// cannot be changed (delete and recreate the class; bound volumes keep working), and a class
    /// without `type` gets gp3 volumes from the CSI driver where the in-tree plugin made gp2.
    /// `zone`/`zones` become `allowedTopologies`, which needs review: no fix then.
    ///
    /// ## References
    /// - EKS CSI migration FAQ: <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi-migration-faq.html>
    /// - Removed volume types: <https://kubernetes.io/docs/reference/storage/volume-types/>
    /// - EBS static provisioning example: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/examples/kubernetes/static-provisioning/manifests/pv.yaml>
    pub struct InTreeMigrated {
        code: "CSI016",
        name: "in-tree-migrated",
        family: Csi,
        severity: Warning,
        fix: Sometimes,
        safety: Unsafe,
        summary: "The in-tree EBS (or Portworx) provisioner or volume source: works only through CSI migration, migrate to the CSI driver",
    }
}

impl Rule for InTreeMigrated {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if let Some(sc) = StorageClass::of(tree, obj)
            && let Some(p) = table::plugin_by_provisioner(sc.provisioner)
            && p.eks == OnEks::Migrate
        {
            let csi = p.csi_driver.as_deref().unwrap_or("");
            let text = ctx.text();
            let f = ctx.report(
                tree.span(sc.provisioner_node),
                format!(
                    "`{}` is the in-tree provisioner (removed upstream in Kubernetes {}): on EKS it works only through CSI migration to `{csi}`, which must be installed",
                    sc.provisioner, p.removed_in
                ),
            );
            f.label(format!("migrate to `{csi}`"));
            if csi == "ebs.csi.aws.com" {
                let mut steps = vec![
                    "create a class with `provisioner: ebs.csi.aws.com` and `volumeBindingMode: WaitForFirstConsumer` (the provisioner of an existing class cannot be changed)".to_string(),
                ];
                for q in &sc.params {
                    match q.key.to_ascii_lowercase().as_str() {
                        "fstype" => steps.push(format!("`{}` → `csi.storage.k8s.io/fstype`", q.key)),
                        "zone" | "zones" => steps.push(format!(
                            "`{}` → `allowedTopologies` on `topology.kubernetes.io/zone`",
                            q.key
                        )),
                        "type" if q.value == Some("gp2") => {
                            steps.push("`type: gp2` → consider `gp3` (the CSI default: cheaper, 3000 IOPS baseline)".into())
                        }
                        _ => {}
                    }
                }
                f.help(steps.join("; "));
                // The same class on the CSI driver, when every parameter maps one to one. Unsafe:
                // an existing class's provisioner cannot change (recreate it), and without a
                // `type` the CSI driver creates gp3 where the in-tree plugin created gp2.
                let zoned = sc
                    .params
                    .iter()
                    .any(|q| matches!(q.key.to_ascii_lowercase().as_str(), "zone" | "zones"));
                if !zoned {
                    let prov_span = tree.span(sc.provisioner_node);
                    let quote = text[prov_span.range()]
                        .chars()
                        .next()
                        .filter(|c| *c == '"' || *c == '\'');
                    let q = quote.map(String::from).unwrap_or_default();
                    let mut edits = vec![crate::finding::Edit {
                        span: prov_span,
                        replacement: format!("{q}ebs.csi.aws.com{q}"),
                    }];
                    for p in sc
                        .params
                        .iter()
                        .filter(|p| p.key.eq_ignore_ascii_case("fstype"))
                    {
                        let ks = tree.span(p.key_node);
                        let kq = text[ks.range()]
                            .chars()
                            .next()
                            .filter(|c| *c == '"' || *c == '\'')
                            .map(String::from)
                            .unwrap_or_default();
                        edits.push(crate::finding::Edit {
                            span: ks,
                            replacement: format!("{kq}csi.storage.k8s.io/fstype{kq}"),
                        });
                    }
                    f.fix(crate::finding::Fix {
                        title: "Provision with ebs.csi.aws.com (recreate the class; without `type`, volumes become gp3)".to_string(),
                        edits,
                        applicability: crate::finding::Applicability::Unsafe,
                    });
                }
            }
        }
        for v in volume_sources(tree, obj) {
            let Some(p) = table::plugin_by_field(v.field) else {
                continue;
            };
            if p.eks != OnEks::Migrate {
                continue;
            }
            let csi = p.csi_driver.as_deref().unwrap_or("");
            let f = ctx.report(
                tree.span(v.key),
                format!(
                    "`{}` is an in-tree volume (driver removed upstream in Kubernetes {}): on EKS it works only through CSI migration to `{csi}`, which must be installed",
                    v.field, p.removed_in
                ),
            );
            f.label(format!("migrate to `{csi}`"));
            if v.field == "awsElasticBlockStore" {
                let id = tree
                    .get(v.value, "volumeID")
                    .and_then(|n| tree.scalar_text(n))
                    .unwrap_or("vol-…");
                let id = id.rsplit('/').next().unwrap_or(id);
                f.help(if v.in_pv {
                    format!("replace it with `csi: {{driver: ebs.csi.aws.com, volumeHandle: {id}}}` and a `nodeAffinity` on `topology.kubernetes.io/zone` for the volume's zone")
                } else {
                    format!("the EBS CSI driver has no inline volumes: create a PersistentVolume with `csi: {{driver: ebs.csi.aws.com, volumeHandle: {id}}}`, a claim bound to it, and mount the claim")
                });
            }
        }
    }
}
