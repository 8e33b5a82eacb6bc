use ekslint_manifest::{NodeId, Object, Tree};

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

use super::support::parse::{has_host_bits, parse_cidr};

declare_rule! {
    /// ## What it does
    /// Checks the `spec` of the controller's custom resources against their CRD schema and
    /// admission webhooks:
    /// - **IngressClassParams** (`elbv2.k8s.aws/v1beta1`): unknown fields (with the closest
    ///   known one); `scheme`, `ipAddressType`, `targetType` enums; `inboundCIDRs` that are not
    ///   CIDRs or have host bits set; `subnets` with both or neither of `ids` and `tags`, or ids
    ///   that are not `subnet-…`; `sslRedirectPort` that is not an integer; both
    ///   `prefixListsIDs` and `PrefixListsIDs`.
    /// - **TargetGroupBinding**: `serviceRef.name` and `serviceRef.port` required; one of
    ///   `targetGroupARN`/`targetGroupName`; `targetType`, `ipAddressType`,
    ///   `targetGroupProtocol` and `networking.ingress[].ports[].protocol` enums; `vpcID`
    ///   pattern; `nodeSelector` with `ip` targets; `iamRoleArnToAssume` with `instance` targets;
    ///   unknown fields.
    ///
    /// ## Why is this bad?
    /// The API server prunes or rejects unknown fields (a misspelt `inboundCidrs` is dropped and
    /// the ALB stays open), the CRD enums and the controller's webhooks reject the rest at
    /// `kubectl apply`, and a non-numeric `sslRedirectPort` silently disables the redirect.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: elbv2.k8s.aws/v1beta1
    /// kind: IngressClassParams
    /// metadata:
    ///   name: public
    /// spec:
    ///   scheme: Internet-facing
    ///   inboundCidrs: [10.0.0.1/8]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: elbv2.k8s.aws/v1beta1
    /// kind: IngressClassParams
    /// metadata:
    ///   name: public
    /// spec:
    ///   scheme: internet-facing
    ///   inboundCIDRs: [10.0.0.0/8]
    /// ```
    ///
    /// ## References
    /// - IngressClassParams CRD: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/config/crd/bases/elbv2.k8s.aws_ingressclassparams.yaml>
    /// - IngressClassParams webhook: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/webhooks/elbv2/ingressclassparams_validator.go>
    /// - TargetGroupBinding CRD: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/config/crd/bases/elbv2.k8s.aws_targetgroupbindings.yaml>
    /// - TargetGroupBinding webhook: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/webhooks/elbv2/targetgroupbinding_validator.go>
    pub struct LbcCrdSchema {
        code: "LBC017",
        name: "lbc-crd-schema",
        family: Lbc,
        severity: Error,
        fix: None,
        summary: "An IngressClassParams or TargetGroupBinding field that its schema or webhook rejects",
    }
}

const ICP_FIELDS: &[&str] = &[
    "loadBalancerName",
    "certificateArn",
    "namespaceSelector",
    "group",
    "scheme",
    "inboundCIDRs",
    "sslPolicy",
    "sslRedirectPort",
    "subnets",
    "ipAddressType",
    "tags",
    "targetType",
    "loadBalancerAttributes",
    "listeners",
    "minimumLoadBalancerCapacity",
    "ipamConfiguration",
    "prefixListsIDs",
    "PrefixListsIDs",
    "wafv2AclArn",
    "wafv2AclName",
];

const TGB_FIELDS: &[&str] = &[
    "targetGroupARN",
    "targetGroupName",
    "targetType",
    "serviceRef",
    "networking",
    "nodeSelector",
    "ipAddressType",
    "vpcID",
    "targetGroupProtocol",
    "multiClusterTargetGroup",
    "iamRoleArnToAssume",
    "assumeRoleExternalId",
];

struct Checker<'a, 'c> {
    ctx: &'a mut FileCtx<'c>,
    tree: &'a Tree,
    kind: &'static str,
}

