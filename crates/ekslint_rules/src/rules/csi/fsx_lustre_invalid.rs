use ekslint_manifest::Object;

use super::support::table::ParamKind;
use super::support::{Driver, StorageClass};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::go::{parse_go_bool, parse_go_int};

declare_rule! {
    /// ## What it does
    /// Checks FSx for Lustre (`fsx.csi.aws.com`) StorageClasses and static PersistentVolumes:
    /// - `subnetId` and `securityGroupIds` are set; the security group list has no spaces;
    /// - `deploymentType` is `SCRATCH_1`, `SCRATCH_2`, `PERSISTENT_1` or `PERSISTENT_2`;
    ///   `storageType` `SSD`/`HDD`; `storageType: HDD` has `driveCacheType` `NONE` or `READ`;
    ///   `dataCompressionType` `NONE`/`LZ4`; `metadataConfigurationMode` `AUTOMATIC`/`USER_PROVISIONED`;
    /// - `kmsKeyId`, `perUnitStorageThroughput` and `metadataConfigurationMode` only with
    ///   persistent deployment types (SCRATCH_1 is the default);
    /// - `automaticBackupRetentionDays` (0-35), `perUnitStorageThroughput`, `metadataIops` are
    ///   integers; `copyTagsToBackups`, `efaEnabled` are booleans;
    ///   `metadataConfigurationMode: USER_PROVISIONED` has `metadataIops`;
    /// - `s3ExportPath` and `autoImportPolicy` need `s3ImportPath`, in the same bucket;
    /// - `extraTags` items are `key=value`;
    /// - a static PV has `volumeAttributes.dnsname`.
    ///
    /// ## Why is this bad?
    /// CreateVolume or the FSx API fails (`perUnitStorageThroughput must be a number`,
    /// `InvalidArgument`), or the mount fails without a DNS name: the claim stays `Pending` or
    /// the pod in `ContainerCreating`.
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
    ///   securityGroupIds: sg-068000ccf82dfba88, sg-0e2bbb4ad5b7d4e0c
    ///   perUnitStorageThroughput: "200"
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
    ///   securityGroupIds: sg-068000ccf82dfba88,sg-0e2bbb4ad5b7d4e0c
    ///   deploymentType: PERSISTENT_2
    ///   perUnitStorageThroughput: "250"
    /// ```
    ///
    /// ## References
    /// - FSx controller: <https://github.com/kubernetes-sigs/aws-fsx-csi-driver/blob/5b227125add708cd0b87c76abe1a4c074e71dfc5/pkg/driver/controller.go#L183-L310>
    /// - Parameters: <https://github.com/kubernetes-sigs/aws-fsx-csi-driver/blob/master/examples/kubernetes/dynamic_provisioning/README.md>
    /// - Node service (dnsname): <https://github.com/kubernetes-sigs/aws-fsx-csi-driver/blob/5b227125add708cd0b87c76abe1a4c074e71dfc5/pkg/driver/node.go#L107-L117>
    pub struct FsxLustreInvalid {
        code: "CSI012",
        name: "fsx-lustre-invalid",
        family: Csi,
        severity: Error,
        fix: None,
        summary: "An FSx for Lustre StorageClass or static volume that provisioning or mounting rejects",
    }
}

fn bucket(path: &str) -> Option<&str> {
    path.strip_prefix("s3://")
        .map(|r| r.split('/').next().unwrap_or(""))
}

