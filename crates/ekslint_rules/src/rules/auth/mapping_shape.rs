use ekslint_manifest::{NodeKind, Object};

use super::support::{Row, Section, TABLE, docs};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::suggest::is_typo_of;

declare_rule! {
    /// ## What it does
    /// Checks the shape of each `mapRoles` and `mapUsers` entry:
    /// - an item that is not a map (`- arn:aws:iam::…` on its own);
    /// - a role mapping with neither `rolearn` nor `sso`, or with both; a user mapping without
    ///   `userarn`;
    /// - `username` missing, empty or not a string;
    /// - `groups` written as one string (`groups: system:masters`) instead of a list;
    /// - a key that is a near miss of a mapping field (`role_arn`, `arn`, `group`, `user_name`).
    ///
    /// Entry keys are matched case-insensitively, as the authenticator's JSON decoder does, so
    /// `roleARN`, `userARN` and `UsErNaMe` are fine: the authenticator's test fixtures
    /// `aws-auth-crazy-case-keys.yaml` and `aws-auth-open-source-case-keys.yaml` get no finding
    /// from this rule.
    ///
    /// ## Why is this bad?
    /// Entries that fail validation (no `rolearn` and no `sso`, or both; no `userarn`) are dropped
    /// one by one. A `groups` string does not decode into the list of groups, and the entry then
    /// survives with **no groups**. A misspelled field is ignored. Without a username the mapping
    /// gives no usable Kubernetes identity.
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
    ///     - role_arn: arn:aws:iam::111122223333:role/admins
    ///       username: admin
    ///       groups: cluster-admins
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
    ///     - rolearn: arn:aws:iam::111122223333:role/admins
    ///       username: admin
    ///       groups:
    ///         - cluster-admins
    /// ```
    ///
    /// ## References
    /// - aws-iam-authenticator mapping types and validation: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/config/types.go>
    /// - aws-iam-authenticator README, Full Configuration Format: <https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/README.md>
    pub struct MappingShape {
        code: "AUTH005",
        name: "mapping-shape",
        family: Auth,
        severity: Error,
        fix: None,
        summary: "A mapRoles or mapUsers entry lacks its ARN or username, has groups as a string, or misspells a field",
        placeholders: Judged,
    }
}

/// Keys people write for a mapping field (besides typos of the field itself).
const ALIASES: &[(&str, &str)] = &[
    ("arn", "rolearn"),
    ("role", "rolearn"),
    ("rolename", "rolearn"),
    ("role_arn", "rolearn"),
    ("role-arn", "rolearn"),
    ("user", "userarn"),
    ("user_arn", "userarn"),
    ("user-arn", "userarn"),
    ("user_name", "username"),
    ("name", "username"),
    ("group", "groups"),
];

/// The field an unknown key was probably meant to be.
fn near_field(section: Section, key: &str) -> Option<&'static str> {
    let fields = &TABLE.data_key(section).fields;
    let lower = key.to_ascii_lowercase();
    if fields.contains(&lower) {
        return None;
    }
    let known = |f: &str| fields.iter().any(|x| x == f);
    let arn = section.arn_field();
    if let Some((_, f)) = ALIASES.iter().find(|(a, _)| *a == lower) {
        let f = if *f == "rolearn" || *f == "userarn" {
            arn
        } else {
            f
        };
        return known(f).then_some(f);
    }
    ["rolearn", "userarn", "username", "groups", "userid"]
        .into_iter()
        .filter(|f| known(f))
        .find(|f| is_typo_of(&lower, f))
}

impl Rule for MappingShape {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        for doc in docs(ctx, obj) {
            if doc.section == Section::Accounts {
                continue;
            }
            let emb = &doc.emb;
            let t = emb.tree();
            for (i, &item) in doc.items().iter().enumerate() {
                if t.is_map(item) || matches!(t.node(item).kind, NodeKind::Invalid) {
                    continue;
                }
                ctx.report(
                    emb.span(item),
                    format!(
                        "{} #{} in `{}` is a {}, not a map of `{}`, `username` and `groups`: the authenticator cannot decode it and drops it",
                        doc.section.item_noun(),
                        i + 1,
                        doc.section.key(),
                        t.type_name(item),
                        doc.section.arn_field()
                    ),
                )
                .label("not a mapping");
            }
            for row in doc.rows() {
                check_row(ctx, &row);
            }
        }
    }
}

