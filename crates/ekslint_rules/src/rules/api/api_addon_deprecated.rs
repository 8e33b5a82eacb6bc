use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an `apiVersion` of an add-on (cert-manager, Istio, the CSI external-snapshotter) that
    /// the add-on itself has deprecated or removed, with the add-on release that removed it and the
    /// replacement.
    ///
    /// ## Why is this bad?
    /// A migration to EKS usually installs current releases of the add-ons. Their CRDs no longer
    /// define the old versions, so the manifest fails to apply with `no matches for kind`.
    /// ekslint does not know which add-on release the new cluster runs, so this is a warning.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: cert-manager.io/v1alpha2
    /// kind: Certificate
    /// metadata:
    ///   name: shop-tls
    /// spec:
    ///   secretName: shop-tls
    ///   dnsNames: [shop.example.com]
    ///   issuerRef: {name: letsencrypt, kind: ClusterIssuer}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: cert-manager.io/v1
    /// kind: Certificate
    /// metadata:
    ///   name: shop-tls
    /// spec:
    ///   secretName: shop-tls
    ///   dnsNames: [shop.example.com]
    ///   issuerRef: {name: letsencrypt, kind: ClusterIssuer}
    /// ```
    ///
    /// ## References
    /// - cert-manager API upgrade notes: <https://cert-manager.io/docs/releases/upgrading/remove-deprecated-apis/>
    /// - The table: `rules/api/deprecated-apis.yaml` (rows with `component` other than `k8s`)
    pub struct ApiAddonDeprecated {
        code: "API003",
        name: "api-addon-deprecated",
        family: Api,
        severity: Warning,
        fix: None,
        summary: "The apiVersion belongs to an add-on release that deprecated or removed it",
    }
}

impl Rule for ApiAddonDeprecated {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let Some((row, span)) = super::support::row_for(ctx, obj) else {
            return;
        };
        if row.is_kubernetes() {
            return;
        }
        let status = match (&row.removed_in, &row.deprecated_in) {
            (Some(r), _) => format!("was removed in {} {r}", row.component),
            (None, Some(d)) => format!("is deprecated since {} {d}", row.component),
            (None, None) => format!("is deprecated by {}", row.component),
        };
        let f = ctx.report(
            span,
            format!(
                "`{}` {} {status}",
                row.api_version,
                obj.kind_str(ctx.tree()).unwrap_or(&row.kind),
            ),
        );
        f.label(match &row.replacement {
            Some(r) => format!("use `{r}`"),
            None => "no replacement".to_string(),
        });
        f.help(super::support::help_text(row));
    }
}
