//! The built-in kinds of one Kubernetes version: `rules/schema/kubernetes.txt` (generated from
//! k8s-openapi by `schema-gen`), joined with the API-validation facts the OpenAPI schema does
//! not carry: closed value sets (`rules/schema/closed-sets.yaml`) and list keys that must be
//! unique (`rules/schema/unique-keys.yaml`). Parsed on first use, once per run.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{
    Additional, Effect, Format, KindValues, Registry, Schema, SchemaId, Ty, UniqueKey, ValueSet,
};

const TABLE: &str = include_str!("../../../rules/schema/kubernetes.txt");
/// `rules/schema/closed-sets.yaml`, read into [`ClosedSets`].
pub const CLOSED_SETS: &str = include_str!("../../../rules/schema/closed-sets.yaml");
/// `rules/schema/unique-keys.yaml`, read into [`UniqueKeys`].
pub const UNIQUE_KEYS: &str = include_str!("../../../rules/schema/unique-keys.yaml");

/// The minor versions the table has (1.33 → 33), oldest first.
pub fn versions() -> &'static [u32] {
    static V: OnceLock<Vec<u32>> = OnceLock::new();
    V.get_or_init(|| {
        TABLE
            .lines()
            .find_map(|l| l.strip_prefix("versions "))
            .expect("kubernetes.txt has a versions line")
            .split_whitespace()
            .map(|v| v.parse().expect("a minor version"))
            .collect()
    })
}

/// Which table serves a target of Kubernetes 1.`minor`: its own, else the nearest one (the
/// earliest for older targets, the newest for newer ones).
pub fn table_for(minor: u32) -> u32 {
    let v = versions();
    minor.clamp(v[0], v[v.len() - 1])
}

/// The built-in schemas of Kubernetes 1.`minor` (see [`table_for`]).
pub fn registry(minor: u32) -> &'static Registry {
    static CACHE: OnceLock<Vec<OnceLock<Registry>>> = OnceLock::new();
    let all = versions();
    let cache = CACHE.get_or_init(|| all.iter().map(|_| OnceLock::new()).collect());
    let minor = table_for(minor);
    let i = all.iter().position(|&v| v == minor).expect("clamped");
    cache[i].get_or_init(|| build(minor))
}

/// Does a `@33-35,37` suffix (or its absence) include `minor`?
fn holds(at: Option<&str>, minor: u32) -> bool {
    let Some(at) = at else { return true };
    at.split(',').any(|part| match part.split_once('-') {
        Some((a, b)) => {
            let (a, b): (u32, u32) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
            (a..=b).contains(&minor)
        }
        None => part.parse() == Ok(minor),
    })
}

/// Split `words… @versions` into the words and the version suffix.
fn split_at(line: &str) -> (Words<'_>, Option<&str>) {
    let mut words = Words::default();
    let mut at = None;
    for w in line.split_ascii_whitespace() {
        match w.strip_prefix('@') {
            Some(v) => at = Some(v),
            None if words.len < words.items.len() => {
                words.items[words.len] = w;
                words.len += 1;
            }
            None => words.len = usize::MAX, // too many words: no pattern matches
        }
    }
    (words, at)
}

/// Up to five words of a line, without allocating (the table has lines by the thousand).
#[derive(Default)]
struct Words<'a> {
    items: [&'a str; 5],
    len: usize,
}

impl<'a> Words<'a> {
    fn as_slice(&self) -> &[&'a str] {
        self.items.get(..self.len).unwrap_or(&[""; 6])
    }
}

/// The last segment of a definition name: `api.core.v1.Container` → `Container`.
pub fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

// The two data files are typed tables like those of ekslint_rules (which lists them in its
// `TABLES`, so its tests load them and misspell every key): unknown keys are errors.

/// `rules/schema/closed-sets.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedSets {
    pub schema_version: u32,
    pub sets: Vec<ClosedSet>,
}

/// The values one field accepts.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedSet {
    pub types: Vec<String>,
    pub field: String,
    pub values: Vec<String>,
    #[serde(default)]
    pub by_kind: Vec<ByKind>,
    #[serde(default)]
    pub versions: Option<String>,
    pub source: String,
}

/// Narrower values for objects of some kinds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByKind {
    pub kinds: Vec<String>,
    pub values: Vec<String>,
}

/// `rules/schema/unique-keys.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UniqueKeys {
    pub schema_version: u32,
    pub lists: Vec<UniqueList>,
}

