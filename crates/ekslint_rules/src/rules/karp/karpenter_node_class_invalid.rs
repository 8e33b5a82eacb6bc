use ekslint_manifest::{NodeId, Object, Tree};

use super::support::{Version, ec2_node_class};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Evaluates the validation rules (`x-kubernetes-validations`) of the v1 EC2NodeClass CRD that
    /// the manifest decides on its own, other than AMI selection (KARP008): exactly one of `role`
    /// and `instanceProfile`, neither empty; subnet and security group selector terms that are
    /// not empty and select something, with `id` not combined with other fields; capacity
    /// reservation terms; tags with empty keys or values, or keys Karpenter reserves
    /// (`kubernetes.io/cluster/*`, `eks:eks-cluster-name`, `karpenter.sh/nodepool`,
    /// `karpenter.sh/nodeclaim`, `karpenter.k8s.aws/ec2nodeclass`); block device mappings (one
    /// root volume, a snapshot or a size per EBS volume); network interfaces (a primary
    /// interface, no duplicate device slots); the placement group selector; connection
    /// tracking. Each finding quotes the message the API server would give.
    ///
    /// ## Why is this bad?
    /// The API server rejects the EC2NodeClass, so `kubectl apply` (or the GitOps sync) fails and
    /// the NodePools that use it stay NotReady. Some rules reject surprising inputs: the CRD
    /// writes the "mutually exclusive" checks of the subnet, security group and capacity
    /// reservation terms as "not every term …", so they only fire when **every** term combines
    /// `id` with other fields, and an empty `capacityReservationSelectorTerms: []` is rejected
    /// with the `id` message; this rule reproduces that exactly.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: default
    /// spec:
    ///   role: KarpenterNodeRole-my-cluster
    ///   instanceProfile: KarpenterNodeInstanceProfile
    ///   amiSelectorTerms:
    ///     - alias: al2023@latest
    ///   subnetSelectorTerms: []
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   tags:
    ///     kubernetes.io/cluster/my-cluster: owned
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: default
    /// spec:
    ///   role: KarpenterNodeRole-my-cluster
    ///   amiSelectorTerms:
    ///     - alias: al2023@latest
    ///   subnetSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   tags:
    ///     team: platform
    /// ```
    ///
    /// ## References
    /// - The v1 EC2NodeClass CRD: aws/karpenter-provider-aws
    ///   `pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml`; the restricted tags:
    ///   `pkg/apis/v1/labels.go` (`RestrictedTagPatterns`)
    /// - Which CEL rule each KARP rule decides: `rules/karp/crd-cel.yaml`
    pub struct KarpenterNodeClassInvalid {
        code: "KARP010",
        name: "karpenter-node-class-invalid",
        family: Karp,
        severity: Error,
        fix: None,
        summary: "An EC2NodeClass breaks a validation rule of the v1 CRD (role, selector terms, tags, block devices, network interfaces)",
    }
}

/// `has(x.key)`: present and not null.
fn has(tree: &Tree, map: NodeId, key: &str) -> bool {
    tree.get(map, key).is_some_and(|v| !tree.is_null(v))
}

fn int(tree: &Tree, map: NodeId, key: &str) -> Option<i64> {
    tree.get(map, key)
        .and_then(|n| tree.scalar_text(n))
        .and_then(|t| t.parse().ok())
}

/// Where a finding about a map's field points: the key when present, else the map.
fn at(tree: &Tree, map: NodeId, key: &str) -> NodeId {
    tree.get_entry(map, key).map_or(map, |e| e.key)
}

struct Check<'c, 'a> {
    ctx: &'c mut FileCtx<'a>,
}

impl Check<'_, '_> {
    fn reject(&mut self, node: NodeId, crd_message: &str, help: &str) {
        let tree = self.ctx.tree();
        let f = self.ctx.report(
            tree.span(node),
            format!("the API server rejects this EC2NodeClass: \"{crd_message}\""),
        );
        f.label("rejected by the CRD");
        if !help.is_empty() {
            f.help(help.to_string());
        }
    }

    /// A tags map: no empty key (and, for selector terms, no empty value).
    fn tags(&mut self, tags: NodeId, values_too: bool) {
        let tree = self.ctx.tree();
        for (k, e) in tree.string_entries(Some(tags)) {
            if k.is_empty() {
                self.reject(
                    e.key,
                    if values_too {
                        "empty tag keys or values aren't supported"
                    } else {
                        "empty tag keys aren't supported"
                    },
                    "",
                );
            } else if values_too && tree.scalar_text(e.value) == Some("") {
                self.reject(
                    e.value,
                    "empty tag keys or values aren't supported",
                    "use `*` to match any value",
                );
            }
        }
    }

