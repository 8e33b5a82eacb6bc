//! The PORT family's helpers: its tables, where objects schedule pods, zone names, image
//! references, the per-set facts, and what several rules ask of an object's annotations.

pub mod facts;
pub mod images;
pub mod pods;
pub mod table;
pub mod zones;

use ekslint_manifest::{Entry, NodeId, Object, Tree};

use crate::finding::{Applicability, Edit, Fix};
use table::{AnnotationRow, Effect, Exposure, PrefixRow};

/// One annotation of an object, with the kind it is read for (`Pod` for pod metadata).
pub struct Annotation<'t> {
    pub key: &'t str,
    pub entry: Entry,
    /// The kind the annotation's owner is read as: the object's kind, or `Pod` for a pod
    /// template's annotations.
    pub on: &'t str,
    /// The map the annotation sits in (to look for its AWS replacement beside it).
    pub map: NodeId,
}

/// The annotations of an object and of its pod template.
pub fn annotations<'t>(tree: &'t Tree, obj: &Object) -> Vec<Annotation<'t>> {
    let mut out = Vec::new();
    let Some(kind) = obj.kind_str(tree) else {
        return out;
    };
    let own = obj.get(tree, &["metadata", "annotations"]);
    let pod = if kind == "Pod" {
        None
    } else {
        obj.pod_template_metadata(tree)
            .and_then(|m| tree.get(m, "annotations"))
    };
    for (map, on) in [(own, kind), (pod, "Pod")] {
        let Some(map) = map else { continue };
        for (key, entry) in tree.string_entries(Some(map)) {
            out.push(Annotation {
                key,
                entry,
                on,
                map,
            });
        }
    }
    out
}

/// Is one of `keys` set on the object: an annotation beside the foreign one, or a `spec.<field>`
/// with a value?
pub fn has_any(tree: &Tree, obj: &Object, map: NodeId, keys: &[String]) -> Option<String> {
    keys.iter()
        .find(|k| match k.strip_prefix("spec.") {
            Some(field) => obj
                .get(tree, &["spec", field])
                .is_some_and(|n| !tree.is_null(n) && tree.items(n).is_none_or(|i| !i.is_empty())),
            None => tree.get(map, k).is_some(),
        })
        .cloned()
}

/// The text of a plain or quoted scalar with its content replaced and its quotes kept (a JSON
/// key stays a quoted JSON string, a single-quoted YAML value stays single-quoted). `None` for
/// block scalars and for contents the quoting cannot hold as is.
pub fn replace_scalar(source: &str, span: ekslint_manifest::Span, new: &str) -> Option<String> {
    let text = source.get(span.range())?;
    let quote = text.chars().next()?;
    if quote == '"' || quote == '\'' {
        if text.len() < 2 || !text.ends_with(quote) || new.contains(quote) || new.contains('\\') {
            return None;
        }
        return Some(format!("{quote}{new}{quote}"));
    }
    if text.contains('\n') || matches!(quote, '|' | '>') {
        return None;
    }
    Some(new.to_string())
}