/// A list whose items' key must be unique.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UniqueList {
    pub types: Vec<String>,
    pub field: String,
    /// `name`, or `protocol=TCP` for a key field with a default.
    pub keys: Vec<String>,
    pub effect: ListEffect,
    #[serde(default)]
    pub versions: Option<String>,
    pub source: String,
}

/// What the API server does with a duplicate key.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListEffect {
    /// It rejects the object (SCHEMA005).
    Rejected,
    /// It accepts it with a warning (SCHEMA006).
    Warned,
}

fn load_yaml<T: for<'de> Deserialize<'de>>(path: &str, text: &str) -> T {
    let file = ekslint_manifest::parse_str(path, text);
    if let Some(p) = file.problems.first() {
        panic!("{path}: {}", p.message);
    }
    let root = file
        .documents
        .first()
        .and_then(|d| d.root)
        .unwrap_or_else(|| panic!("{path} is empty"));
    serde_json::from_value(file.tree.to_json(root)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Builder {
    reg: Registry,
    named: HashMap<&'static str, SchemaId>,
    /// Unnamed type expressions (`string`, `[]string`) already built, shared by every field
    /// that has no facts of its own.
    shared: HashMap<&'static str, SchemaId>,
}

impl Builder {
    /// The node of a named definition, allocated on first mention.
    fn named(&mut self, name: &'static str) -> SchemaId {
        if let Some(&id) = self.named.get(name) {
            return id;
        }
        let id = self.reg.push(Schema {
            name: Some(short_name(name).into()),
            ..Schema::default()
        });
        self.named.insert(name, id);
        id
    }

    /// The node of a field's type expression: its own when the field carries facts of its own
    /// (a closed set, unique keys), else shared with every field of the same type.
    fn field_type(&mut self, e: &'static str, own: bool) -> SchemaId {
        if own {
            return self.expr(e);
        }
        if let Some(&id) = self.shared.get(e) {
            return id;
        }
        let id = self.expr(e);
        self.shared.insert(e, id);
        id
    }

    /// A fresh node for a type expression (named types are shared).
    fn expr(&mut self, e: &'static str) -> SchemaId {
        if let Some(inner) = e.strip_prefix("[]") {
            let items = self.expr(inner);
            return self.reg.push(Schema {
                ty: Ty::Array,
                items: Some(items),
                ..Schema::default()
            });
        }
        if let Some(inner) = e.strip_prefix("{}") {
            let values = self.expr(inner);
            return self.reg.push(Schema {
                ty: Ty::Object,
                additional: Additional::Schema(values),
                ..Schema::default()
            });
        }
        if let Some(alts) = e.strip_prefix("oneof(").and_then(|r| r.strip_suffix(')')) {
            let any_of = alts.split('|').map(|a| self.expr(a)).collect();
            return self.reg.push(Schema {
                any_of,
                ..Schema::default()
            });
        }
        let (ty, format) = match e {
            "string" => (Ty::String, Format::None),
            "string/byte" => (Ty::String, Format::Byte),
            "string/date-time" => (Ty::String, Format::DateTime),
            "integer" | "integer/int64" => (Ty::Integer, Format::Int64),
            "integer/int32" => (Ty::Integer, Format::Int32),
            "number" | "number/double" => (Ty::Number, Format::None),
            "boolean" => (Ty::Boolean, Format::None),
            "int-or-string" => (Ty::IntOrString, Format::None),
            "object" => {
                return self.reg.push(Schema {
                    ty: Ty::Object,
                    additional: Additional::Any,
                    ..Schema::default()
                });
            }
            "any" => return self.reg.push(Schema::default()),
            name => return self.named(name),
        };
        self.reg.push(Schema {
            ty,
            format,
            ..Schema::default()
        })
    }

    /// Make a named definition an alias of `e`.
    fn alias(&mut self, name: &'static str, e: &'static str) {
        let id = self.named(name);
        // Definitions whose meaning the API gives better than k8s-openapi's schema (docs/schema.md).
        let resolved = match name {
            // A quantity string or a number; k8s-openapi says int-or-string.
            "apimachinery.pkg.api.resource.Quantity" => Schema {
                ty: Ty::Quantity,
                ..Schema::default()
            },
            // Any JSON value (CRD defaults, examples); k8s-openapi says object.
            "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON" => Schema::default(),
            _ => {
                let target = self.expr(e);
                self.reg.get(target).clone()
            }
        };
        let keep_name = self.reg.schemas[id as usize].name.take();
        self.reg.schemas[id as usize] = Schema {
            name: keep_name,
            ..resolved
        };
    }
}

/// An object type read from the table, filled in once every line is read.
struct Pending {
    id: SchemaId,
    props: Vec<(Box<str>, SchemaId)>,
    required: Vec<Box<str>>,
    open: bool,
}

fn build(minor: u32) -> Registry {
    let mut b = Builder {
        reg: Registry::default(),
        named: HashMap::new(),
        shared: HashMap::new(),
    };
    let sets: ClosedSets = load_yaml("rules/schema/closed-sets.yaml", CLOSED_SETS);
    let lists: UniqueKeys = load_yaml("rules/schema/unique-keys.yaml", UNIQUE_KEYS);
    // The (type, field) pairs the data files give facts about: those fields get nodes of their
    // own; every other field shares its type's node.
    let mut targets: std::collections::HashSet<(&str, &str)> = Default::default();
    for set in &sets.sets {
        targets.extend(set.types.iter().map(|t| (t.as_str(), set.field.as_str())));
    }
    for l in &lists.lists {
        targets.extend(l.types.iter().map(|t| (t.as_str(), l.field.as_str())));
    }
    let mut fields: HashMap<(&str, &str), SchemaId> = HashMap::new();
    let mut current: Option<(&'static str, SchemaId, bool)> = None; // (name, id, present in minor)
    let mut pending: Vec<Pending> = Vec::new();
    let mut props: Vec<(Box<str>, SchemaId)> = Vec::new();
    let mut required: Vec<Box<str>> = Vec::new();
    let mut open = false;
    let flush = |current: &mut Option<(&'static str, SchemaId, bool)>,
                 props: &mut Vec<(Box<str>, SchemaId)>,
                 required: &mut Vec<Box<str>>,
                 open: &mut bool,
                 pending: &mut Vec<Pending>| {
        if let Some((_, id, present)) = current.take()
            && present
        {
            pending.push(Pending {
                id,
                props: std::mem::take(props),
                required: std::mem::take(required),
                open: *open,
            });
        }
        props.clear();
        required.clear();
        *open = false;
    };
    for line in TABLE.lines() {
        if line.starts_with('#') || line.starts_with("versions ") || line.trim().is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("  ") {
            let Some((tname, _, true)) = current else {
                continue;
            };
            let (words, at) = split_at(rest);
            if !holds(at, minor) {
                continue;
            }
            match words.as_slice() {
                ["=", e] => {
                    b.alias(tname, e);
                    current = None;
                    props.clear();
                }
                ["..."] => open = true,
                [field, e, rest @ ..] => {
                    let own = targets.contains(&(tname, *field));
                    let id = b.field_type(e, own);
                    if own {
                        fields.insert((tname, field), id);
                    }
                    props.push((Box::from(*field), id));
                    if rest.contains(&"required") {
                        required.push(Box::from(*field));
                    }
                }
                _ => panic!("kubernetes.txt: cannot read `{line}`"),
            }
            continue;
        }
        flush(
            &mut current,
            &mut props,
            &mut required,
            &mut open,
            &mut pending,
        );
        let (words, at) = split_at(line);
        match words.as_slice() {
            ["kind", gv, kind, ty] => {
                if holds(at, minor) {
                    let id = b.named(ty);
                    b.reg.kinds.insert((Box::from(*gv), Box::from(*kind)), id);
                }
            }
            ["type", name] => {
                let id = b.named(name);
                current = Some((name, id, holds(at, minor)));
            }
            ["alias", name, e] => {
                if holds(at, minor) {
                    b.alias(name, e);
                }
            }
            _ => panic!("kubernetes.txt: cannot read `{line}`"),
        }
    }
    flush(
        &mut current,
        &mut props,
        &mut required,
        &mut open,
        &mut pending,
    );
    for Pending {
        id,
        mut props,
        required,
        open,
    } in pending
    {
        props.sort_by(|a, b| a.0.cmp(&b.0));
        let s = &mut b.reg.schemas[id as usize];
        s.ty = Ty::Object;
        s.properties = props;
        s.required = required;
        s.additional = if open {
            Additional::Any
        } else {
            Additional::Unknown
        };
    }

    // Closed sets and unique keys join on (type, field). A field whose node is a shared named
    // type never carries them (they are on strings and lists, which are fresh nodes).
    for set in &sets.sets {
        if !holds(set.versions.as_deref(), minor) {
            continue;
        }
        let vs = ValueSet {
            values: set.values.iter().map(|v| v.as_str().into()).collect(),
            by_kind: set
                .by_kind
                .iter()
                .map(|k| KindValues {
                    kinds: k.kinds.iter().map(|v| v.as_str().into()).collect(),
                    values: k.values.iter().map(|v| v.as_str().into()).collect(),
                })
                .collect(),
            source: set.source.as_str().into(),
        };
        let index = b.reg.value_sets.len() as u32;
        b.reg.value_sets.push(vs);
        for t in &set.types {
            let Some(&id) = fields.get(&(t.as_str(), set.field.as_str())) else {
                continue;
            };
            // Sets on list fields apply to the items (`accessModes`, `policyTypes`).
            let target = match b.reg.get(id).items {
                Some(items) if b.reg.get(id).ty == Ty::Array => items,
                _ => id,
            };
            // Named definitions are shared by every field that uses them: never annotate one.
            assert!(
                b.reg.get(target).name.is_none(),
                "closed-sets.yaml: {t}.{} is a named type",
                set.field
            );
            b.reg.schemas[target as usize].values = Some(index);
        }
    }
    for l in &lists.lists {
        if !holds(l.versions.as_deref(), minor) {
            continue;
        }
        let key = UniqueKey {
            fields: l
                .keys
                .iter()
                .map(|k| match k.split_once('=') {
                    Some((f, d)) => (Box::from(f), Some(Box::from(d))),
                    None => (Box::from(k.as_str()), None),
                })
                .collect(),
            whole_item: false,
            effect: match l.effect {
                ListEffect::Rejected => Effect::Rejected,
                ListEffect::Warned => Effect::Warned,
            },
            source: l.source.as_str().into(),
        };
        for t in &l.types {
            if let Some(&id) = fields.get(&(t.as_str(), l.field.as_str())) {
                assert!(
                    b.reg.get(id).ty == Ty::Array,
                    "unique-keys.yaml: {t}.{} is not a list",
                    l.field
                );
                b.reg.schemas[id as usize].unique.push(key.clone());
            }
        }
    }
    b.reg.types = b.named.iter().map(|(k, &v)| (Box::from(*k), v)).collect();
    b.reg
}

/// Is (`apiVersion`, kind) a built-in kind of some version of the table?
pub fn is_builtin_kind(api_version: &str, kind: &str) -> bool {
    static ALL: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut by_kind: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for l in TABLE.lines().filter_map(|l| l.strip_prefix("kind ")) {
            let mut w = l.split_ascii_whitespace();
            if let (Some(gv), Some(k)) = (w.next(), w.next()) {
                by_kind.entry(k).or_default().push(gv);
            }
        }
        by_kind
    })
    .get(kind)
    .is_some_and(|versions| versions.contains(&api_version))
}

/// The schema of `metadata` (ObjectMeta) in `reg`, a built-in registry.
pub fn object_meta(reg: &Registry) -> Option<SchemaId> {
    reg.types
        .get("apimachinery.pkg.apis.meta.v1.ObjectMeta")
        .copied()
}

/// Every (type, field) that `rules/schema/closed-sets.yaml` and `unique-keys.yaml` name, with
/// whether the table has it in some version: the data files' tests check them all.
pub fn data_references() -> Vec<(String, String, bool)> {
    let mut known: std::collections::HashSet<(String, String)> = Default::default();
    let mut current = String::new();
    for line in TABLE.lines() {
        if let Some(rest) = line.strip_prefix("type ") {
            current = rest.split_whitespace().next().unwrap_or("").to_string();
        } else if let Some(rest) = line.strip_prefix("  ")
            && let Some(f) = rest.split_whitespace().next()
        {
            known.insert((current.clone(), f.to_string()));
        }
    }
    let mut out = Vec::new();
    let sets: ClosedSets = load_yaml("rules/schema/closed-sets.yaml", CLOSED_SETS);
    for s in sets.sets {
        for t in s.types {
            let k = known.contains(&(t.clone(), s.field.clone()));
            out.push((t, s.field.clone(), k));
        }
    }
    let lists: UniqueKeys = load_yaml("rules/schema/unique-keys.yaml", UNIQUE_KEYS);
    for l in lists.lists {
        for t in l.types {
            let k = known.contains(&(t.clone(), l.field.clone()));
            out.push((t, l.field.clone(), k));
        }
    }
    out
}
