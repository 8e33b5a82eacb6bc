//! Converting a manifest to the replacement of its removed or deprecated apiVersion, as span
//! edits: the row's `fix:` data (renames, drops, additions, value changes, changed defaults)
//! and the restructurings written here (Ingress backends, workload selectors, HPA metrics,
//! CRDs, EndpointSlice topology, RBAC v1alpha1 subjects).
//!
//! The result is safe when the converted manifest means what the original meant, unsafe (with
//! the reasons) when a default or a meaning changed, and display-only when the target needs
//! something no default can supply.

use ekslint_manifest::{Entry, NodeId, Object, ObjectKind, ParsedFile, Tree};

use super::table::{ApiRow, ApiTable, Conversion, FixSpec};
use crate::finding::{Applicability, Edit};
use crate::support::edit::{At, Editor, Item, New, Refused, Result};
use crate::version::KubeVersion;

/// A conversion ready to become a [`crate::finding::Fix`].
#[derive(Debug)]
pub struct Converted {
    pub replacement: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    /// Why it is unsafe or display-only (empty when safe).
    pub reasons: Vec<String>,
}

impl Converted {
    pub fn fix(&self) -> crate::finding::Fix {
        let mut title = format!("Convert to `{}`", self.replacement);
        if !self.reasons.is_empty() {
            title.push_str(" (");
            title.push_str(&self.reasons.join("; "));
            title.push(')');
        }
        crate::finding::Fix {
            title,
            edits: self.edits.clone(),
            applicability: self.applicability,
        }
    }

    /// A line for the finding's help saying what the fix does and why it is not safe.
    pub fn help(&self) -> Option<String> {
        match self.applicability {
            Applicability::Safe => None,
            Applicability::Unsafe => Some(format!(
                "the fix (`--fix --unsafe-fixes`) converts it, but {}",
                self.reasons.join("; ")
            )),
            Applicability::DisplayOnly => Some(format!(
                "the fix is only shown, not applied: {}",
                self.reasons.join("; ")
            )),
        }
    }
}

/// Is the row's replacement served at `target`?
pub fn replacement_served(row: &ApiRow, kind: &str, target: KubeVersion) -> bool {
    let Some(rep) = &row.replacement else {
        return false;
    };
    let Some(since) = row.replacement_available_in else {
        return false;
    };
    if target < since {
        return false;
    }
    ApiTable::get()
        .lookup(rep, kind)
        .and_then(|r| r.removed())
        .is_none_or(|r| target < r)
}

/// The conversion of `obj` (whose row is `row`) for a cluster at `target`, or `None` when the
/// row has no conversion or it cannot be made faithfully here.
pub fn convert(
    file: &ParsedFile,
    obj: &Object,
    row: &ApiRow,
    target: KubeVersion,
) -> Option<Converted> {
    let spec = row.fix.as_ref()?;
    let tree = &file.tree;
    let kind = obj.kind_str(tree)?;
    if !replacement_served(row, kind, target) {
        return None;
    }
    let replacement = row.replacement.clone()?;
    let av = obj.api_version?.node;
    let mut ed = Editor::new(file, obj.node);
    let mut reasons = Vec::new();
    let mut display = Vec::new();
    let result = (|| -> Result {
        ed.set(av, New::str(&replacement))?;
        if obj.kind_of == ObjectKind::List {
            // The items are objects of their own, converted one by one.
            return Ok(());
        }
        data_steps(&mut ed, tree, obj.node, spec, &mut reasons, &mut display)?;
        for c in &spec.convert {
            let mut cx = Cx {
                ed: &mut ed,
                tree,
                root: obj.node,
                reasons: &mut reasons,
            };
            match c {
                Conversion::IngressBackend => cx.ingress_backends()?,
                Conversion::WorkloadSelector => cx.workload_selector()?,
                Conversion::WorkloadLabels => cx.workload_labels()?,
                Conversion::HpaMetrics => cx.hpa_metrics()?,
                Conversion::CrdV1 => cx.crd_v1()?,
                Conversion::EndpointTopology => cx.endpoint_topology()?,
                Conversion::SubjectApiGroup => cx.subject_api_group()?,
            }
        }
        Ok(())
    })();
    result.ok()?;
    let edits = ed.finish().ok()?;
    if let Some(why) = &spec.display_only {
        display.push(why.clone());
    }
    dedup(&mut reasons);
    dedup(&mut display);
    let (applicability, reasons) = if !display.is_empty() {
        (Applicability::DisplayOnly, display)
    } else if !reasons.is_empty() {
        (Applicability::Unsafe, reasons)
    } else {
        (Applicability::Safe, reasons)
    };
    Some(Converted {
        replacement,
        edits,
        applicability,
        reasons,
    })
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
}

