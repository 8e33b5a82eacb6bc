use ekslint_manifest::Object;
use ekslint_schema::{Problem, Violation};

use super::support::{self, Message};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Evaluates the `x-kubernetes-validations` CEL rules of a custom resource's CRD that need
    /// no old object (transition rules, which read `oldSelf`, only run on update and are
    /// skipped), and reports each rule that fails, with the rule's own message, at the field the
    /// rule is attached to (or its `fieldPath`).
    ///
    /// The rules of Karpenter's NodePool and EC2NodeClass are the KARP rules' (each is listed
    /// in `rules/karp/crd-cel.yaml` with the KARP rule that decides it), and IngressClassParams'
    /// one rule is LBC017's: SCHEMA008 leaves those to them. A rule that cannot be evaluated
    /// because it reads a required field the object lacks is reported once, as that missing
    /// field.
    ///
    /// ## Why is this bad?
    /// The API server evaluates the same rules and rejects the object
    /// (`spec.source: Invalid value: "object": exactly one of volumeSnapshotContentName and
    /// persistentVolumeClaimName must be set`), so the deploy fails.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata:
    ///   name: data-snap
    /// spec:
    ///   volumeSnapshotClassName: ebs-csi
    ///   source:
    ///     persistentVolumeClaimName: data
    ///     volumeSnapshotContentName: data-content
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata:
    ///   name: data-snap
    /// spec:
    ///   volumeSnapshotClassName: ebs-csi
    ///   source:
    ///     persistentVolumeClaimName: data
    /// ```
    ///
    /// ## References
    /// - Validation rules: <https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules>
    /// - The evaluator and its coverage of the bundled CRDs: docs/schema.md
    pub struct SchemaCelRule {
        code: "SCHEMA008",
        name: "schema-cel-rule",
        family: Schema,
        severity: Error,
        fix: None,
        summary: "A custom resource that fails an x-kubernetes-validations CEL rule of its CRD",
    }
}

impl Rule for SchemaCelRule {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        support::report_object(ctx, obj, message);
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        support::report_set(ctx, message);
    }
}

fn message(v: &Violation) -> Option<Message> {
    let Problem::Cel { rule, message, .. } = &v.problem else {
        return None;
    };
    Some(Message {
        text: format!("{}: {message}", support::at(&v.path)),
        label: "fails a validation rule of the CRD".to_string(),
        help: Some(format!("the rule: `{rule}`")),
        related: None,
        info: false,
    })
}
