//! What the SCHEMA rules share: which schema an object has (the target version's built-in
//! table, a CRD in the same file, or, through the cross-object index, a CRD in another file or
//! a bundled one), its violations (computed once per object and shared by every SCHEMA rule),
//! which objects are partial, and the findings' wording.

pub mod facts;
mod kustomize;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use ekslint_manifest::{NodeId, Object, ObjectKind, ParsedFile, Span, Tree};
use ekslint_schema::cel::CelSchema;
use ekslint_schema::crd::{self, Crd};
use ekslint_schema::{Options, Problem, Registry, SchemaId, Violation, builtin};

use crate::context::{FileCtx, SetCtx};

/// One object's violations, and what every finding on it should add.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub violations: Vec<Violation>,
    /// A sentence for every finding's help (the schema used is not the target's own).
    pub note: Option<String>,
}

/// A finding's wording, built by each rule from a violation of its kind.
pub(crate) struct Message {
    pub text: String,
    pub label: String,
    pub help: Option<String>,
    /// A second place in the same file (the first of two duplicates).
    pub related: Option<(Span, String)>,
    /// Reported at info level, whatever the rule's severity (a value a template fills in).
    pub info: bool,
}

/// Report the violations of `obj` that `message` words (the running rule's kind).
pub(crate) fn report_object(
    ctx: &mut FileCtx<'_>,
    obj: &Object,
    message: fn(&Violation) -> Option<Message>,
) {
    let Some(checked) = checked(ctx, obj) else {
        return;
    };
    for v in &checked.violations {
        if let Some(mut m) = message(v) {
            let f = ctx.report(v.span, std::mem::take(&mut m.text));
            dress(f, v, m, checked.note.as_deref());
        }
    }
}

/// Report the violations of custom resources validated in the per-set pass.
pub(crate) fn report_set(ctx: &mut SetCtx<'_>, message: fn(&Violation) -> Option<Message>) {
    let index = ctx.index;
    for c in index.schema.checked(ctx) {
        for v in &c.violations {
            if let Some(mut m) = message(v) {
                let f = ctx.report(c.file.clone(), v.span, std::mem::take(&mut m.text));
                dress(f, v, m, c.note.as_deref());
                if let Some(crd) = &c.crd {
                    f.related(crd.file.clone(), crd.span, crd.label.clone());
                }
            }
        }
    }
}

/// What a SCHEMA finding carries beside its message, in either pass: the label, the help
/// joined with the note on the schema used, a related span, info level for template
/// placeholders, and whether a patch may leave the field out.
fn dress(f: &mut crate::finding::Finding, v: &Violation, m: Message, note: Option<&str>) {
    f.label(m.label);
    if let Some(h) = join_help(m.help, note) {
        f.help(h);
    }
    if let Some((span, text)) = m.related {
        f.with_label(span, text);
    }
    if m.info {
        f.severity = crate::rule::Severity::Info;
    }
    f.unless_patch = matches!(v.problem, Problem::Missing { .. });
}

fn join_help(help: Option<String>, note: Option<&str>) -> Option<String> {
    match (help, note) {
        (Some(h), Some(n)) => Some(format!("{h}; {n}")),
        (Some(h), None) => Some(h),
        (None, Some(n)) => Some(n.to_string()),
        (None, None) => None,
    }
}

/// The path shown in a message: `spec.replicas`, or `the object` for the root.
pub(crate) fn at(path: &str) -> String {
    if path.is_empty() {
        "the object".to_string()
    } else {
        format!("`{path}`")
    }
}

