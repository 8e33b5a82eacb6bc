use ekslint_manifest::Object;

use super::support::FARGATE;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Checks a `SecurityGroupPolicy` (`vpcresources.k8s.aws/v1beta1`, security groups for
    /// pods): it needs a `podSelector` or a `serviceAccountSelector`, and at least one
    /// security group ID (`sg-…`) in `spec.securityGroups.groupIds`.
    ///
    /// ## Why is this bad?
    /// The CRD requires at least one group ID, so the API server rejects an empty list; a
    /// policy without either selector selects no pod ("You must specify one selector or the
    /// other"), and a value that is not a security group ID (a name, say) fails when the VPC
    /// resource controller attaches it: the pods that match start without the security groups
    /// meant for them, or do not start.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: vpcresources.k8s.aws/v1beta1
    /// kind: SecurityGroupPolicy
    /// metadata:
    ///   name: db-access
    ///   namespace: shop
    /// spec:
    ///   securityGroups:
    ///     groupIds:
    ///       - rds-access
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: vpcresources.k8s.aws/v1beta1
    /// kind: SecurityGroupPolicy
    /// metadata:
    ///   name: db-access
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels:
    ///       app: orders
    ///   securityGroups:
    ///     groupIds:
    ///       - sg-0123456789abcdef0
    /// ```
    ///
    /// ## References
    /// - The SecurityGroupPolicy API: aws/amazon-vpc-resource-controller-k8s
    ///   `apis/vpcresources/v1beta1/securitygrouppolicy_types.go` and
    ///   `config/crd/bases/vpcresources.k8s.aws_securitygrouppolicies.yaml`
    /// - EKS user guide, "Deploy an Amazon EKS SecurityGroupPolicy": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/networking/eks-networking-add-ons.adoc`
    pub struct SecurityGroupPolicyInvalid {
        code: "FARGATE014",
        name: "security-group-policy-invalid",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A SecurityGroupPolicy without a pod or service account selector, or without valid security group IDs",
    }
}

/// `sg-` and 8 or 17 hexadecimal digits.
fn is_sg_id(s: &str) -> bool {
    s.strip_prefix("sg-").is_some_and(|h| {
        matches!(h.len(), 8 | 17)
            && h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

impl Rule for SecurityGroupPolicyInvalid {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let sg = &FARGATE.security_groups;
        if obj.kind_str(tree) != Some(sg.policy_kind.as_str()) || obj.group(tree) != sg.policy_group
        {
            return;
        }
        let Some(spec_entry) = tree.get_entry(obj.node, "spec") else {
            return;
        };
        let spec = spec_entry.value;
        if !tree.is_map(spec) {
            return;
        }
        let has = |k: &str| tree.get(spec, k).is_some_and(|n| !tree.is_null(n));
        if !has("podSelector") && !has("serviceAccountSelector") {
            ctx.report(
                tree.span(spec_entry.key),
                "this SecurityGroupPolicy has neither `podSelector` nor `serviceAccountSelector`, so it selects no pod",
            )
            .label("no selector")
            .help("add `podSelector` (an empty `{}` selects every pod of the namespace) or `serviceAccountSelector`");
        }
        let groups = tree.path(spec, &["securityGroups", "groupIds"]);
        match groups.and_then(|g| tree.items(g)) {
            None | Some([]) => {
                let at = groups
                    .or_else(|| tree.get_entry(spec, "securityGroups").map(|e| e.key))
                    .unwrap_or(spec_entry.key);
                ctx.report(
                    tree.span(at),
                    "`spec.securityGroups.groupIds` needs at least one security group ID (the CRD rejects an empty list)",
                )
                .label("no security group")
                .help("list the security group IDs, e.g. `groupIds: [sg-0123456789abcdef0]`");
            }
            Some(items) => {
                for &i in items {
                    let Some(v) = tree.scalar_text(i) else {
                        continue;
                    };
                    if crate::support::placeholder::is_placeholder(v) || is_sg_id(v) {
                        continue;
                    }
                    ctx.report(
                        tree.span(i),
                        format!("`{v}` is not a security group ID (`sg-` and 8 or 17 hexadecimal digits); the controller attaches groups by ID only"),
                    )
                    .label("not an sg- ID")
                    .help("use the group's ID, e.g. from `aws ec2 describe-security-groups --filters Name=group-name,Values=<name>`");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn security_group_ids() {
        assert!(super::is_sg_id("sg-0123456789abcdef0"));
        assert!(super::is_sg_id("sg-01234567"));
        assert!(!super::is_sg_id("sg-0123456789ABCDEF0"));
        assert!(!super::is_sg_id("rds-access"));
        assert!(!super::is_sg_id("sg-123"));
    }
}
