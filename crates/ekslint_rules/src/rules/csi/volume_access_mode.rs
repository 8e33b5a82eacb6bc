use super::support::Driver;
use super::support::facts::{ClassFact, Resolved};
use crate::context::SetCtx;
use crate::declare_rule;
use crate::index::Loc;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Resolves every claim (PersistentVolumeClaim, StatefulSet `volumeClaimTemplates`, generic
    /// ephemeral volume) to its StorageClass, across files (or to the default class when
    /// `storageClassName` is omitted, or to the PersistentVolume named by `volumeName`), and
    /// reports access and volume modes the class's driver cannot serve. Static PersistentVolumes
    /// are checked against their `csi.driver`.
    /// - EBS: `ReadOnlyMany`; `ReadWriteMany` unless the volume is `volumeMode: Block` on an
    ///   `io2` class (EBS Multi-Attach) or a node-local `local-ebs://` volume.
    /// - EFS: `ReadOnlyMany`; `volumeMode: Block`.
    /// - FSx for Lustre: `ReadOnlyMany`.
    /// - Any driver: `ReadWriteOncePod` with another mode; `ReadWriteOnce` with `ReadOnlyMany`.
    ///
    /// ## Why is this bad?
    /// The CSI sidecars translate the access modes to one CSI mode, and the driver refuses the
    /// ones it does not support (`Volume capabilities not supported`, `multi-attach is only
    /// supported for io2 volumes`, `only filesystem volumes are supported`): the claim stays
    /// `Pending` or the pod never starts. A ReadWriteMany EBS claim is the classic migration
    /// mistake: shared storage on AWS is EFS.
    ///
    /// ## Example
    /// ```yaml
    /// # storageclass.yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: ebs-gp3
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// ---
    /// # claim.yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: shared
    /// spec:
    ///   storageClassName: ebs-gp3
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
    ///   name: efs-sc
    /// provisioner: efs.csi.aws.com
    /// parameters:
    ///   provisioningMode: efs-ap
    ///   fileSystemId: fs-92107410
    ///   directoryPerms: "700"
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: shared
    /// spec:
    ///   storageClassName: efs-sc
    ///   accessModes: [ReadWriteMany]
    ///   resources:
    ///     requests:
    ///       storage: 10Gi
    /// ```
    ///
    /// ## References
    /// - Access mode translation: <https://github.com/kubernetes-csi/csi-lib-utils/blob/master/accessmodes/access_modes.go>
    /// - EBS capabilities: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/429e202e589798e55c0f8ddcc81b2850b7f000d0/pkg/driver/controller.go#L774-L812>
    /// - EBS Multi-Attach: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/multi-attach.md>
    /// - EFS capabilities: <https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/a4fc67600be60d0f8350dc9459e55ff04e9aa944/pkg/driver/node.go#L410-L467>
    /// - FSx capabilities: <https://github.com/kubernetes-sigs/aws-fsx-csi-driver/blob/5b227125add708cd0b87c76abe1a4c074e71dfc5/pkg/driver/controller.go#L36-L51>
    pub struct VolumeAccessMode {
        code: "CSI007",
        name: "volume-access-mode",
        family: Csi,
        severity: Error,
        fix: None,
        summary: "An access mode or volume mode that the claim's or volume's CSI driver cannot serve",
    }
}

/// What the modes are checked against.
struct Target<'a> {
    driver: Option<Driver>,
    /// EBS volume type (class), when known.
    ebs_type: Option<&'a str>,
    local_ebs: bool,
    /// Related label: where the driver comes from.
    related: Option<(Loc, String)>,
    /// "class `x` (ebs.csi.aws.com)" for messages.
    via: String,
}

struct Subject<'a> {
    what: String,
    modes: &'a [(Box<str>, Loc)],
    modes_key: Option<&'a Loc>,
    volume_mode: Option<&'a (Box<str>, Loc)>,
}

fn class_target(c: &ClassFact) -> Target<'_> {
    Target {
        driver: c.driver(),
        ebs_type: c.volume_type.as_deref(),
        local_ebs: false,
        related: Some((
            c.loc.clone(),
            format!("StorageClass `{}` uses `{}`", c.name, c.provisioner),
        )),
        via: format!("StorageClass `{}`", c.name),
    }
}

