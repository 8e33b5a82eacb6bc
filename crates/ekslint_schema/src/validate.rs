//! Validate a node of the span tree against a schema: every problem of the object, each at its
//! key or value, not only the first. Iterative (an explicit work list), so depth is bounded by
//! the loader's limits, not by the stack.

use ekslint_manifest::yaml11::Resolved;
use ekslint_manifest::{NodeId, NodeKind, Span, Tree};

use crate::model::{Additional, Effect, Format, Registry, Schema, SchemaId, Ty};
use crate::scalar;

/// What is wrong, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub problem: Problem,
    /// The offending key (unknown field) or value; for a missing field, the key of the map
    /// that lacks it.
    pub span: Span,
    /// Where, as the API server would say it: `spec.template.spec.containers[0].image`.
    pub path: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A field the schema does not declare.
    UnknownField {
        field: String,
        /// The schema's closest field name.
        suggestion: Option<String>,
        /// The type that lacks it (`Container`).
        owner: Option<String>,
        /// The object's schema allows these fields (for messages without a suggestion).
        known: usize,
    },
    WrongType {
        expected: &'static str,
        found: &'static str,
        /// Why a value of the right JSON type is still wrong (`not base64`).
        detail: Option<String>,
        /// The value is a template placeholder (`${REPLICAS}`) that a rendering step replaces
        /// before apply. Never set here (this crate knows no template syntax): the caller
        /// marks it.
        template: bool,
    },
    /// A required field is absent, or (built-in kinds) `null`, which the API server decodes
    /// as the empty value.
    Missing {
        field: String,
        owner: Option<String>,
        null: bool,
    },
    NotAllowed {
        value: String,
        allowed: Vec<String>,
        source: String,
    },
    Duplicate {
        key: String,
        first: Span,
        effect: Effect,
        source: String,
    },
    /// A CRD value constraint: pattern, length, range, item count, format, `anyOf`/`oneOf`/`not`.
    Constraint { message: String },
    /// A CRD's `x-kubernetes-validations` rule that does not hold (or cannot be evaluated):
    /// the expression, what to say, and the rule's own `message` in the CRD.
    Cel {
        rule: String,
        message: String,
        declared: Option<String>,
    },
}

/// How to validate one object.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// The object's kind (closed sets can be narrower for some kinds).
    pub kind: &'a str,
    /// Nodes whose scalar type another rule owns (YAML004's values): not reported here.
    pub skip_type: &'a [NodeId],
    /// Not a whole object (a patch, a `generateName` object): no missing-field findings.
    pub partial: bool,
    /// Where a missing field of the root map is reported.
    pub root_anchor: Span,
    /// Root properties that are validated elsewhere (a custom resource's `metadata`).
    pub skip_root: &'a [&'a str],
    /// `null` is an error unless the schema says `nullable` (CRDs); built-in kinds treat
    /// `null` as unset.
    pub strict_null: bool,
}

#[derive(Clone, Copy)]
enum Seg {
    Root,
    Key(NodeId),
    Index(u32),
}

#[derive(Clone, Copy)]
struct Frame {
    parent: u32,
    seg: Seg,
    /// The value node this frame is about.
    node: NodeId,
}

struct Validator<'a> {
    reg: &'a Registry,
    tree: &'a Tree,
    opts: &'a Options<'a>,
    frames: Vec<Frame>,
    out: Vec<Violation>,
    directives: bool,
    /// How many `anyOf`/`oneOf`/`not` trials this validator is nested in.
    nesting: u32,
}

/// Deeper `anyOf`/`oneOf`/`not` trials than this count as matching: each level tries every
/// branch, so a hostile CRD could otherwise make validation exponential.
const MAX_NESTING: u32 = 6;

/// What validating one object found.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub violations: Vec<Violation>,
    /// The object has strategic-merge-patch directives (`$patch`, `$setElementOrder/…`): it is
    /// a patch, not a whole object.
    pub patch_directives: bool,
}