impl Checker<'_, '_> {
    fn unknown_fields(&mut self, spec: NodeId, known: &[&str]) {
        for e in self.tree.entries(spec).unwrap_or(&[]) {
            let Some(k) = self.tree.scalar_text(e.key) else {
                continue;
            };
            if known.contains(&k) {
                continue;
            }
            let close = crate::support::suggest::closest(k, known.iter().copied());
            let f = self.ctx.report(
                self.tree.span(e.key),
                match close {
                    Some(c) => format!(
                        "unknown {} field `spec.{k}`; did you mean `{c}`?",
                        self.kind
                    ),
                    None => format!(
                        "unknown {} field `spec.{k}`: the API server drops or rejects it",
                        self.kind
                    ),
                },
            );
            f.label("not in the CRD schema");
        }
    }

    fn enumeration(&mut self, node: Option<NodeId>, field: &str, allowed: &[&str]) {
        let Some(n) = node else { return };
        let Some(v) = self.tree.as_str(n) else { return };
        if allowed.contains(&v) || crate::support::placeholder::is_placeholder(v) {
            return;
        }
        let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
        let f = self.ctx.report(
            self.tree.span(n),
            format!("`{field}` must be one of {}, not `{v}`", list.join(", ")),
        );
        f.label("not an allowed value");
        if let Some(a) = allowed.iter().find(|a| a.eq_ignore_ascii_case(v)) {
            f.help(format!("values are case-sensitive: write `{a}`"));
        }
    }

    fn report(&mut self, node: NodeId, msg: String, label: &str) {
        self.ctx
            .report(self.tree.span(node), msg)
            .label(label.to_string());
    }
}

