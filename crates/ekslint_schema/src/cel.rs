//! CRD `x-kubernetes-validations` (CEL), evaluated with kube-cel: the Kubernetes CEL
//! libraries and the API server's order (defaults applied first, transition rules that need
//! `oldSelf` skipped on create). A rule kube-cel cannot compile or evaluate (a function it lacks)
//! is not reported: ekslint does not guess (docs/schema.md, "CEL").

use std::sync::OnceLock;

use ekslint_manifest::{NodeId, Span, Tree};
use kube_cel::{CompiledSchema, ErrorKind, Validator};

use crate::validate::{Problem, Violation};

/// One CRD version's schema as JSON, with its rules compiled on first use.
#[derive(Debug)]
pub struct CelSchema {
    json: serde_json::Value,
    compiled: OnceLock<CompiledSchema>,
}

impl CelSchema {
    /// The schema without its prose (`description`s), which is most of a CRD and which the
    /// rules never read.
    pub fn new(mut json: serde_json::Value) -> CelSchema {
        fn strip(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    if m.get("description")
                        .is_some_and(serde_json::Value::is_string)
                    {
                        m.remove("description");
                    }
                    m.values_mut().for_each(strip);
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
                _ => {}
            }
        }
        strip(&mut json);
        CelSchema {
            json,
            compiled: OnceLock::new(),
        }
    }

    /// The schema of `json`, shared with every equal schema met before in this run, so that
    /// its rules are compiled once: a CRD often serves several versions with one schema
    /// (Istio's `v1alpha3`, `v1beta1` and `v1`), and an input may hold copies of a CRD (a
    /// chart's and a directory's). Compiling is most of what a CRD costs (about 300,000
    /// instructions per rule, in the CEL parser).
    pub fn shared(json: serde_json::Value) -> std::sync::Arc<CelSchema> {
        use std::collections::HashMap;
        use std::hash::{Hash, Hasher};
        use std::sync::{Arc, Mutex, Weak};
        type Seen = Mutex<HashMap<u64, Vec<Weak<CelSchema>>>>;
        static SEEN: OnceLock<Seen> = OnceLock::new();
        let schema = CelSchema::new(json);
        let key = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            serde_json::to_string(&schema.json)
                .unwrap_or_default()
                .hash(&mut h);
            h.finish()
        };
        let mut seen = SEEN
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let same = seen.entry(key).or_default();
        same.retain(|w| w.strong_count() > 0);
        if let Some(earlier) = same
            .iter()
            .filter_map(Weak::upgrade)
            .find(|earlier| earlier.json == schema.json)
        {
            return earlier;
        }
        let schema = Arc::new(schema);
        same.push(Arc::downgrade(&schema));
        schema
    }

    pub fn compiled(&self) -> &CompiledSchema {
        self.compiled
            .get_or_init(|| kube_cel::compile_schema(&self.json))
    }

    /// How many rules it has, and how many of them do not compile.
    pub fn coverage(&self) -> (usize, usize) {
        fn walk(c: &CompiledSchema, n: &mut (usize, usize)) {
            n.0 += c.validations.len();
            n.1 += c.validations.iter().filter(|r| r.is_err()).count();
            for p in c.properties.values() {
                walk(p, n);
            }
            for x in c.items.iter().chain(c.additional_properties.iter()) {
                walk(x, n);
            }
            for x in c.all_of.iter().chain(&c.one_of).chain(&c.any_of) {
                walk(x, n);
            }
        }
        let mut n = (0, 0);
        walk(self.compiled(), &mut n);
        n
    }
}

