use ekslint_manifest::Object;
use ekslint_schema::{Problem, Violation};

use super::support::{self, Message};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a field the schema requires that the object does not have: a container without
    /// `name`, a Deployment without `spec.selector`, a custom resource without a field its CRD
    /// lists as `required`. The finding sits on the key of the map that lacks it.
    ///
    /// Partial objects are not reported: documents with strategic-merge-patch directives
    /// (`$patch`, `$setElementOrder/…`), objects with `metadata.generateName`, and files that a
    /// `kustomization.yaml` in the same directory lists under `patches`,
    /// `patchesStrategicMerge` or `patchesJson6902`. Unknown fields and wrong types are still
    /// reported in them.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object (`spec.template.spec.containers[0].name: Required
    /// value`), so the deploy fails.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - image: nginx
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
    /// ```
    ///
    /// ## References
    /// - The schema ekslint uses and its fix-ups: `rules/schema/kubernetes.txt`, docs/schema.md
    /// - Kustomize patches: <https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/>
    pub struct SchemaMissingField {
        code: "SCHEMA003",
        name: "schema-missing-field",
        family: Schema,
        severity: Error,
        fix: None,
        summary: "A field the object's schema requires is missing",
    }
}

impl Rule for SchemaMissingField {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        support::report_object(ctx, obj, message);
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        support::report_set(ctx, message);
    }
}

fn message(v: &Violation) -> Option<Message> {
    let Problem::Missing { field, owner, null } = &v.problem else {
        return None;
    };
    let what = match owner {
        Some(o) => format!("{o} {}", support::at(&v.path)),
        None => support::at(&v.path),
    };
    if *null {
        return Some(Message {
            text: format!(
                "{what}: the required field `{field}` is null, which the API server reads as empty"
            ),
            label: "null, but required".to_string(),
            help: Some(format!("give `{field}` a value")),
            related: None,
            info: false,
        });
    }
    Some(Message {
        text: format!("{what} lacks the required field `{field}`"),
        label: format!("`{field}` is required here"),
        help: Some(format!(
            "add `{field}`; if this file is a patch, list it under `patches` in its kustomization.yaml"
        )),
        related: None,
        info: false,
    })
}