/// The nodes at a dotted path (`[]` steps into each list item); missing steps give nothing.
pub fn select(tree: &Tree, root: NodeId, path: &str) -> Vec<NodeId> {
    let mut nodes = vec![root];
    if path.is_empty() {
        return nodes;
    }
    for step in path.split('.') {
        let (key, each) = match step.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (step, false),
        };
        let mut next = Vec::new();
        for n in nodes {
            let Some(v) = tree.get(n, key) else { continue };
            if each {
                next.extend(tree.items(v).unwrap_or(&[]).iter().copied());
            } else {
                next.push(v);
            }
        }
        nodes = next;
    }
    nodes
}

/// The maps at `path` that do not set `key`; a missing step (not a list) counts as one map
/// that does not set it.
fn unset(tree: &Tree, root: NodeId, path: &str, key: &str) -> bool {
    let mut nodes = vec![root];
    let steps: Vec<&str> = if path.is_empty() {
        Vec::new()
    } else {
        path.split('.').collect()
    };
    for step in steps {
        let (k, each) = match step.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (step, false),
        };
        let mut next = Vec::new();
        for n in nodes {
            match tree.get(n, k) {
                None if !each => return true,
                None => {}
                Some(v) if each => next.extend(tree.items(v).unwrap_or(&[]).iter().copied()),
                Some(v) => next.push(v),
            }
        }
        nodes = next;
    }
    nodes
        .into_iter()
        .any(|n| !tree.is_map(n) || tree.get(n, key).is_none_or(|v| tree.is_null(v)))
}

/// The parent path and last key of a dotted path.
fn split_last(path: &str) -> (&str, &str) {
    path.rsplit_once('.').unwrap_or(("", path))
}

fn to_new(v: &serde_json::Value) -> New {
    match v {
        serde_json::Value::String(s) => New::str(s),
        serde_json::Value::Bool(b) => New::Bool(*b),
        serde_json::Value::Number(n) => New::Int(n.as_i64().unwrap_or_default()),
        serde_json::Value::Array(a) => New::Seq(a.iter().map(to_new).collect()),
        serde_json::Value::Object(o) => New::Map(
            o.iter()
                .map(|(k, v)| (New::str(k.clone()), to_new(v)))
                .collect(),
        ),
        serde_json::Value::Null => New::str(""),
    }
}

/// Is this map empty in meaning: no entries, or only empty maps and lists (`matchLabels: {}`)?
fn empty_in_meaning(tree: &Tree, n: NodeId) -> bool {
    match tree.entries(n) {
        Some(es) => es.iter().all(|e| {
            tree.is_null(e.value)
                || tree.entries(e.value).is_some_and(<[Entry]>::is_empty)
                || tree.items(e.value).is_some_and(<[NodeId]>::is_empty)
        }),
        None => false,
    }
}

