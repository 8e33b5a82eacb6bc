use std::collections::BTreeMap;

use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Compares the partition and account of every ServiceAccount role ARN with the AWS
    /// destination configured in `.ekslint.yaml`:
    /// - a role in an account that is not one of `aws.account-ids`;
    /// - a role in another partition than `aws.partition`, or than the partition of `aws.region`
    ///   (`cn-*` is `aws-cn`, `us-gov-*` is `aws-us-gov`, …) when only the region is set.
    ///
    /// Without a configured partition or region, role ARNs of the input that mix partitions are
    /// reported (each ARN outside the most common partition).
    ///
    /// ## Why is this bad?
    /// A cluster assumes IRSA roles through its own IAM OIDC provider, which exists in one account
    /// and one partition. A role from the old environment (another account, or `arn:aws:` manifests
    /// moved to a China or GovCloud region) does not trust the new cluster's provider, and STS
    /// cannot cross partitions at all: every `AssumeRoleWithWebIdentity` call fails. Cross-account
    /// roles work only with a trust policy made for the cluster; list those accounts in
    /// `aws.account-ids`.
    ///
    /// ## Example
    /// Example needs: `.ekslint.yaml` with `aws: {account-ids: ["444455556666"], region: cn-north-1}`
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws-cn:iam::444455556666:role/s3-reader
    /// ```
    ///
    /// ## Configuration
    /// ```yaml
    /// aws:
    ///   account-ids: ["444455556666"]
    ///   partition: aws-cn     # or leave it out and set the region
    ///   region: cn-north-1
    /// ```
    ///
    /// ## References
    /// - ARN format and partitions: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>
    /// - Partitions and their region names: <https://github.com/aws/aws-sdk-go-v2/blob/main/internal/endpoints/awsrulesfn/partitions.json>
    /// - EKS guide, cross-account IRSA: <https://docs.aws.amazon.com/eks/latest/userguide/cross-account-access.html>
    pub struct RoleArnDestination {
        code: "IRSA015",
        name: "role-arn-destination",
        family: Irsa,
        severity: Warning,
        fix: None,
        summary: "A role ARN points at another account or partition than the configured AWS destination, or the input mixes partitions",
    }
}

impl Rule for RoleArnDestination {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let aws = &ctx.settings.aws;
        let target_partition: Option<(String, String)> = match (&aws.partition, &aws.region) {
            (Some(p), _) => Some((p.clone(), format!("the configured partition `{p}`"))),
            (None, Some(r)) => {
                let p = crate::support::aws::partition_of_region(r).to_string();
                Some((p.clone(), format!("`{p}`, the partition of region `{r}`")))
            }
            (None, None) => None,
        };
        let roles: Vec<_> = ctx
            .index
            .irsa
            .service_accounts
            .iter()
            .filter_map(|s| Some((s, s.role.as_ref()?)))
            .filter(|(_, r)| r.partition.is_some())
            .collect();
        // Most common partition, for the mixing check.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, r) in &roles {
            *counts
                .entry(r.partition.as_deref().unwrap_or(""))
                .or_default() += 1;
        }
        let majority = counts
            .iter()
            .max_by_key(|(p, n)| (**n, std::cmp::Reverse(**p)))
            .map(|(p, _)| p.to_string());
        let mut findings = Vec::new();
        for (sa, r) in &roles {
            let partition = r.partition.as_deref().unwrap_or("");
            let account = r.account.as_deref().unwrap_or("");
            let mut problems = Vec::new();
            let mut other = None;
            match &target_partition {
                Some((p, what)) if partition != p => {
                    problems.push(format!("partition `{partition}` is not {what}"));
                }
                None if counts.len() > 1 && majority.as_deref() != Some(partition) => {
                    problems.push(format!(
                        "partition `{partition}` differs from the other role ARNs of the input (`{}`); one cluster can only assume roles of its own partition",
                        majority.as_deref().unwrap_or("")
                    ));
                    other = roles
                        .iter()
                        .find(|(_, o)| o.partition.as_deref() == majority.as_deref());
                }
                _ => {}
            }
            if !aws.account_ids.is_empty() && !aws.account_ids.iter().any(|a| a == account) {
                problems.push(format!(
                    "account `{account}` is not one of the configured account IDs ({})",
                    aws.account_ids
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if problems.is_empty() {
                continue;
            }
            findings.push((sa, *r, problems, other.map(|(_, o)| o.loc.clone())));
        }
        for (sa, r, problems, other) in findings {
            let f = ctx.report(
                r.loc.file.clone(),
                r.loc.span,
                format!(
                    "the role of ServiceAccount {}: {}",
                    sa.namespace.qualify(&sa.name),
                    problems.join("; ")
                ),
            );
            f.label("not the destination's")
                .help("use the role created for the new cluster's account and partition (its trust policy must federate that cluster's OIDC provider)");
            if let Some(o) = other {
                f.related(o.file.clone(), o.span, "a role ARN in the other partition");
            }
        }
    }
}
