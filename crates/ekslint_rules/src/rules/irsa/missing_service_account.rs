use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Resolves every workload's ServiceAccount the way Kubernetes does, in the workload's own
    /// namespace: `spec.serviceAccountName`, or the deprecated `spec.serviceAccount`. Reports, at
    /// that value, a ServiceAccount that no file of the input defines in that namespace. The
    /// namespace is `metadata.namespace`, or the `namespace:` of the kustomization.yaml that lists
    /// the file (Kustomize applies it over the object's own); when neither gives one, the deploy
    /// tool sets it (`kubectl apply -n`, Helm, Argo CD), and a ServiceAccount of that name in any
    /// namespace counts. The `default` ServiceAccount is never reported: every namespace has one.
    /// Neither is a name that is not a valid object name (`$SA_NAME`, `${KSA_NAME}`): that is a
    /// placeholder another tool fills in, nor one declared in `.ekslint.yaml` as created
    /// elsewhere (`external-service-accounts: [name, namespace/name]`, `*` for any part).
    /// When a ServiceAccount of that name exists in another namespace, it is labelled; when one
    /// of a near name exists, it is suggested.
    ///
    /// Files passed with `--context` count as part of the input (their ServiceAccounts are found)
    /// but are never reported on, so a pre-commit hook that lints only the changed Deployment still
    /// finds its ServiceAccount in an unchanged file.
    ///
    /// ## Why is this bad?
    /// If the ServiceAccount does not exist when the pods are created, the API server refuses them
    /// (`error looking up service account <ns>/<name>`): the Deployment shows no ready replicas and
    /// the Job never starts. With IRSA, the role annotation that should be on that ServiceAccount is
    /// missing too. A same-named ServiceAccount in another namespace does not help: the lookup is
    /// always in the pod's namespace.
    ///
    /// Severity: warning when the input holds a ServiceAccount of that name in another namespace
    /// or one of a near name (a typo); info when it holds nothing like it, because the
    /// ServiceAccount is then most often created outside these manifests (`eksctl create
    /// iamserviceaccount`, Terraform, another Helm chart), which ekslint cannot see. Declare those
    /// in `external-service-accounts`, lint the whole repository, or pass the other files with
    /// `--context`, to make the finding exact.
    ///
    /// ## Example
    /// ```yaml
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
    /// - Kubernetes, service accounts: <https://kubernetes.io/docs/concepts/security/service-accounts/>
    /// - Webhook, the ServiceAccount lookup by namespace and name: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/handler.go>
    pub struct MissingServiceAccount {
        code: "IRSA016",
        name: "missing-service-account",
        family: Irsa,
        severity: Warning,
        fix: None,
        summary: "The workload's ServiceAccount is not defined in its namespace anywhere in the input",
    }
}

impl Rule for MissingServiceAccount {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.irsa;
        for w in &facts.workloads {
            let Some(loc) = &w.sa_loc else { continue };
            if &*w.service_account == "default"
                || !is_dns_subdomain(&w.service_account)
                || facts
                    .service_account(&w.namespace, &w.service_account)
                    .is_some()
                || ctx
                    .settings
                    .external_service_account(w.namespace.name(), &w.service_account)
            {
                continue;
            }
            let elsewhere: Vec<_> = facts.service_accounts_named(&w.service_account).collect();
            // A near miss of a ServiceAccount the input defines in the same namespace: a typo.
            let near = crate::support::suggest::closest(
                &w.service_account,
                facts
                    .service_accounts
                    .iter()
                    .filter(|s| s.namespace.may_equal(&w.namespace))
                    .map(|s| &*s.name),
            );
            let mut message = match w.namespace.name() {
                Some(ns) => format!(
                    "ServiceAccount `{}` is not defined in namespace `{ns}` in any file of the input; {} cannot create pods until it exists",
                    w.service_account,
                    super::support::describe(w)
                ),
                None => format!(
                    "ServiceAccount `{}` is not defined in any file of the input (the workload's namespace is set at deploy time, so any namespace would do); {} cannot create pods until it exists",
                    w.service_account,
                    super::support::describe(w)
                ),
            };
            if let Some(s) = elsewhere.first() {
                message.push_str(&format!(
                    " (a ServiceAccount `{}` exists in namespace {}, which does not count)",
                    s.name, s.namespace
                ));
            }
            let f = ctx.report(loc.file.clone(), loc.span, message);
            // Nothing like it in the input: most likely another tool creates it (eksctl,
            // Terraform), which the config can declare.
            if elsewhere.is_empty() && near.is_none() {
                f.severity = crate::rule::Severity::Info;
            }
            f.label(if w.namespace.at_deploy_time() {
                "no such ServiceAccount"
            } else {
                "no such ServiceAccount in this namespace"
            });
            for s in elsewhere {
                let role = match &s.role {
                    Some(r) => format!(" with role `{}`", r.arn),
                    None => String::new(),
                };
                f.related(
                    s.loc.file.clone(),
                    s.loc.span,
                    format!("same name, namespace {}{role}", s.namespace),
                );
            }
            match near {
                Some(n) => f.help(format!(
                    "did you mean `{n}`? Otherwise add the ServiceAccount, or pass the file that defines it with --context"
                )),
                None => f.help(format!(
                    "add the ServiceAccount to these manifests or pass the file that defines it with --context; if another tool creates it (eksctl, Terraform), declare it in .ekslint.yaml: `external-service-accounts: [{}]`",
                    w.namespace.name().map_or_else(
                        || w.service_account.to_string(),
                        |ns| format!("{ns}/{}", w.service_account)
                    )
                )),
            };
        }
    }
}

/// A name the API server accepts for a ServiceAccount; anything else is a placeholder
/// (`$SA_NAME`, `${KSA}`, `<name>`) filled in by another tool.
fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}
