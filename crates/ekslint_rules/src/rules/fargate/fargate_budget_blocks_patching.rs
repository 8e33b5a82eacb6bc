use super::support::facts::Budget;
use super::support::placement::profile_for;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds PodDisruptionBudgets that allow no eviction of pods that run on Fargate:
    /// `maxUnavailable: 0`, `minAvailable: 100%`, or a `minAvailable` as large as the replicas of
    /// the Deployment, StatefulSet or ReplicaSet it selects. Budgets and workloads may sit in
    /// different files. A pod runs on Fargate when it requires
    /// `eks.amazonaws.com/compute-type: fargate` or a Fargate profile declared in
    /// `.ekslint.yaml` (`fargate-profiles:`) selects it.
    ///
    /// ## Why is this bad?
    /// EKS patches Fargate by evicting its pods through the Eviction API, respecting their
    /// budgets, and "your PDB's minimum availability must be less than 100%". When the eviction
    /// keeps failing, "your existing Pods are deleted periodically": a budget that never allows
    /// an eviction does not protect the workload, it turns a rolling eviction into deletions.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: api
    /// spec:
    ///   maxUnavailable: 0
    ///   selector:
    ///     matchLabels: {app: api}
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       containers:
    ///         - name: api
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: api
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: {app: api}
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       nodeSelector:
    ///         eks.amazonaws.com/compute-type: fargate
    ///       containers:
    ///         - name: api
    ///           image: public.ecr.aws/docker/library/busybox:1.36
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "Set actions for AWS Fargate OS patching events": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/nodes/fargate-pod-patching.adoc`
    pub struct FargateBudgetBlocksPatching {
        code: "FARGATE017",
        name: "fargate-budget-blocks-patching",
        family: Fargate,
        severity: Warning,
        fix: None,
        summary: "A PodDisruptionBudget that allows no eviction of Fargate pods, so Fargate patching deletes them instead",
    }
}

impl Rule for FargateBudgetBlocksPatching {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.fargate;
        let settings = ctx.settings;
        let mut out = Vec::new();
        for b in &facts.budgets {
            if b.selector.is_empty() {
                continue;
            }
            let hit = facts.pods_in(&b.namespace).find(|p| {
                let on_fargate = p.fargate_selector.is_some()
                    || profile_for(
                        settings,
                        &p.namespace,
                        p.labels.iter().map(|(k, v)| (&**k, &**v)),
                    )
                    .is_some();
                let blocks = match b.kind {
                    Budget::Zero => true,
                    Budget::MinAvailable(n) => p.replicas.is_some_and(|r| n >= r),
                };
                on_fargate && blocks && b.selector.matches(&p.labels) == Some(true)
            });
            if let Some(p) = hit {
                out.push((
                    b.loc.clone(),
                    b.name.clone(),
                    p.what.clone(),
                    p.loc.clone(),
                    p.replicas,
                ));
            }
        }
        for (l, name, what, pl, replicas) in out {
            let f = ctx.report(
                l.file.clone(),
                l.span,
                format!("PodDisruptionBudget `{name}` allows no eviction of {what}, which runs on Fargate: when EKS patches Fargate and the evictions keep failing, it deletes the pods instead"),
            );
            f.label("no eviction allowed")
                .help("allow at least one pod to be evicted (`maxUnavailable: 1`, or a `minAvailable` below the replicas)")
                .related(
                    pl.file.clone(),
                    pl.span,
                    match replicas {
                        Some(r) => format!("{what}: {r} replica(s), on Fargate"),
                        None => format!("{what}, on Fargate"),
                    },
                );
        }
    }
}
