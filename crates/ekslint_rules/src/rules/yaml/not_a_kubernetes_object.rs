use ekslint_manifest::{Document, NodeKind, Span};

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Notes a YAML or JSON file that holds no Kubernetes object at all: an empty file, or a
    /// document that is a single value or a list instead of a map. The document is skipped.
    ///
    /// ## Why is this bad?
    /// It is often harmless (a list of values for another tool), so this is only information.
    /// But in a manifests directory it usually means a broken file: a manifest whose keys were
    /// indented under a `- ` by mistake, a truncated file, or an empty file left by a generator.
    /// `kubectl apply` rejects a document that is a list or a single value.
    ///
    /// ## Example
    /// ```yaml
    /// - apiVersion: v1
    ///   kind: ConfigMap
    ///   metadata:
    ///     name: settings
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// ```
    pub struct NotAKubernetesObject {
        code: "YAML007",
        name: "not-a-kubernetes-object",
        family: Yaml,
        severity: Info,
        fix: None,
        summary: "The file is empty, or a document is a single value or a list rather than an object",
    }
}

impl Rule for NotAKubernetesObject {
    fn check_file(&self, ctx: &mut FileCtx<'_>) {
        let text = ctx.text();
        if ctx.file.problems.is_empty() && ctx.file.helm.is_none() && text.trim().is_empty() {
            ctx.report(
                Span::new(0, 0),
                "the file is empty: no Kubernetes object in it",
            )
            .help("delete the file, or exclude it with .ekslintignore");
        }
    }

    fn check_document(&self, ctx: &mut FileCtx<'_>, doc: &Document) {
        let tree = ctx.tree();
        let Some(root) = doc.root else { return };
        let what = match &tree.node(root).kind {
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar(_) if !tree.is_null(root) => "a single value",
            _ => return,
        };
        let looks_like_objects = tree
            .items(root)
            .and_then(|items| items.first())
            .is_some_and(|&first| {
                tree.get(first, "apiVersion").is_some() && tree.get(first, "kind").is_some()
            });
        let f = ctx.report(
            tree.span(root),
            format!("this document is {what}, not a Kubernetes object; it was skipped"),
        );
        if looks_like_objects {
            f.help("these look like objects: write each as its own document separated by `---`, or wrap them in `kind: List` with `items:`");
        }
    }
}
