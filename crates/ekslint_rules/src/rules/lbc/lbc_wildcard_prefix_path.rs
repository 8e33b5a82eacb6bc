use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an Ingress path with `*` or `?` whose `pathType` is `Prefix` or `Exact`, on an
    /// Ingress for the ALB controller (class `alb`, or `alb.ingress.kubernetes.io/` annotations).
    ///
    /// ## Why is this bad?
    /// The controller builds ALB path patterns from `Prefix` and `Exact` paths itself and refuses
    /// wildcards in them (`prefix path shouldn't contain wildcards`): the model build fails and
    /// the whole IngressGroup is not reconciled. `path: /*` with `pathType: Prefix` is the most
    /// common mistake when moving from the v1 ALB controller or from NGINX: `Prefix` `/` already
    /// matches everything, and `Prefix` `/api` matches `/api` and `/api/*`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /*
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: web, port: {number: 80}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: web, port: {number: 80}}
    /// ```
    /// (or keep the wildcard with `pathType: ImplementationSpecific`).
    ///
    /// ## Fix safety
    /// Replacing a trailing `/*` by the prefix matches the same requests plus the bare prefix
    /// itself; it is offered as an unsafe fix.
    ///
    /// ## References
    /// - Path types: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/spec.md>
    /// - Where it is checked: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/ingress/model_build_listener_rules.go>
    pub struct LbcWildcardPrefixPath {
        code: "LBC007",
        name: "lbc-wildcard-prefix-path",
        family: Lbc,
        severity: Error,
        fix: Sometimes,
        safety: Unsafe,
        summary: "A wildcard (* or ?) in an Ingress path whose pathType is Prefix or Exact",
    }
}

impl Rule for LbcWildcardPrefixPath {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if !super::support::is_alb_ingress(tree, obj) {
            return;
        }
        for &rule in obj
            .get(tree, &["spec", "rules"])
            .and_then(|r| tree.items(r))
            .unwrap_or(&[])
        {
            for &p in tree
                .path(rule, &["http", "paths"])
                .and_then(|p| tree.items(p))
                .unwrap_or(&[])
            {
                let (Some(path), Some(pt)) = (tree.get(p, "path"), tree.get(p, "pathType")) else {
                    continue;
                };
                let (Some(path_s), Some(pt_s)) = (tree.as_str(path), tree.as_str(pt)) else {
                    continue;
                };
                if !matches!(pt_s, "Prefix" | "Exact") || !path_s.contains(['*', '?']) {
                    continue;
                }
                let span = tree.span(path);
                let f = ctx.report(
                    span,
                    format!(
                        "path `{path_s}` has a wildcard, which the controller rejects for pathType `{pt_s}`"
                    ),
                );
                f.label("wildcard in a Prefix/Exact path")
                    .with_label(tree.span(pt), format!("pathType {pt_s}"));
                let stem = path_s
                    .strip_suffix("/*")
                    .filter(|s| !s.contains(['*', '?']));
                match (pt_s, stem) {
                    ("Prefix", Some(stem)) => {
                        let new = if stem.is_empty() { "/" } else { stem };
                        f.help(format!(
                            "write `path: {new}`: with pathType Prefix it already matches `{new}` and everything below it"
                        ));
                        f.fix(Fix {
                            title: format!("replace `{path_s}` with `{new}`"),
                            edits: vec![Edit {
                                span,
                                replacement: new.to_string(),
                            }],
                            applicability: Applicability::Unsafe,
                        });
                    }
                    _ => {
                        f.help("use pathType `ImplementationSpecific` to keep ALB wildcards, or remove them");
                    }
                }
            }
        }
    }
}
