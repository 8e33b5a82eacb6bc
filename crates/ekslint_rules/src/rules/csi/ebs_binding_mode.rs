use ekslint_manifest::Object;

use super::support::{Driver, StorageClass};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Warns when an EBS StorageClass (`ebs.csi.aws.com`) does not use
    /// `volumeBindingMode: WaitForFirstConsumer`, and when a static EBS PersistentVolume has no
    /// `nodeAffinity` on the volume's zone.
    ///
    /// ## Why is this bad?
    /// An EBS volume lives in one Availability Zone. With the default `Immediate` binding the
    /// volume is created before the pod is scheduled, possibly in a zone where the pod cannot run
    /// (node group in other zones, other volumes, Fargate): the pod stays `Pending` with a volume
    /// node affinity conflict. A static PV without zone affinity lets the scheduler pick a node
    /// in another zone, and the attach fails.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: ebs-sc
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: Immediate
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: ebs-sc
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// ## References
    /// - EBS topology: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md>
    /// - Static provisioning example: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/examples/kubernetes/static-provisioning/manifests/pv.yaml>
    /// - Volume binding mode: <https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode>
    pub struct EbsBindingMode {
        code: "CSI006",
        name: "ebs-binding-mode",
        family: Csi,
        severity: Warning,
        fix: None,
        summary: "An EBS StorageClass without WaitForFirstConsumer, or a static EBS volume without zone affinity",
    }
}

impl Rule for EbsBindingMode {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if let Some(sc) = StorageClass::of(tree, obj) {
            if sc.driver() != Some(Driver::Ebs) {
                return;
            }
            match tree.get(obj.node, "volumeBindingMode") {
                Some(n) if tree.scalar_text(n) == Some("WaitForFirstConsumer") => {}
                Some(n) => {
                    ctx.report(tree.span(n), "EBS volumes are zonal: with `Immediate` binding the volume may be created in a zone where the pod cannot run")
                        .label("use WaitForFirstConsumer");
                }
                None => {
                    ctx.report(tree.span(sc.provisioner_node), "EBS StorageClass without `volumeBindingMode: WaitForFirstConsumer`: the default `Immediate` may create the volume in a zone where the pod cannot run")
                        .label("no volumeBindingMode (Immediate)")
                        .help("add `volumeBindingMode: WaitForFirstConsumer`");
                }
            }
            return;
        }
        if obj.kind_str(tree) != Some("PersistentVolume") || !obj.group(tree).is_empty() {
            return;
        }
        let Some(spec) = obj.get(tree, &["spec"]) else {
            return;
        };
        let Some(de) = tree.path_entry(spec, &["csi", "driver"]) else {
            return;
        };
        if tree.scalar_text(de.value).and_then(Driver::of) != Some(Driver::Ebs) {
            return;
        }
        let handle = tree
            .path(spec, &["csi", "volumeHandle"])
            .and_then(|n| tree.scalar_text(n))
            .unwrap_or("");
        if handle.starts_with("local-ebs://") {
            return;
        }
        if tree.path(spec, &["nodeAffinity", "required"]).is_none() {
            ctx.report(tree.span(de.value), "static EBS volume without `nodeAffinity` on its zone: the pod may be scheduled in another zone and the attach fails")
                .label("no zone nodeAffinity")
                .help("add `nodeAffinity.required.nodeSelectorTerms[].matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [<the volume's AZ>]}]`");
        }
    }
}
