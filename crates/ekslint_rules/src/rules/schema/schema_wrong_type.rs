use ekslint_manifest::Object;
use ekslint_schema::{Problem, Violation};

use super::support::{self, Message};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a value whose type is not the one the schema gives its field: a quoted number
    /// where an integer goes (`replicas: "2"`), a map where a list goes, a number with a
    /// fraction in an integer field, an integer beyond 32 bits in an `int32` field, a quantity
    /// that does not parse (`memory: 1 GB`), Secret `data` that is not base64, a timestamp that
    /// is not RFC 3339. Values are read as Kubernetes reads YAML (YAML 1.1), so an unquoted
    /// `yes` in a string field is a boolean here too; where YAML004 (non-string-value) already
    /// reports such a value (labels, annotations, env values, …), this rule leaves it to YAML004.
    /// `null` counts as unset for built-in kinds, as the API server treats it.
    ///
    /// A template placeholder where a non-string value goes (`replicas: ${REPLICAS}`,
    /// `lun: <LUN>`) is reported at info level: it is right once the file is rendered, but
    /// the file cannot be applied as it is. Placeholders in string fields are not reported.
    ///
    /// ## Why is this bad?
    /// The API server cannot decode the object and rejects it (`cannot unmarshal string into Go
    /// struct field DeploymentSpec.spec.replicas of type int32`, `quantities must match the
    /// regular expression`), so the deploy fails.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: "2"
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 2
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx
    /// ```
    ///
    /// ## References
    /// - Quantities: <https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/>
    /// - YAML 1.1 scalars in Kubernetes: YAML004 (non-string-value)
    /// - The schema ekslint uses: `rules/schema/kubernetes.txt`, generated from k8s-openapi (docs/schema.md)
    pub struct SchemaWrongType {
        code: "SCHEMA002",
        name: "schema-wrong-type",
        family: Schema,
        severity: Error,
        fix: None,
        summary: "A value whose type is not the one its field's schema requires",
        placeholders: Judged,
    }
}

impl Rule for SchemaWrongType {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        support::report_object(ctx, obj, message);
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        support::report_set(ctx, message);
    }
}

fn message(v: &Violation) -> Option<Message> {
    let Problem::WrongType {
        expected,
        found,
        detail,
        template,
    } = &v.problem
    else {
        return None;
    };
    let at = support::at(&v.path);
    if *template {
        // `${REPLICAS}` where an integer goes: right once rendered, but not as it is.
        return Some(Message {
            text: format!("{at} holds a template placeholder where the API needs {expected}"),
            label: "unrendered placeholder".to_string(),
            help: Some(
                "render the file (envsubst, Helm, Kustomize replacements) before it is applied: \
                 `kubectl apply` rejects it as it is"
                    .to_string(),
            ),
            related: None,
            info: true,
        });
    }
    let text = match detail {
        Some(d) => format!("{at} must be {expected}: {d}"),
        None => format!("{at} must be {expected}, not a {found}"),
    };
    let help = match (*expected, *found) {
        _ if detail.is_some() => None,
        (e, "string") if e.contains("integer") || e.contains("number") || e.contains("boolean") => {
            Some("write the value without quotes".to_string())
        }
        ("a string", _) => Some("quote the value".to_string()),
        (e, _) if e.contains("map") || e.contains("list") => {
            Some("check the indentation and the form this field takes".to_string())
        }
        _ => None,
    };
    Some(Message {
        text,
        label: match detail {
            Some(_) => "invalid value".to_string(),
            None => format!("{found}, not {expected}"),
        },
        help,
        related: None,
        info: false,
    })
}
