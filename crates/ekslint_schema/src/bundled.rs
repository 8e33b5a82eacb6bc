//! The CRDs ekslint carries (`rules/schema/crds/`): the AWS controllers the other rule
//! families know, so their custom resources are checked without the user supplying the CRDs.
//! Compiled on first use.

use std::sync::OnceLock;

use crate::crd::{self, Crd};

/// (file name, text), restated by `schema-gen crds` (see each file's header).
const FILES: &[(&str, &str)] = &[
    (
        "elbv2.k8s.aws_targetgroupbindings.yaml",
        include_str!("../../../rules/schema/crds/elbv2.k8s.aws_targetgroupbindings.yaml"),
    ),
    (
        "elbv2.k8s.aws_ingressclassparams.yaml",
        include_str!("../../../rules/schema/crds/elbv2.k8s.aws_ingressclassparams.yaml"),
    ),
    (
        "karpenter.sh_nodepools.yaml",
        include_str!("../../../rules/schema/crds/karpenter.sh_nodepools.yaml"),
    ),
    (
        "karpenter.k8s.aws_ec2nodeclasses.yaml",
        include_str!("../../../rules/schema/crds/karpenter.k8s.aws_ec2nodeclasses.yaml"),
    ),
    (
        "snapshot.storage.k8s.io_volumesnapshots.yaml",
        include_str!("../../../rules/schema/crds/snapshot.storage.k8s.io_volumesnapshots.yaml"),
    ),
    (
        "snapshot.storage.k8s.io_volumesnapshotclasses.yaml",
        include_str!(
            "../../../rules/schema/crds/snapshot.storage.k8s.io_volumesnapshotclasses.yaml"
        ),
    ),
    (
        "snapshot.storage.k8s.io_volumesnapshotcontents.yaml",
        include_str!(
            "../../../rules/schema/crds/snapshot.storage.k8s.io_volumesnapshotcontents.yaml"
        ),
    ),
    (
        "vpcresources.k8s.aws_securitygrouppolicies.yaml",
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

/// Every bundled CRD.
pub fn all() -> &'static [Bundled] {
    static ALL: OnceLock<Vec<Bundled>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|(file, text)| {
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
            .collect()
    })
}

/// The bundled CRD for custom resources of `group` and `kind`.
pub fn find(group: &str, kind: &str) -> Option<&'static Bundled> {
    all()
        .iter()
        .find(|b| b.crd.group == group && b.crd.kind == kind)
}
