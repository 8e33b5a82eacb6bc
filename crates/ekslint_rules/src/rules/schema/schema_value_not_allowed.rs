use ekslint_manifest::Object;
use ekslint_schema::{Problem, Violation};

use super::support::{self, Message};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a value outside the closed set its field accepts: `imagePullPolicy`,
    /// `restartPolicy` (narrower in workloads: only `Always` in a Deployment, `OnFailure` or
    /// `Never` in a Job), `protocol`, `pathType`, Service `type`, access modes, toleration and
    /// selector operators, update strategies, and the rest listed in
    /// `rules/schema/closed-sets.yaml`. The OpenAPI schema of built-in kinds has no enums there,
    /// so the sets are restated from the API server's validation code, each citing its source;
    /// for custom resources the CRD's `enum` is the set. Values are case-sensitive; an empty
    /// string is left alone (the API server defaults it).
    ///
    /// ## Why is this bad?
    /// The API server rejects the object (`Unsupported value: "IfNotPresant": supported values:
    /// "Always", "IfNotPresent", "Never"`), so the deploy fails.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx
    ///       imagePullPolicy: ifNotPresent
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx
    ///       imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## References
    /// - The sets and their sources: `rules/schema/closed-sets.yaml` (kubernetes/kubernetes `pkg/apis/*/validation/validation.go`)
    /// - Images and pull policies: <https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy>
    pub struct SchemaValueNotAllowed {
        code: "SCHEMA004",
        name: "schema-value-not-allowed",
        family: Schema,
        severity: Error,
        fix: None,
        summary: "A value outside the closed set of values its field accepts",
    }
}

impl Rule for SchemaValueNotAllowed {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        support::report_object(ctx, obj, message);
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        support::report_set(ctx, message);
    }
}

fn message(v: &Violation) -> Option<Message> {
    let Problem::NotAllowed { value, allowed, .. } = &v.problem else {
        return None;
    };
    let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
    let text = if allowed.len() == 1 {
        format!(
            "{} must be {} here, not `{value}`",
            support::at(&v.path),
            list[0]
        )
    } else {
        format!(
            "{} must be one of {}, not `{value}`",
            support::at(&v.path),
            list.join(", ")
        )
    };
    let close = allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .cloned()
        .or_else(|| ekslint_schema::validate::suggest(value, allowed.iter().map(String::as_str)));
    Some(Message {
        text,
        label: "not an accepted value".to_string(),
        help: close.map(|c| format!("did you mean `{c}`? (values are case-sensitive)")),
        related: None,
        info: false,
    })
}
