use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::go::{IntError, parse_go_int};

use super::support::catalog::CATALOG;

declare_rule! {
    /// ## What it does
    /// Reports an invalid IngressGroup annotation: `alb.ingress.kubernetes.io/group.name` that is
    /// not lower-case alphanumerics, `-` and `.` starting and ending with an alphanumeric, or is
    /// longer than 63 characters; `alb.ingress.kubernetes.io/group.order` that is not an integer
    /// in [-1000, 1000]. The same name rule applies to `spec.group.name` of an IngressClassParams.
    ///
    /// ## Why is this bad?
    /// An invalid group name is not rejected at admission: the Ingress gets a
    /// `FailedLoadGroupID` warning event and is never reconciled (an Ingress that was in the group
    /// is taken out and its rules are removed). An order out of range fails the whole group.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/group.name: Shared_Web
    ///     alb.ingress.kubernetes.io/group.order: "2000"
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
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/group.name: shared-web
    ///     alb.ingress.kubernetes.io/group.order: "200"
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
    ///
    /// ## References
    /// - IngressGroup: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/annotations.md#ingressgroup>
    /// - Validation: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/ingress/group_loader.go>
    pub struct LbcGroupInvalid {
        code: "LBC009",
        name: "lbc-group-invalid",
        family: Lbc,
        severity: Error,
        fix: None,
        summary: "An IngressGroup name or order the controller rejects",
    }
}

/// Why a group name is invalid, if it is.
pub fn group_name_problem(name: &str) -> Option<String> {
    let max = CATALOG.group_name.max_len;
    if name.len() > max {
        return Some(format!(
            "group name `{name}` is {} characters long; at most {max} are allowed",
            name.len()
        ));
    }
    let ok_char = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let b = name.as_bytes();
    let valid = !b.is_empty()
        && ok_char(b[0])
        && ok_char(b[b.len() - 1])
        && b.iter().all(|&c| ok_char(c) || c == b'-' || c == b'.');
    (!valid).then(|| {
        format!(
            "group name `{name}` is invalid: use lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit"
        )
    })
}

impl Rule for LbcGroupInvalid {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.kind_str(tree) == Some("IngressClassParams")
            && let Some(n) = obj.get(tree, &["spec", "group", "name"])
            && let Some(name) = tree.as_str(n)
            && let Some(p) = group_name_problem(name)
        {
            ctx.report(tree.span(n), p)
                .label("invalid group name")
                .help("no Ingress of this class is reconciled until the name is fixed");
        }
        if super::support::lbc_kind(tree, obj) != Some("Ingress") {
            return;
        }
        if let Some((name, span)) =
            super::support::ann(tree, obj, "alb.ingress.kubernetes.io/group.name")
            && let Some(p) = group_name_problem(name)
        {
            let suggestion: String = name
                .to_ascii_lowercase()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
                .trim_matches(['-', '.'])
                .chars()
                .take(CATALOG.group_name.max_len)
                .collect();
            let f = ctx.report(
                span,
                format!("{p}; the controller never reconciles this Ingress"),
            );
            f.label("invalid group name");
            if group_name_problem(&suggestion).is_none() {
                f.help(format!("for example `{suggestion}`"));
            }
        }
        if let Some((order, span)) =
            super::support::ann(tree, obj, "alb.ingress.kubernetes.io/group.order")
        {
            let msg = match parse_go_int(order, 32) {
                Err(IntError::Syntax) => Some(format!(
                    "`group.order` must be a base-10 integer, not `{order}`"
                )),
                Err(IntError::Range) => {
                    Some(format!("`group.order` {order} does not fit in an int32"))
                }
                Ok(v) if !(-1000..=1000).contains(&v) => Some(format!(
                    "`group.order` is {v}, but it must be within [-1000, 1000]: the whole IngressGroup fails"
                )),
                Ok(_) => None,
            };
            if let Some(m) = msg {
                ctx.report(span, m).label("invalid group order");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::group_name_problem;

    #[test]
    fn names() {
        assert!(group_name_problem("shared-web.prod1").is_none());
        assert!(group_name_problem("a").is_none());
        assert!(group_name_problem("Web").is_some());
        assert!(group_name_problem("web-").is_some());
        assert!(group_name_problem("my_group").is_some());
        assert!(group_name_problem("").is_some());
        assert!(group_name_problem(&"a".repeat(64)).is_some());
    }
}
