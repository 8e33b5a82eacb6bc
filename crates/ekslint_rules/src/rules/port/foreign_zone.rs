use ekslint_manifest::pod::label_constraints;
use ekslint_manifest::{NodeId, Object, Tree};

use super::foreign_node_label::pins;
use super::support::pods::pod_specs;
use super::support::table::{Platform, SCHEDULING, ZoneKind};
use super::support::zones::{aws_zone_region, is_aws_region, is_aws_zone_id, platform_of};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a zone or region that is not an AWS name, where it decides which nodes a pod or
    /// volume may use: the values of `topology.kubernetes.io/zone` and `/region` (and their
    /// deprecated `failure-domain.beta.kubernetes.io/` spellings, and the EBS CSI driver's
    /// `topology.ebs.csi.aws.com/zone`) in a `nodeSelector`, a required node affinity `In`
    /// expression, a StorageClass's `allowedTopologies` or a PersistentVolume's node affinity.
    /// Google Cloud names (`us-central1-a`, `us-central1`) and AKS names (`eastus2-1`, `1`,
    /// `eastus2`) are named as such; any other value that is not shaped like an AWS name
    /// (`us-east-1a`, `us-east-1-bos-1a`, `us-east-1`) is reported too, except a word in
    /// capitals (`ZONE`), which a substitution step replaces. With `aws.region` in the config, an
    /// AWS zone or region of another region is reported as well.
    ///
    /// ## Why is this bad?
    /// EKS nodes carry their Availability Zone (`us-east-1a`) and region (`us-east-1`), so a
    /// value from the old platform never matches: pods stay `Pending`, and volumes of a
    /// StorageClass restricted to those zones are never provisioned. An AWS zone ID such as
    /// `use1-az1` belongs in `topology.k8s.aws/zone-id`, not in the zone name label.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: regional
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// allowedTopologies:
    ///   - matchLabelExpressions:
    ///       - key: topology.kubernetes.io/zone
    ///         values: [us-central1-a, us-central1-b]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: regional
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// allowedTopologies:
    ///   - matchLabelExpressions:
    ///       - key: topology.kubernetes.io/zone
    ///         values: [eu-west-1a, eu-west-1b]
    /// ```
    ///
    /// ## References
    /// - Well-known labels: <https://kubernetes.io/docs/reference/labels-annotations-taints/#topologykubernetesiozone>
    /// - AKS zone values (`eastus2-1`, `0`): MicrosoftDocs/azure-docs `articles/aks/use-labels.md`, `articles/aks/availability-zones.md`
    /// - AWS Availability Zones and zone IDs: <https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html>; Karpenter's `topology.k8s.aws/zone-id`: aws/karpenter-provider-aws `pkg/apis/v1/labels.go`
    /// - The label keys and example names: `rules/port/scheduling.yaml`
    pub struct ForeignZone {
        code: "PORT012",
        name: "foreign-zone",
        family: Port,
        severity: Error,
        fix: None,
        summary: "A zone or region value that is not an AWS name, in a node selector, required affinity, allowedTopologies or volume node affinity",
    }
}

/// `(key, value nodes)` of the `In` expressions of node selector terms.
fn term_values<'t>(
    tree: &'t Tree,
    terms: Option<NodeId>,
    field: &str,
) -> Vec<(&'t str, Vec<NodeId>)> {
    let mut out = Vec::new();
    for &t in terms.and_then(|t| tree.items(t)).unwrap_or(&[]) {
        for &e in tree
            .get(t, field)
            .and_then(|e| tree.items(e))
            .unwrap_or(&[])
        {
            let Some(key) = tree.get(e, "key").and_then(|k| tree.scalar_text(k)) else {
                continue;
            };
            let op = tree.get(e, "operator").and_then(|o| tree.scalar_text(o));
            // StorageClass topology expressions have no operator: they mean `In`.
            if op.is_some_and(|o| o != "In") {
                continue;
            }
            let values = tree
                .get(e, "values")
                .and_then(|v| tree.items(v))
                .unwrap_or(&[]);
            out.push((key, values.to_vec()));
        }
    }
    out
}