/// The rules of `schema` that the object at `root` fails, each at the node it names.
pub fn violations(schema: &CelSchema, tree: &Tree, root: NodeId) -> Vec<Violation> {
    // One validator (the CEL context with every extension function registered) per run.
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(Validator::new);
    let object = tree.to_json(root);
    let Err(errors) = validator.validate_compiled(schema.compiled(), &object, None) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in errors.iter() {
        let declared = declared_message(schema.compiled(), &e.rule);
        let message = match e.kind {
            ErrorKind::ValidationFailure | ErrorKind::InvalidResult => e.message.clone(),
            // The API server rejects an object whose rule reads a field it lacks too, with the
            // rule's message (`no such key: value evaluating rule: value must be set …`).
            ErrorKind::EvaluationError if e.message.contains("No such key") => {
                let why = e.message.trim_start_matches("rule evaluation error: ");
                match &declared {
                    Some(m) => format!(
                        "{m} (the rule cannot be evaluated: {why}; the API server rejects that)"
                    ),
                    None => format!(
                        "the rule cannot be evaluated ({why}), which the API server treats as a failure"
                    ),
                }
            }
            _ => continue,
        };
        let path = e.field_path.trim_start_matches('.').to_string();
        out.push(Violation {
            problem: Problem::Cel {
                rule: e.rule.clone(),
                message,
                declared,
            },
            span: locate(tree, root, &path),
            path,
        });
    }
    out
}

/// The `message` the CRD gives the rule `expression` (the first rule with that expression).
fn declared_message(c: &CompiledSchema, expression: &str) -> Option<String> {
    c.validations
        .iter()
        .flatten()
        .find(|r| r.rule.rule == expression)
        .and_then(|r| r.rule.message.clone())
        .or_else(|| {
            c.properties
                .values()
                .chain(c.items.as_deref())
                .chain(c.additional_properties.as_deref())
                .chain(&c.all_of)
                .chain(&c.one_of)
                .chain(&c.any_of)
                .find_map(|x| declared_message(x, expression))
        })
}

/// The span of the node a kube-cel field path names (`spec.requirements[1].key`; map keys may
/// contain dots), or of the deepest node on the way: its key where it has one.
fn locate(tree: &Tree, root: NodeId, path: &str) -> Span {
    let mut node = root;
    let mut key_span: Option<Span> = None;
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let Some((index, tail)) = after.split_once(']') else {
                break;
            };
            let Some(item) = index
                .parse::<usize>()
                .ok()
                .and_then(|i| tree.items(node).and_then(|items| items.get(i)))
            else {
                break;
            };
            node = *item;
            key_span = None;
            rest = tail.trim_start_matches('.');
            continue;
        }
        // The longest key of this map that `rest` starts with, followed by `.`, `[` or the end.
        let Some(entries) = tree.entries(node) else {
            break;
        };
        let hit = entries
            .iter()
            .filter_map(|e| {
                let k = tree.scalar_text(e.key)?;
                let tail = rest.strip_prefix(k)?;
                (tail.is_empty() || tail.starts_with(['.', '['])).then_some((k.len(), e, tail))
            })
            .max_by_key(|(n, _, _)| *n);
        let Some((_, e, tail)) = hit else { break };
        node = e.value;
        key_span = Some(tree.span(e.key));
        rest = tail.strip_prefix('.').unwrap_or(tail);
    }
    key_span.unwrap_or_else(|| tree.span(node))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(rule: &str, description: &str) -> serde_json::Value {
        serde_json::json!({
            "type": "object",
            "description": description,
            "properties": {
                "spec": {
                    "type": "object",
                    "x-kubernetes-validations": [{"rule": rule, "message": "m"}],
                    "properties": {"replicas": {"type": "integer"}}
                }
            }
        })
    }

    #[test]
    fn equal_schemas_share_one_compilation() {
        // Two versions of one CRD with the same schema (only the prose differs) share it.
        let v1 = CelSchema::shared(schema("self.replicas >= 0", "the v1 API"));
        let v1beta1 = CelSchema::shared(schema("self.replicas >= 0", "the beta API"));
        assert!(std::sync::Arc::ptr_eq(&v1, &v1beta1));
        assert!(std::ptr::eq(v1.compiled(), v1beta1.compiled()));
        // Another rule is another schema.
        let other = CelSchema::shared(schema("self.replicas >= 1", "the v1 API"));
        assert!(!std::sync::Arc::ptr_eq(&v1, &other));
        assert_eq!(other.coverage(), (1, 0));
        // Once every holder is gone, an equal schema is compiled afresh, not found dead.
        drop((v1, v1beta1));
        let again = CelSchema::shared(schema("self.replicas >= 0", "again"));
        assert_eq!(again.coverage(), (1, 0));
    }
}
