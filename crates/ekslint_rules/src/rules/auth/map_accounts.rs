use ekslint_manifest::Object;
use ekslint_manifest::yaml11::Resolved;

use super::support::{Section, docs, verbatim_node};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports `mapAccounts` items that are not quoted 12-digit account ID strings: unquoted
    /// numbers (`- 555555555555`), IDs that YAML reads as another number (a leading `0`), and
    /// values that are not 12 digits.
    ///
    /// Every authenticator test fixture writes `- 555555555555` unquoted, so this rule flags it
    /// once in each of them; that ID survives (it has no leading zero), which is why the finding is a
    /// warning.
    ///
    /// ## Why is this bad?
    /// The authenticator's README says to always quote account IDs. An unquoted ID is a YAML
    /// number: one with a leading zero is read as octal or loses its zero (`012345678901` becomes
    /// a different number), so that account never matches. `mapAccounts` itself lets any principal
    /// of the account authenticate, with its ARN as username and no groups.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapAccounts: |
    ///     - 012345670123
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
    ///   mapAccounts: |
    ///     - "012345670123"
    /// ```
    ///
    /// ## Fix safety
    /// Quoting keeps the digits exactly as written, which is what the author meant; the fix is
    /// safe. It is offered only when the item's position is exact.
    ///
    /// ## References
    /// - aws-iam-authenticator README, Full Configuration Format: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/README.md>
    pub struct MapAccounts {
        code: "AUTH014",
        name: "map-accounts",
        family: Auth,
        severity: Warning,
        fix: Sometimes,
        safety: Safe,
        summary: "A mapAccounts item is not a quoted 12-digit account ID string",
        placeholders: Judged,
    }
}

impl Rule for MapAccounts {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let outer = ctx.text();
        for doc in docs(ctx, obj) {
            if doc.section != Section::Accounts {
                continue;
            }
            let t = doc.emb.tree();
            for &item in doc.items() {
                let Some(s) = t.scalar(item) else { continue };
                let text = s.value;
                let span = doc.emb.span(item);
                let twelve = text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit());
                if !twelve {
                    ctx.report(
                        span,
                        format!(
                            "`{text}` is not a 12-digit AWS account ID: no principal matches it"
                        ),
                    )
                    .label("not an account ID");
                    continue;
                }
                if !s.is_plain() {
                    continue;
                }
                let msg = match s.resolved() {
                    Resolved::Int(i) if i.to_string() != text => format!(
                        "the account ID `{text}` is not quoted, and YAML reads it as the number {i}: the account `{text}` never matches"
                    ),
                    Resolved::Int(_) => format!(
                        "the account ID `{text}` is not quoted: YAML reads it as a number (it survives only because it has no leading zero); quote account IDs"
                    ),
                    Resolved::Float(f) => format!(
                        "the account ID `{text}` is not quoted, and YAML reads it as the number {f}: the account `{text}` may never match"
                    ),
                    _ => continue,
                };
                let f = ctx.report(span, msg);
                f.label("quote it");
                if let Some((span, src)) = verbatim_node(outer, &doc.emb, item) {
                    f.fix(Fix {
                        title: format!("quote `{src}`"),
                        edits: vec![Edit {
                            span,
                            replacement: format!("\"{src}\""),
                        }],
                        applicability: Applicability::Safe,
                    });
                }
            }
        }
    }
}