fn data_steps(
    ed: &mut Editor<'_>,
    tree: &Tree,
    root: NodeId,
    spec: &FixSpec,
    reasons: &mut Vec<String>,
    display: &mut Vec<String>,
) -> Result {
    for r in &spec.renames {
        for m in select(tree, root, &r.path) {
            if let Some(e) = tree.get_entry(m, &r.from) {
                if tree.get(m, &r.to).is_some() {
                    return Err(Refused(format!("both `{}` and `{}`", r.from, r.to)));
                }
                ed.rename(e, &r.to)?;
            }
        }
    }
    for d in &spec.drop {
        let (parent, key) = split_last(d);
        for m in select(tree, root, parent) {
            if let Some(e) = tree.get_entry(m, key) {
                ed.remove(m, e)?;
            }
        }
    }
    for a in &spec.add {
        for m in select(tree, root, &a.path) {
            if !tree.is_map(m) || tree.get(m, &a.key).is_some() {
                continue;
            }
            let at = a
                .after
                .as_deref()
                .and_then(|k| tree.get_entry(m, k))
                .map_or(At::End, At::After);
            ed.insert(m, at, Item::new(&a.key, to_new(&a.value)))?;
            if let Some(why) = &a.unsafe_because {
                reasons.push(why.clone());
            }
        }
    }
    for v in &spec.values {
        for n in select(tree, root, &v.path) {
            if tree.scalar(n).is_some() && v.from.contains(&tree.to_json(n)) {
                ed.set(n, to_new(&v.to))?;
                if let Some(why) = &v.unsafe_because {
                    reasons.push(why.clone());
                }
            }
        }
    }
    for d in &spec.defaults {
        if unset(tree, root, &d.path, &d.key) {
            reasons.push(d.message.clone());
        }
    }
    for e in &spec.empty {
        if select(tree, root, &e.path)
            .into_iter()
            .any(|n| empty_in_meaning(tree, n))
        {
            reasons.push(e.message.clone());
        }
    }
    for n in &spec.needs {
        if unset(tree, root, &n.path, &n.key) {
            display.push(n.message.clone());
        }
    }
    Ok(())
}

/// The state of one code conversion.
struct Cx<'e, 'a> {
    ed: &'e mut Editor<'a>,
    tree: &'a Tree,
    root: NodeId,
    reasons: &'e mut Vec<String>,
}

impl Cx<'_, '_> {
    fn get(&self, path: &[&str]) -> Option<NodeId> {
        self.tree.path(self.root, path)
    }

    fn entry(&self, map: NodeId, key: &str) -> Option<Entry> {
        self.tree.get_entry(map, key)
    }

    // ---- Ingress ---------------------------------------------------------------------------

    /// `serviceName`/`servicePort` → `service: {name, port: {number | name}}` in every backend.
    fn ingress_backends(&mut self) -> Result {
        let mut backends: Vec<NodeId> = self.get(&["spec", "backend"]).into_iter().collect();
        backends.extend(select(
            self.tree,
            self.root,
            "spec.rules[].http.paths[].backend",
        ));
        for b in backends {
            if !self.tree.is_map(b) {
                continue;
            }
            let name = self.entry(b, "serviceName");
            let port = self.entry(b, "servicePort");
            if name.is_none() && port.is_none() {
                continue;
            }
            if self.entry(b, "service").is_some() {
                return Err(Refused(
                    "a backend with both `service` and `serviceName`".into(),
                ));
            }
            let mut items = Vec::new();
            if let Some(n) = name {
                items.push(Item::renamed(n, "name"));
            }
            if let Some(p) = port {
                let item = self.backend_port(p)?;
                if matches!(item, Item::New(..)) {
                    // Written anew (not moved): the old entry goes.
                    self.ed.remove(b, p)?;
                }
                items.push(item);
            }
            self.ed.group(b, "service", items)?;
        }
        Ok(())
    }