thread_local! {
    /// The violations of the object being linted on this thread: the engine visits each object
    /// with every rule in turn, so every SCHEMA rule asks for the same object one after the
    /// other and only the first pays for the validation. One object, not the whole file's: a
    /// 200,000-document file kept 200,000 results alive until its end (18 MiB).
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

#[derive(Default)]
struct Cache {
    /// The file (its text's address and digest), the target and whether CEL runs: what the
    /// entries are for.
    key: Option<(usize, u64, u32, u32, bool)>,
    /// CRDs defined in this file, compiled when a resource of theirs is met.
    crds: Option<Rc<Vec<FileCrd>>>,
    /// The last object asked for, and its result.
    last: Option<(NodeId, Option<Rc<Checked>>)>,
}

/// The violations of one object, or `None` when ekslint has no schema for its kind here
/// (a removed API version, an unknown kind, a custom resource whose CRD is not in this file:
/// the per-set pass takes those).
pub(crate) fn checked(ctx: &FileCtx<'_>, obj: &Object) -> Option<Rc<Checked>> {
    if obj.kind_of == ObjectKind::List {
        return None;
    }
    let source = ctx.source();
    let cel = cel_on(ctx.settings);
    let key = (
        Arc::as_ptr(source) as usize,
        source.file_ref.digest,
        ctx.target.major,
        ctx.target.minor,
        cel,
    );
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.key != Some(key) {
            *cache = Cache {
                key: Some(key),
                ..Cache::default()
            };
        }
        if let Some((node, hit)) = &cache.last
            && *node == obj.node
        {
            return hit.clone();
        }
        let crds = cache
            .crds
            .get_or_insert_with(|| Rc::new(file_crds(ctx.file)))
            .clone();
        let result = compute(ctx.file, obj, ctx.target, &crds, cel).map(Rc::new);
        cache.last = Some((obj.node, result.clone()));
        result
    })
}

/// A CRD of the file being linted: its group and kind, compiled on first use.
pub(crate) struct FileCrd {
    group: String,
    kind: String,
    node: NodeId,
    compiled: std::cell::OnceCell<Option<Crd>>,
}

/// The group and kind a CRD object defines, read without compiling it.
pub(crate) fn crd_identity(tree: &Tree, obj: &Object) -> Option<(String, String)> {
    if obj.kind_str(tree) != Some("CustomResourceDefinition") {
        return None;
    }
    let g = tree.path(obj.node, &["spec", "group"])?;
    let k = tree.path(obj.node, &["spec", "names", "kind"])?;
    Some((
        tree.scalar_text(g)?.to_string(),
        tree.scalar_text(k)?.to_string(),
    ))
}

/// The CRDs a file defines.
fn file_crds(file: &ParsedFile) -> Vec<FileCrd> {
    let tree = &file.tree;
    file.objects
        .iter()
        .filter_map(|o| {
            let (group, kind) = crd_identity(tree, o)?;
            Some(FileCrd {
                group,
                kind,
                node: o.node,
                compiled: std::cell::OnceCell::new(),
            })
        })
        .collect()
}

/// The built-in registry for a target, when the target is a Kubernetes 1.x version.
pub(crate) fn builtin_for(target: crate::version::KubeVersion) -> Option<&'static Registry> {
    (target.major == 1).then(|| builtin::registry(target.minor))
}

/// What every finding says when the table is not the target's own.
pub(crate) fn table_note(target: crate::version::KubeVersion) -> Option<String> {
    let table = builtin::table_for(target.minor);
    if target.major != 1 || table == target.minor {
        return None;
    }
    let which = if table > target.minor {
        "the earliest"
    } else {
        "the newest"
    };
    Some(format!(
        "checked against the Kubernetes 1.{table} API schema, {which} ekslint has (the target is {target})"
    ))
}

/// CEL rules are evaluated only when SCHEMA008 runs (they are most of the cost of a custom
/// resource).
pub(crate) fn cel_on(settings: &crate::settings::Settings) -> bool {
    settings.is_enabled(&super::schema_cel_rule::SchemaCelRule::INFO)
}

