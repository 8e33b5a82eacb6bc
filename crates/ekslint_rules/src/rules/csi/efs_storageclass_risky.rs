use ekslint_manifest::Object;

use super::support::{Driver, StorageClass};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Warns about EFS StorageClass settings that are silently ignored or risky:
    /// - unknown or mis-cased keys (`fileSystemID`, `directoryperms`, `basepath`): the EFS
    ///   driver ignores them without a word;
    /// - `directoryPerms` missing, or not 3-4 octal digits;
    /// - an access point path (`basePath` + `subPathPattern` + the unique suffix) that is over 100
    ///   characters or 4 directory levels even for short names;
    /// - `ensureUniqueDirectory: "false"` with a `subPathPattern` that is not unique per claim
    ///   (two claims would share a directory);
    /// - `allowVolumeExpansion: true` (EFS is elastic and has no expansion: the resize never
    ///   completes).
    ///
    /// ## Why is this bad?
    /// The class works, but not as written: a mis-cased key is dropped, a long path fails for
    /// some claims only, a shared directory mixes data of different claims, and a resize request
    /// hangs.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: efs-sc
    /// provisioner: efs.csi.aws.com
    /// allowVolumeExpansion: true
    /// parameters:
    ///   provisioningMode: efs-ap
    ///   fileSystemId: fs-92107410
    ///   basepath: /dynamic
    ///   subPathPattern: "${.PVC.name}"
    ///   ensureUniqueDirectory: "false"
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
    ///   basePath: /dynamic
    ///   subPathPattern: "${.PVC.namespace}/${.PVC.name}"
    /// ```
    ///
    /// ## References
    /// - EFS parameters: <https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md>
    /// - EFS controller: <https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/a4fc67600be60d0f8350dc9459e55ff04e9aa944/pkg/driver/controller.go>
    pub struct EfsStorageclassRisky {
        code: "CSI010",
        name: "efs-storageclass-risky",
        family: Csi,
        severity: Warning,
        fix: None,
        summary: "An EFS StorageClass key that is silently ignored, a risky access point path, or volume expansion on EFS",
    }
}

impl Rule for EfsStorageclassRisky {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let d = Driver::Efs;
        let Some(sc) = StorageClass::of_driver(tree, obj, d) else {
            return;
        };
        let row = d.row();
        for p in &sc.params {
            if p.key.starts_with("csi.storage.k8s.io/") || row.param(p.key).is_some() {
                continue;
            }
            let f = ctx.report(tree.span(p.key_node), format!("the EFS CSI driver does not read `{}`: keys are case-sensitive and unknown keys are ignored silently", p.key));
            f.label("ignored");
            if let Some(k) =
                crate::support::suggest::closest(p.key, row.params.iter().map(|r| r.key.as_str()))
            {
                f.help(format!("did you mean `{k}`?"));
            }
        }
        if sc.value(d, "provisioningMode").is_some() {
            match sc.param(d, "directoryPerms") {
                None => {
                    let at = tree
                        .get_entry(obj.node, "parameters")
                        .map(|e| tree.span(e.key))
                        .unwrap_or_else(|| tree.span(sc.provisioner_node));
                    ctx.report(at, "EFS StorageClass without `directoryPerms`: the access point's root directory permissions are not set")
                        .label("no directoryPerms")
                        .help("add e.g. `directoryPerms: \"700\"`");
                }
                Some(p) => {
                    let v = p.value.unwrap_or("");
                    if !(3..=4).contains(&v.len()) || !v.bytes().all(|b| (b'0'..=b'7').contains(&b))
                    {
                        ctx.report(tree.span(p.value_node), format!("`directoryPerms` should be 3 or 4 octal digits in quotes (\"700\", \"0755\"), not `{}`", tree.scalar_text(p.value_node).unwrap_or("")))
                            .label("not octal permissions");
                    }
                }
            }
        }
        let pattern = sc.value(d, "subPathPattern");
        let unique = sc.value(d, "ensureUniqueDirectory") != Some("false")
            && sc
                .value(d, "ensureUniqueDirectory")
                .and_then(crate::support::go::parse_go_bool)
                != Some(false);
        if let Some(pat) = pattern {
            let base = sc.value(d, "basePath").unwrap_or("");
            // Shortest realistic names: a PV name is `pvc-<uuid>` (40); PVC names count as 1 character.
            let expanded = pat
                .replace("${.PV.name}", &"x".repeat(40))
                .replace("${.PVC.name}", "x")
                .replace("${.PVC.namespace}", "x");
            let mut path = format!("/{}/{}", base.trim_matches('/'), expanded.trim_matches('/'));
            if unique {
                path.push_str(&format!("-{}", "x".repeat(36)));
            }
            let levels = path.split('/').filter(|s| !s.is_empty()).count();
            if path.len() > 100 || levels > 4 {
                let p = sc.param(d, "subPathPattern").expect("present");
                ctx.report(tree.span(p.value_node), format!("the access point path (basePath + subPathPattern{}) is at least {} characters and {levels} levels: EFS allows 100 characters and 4 levels, so provisioning fails", if unique { " + unique suffix" } else { "" }, path.len()))
                    .label("path too long or too deep");
            }
            let per_claim = pat.contains("${.PV.name}")
                || (pat.contains("${.PVC.name}") && pat.contains("${.PVC.namespace}"));
            if !unique && !per_claim {
                let p = sc.param(d, "ensureUniqueDirectory").expect("set to false");
                ctx.report(tree.span(p.value_node), format!("with `ensureUniqueDirectory: \"false\"`, `subPathPattern: {pat}` gives different claims the same directory"))
                    .label("directories not unique")
                    .help("include `${.PV.name}`, or both `${.PVC.namespace}` and `${.PVC.name}`, or keep the unique suffix");
            }
        }
        if let Some(e) = tree.get_entry(obj.node, "allowVolumeExpansion")
            && tree.scalar_text(e.value) == Some("true")
        {
            ctx.report(tree.span(e.value), "`allowVolumeExpansion: true` on an EFS class: EFS is elastic and the driver cannot expand volumes, so a resize request never completes")
                .label("EFS cannot expand")
                .help("remove `allowVolumeExpansion`; EFS capacity in claims is a placeholder");
        }
    }
}
