use ekslint_manifest::Object;

use super::support::addons::release;
use super::support::table::Component;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an `apiVersion` of an add-on (cert-manager, Istio, External Secrets Operator, the
    /// CSI snapshot controller) that the add-on has deprecated but that the release the
    /// destination cluster runs still serves, with the replacement. The release is assumed from
    /// `rules/api/addons.yaml` (a current release, as a new cluster installs) or given in
    /// `.ekslint.yaml` (`addons: {cert-manager: "1.5"}`). A version that release no longer serves
    /// is API004's.
    ///
    /// ## Why is this bad?
    /// The next upgrade of the add-on stops serving the version, and the manifest then fails to
    /// apply with `no matches for kind`. Move to the replacement while both are served.
    ///
    /// Example needs: `.ekslint.yaml` with `addons: {cert-manager: "1.4"}`
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
        summary: "The apiVersion is deprecated by its add-on, which still serves it",
    }
}

impl Rule for ApiAddonDeprecated {
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
        if row.removed().is_some_and(|r| release >= r) {
            return; // API004
        }
        let Some(deprecated) = row.deprecated().filter(|d| release >= *d) else {
            return;
        };
        let assumed = if configured {
            format!("the cluster runs {release}")
        } else {
            format!("assuming {release} or newer")
        };
        let until = match row.removed() {
            Some(r) => format!(" and {r} stops serving it"),
            None => String::new(),
        };
        let f = ctx.report(
            span,
            format!(
                "`{}` {} is deprecated since {name} {deprecated} ({assumed}){until}",
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
