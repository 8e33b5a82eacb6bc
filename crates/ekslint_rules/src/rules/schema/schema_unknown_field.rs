use ekslint_manifest::Object;
use ekslint_schema::{Problem, Violation};

use super::support::{self, Message};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a field that the schema of the object does not have: for built-in kinds, the
    /// OpenAPI schema of the target Kubernetes version (generated from k8s-openapi); for a
    /// custom resource, the `openAPIV3Schema` of its CRD (from the input, `--context`, or the
    /// CRDs ekslint bundles). Where the schema has a field with a close name, it is suggested.
    /// Patch directives (`$patch`, `$setElementOrder/…`) are not fields and are not reported.
    ///
    /// ## Why is this bad?
    /// Since Kubernetes 1.27 `kubectl apply` asks the API server for strict field validation,
    /// which rejects the object: `strict decoding error: unknown field
    /// "spec.template.spec.containers[0].resource"`. Where validation is off (older clients,
    /// `--validate=false`, some GitOps tools) the field is silently dropped, and the setting
    /// the author meant (`resources`, `containerPort`) never applies. It is an error because the
    /// default deploy path fails.
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
    ///       resource:
    ///         limits: {memory: 256Mi}
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
    ///       resources:
    ///         limits: {memory: 256Mi}
    /// ```
    ///
    /// ## References
    /// - Field validation (strict by default since 1.27): <https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation>
    /// - The schema ekslint uses: `rules/schema/kubernetes.txt`, generated from k8s-openapi (docs/schema.md)
    /// - CRD pruning of unknown fields: <https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#field-pruning>
    pub struct SchemaUnknownField {
        code: "SCHEMA001",
        name: "schema-unknown-field",
        family: Schema,
        severity: Error,
        fix: None,
        summary: "A field the object's API schema or CRD schema does not have",
    }
}

impl Rule for SchemaUnknownField {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        support::report_object(ctx, obj, message);
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        support::report_set(ctx, message);
    }
}

fn message(v: &Violation) -> Option<Message> {
    let Problem::UnknownField {
        field,
        suggestion,
        owner,
        ..
    } = &v.problem
    else {
        return None;
    };
    let of = match owner {
        Some(o) => format!("a field of {o}"),
        None => "a field here".to_string(),
    };
    Some(Message {
        text: match suggestion {
            Some(s) => format!(
                "unknown field `{}`: `{field}` is not {of}; did you mean `{s}`?",
                v.path
            ),
            None => format!(
                "unknown field `{}`: `{field}` is not {of}, so `kubectl apply` rejects it or the API server drops it",
                v.path
            ),
        },
        label: "unknown field".to_string(),
        help: Some(match suggestion {
            Some(s) if s.contains('.') => format!(
                "move it under `{}`",
                s.rsplit_once('.').map_or("", |(p, _)| p)
            ),
            Some(s) => format!("rename it to `{s}`"),
            None => "remove it, or check its spelling and the level it is indented at".to_string(),
        }),
        related: None,
        info: false,
    })
}
