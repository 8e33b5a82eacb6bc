//! CustomResourceDefinitions: a CRD document (`apiextensions.k8s.io/v1`) compiled to a
//! [`Registry`] with one root schema per version, as the API server reads `openAPIV3Schema`
//! (structural schemas: pruning of undeclared fields, `x-kubernetes-*` extensions).

use ekslint_manifest::yaml11::Resolved;
use ekslint_manifest::{NodeId, Span, Tree};

use crate::model::{
    Additional, Constraints, Effect, Format, Registry, Schema, SchemaId, Ty, UniqueKey, ValueSet,
};

/// One served version of a CRD.
#[derive(Debug, Clone)]
pub struct CrdVersion {
    pub name: String,
    pub served: bool,
    pub schema: Option<SchemaId>,
    /// The schema as JSON for its CEL rules, when it has any.
    pub cel: Option<std::sync::Arc<crate::cel::CelSchema>>,
}

/// A compiled CRD.
#[derive(Debug)]
pub struct Crd {
    pub group: String,
    pub kind: String,
    pub versions: Vec<CrdVersion>,
    pub registry: Registry,
    /// Where the CRD's name is (for related labels).
    pub name_span: Span,
}

impl Crd {
    /// The root schema for instances of `apiVersion` (`group/version`), if that version is
    /// served.
    pub fn schema_for(&self, api_version: &str) -> Option<SchemaId> {
        self.version(api_version).and_then(|x| x.schema)
    }

    /// The served version of `apiVersion` (`group/version`).
    pub fn version(&self, api_version: &str) -> Option<&CrdVersion> {
        let (g, v) = api_version.split_once('/')?;
        if g != self.group {
            return None;
        }
        self.versions.iter().find(|x| x.name == v && x.served)
    }
}

/// Compile the CRD whose root map is `root`. `None` when it is not a v1 CRD with a group, a
/// kind and at least one version.
pub fn compile(tree: &Tree, root: NodeId) -> Option<Crd> {
    compile_versions(tree, root, &|_| true)
}

/// [`compile`], with the schemas of only the versions `want` accepts (the others are listed
/// without a schema): a CRD often carries several large versions of which the input uses one.
pub fn compile_versions(tree: &Tree, root: NodeId, want: &dyn Fn(&str) -> bool) -> Option<Crd> {
    let str_at = |path: &[&str]| tree.path(root, path).and_then(|n| tree.as_str(n));
    if str_at(&["apiVersion"]) != Some("apiextensions.k8s.io/v1")
        || str_at(&["kind"]) != Some("CustomResourceDefinition")
    {
        return None;
    }
    let group = str_at(&["spec", "group"])?.to_string();
    let kind = str_at(&["spec", "names", "kind"])?.to_string();
    let mut c = Compiler {
        tree,
        reg: Registry::default(),
        done: std::collections::HashMap::new(),
        cel_rules: 0,
    };
    let mut versions = Vec::new();
    for &v in tree
        .path(root, &["spec", "versions"])
        .and_then(|n| tree.items(n))
        .unwrap_or(&[])
    {
        let Some(name) = tree.get(v, "name").and_then(|n| tree.as_str(n)) else {
            continue;
        };
        let served = tree
            .get(v, "served")
            .and_then(|n| tree.scalar(n))
            .is_none_or(|s| s.resolved() != Resolved::Bool(false));
        let schema_node = tree
            .path(v, &["schema", "openAPIV3Schema"])
            .filter(|_| served && want(name));
        let rules_before = c.cel_rules;
        let schema = schema_node.map(|s| c.schema(s, 0));
        let cel = schema_node
            .filter(|_| c.cel_rules > rules_before)
            .map(|s| crate::cel::CelSchema::shared(tree.to_json(s)));
        if let Some(id) = schema {
            c.reg
                .kinds
                .insert((format!("{group}/{name}").into(), kind.as_str().into()), id);
        }
        versions.push(CrdVersion {
            name: name.to_string(),
            served,
            schema,
            cel,
        });
    }
    if versions.is_empty() {
        return None;
    }
    let name_span = tree
        .path(root, &["metadata", "name"])
        .map_or(tree.span(root), |n| tree.span(n));
    Some(Crd {
        group,
        kind,
        versions,
        registry: c.reg,
        name_span,
    })
}

/// Deeper schemas than this are taken as "anything" (a CRD schema that deep is not real).
const MAX_DEPTH: usize = 128;

struct Compiler<'t> {
    tree: &'t Tree,
    reg: Registry,
    /// Schema nodes already compiled: a node that aliases share is compiled once, so a CRD
    /// built from aliases costs its distinct nodes, not their expansion.
    done: std::collections::HashMap<NodeId, SchemaId>,
    /// `x-kubernetes-validations` rules seen so far.
    cel_rules: usize,
}

