//! The CRDs ekslint carries (`rules/schema/crds/`): the AWS controllers the other rule
//! families know, so their custom resources are checked without the user supplying the CRDs.
//! Compiled on first use.

use std::sync::OnceLock;

use crate::crd::{self, Crd};

/// (file name, group, kind, text), restated by `schema-gen crds` (see each file's header); the
/// group and kind let a lookup compile only the CRD it needs (a test checks they match).
const FILES: &[(&str, &str, &str, &str)] = &[
    (
        "elbv2.k8s.aws_targetgroupbindings.yaml",
        "elbv2.k8s.aws",
        "TargetGroupBinding",
        include_str!("../../../rules/schema/crds/elbv2.k8s.aws_targetgroupbindings.yaml"),
    ),
    (
        "elbv2.k8s.aws_ingressclassparams.yaml",
        "elbv2.k8s.aws",
        "IngressClassParams",
        include_str!("../../../rules/schema/crds/elbv2.k8s.aws_ingressclassparams.yaml"),
    ),
    (
        "karpenter.sh_nodepools.yaml",
        "karpenter.sh",
        "NodePool",
        include_str!("../../../rules/schema/crds/karpenter.sh_nodepools.yaml"),
    ),
    (
        "karpenter.k8s.aws_ec2nodeclasses.yaml",
        "karpenter.k8s.aws",
        "EC2NodeClass",
        include_str!("../../../rules/schema/crds/karpenter.k8s.aws_ec2nodeclasses.yaml"),
    ),
    (
        "snapshot.storage.k8s.io_volumesnapshots.yaml",
        "snapshot.storage.k8s.io",
        "VolumeSnapshot",
        include_str!("../../../rules/schema/crds/snapshot.storage.k8s.io_volumesnapshots.yaml"),
    ),
    (
        "snapshot.storage.k8s.io_volumesnapshotclasses.yaml",
        "snapshot.storage.k8s.io",
        "VolumeSnapshotClass",
        include_str!(
            "../../../rules/schema/crds/snapshot.storage.k8s.io_volumesnapshotclasses.yaml"
        ),
    ),
    (
        "snapshot.storage.k8s.io_volumesnapshotcontents.yaml",
        "snapshot.storage.k8s.io",
        "VolumeSnapshotContent",
        include_str!(
            "../../../rules/schema/crds/snapshot.storage.k8s.io_volumesnapshotcontents.yaml"
        ),
    ),
    (
        "vpcresources.k8s.aws_securitygrouppolicies.yaml",
        "vpcresources.k8s.aws",
        "SecurityGroupPolicy",
        include_str!("../../../rules/schema/crds/vpcresources.k8s.aws_securitygrouppolicies.yaml"),
    ),
];

/// A bundled CRD and the file it came from.
#[derive(Debug)]
pub struct Bundled {
    pub file: &'static str,
    /// The upstream repository and commit, from the file's header.
    pub upstream: &'static str,
    pub crd: Crd,
}

fn slots() -> &'static [OnceLock<Bundled>] {
    static SLOTS: OnceLock<Vec<OnceLock<Bundled>>> = OnceLock::new();
    SLOTS.get_or_init(|| FILES.iter().map(|_| OnceLock::new()).collect())
}

fn load(i: usize) -> &'static Bundled {
    slots()[i].get_or_init(|| {
        let (file, _, _, text) = FILES[i];
        let parsed = ekslint_manifest::parse_str(file, text);
        assert!(
            parsed.problems.is_empty(),
            "rules/schema/crds/{file} does not parse"
        );
        let root = parsed.documents[0].root.expect("a document");
        let crd = crd::compile(&parsed.tree, root)
            .unwrap_or_else(|| panic!("rules/schema/crds/{file} is not a v1 CRD"));
        let upstream = text
            .lines()
            .next()
            .and_then(|l| l.split_once(" from "))
            .map_or("", |(_, r)| r);
        Bundled {
            file,
            upstream,
            crd,
        }
    })
}

/// Every bundled CRD (compiling all of them).
pub fn all() -> Vec<&'static Bundled> {
    (0..FILES.len()).map(load).collect()
}

/// The bundled CRD for custom resources of `group` and `kind`, compiled on first use.
pub fn find(group: &str, kind: &str) -> Option<&'static Bundled> {
    FILES
        .iter()
        .position(|(_, g, k, _)| *g == group && *k == kind)
        .map(load)
}
