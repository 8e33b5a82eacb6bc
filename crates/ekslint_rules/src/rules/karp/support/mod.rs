//! Shared helpers of the KARP rules: the table, views of NodePools and EC2NodeClasses, span
//! edits for the fixes, and the cross-object facts.

pub mod edit;
pub mod facts;
pub mod imds;
pub mod table;

use ekslint_manifest::{NodeId, Object, Tree};

pub use table::KARPENTER;

/// Karpenter's core API group (NodePool, NodeClaim).
pub const GROUP: &str = "karpenter.sh";
/// The AWS provider's API group (EC2NodeClass).
pub const AWS_GROUP: &str = "karpenter.k8s.aws";
pub const NODE_POOL: &str = "NodePool";
pub const EC2_NODE_CLASS: &str = "EC2NodeClass";

/// The API versions whose fields the KARP rules judge: v1, and v1beta1 (whose fields must
/// change when the object moves to v1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V1beta1,
}

impl Version {
    /// How a finding on a field says what happens: v1 rejects it now; a v1beta1 object must
    /// change it on its way to v1 (KARP001 reports the apiVersion itself).
    pub fn verdict(self) -> &'static str {
        match self {
            Version::V1 => "Karpenter v1 rejects it",
            Version::V1beta1 => "v1 rejects it: change it when this object moves to v1",
        }
    }
}

fn version(tree: &Tree, obj: &Object, group: &str, kind: &str) -> Option<Version> {
    if obj.kind_str(tree)? != kind || obj.group(tree) != group {
        return None;
    }
    match obj.api_version(tree)?.rsplit_once('/')?.1 {
        "v1" => Some(Version::V1),
        "v1beta1" => Some(Version::V1beta1),
        _ => None,
    }
}

/// A `karpenter.sh` NodePool at v1 or v1beta1.
pub fn node_pool(tree: &Tree, obj: &Object) -> Option<Version> {
    version(tree, obj, GROUP, NODE_POOL)
}

/// A `karpenter.k8s.aws` EC2NodeClass at v1 or v1beta1.
pub fn ec2_node_class(tree: &Tree, obj: &Object) -> Option<Version> {
    version(tree, obj, AWS_GROUP, EC2_NODE_CLASS)
}

/// The part of a label key that the CRDs' CEL rules call its domain: everything before the first
/// `/` (the whole key when it has none).
pub fn cel_domain(key: &str) -> &str {
    key.split('/').next().unwrap_or(key)
}

/// Is `key` in one of the label domains Karpenter restricts (the CEL rules use `endsWith`)?
pub fn restricted_domain(key: &str) -> Option<&'static str> {
    let d = cel_domain(key);
    [GROUP, AWS_GROUP].into_iter().find(|r| d.ends_with(r))
}

/// The node-label keys of `domain` that Karpenter's nodes carry.
pub fn node_labels(domain: &str) -> &'static [String] {
    match domain {
        GROUP => &KARPENTER.node_labels.karpenter_sh,
        AWS_GROUP => &KARPENTER.node_labels.karpenter_k8s_aws,
        _ => &[],
    }
}

/// The map entries of a string-keyed map node, with their key text.
pub fn entries(tree: &Tree, map: Option<NodeId>) -> Vec<(&str, ekslint_manifest::Entry)> {
    tree.string_entries(map)
}

/// A NodePool's `spec.template.spec.nodeClassRef` group, when it names EKS Auto Mode's
/// `NodeClass` (`eks.amazonaws.com`).
pub fn is_auto_mode_group(group: &str) -> bool {
    group == KARPENTER.auto_mode.node_class_group
}

/// The scalar text of `map[key]`.
pub fn text<'t>(tree: &'t Tree, map: NodeId, key: &str) -> Option<&'t str> {
    tree.get(map, key).and_then(|n| tree.scalar_text(n))
}

/// Go's `time.ParseDuration`, reduced to what Karpenter needs to know: is `s` a valid duration,
/// and is it positive? (`300ms`, `1.5h`, `2h45m`; a sign is allowed; `0` alone is valid.)
pub fn go_duration_positive(s: &str) -> Option<bool> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(false);
    }
    if rest.is_empty() {
        return None;
    }
    let mut any_nonzero = false;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        if !matches!(
            &rest[..unit_len],
            "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
        ) {
            return None;
        }
        rest = &rest[unit_len..];
        if num.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            any_nonzero = true;
        }
    }
    Some(any_nonzero && !neg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_domains() {
        for (s, want) in [
            ("5m", Some(true)),
            ("1h30m", Some(true)),
            ("1.5h", Some(true)),
            ("300ms", Some(true)),
            ("0", Some(false)),
            ("0s", Some(false)),
            ("-5m", Some(false)),
            ("true", None),
            ("5", None),
            ("", None),
            ("5d", None),
            ("1..5h", None),
        ] {
            assert_eq!(go_duration_positive(s), want, "{s}");
        }
        assert_eq!(restricted_domain("karpenter.sh/foo"), Some(GROUP));
        assert_eq!(
            restricted_domain("x.karpenter.k8s.aws/foo"),
            Some(AWS_GROUP)
        );
        assert_eq!(restricted_domain("karpenter.sh"), Some(GROUP));
        assert_eq!(restricted_domain("example.com/karpenter.sh"), None);
        assert!(
            node_labels(AWS_GROUP)
                .iter()
                .any(|l| l == "karpenter.k8s.aws/instance-family")
        );
    }

    #[test]
    fn the_tables_agree_with_themselves() {
        let k = &*KARPENTER;
        for l in k.node_labels.karpenter_k8s_aws.iter() {
            assert!(l.starts_with("karpenter.k8s.aws/"), "{l}");
        }
        for l in k
            .node_labels
            .karpenter_sh
            .iter()
            .chain(&k.requirement_keys_karpenter_sh)
        {
            assert!(l.starts_with("karpenter.sh/"), "{l}");
        }
        for l in &k.auto_mode.labels {
            assert!(l.starts_with(&k.auto_mode.label_prefix), "{l}");
        }
        for f in &k.ami.windows_alias_families {
            assert!(k.ami.alias_families.contains(f), "{f}");
        }
        // Every CEL rule is decided by a KARP rule or says why none can be.
        let cel = &table::CEL.rules;
        assert_eq!(
            cel.iter()
                .filter(|r| r.crd == table::Crd::NodePools)
                .count(),
            20
        );
        assert_eq!(
            cel.iter()
                .filter(|r| r.crd == table::Crd::Ec2NodeClasses)
                .count(),
            44
        );
        for r in cel {
            match (&r.decided_by, &r.undecidable) {
                (Some(code), None) => {
                    let rule = crate::rules::find(code)
                        .unwrap_or_else(|| panic!("{code} is no rule ({})", r.message));
                    assert_eq!(rule.info().family, crate::Family::Karp, "{code}");
                }
                (None, Some(_)) => {}
                _ => panic!("{}: exactly one of decided_by and undecidable", r.message),
            }
        }
    }
}