fn compute(
    file: &ParsedFile,
    obj: &Object,
    target: crate::version::KubeVersion,
    crds: &[FileCrd],
    cel_on: bool,
) -> Option<Checked> {
    let tree = &file.tree;
    let api_version = obj.api_version(tree)?;
    let kind = obj.kind_str(tree)?;
    let builtin = builtin_for(target)?;
    if let Some(id) = builtin.kind(api_version, kind) {
        let skip = yaml004_values(tree, obj);
        let outcome = ekslint_schema::validate(
            builtin,
            id,
            tree,
            obj.node,
            &Options {
                kind,
                skip_type: &skip,
                root_anchor: obj.kind.map_or(Span::default(), |k| k.key),
                ..Options::default()
            },
        );
        let mut violations = outcome.violations;
        violations.retain(|v| !owned_elsewhere(tree, obj, kind, v));
        mark_templates(tree, &mut violations);
        drop_if_partial(
            tree,
            obj,
            &file.source.path,
            &mut violations,
            outcome.patch_directives,
        );
        return Some(Checked {
            violations,
            note: table_note(target),
        });
    }
    let (group, _) = api_version.split_once('/')?;
    let crd = crds.iter().find(|c| c.group == group && c.kind == kind)?;
    let crd = crd
        .compiled
        .get_or_init(|| crd::compile(tree, crd.node))
        .as_ref()?;
    let version = crd.version(api_version)?;
    let id = version.schema?;
    let violations = validate_custom(
        tree,
        obj,
        &file.source.path,
        (&crd.registry, id, version.cel.as_deref().filter(|_| cel_on)),
        builtin,
    );
    Some(Checked {
        violations,
        note: None,
    })
}

/// Validate a custom resource against its CRD schema `id` of `reg` (its `metadata` against
/// the built-in ObjectMeta), partial objects and facts LBC017 owns taken out.
pub(crate) fn validate_custom(
    tree: &Tree,
    obj: &Object,
    path: &str,
    (reg, id, cel): (&Registry, SchemaId, Option<&CelSchema>),
    builtin: &Registry,
) -> Vec<Violation> {
    let kind = obj.kind_str(tree).unwrap_or("");
    let skip = yaml004_values(tree, obj);
    let outcome = ekslint_schema::validate(
        reg,
        id,
        tree,
        obj.node,
        &Options {
            kind,
            skip_type: &skip,
            root_anchor: obj.kind.map_or(Span::default(), |k| k.key),
            skip_root: &["apiVersion", "kind", "metadata"],
            strict_null: true,
            ..Options::default()
        },
    );
    let mut violations = outcome.violations;
    let mut directives = outcome.patch_directives;
    if let (Some(meta), Some(meta_id)) = (
        tree.get(obj.node, "metadata"),
        builtin::object_meta(builtin),
    ) {
        let m = ekslint_schema::validate(
            builtin,
            meta_id,
            tree,
            meta,
            &Options {
                kind,
                skip_type: &skip,
                ..Options::default()
            },
        );
        directives |= m.patch_directives;
        violations.extend(m.violations.into_iter().map(|mut v| {
            v.path = if v.path.is_empty() {
                "metadata".to_string()
            } else {
                format!("metadata.{}", v.path)
            };
            v
        }));
    }
    if let Some(cel) = cel {
        let mut rules = ekslint_schema::cel::violations(cel, tree, obj.node);
        rules.retain(|r| !reads_a_missing_field(r, &violations));
        violations.extend(rules);
    }
    violations.retain(|v| !owned_elsewhere(tree, obj, kind, v));
    match obj.group(tree) {
        "elbv2.k8s.aws" => violations.retain(|v| !owned_by_lbc017(kind, v)),
        "karpenter.sh" | "karpenter.k8s.aws" => violations.retain(|v| !owned_by_karp(kind, v)),
        "vpcresources.k8s.aws" => violations.retain(|v| !owned_by_fargate014(kind, v)),
        _ => {}
    }
    mark_templates(tree, &mut violations);
    drop_if_partial(tree, obj, path, &mut violations, directives);
    violations
}

