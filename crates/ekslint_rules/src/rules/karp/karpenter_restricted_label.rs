use ekslint_manifest::{Entry, NodeId, Object};

use super::support::table::KARPENTER;
use super::support::{AWS_GROUP, GROUP, Version, edit, node_labels, node_pool, restricted_domain};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Checks the label keys of a v1 NodePool (its requirements and its template's labels)
    /// against the CRD's restrictions: the `karpenter.sh` and `karpenter.k8s.aws` domains are
    /// reserved except for the well-known keys Karpenter itself sets (`karpenter.sh/capacity-type`,
    /// `karpenter.k8s.aws/instance-family`, …), and `karpenter.sh/nodepool` and
    /// `kubernetes.io/hostname` may not be used at all. A misspelt well-known key gets a "did
    /// you mean"; keys that earlier APIs had (`karpenter.sh/provisioner-name`,
    /// `karpenter.k8s.aws/instance-pods`) get what replaced them.
    ///
    /// ## Why is this bad?
    /// The API server rejects the NodePool (`label domain "karpenter.k8s.aws" is restricted`), so
    /// a typo such as `karpenter.k8s.aws/instance-familly` blocks the whole NodePool.
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
    ///         group: karpenter.k8s.aws
    ///         kind: EC2NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: karpenter.k8s.aws/instance-familly
    ///           operator: In
    ///           values: ["m5", "m6i"]
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
    ///         - key: karpenter.k8s.aws/instance-family
    ///           operator: In
    ///           values: ["m5", "m6i"]
    /// ```
    ///
    /// ## Fix safety
    /// A misspelt well-known key is replaced by the closest one. The fix is unsafe: the closest
    /// key is a guess.
    ///
    /// ## References
    /// - The v1 NodePool CRD's label rules: aws/karpenter-provider-aws
    ///   `pkg/apis/crds/karpenter.sh_nodepools.yaml`; the well-known labels:
    ///   `pkg/apis/v1/labels.go` and kubernetes-sigs/karpenter `pkg/apis/v1/labels.go`
    /// - Removed labels: aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1beta1-migration.md`
    pub struct KarpenterRestrictedLabel {
        code: "KARP012",
        name: "karpenter-restricted-label",
        family: Karp,
        severity: Error,
        fix: Sometimes,
        safety: Unsafe,
        summary: "A NodePool requirement or template label uses a key the CRD restricts (a reserved domain, karpenter.sh/nodepool, kubernetes.io/hostname)",
    }
}

/// Why a NodePool may not use `key`: the CRD's message, and what to write instead.
pub fn restriction(key: &str) -> Option<(String, Option<String>, Option<String>)> {
    if key == "karpenter.sh/nodepool" {
        return Some((
            "label \"karpenter.sh/nodepool\" is restricted".to_string(),
            Some("Karpenter sets `karpenter.sh/nodepool` on every node of the NodePool itself: remove it".to_string()),
            None,
        ));
    }
    if key == "kubernetes.io/hostname" {
        return Some((
            "label \"kubernetes.io/hostname\" is restricted".to_string(),
            Some("the kubelet sets the hostname label: remove it".to_string()),
            None,
        ));
    }
    let domain = restricted_domain(key)?;
    let allowed: Vec<&str> = match domain {
        GROUP => KARPENTER
            .requirement_keys_karpenter_sh
            .iter()
            .map(String::as_str)
            .collect(),
        AWS_GROUP => node_labels(AWS_GROUP).iter().map(String::as_str).collect(),
        _ => return None,
    };
    if allowed.contains(&key) {
        return None;
    }
    let message = format!("label domain \"{domain}\" is restricted");
    if let Some(r) = KARPENTER.removed_labels.iter().find(|r| r.key == key) {
        return Some((message, Some(format!("`{key}` is gone: {}", r.note)), None));
    }
    let near = crate::support::suggest::closest(key, allowed.iter().copied());
    Some((
        message,
        Some(match near {
            Some(n) => format!("did you mean `{n}`?"),
            None => format!(
                "only Karpenter's well-known `{domain}` keys may be used; pick another domain for your own labels"
            ),
        }),
        near.map(str::to_string),
    ))
}

impl Rule for KarpenterRestrictedLabel {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if node_pool(tree, obj) != Some(Version::V1) {
            return;
        }
        let Some(template) = obj.get(tree, &["spec", "template"]) else {
            return;
        };
        // (map, entry, key node, the key): labels are renamed as keys, requirements as values.
        let mut keys: Vec<(NodeId, Entry, bool, &str)> = Vec::new();
        if let Some(labels) = tree.path(template, &["metadata", "labels"]) {
            for (k, e) in tree.string_entries(Some(labels)) {
                keys.push((labels, e, true, k));
            }
        }
        for &r in tree
            .path(template, &["spec", "requirements"])
            .and_then(|l| tree.items(l))
            .unwrap_or(&[])
        {
            if let Some(e) = tree.get_entry(r, "key")
                && let Some(k) = tree.scalar_text(e.value)
            {
                keys.push((r, e, false, k));
            }
        }
        for (map, e, is_label, key) in keys {
            let Some((message, help, fix_to)) = restriction(key) else {
                continue;
            };
            let node = if is_label { e.key } else { e.value };
            let text = ctx.text();
            let edit = fix_to.as_deref().and_then(|to| {
                if is_label {
                    edit::rename_key(text, tree, map, &e, to)
                } else {
                    edit::replace_value(text, tree, map, &e, to)
                }
            });
            let f = ctx.report(
                tree.span(node),
                format!("the API server rejects this NodePool: \"{message}\" (`{key}`)"),
            );
            f.label("restricted key");
            if let Some(h) = help {
                f.help(h);
            }
            if let (Some(edit), Some(to)) = (edit, fix_to) {
                f.fix(Fix {
                    title: format!("use `{to}`"),
                    edits: vec![edit],
                    applicability: Applicability::Unsafe,
                });
            }
        }
    }
}
