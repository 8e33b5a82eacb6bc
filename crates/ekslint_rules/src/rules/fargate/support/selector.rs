//! Kubernetes label selectors (`matchLabels` and `matchExpressions`, or a Service's plain map),
//! reduced to what cross-object rules compare: names and values, no trees.

use ekslint_manifest::{NodeId, Tree};

/// One `matchExpressions` item: key, operator, values.
pub type Expression = (Box<str>, Box<str>, Vec<Box<str>>);

#[derive(Clone, Debug, Default)]
pub struct LabelSelector {
    pub match_labels: Vec<(Box<str>, Box<str>)>,
    pub match_expressions: Vec<Expression>,
}

impl LabelSelector {
    /// A `metav1.LabelSelector` map.
    pub fn of(tree: &Tree, node: NodeId) -> LabelSelector {
        let match_labels = plain(tree, tree.get(node, "matchLabels"));
        let match_expressions = tree
            .get(node, "matchExpressions")
            .and_then(|l| tree.items(l))
            .unwrap_or(&[])
            .iter()
            .filter_map(|&e| {
                let t = |k: &str| tree.get(e, k).and_then(|n| tree.scalar_text(n));
                Some((
                    t("key")?.into(),
                    t("operator")?.into(),
                    tree.get(e, "values")
                        .and_then(|v| tree.items(v))
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(|&v| tree.scalar_text(v).map(Into::into))
                        .collect(),
                ))
            })
            .collect();
        LabelSelector {
            match_labels,
            match_expressions,
        }
    }

    /// A Service's selector: a plain map.
    pub fn plain(tree: &Tree, node: Option<NodeId>) -> LabelSelector {
        LabelSelector {
            match_labels: plain(tree, node),
            match_expressions: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Does it select an object with `labels`? `None` for an operator it does not know.
    pub fn matches(&self, labels: &[(Box<str>, Box<str>)]) -> Option<bool> {
        let get = |k: &str| labels.iter().find(|(lk, _)| **lk == *k).map(|(_, v)| &**v);
        if !self.match_labels.iter().all(|(k, v)| get(k) == Some(&**v)) {
            return Some(false);
        }
        for (k, op, values) in &self.match_expressions {
            let v = get(k);
            let ok = match &**op {
                "In" => v.is_some_and(|v| values.iter().any(|x| **x == *v)),
                "NotIn" => v.is_none_or(|v| values.iter().all(|x| **x != *v)),
                "Exists" => v.is_some(),
                "DoesNotExist" => v.is_none(),
                _ => return None,
            };
            if !ok {
                return Some(false);
            }
        }
        Some(true)
    }
}

fn plain(tree: &Tree, node: Option<NodeId>) -> Vec<(Box<str>, Box<str>)> {
    tree.string_entries(node)
        .into_iter()
        .filter_map(|(k, e)| Some((k.into(), tree.scalar_text(e.value)?.into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_like_kubernetes() {
        let f = ekslint_manifest::parse_str(
            "s.yaml",
            "matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [front, edge]}\n- {key: canary, operator: DoesNotExist}\n",
        );
        let s = LabelSelector::of(&f.tree, f.documents[0].root.unwrap());
        let l = |pairs: &[(&str, &str)]| -> Vec<(Box<str>, Box<str>)> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect()
        };
        assert_eq!(
            s.matches(&l(&[("app", "web"), ("tier", "edge")])),
            Some(true)
        );
        assert_eq!(
            s.matches(&l(&[("app", "web"), ("tier", "back")])),
            Some(false)
        );
        assert_eq!(
            s.matches(&l(&[("app", "web"), ("tier", "edge"), ("canary", "1")])),
            Some(false)
        );
        assert_eq!(s.matches(&l(&[("tier", "edge")])), Some(false));
        assert_eq!(LabelSelector::default().matches(&l(&[])), Some(true));
    }
}
