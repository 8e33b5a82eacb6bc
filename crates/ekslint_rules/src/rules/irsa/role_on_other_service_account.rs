use std::collections::{HashMap, HashSet};

use super::support::facts::ServiceAccountFact;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports two ways a workload misses the IAM role meant for it:
    /// - its ServiceAccount exists in its namespace without `eks.amazonaws.com/role-arn` (or is the
    ///   implicit `default` one), while a ServiceAccount of the same name in **another namespace**
    ///   has a role;
    /// - it sets no `serviceAccountName` (so it runs as `default`, which has no role), while the
    ///   same file defines a ServiceAccount of its namespace with a role that no workload of the
    ///   input uses. (Only the same file: a repository of unrelated examples in `default` would
    ///   otherwise pair every workload with every unused ServiceAccount.)
    ///
    /// A ServiceAccount missing altogether is IRSA016.
    ///
    /// ## Why is this bad?
    /// The pod identity webhook looks the ServiceAccount up by `<pod namespace>/<serviceAccountName>`,
    /// and `serviceAccountName` defaults to `default`. A role annotated on a ServiceAccount in
    /// another namespace, or on one the pod does not name, never reaches the pod: it runs with the
    /// node's role or without credentials.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   namespace: apps
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: reader
    ///   namespace: apps
    /// spec:
    ///   selector:
    ///     matchLabels: {app: reader}
    ///   template:
    ///     metadata:
    ///       labels: {app: reader}
    ///     spec:
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/aws-cli/aws-cli
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   namespace: apps
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: reader
    ///   namespace: apps
    /// spec:
    ///   selector:
    ///     matchLabels: {app: reader}
    ///   template:
    ///     metadata:
    ///       labels: {app: reader}
    ///     spec:
    ///       serviceAccountName: s3-reader
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/aws-cli/aws-cli
    /// ```
    ///
    /// ## References
    /// - Webhook, the lookup key (`pkg/handler/handler.go`, `pkg/cache/cache.go`): <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/handler.go>
    /// - EKS guide, configure pods to use a ServiceAccount: <https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html>
    pub struct RoleOnOtherServiceAccount {
        code: "IRSA003",
        name: "role-on-other-service-account",
        family: Irsa,
        severity: Warning,
        fix: None,
        summary: "The workload's ServiceAccount has no role, but a same-named one in another namespace, or an unused one in its namespace, has",
    }
}

impl Rule for RoleOnOtherServiceAccount {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.irsa;
        // Built once: a scan of every ServiceAccount and workload per workload was quadratic.
        let used: HashSet<(Option<&str>, &str)> = facts
            .workloads
            .iter()
            .map(|o| (o.namespace.name(), &*o.service_account))
            .collect();
        // A ServiceAccount is used when a workload names it in its namespace, or when a
        // workload whose namespace is set at deploy time names it.
        let is_used = |s: &ServiceAccountFact| {
            used.contains(&(s.namespace.name(), &*s.name)) || used.contains(&(None, &*s.name))
        };
        let mut role_accounts_by_file: HashMap<&str, Vec<&ServiceAccountFact>> = HashMap::new();
        for s in &facts.service_accounts {
            if s.role.is_some() && &*s.name != "default" {
                role_accounts_by_file
                    .entry(&*s.loc.file.path)
                    .or_default()
                    .push(s);
            }
        }
        for w in &facts.workloads {
            let own = facts.service_account(&w.namespace, &w.service_account);
            if own.is_some_and(|s| s.role.is_some()) {
                continue;
            }
            if own.is_none() && &*w.service_account != "default" {
                continue; // IRSA016
            }
            // Only a ServiceAccount certainly in another namespace counts: when either namespace
            // is set at deploy time they may be the same.
            let others: Vec<_> = facts
                .service_accounts_named(&w.service_account)
                .filter(|s| !s.namespace.may_equal(&w.namespace))
                .filter(|s| s.role.is_some())
                .collect();
            let loc = w.sa_loc.as_ref().unwrap_or(&w.spec_loc);
            if !others.is_empty() {
                let f = ctx.report(
                    loc.file.clone(),
                    loc.span,
                    format!(
                        "{} uses ServiceAccount {}, which has no IAM role; the ServiceAccount with that name and a role is in namespace {}, and the webhook never looks there",
                        super::support::describe(w),
                        w.namespace.qualify(&w.service_account),
                        others
                            .iter()
                            .map(|s| s.namespace.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                f.label(format!("resolved in namespace {}", w.namespace));
                if let Some(s) = own {
                    f.related(
                        s.loc.file.clone(),
                        s.loc.span,
                        "the ServiceAccount used: no role",
                    );
                }
                for s in others {
                    f.related(
                        s.loc.file.clone(),
                        s.loc.span,
                        format!("has the role, in namespace {}", s.namespace),
                    );
                }
                f.help("put the workload and its ServiceAccount in the same namespace, or annotate the ServiceAccount in the workload's namespace");
                continue;
            }
            if w.sa_loc.is_some() {
                continue;
            }
            // No serviceAccountName: a role-annotated ServiceAccount of the namespace that nothing uses.
            let unused: Vec<_> = role_accounts_by_file
                .get(&*w.spec_loc.file.path)
                .into_iter()
                .flatten()
                .filter(|s| s.namespace.may_equal(&w.namespace) && !is_used(s))
                .collect();
            if unused.is_empty() {
                continue;
            }
            let f = ctx.report(
                w.spec_loc.file.clone(),
                w.spec_loc.span,
                format!(
                    "{} sets no `serviceAccountName`, so it runs as `default` without an IAM role, while ServiceAccount {} in namespace {} has a role that no workload uses",
                    super::support::describe(w),
                    unused
                        .iter()
                        .map(|s| format!("`{}`", s.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    w.namespace
                ),
            );
            f.label("no serviceAccountName");
            for s in &unused {
                f.related(
                    s.loc.file.clone(),
                    s.loc.span,
                    "has a role, used by no workload",
                );
            }
            f.help(format!(
                "set `serviceAccountName: {}` in the pod spec",
                unused[0].name
            ));
        }
    }
}
