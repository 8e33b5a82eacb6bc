use ekslint_manifest::Object;
use ekslint_schema::{Problem, Violation};

use super::support::{self, Message};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a value of a custom resource that breaks a constraint of its CRD schema:
    /// `pattern`, `minLength`/`maxLength`, `minimum`/`maximum` (and their exclusive forms),
    /// `multipleOf`, `minItems`/`maxItems`, `minProperties`/`maxProperties`, the string
    /// `format`s the API server checks (`date-time`, `date`, `ipv4`, `ipv6`, `cidr`, `uuid`,
    /// `byte`), and `anyOf`/`oneOf`/`not`. The CRD comes from the input, `--context`, or the
    /// CRDs ekslint bundles (AWS Load Balancer Controller, Karpenter, EBS snapshots,
    /// SecurityGroupPolicy).
    ///
    /// ## Why is this bad?
    /// The API server validates custom resources against their CRD schema and rejects the
    /// object (`spec.weight: Invalid value: 200: spec.weight in body should be less than or
    /// equal to 100`), so the deploy fails.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   weight: 200
    ///   template:
    ///     spec:
    ///       nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
    ///       requirements: []
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   weight: 100
    ///   template:
    ///     spec:
    ///       nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
    ///       requirements: []
    /// ```
    ///
    /// ## References
    /// - Validation of custom resources: <https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation>
    /// - The bundled CRDs and their upstream commits: `rules/schema/crds/` (docs/schema.md)
    pub struct SchemaConstraint {
        code: "SCHEMA007",
        name: "schema-constraint",
        family: Schema,
        severity: Error,
        fix: None,
        summary: "A custom resource value that breaks a constraint of its CRD schema",
    }
}

impl Rule for SchemaConstraint {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        support::report_object(ctx, obj, message);
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        support::report_set(ctx, message);
    }
}

fn message(v: &Violation) -> Option<Message> {
    let Problem::Constraint { message } = &v.problem else {
        return None;
    };
    Some(Message {
        text: format!("{}: {message}", support::at(&v.path)),
        label: "rejected by the CRD schema".to_string(),
        help: None,
        related: None,
        info: false,
    })
}