    /// `servicePort: 80` → `port: {number: 80}`; `servicePort: http` → `port: {name: http}`.
    fn backend_port(&mut self, p: Entry) -> Result<Item> {
        let t = self.tree;
        let Some(s) = t.scalar(p.value) else {
            return Err(Refused(
                "a servicePort that is not a number or a name".into(),
            ));
        };
        match s.resolved() {
            ekslint_manifest::yaml11::Resolved::Int(_) => Ok(Item::wrapped(p, "port", "number")),
            ekslint_manifest::yaml11::Resolved::Str => match s.value.parse::<i64>() {
                Ok(n) => {
                    self.reasons.push(format!(
                        "`servicePort: \"{n}\"` was a string, a port name that cannot match (a name needs a letter); it is written as the number {n}"
                    ));
                    Ok(Item::new("port", New::map([("number", New::Int(n))])))
                }
                Err(_) => Ok(Item::wrapped(p, "port", "name")),
            },
            _ => Err(Refused(
                "a servicePort that is not a number or a name".into(),
            )),
        }
    }

    // ---- Workloads -------------------------------------------------------------------------

    /// `spec.selector.matchLabels` copied from the pod template's labels (what the old API
    /// defaulted it to), before `template`.
    fn workload_selector(&mut self) -> Result {
        let Some(spec) = self.get(&["spec"]).filter(|s| self.tree.is_map(*s)) else {
            return Err(Refused("no spec".into()));
        };
        if self.tree.get(spec, "selector").is_some() {
            return Ok(());
        }
        let labels = self
            .tree
            .path(spec, &["template", "metadata", "labels"])
            .and_then(|l| self.tree.entries(l))
            .filter(|l| !l.is_empty())
            .ok_or_else(|| Refused("no pod template labels to select with".into()))?;
        let match_labels = New::Map(
            labels
                .iter()
                .map(|e| (New::Copy(e.key), New::Copy(e.value)))
                .collect(),
        );
        let at = self.entry(spec, "template").map_or(At::End, At::Before);
        self.ed.insert(
            spec,
            at,
            Item::new("selector", New::map([("matchLabels", match_labels)])),
        )
    }

    /// `metadata.labels` from the pod template's labels when the object has none (the old
    /// API's default; apps/v1 leaves them empty).
    fn workload_labels(&mut self) -> Result {
        let t = self.tree;
        let Some(meta) = self.get(&["metadata"]).filter(|m| t.is_map(*m)) else {
            return Ok(());
        };
        let Some(labels) = self
            .get(&["spec", "template", "metadata", "labels"])
            .and_then(|l| t.entries(l))
            .filter(|l| !l.is_empty())
        else {
            return Ok(());
        };
        let copy = New::Map(
            labels
                .iter()
                .map(|e| (New::Copy(e.key), New::Copy(e.value)))
                .collect(),
        );
        match self.entry(meta, "labels") {
            None => self.ed.insert(meta, At::End, Item::new("labels", copy)),
            Some(e)
                if t.entries(e.value).is_some_and(<[Entry]>::is_empty) || t.is_null(e.value) =>
            {
                self.ed.replace_entry(meta, e, Item::new("labels", copy))
            }
            Some(_) => Ok(()),
        }
    }

    // ---- HorizontalPodAutoscaler -----------------------------------------------------------

    /// The `autoscaling/v2beta1` metric shapes → `v2`, in `spec.metrics` and
    /// `status.currentMetrics`.
    fn hpa_metrics(&mut self) -> Result {
        for m in select(self.tree, self.root, "spec.metrics[]") {
            for (source, shape) in SPEC_SHAPES {
                if let Some(src) = self.tree.get(m, source).filter(|s| self.tree.is_map(*s)) {
                    self.reshape(src, shape, "target")?;
                }
            }
        }
        for m in select(self.tree, self.root, "status.currentMetrics[]") {
            for (source, shape) in STATUS_SHAPES {
                if let Some(src) = self.tree.get(m, source).filter(|s| self.tree.is_map(*s)) {
                    self.reshape(src, shape, "current")?;
                }
            }
        }
        Ok(())
    }

