use super::support::facts::IdentityFact;
use super::support::table::IdentityOn;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::index::Loc;
use crate::rule::Rule;
use crate::rules::SetIndex;

declare_rule! {
    /// ## What it does
    /// Reports another platform's workload identity on a ServiceAccount, or on pods, when the
    /// ServiceAccount has no IAM role (`eks.amazonaws.com/role-arn`):
    /// - GKE Workload Identity: the ServiceAccount annotation `iam.gke.io/gcp-service-account`;
    /// - Microsoft Entra Workload ID: the ServiceAccount annotation
    ///   `azure.workload.identity/client-id`, the pod label `azure.workload.identity/use`;
    /// - AAD Pod Identity (deprecated in 2022): the pod label `aadpodidbinding`.
    ///
    /// For a pod label, the ServiceAccount the pods run as is looked up in the input (in any
    /// file). Once the ServiceAccount has a role, the old keys are only leftovers (PORT007), and
    /// the IRSA rules check the role.
    ///
    /// ## Why is this bad?
    /// Nothing on EKS reads these keys, so the pods get no cloud identity: the AWS SDKs fall
    /// back to the node's instance role, if the pods can reach the instance metadata service at
    /// all, and calls the workload made with its own identity fail or run with the node's
    /// permissions. The manifest applies cleanly and the failure shows only at run time.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: reports
    ///   namespace: analytics
    ///   annotations:
    ///     iam.gke.io/gcp-service-account: reports@acme-prod.iam.gserviceaccount.com
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: reports
    ///   namespace: analytics
    ///   annotations:
    ///     # IAM roles for service accounts; or an EKS Pod Identity association for this
    ///     # ServiceAccount (created with the EKS API, not in the manifest)
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/reports
    /// ```
    ///
    /// ## References
    /// - GKE Workload Identity: <https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity>
    /// - Microsoft Entra Workload ID on AKS: MicrosoftDocs/azure-docs `articles/aks/workload-identity-overview.md`
    /// - AAD Pod Identity (archived): <https://github.com/Azure/aad-pod-identity>
    /// - IAM roles for service accounts: <https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html>
    /// - EKS Pod Identity: <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>
    /// - The table: `rules/port/platform.yaml`
    pub struct ForeignWorkloadIdentity {
        code: "PORT009",
        name: "foreign-workload-identity",
        family: Port,
        severity: Warning,
        fix: None,
        summary: "Another platform's workload identity on a ServiceAccount or pod whose ServiceAccount has no IAM role",
    }
}

/// The role that replaces an identity marker: the ServiceAccount's `eks.amazonaws.com/role-arn`
/// (with where it is), when the input has that ServiceAccount and the role.
pub fn replacing_role<'a>(index: &'a SetIndex, f: &IdentityFact) -> Option<(&'a str, &'a Loc)> {
    let sa = index
        .irsa
        .service_account(&f.namespace, &f.service_account)?;
    sa.role.as_ref().map(|r| (&*r.arn, &r.loc))
}

/// Is this marker the identity itself (rather than one of its options beside it)?
pub fn is_primary(index: &SetIndex, f: &IdentityFact) -> bool {
    f.row.primary
        || !index.port.identities.iter().any(|o| {
            o.row.primary
                && o.row.on == f.row.on
                && o.namespace.may_equal(&f.namespace)
                && o.service_account == f.service_account
        })
}

impl Rule for ForeignWorkloadIdentity {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let index = ctx.index;
        let mut out = Vec::new();
        for f in &index.port.identities {
            if !f.row.primary || replacing_role(index, f).is_some() {
                continue;
            }
            let (message, label) = match f.row.on {
                IdentityOn::ServiceAccount => (
                    format!(
                        "`{}` gave the pods of ServiceAccount `{}` their cloud identity through {} ({}); nothing on EKS reads it and the ServiceAccount has no IAM role, so the pods get no identity of their own",
                        f.row.key,
                        f.service_account,
                        f.row.what,
                        f.row.platform.name()
                    ),
                    "ignored on EKS",
                ),
                IdentityOn::PodLabel => (
                    format!(
                        "the pod label `{}` asked for {} ({}); nothing on EKS reads it, and the pods' ServiceAccount `{}` has no IAM role in the input, so they get no identity of their own",
                        f.row.key,
                        f.row.what,
                        f.row.platform.name(),
                        f.service_account
                    ),
                    "ignored on EKS",
                ),
            };
            out.push((f.loc.clone(), message, label, f.service_account.clone()));
        }
        for (loc, message, label, sa) in out {
            ctx.report(loc.file, loc.span, message)
                .label(label)
                .help(format!(
                    "give ServiceAccount `{sa}` an IAM role: the annotation `eks.amazonaws.com/role-arn: arn:aws:iam::<account>:role/<name>` (IAM roles for service accounts), or an EKS Pod Identity association for it (outside the manifest, in which case this is a leftover to remove)"
                ));
        }
    }
}
