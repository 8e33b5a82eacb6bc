use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a container that sets `AWS_ACCESS_KEY_ID` (a literal value or from a Secret) in a
    /// workload whose ServiceAccount has no IRSA role in the input: migration advice to replace the
    /// long-lived keys with IRSA or EKS Pod Identity. A literal key in the manifest is called out.
    /// With a role on the ServiceAccount, the keys shadow it: that is IRSA005.
    ///
    /// ## Why is this bad?
    /// Long-lived IAM user keys have to be created, stored, rotated and revoked by hand, and leak
    /// with every copy of the Secret (or of the manifest, for a literal). On EKS a pod can get
    /// short-lived credentials for its own role from its ServiceAccount (IRSA) or an EKS Pod
    /// Identity association, with no secret at all. EKS Pod Identity associations live in the EKS
    /// API, not in manifests, so ekslint cannot see them: if this workload has one, the static keys
    /// still win over it.
    ///
    /// ## Example
    /// ```yaml
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
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/aws-cli/aws-cli
    ///           env:
    ///             - name: AWS_ACCESS_KEY_ID
    ///               valueFrom:
    ///                 secretKeyRef: {name: aws-creds, key: access-key-id}
    ///             - name: AWS_SECRET_ACCESS_KEY
    ///               valueFrom:
    ///                 secretKeyRef: {name: aws-creds, key: secret-access-key}
    /// ```
    ///
    /// ## Use instead
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
    /// - EKS guide, IAM roles for service accounts: <https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html>
    /// - EKS guide, EKS Pod Identity: <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>
    pub struct StaticAwsCredentials {
        code: "IRSA017",
        name: "static-aws-credentials",
        family: Irsa,
        severity: Info,
        fix: None,
        summary: "A container uses static AWS access keys; on EKS use IRSA or EKS Pod Identity",
        security_severity: "4.0",
    }
}

impl Rule for StaticAwsCredentials {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.irsa;
        for w in &facts.workloads {
            if facts.role_of(w).is_some() {
                continue;
            }
            for c in w.credentials.iter().filter(|c| {
                c.kind == super::support::CredentialKind::Keys && &*c.what == "AWS_ACCESS_KEY_ID"
            }) {
                let message = if c.literal {
                    format!(
                        "container `{}` has an AWS access key written in the manifest; give the pod an IAM role instead (IRSA or EKS Pod Identity) and revoke the key",
                        c.container
                    )
                } else {
                    format!(
                        "container `{}` uses static AWS access keys; on EKS give the pod an IAM role instead (IRSA or EKS Pod Identity)",
                        c.container
                    )
                };
                ctx.report(c.loc.file.clone(), c.loc.span, message)
                    .label(if c.literal { "literal key" } else { "long-lived key" })
                    .help(format!(
                        "annotate ServiceAccount {} with `eks.amazonaws.com/role-arn` (or create a Pod Identity association) and remove the AWS_* key variables",
                        w.namespace.qualify(&w.service_account)
                    ));
            }
        }
    }
}
