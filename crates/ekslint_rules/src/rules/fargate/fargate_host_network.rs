use ekslint_manifest::Object;

use super::support::{mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds `hostNetwork: true` and container `ports[].hostPort` in pods that run on Fargate
    /// (pinned with `eks.amazonaws.com/compute-type: fargate`, or selected by a Fargate profile
    /// of `.ekslint.yaml`).
    ///
    /// ## Why is this bad?
    /// "Pods running on Fargate can't specify `HostPort` or `HostNetwork` in the Pod manifest."
    /// The pod is not scheduled. On Fargate each pod has its own VM and network interface, so it
    /// needs neither: reach it through a Service or directly by its IP.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: exporter
    /// spec:
    ///   nodeSelector:
    ///     eks.amazonaws.com/compute-type: fargate
    ///   containers:
    ///     - name: exporter
    ///       image: quay.io/prometheus/node-exporter:v1.8.2
    ///       ports:
    ///         - containerPort: 9100
    ///           hostPort: 9100
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: exporter
    /// spec:
    ///   nodeSelector:
    ///     eks.amazonaws.com/compute-type: fargate
    ///   containers:
    ///     - name: exporter
    ///       image: quay.io/prometheus/node-exporter:v1.8.2
    ///       ports:
    ///         - containerPort: 9100
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "AWS Fargate considerations": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/nodes/fargate.adoc`
    pub struct FargateHostNetwork {
        code: "FARGATE004",
        name: "fargate-host-network",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "hostNetwork or a hostPort in a pod that runs on Fargate",
    }
}

impl Rule for FargateHostNetwork {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(on) = placement::on_fargate(tree, obj, ctx.settings) else {
            return;
        };
        let pod = obj.pod_spec(tree).expect("on Fargate means a pod spec");
        let mut hits = Vec::new();
        if let Some(n) = tree.get(pod, "hostNetwork")
            && tree.scalar_text(n) == Some("true")
        {
            hits.push((n, "`hostNetwork`"));
        }
        for c in ekslint_manifest::containers(tree, pod) {
            for &p in tree
                .get(c, "ports")
                .and_then(|l| tree.items(l))
                .unwrap_or(&[])
            {
                if let Some(h) = tree.get(p, "hostPort")
                    && tree.scalar_text(h).is_some_and(|t| t != "0")
                {
                    hits.push((h, "a `hostPort`"));
                }
            }
        }
        for (n, what) in hits {
            let f = ctx.report(
                tree.span(n),
                format!("Fargate pods cannot use {what}; {}", on.describe()),
            );
            f.label("not on Fargate")
                .help("remove it: a Fargate pod has its own network interface, reach it through a Service");
            mark(f, tree, obj, &on);
        }
    }
}
