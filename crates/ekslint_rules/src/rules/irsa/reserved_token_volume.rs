use ekslint_manifest::{NodeId, Object, Tree};

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a pod volume named `aws-iam-token` (IRSA) or `eks-pod-identity-token` (EKS Pod
    /// Identity) that is not a `projected` volume with a `serviceAccountToken` source, and a
    /// container that mounts `/var/run/secrets/eks.amazonaws.com/serviceaccount` or
    /// `/var/run/secrets/pods.eks.amazonaws.com/serviceaccount` from a volume of another name.
    ///
    /// ## Why is this bad?
    /// The EKS pod identity webhook adds its token volume and mount only when the pod does not
    /// already have a volume (or the container a mount) of that name, and it keeps the user's one
    /// whatever it is. A `hostPath` or `emptyDir` named `aws-iam-token` therefore replaces the
    /// service account token: `AWS_WEB_IDENTITY_TOKEN_FILE` points at a file that is not a token and
    /// every STS call fails. The webhook matches mounts by name only, so a mount of the reserved
    /// path under another volume name gives the container two mounts at the same path and the API
    /// server rejects the pod (`must be unique`).
    ///
    /// The webhook's own test fixture `pkg/handler/testdata/rawPodHasVolumeMount.pod.yaml` defines
    /// a `hostPath` volume named `aws-iam-token` to show that the webhook keeps it: ekslint reports
    /// it, because on a real cluster that pod would read its token from the node's disk.
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
    ///           volumeMounts:
    ///             - name: aws-iam-token
    ///               mountPath: /var/run/secrets/eks.amazonaws.com/serviceaccount
    ///       volumes:
    ///         - name: aws-iam-token
    ///           hostPath:
    ///             path: /etc/aws/token
    /// ```
    ///
    /// ## Use instead
    /// Leave the volume out and let the webhook add it, or project the token yourself:
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
    ///           volumeMounts:
    ///             - name: aws-iam-token
    ///               mountPath: /var/run/secrets/eks.amazonaws.com/serviceaccount
    ///       volumes:
    ///         - name: aws-iam-token
    ///           projected:
    ///             sources:
    ///               - serviceAccountToken:
    ///                   audience: sts.amazonaws.com
    ///                   expirationSeconds: 86400
    ///                   path: token
    /// ```
    ///
    /// ## References
    /// - Webhook, existing volumes and mounts: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/handler.go>
    /// - Webhook test fixture: <https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/testdata/rawPodHasVolumeMount.pod.yaml>
    /// - The table: `rules/irsa/irsa.yaml` (`reserved_volumes`)
    pub struct ReservedTokenVolume {
        code: "IRSA006",
        name: "reserved-token-volume",
        family: Irsa,
        severity: Error,
        fix: None,
        summary: "A volume or mount takes the name or path the webhook reserves for the service account token",
    }
}

fn is_token_projection(tree: &Tree, volume: NodeId) -> bool {
    tree.path(volume, &["projected", "sources"])
        .and_then(|s| tree.items(s))
        .is_some_and(|items| {
            items
                .iter()
                .any(|&i| tree.get(i, "serviceAccountToken").is_some())
        })
}

impl Rule for ReservedTokenVolume {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(spec) = obj.pod_spec(tree) else {
            return;
        };
        let reserved = &super::support::TABLE.reserved_volumes;
        let volumes = tree
            .get(spec, "volumes")
            .and_then(|v| tree.items(v))
            .unwrap_or(&[]);
        for &v in volumes {
            let Some(name_node) = tree.get(v, "name") else {
                continue;
            };
            let Some(name) = tree.scalar_text(name_node) else {
                continue;
            };
            let Some(row) = reserved.iter().find(|r| r.name == name) else {
                continue;
            };
            if is_token_projection(tree, v) {
                continue;
            }
            let source = tree
                .entries(v)
                .into_iter()
                .flatten()
                .filter_map(|e| tree.scalar_text(e.key))
                .find(|k| *k != "name")
                .unwrap_or("no source");
            ctx.report(
                tree.span(name_node),
                format!(
                    "volume `{name}` is the name the pod identity webhook uses for the {} token; this `{source}` volume is kept instead of the token, so the token file is not a service account token",
                    row.mode
                ),
            )
            .label("reserved for the token volume")
            .help(format!(
                "rename this volume, or make it a `projected` volume with a `serviceAccountToken` source mounted at {}",
                row.mount_path
            ));
        }
        for c in ekslint_manifest::containers(tree, spec) {
            let mounts = tree
                .get(c, "volumeMounts")
                .and_then(|m| tree.items(m))
                .unwrap_or(&[]);
            for &m in mounts {
                let Some(path_node) = tree.get(m, "mountPath") else {
                    continue;
                };
                let Some(path) = tree.scalar_text(path_node) else {
                    continue;
                };
                let Some(row) = reserved
                    .iter()
                    .find(|r| super::support::normalize_path(path) == r.mount_path)
                else {
                    continue;
                };
                let vname = tree
                    .get(m, "name")
                    .and_then(|n| tree.scalar_text(n))
                    .unwrap_or("");
                if vname == row.name {
                    continue;
                }
                ctx.report(
                    tree.span(path_node),
                    format!(
                        "`{path}` is where the pod identity webhook mounts the {} token (volume `{}`); mounting volume `{vname}` there gives the container two mounts on one path and the API server rejects the pod",
                        row.mode, row.name
                    ),
                )
                .label("reserved mount path")
                .help(format!(
                    "mount this volume elsewhere, or name it `{}` if it is your own token projection",
                    row.name
                ));
            }
        }
    }
}
