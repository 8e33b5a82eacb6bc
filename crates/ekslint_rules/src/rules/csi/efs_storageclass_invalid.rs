use ekslint_manifest::Object;

use super::support::{Driver, StorageClass};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::go::{parse_go_bool, parse_go_int};

declare_rule! {
    /// ## What it does
    /// Checks an `efs.csi.aws.com` StorageClass the way the EFS driver's CreateVolume does:
    /// - `provisioningMode` is present and `efs-ap` or `s3files-ap`;
    /// - exactly one of `fileSystemId`, `fileSystemIdConfigRef`, `fileSystemIdSecretRef`;
    ///   `fileSystemId` is `fs-` and 8-40 lowercase hex digits; a `*Ref` is
    ///   `namespace/name/key`;
    /// - `uid`/`gid` are integers ≥ 0; `gidRangeStart` and `gidRangeEnd` come together, are
    ///   integers, start > 0 and end > start;
    /// - `reuseAccessPoint`, `enforceZoneAffinity`, `enableTagging` parse as Go booleans;
    ///   `reuseAccessPoint` and `az` are not used with `s3files-ap`;
    /// - `subPathPattern` uses only `${.PV.name}`, `${.PVC.name}`, `${.PVC.namespace}`;
    /// - `csi.storage.k8s.io/fstype` is `efs` or `s3files`.
    ///
    /// EFS keys are case-sensitive and unknown keys are ignored, so `fileSystemID` surfaces as a
    /// missing `fileSystemId`: the message points at the near miss.
    ///
    /// ## Why is this bad?
    /// CreateVolume fails with `InvalidArgument` (`Missing provisioningMode parameter`, `Failed to
    /// parse invalid gid`, `Path specified … contains invalid elements`) and every claim of the
    /// class stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: efs-sc
    /// provisioner: efs.csi.aws.com
    /// parameters:
    ///   fileSystemID: fs-92107410
    ///   gidRangeStart: "1000"
    ///   subPathPattern: "${.PVC.namespace}/${.PVC.uid}"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: efs-sc
    /// provisioner: efs.csi.aws.com
    /// parameters:
    ///   provisioningMode: efs-ap
    ///   fileSystemId: fs-92107410
    ///   directoryPerms: "700"
    ///   gidRangeStart: "1000"
    ///   gidRangeEnd: "2000"
    ///   subPathPattern: "${.PVC.namespace}/${.PVC.name}"
    /// ```
    ///
    /// ## References
    /// - EFS controller: <https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/a4fc67600be60d0f8350dc9459e55ff04e9aa944/pkg/driver/controller.go>
    /// - File system ID lookup: <https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/a4fc67600be60d0f8350dc9459e55ff04e9aa944/pkg/driver/filesystem_id_finder.go>
    /// - EFS parameters: <https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md>
    pub struct EfsStorageclassInvalid {
        code: "CSI009",
        name: "efs-storageclass-invalid",
        family: Csi,
        severity: Error,
        fix: None,
        summary: "An EFS StorageClass that CreateVolume rejects: mode, file system ID, GID range, pattern or boolean",
    }
}

