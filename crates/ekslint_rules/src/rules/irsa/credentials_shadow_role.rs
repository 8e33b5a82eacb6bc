use super::support::CredentialKind;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// For a workload whose ServiceAccount has `eks.amazonaws.com/role-arn`, reports a container
    /// that also sets `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` or `AWS_SESSION_TOKEN` (a literal
    /// value or a `secretKeyRef`), `AWS_PROFILE`/`AWS_DEFAULT_PROFILE`, `AWS_SHARED_CREDENTIALS_FILE`
    /// or `AWS_CONFIG_FILE`, or mounts a shared credentials folder (`…/.aws`, `…/.aws/credentials`).
    ///
    /// Static keys in a workload without a role are IRSA017.
    ///
    /// ## Why is this bad?
    /// The AWS SDKs look for credentials in a fixed order, and static keys from the environment come
    /// **before** web identity: the role from the ServiceAccount is injected but silently unused,
    /// and the pod keeps running with the long-lived keys. A profile or shared file can redirect the
    /// SDK the same way (or make it fail when the profile does not exist in the container). The EKS
    /// guide: credentials found earlier in the chain continue to be used.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: reader
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
    ///           env:
    ///             - name: AWS_ACCESS_KEY_ID
    ///               valueFrom:
    ///                 secretKeyRef: {name: aws, key: id}
    ///             - name: AWS_SECRET_ACCESS_KEY
    ///               valueFrom:
    ///                 secretKeyRef: {name: aws, key: secret}
    /// ```
    ///
    /// ## Use instead
    /// Delete the keys (and the Secret); the ServiceAccount's role provides the credentials.
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: s3-reader
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: reader
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
    /// - AWS SDKs, the standard credential provider chain: <https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html>
    /// - EKS guide, using IRSA with the AWS SDK: <https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts-minimum-sdk.html>
    /// - The table: `rules/irsa/irsa.yaml` (`credential_env`)
    pub struct CredentialsShadowRole {
        code: "IRSA005",
        name: "credentials-shadow-role",
        family: Irsa,
        severity: Warning,
        fix: None,
        summary: "A container of a workload with an IRSA role also sets static keys, a profile or a credentials file that the SDK uses first",
        security_severity: "5.0",
    }
}

impl Rule for CredentialsShadowRole {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.irsa;
        for w in &facts.workloads {
            let Some((sa, role)) = facts.role_of(w) else {
                continue;
            };
            for c in &w.credentials {
                let what = match c.kind {
                    CredentialKind::Keys if c.literal => "static AWS keys written in the manifest",
                    CredentialKind::Keys => "static AWS keys",
                    CredentialKind::Profile => "a named profile",
                    CredentialKind::Mount => "a mounted shared credentials folder",
                    CredentialKind::File => "a shared config or credentials file",
                };
                let f = ctx.report(
                    c.loc.file.clone(),
                    c.loc.span,
                    format!(
                        "container `{}` sets `{}` ({what}) while ServiceAccount `{}` gives the pod the role `{}`; the SDK uses these first, so the role may go unused",
                        c.container, c.what, sa.name, role.arn
                    ),
                );
                f.label("comes before web identity");
                f.related(role.loc.file.clone(), role.loc.span, "the IRSA role");
                f.help("remove it and let the SDK use the ServiceAccount's role");
            }
        }
    }
}