    fn reshape(&mut self, src: NodeId, shape: &Shape, value_key: &str) -> Result {
        let t = self.tree;
        if let Some((from, to)) = shape.rename
            && let Some(e) = t.get_entry(src, from)
        {
            self.ed.rename(e, to)?;
        }
        let metric: Vec<Item> = shape
            .metric
            .iter()
            .filter_map(|(from, to)| t.get_entry(src, from).map(|e| Item::renamed(e, to)))
            .collect();
        if !metric.is_empty() {
            self.ed.group(src, "metric", metric)?;
        }
        let values: Vec<(&str, Entry)> = shape
            .values
            .iter()
            .filter_map(|(from, to)| t.get_entry(src, from).map(|e| (*to, e)))
            .collect();
        if values.is_empty() {
            return Ok(());
        }
        let mut items = Vec::new();
        if value_key == "target" {
            // The type is the kind of the value written (an average wins, as upstream).
            let ty = ["averageUtilization", "averageValue", "value"]
                .into_iter()
                .find(|k| values.iter().any(|(to, _)| to == k))
                .map_or("Value", |k| match k {
                    "averageUtilization" => "Utilization",
                    "averageValue" => "AverageValue",
                    _ => "Value",
                });
            items.push(Item::new("type", New::str(ty)));
        }
        items.extend(values.into_iter().map(|(to, e)| Item::renamed(e, to)));
        self.ed.group(src, value_key, items)
    }

    // ---- CustomResourceDefinition ----------------------------------------------------------

    /// `apiextensions.k8s.io/v1beta1` → `v1`: per-version schema, subresources and printer
    /// columns; `versions` from `version`; `scope` and the conversion webhook's required
    /// fields; `preserveUnknownFields: true` (not allowed in v1) removed.
    fn crd_v1(&mut self) -> Result {
        let t = self.tree;
        let Some(spec) = self.get(&["spec"]).filter(|s| t.is_map(*s)) else {
            return Ok(()); // Nothing to convert but the apiVersion.
        };
        let validation = self.entry(spec, "validation");
        let subresources = self.entry(spec, "subresources");
        let columns = self.entry(spec, "additionalPrinterColumns");
        let version = self.entry(spec, "version");
        let versions = self.entry(spec, "versions");
        let pruning = "`apiextensions.k8s.io/v1` prunes fields the schema does not declare (v1beta1 kept them unless `preserveUnknownFields: false`): add `x-kubernetes-preserve-unknown-fields: true` where unknown fields must be kept";
        match self.entry(spec, "preserveUnknownFields") {
            Some(p) if t.scalar(p.value).is_some_and(|s| s.value == "false") => {}
            Some(p) => {
                self.ed.remove(spec, p)?;
                if validation.is_some() {
                    self.reasons.push(pruning.to_string());
                }
            }
            None if validation.is_some() => self.reasons.push(pruning.to_string()),
            None => {}
        }
        // What each version gets from the spec.
        let schema_inner = match validation {
            Some(v) => self.structural(v)?,
            None => Vec::new(),
        };
        let columns_inner = match columns {
            Some(c) => self.column_renames(c.value)?,
            None => Vec::new(),
        };
        let per_version = |have: &dyn Fn(&str) -> bool| -> Vec<Item> {
            let mut items = Vec::new();
            match validation {
                Some(v) if !have("schema") => items.push(Item::Moved {
                    entry: v,
                    key: Some("schema".into()),
                    wrap: None,
                    inner: schema_inner.clone(),
                }),
                None if !have("schema") => items.push(Item::new(
                    "schema",
                    New::map([(
                        "openAPIV3Schema",
                        New::map([
                            ("type", New::str("object")),
                            ("x-kubernetes-preserve-unknown-fields", New::Bool(true)),
                        ]),
                    )]),
                )),
                _ => {}
            }
            if let Some(s) = subresources.filter(|_| !have("subresources")) {
                items.push(Item::moved(s));
            }
            if let Some(c) = columns.filter(|_| !have("additionalPrinterColumns")) {
                items.push(Item::Moved {
                    entry: c,
                    key: None,
                    wrap: None,
                    inner: columns_inner.clone(),
                });
            }
            items
        };
        match versions.and_then(|v| t.items(v.value).map(|i| (v, i))) {
            Some((_, items)) if !items.is_empty() => {
                for &item in items {
                    if !t.is_map(item) {
                        return Err(Refused("a version that is not a map".into()));
                    }
                    if let Some(c) = self.entry(item, "additionalPrinterColumns") {
                        for e in self.column_renames(c.value)? {
                            self.ed.push_edit(e);
                        }
                    }
                    if let Some(s) = self.entry(item, "schema") {
                        let inner = self.structural(s)?;
                        for e in inner {
                            self.ed.push_edit(e);
                        }
                    }
                    for i in per_version(&|k| t.get(item, k).is_some()) {
                        self.ed.insert(item, At::End, i)?;
                    }
                }
                if let Some(v) = version {
                    self.ed.remove(spec, v)?;
                }
            }
            _ => {
                let Some(v) = version else {
                    return Err(Refused("neither `version` nor `versions`".into()));
                };
                let mut fields = vec![
                    Item::renamed(v, "name"),
                    Item::new("served", New::Bool(true)),
                    Item::new("storage", New::Bool(true)),
                ];
                fields.extend(per_version(&|_| false));
                if let Some(vs) = versions {
                    self.ed.remove(spec, vs)?;
                }
                self.ed
                    .replace_entry(spec, v, Item::List("versions".into(), vec![fields]))?;
            }
        }
        for e in [validation, subresources, columns].into_iter().flatten() {
            self.ed.remove_moved(spec, e)?;
        }
        if self.entry(spec, "scope").is_none() {
            let at = self.entry(spec, "names").map_or(At::End, At::After);
            self.ed
                .insert(spec, at, Item::new("scope", New::str("Namespaced")))?;
        }
        self.crd_conversion(spec)
    }

