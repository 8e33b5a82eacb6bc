//! Where a pod runs, as far as the input and the configuration tell: on Fargate when its own
//! required node selector says `eks.amazonaws.com/compute-type: fargate`, or when a Fargate
//! profile of `.ekslint.yaml` (`fargate-profiles:`) selects its namespace and labels. Without
//! either, nothing is assumed: a pod without a selector may run anywhere, and the Fargate rules
//! stay silent on it. CSI008 (volumes on Fargate) reads the same decision.

use ekslint_manifest::pod::label_constraints;
use ekslint_manifest::{NodeId, Object, Tree};

use super::table::FARGATE;
use crate::config::{FargateProfile, FargateSelector};
use crate::index::Namespace;
use crate::settings::Settings;

/// Why a pod runs on Fargate.
#[derive(Clone, Debug)]
pub enum OnFargate<'s> {
    /// Its required node selector (the value node of `eks.amazonaws.com/compute-type: fargate`).
    Selector(NodeId),
    /// A Fargate profile of the configuration selects it.
    Profile(&'s FargateProfile, &'s FargateSelector),
}

impl OnFargate<'_> {
    /// How a message says it: "this pod is pinned to Fargate" / "Fargate profile `x` selects
    /// this pod (namespace `batch-*`)".
    pub fn describe(&self) -> String {
        match self {
            OnFargate::Selector(_) => {
                "this pod is pinned to Fargate (`eks.amazonaws.com/compute-type: fargate`)"
                    .to_string()
            }
            OnFargate::Profile(p, s) => profile_phrase(p, s),
        }
    }
}

/// "Fargate profile `batch` (namespace `batch-*`, labels `tier=worker`) selects this pod".
pub fn profile_phrase(p: &FargateProfile, s: &FargateSelector) -> String {
    let mut sel = format!("namespace `{}`", s.namespace);
    if !s.labels.is_empty() {
        let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        sel.push_str(&format!(", labels `{}`", labels.join(",")));
    }
    format!("Fargate profile `{}` ({sel}) selects this pod", p.name)
}

/// The value node of a required `eks.amazonaws.com/compute-type: fargate` constraint
/// (`nodeSelector`, or a required node-affinity `In` whose only value is `fargate`).
pub fn fargate_selector(tree: &Tree, pod_spec: NodeId) -> Option<NodeId> {
    label_constraints(tree, pod_spec).into_iter().find_map(|c| {
        (c.source.is_required()
            && c.key == FARGATE.compute_type_label
            && c.operator == "In"
            && c.values.len() == 1
            && c.values[0].0 == FARGATE.fargate_value)
            .then(|| c.values[0].1)
    })
}

/// The pod's labels: a Pod's own, or the pod template's.
pub fn pod_labels<'t>(tree: &'t Tree, obj: &Object) -> Vec<(&'t str, &'t str)> {
    tree.string_entries(obj.pod_metadata(tree).and_then(|m| tree.get(m, "labels")))
        .into_iter()
        .filter_map(|(k, e)| Some((k, tree.scalar_text(e.value)?)))
        .collect()
}

/// The first configured profile (and selector) that selects a pod in `namespace` with `labels`.
/// Fargate itself picks the alphabetically first profile; any match means Fargate.
pub fn profile_for<'s, 'a>(
    settings: &'s Settings,
    namespace: &str,
    labels: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
) -> Option<(&'s FargateProfile, &'s FargateSelector)> {
    settings
        .fargate_profiles
        .iter()
        .find_map(|p| Some((p, p.selecting(namespace, labels.clone())?)))
}

/// Does this workload run on Fargate? Its own selector first, then the configured profiles.
pub fn on_fargate<'s>(tree: &Tree, obj: &Object, settings: &'s Settings) -> Option<OnFargate<'s>> {
    let pod = obj.pod_spec(tree).filter(|p| tree.is_map(*p))?;
    if let Some(n) = fargate_selector(tree, pod) {
        return Some(OnFargate::Selector(n));
    }
    if settings.fargate_profiles.is_empty() {
        return None;
    }
    // Empty when the deploy tool sets it: then only a selector for every namespace applies.
    let ns = Namespace::as_text(obj.namespace_str(tree));
    let labels = pod_labels(tree, obj);
    profile_for(settings, ns, labels.iter().copied()).map(|(p, s)| OnFargate::Profile(p, s))
}
