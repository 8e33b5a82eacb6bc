use ekslint_manifest::Object;

use super::support::table::KARPENTER;
use super::support::{AWS_GROUP, EC2_NODE_CLASS, Version, edit, node_pool, text};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Checks a NodePool's `spec.template.spec.nodeClassRef`: v1 renamed `apiVersion` to `group`
    /// and requires `group`, `kind` and `name`, none of them empty; and the group and kind must
    /// name a node class that exists (`karpenter.k8s.aws` `EC2NodeClass`, or EKS Auto Mode's
    /// `eks.amazonaws.com` `NodeClass`).
    ///
    /// ## Why is this bad?
    /// "All NodeClassRef fields are now all required, and apiVersion has been renamed to group":
    /// a v1 NodePool with `apiVersion` or without `kind` is rejected by the API server (`group may
    /// not be empty`, `kind may not be empty`, `Required value`). The migration guide adds that
    /// "failing to do so will result in Karpenter being unable to operate". A group and kind
    /// that do not belong together name no class, so the NodePool never becomes Ready.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         apiVersion: karpenter.k8s.aws/v1beta1
    ///         name: default
    ///       requirements:
    ///         - key: kubernetes.io/arch
    ///           operator: In
    ///           values: ["amd64"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         group: karpenter.k8s.aws
    ///         kind: EC2NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: kubernetes.io/arch
    ///           operator: In
    ///           values: ["amd64"]
    /// ```
    ///
    /// ## Fix safety
    /// When the reference has `apiVersion` (or lacks `group` or `kind`) and the class it means is
    /// clear (an `karpenter.k8s.aws` EC2NodeClass, or an `eks.amazonaws.com` NodeClass), the fix
    /// writes `group` and `kind`. It is safe on a v1 NodePool and unsafe alone on a `v1beta1` one.
    ///
    /// ## References
    /// - Karpenter v1 migration Changelog, "All NodeClassRef fields are now all required":
    ///   aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - The v1 NodePool CRD (`nodeClassRef` required fields and CEL rules `group may not be empty`,
    ///   `kind may not be empty`, `name may not be empty`): `pkg/apis/crds/karpenter.sh_nodepools.yaml`
    /// - EKS Auto Mode NodePools (`group: eks.amazonaws.com`, `kind: NodeClass`):
    ///   awsdocs/amazon-eks-user-guide `latest/ug/automode/create-node-pool.adoc`
    pub struct KarpenterNodeClassRef {
        code: "KARP005",
        name: "karpenter-node-class-ref",
        family: Karp,
        severity: Error,
        fix: Sometimes,
        safety: Mixed,
        summary: "A NodePool's nodeClassRef uses apiVersion, lacks group, kind or name, or names no existing kind of node class",
    }
}

/// The node class kind that belongs to a group.
fn kind_of(group: &str) -> Option<&'static str> {
    if group == AWS_GROUP {
        Some(EC2_NODE_CLASS)
    } else if group == KARPENTER.auto_mode.node_class_group {
        Some(KARPENTER.auto_mode.node_class_kind.as_str())
    } else {
        None
    }
}