fn check_row(ctx: &mut FileCtx<'_>, row: &Row<'_>) {
    let emb = row.emb;
    let t = row.tree();
    let arn_field = row.section.arn_field();
    let entries = t.entries(row.item).unwrap_or(&[]);
    let first_key = entries.first().map(|e| emb.span(e.key));
    // Misspelled fields.
    let mut misspelled_arn = None;
    for e in entries {
        let Some(key) = t.scalar_text(e.key) else {
            continue;
        };
        let Some(field) = near_field(row.section, key) else {
            continue;
        };
        if row.field(field).is_some() {
            // The real field is there too: the extra key is just ignored.
            ctx.report(
                emb.span(e.key),
                format!("`{key}` is not a mapping field (did you mean `{field}`?); the authenticator ignores it"),
            )
            .label("ignored");
            continue;
        }
        let why = match field {
            "rolearn" | "userarn" => {
                misspelled_arn = Some(e.key);
                format!(
                    "without `{field}` the {} is dropped",
                    row.section.item_noun()
                )
            }
            "groups" => "the principal gets no groups".to_string(),
            "username" => "the mapping has no username".to_string(),
            _ => "it is ignored".to_string(),
        };
        ctx.report(
            emb.span(e.key),
            format!("`{key}` is not a mapping field (did you mean `{field}`?): the authenticator ignores it, so {why}"),
        )
        .label(format!("did you mean `{field}`?"));
    }
    let desc = row.describe();
    // The ARN (or sso).
    let arn = row.field(arn_field);
    if row.section == Section::Roles {
        let sso = row.field("sso");
        match (arn, sso) {
            (None, None) if misspelled_arn.is_none() => {
                if let Some(span) = first_key {
                    ctx.report(
                        span,
                        format!("{desc} has no `rolearn` (or `sso`): the authenticator drops it"),
                    )
                    .label("`rolearn` missing in this mapping");
                }
            }
            (Some(_), Some(s)) => {
                ctx.report(
                    emb.span(s.key),
                    format!("{desc} sets both `rolearn` and `sso`; exactly one is allowed, so the authenticator drops it"),
                )
                .label("remove `sso` or `rolearn`");
            }
            _ => {}
        }
    } else if arn.is_none()
        && misspelled_arn.is_none()
        && let Some(span) = first_key
    {
        ctx.report(
            span,
            format!("{desc} has no `userarn`: the authenticator drops it"),
        )
        .label("`userarn` missing in this mapping");
    }
    if let Some(a) = arn
        && t.as_str(a.value).is_none()
        && t.scalar(a.value).is_some()
    {
        ctx.report(
            emb.span(a.value),
            format!(
                "`{arn_field}` is a {}, not a string: the mapping cannot match",
                t.type_name(a.value)
            ),
        )
        .label("not a string");
    }
    // The username.
    match row.field("username") {
        None => {
            if let Some(a) = arn {
                ctx.report(
                    emb.span(a.key),
                    format!(
                        "{desc} has no `username`: the mapping gives no usable Kubernetes identity"
                    ),
                )
                .label("`username` missing in this mapping");
            }
        }
        Some(u) => match t.as_str(u.value) {
            Some(s) if s.trim().is_empty() => {
                ctx.report(
                    emb.span(u.value),
                    format!("{desc} has an empty `username`: the mapping gives no usable Kubernetes identity"),
                )
                .label("empty");
            }
            Some(_) => {}
            // A map here is `{{...}}` unquoted: AUTH004 reports the whole document.
            None if t.scalar(u.value).is_some() && !t.is_null(u.value) => {
                ctx.report(
                    emb.span(u.value),
                    format!(
                        "`username` is a {}, not a string: the authenticator's JSON decoder rejects it and the mapping has no username",
                        t.type_name(u.value)
                    ),
                )
                .label("quote it");
            }
            None if t.is_null(u.value) => {
                ctx.report(
                    emb.span(u.key),
                    format!("{desc} has an empty `username`: the mapping gives no usable Kubernetes identity"),
                )
                .label("no value");
            }
            None => {}
        },
    }
    // The groups.
    if let Some(g) = row.field("groups")
        && let Some(s) = t.scalar(g.value)
        && !t.is_null(g.value)
    {
        ctx.report(
            emb.span(g.value),
            format!(
                "`groups` is the string `{}`, not a list: it does not decode into the list of groups, so the principal gets no groups",
                s.value
            ),
        )
        .label("a string, not a list")
        .help(format!("write it as a list: `groups: [\"{}\"]` or one `- {}` item per line", s.value, s.value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_fields() {
        assert_eq!(near_field(Section::Roles, "role_arn"), Some("rolearn"));
        assert_eq!(near_field(Section::Roles, "arn"), Some("rolearn"));
        assert_eq!(near_field(Section::Users, "arn"), Some("userarn"));
        assert_eq!(near_field(Section::Roles, "group"), Some("groups"));
        assert_eq!(near_field(Section::Roles, "roleARN"), None);
        assert_eq!(near_field(Section::Roles, "UsErNaMe"), None);
        assert_eq!(near_field(Section::Roles, "rolarn"), Some("rolearn"));
        assert_eq!(near_field(Section::Roles, "description"), None);
    }
}
