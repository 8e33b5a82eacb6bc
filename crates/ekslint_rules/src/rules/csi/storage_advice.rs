use ekslint_manifest::{NodeId, Object, Tree};

use super::support::facts::Resolved;
use super::support::{Driver, StorageClass, quantity_bytes};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Migration advice for storage:
    /// - an FSx for Lustre claim whose size will be rounded up, with the real size (FSx creates
    ///   1200 GiB, 2400 GiB, then multiples of 3600 GiB for SCRATCH_1; 1200 GiB then multiples
    ///   of 2400 GiB for the other SSD types; multiples of 6000 or 1800 GiB for HDD);
    /// - the deprecated driver-specific topology key `topology.ebs.csi.aws.com/zone` in
    ///   `allowedTopologies` or a PersistentVolume `nodeAffinity`, instead of
    ///   `topology.kubernetes.io/zone`.
    ///
    /// ## Why is this bad?
    /// A `10Gi` FSx claim becomes a 1200 GiB file system, billed as such. The old topology key
    /// still works but is deprecated by the driver.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: fsx-sc
    /// provisioner: fsx.csi.aws.com
    /// parameters:
    ///   subnetId: subnet-0eabfaa81fb22bcaf
    ///   securityGroupIds: sg-068000ccf82dfba88
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: fsx-claim
    /// spec:
    ///   storageClassName: fsx-sc
    ///   accessModes: [ReadWriteMany]
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
    ///   name: fsx-sc
    /// provisioner: fsx.csi.aws.com
    /// parameters:
    ///   subnetId: subnet-0eabfaa81fb22bcaf
    ///   securityGroupIds: sg-068000ccf82dfba88
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: fsx-claim
    /// spec:
    ///   storageClassName: fsx-sc
    ///   accessModes: [ReadWriteMany]
    ///   resources:
    ///     requests:
    ///       storage: 1200Gi
    /// ```
    ///
    /// ## References
    /// - FSx size rounding: <https://github.com/kubernetes-sigs/aws-fsx-csi-driver/blob/5b227125add708cd0b87c76abe1a4c074e71dfc5/pkg/util/util.go#L36-L70>
    /// - EBS topology keys: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md>
    pub struct StorageAdvice {
        code: "CSI013",
        name: "storage-advice",
        family: Csi,
        severity: Info,
        fix: None,
        summary: "Storage migration advice: FSx claims rounded up to the real file system size, the deprecated EBS topology key",
    }
}

const OLD_ZONE_KEY: &str = "topology.ebs.csi.aws.com/zone";

/// FSx rounding (GiB) of a request in bytes.
pub fn fsx_round_gib(bytes: f64, deployment: &str, storage: &str, throughput: Option<i64>) -> i64 {
    let gib = (bytes / 1024f64.powi(3)).max(0.0);
    let units = |unit: f64| (gib / unit).ceil().max(1.0) as i64 * unit as i64;
    if storage == "HDD" {
        return if throughput == Some(12) {
            units(6000.0)
        } else {
            units(1800.0)
        };
    }
    if deployment == "SCRATCH_1" || deployment.is_empty() {
        if gib < 3600.0 {
            units(1200.0)
        } else {
            units(3600.0)
        }
    } else if gib < 2400.0 {
        units(1200.0)
    } else {
        units(2400.0)
    }
}

fn keys_in(tree: &Tree, list: Option<NodeId>, sub: &str, out: &mut Vec<NodeId>) {
    for &t in list.and_then(|l| tree.items(l)).unwrap_or(&[]) {
        for &e in tree.get(t, sub).and_then(|l| tree.items(l)).unwrap_or(&[]) {
            if let Some(k) = tree.get(e, "key")
                && tree.scalar_text(k) == Some(OLD_ZONE_KEY)
            {
                out.push(k);
            }
        }
    }
}

impl Rule for StorageAdvice {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let mut found = Vec::new();
        if StorageClass::of(tree, obj).is_some() {
            keys_in(
                tree,
                obj.get(tree, &["allowedTopologies"]),
                "matchLabelExpressions",
                &mut found,
            );
        } else if obj.kind_str(tree) == Some("PersistentVolume") && obj.group(tree).is_empty() {
            keys_in(
                tree,
                obj.get(
                    tree,
                    &["spec", "nodeAffinity", "required", "nodeSelectorTerms"],
                ),
                "matchExpressions",
                &mut found,
            );
        }
        for k in found {
            ctx.report(tree.span(k), format!("`{OLD_ZONE_KEY}` is the EBS driver's deprecated topology key: use `topology.kubernetes.io/zone`"))
                .label("deprecated topology key");
        }
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.csi;
        let mut out = Vec::new();
        for c in &facts.claims {
            let Resolved::Class(cl) = facts.resolve(c) else {
                continue;
            };
            if cl.driver() != Some(Driver::Fsx) {
                continue;
            }
            let Some((q, l)) = &c.storage else { continue };
            let Some(bytes) = quantity_bytes(q) else {
                continue;
            };
            let deployment = cl.volume_type.as_deref().unwrap_or("SCRATCH_1");
            let real = fsx_round_gib(
                bytes,
                deployment,
                cl.fsx_storage_type.as_deref().unwrap_or("SSD"),
                cl.fsx_throughput,
            );
            if (real as f64 * 1024f64.powi(3) - bytes).abs() < 1.0 {
                continue;
            }
            out.push((l.clone(), format!("claim `{}` asks for {q}, but FSx for Lustre ({deployment}) creates {real} GiB: the request is rounded up and the file system is billed at {real} GiB", c.display_name()), real, cl.loc.clone(), cl.name.clone()));
        }
        for (l, msg, real, cl, name) in out {
            ctx.report(l.file.clone(), l.span, msg)
                .label(format!("becomes {real}Gi"))
                .related(cl.file.clone(), cl.span, format!("StorageClass `{name}`"))
                .help(format!("request `{real}Gi` to make the size explicit"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fsx_round_gib;

    #[test]
    fn rounding() {
        let g = 1024f64.powi(3);
        assert_eq!(fsx_round_gib(10.0 * g, "SCRATCH_1", "SSD", None), 1200);
        assert_eq!(fsx_round_gib(1300.0 * g, "", "SSD", None), 2400);
        assert_eq!(fsx_round_gib(3700.0 * g, "SCRATCH_1", "SSD", None), 7200);
        assert_eq!(fsx_round_gib(2500.0 * g, "PERSISTENT_2", "SSD", None), 4800);
        assert_eq!(
            fsx_round_gib(100.0 * g, "PERSISTENT_1", "HDD", Some(12)),
            6000
        );
        assert_eq!(
            fsx_round_gib(100.0 * g, "PERSISTENT_1", "HDD", Some(40)),
            1800
        );
        assert_eq!(fsx_round_gib(1200.0 * g, "SCRATCH_2", "SSD", None), 1200);
    }
}
