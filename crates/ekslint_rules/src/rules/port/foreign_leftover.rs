use ekslint_manifest::Object;
use ekslint_manifest::pod::{label_constraints, tolerations};

use super::foreign_node_label::pins;
use super::foreign_workload_identity::{is_primary, replacing_role};
use super::support::pods::pod_specs;
use super::support::table::Platform;
use super::support::{Judgement, Leftover, annotations, judge_annotation, table};
use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports what another platform left in a manifest that does nothing on EKS and needs no
    /// replacement, or whose replacement is already there:
    /// - annotations of GKE, AKS, OpenShift or MetalLB with nothing to replace
    ///   (`cloud.google.com/neg`, `networking.gke.io/internal-load-balancer-allow-global-access`,
    ///   `cloud.google.com/network-tier`, …), keys under those platforms' prefixes that no rule
    ///   knows, load balancer keys on a Service that is not `type: LoadBalancer`;
    /// - annotations whose AWS equivalent the object already has (a GKE subnet key beside
    ///   `aws-load-balancer-subnets`), and an internal scheme key on a Service of the AWS NLB
    ///   class, which is internal by default;
    /// - preferred node affinity, `NotIn` and `DoesNotExist` on GKE's, AKS's and OpenShift's
    ///   node labels, and tolerations of their taints (not the control-plane and node-role
    ///   labels of self-managed clusters: tolerating or avoiding those is everyday scheduling);
    /// - workload identity keys of another platform on a ServiceAccount that already has an IAM
    ///   role (or on pods whose ServiceAccount has one).
    ///
    /// ## Why is this bad?
    /// It is harmless, but it misleads: a reader of `cloud.google.com/gke-spot` in a toleration
    /// believes the workload runs on Spot capacity, and a GKE key beside its AWS replacement
    /// invites someone to edit the wrong one. Removing the leftovers makes the manifests say
    /// what the EKS cluster does.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    ///   annotations:
    ///     cloud.google.com/neg: '{"ingress": true}'
    /// spec:
    ///   selector: {app: api}
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector: {app: api}
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ```
    ///
    /// ## References
    /// - The annotations and what each did: `rules/port/annotations.yaml` (GKE: kubernetes/ingress-gce; AKS: kubernetes-sigs/cloud-provider-azure `pkg/consts/consts.go`)
    /// - The node labels and taints: `rules/port/scheduling.yaml`
    /// - The identity keys: `rules/port/platform.yaml`
    pub struct ForeignLeftover {
        code: "PORT007",
        name: "foreign-leftover",
        family: Port,
        severity: Info,
        fix: None,
        summary: "A setting of another platform that does nothing on EKS and needs no replacement, or whose AWS replacement is already there",
    }
}

impl Rule for ForeignLeftover {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        for a in annotations(tree, obj) {
            let Some(Judgement::Leftover(why)) = judge_annotation(tree, obj, &a) else {
                continue;
            };
            let value = tree.scalar_text(a.entry.value).unwrap_or("");
            let (message, help) = match why {
                Leftover::Row(row) => (
                    format!(
                        "`{}` is read by {}, where it {}; nothing on EKS reads it",
                        a.key,
                        row.platform.name(),
                        row.what
                    ),
                    format!("remove it; {}", table::eks_help(&row.eks)),
                ),
                Leftover::Ported(row, aws) => (
                    format!(
                        "`{}` is read by {}; on EKS `{aws}` on this object does its job",
                        a.key,
                        row.platform.name()
                    ),
                    "remove the leftover so that only the AWS setting is edited".to_string(),
                ),
                Leftover::NotLoadBalancer(row) => (
                    format!(
                        "`{}` is a load balancer setting of {}, on a Service that is not `type: LoadBalancer`: it does nothing",
                        a.key,
                        row.platform.name()
                    ),
                    "remove it".to_string(),
                ),
                Leftover::WrongKind(row) => (
                    format!(
                        "`{}` is read by {} on {}, not on a {}: it does nothing here",
                        a.key,
                        row.platform.name(),
                        row.kinds.join(", "),
                        a.on
                    ),
                    "remove it".to_string(),
                ),
                Leftover::SchemeMatches(row) => (
                    format!(
                        "`{}: {value}` asked {} for an internal load balancer; this Service's AWS NLB class is internal by default, so EKS does the same",
                        a.key,
                        row.platform.name()
                    ),
                    "say it the AWS way, `service.beta.kubernetes.io/aws-load-balancer-scheme: internal`, and remove this key".to_string(),
                ),
                Leftover::Unknown(prefix) => (
                    format!(
                        "`{}` is under `{}`, a prefix of {}: nothing on EKS reads it",
                        a.key,
                        prefix.prefix,
                        prefix.platform.name()
                    ),
                    "remove it, or write the AWS setting for what it configured".to_string(),
                ),
            };
            ctx.report(tree.span(a.entry.key), message)
                .label("does nothing on EKS")
                .help(help);
        }
        for spec in pod_specs(tree, obj) {
            for c in label_constraints(tree, spec) {
                let Some(row) = table::node_label(c.key) else {
                    continue;
                };
                // Keeping pods off control-plane or infra nodes is everyday scheduling, not a
                // leftover worth a note.
                if pins(&c) || row.platform == Platform::SelfManaged {
                    continue;
                }
                let what = if c.source.is_required() {
                    format!(
                        "`{} {}` ({}): only {} carry the label, no EKS node does, so the constraint always holds",
                        c.key,
                        c.operator,
                        row.what,
                        row.platform.nodes()
                    )
                } else {
                    format!(
                        "a preference for `{}` ({}): only {} carry the label, no EKS node does, so the preference is ignored",
                        c.key,
                        row.what,
                        row.platform.nodes()
                    )
                };
                ctx.report(tree.span(c.key_node), what)
                    .label("no EKS node has this label")
                    .help(table::eks_help(&row.eks));
            }
            for t in tolerations(tree, spec) {
                let Some((key, node)) = t.key else { continue };
                let Some(row) = table::taint(key).filter(|r| r.platform != Platform::SelfManaged)
                else {
                    continue;
                };
                ctx.report(
                    tree.span(node),
                    format!(
                        "a toleration of `{key}` ({}): only {} have this taint, no EKS node does, so the toleration does nothing",
                        row.what,
                        row.platform.nodes()
                    ),
                )
                .label("no EKS node has this taint")
                .help(format!(
                    "remove it, or tolerate the taint your EKS nodes carry; {}",
                    table::eks_help(&row.eks)
                ));
            }
        }
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let index = ctx.index;
        let mut out = Vec::new();
        for f in &index.port.identities {
            if !is_primary(index, f) {
                continue;
            }
            let Some((arn, role_loc)) = replacing_role(index, f) else {
                continue;
            };
            out.push((
                f.loc.clone(),
                role_loc.clone(),
                format!(
                    "`{}` belongs to {} ({}); ServiceAccount `{}` already has the IAM role `{arn}`, which is what EKS uses",
                    f.row.key,
                    f.row.what,
                    f.row.platform.name(),
                    f.service_account
                ),
            ));
        }
        for (loc, role, message) in out {
            ctx.report(loc.file, loc.span, message)
                .label("does nothing on EKS")
                .related(role.file, role.span, "the role EKS uses")
                .help("remove the leftover");
        }
    }
}
