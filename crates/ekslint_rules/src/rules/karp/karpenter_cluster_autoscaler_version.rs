use ekslint_manifest::Object;
use ekslint_manifest::pod::images;

use super::support::imds::image_name;
use super::support::table::KARPENTER;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds Cluster Autoscaler containers whose image version was made for another Kubernetes
    /// minor than the target (`--target-version`): since Kubernetes 1.12 the Cluster Autoscaler's
    /// minor version is the Kubernetes minor it supports (`v1.30.x` for 1.30), and before that
    /// the project's table maps each 0.x/1.x line to one Kubernetes minor. Images without a
    /// version tag (`latest`, a digest) are left alone.
    ///
    /// ## Why is this bad?
    /// "We don't do cross version testing or compatibility testing": a Cluster Autoscaler built
    /// for an older Kubernetes reads scheduling and API behaviour of that version, so its
    /// simulations diverge from the real scheduler (nodes not scaled up for pending pods, or
    /// scaled down wrongly), and old versions call APIs the new cluster no longer serves.
    ///
    /// ## Example
    /// Example needs: `--target-version 1.33`
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: cluster-autoscaler
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {app: cluster-autoscaler}
    ///   template:
    ///     metadata:
    ///       labels: {app: cluster-autoscaler}
    ///     spec:
    ///       containers:
    ///         - name: cluster-autoscaler
    ///           image: registry.k8s.io/autoscaling/cluster-autoscaler:v1.28.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: cluster-autoscaler
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {app: cluster-autoscaler}
    ///   template:
    ///     metadata:
    ///       labels: {app: cluster-autoscaler}
    ///     spec:
    ///       containers:
    ///         - name: cluster-autoscaler
    ///           image: registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0
    /// ```
    ///
    /// ## References
    /// - Cluster Autoscaler "Releases" table: kubernetes/autoscaler `cluster-autoscaler/README.md`
    pub struct KarpenterClusterAutoscalerVersion {
        code: "KARP018",
        name: "karpenter-cluster-autoscaler-version",
        family: Karp,
        severity: Warning,
        fix: None,
        summary: "A Cluster Autoscaler image made for another Kubernetes minor version than the target",
    }
}

/// The `major.minor` of a version tag (`v1.30.2`, `1.30.2-debian-12-r0`).
fn tag_version(image: &str) -> Option<(u32, u32)> {
    let no_digest = image.split('@').next()?;
    let last = no_digest.rsplit('/').next()?;
    let tag = last.split_once(':')?.1;
    let tag = tag.strip_prefix('v').unwrap_or(tag);
    let mut parts = tag.split(['.', '-', '+']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The Kubernetes `(major, minor)` a Cluster Autoscaler version was made for.
fn made_for(ca: (u32, u32)) -> Option<(u32, u32)> {
    let t = &KARPENTER.cluster_autoscaler;
    if ca.0 == 1 && ca.1 >= t.same_minor_since {
        return Some(ca);
    }
    let key = format!("{}.{}", ca.0, ca.1);
    let k8s = &t.older.iter().find(|o| o.ca == key)?.kubernetes;
    let (a, b) = k8s.split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

impl Rule for KarpenterClusterAutoscalerVersion {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(pod) = obj.pod_spec(tree).filter(|p| tree.is_map(*p)) else {
            return;
        };
        let target = ctx.target;
        for img in images(tree, pod) {
            let name = image_name(img.image);
            if !KARPENTER
                .cluster_autoscaler
                .image_names
                .iter()
                .any(|n| n == name)
            {
                continue;
            }
            let Some(ca) = tag_version(img.image) else {
                continue;
            };
            let Some(k8s) = made_for(ca) else { continue };
            if k8s == (target.major, target.minor) {
                continue;
            }
            ctx.report(
                tree.span(img.node),
                format!(
                    "Cluster Autoscaler {}.{} is made for Kubernetes {}.{}, but the target is {target}",
                    ca.0, ca.1, k8s.0, k8s.1
                ),
            )
            .label("another Kubernetes minor")
            .help(format!(
                "use the newest cluster-autoscaler v{}.{}.x image (its minor version matches the cluster's)",
                target.major, target.minor
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(
            tag_version("registry.k8s.io/autoscaling/cluster-autoscaler:v1.30.2"),
            Some((1, 30))
        );
        assert_eq!(
            tag_version("bitnami/cluster-autoscaler:1.29.3-debian-12-r0"),
            Some((1, 29))
        );
        assert_eq!(tag_version("registry:5000/cluster-autoscaler"), None);
        assert_eq!(tag_version("x/cluster-autoscaler:latest"), None);
        assert_eq!(made_for((1, 3)), Some((1, 11)));
        assert_eq!(made_for((1, 30)), Some((1, 30)));
        assert_eq!(made_for((1, 5)), None);
    }
}