impl Rule for LbcCrdSchema {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.group(tree) != "elbv2.k8s.aws" {
            return;
        }
        let kind = match obj.kind_str(tree) {
            Some("IngressClassParams") => "IngressClassParams",
            Some("TargetGroupBinding") => "TargetGroupBinding",
            _ => return,
        };
        let Some(spec) = obj.get(tree, &["spec"]) else {
            return;
        };
        if !tree.is_map(spec) {
            return;
        }
        let spec_key = tree.get_entry(obj.node, "spec").map_or(spec, |e| e.key);
        let mut c = Checker { ctx, tree, kind };
        if kind == "IngressClassParams" {
            c.unknown_fields(spec, ICP_FIELDS);
            c.enumeration(
                tree.get(spec, "scheme"),
                "scheme",
                &["internal", "internet-facing"],
            );
            c.enumeration(
                tree.get(spec, "ipAddressType"),
                "ipAddressType",
                &["ipv4", "dualstack", "dualstack-without-public-ipv4"],
            );
            c.enumeration(
                tree.get(spec, "targetType"),
                "targetType",
                &["instance", "ip"],
            );
            for &item in tree
                .get(spec, "inboundCIDRs")
                .and_then(|n| tree.items(n))
                .unwrap_or(&[])
            {
                let Some(v) = tree.as_str(item) else { continue };
                match parse_cidr(v) {
                    None => c.report(item, format!("`{v}` is not a CIDR (a single address needs `/32`, or `/128` for IPv6)"), "not a CIDR"),
                    Some((ip, len)) if has_host_bits(ip, len) => c.report(
                        item,
                        format!("`{v}` has host bits set: the webhook wants the network address of the range"),
                        "host bits set",
                    ),
                    Some(_) => {}
                }
            }
            if let Some(p) = tree.get(spec, "sslRedirectPort")
                && let Some(v) = tree.scalar_text(p)
                && crate::support::go::parse_go_int(v, 32).is_err()
            {
                c.report(
                    p,
                    format!("`sslRedirectPort` `{v}` is not an integer: the controller silently disables the SSL redirect"),
                    "not a port number",
                );
            }
            if let Some(sne) = tree.get_entry(spec, "subnets") {
                let sn = sne.value;
                let ids = tree.get(sn, "ids");
                let tags = tree.get(sn, "tags");
                if ids.is_some() == tags.is_some() {
                    c.report(
                        sne.key,
                        "`subnets` needs exactly one of `ids` and `tags`".to_string(),
                        "ids or tags",
                    );
                }
                let mut seen = Vec::new();
                for &i in ids.and_then(|n| tree.items(n)).unwrap_or(&[]) {
                    let Some(v) = tree.as_str(i) else { continue };
                    let hex = v.strip_prefix("subnet-").is_some_and(|h| {
                        !h.is_empty()
                            && h.bytes()
                                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                    });
                    if !hex {
                        c.report(
                            i,
                            format!("`{v}` is not a subnet ID (`subnet-` and hex digits)"),
                            "not a subnet ID",
                        );
                    } else if seen.contains(&v) {
                        c.report(i, format!("subnet `{v}` is listed twice"), "duplicate");
                    }
                    seen.push(v);
                }
            }
            if let (Some(_), Some(old)) = (
                tree.get(spec, "prefixListsIDs"),
                tree.get_entry(spec, "PrefixListsIDs"),
            ) {
                c.report(
                    old.key,
                    "set either `prefixListsIDs` or the deprecated `PrefixListsIDs`, not both"
                        .to_string(),
                    "both set",
                );
            }
        } else {
            c.unknown_fields(spec, TGB_FIELDS);
            let sref = tree.get_entry(spec, "serviceRef");
            match sref {
                None => c.report(
                    spec_key,
                    "`spec.serviceRef` (name and port) is required".to_string(),
                    "no serviceRef",
                ),
                Some(e) => {
                    for f in ["name", "port"] {
                        if tree.get(e.value, f).is_none() {
                            c.report(
                                e.key,
                                format!("`spec.serviceRef.{f}` is required"),
                                "incomplete serviceRef",
                            );
                        }
                    }
                }
            }
            if tree.get(spec, "targetGroupARN").is_none()
                && tree.get(spec, "targetGroupName").is_none()
            {
                c.report(
                    spec_key,
                    "a TargetGroupBinding needs `targetGroupARN` or `targetGroupName`".to_string(),
                    "no target group",
                );
            }
            let tt = tree.get(spec, "targetType");
            c.enumeration(tt, "targetType", &["instance", "ip"]);
            c.enumeration(
                tree.get(spec, "ipAddressType"),
                "ipAddressType",
                &["ipv4", "ipv6"],
            );
            c.enumeration(
                tree.get(spec, "targetGroupProtocol"),
                "targetGroupProtocol",
                &[
                    "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "QUIC", "TCP_QUIC",
                ],
            );
            if let Some(v) = tree.get(spec, "vpcID")
                && let Some(s) = tree.as_str(v)
                && !crate::support::placeholder::is_placeholder(s)
            {
                let ok = s.strip_prefix("vpc-").is_some_and(|h| {
                    matches!(h.len(), 8 | 17 | 32)
                        && h.bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                });
                if !ok {
                    c.report(
                        v,
                        format!(
                            "`vpcID` `{s}` is not a VPC ID (`vpc-` and 8, 17 or 32 hex digits)"
                        ),
                        "not a VPC ID",
                    );
                }
            }
            let tt_s = tt.and_then(|n| tree.as_str(n));
            if tt_s == Some("ip")
                && let Some(ns) = tree.get_entry(spec, "nodeSelector")
            {
                c.report(
                    ns.key,
                    "`nodeSelector` is not allowed with `targetType: ip`".to_string(),
                    "only for instance targets",
                );
            }
            if tt_s == Some("instance")
                && let Some(r) = tree.get_entry(spec, "iamRoleArnToAssume")
            {
                c.report(r.key, "`iamRoleArnToAssume` (cross-account) is not allowed with `targetType: instance`".to_string(), "only for ip targets");
            }
            for &rule in tree
                .path(spec, &["networking", "ingress"])
                .and_then(|n| tree.items(n))
                .unwrap_or(&[])
            {
                for &p in tree
                    .get(rule, "ports")
                    .and_then(|n| tree.items(n))
                    .unwrap_or(&[])
                {
                    c.enumeration(tree.get(p, "protocol"), "protocol", &["TCP", "UDP"]);
                }
            }
        }
    }
}