    /// `spec.conversion.webhookClientConfig` and `conversionReviewVersions` → under `webhook`.
    fn crd_conversion(&mut self, spec: NodeId) -> Result {
        let t = self.tree;
        let Some(conv) = t.get(spec, "conversion").filter(|c| t.is_map(*c)) else {
            return Ok(());
        };
        let Some(cc) = self.entry(conv, "webhookClientConfig") else {
            return Ok(());
        };
        let mut items = vec![Item::renamed(cc, "clientConfig")];
        match self.entry(conv, "conversionReviewVersions") {
            Some(r) => items.push(Item::moved(r)),
            // The v1beta1 default, which v1 requires to be written.
            None => items.push(Item::new(
                "conversionReviewVersions",
                New::Seq(vec![New::str("v1beta1")]),
            )),
        }
        self.ed.group(conv, "webhook", items)
    }

    /// `JSONPath` → `jsonPath` in each printer column; inner edits when the columns move.
    fn column_renames(&self, cols: NodeId) -> Result<Vec<Edit>> {
        let mut child = self.ed.child();
        for &c in self.tree.items(cols).unwrap_or(&[]) {
            if let Some(e) = self.tree.get_entry(c, "JSONPath") {
                child.rename(e, "jsonPath")?;
            }
        }
        child.finish()
    }

