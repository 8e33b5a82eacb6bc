use ekslint_manifest::Object;

use super::support::addons::{addon, release};
use super::support::table::Component;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an `apiVersion` of an add-on (cert-manager, Istio, External Secrets Operator, the
    /// CSI snapshot controller) that the release the destination cluster runs no longer serves,
    /// with the add-on release that stopped serving it and the replacement. The release is
    /// assumed from `rules/api/addons.yaml`: a new EKS cluster installs a current release, and
    /// the assumption is only that it is newer than the removal. If the cluster really runs an
    /// older release, say so in `.ekslint.yaml` (`addons: {cert-manager: "1.5"}`); the version is
    /// then API003's while that release still serves it.
    ///
    /// ## Why is this bad?
    /// The add-on's CRDs no longer define the version, so `kubectl apply` fails with
    /// `no matches for kind "VolumeSnapshot" in version "snapshot.storage.k8s.io/v1beta1"`.
    /// The snapshot controller of every current EKS cluster (6.0 or newer) serves only
    /// `snapshot.storage.k8s.io/v1`; External Secrets Operator 0.17 and newer only
    /// `external-secrets.io/v1`; cert-manager 1.6 and newer only `cert-manager.io/v1`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: snapshot.storage.k8s.io/v1beta1
    /// kind: VolumeSnapshot
    /// metadata:
    ///   name: db-snapshot
    /// spec:
    ///   volumeSnapshotClassName: ebs-snapshots
    ///   source:
    ///     persistentVolumeClaimName: db-data
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata:
    ///   name: db-snapshot
    /// spec:
    ///   volumeSnapshotClassName: ebs-snapshots
    ///   source:
    ///     persistentVolumeClaimName: db-data
    /// ```
    ///
    /// ## References
    /// - external-snapshotter 6.0, v1beta1 no longer served: <https://github.com/kubernetes-csi/external-snapshotter/blob/master/CHANGELOG/CHANGELOG-6.0.md>
    /// - External Secrets Operator 0.17.0, v1beta1 no longer served: <https://github.com/external-secrets/external-secrets/releases/tag/v0.17.0>
    /// - cert-manager, removed APIs: <https://cert-manager.io/docs/releases/upgrading/remove-deprecated-apis/>
    /// - The tables: `rules/api/deprecated-apis.yaml` (rows with `component` other than `k8s`) and `rules/api/addons.yaml`
    pub struct ApiAddonRemoved {
        code: "API004",
        name: "api-addon-removed",
        family: Api,
        severity: Error,
        fix: None,
        summary: "The apiVersion is no longer served by the add-on release the cluster runs",
    }
}

impl Rule for ApiAddonRemoved {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let Some((row, span)) = super::support::row_for(ctx, obj) else {
            return;
        };
        let Component::Addon(name) = &row.component else {
            return;
        };
        let Some((release, configured)) = release(ctx.settings, name) else {
            return;
        };
        let Some(removed) = row.removed().filter(|r| release >= *r) else {
            return;
        };
        let product = addon(name).map_or(name.as_str(), |a| a.product.as_str());
        let runs = if configured {
            format!("the cluster runs {release} (`addons` in .ekslint.yaml)")
        } else {
            "which a cluster set up now runs".to_string()
        };
        let f = ctx.report(
            span,
            format!(
                "`{}` {} is not served by {name} {removed} and newer, {runs}: {product} has dropped it",
                row.api_version,
                obj.kind_str(ctx.tree()).unwrap_or(&row.kind),
            ),
        );
        f.label(match &row.replacement {
            Some(r) => format!("not served: use `{r}`"),
            None => "not served".to_string(),
        });
        let mut help = super::support::help_text(row);
        if !configured {
            help.push_str(&format!(
                "\n- if the cluster runs an older {name}, say so in .ekslint.yaml: `addons: {{{name}: \"<release>\"}}`"
            ));
        }
        f.help(help);
    }
}
