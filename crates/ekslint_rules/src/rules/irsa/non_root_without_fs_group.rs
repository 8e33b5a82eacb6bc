use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

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
    /// securityContext:
    ///   runAsNonRoot: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    ///   fsGroup: 65534
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
