use super::support::facts::{ClassRef, EKS_BUILTIN_CLASS};
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a claim (PersistentVolumeClaim, StatefulSet `volumeClaimTemplates`, generic
    /// ephemeral volume) whose `storageClassName` names a StorageClass that the input does not
    /// define, when the input defines StorageClasses at all. `gp2` is never reported: every EKS
    /// cluster has it.
    ///
    /// When the input has no StorageClass, the classes are managed elsewhere (add-on, cluster
    /// bootstrap) and the rule stays silent; pass them with `--context` to check the names.
    ///
    /// ## Why is this bad?
    /// A claim whose class does not exist stays `Pending` forever with `storageclass.storage.k8s.io
    /// "<name>" not found`. The class names another platform creates (`standard-rwo`,
    /// `managed-csi`, `azurefile-csi`, …) are PORT015's, which names the AWS class to use.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: ebs-gp3
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   storageClassName: ebs-gp
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests:
    ///       storage: 10Gi
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: ebs-gp3
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// ---
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
    /// - Storage classes: <https://kubernetes.io/docs/concepts/storage/storage-classes/>
    /// - EKS storage classes: <https://docs.aws.amazon.com/eks/latest/userguide/create-storage-class.html>
    pub struct ClaimStorageclassMissing {
        code: "CSI017",
        name: "claim-storageclass-missing",
        family: Csi,
        severity: Warning,
        fix: None,
        summary: "A claim names a StorageClass that the input's StorageClasses do not include",
    }
}

impl Rule for ClaimStorageclassMissing {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.csi;
        if facts.classes.is_empty() {
            return;
        }
        let mut known: Vec<&str> = facts.classes.iter().map(|c| &*c.name).collect();
        known.sort_unstable();
        known.dedup();
        let mut out = Vec::new();
        for c in &facts.claims {
            let ClassRef::Named(n) = &c.class else {
                continue;
            };
            // Classes another platform creates (standard-rwo, managed-csi, …) are PORT015's.
            if &**n == EKS_BUILTIN_CLASS
                || facts.has_class(n)
                || crate::rules::port::support::table::foreign_class_name(n).is_some()
            {
                continue;
            }
            out.push((
                c.class_loc.clone(),
                format!(
                    "claim `{}` asks for StorageClass `{n}`, which the input does not define: the claim stays Pending unless the cluster has it",
                    c.display_name()
                ),
                format!("defined classes: {}", known.join(", ")),
                crate::support::suggest::closest(n, known.iter().copied()).map(str::to_string),
            ));
        }
        for (l, msg, help, dym) in out {
            let f = ctx.report(l.file.clone(), l.span, msg);
            f.label("no such StorageClass in the input");
            f.help(match dym {
                Some(d) => format!("did you mean `{d}`? ({help})"),
                None => help,
            });
        }
    }
}