    /// A list of selector terms: each needs one of `fields`; `exclusive` (field, others, message)
    /// fail only when every term has the field and one of the others (the CRD's `!self.all(…)`).
    fn terms(
        &mut self,
        list: NodeId,
        fields: &[&str],
        none_message: &str,
        exclusive: &[(&str, &[&str], &str)],
    ) {
        let tree = self.ctx.tree();
        let Some(items) = tree.items(list) else {
            return;
        };
        for &t in items {
            if tree.is_map(t) && !fields.iter().any(|f| has(tree, t, f)) {
                self.reject(t, none_message, "");
            }
            if let Some(tags) = tree.get(t, "tags") {
                self.tags(tags, true);
            }
        }
        // (Over no terms, `!self.all(…)` fails too; the "cannot be empty" rules say it better.)
        for (field, others, message) in exclusive.iter().filter(|_| !items.is_empty()) {
            let all = items
                .iter()
                .all(|&t| has(tree, t, field) && others.iter().any(|o| has(tree, t, o)));
            if all {
                let node = items.first().map_or(list, |&t| at(tree, t, field));
                self.reject(
                    node,
                    message,
                    &format!("put `{field}` in a term of its own: a term with `{field}` selects exactly that resource"),
                );
            }
        }
    }
}

const RESTRICTED_TAGS: &[&str] = &[
    "eks:eks-cluster-name",
    "karpenter.sh/nodepool",
    "karpenter.sh/nodeclaim",
    "karpenter.k8s.aws/ec2nodeclass",
];