impl Compiler<'_> {
    fn get(&self, node: NodeId, key: &str) -> Option<NodeId> {
        self.tree.get(node, key)
    }

    fn text(&self, node: NodeId, key: &str) -> Option<&str> {
        self.get(node, key).and_then(|n| self.tree.scalar_text(n))
    }

    fn flag(&self, node: NodeId, key: &str) -> bool {
        self.get(node, key)
            .and_then(|n| self.tree.scalar(n))
            .is_some_and(|s| s.resolved() == Resolved::Bool(true))
    }

    fn number(&self, node: NodeId, key: &str) -> Option<f64> {
        match self
            .get(node, key)
            .and_then(|n| self.tree.scalar(n))?
            .resolved()
        {
            Resolved::Int(i) => Some(i as f64),
            Resolved::Float(f) => Some(f),
            _ => None,
        }
    }

    fn count(&self, node: NodeId, key: &str) -> Option<u64> {
        self.number(node, key)
            .filter(|n| *n >= 0.0)
            .map(|n| n as u64)
    }

    fn schema(&mut self, node: NodeId, depth: usize) -> SchemaId {
        let tree = self.tree;
        if depth > MAX_DEPTH || !tree.is_map(node) {
            return self.reg.push(Schema::default());
        }
        if let Some(&id) = self.done.get(&node) {
            return id;
        }
        let preserve = self.flag(node, "x-kubernetes-preserve-unknown-fields");
        let int_or_string = self.flag(node, "x-kubernetes-int-or-string");
        let embedded = self.flag(node, "x-kubernetes-embedded-resource");
        let ty = if int_or_string {
            Ty::IntOrString
        } else {
            match self.text(node, "type") {
                Some("object") => Ty::Object,
                Some("array") => Ty::Array,
                Some("string") => Ty::String,
                Some("integer") => Ty::Integer,
                Some("number") => Ty::Number,
                Some("boolean") => Ty::Boolean,
                _ if embedded => Ty::Object,
                _ => Ty::Any,
            }
        };
        let format_text = self.text(node, "format").map(str::to_string);
        let format = match (ty, format_text.as_deref()) {
            (Ty::Integer, Some("int32")) => Format::Int32,
            (Ty::Integer, _) => Format::Int64,
            _ => Format::None,
        };
        let mut s = Schema {
            ty,
            format,
            nullable: self.flag(node, "nullable"),
            embedded_resource: embedded,
            ..Schema::default()
        };
        // Reserve the id first so children come after their parent.
        let id = self.reg.push(Schema::default());
        self.done.insert(node, id);
        if let Some(props) = self.get(node, "properties").and_then(|p| tree.entries(p)) {
            let props: Vec<(String, NodeId)> = props
                .iter()
                .filter_map(|e| Some((tree.scalar_text(e.key)?.to_string(), e.value)))
                .collect();
            for (k, v) in props {
                let child = self.schema(v, depth + 1);
                s.properties.push((k.into(), child));
            }
            s.properties.sort_by(|a, b| a.0.cmp(&b.0));
            s.properties.dedup_by(|a, b| a.0 == b.0);
        }
        s.additional = match self.get(node, "additionalProperties") {
            Some(a) if tree.is_map(a) => Additional::Schema(self.schema(a, depth + 1)),
            Some(a)
                if tree
                    .scalar(a)
                    .is_some_and(|s| s.resolved() == Resolved::Bool(true)) =>
            {
                Additional::Any
            }
            _ if preserve || ty == Ty::Any => Additional::Any,
            _ => Additional::Unknown,
        };
        if let Some(items) = self.get(node, "items") {
            let items = match tree.items(items) {
                Some(list) => list.first().copied().unwrap_or(items),
                None => items,
            };
            s.items = Some(self.schema(items, depth + 1));
        }
        s.required = self
            .get(node, "required")
            .and_then(|r| tree.items(r))
            .unwrap_or(&[])
            .iter()
            .filter_map(|&n| tree.scalar_text(n).map(Into::into))
            .collect();
        if let Some(values) = self.get(node, "enum").and_then(|e| tree.items(e)) {
            let vs = ValueSet {
                values: values
                    .iter()
                    .filter_map(|&v| {
                        let sc = tree.scalar(v)?;
                        Some(match sc.resolved() {
                            Resolved::Str => Box::from(sc.value),
                            Resolved::Bool(b) => b.to_string().into(),
                            Resolved::Int(i) => i.to_string().into(),
                            Resolved::Float(f) => f.to_string().into(),
                            Resolved::Null => "".into(),
                        })
                    })
                    .collect(),
                by_kind: Vec::new(),
                source: "the CRD's `enum`".into(),
            };
            s.values = Some(self.reg.value_sets.len() as u32);
            self.reg.value_sets.push(vs);
        }
        match self.text(node, "x-kubernetes-list-type") {
            Some("set") => s.unique.push(UniqueKey {
                fields: Vec::new(),
                whole_item: true,
                effect: Effect::Rejected,
                source: "the CRD's `x-kubernetes-list-type: set`".into(),
            }),
            Some("map") => {
                let keys: Vec<(Box<str>, Option<Box<str>>)> = self
                    .get(node, "x-kubernetes-list-map-keys")
                    .and_then(|k| tree.items(k))
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|&k| tree.scalar_text(k).map(|t| (Box::from(t), None)))
                    .collect();
                if !keys.is_empty() {
                    s.unique.push(UniqueKey {
                        fields: keys,
                        whole_item: false,
                        effect: Effect::Rejected,
                        source: "the CRD's `x-kubernetes-list-map-keys`".into(),
                    });
                }
            }
            _ => {}
        }
        for (key, out) in [("allOf", 0), ("anyOf", 1), ("oneOf", 2)] {
            let branches: Vec<NodeId> = self
                .get(node, key)
                .and_then(|b| tree.items(b))
                .unwrap_or(&[])
                .to_vec();
            for b in branches {
                let bid = self.schema(b, depth + 1);
                // Value validations only: a branch never adds fields (structural schemas).
                let br = &mut self.reg.schemas[bid as usize];
                if br.properties.is_empty() {
                    br.additional = Additional::Any;
                }
                match out {
                    0 => s.all_of.push(bid),
                    1 => s.any_of.push(bid),
                    _ => s.one_of.push(bid),
                }
            }
        }
        if let Some(n) = self.get(node, "not") {
            let nid = self.schema(n, depth + 1);
            self.reg.schemas[nid as usize].additional = Additional::Any;
            s.not = Some(nid);
        }
        let c = Constraints {
            pattern: self.text(node, "pattern").map(crate::model::Pattern::new),
            min_length: self.count(node, "minLength"),
            max_length: self.count(node, "maxLength"),
            minimum: self
                .number(node, "minimum")
                .map(|m| (m, self.flag(node, "exclusiveMinimum"))),
            maximum: self
                .number(node, "maximum")
                .map(|m| (m, self.flag(node, "exclusiveMaximum"))),
            multiple_of: self.number(node, "multipleOf"),
            min_items: self.count(node, "minItems"),
            max_items: self.count(node, "maxItems"),
            min_properties: self.count(node, "minProperties"),
            max_properties: self.count(node, "maxProperties"),
            format: format_text
                .filter(|f| ty == Ty::String && FORMATS.contains(&f.as_str()))
                .map(Into::into),
        };
        let has_constraints = c.pattern.is_some()
            || c.min_length.is_some()
            || c.max_length.is_some()
            || c.minimum.is_some()
            || c.maximum.is_some()
            || c.multiple_of.is_some()
            || c.min_items.is_some()
            || c.max_items.is_some()
            || c.min_properties.is_some()
            || c.max_properties.is_some()
            || c.format.is_some();
        if has_constraints {
            s.constraints = Some(Box::new(c));
        }
        self.cel_rules += self
            .get(node, "x-kubernetes-validations")
            .and_then(|v| tree.items(v))
            .map_or(0, <[NodeId]>::len);
        self.reg.schemas[id as usize] = s;
        id
    }
}

