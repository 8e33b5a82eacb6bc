use ekslint_manifest::Object;

use super::support::table::ParamKind;
use super::support::{Driver, StorageClass, quoted, table};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports StorageClass `parameters` that provisioning rejects:
    /// - a key the EBS CSI driver does not know (the driver compares keys case-insensitively;
    ///   only the `tagSpecification_<N>` prefix is case-sensitive), including the in-tree
    ///   `zone`/`zones` keys left behind when `provisioner` was switched to `ebs.csi.aws.com`;
    /// - for any CSI driver, a `csi.storage.k8s.io/` key that is not one of the reserved keys
    ///   the external-provisioner sidecar knows (exact spelling: `csi.storage.k8s.io/fsType` is
    ///   wrong);
    /// - a value that is not a string (`iops: 3000`, `encrypted: true` without quotes).
    ///
    /// ## Why is this bad?
    /// The EBS driver answers `Invalid parameter key <key> for CreateVolume` and the
    /// external-provisioner fails on an unknown reserved key: every claim of the class stays
    /// `Pending`, retried forever. `parameters` is a map of strings, so an unquoted number or
    /// boolean makes `kubectl apply` fail with `cannot unmarshal number into Go struct field
    /// StorageClass.parameters of type string`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: ebs-io2
    /// provisioner: ebs.csi.aws.com
    /// parameters:
    ///   csi.storage.k8s.io/fsType: xfs
    ///   type: io2
    ///   iops: 4000
    ///   zone: us-east-1a
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: ebs-io2
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   csi.storage.k8s.io/fstype: xfs
    ///   type: io2
    ///   iops: "4000"
    /// allowedTopologies:
    ///   - matchLabelExpressions:
    ///       - key: topology.kubernetes.io/zone
    ///         values: [us-east-1a]
    /// ```
    ///
    /// ## Fix safety
    /// Quoting a value and correcting the case of a reserved key keep the author's meaning: safe.
    ///
    /// ## References
    /// - EBS parameter loop: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/429e202e589798e55c0f8ddcc81b2850b7f000d0/pkg/driver/controller.go#L141-L229>
    /// - EBS parameters: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md>
    /// - Reserved keys (`removePrefixedParameters`): <https://github.com/kubernetes-csi/external-provisioner/blob/master/pkg/controller/controller.go>
    /// - The table: `rules/csi/drivers.yaml`
    pub struct StorageclassInvalidParameter {
        code: "CSI001",
        name: "storageclass-invalid-parameter",
        family: Csi,
        severity: Error,
        fix: Sometimes,
        safety: Safe,
        summary: "A StorageClass parameter key the driver rejects, or a parameter value that is not a string",
    }
}

