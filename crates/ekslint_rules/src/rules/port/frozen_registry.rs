use super::support::images::{Verdict, judged};
use super::support::in_style;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an image from `k8s.gcr.io`, the Kubernetes project's old registry, with the fix
    /// that moves it to `registry.k8s.io`. One finding per image reference, with the number of
    /// references to the registry in the input.
    ///
    /// ## Why is this bad?
    /// `k8s.gcr.io` was frozen on 2023-04-03: no new images or tags appear there, and it is
    /// served from Google's infrastructure that is being retired. `registry.k8s.io` serves every
    /// image that was on it, from mirrors in AWS regions too, and ECR's pull through cache can
    /// mirror it for clusters without internet access.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: pause
    /// spec:
    ///   selector: {matchLabels: {app: pause}}
    ///   template:
    ///     metadata: {labels: {app: pause}}
    ///     spec:
    ///       containers:
    ///         - name: pause
    ///           image: k8s.gcr.io/pause:3.9
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: pause
    /// spec:
    ///   selector: {matchLabels: {app: pause}}
    ///   template:
    ///     metadata: {labels: {app: pause}}
    ///     spec:
    ///       containers:
    ///         - name: pause
    ///           image: registry.k8s.io/pause:3.9
    /// ```
    ///
    /// ## Fix safety
    /// `registry.k8s.io` serves the same images under the same names and digests, so the fix is
    /// safe. It keeps the value's quotes; a block scalar (`image: >-`) gets no fix.
    ///
    /// ## References
    /// - The freeze: <https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/>
    /// - registry.k8s.io: <https://github.com/kubernetes/registry.k8s.io>
    /// - ECR pull through cache for registry.k8s.io: <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html>
    /// - The table: `rules/port/registries.yaml`
    pub struct FrozenRegistry {
        code: "PORT020",
        name: "frozen-registry",
        family: Port,
        severity: Warning,
        fix: Sometimes,
        safety: Safe,
        summary: "An image from k8s.gcr.io, frozen since 2023: registry.k8s.io serves the same images",
    }
}

impl Rule for FrozenRegistry {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let found = judged(&ctx.index.port.images, &ctx.settings.registries, |v| {
            matches!(v, Verdict::Frozen(_))
        });
        let mut out = Vec::new();
        for (image, verdict, key) in found {
            let Verdict::Frozen(row) = verdict else {
                continue;
            };
            let Some(replacement) = row.replacement.as_deref() else {
                continue;
            };
            let Some(rest) = image
                .image
                .strip_prefix(row.host.as_str())
                .filter(|r| r.starts_with('/'))
            else {
                continue;
            };
            let new = format!("{replacement}{rest}");
            let replacement = in_style(image.style, &new);
            out.push((
                image.loc.clone(),
                image.image.clone(),
                new,
                replacement,
                key,
                row.what.clone(),
            ));
        }
        for (loc, old, new, replacement, key, what) in out {
            let f = ctx.report(loc.file.clone(), loc.span, format!("`{old}` is on {what}"));
            f.label("frozen registry")
                .help(format!("use `{new}`"))
                .registry(key);
            // The per-set pass has no file text: the value's style, kept in the facts, says
            // which quotes the replacement needs.
            if let Some(replacement) = replacement {
                f.fix(Fix {
                    title: format!("use `{new}`"),
                    edits: vec![Edit {
                        span: loc.span,
                        replacement,
                    }],
                    applicability: Applicability::Safe,
                });
            }
        }
    }
}
