use ekslint_manifest::Object;

use super::support::{Driver, StorageClass, quoted};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;
use crate::support::go::{IntError, parse_go_int};

declare_rule! {
    /// ## What it does
    /// Checks the EBS volume type and performance parameters of an `ebs.csi.aws.com`
    /// StorageClass together:
    /// - `type` is one of `gp3`, `gp2`, `io1`, `io2`, `sc1`, `st1`, `standard`, in lowercase;
    /// - `io1`/`io2` have `iops` or `iopsPerGB`; not both are given;
    /// - `iops`/`iopsPerGB` only with `io1`, `io2` or `gp3`; `throughput` only with `gp3`
    ///   (the default when `type` is omitted);
    /// - `iops`, `iopsPerGB`, `throughput`, `volumeInitializationRate` are base-10 32-bit integers.
    ///
    /// ## Why is this bad?
    /// Each of these fails CreateVolume (in the driver: `Could not parse invalid iops`,
    /// `specify either IOPS or IOPSPerGb, not both`; in EC2: IOPS are required for io1/io2 and
    /// not supported for gp2/sc1/st1/standard, throughput is gp3-only). The claim stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: fast
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: IO2
    ///   throughput: "500"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: fast
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: io2
    ///   iopsPerGB: "100"
    /// ```
    ///
    /// ## References
    /// - Parameter loop: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/429e202e589798e55c0f8ddcc81b2850b7f000d0/pkg/driver/controller.go#L141-L229>
    /// - Types and IOPS rules: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/429e202e589798e55c0f8ddcc81b2850b7f000d0/pkg/cloud/cloud.go#L70-L95>
    /// - EBS parameters: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md>
    /// - EC2 CreateVolume: <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html>
    pub struct EbsVolumeType {
        code: "CSI003",
        name: "ebs-volume-type",
        family: Csi,
        severity: Error,
        fix: Sometimes,
        safety: Safe,
        summary: "An EBS volume type, IOPS or throughput combination that CreateVolume rejects",
    }
}

impl Rule for EbsVolumeType {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(sc) = StorageClass::of_driver(tree, obj, Driver::Ebs) else {
            return;
        };
        let d = Driver::Ebs;
        let types = &d.row().param("type").expect("type row").values;
        // Integers.
        for key in [
            "iops",
            "iopsPerGB",
            "throughput",
            "volumeInitializationRate",
        ] {
            let Some(p) = sc.param(d, key) else { continue };
            let Some(v) = tree.scalar_text(p.value_node) else {
                continue;
            };
            if let Err(e) = parse_go_int(v, 32) {
                let why = match e {
                    IntError::Syntax => "not a base-10 integer",
                    IntError::Range => "outside the 32-bit integer range",
                };
                ctx.report(
                    tree.span(p.value_node),
                    format!(
                        "`{}: {v}` is {why}: CreateVolume fails with `Could not parse invalid {}`",
                        p.key,
                        key.to_ascii_lowercase()
                    ),
                )
                .label(why)
                .help("write a plain number in quotes, e.g. \"3000\" (no units)");
            }
        }
        // The type.
        let type_param = sc.param(d, "type");
        let mut vtype = "gp3";
        if let Some(p) = type_param
            && let Some(t) = tree.scalar_text(p.value_node)
        {
            if types.iter().any(|x| x == t) {
                vtype = t;
            } else {
                let span = tree.span(p.value_node);
                let lower = t.to_ascii_lowercase();
                if let Some(ok) = types.iter().find(|x| **x == lower) {
                    ctx.report(
                        span,
                        format!("EBS volume type `{t}` must be lowercase: EC2 rejects `{t}` and the claim stays Pending"),
                    )
                    .label(format!("write `{ok}`"))
                    .fix(Fix {
                        title: format!("write `{ok}`"),
                        edits: vec![Edit {
                            span,
                            replacement: quoted(ok),
                        }],
                        applicability: Applicability::Safe,
                    });
                    vtype = ok;
                } else {
                    ctx.report(
                        span,
                        format!(
                            "`{t}` is not an EBS volume type ({}): CreateVolume fails and the claim stays Pending",
                            types.join(", ")
                        ),
                    )
                    .label("unknown volume type");
                    return;
                }
            }
        }
        let iops = sc.param(d, "iops");
        let per_gb = sc.param(d, "iopsPerGB");
        let type_span = type_param.map(|p| tree.span(p.value_node));
        if matches!(vtype, "io1" | "io2")
            && iops.is_none()
            && per_gb.is_none()
            && let Some(span) = type_span
        {
            ctx.report(
                span,
                format!("an `{vtype}` volume needs provisioned IOPS: set `iops` or `iopsPerGB`; EC2 rejects CreateVolume without them"),
            )
            .label("no `iops` or `iopsPerGB`")
            .help("add e.g. `iopsPerGB: \"50\"` (IOPS = iopsPerGB × size in GiB) or `iops: \"3000\"`");
        }
        if let (Some(a), Some(b)) = (iops, per_gb) {
            let (first, second) = if a.key_node < b.key_node {
                (a, b)
            } else {
                (b, a)
            };
            ctx.report(
                tree.span(second.key_node),
                "`iops` and `iopsPerGB` are mutually exclusive: CreateVolume fails with `specify either IOPS or IOPSPerGb, not both`",
            )
            .label("remove one of the two")
            .with_label(tree.span(first.key_node), "also set here");
        }
        for p in [iops, per_gb].into_iter().flatten() {
            if !matches!(vtype, "io1" | "io2" | "gp3") {
                let f = ctx.report(
                    tree.span(p.key_node),
                    format!("`{}` is not supported for `{vtype}` volumes (only io1, io2 and gp3 take provisioned IOPS): EC2 rejects CreateVolume", p.key),
                );
                f.label(format!("not for {vtype}"));
                if let Some(s) = type_span {
                    f.with_label(s, "volume type");
                }
            }
        }
        if let Some(p) = sc.param(d, "throughput")
            && vtype != "gp3"
        {
            let f = ctx.report(
                tree.span(p.key_node),
                format!("`throughput` is only supported for gp3 volumes, not `{vtype}`: EC2 rejects CreateVolume"),
            );
            f.label("gp3 only");
            if let Some(s) = type_span {
                f.with_label(s, "volume type");
            }
        }
    }
}