impl Rule for VolumeAccessMode {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.csi;
        let mut jobs: Vec<(Subject<'_>, Target<'_>)> = Vec::new();
        for c in &facts.claims {
            let target = match facts.resolve(c) {
                Resolved::Class(cl) => class_target(cl),
                Resolved::EksGp2 => Target {
                    driver: Some(Driver::Ebs),
                    ebs_type: Some("gp2"),
                    local_ebs: false,
                    related: None,
                    via: "EKS's built-in StorageClass `gp2` (EBS)".into(),
                },
                Resolved::Volume(pv) => Target {
                    driver: pv.driver.as_deref().and_then(Driver::of),
                    ebs_type: None,
                    local_ebs: pv
                        .handle
                        .as_deref()
                        .is_some_and(|h| h.starts_with("local-ebs://")),
                    related: Some((pv.loc.clone(), format!("PersistentVolume `{}`", pv.name))),
                    via: format!("PersistentVolume `{}`", pv.name),
                },
                Resolved::None => Target {
                    driver: None,
                    ebs_type: None,
                    local_ebs: false,
                    related: None,
                    via: String::new(),
                },
            };
            jobs.push((
                Subject {
                    what: format!("claim `{}`", c.display_name()),
                    modes: &c.access_modes,
                    modes_key: c.access_modes_key.as_ref(),
                    volume_mode: c.volume_mode.as_ref(),
                },
                target,
            ));
        }
        for pv in &facts.volumes {
            let Some(driver) = pv.driver.as_deref().and_then(Driver::of) else {
                continue;
            };
            let class = pv
                .class
                .as_deref()
                .filter(|c| !c.is_empty())
                .and_then(|c| facts.class_named(c, &pv.loc.file));
            jobs.push((
                Subject {
                    what: format!("PersistentVolume `{}`", pv.name),
                    modes: &pv.access_modes,
                    modes_key: pv.access_modes_key.as_ref(),
                    volume_mode: pv.volume_mode.as_ref(),
                },
                Target {
                    driver: Some(driver),
                    ebs_type: class.and_then(|c| c.volume_type.as_deref()),
                    local_ebs: pv
                        .handle
                        .as_deref()
                        .is_some_and(|h| h.starts_with("local-ebs://")),
                    related: None,
                    via: format!("its CSI driver `{}`", pv.driver.as_deref().unwrap_or("")),
                },
            ));
        }
        for (s, t) in jobs {
            check(ctx, &s, &t);
        }
    }
}

fn check(ctx: &mut SetCtx<'_>, s: &Subject<'_>, t: &Target<'_>) {
    let has = |m: &str| s.modes.iter().find(|(x, _)| &**x == m);
    let Some(key) = s.modes_key else { return };
    let report = |ctx: &mut SetCtx<'_>, item: &Loc, item_label: &str, msg: String| {
        let f = ctx.report(key.file.clone(), key.span, msg);
        f.label("access modes");
        f.with_label(item.span, item_label);
        if let Some((l, m)) = &t.related {
            f.related(l.file.clone(), l.span, m.clone());
        }
    };
    if let Some((_, l)) = has("ReadWriteOncePod")
        && s.modes.len() > 1
    {
        report(
            ctx,
            l,
            "must be the only mode",
            format!(
                "{}: `ReadWriteOncePod` cannot be combined with another access mode; the API server rejects it",
                s.what
            ),
        );
        return;
    }
    let Some(driver) = t.driver else { return };
    let rwx = has("ReadWriteMany");
    let rox = has("ReadOnlyMany");
    if let (Some((_, l)), None) = (rox, rwx) {
        let msg = if has("ReadWriteOnce").is_some() {
            format!(
                "{}: `ReadWriteOnce` with `ReadOnlyMany` has no single CSI access mode, so provisioning and attach fail ({})",
                s.what, t.via
            )
        } else {
            format!(
                "{}: {} ({}) does not support `ReadOnlyMany` (MULTI_NODE_READER_ONLY): the volume cannot be provisioned or attached",
                s.what,
                driver.service(),
                t.via
            )
        };
        let hint = match driver {
            Driver::Ebs => "not supported by EBS",
            _ => "use ReadWriteMany and mount read-only",
        };
        report(ctx, l, hint, msg);
        return;
    }
    let block = s.volume_mode.filter(|(m, _)| &**m == "Block");
    match driver {
        Driver::Ebs => {
            if let Some((_, l)) = rwx {
                if t.local_ebs {
                    return;
                }
                match block {
                    Some(_) if t.ebs_type.is_none_or(|ty| ty == "io2") => {}
                    Some(_) => report(
                        ctx,
                        l,
                        "Multi-Attach needs type io2",
                        format!(
                            "{}: `ReadWriteMany` block volumes on EBS need Multi-Attach, which only `io2` supports; {} creates `{}` volumes",
                            s.what,
                            t.via,
                            t.ebs_type.unwrap_or("gp3")
                        ),
                    ),
                    None => report(
                        ctx,
                        l,
                        "EBS cannot serve ReadWriteMany",
                        format!(
                            "{}: `ReadWriteMany` on EBS ({}) is rejected: an EBS volume attaches to one node (Multi-Attach is io2 block volumes only); use an EFS StorageClass (efs.csi.aws.com) for shared storage",
                            s.what, t.via
                        ),
                    ),
                }
            }
        }
        Driver::Efs => {
            if let Some((_, l)) = block {
                let f = ctx.report(
                    l.file.clone(),
                    l.span,
                    format!(
                        "{}: `volumeMode: Block` on EFS ({}) is rejected: EFS serves file systems only",
                        s.what, t.via
                    ),
                );
                f.label("EFS is Filesystem only");
                if let Some((rl, m)) = &t.related {
                    f.related(rl.file.clone(), rl.span, m.clone());
                }
            }
        }
        Driver::Fsx => {}
    }
}
