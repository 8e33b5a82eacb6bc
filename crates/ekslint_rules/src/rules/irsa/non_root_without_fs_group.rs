use ekslint_manifest::{NodeId, Tree};

use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;
use ekslint_manifest::containers;

declare_rule! {
    /// ## What it does
    /// For a workload whose ServiceAccount has `eks.amazonaws.com/role-arn`, reports a pod that runs
    /// as non-root (`runAsUser` other than 0, or `runAsNonRoot: true`) without
    /// `securityContext.fsGroup`. Not reported when every container runs as the same explicit
    /// `runAsUser`: the kubelet then makes that user the owner of the projected token file.
    ///
    /// ## Why is this bad?
    /// The projected token file is readable by its owner only. Without `fsGroup`, a container whose
    /// user is not the owner (containers with different users, or `runAsNonRoot` with the image's
    /// own user) cannot read the token and the SDK's web identity step fails with a permission
    /// error. The webhook's README: containers running as a non-root user need `fsGroup`.
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
    ///       securityContext:
    ///         runAsNonRoot: true
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
    ///       securityContext:
    ///         runAsNonRoot: true
    ///         fsGroup: 65534
    ///       containers:
    ///         - name: app
    ///           image: public.ecr.aws/aws-cli/aws-cli
    /// ```
    ///
    /// ## References
    /// - Webhook README, usage with a non-root container user: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/README.md>
    /// - Kubernetes, projected service account token permissions: <https://kubernetes.io/docs/concepts/storage/projected-volumes/>
    pub struct NonRootWithoutFsGroup {
        code: "IRSA014",
        name: "non-root-without-fs-group",
        family: Irsa,
        severity: Info,
        fix: None,
        summary: "An IRSA pod runs as non-root without fsGroup, so a container may not be able to read the token",
    }
}

/// A non-root `runAsUser`/`runAsNonRoot` in a pod without `fsGroup`, unless every container
/// runs as the same explicit user (kubelet then gives that user the projected token file).
pub(crate) fn signal(tree: &Tree, spec: NodeId) -> Option<NodeId> {
    let pod_sc = tree.get(spec, "securityContext");
    if pod_sc
        .and_then(|sc| tree.get(sc, "fsGroup"))
        .is_some_and(|n| !tree.is_null(n))
    {
        return None;
    }
    let field = |sc: Option<NodeId>, key: &str| sc.and_then(|sc| tree.get(sc, key));
    let mut users: Vec<Option<&str>> = Vec::new();
    let mut signal: Option<NodeId> = None;
    let all = containers(tree, spec);
    if all.is_empty() {
        return None;
    }
    for c in all {
        let csc = tree.get(c, "securityContext");
        let user = field(csc, "runAsUser").or(field(pod_sc, "runAsUser"));
        let non_root = field(csc, "runAsNonRoot").or(field(pod_sc, "runAsNonRoot"));
        let user_text = user.and_then(|u| tree.scalar_text(u));
        users.push(user_text);
        if signal.is_none() {
            if let Some(u) = user.filter(|_| user_text.is_some_and(|t| t != "0")) {
                signal = Some(u);
            } else if let Some(n) =
                non_root.filter(|&n| tree.scalar_text(n) == Some("true") && user_text.is_none())
            {
                signal = Some(n);
            }
        }
    }
    let same_explicit_user = users.iter().all(|u| u.is_some() && *u == users[0]);
    if same_explicit_user {
        return None;
    }
    signal
}

impl Rule for NonRootWithoutFsGroup {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.irsa;
        for w in &facts.workloads {
            let (Some(loc), Some((sa, role))) = (&w.non_root_without_fs_group, facts.role_of(w))
            else {
                continue;
            };
            ctx.report(
                loc.file.clone(),
                loc.span,
                format!(
                    "{} runs as non-root with no `fsGroup`; a container that does not own the projected token of ServiceAccount `{}` cannot read it",
                    super::support::describe(w),
                    sa.name
                ),
            )
            .label("non-root")
            .related(role.loc.file.clone(), role.loc.span, "the IRSA role")
            .help("set `spec.securityContext.fsGroup` (for example to the container's group ID)");
        }
    }
}