impl Rule for StorageclassInvalidParameter {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(sc) = StorageClass::of(tree, obj) else {
            return;
        };
        let driver = sc.driver();
        let in_tree = sc.provisioner.starts_with("kubernetes.io/");
        let reserved = &table::DRIVERS.reserved_prefix;
        for p in &sc.params {
            // Values: a map of strings.
            if p.value.is_none() && !tree.is_null(p.value_node) {
                let owned_by_bool_rule = driver == Some(Driver::Ebs)
                    && Driver::Ebs
                        .row()
                        .param(p.key)
                        .is_some_and(|r| r.kind == ParamKind::BoolExact)
                    && !matches!(tree.scalar_text(p.value_node), Some("true" | "false"));
                if !owned_by_bool_rule {
                    let span = tree.span(p.value_node);
                    let ty = tree.type_name(p.value_node);
                    let f = ctx.report(
                        span,
                        format!(
                            "StorageClass parameter `{}` is a {ty}; parameters are strings, so the API server rejects the StorageClass",
                            p.key
                        ),
                    );
                    f.label(format!("{ty}, not a string"));
                    if let Some(text) = tree.scalar_text(p.value_node) {
                        f.help(format!("quote it: {}", quoted(text)));
                        f.fix(Fix {
                            title: format!("quote `{text}`"),
                            edits: vec![Edit {
                                span,
                                replacement: quoted(text),
                            }],
                            applicability: Applicability::Safe,
                        });
                    }
                }
            }
            // Reserved prefix: external-provisioner of every CSI driver.
            if !in_tree && p.key.starts_with(&reserved.prefix) {
                if reserved.keys.iter().any(|k| k == p.key) {
                    continue;
                }
                let span = tree.span(p.key_node);
                let exact = reserved.keys.iter().find(|k| k.eq_ignore_ascii_case(p.key));
                let f = ctx.report(
                    span,
                    format!(
                        "`{}` is not a reserved `{}` key: the external-provisioner fails provisioning and every claim of this class stays Pending",
                        p.key, reserved.prefix
                    ),
                );
                match exact {
                    Some(k) => {
                        f.label(format!("the key is case-sensitive: `{k}`"));
                        f.fix(Fix {
                            title: format!("rename to `{k}`"),
                            edits: vec![Edit {
                                span,
                                replacement: k.clone(),
                            }],
                            applicability: Applicability::Safe,
                        });
                    }
                    None => {
                        f.label("unknown reserved key");
                        if p.key.contains("/pvc/") || p.key.contains("/pv/") {
                            f.help("`csi.storage.k8s.io/pvc/name`, `/pvc/namespace` and `/pv/name` are added by the sidecar (`--extra-create-metadata`); do not set them");
                        } else if let Some(k) = crate::support::suggest::closest(
                            p.key,
                            reserved.keys.iter().map(String::as_str),
                        ) {
                            f.help(format!("did you mean `{k}`?"));
                        }
                    }
                }
                continue;
            }
            if driver != Some(Driver::Ebs) || p.key.starts_with(&reserved.prefix) {
                continue;
            }
            let row = Driver::Ebs.row();
            let tag_prefix = row.tag_prefix.as_deref().unwrap_or("tagSpecification");
            if row.param(p.key).is_some() || p.key.starts_with(tag_prefix) {
                continue;
            }
            let span = tree.span(p.key_node);
            let f = ctx.report(
                span,
                format!(
                    "the EBS CSI driver does not know the parameter `{}`: CreateVolume fails with `Invalid parameter key {} for CreateVolume` and every claim of this class stays Pending",
                    p.key, p.key
                ),
            );
            f.label("unknown EBS parameter");
            let lower = p.key.to_ascii_lowercase();
            if lower == "zone" || lower == "zones" {
                f.help("`zone`/`zones` are parameters of the in-tree `kubernetes.io/aws-ebs` provisioner; with ebs.csi.aws.com use `allowedTopologies` on `topology.kubernetes.io/zone` and `volumeBindingMode: WaitForFirstConsumer`");
            } else if lower.starts_with(&tag_prefix.to_ascii_lowercase()) {
                f.help(format!(
                    "the `{tag_prefix}` prefix is case-sensitive: write `{tag_prefix}_1: \"key=value\"`"
                ));
                let fixed = format!("{tag_prefix}{}", &p.key[tag_prefix.len()..]);
                f.fix(Fix {
                    title: format!("rename to `{fixed}`"),
                    edits: vec![Edit {
                        span,
                        replacement: fixed,
                    }],
                    applicability: Applicability::Safe,
                });
            } else if let Some(k) =
                crate::support::suggest::closest(p.key, row.params.iter().map(|r| r.key.as_str()))
            {
                f.help(format!("did you mean `{k}`?"));
            } else {
                f.help("known keys: type, iops, iopsPerGB, throughput, encrypted, kmsKeyId, csi.storage.k8s.io/fstype, blockSize, inodeSize, bytesPerInode, numberOfInodes, ext4BigAlloc, ext4ClusterSize, ext4EncryptionSupport, allowAutoIOPSPerGBIncrease, allowAutoIOPSIncreaseOnModify, volumeInitializationRate, blockAttachUntilInitialized, tagSpecification_<N>");
            }
        }
    }
}
