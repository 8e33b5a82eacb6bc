use ekslint_manifest::{NodeId, Object, Tree};

use super::support::table::ApiTable;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an object reference whose `apiVersion` and `kind` the target Kubernetes version no
    /// longer serves: a HorizontalPodAutoscaler's `spec.scaleTargetRef` and the
    /// `describedObject` (`autoscaling/v2`) or `target` (`v2beta1`) of its `Object` metrics, a
    /// VerticalPodAutoscaler's `spec.targetRef`, and a KEDA ScaledObject's
    /// `spec.scaleTargetRef`. The fix rewrites the reference's `apiVersion` to the replacement.
    ///
    /// ## Why is this bad?
    /// The autoscaler applies without complaint, but it resolves its target through the API
    /// group and version written there. When that version is gone, every reconcile fails
    /// (`FailedGetScale: no matches for kind "Deployment" in group "extensions"`), and the
    /// workload silently stops scaling. This is common in manifests written before 1.16, where
    /// `extensions/v1beta1` Deployments were the norm.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: web
    /// spec:
    ///   scaleTargetRef:
    ///     apiVersion: extensions/v1beta1
    ///     kind: Deployment
    ///     name: web
    ///   minReplicas: 2
    ///   maxReplicas: 10
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: web
    /// spec:
    ///   scaleTargetRef:
    ///     apiVersion: apps/v1
    ///     kind: Deployment
    ///     name: web
    ///   minReplicas: 2
    ///   maxReplicas: 10
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the reference names the same object through the API version that serves it.
    ///
    /// ## References
    /// - HPA object references: <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/>
    /// - The table: `rules/api/deprecated-apis.yaml`
    pub struct ApiRemovedReference {
        code: "API005",
        name: "api-removed-reference",
        family: Api,
        severity: Error,
        fix: Sometimes,
        safety: Safe,
        summary: "An autoscaler's target reference names an apiVersion the target version no longer serves",
    }
}

/// The object references of the kinds this rule knows, as paths from the object root.
fn references(tree: &Tree, obj: &Object) -> Vec<NodeId> {
    let kind = obj.kind_str(tree).unwrap_or("");
    let group = obj.group(tree);
    let mut out = Vec::new();
    match (kind, group) {
        ("HorizontalPodAutoscaler", "autoscaling") => {
            out.extend(obj.get(tree, &["spec", "scaleTargetRef"]));
            let metrics = obj
                .get(tree, &["spec", "metrics"])
                .and_then(|m| tree.items(m))
                .unwrap_or(&[]);
            for &m in metrics {
                for path in [["object", "describedObject"], ["object", "target"]] {
                    out.extend(tree.path(m, &path));
                }
            }
        }
        ("VerticalPodAutoscaler", "autoscaling.k8s.io") => {
            out.extend(obj.get(tree, &["spec", "targetRef"]));
        }
        ("ScaledObject", "keda.sh") => out.extend(obj.get(tree, &["spec", "scaleTargetRef"])),
        _ => {}
    }
    out.retain(|&n| tree.is_map(n));
    out
}

impl Rule for ApiRemovedReference {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for r in references(tree, obj) {
            let (Some(av_node), Some(kind)) = (
                tree.get(r, "apiVersion"),
                tree.get(r, "kind").and_then(|k| tree.scalar_text(k)),
            ) else {
                continue;
            };
            let Some(api_version) = tree.scalar_text(av_node) else {
                continue;
            };
            let Some(row) = ApiTable::get().lookup(api_version, kind) else {
                continue;
            };
            if !row.is_kubernetes() {
                continue;
            }
            let Some(removed) = row.removed().filter(|r| ctx.target >= *r) else {
                continue;
            };
            let target = ctx.target;
            let span = tree.span(av_node);
            // Keep the value's quoting (JSON files quote every string).
            let raw = ctx.text().get(span.range()).unwrap_or("");
            let quote = raw.chars().next().filter(|c| *c == '"' || *c == '\'');
            let f = ctx.report(
                span,
                format!(
                    "this {} references `{api_version}` {kind}, which Kubernetes {removed} stopped serving (the target is {target}): the autoscaler cannot find its target and stops scaling",
                    obj.kind_str(tree).unwrap_or("object"),
                ),
            );
            match &row.replacement {
                Some(rep) => {
                    let replacement = match quote {
                        Some(q) => format!("{q}{rep}{q}"),
                        None => rep.clone(),
                    };
                    f.label(format!("use `{rep}`"))
                        .help(format!("write `apiVersion: {rep}` in the reference"))
                        .fix(Fix {
                            title: format!("Reference `{rep}`"),
                            edits: vec![Edit { span, replacement }],
                            applicability: Applicability::Safe,
                        });
                }
                None => {
                    f.label("not served");
                }
            }
        }
    }
}