/// A word in capitals (`ZONE`, `GCP_REGION`) that a `sed` or `envsubst` step replaces: no
/// platform writes its zone or region names in upper case.
fn is_substitution_token(value: &str) -> bool {
    value.bytes().any(|b| b.is_ascii_uppercase())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

impl Rule for ForeignZone {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let mut found: Vec<(&str, NodeId)> = Vec::new();
        for spec in pod_specs(tree, obj) {
            for c in label_constraints(tree, spec) {
                if pins(&c) && c.operator == "In" {
                    found.extend(c.values.iter().map(|&(_, n)| (c.key, n)));
                }
            }
        }
        if obj.is_core(tree, "PersistentVolume") {
            let terms = obj.get(
                tree,
                &["spec", "nodeAffinity", "required", "nodeSelectorTerms"],
            );
            for (k, vs) in term_values(tree, terms, "matchExpressions") {
                found.extend(vs.into_iter().map(|n| (k, n)));
            }
        }
        if obj.kind_str(tree) == Some("StorageClass") && obj.group(tree) == "storage.k8s.io" {
            for (k, vs) in term_values(
                tree,
                obj.get(tree, &["allowedTopologies"]),
                "matchLabelExpressions",
            ) {
                found.extend(vs.into_iter().map(|n| (k, n)));
            }
        }
        let zones = &SCHEDULING.zones;
        let region = ctx.settings.aws.region.clone();
        for (key, node) in found {
            let kind = if zones.zone_keys.iter().any(|k| k == key) {
                ZoneKind::Zone
            } else if zones.region_keys.iter().any(|k| k == key) {
                ZoneKind::Region
            } else {
                continue;
            };
            let Some(value) = tree.scalar_text(node) else {
                continue;
            };
            if is_substitution_token(value) {
                continue;
            }
            let noun = match kind {
                ZoneKind::Zone => "zone",
                ZoneKind::Region => "region",
            };
            let (message, help) = match platform_of(value, kind) {
                Platform::Aws => {
                    let its_region = match kind {
                        ZoneKind::Zone => aws_zone_region(value).unwrap_or(value),
                        ZoneKind::Region => value,
                    };
                    match &region {
                        Some(r) if r != its_region && is_aws_region(r) => (
                            format!(
                                "`{value}` is in {its_region}, but the cluster is in {r} (`aws.region` in the config): no node has this {noun}, so it never matches"
                            ),
                            format!("use the {noun}s of {r}"),
                        ),
                        _ => continue,
                    }
                }
                p @ (Platform::Gke | Platform::Aks) => (
                    format!(
                        "`{value}` is {} {noun} name: EKS nodes carry AWS names (`us-east-1a`, `us-east-1`), so it never matches and the pods or volumes stay Pending",
                        match p {
                            Platform::Gke => "a Google Cloud",
                            _ => "an Azure",
                        }
                    ),
                    format!("use the AWS {noun} names of the cluster's region"),
                ),
                _ if kind == ZoneKind::Zone && is_aws_zone_id(value) => (
                    format!(
                        "`{value}` is an AWS zone ID, but `{key}` holds zone names (`us-east-1a`): it never matches"
                    ),
                    "select zone IDs with `topology.k8s.aws/zone-id`, or write the zone name"
                        .to_string(),
                ),
                _ => (
                    format!(
                        "`{value}` is not an AWS {noun} name: EKS nodes carry names like `us-east-1a` and `us-east-1`, so it never matches and the pods or volumes stay Pending"
                    ),
                    format!("use the AWS {noun} names of the cluster's region"),
                ),
            };
            ctx.report(tree.span(node), message)
                .label(format!("no EKS node is in this {noun}"))
                .help(help);
        }
    }
}
