use ekslint_manifest::Object;

use super::support::Driver;
use super::support::is_fs_id;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::go::parse_go_bool;

declare_rule! {
    /// ## What it does
    /// Checks a statically provisioned EFS PersistentVolume (`csi.driver: efs.csi.aws.com`):
    /// - `volumeHandle` is `fs-<id>`, `fs-<id>:<subpath>`, `fs-<id>::fsap-<id>`,
    ///   `fs-<id>:<subpath>:fsap-<id>`, or the same with an `efs:` or `s3files:` prefix;
    /// - `volumeAttributes` only has `encryptInTransit`, `mounttargetip`, `mounttargetipmap`,
    ///   `crossaccount` (the old `path` attribute is gone: put the path in the handle), and the
    ///   booleans parse;
    /// - `mountOptions` do not contradict the attributes: `tls` with `encryptInTransit: "false"`,
    ///   `crossaccount` as an option, an `accesspoint=` different from the handle's, or
    ///   `encryptInTransit: "false"` on S3 Files.
    ///
    /// ## Why is this bad?
    /// NodePublishVolume fails (`Volume context property path not supported`, `invalid volume
    /// handle`) and the pod stays in `ContainerCreating`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata:
    ///   name: efs-pv
    /// spec:
    ///   capacity:
    ///     storage: 5Gi
    ///   accessModes: [ReadWriteMany]
    ///   csi:
    ///     driver: efs.csi.aws.com
    ///     volumeHandle: fs-e8a95a42
    ///     volumeAttributes:
    ///       path: /data
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata:
    ///   name: efs-pv
    /// spec:
    ///   capacity:
    ///     storage: 5Gi
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   csi:
    ///     driver: efs.csi.aws.com
    ///     volumeHandle: fs-e8a95a42:/data
    /// ```
    ///
    /// ## References
    /// - EFS node service: <https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/a4fc67600be60d0f8350dc9459e55ff04e9aa944/pkg/driver/node.go#L66-L240>
    /// - Volume ID parsing: <https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/a4fc67600be60d0f8350dc9459e55ff04e9aa944/pkg/driver/node.go#L497-L585>
    pub struct EfsStaticVolume {
        code: "CSI011",
        name: "efs-static-volume",
        family: Csi,
        severity: Error,
        fix: None,
        summary: "A static EFS PersistentVolume whose handle, attributes or mount options fail the mount",
    }
}

/// (s3files, access point) of a valid handle; `Err` with the reason otherwise.
fn parse_handle(h: &str) -> Result<(bool, Option<&str>), String> {
    let (s3, rest, max) = if let Some(r) = h.strip_prefix("s3files:") {
        (true, r, 3)
    } else if let Some(r) = h.strip_prefix("efs:") {
        (false, r, 3)
    } else {
        (false, h, 3)
    };
    let parts: Vec<&str> = rest.split(':').collect();
    if parts.len() > max {
        return Err(format!("too many `:`-separated fields (at most {max})"));
    }
    if !is_fs_id(parts[0], "fs-") {
        return Err(format!(
            "`{}` is not a file system ID (`fs-` and 8-40 lowercase hex digits)",
            parts[0]
        ));
    }
    let ap = parts.get(2).copied().filter(|a| !a.is_empty());
    if let Some(a) = ap
        && !is_fs_id(a, "fsap-")
    {
        return Err(format!(
            "`{a}` is not an access point ID (`fsap-` and 8-40 lowercase hex digits)"
        ));
    }
    Ok((s3, ap))
}