    /// Edits inside a schema entry (`validation` or a version's `schema`) that make it
    /// structural where that is certain: `type: object` on nodes with `properties`, `type:
    /// array` on nodes with `items`. Anything else v1 rejects is named in the reasons.
    fn structural(&mut self, entry: Entry) -> Result<Vec<Edit>> {
        let t = self.tree;
        let mut child = self.ed.child();
        let Some(root) = t.get(entry.value, "openAPIV3Schema") else {
            return child.finish();
        };
        let mut untyped = Vec::new();
        let mut forbidden = Vec::new();
        let mut stack = vec![(root, "openAPIV3Schema".to_string())];
        while let Some((n, path)) = stack.pop() {
            if !t.is_map(n) {
                continue;
            }
            let has = |k: &str| t.get(n, k).is_some();
            if !has("type")
                && t.get(n, "x-kubernetes-preserve-unknown-fields")
                    .is_none_or(|v| t.scalar_text(v) != Some("true"))
                && t.get(n, "x-kubernetes-int-or-string")
                    .is_none_or(|v| t.scalar_text(v) != Some("true"))
            {
                let ty = if has("properties") || has("additionalProperties") {
                    Some("object")
                } else if has("items") {
                    Some("array")
                } else {
                    None
                };
                match ty {
                    Some(ty) => {
                        let first = t.entries(n).and_then(|e| e.first()).copied();
                        let at = first.map_or(At::End, At::Before);
                        child.insert(n, at, Item::new("type", New::str(ty)))?;
                    }
                    None => untyped.push(path.clone()),
                }
            }
            if t.get(n, "uniqueItems").and_then(|v| t.scalar_text(v)) == Some("true") {
                forbidden.push(format!("`uniqueItems: true` at {path}"));
            }
            if t.get(n, "additionalProperties")
                .and_then(|v| t.scalar_text(v))
                == Some("false")
            {
                forbidden.push(format!("`additionalProperties: false` at {path}"));
            }
            for (k, e) in t.string_entries(t.get(n, "properties")) {
                stack.push((e.value, format!("{path}.{k}")));
            }
            for k in ["items", "additionalProperties"] {
                if let Some(v) = t.get(n, k) {
                    stack.push((v, format!("{path}.{k}")));
                }
            }
        }
        if !untyped.is_empty() {
            untyped.sort();
            let more = if untyped.len() > 3 {
                format!(" and {} more", untyped.len() - 3)
            } else {
                String::new()
            };
            untyped.truncate(3);
            self.reasons.push(format!(
                "the schema is not structural, which v1 requires: give a `type` to {}{more}",
                untyped.join(", ")
            ));
        }
        if !forbidden.is_empty() {
            forbidden.sort();
            forbidden.truncate(3);
            self.reasons
                .push(format!("v1 rejects {} in a schema", forbidden.join(", ")));
        }
        child.finish()
    }

    // ---- EndpointSlice ---------------------------------------------------------------------

    /// `topology` → `nodeName` (from `kubernetes.io/hostname`), `zone` (from
    /// `topology.kubernetes.io/zone`) and `deprecatedTopology` (the other keys), as the API
    /// server converts it.
    fn endpoint_topology(&mut self) -> Result {
        let t = self.tree;
        for ep in select(t, self.root, "endpoints[]") {
            let Some(topo) = self.entry(ep, "topology") else {
                continue;
            };
            let Some(entries) = t.entries(topo.value) else {
                continue;
            };
            let mut kept = 0;
            let mut moved = Vec::new();
            for e in entries {
                let target = match t.scalar_text(e.key) {
                    Some("kubernetes.io/hostname") => "nodeName",
                    Some("topology.kubernetes.io/zone") => "zone",
                    _ => {
                        kept += 1;
                        continue;
                    }
                };
                if t.get(ep, target).is_none() {
                    self.ed
                        .insert(ep, At::End, Item::new(target, New::Copy(e.value)))?;
                }
                moved.push(*e);
            }
            if kept == 0 {
                self.ed.remove(ep, topo)?;
            } else {
                for e in moved {
                    self.ed.remove(topo.value, e)?;
                }
                self.ed.rename(topo, "deprecatedTopology")?;
            }
        }
        Ok(())
    }

    // ---- RBAC v1alpha1 ---------------------------------------------------------------------

