//! The schema model both sources compile to: the built-in table of one Kubernetes version
//! ([`crate::builtin`]) and a CRD's `openAPIV3Schema` ([`crate::crd`]). An arena of nodes, so
//! that recursive types (`JSONSchemaProps`) are just ids.

use std::collections::HashMap;

pub type SchemaId = u32;

/// What JSON type a value must have.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ty {
    /// Any value (no `type`).
    #[default]
    Any,
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    /// `x-kubernetes-int-or-string`: an integer or a string.
    IntOrString,
    /// A `resource.Quantity`: a quantity string, or a number.
    Quantity,
}

impl Ty {
    pub fn noun(self) -> &'static str {
        match self {
            Ty::Any => "any value",
            Ty::Object => "a map",
            Ty::Array => "a list",
            Ty::String => "a string",
            Ty::Integer => "an integer",
            Ty::Number => "a number",
            Ty::Boolean => "a boolean",
            Ty::IntOrString => "an integer or a string",
            Ty::Quantity => "a quantity (`500m`, `2Gi`, `1.5`)",
        }
    }
}

/// The string formats the API server checks while decoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    None,
    /// base64 (`[]byte` fields: Secret `data`).
    Byte,
    /// RFC 3339 (`metav1.Time`).
    DateTime,
    Int32,
    Int64,
}

/// What an object does with properties its schema does not declare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Additional {
    /// Rejected (built-in kinds, strict field validation) or pruned (CRDs).
    #[default]
    Unknown,
    /// Kept whatever they are (`x-kubernetes-preserve-unknown-fields`, `type: object` alone).
    Any,
    /// Every undeclared property is validated against this schema (a map).
    Schema(SchemaId),
}

/// What happens when two items of a list share a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The API server rejects the object.
    Rejected,
    /// The API server accepts it with a warning; `kubectl apply` may drop one of the two.
    Warned,
}

/// A uniqueness constraint on a list's items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UniqueKey {
    /// Item fields that form the key, each with the value it defaults to (`protocol` → `TCP`).
    pub fields: Vec<(Box<str>, Option<Box<str>>)>,
    /// Whole scalar items (`x-kubernetes-list-type: set`).
    pub whole_item: bool,
    pub effect: Effect,
    /// Where the fact comes from, for the finding's help.
    pub source: Box<str>,
}

/// A closed set of values.
#[derive(Clone, Debug, Default)]
pub struct ValueSet {
    pub values: Vec<Box<str>>,
    /// Narrower sets for objects of some kinds (`restartPolicy` of a Deployment's pod template).
    pub by_kind: Vec<KindValues>,
    /// Where the fact comes from.
    pub source: Box<str>,
}

impl ValueSet {
    /// The values allowed for an object of `kind`.
    pub fn allowed(&self, kind: &str) -> &[Box<str>] {
        self.by_kind
            .iter()
            .find(|k| k.kinds.iter().any(|k| &**k == kind))
            .map_or(&self.values, |k| &k.values)
    }
}

/// The values allowed for objects of some kinds.
#[derive(Clone, Debug, Default)]
pub struct KindValues {
    pub kinds: Vec<Box<str>>,
    pub values: Vec<Box<str>>,
}

/// Value constraints of a CRD schema.
#[derive(Clone, Debug, Default)]
pub struct Constraints {
    /// The pattern, compiled on first use (most patterns of a CRD are never exercised).
    pub pattern: Option<Pattern>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<(f64, bool)>,
    pub maximum: Option<(f64, bool)>,
    pub multiple_of: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    /// A `format` the API server checks (others are documentation).
    pub format: Option<Box<str>>,
}

/// A `pattern`: its text, and its regex once compiled (`None` if it does not compile).
#[derive(Clone, Debug)]
pub struct Pattern {
    pub text: Box<str>,
    compiled: std::sync::OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    pub fn new(text: &str) -> Pattern {
        Pattern {
            text: text.into(),
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// Does `value` match? A pattern that does not compile matches everything (the API
    /// server would have refused the CRD; ekslint does not guess).
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| regex::Regex::new(&self.text).ok())
            .as_ref()
            .is_none_or(|re| re.is_match(value))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// The definition's name (`Container`) for messages, if it has one.
    pub name: Option<Box<str>>,
    pub ty: Ty,
    pub format: Format,
    /// Declared properties, sorted by name.
    pub properties: Vec<(Box<str>, SchemaId)>,
    pub additional: Additional,
    pub required: Vec<Box<str>>,
    pub items: Option<SchemaId>,
    pub nullable: bool,
    /// `x-kubernetes-embedded-resource`: an object with its own apiVersion, kind and metadata.
    pub embedded_resource: bool,
    /// A closed set of values (`enum`, or the API's validation), index into the registry's sets.
    pub values: Option<u32>,
    pub unique: Vec<UniqueKey>,
    /// Every one of these must hold too (CRD `allOf`).
    pub all_of: Vec<SchemaId>,
    /// At least one of these must hold (CRD `anyOf`, built-in `oneof`).
    pub any_of: Vec<SchemaId>,
    /// Exactly one of these must hold (CRD `oneOf`).
    pub one_of: Vec<SchemaId>,
    /// This must not hold (CRD `not`).
    pub not: Option<SchemaId>,
    pub constraints: Option<Box<Constraints>>,
}

impl Schema {
    pub fn property(&self, name: &str) -> Option<SchemaId> {
        self.properties
            .binary_search_by(|(k, _)| (**k).cmp(name))
            .ok()
            .map(|i| self.properties[i].1)
    }
}

/// A set of schemas and the kinds they describe.
#[derive(Debug, Default)]
pub struct Registry {
    pub schemas: Vec<Schema>,
    /// (`apiVersion`, kind) → the object's schema.
    pub kinds: HashMap<(Box<str>, Box<str>), SchemaId>,
    pub value_sets: Vec<ValueSet>,
    /// Named definitions (`apimachinery.pkg.apis.meta.v1.ObjectMeta`), built-in tables only.
    pub types: HashMap<Box<str>, SchemaId>,
}

impl Registry {
    pub fn get(&self, id: SchemaId) -> &Schema {
        &self.schemas[id as usize]
    }

    pub fn push(&mut self, s: Schema) -> SchemaId {
        let id = self.schemas.len() as SchemaId;
        self.schemas.push(s);
        id
    }

    pub fn kind(&self, api_version: &str, kind: &str) -> Option<SchemaId> {
        // A HashMap keyed by owned strings cannot be queried by two borrowed parts without a
        // temporary; kinds are few, so the temporary is cheap.
        self.kinds
            .get(&(Box::from(api_version), Box::from(kind)))
            .copied()
    }
}
