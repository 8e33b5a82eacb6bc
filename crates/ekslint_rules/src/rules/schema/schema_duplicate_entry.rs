use ekslint_manifest::Object;
use ekslint_schema::{Effect, Problem, Violation};

use super::support::{self, Message};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an item of a list that repeats the key of an earlier item where the API server
    /// accepts the object but warns: two `env` variables with the same `name`, two container
    /// ports with the same `containerPort` and `protocol`, two `imagePullSecrets` with the same
    /// `name`, two `hostAliases` with the same `ip` (`rules/schema/unique-keys.yaml`).
    ///
    /// ## Why is this bad?
    /// These lists are merged by that key (`x-kubernetes-list-map-keys`, the strategic merge
    /// key): the later item hides the earlier one, and the API server's own warning says the
    /// value "may be dropped when using apply". Server-side apply refuses such lists. It is a
    /// warning, not an error, because the first deploy succeeds.
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
    ///       env:
    ///         - {name: MODE, value: fast}
    ///         - {name: MODE, value: safe}
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
    ///       env:
    ///         - {name: MODE, value: safe}
    /// ```
    ///
    /// ## References
    /// - The API server's warnings: kubernetes/kubernetes `pkg/api/pod/warnings.go`
    /// - The lists: `rules/schema/unique-keys.yaml`
    pub struct SchemaDuplicateEntry {
        code: "SCHEMA006",
        name: "schema-duplicate-entry",
        family: Schema,
        severity: Warning,
        fix: None,
        summary: "Two items of a list share a merge key; the later hides the earlier and apply may drop one",
    }
}

impl Rule for SchemaDuplicateEntry {
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
        effect: Effect::Warned,
        ..
    } = &v.problem
    else {
        return None;
    };
    Some(Message {
        text: format!(
            "{} repeats `{key}` of an earlier item: it hides that item, and `kubectl apply` may drop one of them",
            support::at(&v.path)
        ),
        label: "duplicate".to_string(),
        help: Some("keep one item per key".to_string()),
        related: Some((*first, "first here".to_string())),
        info: false,
    })
}
