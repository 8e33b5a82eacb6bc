use ekslint_manifest::Object;
use ekslint_schema::{Effect, Problem, Violation};

use super::support::{self, Message};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an item of a list that repeats the key of an earlier item where the API server
    /// rejects duplicates: two containers (or init containers) with the same `name`, two
    /// volumes with the same `name`, two volume mounts at the same `mountPath`, two Service
    /// ports with the same `name` or the same `port` and `protocol`, two container ports with
    /// the same `name`, two topology spread constraints with the same `topologyKey` and
    /// `whenUnsatisfiable`; and, in custom resources, items of `x-kubernetes-list-type: map`
    /// lists with the same `x-kubernetes-list-map-keys`, or repeated items of `set` lists.
    /// The lists and their sources are in `rules/schema/unique-keys.yaml`. Duplicates the API
    /// server only warns about are SCHEMA006.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object (`spec.template.spec.containers[1].name: Duplicate
    /// value: "web"`), so the deploy fails.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: {app: web}
    ///   ports:
    ///     - {name: http, port: 80}
    ///     - {name: http, port: 8080}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: {app: web}
    ///   ports:
    ///     - {name: http, port: 80}
    ///     - {name: http-alt, port: 8080}
    /// ```
    ///
    /// ## References
    /// - The lists and their sources: `rules/schema/unique-keys.yaml` (kubernetes/kubernetes `pkg/apis/core/validation/validation.go`)
    /// - List types of custom resources: <https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy>
    pub struct SchemaDuplicateKey {
        code: "SCHEMA005",
        name: "schema-duplicate-key",
        family: Schema,
        severity: Error,
        fix: None,
        summary: "Two items of a list share the key the API server requires to be unique",
    }
}

impl Rule for SchemaDuplicateKey {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        support::report_object(ctx, obj, message);
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        support::report_set(ctx, message);
    }
}

fn message(v: &Violation) -> Option<Message> {
    let Problem::Duplicate {
        key,
        first,
        effect: Effect::Rejected,
        ..
    } = &v.problem
    else {
        return None;
    };
    Some(Message {
        text: format!(
            "{} repeats `{key}` of an earlier item: the API server rejects duplicates",
            support::at(&v.path)
        ),
        label: "duplicate".to_string(),
        help: Some("give each item its own key, or merge the two items".to_string()),
        related: Some((*first, "first here".to_string())),
        info: false,
    })
}
