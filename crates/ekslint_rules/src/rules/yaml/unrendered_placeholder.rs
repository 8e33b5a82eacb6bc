use ekslint_manifest::{NodeId, NodeKind, ObjectKind, ScalarStyle};

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::placeholder;

declare_rule! {
    /// ## What it does
    /// Notes, once per file, that values hold placeholders a templating step fills in before the
    /// manifest is applied (`${ROLE_ARN}`, `$(NAMESPACE)`, `$REGION`, `{{ .Values.x }}`,
    /// `<account-id>`, `#{Token}#`, `__TOKEN__`), points at the first one and counts them.
    /// Data that holds shell or configuration text is not looked at: ConfigMap and Secret
    /// `data`, container `command`, `args` and `env`, and block scalars (`|`, `>`).
    ///
    /// ## Why is this bad?
    /// It is not: repositories render values with envsubst, `sed`, Flux
    /// `postBuild.substitute`, Kustomize or a CI "replace tokens" step. But ekslint lints the
    /// file as written, and a placeholder is not the value the cluster will see, so no rule
    /// judges those values (an ARN, a CIDR, a file system ID). This note says which values went
    /// unchecked; lint the rendered output to check them too.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: app
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: ${APP_ROLE_ARN}
    /// ```
    ///
    /// ## Use instead
    /// Lint what is applied, for example:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: app
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
    /// ```
    /// (`envsubst < sa.yaml | ekslint check --stdin-filename sa.yaml -`, or `kustomize build` /
    /// `flux build` piped to `ekslint check -`).
    ///
    /// ## References
    /// - envsubst: <https://www.gnu.org/software/gettext/manual/html_node/envsubst-Invocation.html>
    /// - Flux post-build variable substitution: <https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution>
    /// - Kubernetes dependent environment variables, `$(VAR)`: <https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/>
    pub struct UnrenderedPlaceholder {
        code: "YAML008",
        name: "unrendered-placeholder",
        family: Yaml,
        severity: Info,
        fix: None,
        summary: "Values hold placeholders filled in before apply; ekslint does not judge them",
        placeholders: Judged,
    }
}

/// Keys whose values are data, scripts or process arguments, where `$VAR` is not a placeholder.
const DATA_KEYS: &[&str] = &[
    "data",
    "stringData",
    "binaryData",
    "command",
    "args",
    "env",
    "script",
];

impl Rule for UnrenderedPlaceholder {
    fn check_file(&self, ctx: &mut FileCtx<'_>) {
        // An unrendered Helm template is YAML002's.
        if ctx.file.helm.is_some() {
            return;
        }
        let tree = ctx.tree();
        let mut first: Option<(NodeId, &str)> = None;
        let mut count = 0usize;
        for obj in ctx
            .file
            .objects
            .iter()
            .filter(|o| o.kind_of != ObjectKind::List)
        {
            let mut stack = vec![obj.node];
            while let Some(n) = stack.pop() {
                match &tree.node(n).kind {
                    NodeKind::Map(entries) => {
                        for e in entries.iter().rev() {
                            let skip = tree
                                .scalar_text(e.key)
                                .is_some_and(|k| DATA_KEYS.contains(&k));
                            if !skip {
                                stack.push(e.value);
                            }
                        }
                    }
                    NodeKind::Seq(items) => stack.extend(items.iter().rev()),
                    NodeKind::Scalar(s) => {
                        if matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded) {
                            continue;
                        }
                        if let Some(p) = placeholder::find(s.value) {
                            count += 1;
                            if first.is_none() {
                                first = Some((n, &s.value[p.start..p.end]));
                            }
                        }
                    }
                    NodeKind::Invalid => {}
                }
            }
        }
        let Some((node, text)) = first else { return };
        let more = match count {
            1 => String::new(),
            n => format!(" ({} more in this file)", n - 1),
        };
        ctx.report(
            tree.span(node),
            format!(
                "`{text}` is filled in before apply{more}: ekslint lints the file as written and does not judge values that hold placeholders"
            ),
        )
        .label("placeholder")
        .help("lint the rendered manifests too, e.g. `envsubst < file.yaml | ekslint check --stdin-filename file.yaml -` or `kustomize build . | ekslint check -`");
    }
}
