use ekslint_manifest::{Object, Span};

use super::support::{InMapUsers, Row, Section, TABLE, docs, verbatim_node};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Checks the `{{…}}` template tokens in `username` and `groups` of `mapRoles` and
    /// `mapUsers`:
    /// - a token that is not exactly one of `{{AccountID}}`, `{{SessionName}}`,
    ///   `{{SessionNameRaw}}`, `{{EC2PrivateDNSName}}`, `{{AccessKeyID}}` (`{{ SessionName }}`,
    ///   `{{sessionName}}`, `{{SessionID}}`);
    /// - `{{EC2PrivateDNSName}}` in `mapUsers`: authentication always fails;
    /// - `{{SessionName}}` or `{{SessionNameRaw}}` in `mapUsers`: renders as an empty string.
    ///
    /// ## Why is this bad?
    /// Rendering is a literal replacement of the exact tokens (case-sensitive, no spaces inside the
    /// braces); any other `{{…}}` text stays in the username or group as written, so the
    /// Kubernetes identity is not what was meant and RBAC bindings for it never match. IAM users
    /// have no session name, and `{{EC2PrivateDNSName}}` needs an EC2 instance ID as the session
    /// name (otherwise the authenticator rejects the token with "SessionName did not contain an
    /// instance id").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapRoles: |
    ///     - rolearn: arn:aws:iam::111122223333:role/developers
    ///       username: "developer:{{ SessionName }}"
    ///       groups:
    ///         - developers
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
    ///     - rolearn: arn:aws:iam::111122223333:role/developers
    ///       username: "developer:{{SessionName}}"
    ///       groups:
    ///         - developers
    /// ```
    ///
    /// ## Fix safety
    /// Rewriting a token that differs only in spaces or case to the exact token is what the author
    /// meant; the fix is safe. It is offered only when the token's position is exact.
    ///
    /// ## References
    /// - aws-iam-authenticator README, Full Configuration Format: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/README.md>
    /// - aws-iam-authenticator template rendering: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/server/server.go>
    pub struct TemplateToken {
        code: "AUTH010",
        name: "template-token",
        family: Auth,
        severity: Error,
        fix: Sometimes,
        safety: Safe,
        summary: "A username or group uses a template token that is not rendered, or one that fails for IAM users",
        placeholders: Judged,
    }
}

/// `{{…}}` tokens of a string: (byte offset, whole token, inner text).
fn tokens(s: &str) -> Vec<(usize, &str, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = s[from..].find("{{") {
        let start = from + open;
        let Some(close) = s[start + 2..].find("}}") else {
            break;
        };
        let end = start + 2 + close + 2;
        out.push((start, &s[start..end], &s[start + 2..end - 2]));
        from = end;
    }
    out
}

impl Rule for TemplateToken {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let outer = ctx.text();
        for doc in docs(ctx, obj) {
            for row in doc.rows() {
                let mut values = Vec::new();
                if let Some(u) = row.username() {
                    values.push(("username", u));
                }
                for g in row.groups() {
                    values.push(("group", g));
                }
                for (what, (value, node)) in values {
                    for (at, token, inner) in tokens(value) {
                        check_token(ctx, outer, &row, what, node, at, token, inner);
                    }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_token(
    ctx: &mut FileCtx<'_>,
    outer: &str,
    row: &Row<'_>,
    what: &str,
    node: ekslint_manifest::NodeId,
    _at: usize,
    token: &str,
    inner: &str,
) {
    let emb = row.emb;
    // The token's own outer span when the value is written verbatim; else the value's span.
    let verbatim = verbatim_node(outer, emb, node);
    let token_span = verbatim.as_ref().and_then(|(span, src)| {
        let n = src.matches(token).count();
        let value_at = src.find(token)?;
        // Unique in the source text, and the value is the source minus quotes.
        (n == 1).then(|| {
            Span::new(
                span.start + value_at as u32,
                span.start + (value_at + token.len()) as u32,
            )
        })
    });
    let span = token_span.unwrap_or_else(|| emb.span(node));
    let exact = TABLE.token(inner);
    match exact {
        Some(t) if row.section == Section::Users && t.in_map_users == InMapUsers::Fails => {
            ctx.report(
                span,
                format!("`{token}` in `mapUsers`: IAM users have no EC2 instance session, so authentication fails for this user"),
            )
            .label("only for EC2 node roles")
            .help("use a fixed username for IAM users (the user ARN or a name)");
        }
        Some(t) if row.section == Section::Users && t.in_map_users == InMapUsers::Empty => {
            ctx.report(
                span,
                format!("`{token}` in `mapUsers`: IAM users have no session name, so it renders as an empty string"),
            )
            .label("empty for IAM users")
            .help("use a fixed username, or `{{AccessKeyID}}` to tell keys apart");
        }
        Some(_) => {}
        None => {
            let trimmed = inner.trim();
            let near = TABLE
                .template_tokens
                .iter()
                .find(|t| t.token.eq_ignore_ascii_case(trimmed));
            let names = TABLE
                .template_tokens
                .iter()
                .map(|t| format!("`{{{{{}}}}}`", t.token))
                .collect::<Vec<_>>()
                .join(", ");
            let f = ctx.report(
                span,
                match near {
                    Some(t) => format!(
                        "`{token}` in the {what} is not rendered: only the exact `{{{{{}}}}}` (no spaces, this case) is replaced, so the text stays as written",
                        t.token
                    ),
                    None => format!(
                        "`{token}` in the {what} is not a template token ({names}); it stays as written"
                    ),
                },
            );
            f.label("not a template token");
            if let Some(t) = near {
                let right = format!("{{{{{}}}}}", t.token);
                f.help(format!("write `{right}`"));
                if let Some(span) = token_span {
                    f.fix(Fix {
                        title: format!("write `{right}`"),
                        edits: vec![Edit {
                            span,
                            replacement: right,
                        }],
                        applicability: Applicability::Safe,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tokens() {
        assert_eq!(
            tokens("a:{{SessionName}}-{{ X }}{{"),
            vec![
                (2, "{{SessionName}}", "SessionName"),
                (18, "{{ X }}", " X ")
            ]
        );
    }
}
