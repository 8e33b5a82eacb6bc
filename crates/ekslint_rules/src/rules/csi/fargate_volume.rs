use super::support::Driver;
use super::support::facts::{ClassRef, Resolved};
use crate::context::SetCtx;
use crate::declare_rule;
use crate::index::Namespace;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds pods (and pod templates) that run on Fargate, pinned with the node selector
    /// `eks.amazonaws.com/compute-type: fargate` or selected by a Fargate profile declared in
    /// `.ekslint.yaml` (`fargate-profiles:`, the FARGATE family's placement), and follows each `persistentVolumeClaim`,
    /// StatefulSet `volumeClaimTemplates` entry and inline volume to its driver, across files.
    /// Reports EBS and FSx for Lustre volumes and dynamically provisioned EFS claims (a claim
    /// whose EFS StorageClass would create an access point). Also reports EFS volumes in pods
    /// pinned to Windows (`kubernetes.io/os: windows`).
    ///
    /// ## Why is this bad?
    /// Fargate runs no CSI node plugin: EBS and FSx volumes cannot be mounted there, and EFS
    /// works only as a statically provisioned PersistentVolume (Fargate mounts EFS itself). The
    /// EFS CSI driver does not support Windows. The pod stays `Pending` or in
    /// `ContainerCreating`.
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
    ///   storageClassName: ebs-gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests:
    ///       storage: 10Gi
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: app
    /// spec:
    ///   selector:
    ///     matchLabels: {app: app}
    ///   template:
    ///     metadata:
    ///       labels: {app: app}
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/amazonlinux/amazonlinux
    ///           volumeMounts:
    ///             - name: data
    ///               mountPath: /data
    ///       volumes:
    ///         - name: data
    ///           persistentVolumeClaim:
    ///             claimName: data
    /// ```
    ///
    /// ## Use instead
    /// A statically provisioned EFS volume: a PersistentVolume with `csi.driver: efs.csi.aws.com`
    /// and `volumeHandle: fs-…`, and a claim with `storageClassName: ""` bound to it.
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata:
    ///   name: data
    /// spec:
    ///   capacity:
    ///     storage: 10Gi
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   csi:
    ///     driver: efs.csi.aws.com
    ///     volumeHandle: fs-92107410
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   storageClassName: ""
    ///   volumeName: data
    ///   accessModes: [ReadWriteMany]
    ///   resources:
    ///     requests:
    ///       storage: 10Gi
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: app
    /// spec:
    ///   selector:
    ///     matchLabels: {app: app}
    ///   template:
    ///     metadata:
    ///       labels: {app: app}
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/amazonlinux/amazonlinux
    ///           volumeMounts:
    ///             - name: data
    ///               mountPath: /data
    ///       volumes:
    ///         - name: data
    ///           persistentVolumeClaim:
    ///             claimName: data
    /// ```
    ///
    /// ## References
    /// - Fargate considerations: <https://docs.aws.amazon.com/eks/latest/userguide/fargate.html>
    /// - EFS CSI on EKS: <https://docs.aws.amazon.com/eks/latest/userguide/efs-csi.html>
    /// - EBS CSI on EKS: <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>
    pub struct FargateVolume {
        code: "CSI008",
        name: "fargate-volume",
        family: Csi,
        severity: Error,
        fix: None,
        summary: "A Fargate pod mounting EBS, FSx or dynamically provisioned EFS, or a Windows pod mounting EFS",
    }
}

impl Rule for FargateVolume {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.csi;
        let settings = ctx.settings;
        let mut out = Vec::new();
        for pod in &facts.pods {
            // Fargate by its own selector, or by a configured profile (no place to label then).
            let profile = pod
                .fargate
                .is_none()
                .then(|| {
                    let labels = pod.labels.iter().map(|(k, v)| (&**k, &**v));
                    crate::rules::fargate::support::placement::profile_for(
                        settings,
                        Namespace::as_text(pod.namespace.name()),
                        labels,
                    )
                })
                .flatten();
            let pin = pod.fargate.as_ref().or(pod.windows.as_ref());
            if pin.is_none() && profile.is_none() {
                continue;
            }
            let windows = pod.fargate.is_none() && profile.is_none();
            let place = match (windows, profile) {
                (true, _) => "pinned to Windows".to_string(),
                (false, Some((p, _))) if pod.fargate.is_none() => {
                    format!("on Fargate (profile `{}` selects it)", p.name)
                }
                _ => "pinned to Fargate".to_string(),
            };
            let pin = if windows || pod.fargate.is_some() {
                pin
            } else {
                None
            };
            let bad = |d: Driver, dynamic: bool| -> Option<&'static str> {
                match (windows, d) {
                    (true, Driver::Efs) => {
                        Some("the EFS CSI driver does not support Windows nodes")
                    }
                    (true, _) => None,
                    (false, Driver::Ebs) => Some("Fargate cannot mount EBS volumes"),
                    (false, Driver::Fsx) => Some("Fargate cannot mount FSx for Lustre volumes"),
                    (false, Driver::Efs) if dynamic => Some(
                        "Fargate supports only statically provisioned EFS volumes, not EFS dynamic provisioning",
                    ),
                    (false, Driver::Efs) => None,
                }
            };
            for (d, l) in &pod.inline {
                if let Some(d) = Driver::of(d)
                    && let Some(why) = bad(d, false)
                {
                    out.push((
                        l.clone(),
                        pin.cloned(),
                        format!("{why}; this pod is {place}"),
                        None,
                    ));
                }
            }
            for u in &pod.claims {
                let Some(c) = facts.claim_named(&pod.namespace, &u.claim, &u.loc.file) else {
                    continue;
                };
                let (driver, related) = match facts.resolve(c) {
                    Resolved::Class(cl) => (
                        cl.driver(),
                        Some((
                            cl.loc.clone(),
                            format!("StorageClass `{}` uses `{}`", cl.name, cl.provisioner),
                        )),
                    ),
                    Resolved::EksGp2 => (Some(Driver::Ebs), None),
                    Resolved::Volume(pv) => (
                        pv.driver.as_deref().and_then(Driver::of),
                        Some((pv.loc.clone(), format!("PersistentVolume `{}`", pv.name))),
                    ),
                    Resolved::None => (None, None),
                };
                let dynamic = c.volume_name.is_none() && c.class != ClassRef::Empty;
                if let Some(d) = driver
                    && let Some(why) = bad(d, dynamic)
                {
                    out.push((
                        u.loc.clone(),
                        pin.cloned(),
                        format!("claim `{}`: {why}; this pod is {place}", c.display_name()),
                        related,
                    ));
                }
            }
        }
        for (l, pin, msg, related) in out {
            let f = ctx.report(l.file.clone(), l.span, msg);
            f.label("volume not usable here");
            if let Some(pin) = pin {
                f.with_label(pin.span, "pinned here");
            }
            if let Some((rl, m)) = related {
                f.related(rl.file.clone(), rl.span, m);
            }
        }
    }
}