/// `new` written in a scalar style that holds it as is: the same quotes, or plain. `None` for
/// block scalars and for text the quotes cannot hold without escapes.
pub fn in_style(style: ekslint_manifest::ScalarStyle, new: &str) -> Option<String> {
    use ekslint_manifest::ScalarStyle;
    let q = match style {
        ScalarStyle::Plain => return Some(new.to_string()),
        ScalarStyle::SingleQuoted => '\'',
        ScalarStyle::DoubleQuoted => '"',
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    (!new.contains(q) && !new.contains('\\')).then(|| format!("{q}{new}{q}"))
}

/// A fix that replaces one scalar's content.
pub fn rename_fix(
    source: &str,
    span: ekslint_manifest::Span,
    new: &str,
    title: String,
    applicability: Applicability,
) -> Option<Fix> {
    Some(Fix {
        title,
        edits: vec![Edit {
            span,
            replacement: replace_scalar(source, span, new)?,
        }],
        applicability,
    })
}

/// `spec.type: LoadBalancer` on a Service.
pub fn is_load_balancer(tree: &Tree, obj: &Object) -> bool {
    obj.is_core(tree, "Service")
        && obj
            .get(tree, &["spec", "type"])
            .and_then(|n| tree.scalar_text(n))
            == Some("LoadBalancer")
}

/// The Service's `spec.loadBalancerClass` names the AWS Load Balancer Controller's or EKS
/// Auto Mode's NLB class.
pub fn has_aws_class(tree: &Tree, obj: &Object) -> bool {
    obj.get(tree, &["spec", "loadBalancerClass"])
        .and_then(|n| tree.scalar_text(n))
        .is_some_and(|c| {
            crate::rules::lbc::support::catalog::CATALOG
                .nlb_class(c)
                .is_some()
        })
}

/// Which PORT rule owns an annotation of another platform, and why.
#[derive(Clone, Debug)]
pub enum Judgement {
    /// It decided who reaches the load balancer and nothing on EKS replaces it (PORT001).
    /// `internal`: what the scheme key asked for (`None` for source restrictions).
    Exposure {
        row: &'static AnnotationRow,
        internal: Option<bool>,
    },
    /// A feature lost on EKS (PORT006).
    Lost(&'static AnnotationRow),
    /// A harmless leftover (PORT007).
    Leftover(Leftover),
}

/// Why an annotation is only a leftover.
#[derive(Clone, Debug)]
pub enum Leftover {
    /// The table says there is nothing to replace.
    Row(&'static AnnotationRow),
    /// Its AWS equivalent (this key or field) is set on the object.
    Ported(&'static AnnotationRow, String),
    /// A load balancer setting on a Service that is not `type: LoadBalancer`.
    NotLoadBalancer(&'static AnnotationRow),
    /// On a kind the platform does not read it from.
    WrongKind(&'static AnnotationRow),
    /// An internal scheme on a Service of the AWS NLB class, whose default is internal.
    SchemeMatches(&'static AnnotationRow),
    /// A key under a platform's prefix that the table has no row for.
    Unknown(&'static PrefixRow),
}

/// The judgement of one annotation; `None` when no other platform owns it.
pub fn judge_annotation(tree: &Tree, obj: &Object, a: &Annotation<'_>) -> Option<Judgement> {
    let Some(row) = table::annotation(a.key) else {
        return table::annotation_prefix(a.key).map(|p| Judgement::Leftover(Leftover::Unknown(p)));
    };
    if !row.applies_to(a.on) {
        return Some(Judgement::Leftover(Leftover::WrongKind(row)));
    }
    if let Some(k) = has_any(tree, obj, a.map, &row.ported_by) {
        return Some(Judgement::Leftover(Leftover::Ported(row, k)));
    }
    Some(match row.effect {
        Effect::Exposure => {
            if !is_load_balancer(tree, obj) {
                return Some(Judgement::Leftover(Leftover::NotLoadBalancer(row)));
            }
            let value = tree.scalar_text(a.entry.value);
            // A scheme filled in by a templating step is not judged: its value decides.
            if row.exposure == Some(Exposure::Scheme)
                && value.is_some_and(crate::support::placeholder::is_placeholder)
            {
                return None;
            }
            let internal = (row.exposure == Some(Exposure::Scheme))
                .then(|| value.is_some_and(|v| row.internal_values.iter().any(|i| i == v)));
            if internal == Some(true) && has_aws_class(tree, obj) {
                return Some(Judgement::Leftover(Leftover::SchemeMatches(row)));
            }
            Judgement::Exposure { row, internal }
        }
        Effect::Lost => Judgement::Lost(row),
        Effect::Leftover => Judgement::Leftover(Leftover::Row(row)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekslint_manifest::Span;

    #[test]
    fn replacing_keeps_quotes() {
        let src = "\"a/b\": 'x' c";
        assert_eq!(
            replace_scalar(src, Span::new(0, 5), "n/m").as_deref(),
            Some("\"n/m\"")
        );
        assert_eq!(
            replace_scalar(src, Span::new(7, 10), "y").as_deref(),
            Some("'y'")
        );
        assert_eq!(
            replace_scalar(src, Span::new(11, 12), "d").as_deref(),
            Some("d")
        );
        assert_eq!(replace_scalar(src, Span::new(7, 10), "it's"), None);
    }
}

#[cfg(test)]
mod family_tests;
