use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a container or initContainer whose `env` sets exactly one of `AWS_ROLE_ARN` and
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`. A container with `envFrom` is skipped, since the other one
    /// may come from there.
    ///
    /// ## Why is this bad?
    /// When a container already defines either variable, the EKS pod identity webhook treats web
    /// identity as configured and injects **neither**: the container keeps its one variable and
    /// never gets the other. The AWS SDKs use web identity only when both are set, so the pod ends
    /// up on another credential source (usually the node's instance role) or with none. Setting the
    /// pair by hand without the webhook (the EKS guide's manual configuration) needs both as well,
    /// plus a projected `serviceAccountToken` volume.
    ///
    /// The webhook's own test fixture `pkg/handler/testdata/rawPodSkip.pod.yaml` sets only
    /// `AWS_ROLE_ARN: already-defined` on one container and expects the webhook to add no
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`: exactly this mistake, which ekslint reports there. The fixture
    /// `rawPodHasAll.pod.yaml` sets `AWS_ROLE_ARN` (with the region and STS variables) to test that
    /// the webhook leaves a fully configured container alone; it too has no token file variable,
    /// and ekslint reports it for the same reason.
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
    ///             - name: AWS_ROLE_ARN
    ///               value: arn:aws:iam::111122223333:role/s3-reader
    /// ```
    ///
    /// ## Use instead
    /// Remove the variable and let the webhook inject both from the ServiceAccount's
    /// `eks.amazonaws.com/role-arn`:
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
    /// - Webhook, how existing env vars are handled (`addEnvToContainer`): <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/handler.go>
    /// - Webhook test fixture: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/testdata/rawPodSkip.pod.yaml>
    /// - EKS guide, configuring pods by hand: <https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html>
    pub struct WebIdentityEnvHalfSet {
        code: "IRSA004",
        name: "web-identity-env-half-set",
        family: Irsa,
        severity: Error,
        fix: None,
        summary: "A container sets only one of AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, so the webhook injects neither",
    }
}

impl Rule for WebIdentityEnvHalfSet {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(spec) = obj.pod_spec(tree) else {
            return;
        };
        let pair = &super::support::TABLE.web_identity_env;
        for c in ekslint_manifest::containers(tree, spec) {
            if tree.get(c, "envFrom").is_some() {
                continue;
            }
            let env = ekslint_manifest::env_vars(tree, c);
            let present: Vec<_> = env
                .iter()
                .filter(|(_, _, n)| pair.iter().any(|p| p == n))
                .collect();
            let Some((_, node, name)) = present.first() else {
                continue;
            };
            if present.iter().any(|(_, _, n)| n != name) {
                continue;
            }
            let other = pair
                .iter()
                .find(|p| p != name)
                .map(String::as_str)
                .unwrap_or("");
            let cname = tree
                .get(c, "name")
                .and_then(|n| tree.scalar_text(n))
                .unwrap_or("?");
            ctx.report(
                tree.span(*node),
                format!(
                    "container `{cname}` sets `{name}` but not `{other}`: the pod identity webhook then injects neither, and the SDK needs both for web identity"
                ),
            )
            .label(format!("`{other}` is never set"))
            .help(format!(
                "remove `{name}` and let the webhook inject both from the ServiceAccount's `eks.amazonaws.com/role-arn`, or set `{other}` too (with a projected serviceAccountToken volume)"
            ));
        }
    }
}