impl Rule for FsxLustreInvalid {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.kind_str(tree) == Some("PersistentVolume") && obj.group(tree).is_empty() {
            let Some(csi) = obj.get(tree, &["spec", "csi"]) else {
                return;
            };
            if tree
                .get(csi, "driver")
                .and_then(|n| tree.scalar_text(n))
                .and_then(Driver::of)
                != Some(Driver::Fsx)
            {
                return;
            }
            if tree.path(csi, &["volumeAttributes", "dnsname"]).is_none() {
                let at = tree
                    .get_entry(csi, "volumeAttributes")
                    .or_else(|| tree.get_entry(csi, "driver"))
                    .map(|e| tree.span(e.key))
                    .unwrap_or_else(|| tree.span(csi));
                ctx.report(at, "static FSx for Lustre volume without `volumeAttributes.dnsname`: the mount fails")
                    .label("no dnsname")
                    .help("add `dnsname: fs-<id>.fsx.<region>.amazonaws.com` (and `mountname`) from `aws fsx describe-file-systems`");
            }
            return;
        }
        let d = Driver::Fsx;
        let Some(sc) = StorageClass::of_driver(tree, obj, d) else {
            return;
        };
        let row = d.row();
        let parent = tree
            .get_entry(obj.node, "parameters")
            .map(|e| tree.span(e.key))
            .unwrap_or_else(|| tree.span(sc.provisioner_node));
        for k in ["subnetId", "securityGroupIds"] {
            if sc.param(d, k).is_none() {
                ctx.report(parent, format!("FSx for Lustre StorageClass without `{k}`: the file system cannot be created"))
                    .label(format!("no {k}"));
            }
        }
        if let Some(p) = sc.param(d, "securityGroupIds")
            && let Some(v) = p.value
            && v.contains(char::is_whitespace)
            && !crate::support::placeholder::is_placeholder(v)
        {
            ctx.report(tree.span(p.value_node), "`securityGroupIds` is split on `,` without trimming: the spaces become part of the IDs and CreateFileSystem fails")
                .label("remove the spaces")
                .help(format!("write `{}`", v.split(',').map(str::trim).collect::<Vec<_>>().join(",")));
        }
        for p in &sc.params {
            let Some(r) = row.param(p.key) else { continue };
            let Some(v) = tree.scalar_text(p.value_node) else {
                continue;
            };
            let span = tree.span(p.value_node);
            match r.kind {
                ParamKind::Enum if !r.values.iter().any(|x| x == v) => {
                    ctx.report(
                        span,
                        format!("`{}: {v}` is not one of {}", p.key, r.values.join(", ")),
                    )
                    .label("unknown value");
                }
                ParamKind::Int64 if parse_go_int(v, 64).is_err() => {
                    ctx.report(span, format!("`{}` must be an integer: CreateVolume fails with `{} must be a number`", p.key, p.key)).label("not an integer");
                }
                ParamKind::BoolGo if parse_go_bool(v).is_none() => {
                    ctx.report(
                        span,
                        format!(
                            "`{}` must be a boolean: CreateVolume fails with `{} must be a bool`",
                            p.key, p.key
                        ),
                    )
                    .label("not true/false");
                }
                _ => {}
            }
        }
        if let Some(p) = sc.param(d, "automaticBackupRetentionDays")
            && let Some(Ok(n)) = p.value.map(|v| parse_go_int(v, 64))
            && !(0..=35).contains(&n)
        {
            ctx.report(
                tree.span(p.value_node),
                format!("`automaticBackupRetentionDays` must be 0 to 35, not {n}"),
            )
            .label("0-35");
        }
        let deployment = sc.value(d, "deploymentType").unwrap_or("SCRATCH_1");
        let dep_span = sc
            .param(d, "deploymentType")
            .map(|p| tree.span(p.value_node));
        if deployment.starts_with("SCRATCH") {
            for p in &sc.params {
                if let Some(r) = row.param(p.key)
                    && !r.applies_to.is_empty()
                    && !r.applies_to.iter().any(|a| a == deployment)
                {
                    let f = ctx.report(tree.span(p.key_node), format!("`{}` applies only to {} file systems, and this class creates {deployment}{}", p.key, r.applies_to.join("/"), if dep_span.is_none() { " (the default)" } else { "" }));
                    f.label(format!("not for {deployment}"));
                    if let Some(s) = dep_span {
                        f.with_label(s, "deployment type");
                    }
                }
            }
        }
        if sc.value(d, "storageType") == Some("HDD") && sc.param(d, "driveCacheType").is_none() {
            let p = sc.param(d, "storageType").expect("present");
            ctx.report(
                tree.span(p.value_node),
                "`storageType: HDD` needs `driveCacheType` (`NONE` or `READ`)",
            )
            .label("no driveCacheType");
        }
        if sc.value(d, "metadataConfigurationMode") == Some("USER_PROVISIONED")
            && sc.param(d, "metadataIops").is_none()
        {
            let p = sc.param(d, "metadataConfigurationMode").expect("present");
            ctx.report(
                tree.span(p.value_node),
                "`metadataConfigurationMode: USER_PROVISIONED` needs `metadataIops`",
            )
            .label("no metadataIops");
        }
        let import = sc.param(d, "s3ImportPath");
        for k in ["s3ExportPath", "autoImportPolicy"] {
            if let Some(p) = sc.param(d, k)
                && import.is_none()
            {
                ctx.report(tree.span(p.key_node), format!("`{k}` needs `s3ImportPath`"))
                    .label("no s3ImportPath");
            }
        }
        if let (Some(i), Some(e)) = (import, sc.param(d, "s3ExportPath"))
            && let (Some(bi), Some(be)) = (i.value.and_then(bucket), e.value.and_then(bucket))
            && bi != be
        {
            ctx.report(
                tree.span(e.value_node),
                format!("`s3ExportPath` must be in the import bucket `{bi}`, not `{be}`"),
            )
            .label("different bucket")
            .with_label(tree.span(i.value_node), "import path");
        }
        if let Some(p) = sc.param(d, "extraTags")
            && let Some(v) = p.value
            && let Some(bad) = v.split(',').find(|t| t.matches('=').count() != 1)
        {
            ctx.report(
                tree.span(p.value_node),
                format!("`extraTags` item `{bad}` is not `key=value`: CreateVolume fails"),
            )
            .label("write Tag1=Value1,Tag2=Value2");
        }
    }
}