impl Rule for EfsStorageclassInvalid {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let d = Driver::Efs;
        let Some(sc) = StorageClass::of_driver(tree, obj, d) else {
            return;
        };
        if sc.params.is_empty() {
            return; // a class for statically provisioned volumes only: nothing is created
        }
        let parent = obj
            .get(tree, &["parameters"])
            .and_then(|_| tree.get_entry(obj.node, "parameters"))
            .map(|e| tree.span(e.key))
            .unwrap_or_else(|| tree.span(sc.provisioner_node));
        let known: Vec<&str> = d.row().params.iter().map(|p| p.key.as_str()).collect();
        let near_miss = |want: &str| {
            sc.params
                .iter()
                .find(|p| {
                    p.key != want
                        && !known.contains(&p.key)
                        && crate::support::suggest::is_typo_of(p.key, want)
                })
                .copied()
        };
        let missing = |ctx: &mut FileCtx<'_>, want: &str, msg: String| {
            let f = ctx.report(parent, msg);
            f.label(format!("no `{want}`"));
            if let Some(p) = near_miss(want) {
                f.with_label(
                    tree.span(p.key_node),
                    format!("keys are case-sensitive: this is ignored; write `{want}`"),
                );
            }
        };
        let mode = sc.param(d, "provisioningMode");
        let mode_v = mode.and_then(|p| p.value);
        match mode {
            None => missing(ctx, "provisioningMode", "EFS StorageClass without `provisioningMode`: CreateVolume fails with `Missing provisioningMode parameter`".into()),
            Some(p) if !matches!(mode_v, Some("efs-ap" | "s3files-ap")) => {
                ctx.report(tree.span(p.value_node), format!("`provisioningMode: {}` is not supported: only `efs-ap` (EFS access points) or `s3files-ap`", tree.scalar_text(p.value_node).unwrap_or("")))
                    .label("efs-ap or s3files-ap");
            }
            _ => {}
        }
        let ids: Vec<_> = [
            "fileSystemId",
            "fileSystemIdConfigRef",
            "fileSystemIdSecretRef",
        ]
        .iter()
        .filter_map(|k| sc.param(d, k))
        .collect();
        match ids.as_slice() {
            [] => missing(ctx, "fileSystemId", "EFS StorageClass without `fileSystemId` (or `fileSystemIdConfigRef`/`fileSystemIdSecretRef`): CreateVolume cannot find the file system".into()),
            [_] => {}
            [first, rest @ ..] => {
                for p in rest {
                    ctx.report(tree.span(p.key_node), format!("give only one of `fileSystemId`, `fileSystemIdConfigRef`, `fileSystemIdSecretRef`; `{}` is also set", first.key))
                        .label("more than one file system source")
                        .with_label(tree.span(first.key_node), "first source");
                }
            }
        }
        if let Some(p) = sc.param(d, "fileSystemId")
            && let Some(v) = p.value
            && !super::support::is_fs_id(v, "fs-")
            && !crate::support::placeholder::is_placeholder(v)
        {
            ctx.report(
                tree.span(p.value_node),
                format!(
                    "`{v}` is not a file system ID: `fs-` followed by 8 to 40 lowercase hex digits"
                ),
            )
            .label("not fs-<hex>");
        }
        for k in ["fileSystemIdConfigRef", "fileSystemIdSecretRef"] {
            if let Some(p) = sc.param(d, k)
                && let Some(v) = p.value
                && (v.split('/').count() != 3 || v.split('/').any(str::is_empty))
            {
                ctx.report(
                    tree.span(p.value_node),
                    format!("`{k}: {v}` must be `namespace/name/key`"),
                )
                .label("not namespace/name/key");
            }
        }
        let int = |k: &str| {
            sc.param(d, k)
                .map(|p| (p, p.value.map(|v| parse_go_int(v, 64))))
        };
        for k in ["uid", "gid", "gidRangeStart", "gidRangeEnd"] {
            if let Some((p, r)) = int(k) {
                match r {
                    Some(Ok(n)) if n < 0 || (n == 0 && k == "gidRangeStart") => {
                        ctx.report(
                            tree.span(p.value_node),
                            format!(
                                "`{k}` must be {}",
                                if k == "gidRangeStart" {
                                    "greater than 0"
                                } else {
                                    "0 or more"
                                }
                            ),
                        )
                        .label("out of range");
                    }
                    Some(Ok(_)) | None => {}
                    Some(Err(_)) => {
                        ctx.report(tree.span(p.value_node), format!("`{k}` must be an integer: CreateVolume fails with `Failed to parse invalid {k}`"))
                            .label("not an integer");
                    }
                }
            }
        }
        match (int("gidRangeStart"), int("gidRangeEnd")) {
            (Some((p, _)), None) => {
                ctx.report(tree.span(p.key_node), "`gidRangeStart` without `gidRangeEnd`: CreateVolume fails with `Missing gidRangeEnd parameter`").label("add gidRangeEnd");
            }
            (None, Some((p, _))) => {
                ctx.report(tree.span(p.key_node), "`gidRangeEnd` without `gidRangeStart`: CreateVolume fails with `Missing gidRangeStart parameter`").label("add gidRangeStart");
            }
            (Some((s, Some(Ok(a)))), Some((e, Some(Ok(b))))) if b <= a => {
                ctx.report(
                    tree.span(e.value_node),
                    format!("`gidRangeEnd` ({b}) must be greater than `gidRangeStart` ({a})"),
                )
                .label("not above gidRangeStart")
                .with_label(tree.span(s.value_node), "start");
            }
            _ => {}
        }
        for k in ["reuseAccessPoint", "enforceZoneAffinity", "enableTagging"] {
            if let Some(p) = sc.param(d, k)
                && let Some(v) = tree.scalar_text(p.value_node)
                && parse_go_bool(v).is_none()
            {
                ctx.report(tree.span(p.value_node), format!("`{k}: {v}` is not a boolean: CreateVolume fails with `Invalid value for {k} parameter`"))
                    .label("not true/false");
            }
        }
        if mode_v == Some("s3files-ap") {
            for k in ["reuseAccessPoint", "az"] {
                if let Some(p) = sc.param(d, k) {
                    ctx.report(tree.span(p.key_node), format!("`{k}` is only supported for EFS file systems, not with `provisioningMode: s3files-ap`"))
                        .label("EFS only");
                }
            }
        }
        if let Some(p) = sc.param(d, "subPathPattern")
            && let Some(v) = p.value
        {
            let rest = v
                .replace("${.PV.name}", "")
                .replace("${.PVC.name}", "")
                .replace("${.PVC.namespace}", "");
            if rest.contains("${") || rest.contains('}') {
                ctx.report(tree.span(p.value_node), format!("`subPathPattern: {v}` may only use `${{.PV.name}}`, `${{.PVC.name}}` and `${{.PVC.namespace}}`: CreateVolume fails"))
                    .label("unsupported variable");
            }
        }
        if let Some(p) = sc.param(d, "csi.storage.k8s.io/fstype")
            && let Some(v) = p.value
            && !matches!(v, "efs" | "s3files" | "")
        {
            ctx.report(tree.span(p.value_node), format!("EFS volumes are not formatted: fstype `{v}` fails the mount (only `efs` or `s3files`)"))
                .label("not efs");
        }
    }
}