/// The string formats whose values ekslint checks (the API server checks these for CRDs).
const FORMATS: &[&str] = &["date-time", "date", "ipv4", "ipv6", "cidr", "uuid", "byte"];

/// Why `value` is not a valid `format`, if it is not; `None` for valid values and for formats
/// ekslint does not check.
pub fn format_problem(format: &str, value: &str) -> Option<&'static str> {
    let ok = match format {
        "date-time" => crate::scalar::is_date_time(value),
        "date" => {
            let b = value.as_bytes();
            b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        }
        "ipv4" => value.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => value.parse::<std::net::Ipv6Addr>().is_ok(),
        "cidr" => value.split_once('/').is_some_and(|(ip, len)| {
            let len: Option<u8> = len.parse().ok();
            match (ip.parse::<std::net::IpAddr>(), len) {
                (Ok(std::net::IpAddr::V4(_)), Some(l)) => l <= 32,
                (Ok(std::net::IpAddr::V6(_)), Some(l)) => l <= 128,
                _ => false,
            }
        }),
        "uuid" => {
            let b = value.as_bytes();
            b.len() == 36
                && b.iter().enumerate().all(|(i, c)| {
                    if matches!(i, 8 | 13 | 18 | 23) {
                        *c == b'-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                })
        }
        "byte" => crate::scalar::is_base64(value),
        _ => true,
    };
    if ok {
        None
    } else {
        Some(match format {
            "date-time" => "expected an RFC 3339 date-time",
            "date" => "expected a date (YYYY-MM-DD)",
            "ipv4" => "expected an IPv4 address",
            "ipv6" => "expected an IPv6 address",
            "cidr" => "expected a CIDR",
            "uuid" => "expected a UUID",
            _ => "expected base64",
        })
    }
}