impl Rule for KarpenterNodeClassInvalid {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if ec2_node_class(tree, obj) != Some(Version::V1) {
            return;
        }
        let Some(spec_entry) = tree.get_entry(obj.node, "spec") else {
            return;
        };
        let spec = spec_entry.value;
        if !tree.is_map(spec) {
            return;
        }
        let mut c = Check { ctx };
        match (has(tree, spec, "role"), has(tree, spec, "instanceProfile")) {
            (true, true) => c.reject(
                at(tree, spec, "instanceProfile"),
                "must specify exactly one of ['role', 'instanceProfile']",
                "keep `role` (Karpenter creates the instance profile) or `instanceProfile`, not both",
            ),
            (false, false) => c.reject(
                spec_entry.key,
                "must specify exactly one of ['role', 'instanceProfile']",
                "add `role: <the node IAM role's name>`",
            ),
            _ => {}
        }
        for (key, msg) in [
            ("role", "role cannot be empty"),
            ("instanceProfile", "instanceProfile cannot be empty"),
        ] {
            if let Some(n) = tree.get(spec, key)
                && tree.scalar_text(n) == Some("")
            {
                c.reject(n, msg, "");
            }
        }
        for (key, fields, empty_msg, none_msg, exclusive) in [
            (
                "subnetSelectorTerms",
                &["tags", "id"][..],
                "subnetSelectorTerms cannot be empty",
                "expected at least one, got none, ['tags', 'id']",
                &[(
                    "id",
                    &["tags"][..],
                    "'id' is mutually exclusive, cannot be set with a combination of other fields in a subnet selector term",
                )][..],
            ),
            (
                "securityGroupSelectorTerms",
                &["tags", "id", "name"][..],
                "securityGroupSelectorTerms cannot be empty",
                "expected at least one, got none, ['tags', 'id', 'name']",
                &[
                    (
                        "id",
                        &["tags", "name"][..],
                        "'id' is mutually exclusive, cannot be set with a combination of other fields in a security group selector term",
                    ),
                    (
                        "name",
                        &["tags", "id"][..],
                        "'name' is mutually exclusive, cannot be set with a combination of other fields in a security group selector term",
                    ),
                ][..],
            ),
        ] {
            let Some(e) = tree.get_entry(spec, key) else {
                continue;
            };
            if tree.items(e.value).is_some_and(<[_]>::is_empty) {
                c.reject(
                    e.key,
                    empty_msg,
                    "add a term, e.g. `- tags: {karpenter.sh/discovery: <cluster>}`",
                );
            }
            c.terms(e.value, fields, none_msg, exclusive);
        }
        if let Some(list) = tree.get(spec, "capacityReservationSelectorTerms") {
            c.terms(
                list,
                &["tags", "id", "instanceMatchCriteria"],
                "expected at least one, got none, ['tags', 'id', 'instanceMatchCriteria']",
                &[(
                    "id",
                    &["tags", "ownerID", "instanceMatchCriteria"],
                    "'id' is mutually exclusive, cannot be set along with other fields in a capacity reservation selector term",
                )],
            );
            if tree.items(list).is_some_and(<[_]>::is_empty) {
                // `!self.all(…)` over no terms is false: the CRD rejects an empty list.
                c.reject(
                    list,
                    "'id' is mutually exclusive, cannot be set along with other fields in a capacity reservation selector term",
                    "the CRD's rule rejects an empty list: remove `capacityReservationSelectorTerms` instead",
                );
            }
        }
        if let Some(tags) = tree.get(spec, "tags") {
            c.tags(tags, false);
            for (k, e) in tree.string_entries(Some(tags)) {
                let restricted = if k.starts_with("kubernetes.io/cluster") {
                    Some("kubernetes.io/cluster/")
                } else {
                    RESTRICTED_TAGS.iter().copied().find(|r| *r == k)
                };
                if let Some(r) = restricted {
                    c.reject(
                        e.key,
                        &format!("tag contains a restricted tag matching {r}"),
                        "Karpenter sets this tag itself; remove it",
                    );
                }
            }
        }
        if let Some(items) = tree
            .get(spec, "blockDeviceMappings")
            .and_then(|l| tree.items(l))
        {
            let roots: Vec<NodeId> = items
                .iter()
                .filter(|&&m| {
                    tree.get(m, "rootVolume").and_then(|n| tree.scalar_text(n)) == Some("true")
                })
                .copied()
                .collect();
            if let Some(&second) = roots.get(1) {
                c.reject(
                    at(tree, second, "rootVolume"),
                    "must have only one blockDeviceMappings with rootVolume",
                    "",
                );
            }
            for &m in items {
                let Some(ebs_e) = tree.get_entry(m, "ebs") else {
                    continue;
                };
                let ebs = ebs_e.value;
                if !tree.is_map(ebs) {
                    continue;
                }
                if !has(tree, ebs, "snapshotID") && !has(tree, ebs, "volumeSize") {
                    c.reject(
                        ebs_e.key,
                        "snapshotID or volumeSize must be defined",
                        "add `volumeSize: 20Gi` (or a `snapshotID`)",
                    );
                }
                if has(tree, ebs, "volumeInitializationRate")
                    && tree
                        .get(ebs, "snapshotID")
                        .and_then(|n| tree.scalar_text(n))
                        .is_none_or(str::is_empty)
                {
                    c.reject(
                        at(tree, ebs, "volumeInitializationRate"),
                        "snapshotID must be set when volumeInitializationRate is set",
                        "the initialization rate applies to volumes created from a snapshot",
                    );
                }
            }
        }
        if let Some(e) = tree.get_entry(spec, "networkInterfaces")
            && let Some(items) = tree.items(e.value)
        {
            let slot = |m: NodeId| {
                (
                    int(tree, m, "networkCardIndex"),
                    int(tree, m, "deviceIndex"),
                )
            };
            let ty = |m: NodeId| {
                tree.get(m, "interfaceType")
                    .and_then(|n| tree.scalar_text(n))
            };
            if !items.is_empty()
                && !items
                    .iter()
                    .any(|&m| slot(m) == (Some(0), Some(0)) && ty(m) == Some("interface"))
            {
                c.reject(
                    e.key,
                    "networkInterfaces must include a primary interface with interfaceType='interface'",
                    "add `{networkCardIndex: 0, deviceIndex: 0, interfaceType: interface}`",
                );
            }
            let bad = items.iter().find(|&&m| {
                let dup = items.iter().filter(|&&o| slot(o) == slot(m)).count() != 1;
                let efa = ty(m) == Some("efa-only")
                    && items
                        .iter()
                        .filter(|&&o| slot(o).0 == slot(m).0 && ty(o) == Some("efa-only"))
                        .count()
                        != 1;
                dup || efa
            });
            if let Some(&m) = bad {
                c.reject(
                    m,
                    "networkInterfaces must not have duplicate networkCardIndex and deviceIndex pairs, and can have at most one efa device per network card",
                    "",
                );
            }
        }
        if let Some(e) = tree.get_entry(spec, "placementGroupSelector")
            && tree.is_map(e.value)
        {
            match (has(tree, e.value, "name"), has(tree, e.value, "id")) {
                (false, false) => {
                    c.reject(e.key, "expected at least one, got none, ['name', 'id']", "")
                }
                (true, true) => c.reject(
                    at(tree, e.value, "id"),
                    "'name' and 'id' are mutually exclusive",
                    "",
                ),
                _ => {}
            }
        }
        if let Some(e) = tree.get_entry(spec, "connectionTracking")
            && tree.is_map(e.value)
            && !["tcpEstablishedTimeout", "udpStreamTimeout", "udpTimeout"]
                .iter()
                .any(|k| has(tree, e.value, k))
        {
            c.reject(
                e.key,
                "at least one of tcpEstablishedTimeout, udpStreamTimeout, or udpTimeout must be set",
                "",
            );
        }
    }
}