/// Values whose type YAML004 (non-string-value) reports: their scalar type is its fact.
fn yaml004_values(tree: &Tree, obj: &Object) -> Vec<NodeId> {
    crate::rules::yaml::non_string_value::string_values(tree, obj)
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

/// A patch (strategic-merge directives, or a file a kustomization in the same directory lists
/// as a patch) or an object with `metadata.generateName` is not a whole object: what it lacks
/// is not missing.
fn drop_if_partial(
    tree: &Tree,
    obj: &Object,
    path: &str,
    violations: &mut Vec<Violation>,
    directives: bool,
) {
    if !violations
        .iter()
        .any(|v| matches!(v.problem, Problem::Missing { .. }))
    {
        return;
    }
    let partial = directives
        || obj.get(tree, &["metadata", "generateName"]).is_some()
        || kustomize::named_like_a_patch(std::path::Path::new(path));
    if partial {
        violations.retain(|v| !matches!(v.problem, Problem::Missing { .. }));
    }
}

/// Mark the wrong types whose value is a template placeholder (`replicas: ${REPLICAS}`): the
/// value is not what the cluster will see, so SCHEMA002 tells it at info level (the file must
/// be rendered before it is applied) instead of as an error. The same one-line test as the
/// engine's placeholder guard.
fn mark_templates(tree: &Tree, violations: &mut [Violation]) {
    for v in violations {
        if let Problem::WrongType { template, .. } = &mut v.problem {
            *template = tree.text_at(v.span).is_some_and(|t| {
                !t.contains('\n') && crate::support::placeholder::is_placeholder(t)
            });
        }
    }
}

/// Facts other rules own, which SCHEMA leaves to them (one rule per fact):
/// - YAML006 (object-shape): the types of `apiVersion`, `kind`, `metadata` and its `name`,
///   `namespace`, `generateName`, `labels` and `annotations` (and their values) of an object;
/// - AUTH003 (data-value-not-string): the aws-auth ConfigMap's `data` values;
/// - CSI001 and CSI002: the types of StorageClass `parameters` values.
///
/// (YAML004's values are left out before validating, see [`yaml004_values`].)
fn owned_elsewhere(tree: &Tree, obj: &Object, kind: &str, v: &Violation) -> bool {
    if !matches!(v.problem, Problem::WrongType { .. }) {
        return false;
    }
    let p = v.path.as_str();
    matches!(
        p,
        "apiVersion"
            | "kind"
            | "metadata"
            | "metadata.name"
            | "metadata.namespace"
            | "metadata.generateName"
            | "metadata.labels"
            | "metadata.annotations"
    ) || p.starts_with("metadata.labels.")
        || p.starts_with("metadata.annotations.")
        || (kind == "ConfigMap"
            && crate::rules::auth::support::aws_auth_data(tree, obj).is_some()
            && p.starts_with("data."))
        || (kind == "StorageClass" && p.starts_with("parameters."))
}

/// A CEL rule that could not be evaluated because it reads a field the object lacks, where
/// the schema already reports that field missing: one fact, told once (by SCHEMA003 or the
/// rule that owns it).
fn reads_a_missing_field(rule: &Violation, others: &[Violation]) -> bool {
    let Problem::Cel { message, .. } = &rule.problem else {
        return false;
    };
    let Some((_, rest)) = message.split_once("No such key: ") else {
        return false;
    };
    let key = rest.split([')', ' ', ',', ';']).next().unwrap_or(rest);
    others.iter().any(|o| {
        matches!(&o.problem, Problem::Missing { field, .. } if field == key) && o.path == rule.path
    })
}

/// The KARP rules decide these facts of Karpenter's NodePool and EC2NodeClass; one rule per
/// fact, so SCHEMA leaves them to them:
/// - every `x-kubernetes-validations` rule `rules/karp/crd-cel.yaml` lists (matched by the
///   rule's message in the CRD, also when it cannot be evaluated; a rule of a newer CRD that the
///   table does not list stays SCHEMA008's);
/// - KARP002: `consolidationPolicy: WhenUnderutilized`; KARP003: `disruption` without
///   `consolidateAfter`; KARP004: `disruption.expireAfter`; KARP005: `nodeClassRef`'s
///   `apiVersion` and its missing `group`, `kind` or `name`; KARP006: `template.spec.kubelet`;
/// - KARP008: an EC2NodeClass without `amiSelectorTerms`, and the `amiFamily` values v1 dropped.
fn owned_by_karp(kind: &str, v: &Violation) -> bool {
    use crate::rules::karp::support::table::{CEL, Crd, KARPENTER};
    let crd = match kind {
        "NodePool" => Crd::NodePools,
        "EC2NodeClass" => Crd::Ec2NodeClasses,
        _ => return false,
    };
    let p = v.path.as_str();
    match (&v.problem, crd) {
        (
            Problem::Cel {
                message, declared, ..
            },
            _,
        ) => {
            let message = declared.as_ref().unwrap_or(message);
            CEL.rules
                .iter()
                .any(|r| r.crd == crd && r.message == *message)
        }
        (Problem::NotAllowed { value, .. }, Crd::NodePools) => {
            p == "spec.disruption.consolidationPolicy" && value == "WhenUnderutilized"
        }
        (Problem::Missing { field, .. }, Crd::NodePools) => {
            (p == "spec.disruption" && field == "consolidateAfter")
                || (p == "spec.template.spec.nodeClassRef"
                    && matches!(field.as_str(), "group" | "kind" | "name"))
        }
        (Problem::UnknownField { field, .. }, Crd::NodePools) => matches!(
            (p, field.as_str()),
            ("spec.disruption.expireAfter", _)
                | ("spec.template.spec.kubelet", _)
                | ("spec.template.spec.nodeClassRef.apiVersion", _)
        ),
        (Problem::Missing { field, .. }, Crd::Ec2NodeClasses) => {
            p == "spec" && field == "amiSelectorTerms"
        }
        (Problem::NotAllowed { value, .. }, Crd::Ec2NodeClasses) => {
            p == "spec.amiFamily"
                && KARPENTER
                    .ami
                    .dropped_families
                    .iter()
                    .any(|d| d.family == *value)
        }
        _ => false,
    }
}

/// FARGATE014 (security-group-policy-invalid) decides a SecurityGroupPolicy's empty
/// `spec.securityGroups.groupIds` (the CRD's `minItems: 1`).
fn owned_by_fargate014(kind: &str, v: &Violation) -> bool {
    kind == "SecurityGroupPolicy"
        && matches!(v.problem, Problem::Constraint { .. })
        && v.path == "spec.securityGroups.groupIds"
}

/// LBC017 (lbc-crd-schema) already checks these facts of IngressClassParams and
/// TargetGroupBinding; one rule per fact, so SCHEMA leaves them to it: unknown fields directly
/// under `spec`, the enums it lists, `serviceRef` and its `name`/`port`, `vpcID`'s format,
/// `sslRedirectPort`'s type.
fn owned_by_lbc017(kind: &str, v: &Violation) -> bool {
    if !matches!(kind, "IngressClassParams" | "TargetGroupBinding") {
        return false;
    }
    let p = v.path.as_str();
    match &v.problem {
        Problem::UnknownField { .. } => p
            .strip_prefix("spec.")
            .is_some_and(|f| !f.contains(['.', '['])),
        Problem::NotAllowed { .. } => {
            matches!(
                p,
                "spec.scheme"
                    | "spec.ipAddressType"
                    | "spec.targetType"
                    | "spec.targetGroupProtocol"
            ) || (p.starts_with("spec.networking.ingress[") && p.ends_with("].protocol"))
        }
        Problem::Missing { field, .. } => {
            (p == "spec" && field == "serviceRef")
                || (p == "spec.serviceRef" && matches!(field.as_str(), "name" | "port"))
        }
        Problem::Constraint { .. } => p == "spec.vpcID",
        Problem::WrongType { .. } => p == "spec.sslRedirectPort",
        // IngressClassParams' one rule: not both prefixListsIDs and PrefixListsIDs.
        Problem::Cel { .. } => p == "spec",
        Problem::Duplicate { .. } => false,
    }
}
