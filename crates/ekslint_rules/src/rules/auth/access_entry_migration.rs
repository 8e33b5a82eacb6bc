use ekslint_manifest::Object;

use super::support::{NodeKind, Row, Section, TABLE, docs};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::aws::parse_role_arn;

declare_rule! {
    /// ## What it does
    /// Migration advice, one finding per `aws-auth` row (at its `rolearn`/`userarn`): the EKS
    /// access entry that replaces the row.
    /// - Self-managed EC2 node rows become an `EC2_LINUX` (or `EC2_WINDOWS`) entry, with no
    ///   username or groups (EKS sets them).
    /// - Fargate pod execution role rows are managed by EKS: keep them, do not migrate them.
    /// - Hybrid node rows become a `HYBRID_LINUX` entry.
    /// - Every other row becomes a `STANDARD` entry with the same username and groups, except
    ///   `system:` groups, which access entries reject: `system:masters` becomes the access policy
    ///   `AmazonEKSClusterAdminPolicy`. Custom usernames that start with `system:`, `eks:`, `aws:`,
    ///   `amazon:` or `iam:` are rejected, as is a `{{SessionName}}` with no `:` before it.
    /// - A role ARN that had its path removed for aws-auth needs it back: access entries take the
    ///   full ARN (IAM Identity Center roles keep `aws-reserved/sso.amazonaws.com/<region>/`).
    /// - `mapAccounts` items have no access-entry equivalent: every principal of the account
    ///   authenticates, with its ARN as username and no groups.
    ///
    /// On the authenticator's test fixtures this rule prints one note per row: the EC2 node role
    /// (`EC2_LINUX`), the `admin` user (`STANDARD` with `AmazonEKSClusterAdminPolicy` instead of
    /// `system:masters`) and the account `555555555555`.
    ///
    /// ## Why is this bad?
    /// The aws-auth ConfigMap is deprecated; access entries are the supported way to grant access
    /// (EKS Auto Mode requires them). Switching the cluster to `API_AND_CONFIG_MAP`, creating one
    /// entry per row and then deleting the row is the documented migration; the entry wins when a
    /// principal is in both. Once the access-entry API is on it cannot be turned off.
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
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-nodes
    ///       username: system:node:{{EC2PrivateDNSName}}
    ///       groups: [system:bootstrappers, system:nodes]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # aws eks create-access-entry --cluster-name prod --type EC2_LINUX \
    /// #   --principal-arn arn:aws:iam::111122223333:role/eks-nodes
    /// # then delete the row (and, once every row is migrated, the ConfigMap):
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapRoles: ""
    /// ```
    ///
    /// ## References
    /// - EKS user guide, migrating to access entries: <https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html>
    /// - EKS user guide, creating access entries: <https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html>
    pub struct AccessEntryMigration {
        code: "AUTH015",
        name: "access-entry-migration",
        family: Auth,
        severity: Info,
        fix: None,
        summary: "The EKS access entry that replaces an aws-auth row (aws-auth is deprecated)",
        placeholders: Judged,
    }
}

impl Rule for AccessEntryMigration {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        for doc in docs(ctx, obj) {
            if doc.section == Section::Accounts {
                let t = doc.emb.tree();
                for &item in doc.items() {
                    let Some(id) = t.scalar_text(item) else {
                        continue;
                    };
                    ctx.report(
                        doc.emb.span(item),
                        format!(
                            "access entry: none for `mapAccounts` account `{id}`; it lets every principal of that account authenticate (ARN as username, no groups): create an access entry per principal that needs access"
                        ),
                    );
                }
                continue;
            }
            for row in doc.rows() {
                let Some((arn, _)) = row.arn() else { continue };
                let (msg, help) = advice(&row, arn);
                let f = ctx.report(row.anchor(), msg);
                if let Some(h) = help {
                    f.help(h);
                }
            }
        }
    }
}

fn advice(row: &Row<'_>, arn: &str) -> (String, Option<String>) {
    if let Some(kind) = row.node_kind() {
        return match kind.kind {
            NodeKind::Fargate => (
                format!("access entry: none; `{arn}` is a Fargate pod execution role row that EKS manages (`{}`): keep it while the cluster reads aws-auth", kind.access_entry),
                None,
            ),
            _ => (
                format!(
                    "access entry: type `{}` for `{arn}` (EKS sets the username and groups; none may be given)",
                    kind.access_entry
                ),
                kind.kind.is_ec2().then(|| "rows that EKS added for managed node groups stay until the cluster is switched to the API authentication mode".to_string()),
            ),
        };
    }
    let mut notes = Vec::new();
    let user = row.username().map(|(u, _)| u);
    if let Some(u) = user {
        if let Some(p) = TABLE
            .reserved_username_prefixes
            .iter()
            .find(|p| u.starts_with(p.as_str()))
        {
            notes.push(format!(
                "access entries reject usernames starting with `{p}`: drop the custom username `{u}` or rename it"
            ));
        }
        if let Some(at) = u.find("{{SessionName}}")
            && !u[..at].contains(':')
        {
            notes.push(format!(
                "access entries need a `:` before `{{{{SessionName}}}}` in a username (`{u}` is rejected)"
            ));
        }
    }
    let mut groups = Vec::new();
    for (g, _) in row.groups() {
        if g.starts_with(TABLE.reserved_group_prefix.as_str()) {
            match TABLE.policy_for(g) {
                Some(p) => notes.push(format!(
                    "`{g}` becomes the access policy `{}` ({} scope)",
                    p.policy, p.scope
                )),
                None => notes.push(format!(
                    "`{g}` cannot be a group of an access entry: grant its permissions with RBAC or an access policy"
                )),
            }
        } else {
            groups.push(format!("`{g}`"));
        }
    }
    if row.section == Section::Roles
        && let Ok(r) = parse_role_arn(arn)
        && r.name.starts_with("AWSReservedSSO_")
    {
        notes.push("use the role's full ARN with its `aws-reserved/sso.amazonaws.com/<region>/` path in the access entry".to_string());
    }
    let mut msg = format!("access entry: type `STANDARD` for `{arn}`");
    if let Some(u) = user {
        msg.push_str(&format!(", username `{u}`"));
    }
    if !groups.is_empty() {
        msg.push_str(&format!(", groups {}", groups.join(", ")));
    }
    (msg, (!notes.is_empty()).then(|| notes.join("; ")))
}
