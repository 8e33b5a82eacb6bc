use ekslint_manifest::{NodeId, Object, Tree};

use super::support::{Version, node_pool};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Evaluates the validation rules of the v1 NodePool CRD about requirements, disruption
    /// budgets and static NodePools that the manifest decides on its own: an `In` requirement
    /// needs values; `Gt`, `Lt`, `Gte` and `Lte` need exactly one non-negative integer; a
    /// requirement with `minValues` needs at least that many values; a budget's `schedule` and
    /// `duration` come together; a static NodePool (`replicas` set) takes no `weight` and no
    /// limits other than `nodes`. Label keys are KARP012's.
    ///
    /// ## Why is this bad?
    /// The API server rejects the NodePool with the CRD's message (`requirements with operator
    /// 'In' must have a value defined`, …), so it is never created or updated.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   disruption:
    ///     consolidateAfter: 0s
    ///     budgets:
    ///       - nodes: "0"
    ///         schedule: "0 9 * * mon-fri"
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         group: karpenter.k8s.aws
    ///         kind: EC2NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: karpenter.k8s.aws/instance-category
    ///           operator: In
    ///           values: ["c", "m"]
    ///           minValues: 3
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   disruption:
    ///     consolidateAfter: 0s
    ///     budgets:
    ///       - nodes: "0"
    ///         schedule: "0 9 * * mon-fri"
    ///         duration: 8h
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         group: karpenter.k8s.aws
    ///         kind: EC2NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: karpenter.k8s.aws/instance-category
    ///           operator: In
    ///           values: ["c", "m", "r"]
    ///           minValues: 3
    /// ```
    ///
    /// ## References
    /// - The v1 NodePool CRD: aws/karpenter-provider-aws `pkg/apis/crds/karpenter.sh_nodepools.yaml`
    /// - Which CEL rule each KARP rule decides: `rules/karp/crd-cel.yaml`
    pub struct KarpenterNodePoolInvalid {
        code: "KARP011",
        name: "karpenter-node-pool-invalid",
        family: Karp,
        severity: Error,
        fix: None,
        summary: "A NodePool breaks a validation rule of the v1 CRD (requirements, budgets, static NodePools)",
    }
}

fn has(tree: &Tree, map: NodeId, key: &str) -> bool {
    tree.get(map, key).is_some_and(|v| !tree.is_null(v))
}

fn reject(ctx: &mut FileCtx<'_>, node: NodeId, crd_message: &str, help: &str) {
    let tree = ctx.tree();
    let f = ctx.report(
        tree.span(node),
        format!("the API server rejects this NodePool: \"{crd_message}\""),
    );
    f.label("rejected by the CRD");
    if !help.is_empty() {
        f.help(help.to_string());
    }
}

impl Rule for KarpenterNodePoolInvalid {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if node_pool(tree, obj) != Some(Version::V1) {
            return;
        }
        let Some(spec) = obj.get(tree, &["spec"]).filter(|s| tree.is_map(*s)) else {
            return;
        };
        if has(tree, spec, "replicas") {
            if let Some(e) = tree.get_entry(spec, "weight") {
                reject(
                    ctx,
                    e.key,
                    "'weight' is not supported on static NodePools",
                    "a static NodePool (`replicas` set) is not weighed against others: remove `weight`",
                );
            }
            if let Some(limits) = tree.get(spec, "limits") {
                for (k, e) in tree.string_entries(Some(limits)) {
                    if k != "nodes" {
                        reject(
                            ctx,
                            e.key,
                            "only 'limits.nodes' is supported on static NodePools",
                            "",
                        );
                    }
                }
            }
        }
        for &b in obj
            .get(tree, &["spec", "disruption", "budgets"])
            .and_then(|l| tree.items(l))
            .unwrap_or(&[])
        {
            let (s, d) = (tree.get_entry(b, "schedule"), tree.get_entry(b, "duration"));
            match (s, d) {
                (Some(s), None) => reject(
                    ctx,
                    s.key,
                    "'schedule' must be set with 'duration'",
                    "add `duration:` (how long the budget is active after each schedule hit, e.g. `8h`)",
                ),
                (None, Some(d)) => reject(
                    ctx,
                    d.key,
                    "'schedule' must be set with 'duration'",
                    "add a cron `schedule:`, or remove `duration`",
                ),
                _ => {}
            }
        }
        for &r in obj
            .get(tree, &["spec", "template", "spec", "requirements"])
            .and_then(|l| tree.items(l))
            .unwrap_or(&[])
        {
            let Some(op_node) = tree.get(r, "operator") else {
                continue;
            };
            let op = tree.scalar_text(op_node).unwrap_or("");
            let values: Vec<&str> = tree
                .get(r, "values")
                .and_then(|v| tree.items(v))
                .unwrap_or(&[])
                .iter()
                .filter_map(|&v| tree.scalar_text(v))
                .collect();
            if op == "In" && values.is_empty() {
                reject(
                    ctx,
                    op_node,
                    "requirements with operator 'In' must have a value defined",
                    "list the allowed values, or use `Exists`",
                );
            }
            if matches!(op, "Gt" | "Lt" | "Gte" | "Lte") {
                let ok = values.len() == 1 && values[0].parse::<i64>().is_ok_and(|n| n >= 0);
                let any_placeholder = values
                    .iter()
                    .any(|v| crate::support::placeholder::is_placeholder(v));
                if !ok && !any_placeholder {
                    reject(
                        ctx,
                        op_node,
                        "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value",
                        "write one non-negative integer, e.g. `values: [\"4\"]`",
                    );
                }
            }
            if op == "In"
                && let Some(m) = tree.get(r, "minValues")
                && let Some(min) = tree.scalar_text(m).and_then(|t| t.parse::<usize>().ok())
                && values.len() < min
            {
                reject(
                    ctx,
                    m,
                    "requirements with 'minValues' must have at least that many values specified in the 'values' field",
                    &format!("{} value(s) listed, {min} required", values.len()),
                );
            }
        }
    }
}
