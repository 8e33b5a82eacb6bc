use ekslint_manifest::Object;

use super::support::table::ParamKind;
use super::support::{Driver, StorageClass};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Checks the file system and tagging parameters of an `ebs.csi.aws.com` StorageClass:
    /// - `csi.storage.k8s.io/fstype` is one of `ext4` (default), `xfs`, `ext3`, `ntfs`;
    /// - formatting options fit the file system: `ext4BigAlloc`, `ext4ClusterSize` and
    ///   `ext4EncryptionSupport` only on ext4; `bytesPerInode` and `numberOfInodes` not on xfs;
    ///   no formatting option on ntfs; `ext4ClusterSize` needs `ext4BigAlloc: "true"`;
    ///   sizes and counts are letters and digits only;
    /// - `tagSpecification_<N>` values are `key=value` and do not use a reserved key
    ///   (`CSIVolumeName`, `CSIVolumeSnapshotName`, `ebs.csi.aws.com/cluster-name`, `kubernetes.io/…`,
    ///   `ebs.csi.aws.com/…`).
    ///
    /// ## Why is this bad?
    /// The driver fails CreateVolume (`Cannot use ext4BigAlloc with fstype xfs`, `Could not parse
    /// blockSize`, `tag key 'CSIVolumeName' is reserved`) and the claim stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: xfs-tuned
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   csi.storage.k8s.io/fstype: xfs
    ///   numberOfInodes: "1000000"
    ///   tagSpecification_1: "CSIVolumeName=data"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: ext4-tuned
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   csi.storage.k8s.io/fstype: ext4
    ///   numberOfInodes: "1000000"
    ///   tagSpecification_1: "team=data"
    /// ```
    ///
    /// ## References
    /// - File system configs: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/429e202e589798e55c0f8ddcc81b2850b7f000d0/pkg/driver/constants.go#L218-L260>
    /// - Reserved tags: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/429e202e589798e55c0f8ddcc81b2850b7f000d0/pkg/driver/validation.go#L45-L70>
    /// - Tagging: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/tagging.md>
    pub struct EbsFilesystemOptions {
        code: "CSI005",
        name: "ebs-filesystem-options",
        family: Csi,
        severity: Error,
        fix: None,
        summary: "An EBS fstype, formatting option or tag specification that CreateVolume rejects",
    }
}

const CHECKED_FS: &[&str] = &["ext3", "ext4", "xfs", "ntfs"];

impl Rule for EbsFilesystemOptions {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let d = Driver::Ebs;
        let Some(sc) = StorageClass::of_driver(tree, obj, d) else {
            return;
        };
        let row = d.row();
        let fs_param = sc.param(d, "csi.storage.k8s.io/fstype");
        let mut fstype = "ext4";
        if let Some(p) = fs_param
            && let Some(v) = p.value
        {
            let allowed = &row
                .param("csi.storage.k8s.io/fstype")
                .expect("fstype row")
                .values;
            if allowed.iter().any(|a| a == v) {
                fstype = v;
            } else {
                let f = ctx.report(
                    tree.span(p.value_node),
                    format!("`{v}` is not a file system the EBS CSI driver formats (ext4, xfs, ext3, ntfs): the volume cannot be staged"),
                );
                f.label("unsupported fstype");
                if allowed.iter().any(|a| a.eq_ignore_ascii_case(v)) {
                    f.help(format!(
                        "file system names are lowercase: `{}`",
                        v.to_ascii_lowercase()
                    ));
                }
                fstype = "";
            }
        } else if let Some(v) = sc.value(d, "fstype") {
            fstype = v;
        }
        let fs_span = fs_param.map(|p| tree.span(p.value_node));
        for p in &sc.params {
            let Some(prow) = row.param(p.key) else {
                continue;
            };
            if prow.fstypes.is_empty() {
                continue;
            }
            if prow.kind == ParamKind::Alnum
                && let Some(v) = p.value
                && (v.is_empty() || !v.chars().all(|c| c.is_ascii_alphanumeric()))
            {
                ctx.report(tree.span(p.value_node), format!("`{}: {v}` must be letters and digits only: CreateVolume fails with `Could not parse {}`", p.key, prow.key))
                    .label("not alphanumeric");
            }
            if CHECKED_FS.contains(&fstype) && !prow.fstypes.iter().any(|f| f == fstype) {
                let f = ctx.report(
                    tree.span(p.key_node),
                    format!("`{}` cannot be used with fstype {fstype} (only {}): CreateVolume fails with `Cannot use {} with fstype {fstype}`", p.key, prow.fstypes.join(", "), prow.key.to_ascii_lowercase()),
                );
                f.label(format!("not for {fstype}"));
                if let Some(s) = fs_span {
                    f.with_label(s, "file system");
                }
            }
        }
        if let Some(p) = sc.param(d, "ext4ClusterSize")
            && sc.value(d, "ext4BigAlloc") != Some("true")
        {
            ctx.report(
                tree.span(p.key_node),
                "`ext4ClusterSize` needs `ext4BigAlloc: \"true\"`: without it CreateVolume fails",
            )
            .label("ext4BigAlloc is not \"true\"");
        }
        let prefix = row.tag_prefix.as_deref().unwrap_or("tagSpecification");
        for p in &sc.params {
            if !p.key.starts_with(prefix) {
                continue;
            }
            let Some(v) = p.value else { continue };
            let span = tree.span(p.value_node);
            let Some((k, _)) = v.split_once('=') else {
                ctx.report(span, format!("`{}: {v}` is not `key=value`: the driver cannot parse the tag and CreateVolume fails", p.key))
                    .label("no `=`")
                    .help(format!("write `{}: \"{v}=\"` for an empty value, or `key=value`", p.key));
                continue;
            };
            let k = k.trim();
            if k.contains("{{") {
                continue;
            }
            let reserved = row.reserved_tag_keys.iter().any(|r| r == k)
                || row
                    .reserved_tag_prefixes
                    .iter()
                    .any(|r| k.starts_with(r.as_str()));
            if reserved {
                ctx.report(span, format!("the tag key `{k}` is reserved by the EBS CSI driver: CreateVolume fails (unless the driver runs with --warn-on-invalid-tag, which drops the tag)"))
                    .label("reserved tag key")
                    .help("choose another key; keys CSIVolumeName, CSIVolumeSnapshotName, ebs.csi.aws.com/cluster-name and the prefixes kubernetes.io/ and ebs.csi.aws.com/ belong to the driver");
            }
        }
    }
}
