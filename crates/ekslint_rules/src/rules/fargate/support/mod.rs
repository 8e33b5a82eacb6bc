//! Shared helpers of the FARGATE rules: the table, where a pod runs (its own selector or a
//! configured Fargate profile), its Fargate size, label selectors, and the cross-object facts.

pub mod facts;
pub mod placement;
pub mod selector;
pub mod size;
pub mod table;

use ekslint_manifest::{Object, Tree};

pub use placement::OnFargate;
pub use table::FARGATE;

use crate::finding::Finding;

/// Label the reason a pod is on Fargate: its selector, or (for a profile) the object's
/// namespace, when written.
pub fn mark(f: &mut Finding, tree: &Tree, obj: &Object, on: &OnFargate<'_>) {
    match on {
        OnFargate::Selector(n) => {
            f.with_label(tree.span(*n), "pinned to Fargate here");
        }
        OnFargate::Profile(p, _) => {
            if let Some(ns) = obj.namespace {
                f.with_label(
                    ns.value,
                    format!("selected by Fargate profile `{}`", p.name),
                );
            }
        }
    }
}