/// Validate `node` against schema `id` of `reg`.
pub fn validate(
    reg: &Registry,
    id: SchemaId,
    tree: &Tree,
    node: NodeId,
    opts: &Options<'_>,
) -> Outcome {
    let mut v = Validator {
        reg,
        tree,
        opts,
        frames: Vec::new(),
        out: Vec::new(),
        directives: false,
        nesting: 0,
    };
    v.run(node, id, Seg::Root, u32::MAX);
    Outcome {
        violations: v.out,
        patch_directives: v.directives,
    }
}

/// Keys that strategic-merge patches use as directives (`$patch: delete`,
/// `$setElementOrder/containers`, `$retainKeys`, `$deleteFromPrimitiveList/args`).
pub fn is_patch_directive(key: &str) -> bool {
    key == "$patch"
        || key == "$retainKeys"
        || key.starts_with("$setElementOrder/")
        || key.starts_with("$deleteFromPrimitiveList/")
}

impl Validator<'_> {
    fn run(&mut self, node: NodeId, id: SchemaId, seg: Seg, parent: u32) {
        let root = self.frames.len() as u32;
        self.frames.push(Frame { parent, seg, node });
        let mut work: Vec<(u32, SchemaId)> = vec![(root, id)];
        while let Some((frame, id)) = work.pop() {
            self.visit(frame, id, &mut work);
        }
    }

    fn child(&mut self, parent: u32, seg: Seg, node: NodeId) -> u32 {
        let id = self.frames.len() as u32;
        self.frames.push(Frame { parent, seg, node });
        id
    }

    fn path(&self, mut frame: u32) -> String {
        let mut segs = Vec::new();
        while frame != u32::MAX {
            let f = self.frames[frame as usize];
            segs.push(f.seg);
            frame = f.parent;
        }
        let mut out = String::new();
        for s in segs.iter().rev() {
            match *s {
                Seg::Root => {}
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(self.tree.scalar_text(k).unwrap_or("?"));
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    fn report(&mut self, frame: u32, span: Span, problem: Problem) {
        let path = self.path(frame);
        self.out.push(Violation {
            problem,
            span,
            path,
        });
    }

    /// Where to report something missing from the map of `frame`: its key, else its first key,
    /// else the root anchor.
    fn anchor(&self, frame: u32) -> Span {
        let f = self.frames[frame as usize];
        match f.seg {
            Seg::Key(k) => self.tree.span(k),
            Seg::Root if frame == 0 && !self.opts.root_anchor.is_empty() => self.opts.root_anchor,
            _ => self
                .tree
                .entries(f.node)
                .and_then(|e| e.first())
                .map_or(self.tree.span(f.node), |e| self.tree.span(e.key)),
        }
    }

    /// Where to report something about the whole node of `frame`: its key when it has one
    /// (a long map is better marked at its key), else the node.
    fn at_key(&self, frame: u32) -> Span {
        let f = self.frames[frame as usize];
        match f.seg {
            Seg::Key(k) if self.tree.scalar(f.node).is_none() => self.tree.span(k),
            _ => self.tree.span(f.node),
        }
    }

    /// Would `node` validate against `id` without any problem (for `anyOf`/`oneOf`/`not`)?
    fn matches(&self, node: NodeId, id: SchemaId) -> bool {
        if self.nesting >= MAX_NESTING {
            return true;
        }
        let mut sub = Validator {
            reg: self.reg,
            tree: self.tree,
            opts: self.opts,
            frames: Vec::new(),
            out: Vec::new(),
            directives: false,
            nesting: self.nesting + 1,
        };
        sub.run(node, id, Seg::Root, u32::MAX);
        sub.out.is_empty()
    }

    fn visit(&mut self, frame: u32, id: SchemaId, work: &mut Vec<(u32, SchemaId)>) {
        let reg = self.reg;
        let tree = self.tree;
        let s: &Schema = reg.get(id);
        let node = self.frames[frame as usize].node;
        let span = tree.span(node);

        if matches!(tree.node(node).kind, NodeKind::Invalid) {
            return;
        }
        if tree.is_null(node) {
            if self.opts.strict_null && !s.nullable && s.ty != Ty::Any {
                self.report(
                    frame,
                    span,
                    Problem::WrongType {
                        expected: s.ty.noun(),
                        found: "null",
                        detail: None,
                        template: false,
                    },
                );
            }
            return;
        }
        for &a in &s.all_of {
            work.push((frame, a));
        }
        if !s.any_of.is_empty() {
            self.any_of(frame, node, s, work);
        }
        if !s.one_of.is_empty() {
            let n = s.one_of.iter().filter(|&&b| self.matches(node, b)).count();
            if n != 1 {
                let message = if n == 0 {
                    "matches none of the schemas of its `oneOf`".to_string()
                } else {
                    format!("matches {n} of the schemas of its `oneOf`; exactly one must match")
                };
                let at = self.at_key(frame);
                self.report(frame, at, Problem::Constraint { message });
            }
        }
        if let Some(not) = s.not
            && self.matches(node, not)
        {
            let at = self.at_key(frame);
            self.report(
                frame,
                at,
                Problem::Constraint {
                    message: "matches the schema of its `not`, which it must not".to_string(),
                },
            );
        }

        // A schema without `type` still constrains the values it applies to (`required` in
        // a `oneOf` branch, `enum` on an int-or-string).
        let ty = match (s.ty, &tree.node(node).kind) {
            (Ty::Any, NodeKind::Map(_))
                if !s.properties.is_empty()
                    || !s.required.is_empty()
                    || matches!(s.additional, Additional::Schema(_))
                    || s.constraints.is_some() =>
            {
                Ty::Object
            }
            (Ty::Any, NodeKind::Seq(_))
                if s.items.is_some() || !s.unique.is_empty() || s.constraints.is_some() =>
            {
                Ty::Array
            }
            (Ty::Any, NodeKind::Scalar(_)) if s.values.is_some() || s.constraints.is_some() => {
                self.scalar(frame, node, s, Ty::Any);
                return;
            }
            (t, _) => t,
        };
        match ty {
            Ty::Any => {}
            Ty::Object => self.object(frame, node, s, work),
            Ty::Array => self.array(frame, node, s, work),
            _ => self.scalar(frame, node, s, ty),
        }
    }

    fn any_of(&mut self, frame: u32, node: NodeId, s: &Schema, work: &mut Vec<(u32, SchemaId)>) {
        if s.any_of.iter().any(|&b| self.matches(node, b)) {
            return;
        }
        // A built-in `oneof(A|B)` (JSONSchemaPropsOrBool, …) is a choice of types: report the
        // problems of the branch of the node's own type, which is what the user meant.
        if s.ty == Ty::Any && s.properties.is_empty() {
            let want = match self.tree.node(node).kind {
                NodeKind::Map(_) => Ty::Object,
                NodeKind::Seq(_) => Ty::Array,
                _ => Ty::Any,
            };
            let branch = s
                .any_of
                .iter()
                .copied()
                .find(|&b| self.reg.get(b).ty == want && want != Ty::Any);
            if let Some(b) = branch {
                work.push((frame, b));
                return;
            }
            let expected = if s
                .any_of
                .iter()
                .all(|&b| matches!(self.reg.get(b).ty, Ty::Object | Ty::Array))
            {
                "a map or a list"
            } else {
                "a map or a boolean"
            };
            self.report(
                frame,
                self.tree.span(node),
                Problem::WrongType {
                    expected,
                    found: self.tree.type_name(node),
                    detail: None,
                    template: false,
                },
            );
            return;
        }
        let at = self.at_key(frame);
        self.report(
            frame,
            at,
            Problem::Constraint {
                message: "matches none of the schemas of its `anyOf`".to_string(),
            },
        );
    }

    fn wrong_type(&mut self, frame: u32, node: NodeId, expected: &'static str) {
        let found = self.tree.type_name(node);
        self.report(
            frame,
            self.tree.span(node),
            Problem::WrongType {
                expected,
                found,
                detail: None,
                template: false,
            },
        );
    }

    fn object(&mut self, frame: u32, node: NodeId, s: &Schema, work: &mut Vec<(u32, SchemaId)>) {
        let tree = self.tree;
        let Some(entries) = tree.entries(node) else {
            self.wrong_type(frame, node, Ty::Object.noun());
            return;
        };
        let is_root = frame == 0 && matches!(self.frames[0].seg, Seg::Root);
        let shadowed = shadowed(tree, entries);
        let mut count = 0u64;
        for (i, e) in entries.iter().enumerate() {
            if shadowed.get(i).copied().unwrap_or(false) {
                continue;
            }
            count += 1;
            let Some(key) = tree.scalar_text(e.key) else {
                continue;
            };
            if is_patch_directive(key) {
                self.directives = true;
                continue;
            }
            if is_root && self.opts.skip_root.contains(&key) {
                continue;
            }
            let child = |v: &mut Self| v.child(frame, Seg::Key(e.key), e.value);
            if let Some(p) = s.property(key) {
                let c = child(self);
                work.push((c, p));
                continue;
            }
            match s.additional {
                Additional::Schema(a) => {
                    let c = child(self);
                    work.push((c, a));
                }
                Additional::Any => {}
                Additional::Unknown => {
                    if s.embedded_resource && matches!(key, "apiVersion" | "kind" | "metadata") {
                        continue;
                    }
                    let suggestion = suggest(key, s.properties.iter().map(|(k, _)| &**k))
                        .or_else(|| self.one_level_down(s, key));
                    let c = child(self);
                    self.report(
                        c,
                        tree.span(e.key),
                        Problem::UnknownField {
                            field: key.to_string(),
                            suggestion,
                            owner: s.name.as_deref().map(str::to_string),
                            known: s.properties.len(),
                        },
                    );
                }
            }
        }
        if !self.opts.partial {
            let mut missing: Vec<(&str, Option<NodeId>)> = Vec::new();
            for r in &s.required {
                if is_root && self.opts.skip_root.contains(&&**r) {
                    continue;
                }
                match tree.get(node, r) {
                    None => missing.push((r, None)),
                    Some(v) if !self.opts.strict_null && tree.is_null(v) => {
                        missing.push((r, Some(v)));
                    }
                    Some(_) => {}
                }
            }
            if s.embedded_resource {
                for r in ["apiVersion", "kind"] {
                    if tree.get(node, r).is_none() && !missing.iter().any(|(m, _)| *m == r) {
                        missing.push((r, None));
                    }
                }
            }
            if !missing.is_empty() {
                let at = self.anchor(frame);
                for (r, null) in missing {
                    let span = null.map_or(at, |v| tree.span(v));
                    self.report(
                        frame,
                        span,
                        Problem::Missing {
                            field: r.to_string(),
                            owner: s.name.as_deref().map(str::to_string),
                            null: null.is_some(),
                        },
                    );
                }
            }
        }
        if let Some(c) = &s.constraints {
            let span = self.anchor(frame);
            if let Some(min) = c.min_properties
                && count < min
            {
                self.constraint(
                    frame,
                    span,
                    format!(
                        "has {}; at least {min} {} required",
                        plural(count, "field"),
                        is_are(min)
                    ),
                );
            }
            if let Some(max) = c.max_properties
                && count > max
            {
                self.constraint(
                    frame,
                    span,
                    format!(
                        "has {}; at most {max} {} allowed",
                        plural(count, "field"),
                        is_are(max)
                    ),
                );
            }
        }
    }

    /// `securityContext.runAsUser` for a `runAsUser` written one level too high: the field of a
    /// property's object type with exactly this name, when only one property has it.
    fn one_level_down(&self, s: &Schema, key: &str) -> Option<String> {
        let mut hits = s.properties.iter().filter_map(|(name, id)| {
            let child = self.reg.get(*id);
            let child = match (child.ty, child.items) {
                (Ty::Array, Some(items)) => self.reg.get(items),
                _ => child,
            };
            child.property(key).map(|_| format!("{name}.{key}"))
        });
        let first = hits.next()?;
        hits.next().is_none().then_some(first)
    }

    fn constraint(&mut self, frame: u32, span: Span, message: String) {
        self.report(frame, span, Problem::Constraint { message });
    }

    fn array(&mut self, frame: u32, node: NodeId, s: &Schema, work: &mut Vec<(u32, SchemaId)>) {
        let tree = self.tree;
        let Some(items) = tree.items(node) else {
            self.wrong_type(frame, node, Ty::Array.noun());
            return;
        };
        if let Some(item_schema) = s.items {
            for (i, &item) in items.iter().enumerate() {
                let c = self.child(frame, Seg::Index(i as u32), item);
                work.push((c, item_schema));
            }
        }
        for key in &s.unique {
            let mut seen: Vec<(String, Span)> = Vec::new();
            for (i, &item) in items.iter().enumerate() {
                let (text, span) = if key.whole_item {
                    let Some(t) = item_key_text(tree, item) else {
                        continue;
                    };
                    (t, tree.span(item))
                } else {
                    let mut parts = Vec::new();
                    let mut at = None;
                    let mut complete = true;
                    for (f, default) in &key.fields {
                        match tree.get_entry(item, f) {
                            Some(e) => match item_key_text(tree, e.value) {
                                Some(t) => {
                                    at.get_or_insert(tree.span(e.value));
                                    parts.push(format!("{f}={t}"));
                                }
                                None => complete = false,
                            },
                            None => match default {
                                Some(d) => parts.push(format!("{f}={d}")),
                                None => complete = false,
                            },
                        }
                    }
                    let Some(at) = at.filter(|_| complete) else {
                        continue;
                    };
                    (parts.join(", "), at)
                };
                if let Some((_, first)) = seen.iter().find(|(t, _)| *t == text) {
                    let c = self.child(frame, Seg::Index(i as u32), item);
                    let first = *first;
                    self.report(
                        c,
                        span,
                        Problem::Duplicate {
                            key: text,
                            first,
                            effect: key.effect,
                            source: key.source.to_string(),
                        },
                    );
                } else {
                    seen.push((text, span));
                }
            }
        }
        if let Some(c) = &s.constraints {
            let n = items.len() as u64;
            let span = self.at_key(frame);
            if let Some(min) = c.min_items
                && n < min
            {
                self.constraint(
                    frame,
                    span,
                    format!(
                        "has {}; at least {min} {} required",
                        plural(n, "item"),
                        is_are(min)
                    ),
                );
            }
            if let Some(max) = c.max_items
                && n > max
            {
                self.constraint(
                    frame,
                    span,
                    format!(
                        "has {}; at most {max} {} allowed",
                        plural(n, "item"),
                        is_are(max)
                    ),
                );
            }
        }
    }

    fn scalar(&mut self, frame: u32, node: NodeId, s: &Schema, ty: Ty) {
        let tree = self.tree;
        let Some(sc) = tree.scalar(node) else {
            self.wrong_type(frame, node, ty.noun());
            return;
        };
        let resolved = sc.resolved();
        let text = sc.value;
        let ok = match (ty, &resolved) {
            (Ty::Any, _) => true,
            (Ty::String, Resolved::Str) => true,
            (Ty::String, _) if self.opts.skip_type.contains(&node) => return,
            (Ty::Integer, Resolved::Int(i)) => in_range(*i as f64, s.format),
            (Ty::Integer, Resolved::Float(f)) => f.fract() == 0.0 && in_range(*f, s.format),
            (Ty::Number, Resolved::Int(_) | Resolved::Float(_)) => true,
            (Ty::Boolean, Resolved::Bool(_)) => true,
            (Ty::IntOrString, Resolved::Str) => true,
            (Ty::IntOrString, Resolved::Int(i)) => in_range(*i as f64, Format::Int32),
            (Ty::IntOrString, Resolved::Float(f)) => {
                f.fract() == 0.0 && in_range(*f, Format::Int32)
            }
            (Ty::Quantity, Resolved::Int(_) | Resolved::Float(_)) => true,
            (Ty::Quantity, Resolved::Str) => {
                if !scalar::is_quantity(text.trim()) {
                    self.report(
                        frame,
                        tree.span(node),
                        Problem::WrongType {
                            expected: Ty::Quantity.noun(),
                            found: "string",
                            detail: Some(format!("`{text}` is not a quantity")),
                            template: false,
                        },
                    );
                    return;
                }
                true
            }
            _ => false,
        };
        if !ok {
            let (found, detail) = match (&resolved, ty) {
                (Resolved::Float(f), Ty::Integer | Ty::IntOrString) if f.fract() != 0.0 => {
                    ("number", Some(format!("`{text}` has a fraction")))
                }
                (Resolved::Int(_) | Resolved::Float(_), Ty::Integer | Ty::IntOrString) => {
                    ("integer", Some(format!("`{text}` is out of range")))
                }
                _ => (resolved.type_name(), None),
            };
            self.report(
                frame,
                tree.span(node),
                Problem::WrongType {
                    expected: if ty == Ty::Integer && s.format == Format::Int32 {
                        "a 32-bit integer"
                    } else {
                        ty.noun()
                    },
                    found,
                    detail,
                    template: false,
                },
            );
            return;
        }
        if matches!(resolved, Resolved::Str) {
            let bad = match s.format {
                Format::Byte if !scalar::is_base64(text) => Some("not base64"),
                Format::DateTime if !text.is_empty() && !scalar::is_date_time(text) => {
                    Some("not an RFC 3339 date-time")
                }
                _ => None,
            };
            if let Some(why) = bad {
                self.report(
                    frame,
                    tree.span(node),
                    Problem::WrongType {
                        expected: match s.format {
                            Format::Byte => "base64-encoded data",
                            _ => "an RFC 3339 date-time",
                        },
                        found: "string",
                        detail: Some(format!("`{}` is {why}", short(text))),
                        template: false,
                    },
                );
                return;
            }
        }
        if let Some(set) = s.values {
            let vs = &self.reg.value_sets[set as usize];
            let allowed = vs.allowed(self.opts.kind);
            let value = canonical(&resolved, text);
            if !value.is_empty() && !allowed.iter().any(|a| **a == *value) {
                self.report(
                    frame,
                    tree.span(node),
                    Problem::NotAllowed {
                        value: value.to_string(),
                        allowed: allowed.iter().map(|a| a.to_string()).collect(),
                        source: vs.source.to_string(),
                    },
                );
            }
        }
        if let Some(c) = &s.constraints {
            self.value_constraints(frame, node, &resolved, text, c);
        }
    }

    fn value_constraints(
        &mut self,
        frame: u32,
        node: NodeId,
        resolved: &Resolved,
        text: &str,
        c: &crate::model::Constraints,
    ) {
        let span = self.tree.span(node);
        if matches!(resolved, Resolved::Str) {
            let len = text.chars().count() as u64;
            if let Some(p) = &c.pattern
                && !p.is_match(text)
            {
                self.constraint(
                    frame,
                    span,
                    format!("`{}` does not match the pattern `{}`", short(text), p.text),
                );
            }
            if let Some(min) = c.min_length
                && len < min
            {
                self.constraint(
                    frame,
                    span,
                    format!(
                        "is {} long; at least {min} {} required",
                        plural(len, "character"),
                        is_are(min)
                    ),
                );
            }
            if let Some(max) = c.max_length
                && len > max
            {
                self.constraint(
                    frame,
                    span,
                    format!(
                        "is {} long; at most {max} {} allowed",
                        plural(len, "character"),
                        is_are(max)
                    ),
                );
            }
            if let Some(f) = &c.format
                && let Some(why) = crate::crd::format_problem(f, text)
            {
                self.constraint(
                    frame,
                    span,
                    format!("`{}` is not a valid `{f}`: {why}", short(text)),
                );
            }
        }
        let n = match resolved {
            Resolved::Int(i) => Some(*i as f64),
            Resolved::Float(f) => Some(*f),
            _ => None,
        };
        if let Some(n) = n {
            if let Some((min, exclusive)) = c.minimum
                && (n < min || (exclusive && n == min))
            {
                let op = if exclusive {
                    "greater than"
                } else {
                    "at least"
                };
                self.constraint(
                    frame,
                    span,
                    format!("{text} is out of range: it must be {op} {min}"),
                );
            }
            if let Some((max, exclusive)) = c.maximum
                && (n > max || (exclusive && n == max))
            {
                let op = if exclusive { "less than" } else { "at most" };
                self.constraint(
                    frame,
                    span,
                    format!("{text} is out of range: it must be {op} {max}"),
                );
            }
            if let Some(m) = c.multiple_of
                && m != 0.0
                && (n / m).fract() != 0.0
            {
                self.constraint(frame, span, format!("{text} is not a multiple of {m}"));
            }
        }
    }
}

/// Entries overridden by a later entry with the same key (the last one wins, as in Kubernetes).
fn shadowed(tree: &Tree, entries: &[ekslint_manifest::Entry]) -> Vec<bool> {
    let mut out = vec![false; entries.len()];
    if entries.len() < 2 {
        return out;
    }
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate().rev() {
        if let Some(k) = tree.scalar_text(e.key)
            && !seen.insert(k)
        {
            out[i] = true;
        }
    }
    out
}

/// A scalar item as a key (lists of sets and list-map keys).
fn item_key_text(tree: &Tree, node: NodeId) -> Option<String> {
    let s = tree.scalar(node)?;
    Some(canonical(&s.resolved(), s.value).into_owned())
}

/// A scalar's value as text the way the API server sees it (`yes` → `true`, `0x10` → `16`).
fn canonical<'t>(resolved: &Resolved, text: &'t str) -> std::borrow::Cow<'t, str> {
    match resolved {
        Resolved::Str => text.into(),
        Resolved::Bool(b) => b.to_string().into(),
        Resolved::Int(i) => i.to_string().into(),
        Resolved::Float(f) => f.to_string().into(),
        Resolved::Null => "".into(),
    }
}

fn in_range(v: f64, f: Format) -> bool {
    match f {
        Format::Int32 => (i32::MIN as f64..=i32::MAX as f64).contains(&v),
        _ => (i64::MIN as f64..=i64::MAX as f64).contains(&v),
    }
}

/// A value shortened for a message.
fn short(s: &str) -> String {
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

/// The closest known name to `field`: same letters in another case, or within a small edit
/// distance.
pub fn suggest<'a>(field: &str, known: impl Iterator<Item = &'a str> + Clone) -> Option<String> {
    let lower = field.to_ascii_lowercase();
    if let Some(k) = known.clone().find(|k| k.to_ascii_lowercase() == lower) {
        return Some(k.to_string());
    }
    let limit = match field.chars().count() {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    known
        .map(|k| (distance(&lower, &k.to_ascii_lowercase()), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, k)| (*d, k.len()))
        .map(|(_, k)| k.to_string())
}

/// Levenshtein distance with adjacent transpositions (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m]
}

/// `1 item`, `3 items`.
fn plural(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `is` for one, `are` for any other count.
fn is_are(n: impl Into<u64>) -> &'static str {
    if n.into() == 1 { "is" } else { "are" }
}
