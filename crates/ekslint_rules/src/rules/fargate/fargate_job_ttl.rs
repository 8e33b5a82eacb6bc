use ekslint_manifest::Object;

use super::support::{mark, placement};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds Jobs (and CronJobs that keep finished Jobs) that run on Fargate without
    /// `ttlSecondsAfterFinished`.
    ///
    /// A pod runs on Fargate when it requires `eks.amazonaws.com/compute-type: fargate` or a
    /// Fargate profile declared in `.ekslint.yaml` (`fargate-profiles:`, see
    /// docs/configuration.md) selects it; other pods are left alone.
    ///
    /// ## Why is this bad?
    /// A finished Job keeps its pods so that their logs can be read, and "with Fargate you will
    /// incur costs if you don't clean up the Job afterwards". `ttlSecondsAfterFinished` lets the
    /// TTL controller delete the Job and its pods once they finish.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: report
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: report
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: report
    /// spec:
    ///   ttlSecondsAfterFinished: 600
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: report
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "AWS Fargate considerations" (Jobs and the TTL controller):
    ///   awsdocs/amazon-eks-user-guide `latest/ug/nodes/fargate.adoc`
    pub struct FargateJobTtl {
        code: "FARGATE012",
        name: "fargate-job-ttl",
        family: Fargate,
        severity: Info,
        fix: None,
        summary: "A Job on Fargate without ttlSecondsAfterFinished keeps costing after it finishes",
    }
}

impl Rule for FargateJobTtl {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let job_spec = match obj.kind_str(tree) {
            Some("Job") => obj.get(tree, &["spec"]),
            Some("CronJob") => {
                // A CronJob that keeps no finished Job leaves no pods behind.
                let kept = |k: &str| {
                    obj.get(tree, &["spec", k])
                        .and_then(|n| tree.scalar_text(n))
                        .is_none_or(|v| v != "0")
                };
                if !kept("successfulJobsHistoryLimit") && !kept("failedJobsHistoryLimit") {
                    return;
                }
                obj.get(tree, &["spec", "jobTemplate", "spec"])
            }
            _ => return,
        };
        if obj.group(tree) != "batch" {
            return;
        }
        let Some(spec) = job_spec else { return };
        if tree.get(spec, "ttlSecondsAfterFinished").is_some() {
            return;
        }
        let Some(on) = placement::on_fargate(tree, obj, ctx.settings) else {
            return;
        };
        let at = obj.kind.map(|k| k.value).unwrap_or(obj.span);
        let f = ctx.report(
            at,
            format!(
                "finished pods of this Job stay, and cost, on Fargate until the Job is deleted; {}",
                on.describe()
            ),
        );
        f.label("no ttlSecondsAfterFinished")
            .help("set `ttlSecondsAfterFinished` (for a CronJob, in `spec.jobTemplate.spec`) so the Job and its pods are deleted once finished");
        mark(f, tree, obj, &on);
    }
}
