use ekslint_manifest::Object;

use super::support::{Driver, StorageClass};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;
use crate::support::aws::Arn;
use crate::support::go::parse_go_int;

declare_rule! {
    /// ## What it does
    /// Warns about EBS StorageClass values outside the documented ranges and about deprecated
    /// keys:
    /// - `iops` below the type minimum (gp3: 3000, io1/io2: 100) or above its maximum (gp3:
    ///   16000, io1: 64000, io2: 256000);
    /// - `iopsPerGB` above the type ratio (io1: 50, io2: 1000, gp3: 500), or so low that claims
    ///   under 100 GiB fall below the minimum without `allowAutoIOPSPerGBIncrease: "true"`;
    /// - `blockExpress` (ignored: every io2 volume is Block Express) and the unprefixed `fstype`
    ///   key (deprecated: use `csi.storage.k8s.io/fstype`);
    /// - `kmsKeyId` that is not a full `arn:<partition>:kms:` key ARN.
    ///
    /// ## Why is this bad?
    /// IOPS above the maximum are capped silently; below the minimum, CreateVolume fails for the
    /// claims that are too small. The limits are the driver's fallbacks and EC2 raises them over
    /// time, which is why this is a warning. A key ID or alias instead of an ARN breaks clones
    /// and cross-account use.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3-slow
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    ///   iops: "1000"
    ///   blockExpress: "true"
    ///   kmsKeyId: 1234abcd-12ab-34cd-56ef-1234567890ab
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    ///   iops: "3000"
    ///   kmsKeyId: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    /// ```
    ///
    /// ## References
    /// - IOPS limits: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/429e202e589798e55c0f8ddcc81b2850b7f000d0/pkg/cloud/cloud.go#L70-L95>
    /// - EBS parameters: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md>
    /// - EBS volume types: <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html>
    pub struct EbsParameterRange {
        code: "CSI004",
        name: "ebs-parameter-range",
        family: Csi,
        severity: Warning,
        fix: Sometimes,
        safety: Safe,
        summary: "An EBS StorageClass value outside the documented range, or a deprecated EBS key",
    }
}

impl Rule for EbsParameterRange {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let d = Driver::Ebs;
        let Some(sc) = StorageClass::of_driver(tree, obj, d) else {
            return;
        };
        let row = d.row();
        let vtype = sc.value(d, "type").unwrap_or("gp3");
        if let Some(lim) = row.iops_limits.get(vtype) {
            if let Some(p) = sc.param(d, "iops")
                && let Some(Ok(n)) = p.value.map(|v| parse_go_int(v, 32))
            {
                let span = tree.span(p.value_node);
                if n < lim.min {
                    ctx.report(
                        span,
                        format!(
                            "{n} IOPS is below the {vtype} minimum of {}: CreateVolume fails",
                            lim.min
                        ),
                    )
                    .label(format!("at least {}", lim.min));
                } else if n > lim.max {
                    ctx.report(span, format!("{n} IOPS is above the {vtype} maximum of {} known to the driver: the volume may be capped or rejected", lim.max))
                        .label(format!("at most {}", lim.max));
                }
            }
            if let Some(p) = sc.param(d, "iopsPerGB")
                && let Some(Ok(n)) = p.value.map(|v| parse_go_int(v, 32))
                && n > 0
            {
                let span = tree.span(p.value_node);
                if n > lim.max_per_gib {
                    ctx.report(span, format!("iopsPerGB {n} is above the {vtype} ratio of {} IOPS per GiB: EC2 caps or rejects the request", lim.max_per_gib))
                        .label(format!("at most {}", lim.max_per_gib));
                } else if n * 100 < lim.min
                    && sc.value(d, "allowAutoIOPSPerGBIncrease") != Some("true")
                {
                    let min_gib = (lim.min + n - 1) / n;
                    ctx.report(span, format!("with iopsPerGB {n}, claims smaller than {min_gib} GiB ask for fewer than the {vtype} minimum of {} IOPS and fail to provision", lim.min))
                        .label("too low for small claims")
                        .help("add `allowAutoIOPSPerGBIncrease: \"true\"` to raise small volumes to the minimum");
                }
            }
        }
        for p in &sc.params {
            let lower = p.key.to_ascii_lowercase();
            if lower == "blockexpress" {
                ctx.report(tree.span(p.key_node), "`blockExpress` is deprecated and ignored: every io2 volume is Block Express now")
                    .label("ignored");
            } else if lower == "fstype" {
                let span = tree.span(p.key_node);
                ctx.report(span, format!("`{}` is deprecated for the EBS CSI driver: use `csi.storage.k8s.io/fstype`", p.key))
                    .label("deprecated key")
                    .fix(Fix {
                        title: "rename to `csi.storage.k8s.io/fstype`".into(),
                        edits: vec![Edit { span, replacement: "csi.storage.k8s.io/fstype".into() }],
                        applicability: Applicability::Safe,
                    });
            }
        }
        if let Some(p) = sc.param(d, "kmsKeyId")
            && let Some(v) = p.value
            && !v.is_empty()
            && !crate::support::placeholder::is_placeholder(v)
        {
            let ok =
                Arn::parse(v).is_some_and(|a| a.service == "kms" && a.resource.starts_with("key/"));
            if !ok {
                ctx.report(tree.span(p.value_node), format!("`kmsKeyId` should be a full KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`), not `{v}`"))
                    .label("not a key ARN")
                    .help("aliases and bare key IDs are resolved in the driver's account and region only, and break snapshot clones and cross-account keys");
            }
        }
    }
}
