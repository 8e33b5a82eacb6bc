use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an `apiVersion` and `kind` that the target Kubernetes version no longer serves,
    /// with the replacement apiVersion and, labelled on the exact fields, the changes the
    /// migration needs (for an Ingress: `serviceName`/`servicePort` → `service.name`/`service.port`,
    /// `spec.backend` → `spec.defaultBackend`, `pathType` on every path).
    ///
    /// ## Why is this bad?
    /// The API server of the new cluster rejects the manifest: `kubectl apply` fails with
    /// `no matches for kind "Ingress" in version "extensions/v1beta1"`, and a Helm release or GitOps
    /// sync that contains it stops. Every EKS version that can still be created (1.31 and later) has
    /// removed all of the `v1beta1` workload, Ingress, RBAC, CRD, webhook, PodSecurityPolicy,
    /// CronJob and PodDisruptionBudget versions.
    ///
    /// The target version is `--target-version` (or `target-version` in `.ekslint.yaml`); by default
    /// the newest Kubernetes version in EKS standard support.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: extensions/v1beta1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             backend:
    ///               serviceName: web
    ///               servicePort: 80
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service:
    ///                 name: web
    ///                 port:
    ///                   number: 80
    /// ```
    ///
    /// ## Configuration
    /// `target-version`: the Kubernetes version of the cluster you are moving to.
    ///
    /// ## Fix safety
    /// The fix converts the object to the replacement, with the field changes the replacement
    /// needs, as span edits that keep comments, key order, quoting and indentation (block,
    /// flow and JSON; `kind: List` items one by one). It is offered when the replacement is
    /// served at the target (`replacement_available_in` in the table) and the row has a
    /// conversion (`fix:`); documents with anchors, aliases, merge keys or tags are not edited.
    ///
    /// It is **safe** when the converted object means what the original meant: an apiVersion
    /// whose schema did not change (NetworkPolicy, PriorityClass, StorageClass, CSIDriver,
    /// CSINode, RBAC, CronJob, EndpointSlice, Event, FlowSchema, HPA `v2beta2`, …), and
    /// restructurings that the API server itself did on conversion: Ingress `backend` →
    /// `defaultBackend`, `serviceName`/`servicePort` → `service.name`/`service.port.number|name`
    /// and `pathType: ImplementationSpecific` (what v1beta1 did with a path without a type); a
    /// workload's `spec.selector` and, where the old API copied them, `metadata.labels` from
    /// the pod template's labels; HPA `v2beta1` metrics → `target: {type, …}`; a CRD's
    /// `versions`, per-version `schema`/`subresources`/`additionalPrinterColumns`, `scope` and
    /// conversion webhook; webhook `admissionReviewVersions: [v1beta1]` (the old default).
    ///
    /// It is **unsafe** (`--unsafe-fixes`), and says why in its help, when a default changed and
    /// the manifest does not set the field: Deployment `progressDeadlineSeconds`,
    /// `revisionHistoryLimit` and rolling-update sizes, DaemonSet and StatefulSet
    /// `updateStrategy` (OnDelete → RollingUpdate), webhook `failurePolicy`, `matchPolicy` and
    /// `timeoutSeconds`; when a value has to change meaning: webhook `sideEffects` written as
    /// `None`, a PodDisruptionBudget with an empty `selector` (every pod in `policy/v1`, none
    /// before), a quoted `servicePort: "80"` written as the number; and for a CRD with a schema
    /// that did not set `preserveUnknownFields: false` (v1 prunes undeclared fields) or whose
    /// schema is not structural. It is **display-only** where the target needs a value no
    /// default gives (a CertificateSigningRequest without `signerName`; audit events).
    ///
    /// ## References
    /// - Kubernetes deprecated API migration guide: <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>
    /// - The table: `rules/api/deprecated-apis.yaml` (each row cites kubernetes/api, pluto and kube-no-trouble)
    pub struct ApiRemoved {
        code: "API001",
        name: "api-removed",
        family: Api,
        severity: Error,
        fix: Sometimes,
        safety: Mixed,
        summary: "The apiVersion and kind are no longer served by the target Kubernetes version",
    }
}

impl Rule for ApiRemoved {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let Some((row, span)) = super::support::row_for(ctx, obj) else {
            return;
        };
        if !row.is_kubernetes() {
            return;
        }
        let Some(removed) = row.removed() else { return };
        if ctx.target < removed {
            return;
        }
        let target = ctx.target;
        let labels = super::support::field_labels(ctx.tree(), obj, &row.fields);
        let converted = super::support::convert::convert(ctx.file, obj, row, ctx.target);
        let deprecated = row
            .deprecated()
            .map(|d| format!(", deprecated since {d}"))
            .unwrap_or_default();
        let f = ctx.report(
            span,
            format!(
                "`{}` {} was removed in Kubernetes {removed}{deprecated}; the target is {target}",
                row.api_version,
                obj.kind_str(ctx.tree()).unwrap_or(&row.kind),
            ),
        );
        f.label(match &row.replacement {
            Some(r) => format!("not served since {removed}: use `{r}`"),
            None => format!("not served since {removed}"),
        });
        let mut help = super::support::help_text(row);
        if let Some(c) = &converted {
            if let Some(h) = c.help() {
                help.push_str("\n- ");
                help.push_str(&h);
            }
            f.fix(c.fix());
        }
        f.help(help);
        for (s, m) in labels {
            f.with_label(s, m);
        }
    }
}
