use super::support::facts::ClassRef;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a claim without `storageClassName` (and without `volumeName`) when no StorageClass
    /// of the input carries `storageclass.kubernetes.io/is-default-class: "true"`.
    ///
    /// ## Why is this bad?
    /// A claim without a class gets the cluster's default class. EKS clusters created on
    /// Kubernetes 1.30 or later have no default: their built-in `gp2` class lost the default
    /// annotation, and EKS Auto Mode creates no class at all. Such a claim stays `Pending` on a
    /// new cluster although it worked on the old one. Name the class, or ship a default class
    /// with the manifests. (`storageClassName: ""` is different: it binds only to
    /// pre-provisioned volumes and is not reported.)
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests:
    ///       storage: 10Gi
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   storageClassName: ebs-gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests:
    ///       storage: 10Gi
    /// ```
    ///
    /// ## References
    /// - EKS 1.30 release notes (gp2 no longer default): <https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-standard.html>
    /// - Default StorageClass: <https://kubernetes.io/docs/concepts/storage/storage-classes/#default-storageclass>
    pub struct ClaimWithoutDefaultClass {
        code: "CSI018",
        name: "claim-without-default-class",
        family: Csi,
        severity: Info,
        fix: None,
        summary: "A claim relies on a default StorageClass, and the input defines none (new EKS clusters have none)",
    }
}

impl Rule for ClaimWithoutDefaultClass {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.csi;
        if facts.defaults().next().is_some() {
            return;
        }
        let mut out = Vec::new();
        for c in &facts.claims {
            if c.class != ClassRef::Absent || c.volume_name.is_some() {
                continue;
            }
            out.push((
                c.class_loc.clone(),
                format!(
                    "claim `{}` has no `storageClassName` and the input defines no default StorageClass: on an EKS cluster created on 1.30 or later it stays Pending",
                    c.display_name()
                ),
            ));
        }
        for (l, msg) in out {
            ctx.report(l.file.clone(), l.span, msg)
                .label("uses the default StorageClass")
                .help("set `storageClassName` (e.g. an ebs.csi.aws.com class), or add a StorageClass annotated `storageclass.kubernetes.io/is-default-class: \"true\"`");
        }
    }
}
