use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

use super::support::catalog::{Lookup, lookup, suggest};

declare_rule! {
    /// ## What it does
    /// Reports an annotation key under a prefix the AWS Load Balancer Controller owns
    /// (`alb.ingress.kubernetes.io/`, `service.beta.kubernetes.io/aws-load-balancer-`,
    /// `service.beta.kubernetes.io/actions.`, or a near miss of these prefixes) that the controller
    /// does not read, with the closest known key. Members of templated families
    /// (`listener-attributes.<PROTOCOL>-<port>`, `target-group-attributes.<port>`, …) are checked
    /// for the shape of their last part. Keys that only the legacy in-tree cloud provider reads
    /// (`aws-load-balancer-connection-idle-timeout`, …) are known and not reported.
    ///
    /// ## Why is this bad?
    /// The controller looks keys up exactly and silently ignores every other one: a typo such as
    /// `alb.ingress.kubernetes.io/listen-port` or a v1-controller camelCase key such as
    /// `alb.ingress.kubernetes.io/sslPolicy` means the setting is simply not applied, with no event
    /// and no error. `listener-attributes.https-443` is ignored because the protocol is matched in
    /// upper case.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/listen-port: '[{"HTTPS": 443}]'
    ///     alb.ingress.kubernetes.io/sslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": 443}]'
    ///     alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021-06
    /// ```
    ///
    /// ## Fix safety
    /// Renaming the key turns the setting on, which changes the load balancer: the fix is unsafe.
    ///
    /// ## References
    /// - Annotation keys: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/annotations/constants.go>
    /// - Ingress annotations: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/annotations.md>
    /// - Service annotations: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/annotations.md>
    /// - The catalog: `rules/lbc/annotations.yaml`
    pub struct LbcUnknownAnnotation {
        code: "LBC001",
        name: "lbc-unknown-annotation",
        family: Lbc,
        severity: Error,
        fix: Sometimes,
        safety: Unsafe,
        summary: "An annotation key under a load balancer controller prefix that the controller does not read",
    }
}

impl Rule for LbcUnknownAnnotation {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if super::support::lbc_kind(tree, obj).is_none() {
            return;
        }
        for a in super::support::annotations(tree, obj) {
            match lookup(a.key) {
                Lookup::Unknown => {
                    let sugg = suggest(a.key);
                    let f = ctx.report(
                        a.key_span,
                        match &sugg {
                            Some(s) => format!(
                                "unknown annotation `{}`: the controller ignores it; did you mean `{s}`?",
                                a.key
                            ),
                            None => format!(
                                "unknown annotation `{}`: the load balancer controller does not read this key and ignores it",
                                a.key
                            ),
                        },
                    );
                    f.label("not a key the controller reads");
                    if let Some(s) = sugg {
                        f.help(format!("rename the key to `{s}`"));
                        f.fix(Fix {
                            title: format!("rename to `{s}`"),
                            edits: vec![Edit {
                                span: a.key_span,
                                replacement: s,
                            }],
                            applicability: Applicability::Unsafe,
                        });
                    }
                }
                Lookup::BadTemplate(row) => {
                    let prefix = row.template_prefix().unwrap_or("");
                    let rest = &a.key[prefix.len()..];
                    let upper = format!("{prefix}{}", rest.to_ascii_uppercase());
                    let f = ctx.report(
                        a.key_span,
                        format!(
                            "the controller never reads `{}`: after `{prefix}` it expects {}, not `{rest}`",
                            a.key,
                            row.template_shape()
                        ),
                    );
                    f.label("key shape not matched");
                    if matches!(lookup(&upper), Lookup::Known(_)) {
                        f.help(format!("write `{upper}`"));
                        f.fix(Fix {
                            title: format!("rename to `{upper}`"),
                            edits: vec![Edit {
                                span: a.key_span,
                                replacement: upper,
                            }],
                            applicability: Applicability::Unsafe,
                        });
                    }
                }
                Lookup::Known(_) | Lookup::NotOurs => {}
            }
        }
    }
}
