use ekslint_manifest::{NodeKind, Object, ProblemKind};

use super::support::{Section, docs};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a `mapRoles`, `mapUsers` or `mapAccounts` value of the `aws-auth` ConfigMap whose
    /// embedded YAML document does not decode: a syntax error (list items at the wrong indentation,
    /// a tab, an unclosed quote), an unquoted value that starts with `{` (`username:
    /// {{SessionName}}`, which YAML reads as a map used as a key), or a document that is not a list.
    /// The finding points at the line and column inside the block where the embedded YAML breaks.
    ///
    /// ## Why is this bad?
    /// The outer ConfigMap is valid, so `kubectl apply` succeeds. But aws-iam-authenticator parses
    /// each key's string separately and, when one fails, keeps none of its entries: **every role
    /// mapping under `mapRoles` is dropped**. Nodes whose role is mapped there can no longer
    /// authenticate and go `NotReady`; people and pipelines mapped only there are locked out. The
    /// other keys that parse still apply. The EKS guide warns that a malformed `aws-auth` "can
    /// cause you to lose access to your cluster".
    ///
    /// The EKS user guide's own `aws-auth-hybrid.yml` (docs snapshot of 2024-12) is this mistake:
    /// `- groups:` is followed by the group items at the same indentation as the entry's dash, so
    /// the `rolearn:` line after them breaks the list. This rule reports it at that `rolearn` line.
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
    ///     - groups:
    ///     - system:bootstrappers
    ///     - system:nodes
    ///     rolearn: arn:aws:iam::111122223333:role/hybrid-nodes
    ///     username: system:node:{{SessionName}}
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
    ///     - rolearn: arn:aws:iam::111122223333:role/hybrid-nodes
    ///       username: "system:node:{{SessionName}}"
    ///       groups:
    ///         - system:bootstrappers
    ///         - system:nodes
    /// ```
    ///
    /// ## References
    /// - aws-iam-authenticator, parsing each key on its own: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/mapper/configmap/configmap.go>
    /// - EKS user guide, aws-auth ConfigMap: <https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html>
    /// - The hybrid nodes example: <https://github.com/awsdocs/amazon-eks-user-guide/blob/4d52b4d05e3478582e7d10a73cbd9ba9194dd5f7/latest/ug/YAML/aws-auth-hybrid.yml>
    pub struct EmbeddedYamlInvalid {
        code: "AUTH004",
        name: "embedded-yaml-invalid",
        family: Auth,
        severity: Error,
        fix: None,
        summary: "The YAML inside mapRoles, mapUsers or mapAccounts does not parse, so every mapping under that key is dropped",
        placeholders: Judged,
    }
}

/// What is lost when a section does not decode.
pub(crate) fn consequence(section: Section) -> &'static str {
    match section {
        Section::Roles => {
            "every role mapping under `mapRoles` is dropped: nodes in these roles go NotReady and users mapped here are locked out"
        }
        Section::Users => {
            "every user mapping under `mapUsers` is dropped: these users are locked out"
        }
        Section::Accounts => {
            "every account under `mapAccounts` is dropped: principals that relied on it are locked out"
        }
    }
}

impl Rule for EmbeddedYamlInvalid {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        for doc in docs(ctx, obj) {
            let key = doc.section.key();
            let emb = &doc.emb;
            let lost = consequence(doc.section);
            // A syntax error: the first one is where the document breaks.
            if let Some(p) = emb
                .inner
                .problems
                .iter()
                .find(|p| !matches!(p.kind, ProblemKind::DuplicateKey { .. }))
            {
                let span = emb.problem_span(p.span);
                ctx.report(
                    span,
                    format!("the YAML inside `{key}` does not parse ({}); {lost}", p.message),
                )
                .label("the embedded YAML breaks here")
                .with_label(doc.key_span, "parsed as one YAML document")
                .help(format!(
                    "fix the YAML inside `{key}`: every item starts with `- ` at one indentation and its keys line up under the first one; quote values that start with `{{`"
                ));
                continue;
            }
            // A map used as a key: `username: {{SessionName}}` unquoted.
            let t = emb.tree();
            let complex = t.nodes().enumerate().find_map(|(i, n)| match &n.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .find(|e| t.scalar(e.key).is_none())
                    .map(|_| i as u32),
                _ => None,
            });
            if let Some(map) = complex {
                let text = emb.text().get(t.span(map).range()).unwrap_or("");
                ctx.report(
                    emb.span(map),
                    format!(
                        "`{text}` is read as a YAML map with a map as its key, which the authenticator's YAML decoder rejects; {lost}"
                    ),
                )
                .label("a value starting with `{` is a flow map")
                .help(format!("quote it: \"{text}\""));
                continue;
            }
            // Not a list.
            if let Some(root) = emb.root()
                && !t.is_null(root)
                && t.items(root).is_none()
            {
                ctx.report(
                    emb.span(root),
                    format!(
                        "`{key}` must hold a YAML list (`- ...` items), not a {}; the document does not decode, so {lost}",
                        t.type_name(root)
                    ),
                )
                .label("not a list");
                continue;
            }
            // mapAccounts decodes into a list of strings: a nested collection fails the whole key.
            if doc.section == Section::Accounts
                && let Some(&bad) = doc.items().iter().find(|&&i| t.scalar(i).is_none())
            {
                ctx.report(
                    emb.span(bad),
                    format!(
                        "a `mapAccounts` item must be an account ID string, not a {}; the list does not decode, so {lost}",
                        t.type_name(bad)
                    ),
                )
                .label("not an account ID");
            }
        }
    }
}