impl Rule for KarpenterNodeClassRef {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let src = ctx.text();
        let Some(version) = node_pool(tree, obj) else {
            return;
        };
        let Some(spec) = obj.get(tree, &["spec", "template", "spec"]) else {
            return;
        };
        let Some(ref_entry) = tree.get_entry(spec, "nodeClassRef") else {
            return;
        };
        let r = ref_entry.value;
        if !tree.is_map(r) {
            return;
        }
        let applicability = if version == Version::V1 {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        // Empty values (the CEL rules): reported on the value, no fix.
        for key in ["group", "kind", "name"] {
            if let Some(n) = tree.get(r, key)
                && tree.scalar_text(n) == Some("")
            {
                ctx.report(
                    tree.span(n),
                    format!(
                        "`nodeClassRef.{key}` may not be empty; {}",
                        version.verdict()
                    ),
                )
                .label("empty");
            }
        }
        let api = tree.get_entry(r, "apiVersion");
        let group = text(tree, r, "group");
        let kind = text(tree, r, "kind");
        // The group meant: written, or the group part of the old apiVersion.
        let meant_group = group.or_else(|| {
            api.and_then(|e| tree.scalar_text(e.value))
                .map(|v| v.split('/').next().unwrap_or(v))
        });
        let meant_kind = kind.or_else(|| meant_group.and_then(kind_of));
        if let Some(a) = api {
            let edits: Option<Vec<Edit>> = if group.is_some() {
                // Both written: drop apiVersion.
                edit::remove_entry(src, tree, r, &a).map(|e| vec![e])
            } else {
                meant_group
                    .filter(|g| kind_of(g).is_some())
                    .and_then(|g| {
                        let mut new = vec![("group", g)];
                        if kind.is_none() {
                            new.push(("kind", meant_kind?));
                        }
                        edit::replace_entry(src, tree, r, &a, &new)
                    })
                    .map(|e| vec![e])
            };
            let f = ctx.report(
                tree.span(a.key),
                format!(
                    "v1 renamed `nodeClassRef.apiVersion` to `group` (the API group without a version){}; {}",
                    if kind.is_none() { ", and requires `kind`" } else { "" },
                    version.verdict()
                ),
            );
            f.label("renamed to `group`");
            match (meant_group, meant_kind) {
                (Some(g), Some(k)) => f.help(format!("write `group: {g}` and `kind: {k}`")),
                _ => f.help("write `group` and `kind` of the node class, e.g. `group: karpenter.k8s.aws` and `kind: EC2NodeClass`"),
            };
            if let Some(edits) = edits {
                f.fix(Fix {
                    title: "write `group` and `kind` instead of `apiVersion`".to_string(),
                    edits,
                    applicability,
                });
            }
            return;
        }
        let missing: Vec<&str> = [
            ("group", group),
            ("kind", kind),
            ("name", text(tree, r, "name")),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k)
        .collect();
        if !missing.is_empty() {
            // What to write: known when the one written half names the other.
            let fill = |k: &str| -> Option<&str> {
                match k {
                    "group" => [AWS_GROUP, KARPENTER.auto_mode.node_class_group.as_str()]
                        .into_iter()
                        .find(|g| kind_of(g) == kind),
                    "kind" => group.and_then(kind_of),
                    _ => None,
                }
            };
            // One entry added at a time: two insertions at one place have no defined order.
            let edits: Option<Vec<Edit>> = match missing[..] {
                [k] => fill(k)
                    .and_then(|v| edit::insert_entry(src, tree, r, k, v))
                    .map(|e| vec![e]),
                _ => None,
            };
            let names = missing
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            let f = ctx.report(
                tree.span(ref_entry.key),
                format!(
                    "`nodeClassRef` lacks {names}, which v1 requires; {}",
                    version.verdict()
                ),
            );
            f.label(format!("{names} missing")).help(
                "a v1 reference has `group: karpenter.k8s.aws`, `kind: EC2NodeClass` and `name` (EKS Auto Mode: `group: eks.amazonaws.com`, `kind: NodeClass`)",
            );
            if let Some(edits) = edits {
                f.fix(Fix {
                    title: format!("add {names}"),
                    edits,
                    applicability,
                });
            }
            return;
        }
        // Both written: do they belong together?
        if let (Some(g), Some(k)) = (group, kind)
            && let Some(want) = kind_of(g)
            && k != want
            && !k.is_empty()
        {
            let n = tree.get(r, "kind").expect("kind is written");
            ctx.report(
                tree.span(n),
                format!("group `{g}` has no `{k}` node class: its kind is `{want}`, so this NodePool names no class and never becomes Ready"),
            )
            .label("wrong kind for the group")
            .help(format!("write `kind: {want}`, or the group of a `{k}`"));
        }
    }
}
