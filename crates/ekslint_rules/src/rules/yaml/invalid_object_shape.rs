use ekslint_manifest::{NodeId, NodeKind, Object, Tree};

use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes objects whose identity fields have the wrong type or are missing:
    /// `apiVersion`, `kind`, `metadata.name`, `metadata.namespace` and `metadata.generateName`
    /// must be strings, `metadata`, `metadata.labels` and `metadata.annotations` must be maps,
    /// label and annotation values must be strings (not lists or maps), and a document with
    /// `metadata` and only one of `apiVersion` and `kind` is an incomplete object, unless a
    /// kustomization of the input (a Kustomization or a Component) applies its file as a patch
    /// (`patches[].path`, `patchesJson6902[].path`, `patchesStrategicMerge`): a patch is a
    /// partial object that Kustomize merges into its target and never applies alone.
    ///
    /// ## Why is this bad?
    /// The API server cannot decode such an object: `kubectl apply` fails with
    /// `json: cannot unmarshal number into Go struct field ObjectMeta.metadata of type ...` or
    /// `Object 'Kind' is missing`, and a GitOps sync that contains it stops. ekslint's other
    /// rules cannot check an object they cannot identify.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: [settings]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// ```
    pub struct InvalidObjectShape {
        code: "YAML006",
        name: "invalid-object-shape",
        family: Yaml,
        severity: Error,
        fix: None,
        summary: "An object's apiVersion, kind or metadata has the wrong type or is missing",
    }
}

fn kind_word(tree: &Tree, node: NodeId) -> String {
    match tree.type_name(node) {
        "list" => "a list".to_string(),
        "map" => "a map".to_string(),
        other if other.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {other}"),
        other => format!("a {other}"),
    }
}

fn is_string(tree: &Tree, node: NodeId) -> bool {
    tree.as_str(node).is_some()
}

fn expect_string(ctx: &mut FileCtx<'_>, node: NodeId, what: &str, example: &str) {
    let tree = ctx.tree();
    if is_string(tree, node) || tree.is_null(node) && what != "apiVersion" && what != "kind" {
        return;
    }
    let got = kind_word(tree, node);
    let scalar = matches!(tree.node(node).kind, NodeKind::Scalar(_));
    let f = ctx.report(
        tree.span(node),
        format!("`{what}` must be a string, not {got}; the API server rejects this object"),
    );
    f.label(format!("{got}, not a string"));
    if scalar {
        let key = what.rsplit('.').next().unwrap_or(what);
        f.help(format!(
            "quote it: `{key}: \"{}\"`",
            tree.scalar_text(node).unwrap_or("")
        ));
    } else {
        f.help(format!("write a single value, for example `{example}`"));
    }
}

fn expect_map(ctx: &mut FileCtx<'_>, node: NodeId, what: &str) -> bool {
    let tree = ctx.tree();
    if tree.is_map(node) {
        return true;
    }
    if tree.is_null(node) {
        return false;
    }
    let got = kind_word(tree, node);
    ctx.report(
        tree.span(node),
        format!("`{what}` must be a map, not {got}; the API server rejects this object"),
    )
    .label(format!("{got}, not a map"));
    false
}

impl Rule for InvalidObjectShape {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        if obj.kind_of == ekslint_manifest::ObjectKind::List {
            return;
        }
        if let Some(f) = obj.api_version {
            expect_string(ctx, f.node, "apiVersion", "apiVersion: apps/v1");
        }
        if let Some(f) = obj.kind {
            expect_string(ctx, f.node, "kind", "kind: Deployment");
        }
        let tree = ctx.tree();
        let Some(meta) = tree.get(obj.node, "metadata") else {
            return;
        };
        if !expect_map(ctx, meta, "metadata") {
            return;
        }
        for (key, example) in [
            ("name", "name: web"),
            ("namespace", "namespace: apps"),
            ("generateName", "generateName: web-"),
        ] {
            if let Some(v) = tree.get(meta, key) {
                expect_string(ctx, v, &format!("metadata.{key}"), example);
            }
        }
        for key in ["labels", "annotations"] {
            let Some(m) = tree.get(meta, key) else {
                continue;
            };
            if !expect_map(ctx, m, &format!("metadata.{key}")) {
                continue;
            }
            for e in tree.entries(m).unwrap_or_default() {
                if !matches!(tree.node(e.value).kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
                    continue; // Non-string scalars are YAML004's.
                }
                let got = kind_word(tree, e.value);
                let k = tree.scalar_text(e.key).unwrap_or("");
                ctx.report(
                    tree.span(e.value),
                    format!("the value of {} `{k}` must be a string, not {got}", &key[..key.len() - 1]),
                )
                .label(format!("{got}, not a string"))
                .help("write the value as one string; for structured data, quote JSON: `'{\"a\": 1}'`");
            }
        }
    }

    /// A missing `apiVersion` or `kind` is decided once every file is read: a file that a
    /// kustomization of the input applies as a patch holds a partial object (Kustomize reads
    /// the target from the patch entry), which never reaches the API server alone.
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let index = ctx.index;
        for gap in &index.shape_gaps {
            let path: &str = &gap.present.file.path;
            if index.kustomizations.iter().any(|k| k.patches_file(path)) {
                continue;
            }
            let have = if gap.missing == "kind" {
                "apiVersion"
            } else {
                "kind"
            };
            let missing = gap.missing;
            ctx.report(
                gap.present.file.clone(),
                gap.present.span,
                format!("this object has `{have}` and `metadata` but no `{missing}`; the API server rejects it"),
            )
            .label(format!("`{missing}` missing"))
            .help(format!("add `{missing}:` next to `{have}`"));
        }
    }
}