impl Rule for EfsStaticVolume {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.kind_str(tree) != Some("PersistentVolume") || !obj.group(tree).is_empty() {
            return;
        }
        let Some(csi) = obj.get(tree, &["spec", "csi"]) else {
            return;
        };
        if tree
            .get(csi, "driver")
            .and_then(|n| tree.scalar_text(n))
            .and_then(Driver::of)
            != Some(Driver::Efs)
        {
            return;
        }
        let mut s3 = false;
        let mut ap = None;
        if let Some(hn) = tree.get(csi, "volumeHandle")
            && let Some(h) = tree.scalar_text(hn)
            && !crate::support::placeholder::is_placeholder(h)
        {
            match parse_handle(h) {
                Ok((a, b)) => (s3, ap) = (a, b),
                Err(why) => {
                    ctx.report(
                        tree.span(hn),
                        format!("invalid EFS volume handle `{h}`: {why}; the mount fails"),
                    )
                    .label("expected fs-<id>[:<path>[:fsap-<id>]]");
                }
            }
        }
        let allowed = &Driver::Efs.row().volume_attributes;
        let mut encrypt = None;
        for e in tree
            .get(csi, "volumeAttributes")
            .and_then(|m| tree.entries(m))
            .unwrap_or(&[])
        {
            let Some(k) = tree.scalar_text(e.key) else {
                continue;
            };
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(k)) {
                let f = ctx.report(tree.span(e.key), format!("EFS does not support the volume attribute `{k}`: NodePublishVolume fails with `Volume context property {k} not supported`"));
                f.label("unsupported attribute");
                if k == "path" {
                    f.help("put the path in the handle: `volumeHandle: fs-<id>:/path`");
                }
                continue;
            }
            let lower = k.to_ascii_lowercase();
            if lower == "encryptintransit" || lower == "crossaccount" {
                let v = tree.scalar_text(e.value).unwrap_or("");
                match parse_go_bool(v) {
                    None => {
                        ctx.report(
                            tree.span(e.value),
                            format!("`{k}: {v}` is not a boolean: the mount fails"),
                        )
                        .label("not true/false");
                    }
                    Some(b) if lower == "encryptintransit" => encrypt = Some((b, e.value)),
                    _ => {}
                }
            }
        }
        if let Some((false, n)) = encrypt
            && s3
        {
            ctx.report(
                tree.span(n),
                "encryption in transit cannot be turned off for S3 Files volumes: the mount fails",
            )
            .label("must stay on");
        }
        for &o in obj
            .get(tree, &["spec", "mountOptions"])
            .and_then(|l| tree.items(l))
            .unwrap_or(&[])
        {
            let Some(opt) = tree.scalar_text(o) else {
                continue;
            };
            let span = tree.span(o);
            if opt == "tls" && matches!(encrypt, Some((false, _))) {
                ctx.report(
                    span,
                    "mount option `tls` contradicts `encryptInTransit: \"false\"`: the mount fails",
                )
                .label("conflicts with encryptInTransit");
            } else if opt == "crossaccount" {
                ctx.report(span, "`crossaccount` is not a mount option: set it as a volume attribute (`crossaccount: \"true\"`)")
                    .label("not a mount option");
            } else if let Some(a) = opt.strip_prefix("accesspoint=")
                && let Some(h) = ap
                && a != h
            {
                ctx.report(span, format!("mount option `accesspoint={a}` conflicts with the handle's access point `{h}`: the mount fails"))
                    .label("conflicting access point");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_handle;

    #[test]
    fn handles() {
        assert!(parse_handle("fs-e8a95a42").is_ok());
        assert!(parse_handle("fs-e8a95a42:/dir").is_ok());
        assert_eq!(
            parse_handle("fs-e8a95a42::fsap-068c22f0246419f75")
                .unwrap()
                .1,
            Some("fsap-068c22f0246419f75")
        );
        assert!(parse_handle("s3files:fs-e8a95a42").unwrap().0);
        assert!(parse_handle("efs:fs-e8a95a42:/a:fsap-068c22f0246419f75").is_ok());
        assert!(parse_handle("fs-XYZ").is_err());
        assert!(parse_handle("fs-e8a95a42:/a:ap-1").is_err());
        assert!(parse_handle("fs-e8a95a42:a:b:c").is_err());
    }
}
