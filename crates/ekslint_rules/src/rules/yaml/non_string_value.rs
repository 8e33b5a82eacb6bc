use ekslint_manifest::yaml11::{Resolved, yaml11_surprise};
use ekslint_manifest::{NodeId, Object, Tree};

use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an unquoted value that YAML reads as a boolean or a number where Kubernetes
    /// expects a string: label and annotation values, selectors, `nodeSelector`, ConfigMap and
    /// Secret `data`/`stringData`, container `env[].value`, `command` and `args`. The YAML 1.1 rules
    /// that Kubernetes uses make this a trap: `yes`, `no`, `on`, `off`, `y`, `n` are booleans and
    /// `0755` is the octal number 493.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` and Helm fail with `cannot unmarshal bool into Go struct field
    /// ObjectMeta.metadata.annotations of type string`; typed clients silently turn `yes` into
    /// `"true"` and `0755` into `"493"`. Either way the value is not what you wrote.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-internal: yes
    /// spec:
    ///   type: LoadBalancer
    ///   selector: {app: web}
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-internal: "true"
    /// spec:
    ///   type: LoadBalancer
    ///   selector: {app: web}
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ```
    ///
    /// ## Fix safety
    /// Quoting keeps the text exactly as written, which is what the author meant; it is safe.
    pub struct NonStringValue {
        code: "YAML004",
        name: "non-string-value",
        family: Yaml,
        severity: Error,
        fix: Always,
        safety: Safe,
        summary: "An unquoted boolean or number (YAML 1.1: yes, on, 0755) where Kubernetes needs a string",
    }
}

/// Maps of string values, relative to a metadata map.
const META_MAPS: &[(&str, &str)] = &[
    ("labels", "label value"),
    ("annotations", "annotation value"),
];

impl Rule for NonStringValue {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for (node, what) in string_values(tree, obj) {
            check_value(ctx, tree, node, what);
        }
    }
}

/// The values this rule checks, with what each is (for the message). SCHEMA002 leaves the
/// type of these values to this rule.
pub(crate) fn string_values(tree: &Tree, obj: &Object) -> Vec<(NodeId, &'static str)> {
    {
        let mut targets: Vec<(NodeId, &'static str)> = Vec::new();
        let string_map =
            |map: Option<NodeId>, what: &'static str, out: &mut Vec<(NodeId, &'static str)>| {
                if let Some(entries) = map.and_then(|m| tree.entries(m)) {
                    out.extend(
                        entries
                            .iter()
                            .filter(|e| !e.merged)
                            .map(|e| (e.value, what)),
                    );
                }
            };
        let meta = obj.get(tree, &["metadata"]);
        for (key, what) in META_MAPS {
            string_map(meta.and_then(|m| tree.get(m, key)), what, &mut targets);
        }
        if let Some(tmeta) = obj.pod_template_metadata(tree) {
            for (key, what) in META_MAPS {
                string_map(tree.get(tmeta, key), what, &mut targets);
            }
        }
        let kind = obj.kind_str(tree).unwrap_or("");
        match kind {
            "ConfigMap" => string_map(
                obj.get(tree, &["data"]),
                "ConfigMap data value",
                &mut targets,
            ),
            "Secret" => {
                string_map(obj.get(tree, &["data"]), "Secret data value", &mut targets);
                string_map(
                    obj.get(tree, &["stringData"]),
                    "Secret stringData value",
                    &mut targets,
                );
            }
            "Service" => string_map(
                obj.get(tree, &["spec", "selector"]),
                "selector value",
                &mut targets,
            ),
            _ => {}
        }
        string_map(
            obj.get(tree, &["spec", "selector", "matchLabels"]),
            "selector label value",
            &mut targets,
        );
        if let Some(pod) = obj.pod_spec(tree) {
            string_map(
                tree.get(pod, "nodeSelector"),
                "nodeSelector value",
                &mut targets,
            );
            for list in ["containers", "initContainers", "ephemeralContainers"] {
                for &c in tree
                    .get(pod, list)
                    .and_then(|l| tree.items(l))
                    .unwrap_or(&[])
                {
                    for &env in tree
                        .get(c, "env")
                        .and_then(|l| tree.items(l))
                        .unwrap_or(&[])
                    {
                        if let Some(v) = tree.get(env, "value") {
                            targets.push((v, "env value"));
                        }
                    }
                    for key in ["command", "args"] {
                        for &a in tree.get(c, key).and_then(|l| tree.items(l)).unwrap_or(&[]) {
                            targets.push((
                                a,
                                if key == "command" {
                                    "command item"
                                } else {
                                    "args item"
                                },
                            ));
                        }
                    }
                }
            }
        }
        targets
    }
}

fn check_value(ctx: &mut FileCtx<'_>, tree: &Tree, node: NodeId, what: &str) {
    let Some(s) = tree.scalar(node) else { return };
    let resolved = s.resolved();
    let noun = match &resolved {
        Resolved::Bool(_) | Resolved::Int(_) | Resolved::Float(_) => resolved.type_name(),
        Resolved::Null | Resolved::Str => return,
    };
    let text = s.value;
    let meaning = match &resolved {
        Resolved::Bool(b) => format!("the boolean `{b}`"),
        Resolved::Int(i) if yaml11_surprise(text) => format!("the number {i}"),
        _ => format!("{} {noun}", article(noun)),
    };
    let why = if yaml11_surprise(text) {
        " (YAML 1.1, which Kubernetes uses)"
    } else {
        ""
    };
    let span = tree.span(node);
    let quoted = format!("\"{text}\"");
    ctx.report(
        span,
        format!(
            "`{text}` is read as {meaning}{why}, but {} {what} must be a string",
            article(what)
        ),
    )
    .label(format!("{noun}, not a string"))
    .help(format!("quote it: {quoted}"))
    .fix(Fix {
        title: format!("quote `{text}`"),
        edits: vec![Edit {
            span,
            replacement: quoted,
        }],
        applicability: Applicability::Safe,
    });
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