    /// `subjects[].apiVersion` → `apiGroup` (the group of the version; none for a
    /// ServiceAccount).
    fn subject_api_group(&mut self) -> Result {
        let t = self.tree;
        for s in select(t, self.root, "subjects[]") {
            let Some(e) = self.entry(s, "apiVersion") else {
                continue;
            };
            if t.get(s, "apiGroup").is_some() {
                return Err(Refused(
                    "a subject with both apiVersion and apiGroup".into(),
                ));
            }
            let kind = t.get(s, "kind").and_then(|k| t.scalar_text(k));
            let group = t
                .scalar_text(e.value)
                .and_then(|v| v.rsplit_once('/'))
                .map(|(g, _)| g.to_string());
            match (kind, group) {
                (Some("ServiceAccount"), _) | (_, None) => self.ed.remove(s, e)?,
                (_, Some(g)) => {
                    self.ed.rename(e, "apiGroup")?;
                    self.ed.set(e.value, New::str(g))?;
                }
            }
        }
        Ok(())
    }
}

/// How one `autoscaling/v2beta1` metric source maps to `v2`.
struct Shape {
    /// A key renamed in place.
    rename: Option<(&'static str, &'static str)>,
    /// Keys that go under `metric`, renamed.
    metric: &'static [(&'static str, &'static str)],
    /// Keys that go under `target` (spec) or `current` (status), renamed.
    values: &'static [(&'static str, &'static str)],
}

/// Restated from the autoscaling v2beta1 and v2 types (kubernetes/api autoscaling/v2beta1 and
/// autoscaling/v2 types.go): each source's target fields and the metric identifier.
const SPEC_SHAPES: &[(&str, Shape)] = &[
    (
        "resource",
        Shape {
            rename: None,
            metric: &[],
            values: &[
                ("targetAverageUtilization", "averageUtilization"),
                ("targetAverageValue", "averageValue"),
            ],
        },
    ),
    (
        "containerResource",
        Shape {
            rename: None,
            metric: &[],
            values: &[
                ("targetAverageUtilization", "averageUtilization"),
                ("targetAverageValue", "averageValue"),
            ],
        },
    ),
    (
        "pods",
        Shape {
            rename: None,
            metric: &[("metricName", "name"), ("selector", "selector")],
            values: &[("targetAverageValue", "averageValue")],
        },
    ),
    (
        "object",
        Shape {
            rename: Some(("target", "describedObject")),
            metric: &[("metricName", "name"), ("selector", "selector")],
            values: &[("targetValue", "value"), ("averageValue", "averageValue")],
        },
    ),
    (
        "external",
        Shape {
            rename: None,
            metric: &[("metricName", "name"), ("metricSelector", "selector")],
            values: &[
                ("targetValue", "value"),
                ("targetAverageValue", "averageValue"),
            ],
        },
    ),
];

const STATUS_SHAPES: &[(&str, Shape)] = &[
    (
        "resource",
        Shape {
            rename: None,
            metric: &[],
            values: &[
                ("currentAverageUtilization", "averageUtilization"),
                ("currentAverageValue", "averageValue"),
            ],
        },
    ),
    (
        "containerResource",
        Shape {
            rename: None,
            metric: &[],
            values: &[
                ("currentAverageUtilization", "averageUtilization"),
                ("currentAverageValue", "averageValue"),
            ],
        },
    ),
    (
        "pods",
        Shape {
            rename: None,
            metric: &[("metricName", "name"), ("selector", "selector")],
            values: &[("currentAverageValue", "averageValue")],
        },
    ),
    (
        "object",
        Shape {
            rename: Some(("target", "describedObject")),
            metric: &[("metricName", "name"), ("selector", "selector")],
            values: &[("currentValue", "value"), ("averageValue", "averageValue")],
        },
    ),
    (
        "external",
        Shape {
            rename: None,
            metric: &[("metricName", "name"), ("metricSelector", "selector")],
            values: &[
                ("currentValue", "value"),
                ("currentAverageValue", "averageValue"),
            ],
        },
    ),
];

#[cfg(test)]
mod tests;
