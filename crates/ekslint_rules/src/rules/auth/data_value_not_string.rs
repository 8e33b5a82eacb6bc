use ekslint_manifest::{NodeKind, Object};

use super::support::{Section, aws_auth_data};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an `aws-auth` data value that is a YAML list or map instead of a string, usually
    /// `mapRoles:` written without the `|` that makes the list below it a block of text.
    /// (A number or boolean where a string belongs is YAML004.)
    ///
    /// ## Why is this bad?
    /// ConfigMap `data` values must be strings, so the API server rejects the whole ConfigMap:
    /// `kubectl apply` fails and no mapping changes. The authenticator's test fixture
    /// `aws-auth-missing-bar.yaml` is this mistake (its test expects the create to fail).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapRoles:
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups:
    ///         - system:bootstrappers
    ///         - system:nodes
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapRoles: |
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups:
    ///         - system:bootstrappers
    ///         - system:nodes
    /// ```
    ///
    /// ## Fix safety
    /// When the list or map is written in block style and indented under its key, adding ` |` after
    /// the key turns exactly that text into the string the key needs. The fix is unsafe: the
    /// authenticator ignores the mappings today and honours them after the fix, which grants the
    /// access they describe, so review them first. Flow style (`[...]`, `{...}`) gets no fix.
    ///
    /// ## References
    /// - aws-iam-authenticator fixture: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/mapper/configmap/yaml/aws-auth-missing-bar.yaml>
    /// - ConfigMap data must be strings: <https://kubernetes.io/docs/concepts/configuration/configmap/>
    pub struct DataValueNotString {
        code: "AUTH003",
        name: "data-value-not-string",
        family: Auth,
        severity: Error,
        fix: Sometimes,
        safety: Unsafe,
        summary: "An aws-auth data value is a YAML list or map instead of a string (a missing `|`)",
        placeholders: Judged,
    }
}

impl Rule for DataValueNotString {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let text = ctx.text();
        let Some(data) = aws_auth_data(tree, obj) else {
            return;
        };
        for e in tree.entries(data).unwrap_or(&[]) {
            if e.merged || !matches!(tree.node(e.value).kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
                continue;
            }
            let key = tree.scalar_text(e.key).unwrap_or("");
            let key_span = tree.span(e.key);
            let value_span = tree.span(e.value);
            let what = tree.type_name(e.value);
            let known = Section::ALL.iter().any(|s| s.key() == key);
            // Block style, indented under the key, nothing but `:` and white space in between.
            let between = text
                .get(key_span.end as usize..value_span.start as usize)
                .unwrap_or("");
            let block = !matches!(
                text.as_bytes().get(value_span.start as usize),
                Some(b'[' | b'{')
            );
            let source = ctx.file.source.clone();
            let col = |at: u32| source.line_col(at).column;
            let indented = col(value_span.start) > col(key_span.start) && between.contains('\n');
            let clean = between
                .strip_prefix(':')
                .is_some_and(|rest| rest.chars().all(char::is_whitespace));
            let fixable = block && indented && clean;
            let f = ctx.report(
                value_span,
                format!(
                    "the value of `{key}` is a YAML {what}, but ConfigMap data values must be strings: the API server rejects this ConfigMap{}",
                    if known {
                        format!(" (write `{key}: |` to store the {what} as text)")
                    } else {
                        String::new()
                    }
                ),
            );
            f.label(format!("a {what}, not a string"));
            if fixable {
                f.help(format!("add `|` after `{key}:`"));
                f.fix(Fix {
                    title: format!("store `{key}` as a block string (`|`)"),
                    edits: vec![Edit {
                        span: ekslint_manifest::Span::new(key_span.end + 1, key_span.end + 1),
                        replacement: " |".to_string(),
                    }],
                    applicability: Applicability::Unsafe,
                });
            }
        }
    }
}
