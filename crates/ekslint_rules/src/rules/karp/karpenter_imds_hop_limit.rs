use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Finds workloads that read the EC2 instance metadata service (IMDS) for something their
    /// manifest does not give them, when every Karpenter NodePool they can run on uses an
    /// EC2NodeClass whose IMDS hop limit is 1 (the v1 default). Today that is the AWS Load
    /// Balancer Controller without `--aws-vpc-id` (or `--aws-vpc-tags`). Which NodePools a pod
    /// can run on is read from its `karpenter.sh/nodepool` and `karpenter.k8s.aws/ec2nodeclass`
    /// selectors and the NodePools' taints; pods pinned to Fargate, Auto Mode or a managed node
    /// group, and `hostNetwork` pods, are left out. NodePools and classes may be in other files.
    ///
    /// ## Why is this bad?
    /// Karpenter v1 changed the default `httpPutResponseHopLimit` from 2 to 1 to "drop support for
    /// IMDS access from containers by default". A container on the pod network is one hop too
    /// far: its IMDSv2 token request gets no answer, and the Load Balancer Controller fails at
    /// start with `failed to get VPC ID ... failed to fetch VPC ID from instance metadata`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: default
    /// spec:
    ///   role: KarpenterNodeRole-my-cluster
    ///   amiSelectorTerms:
    ///     - alias: al2023@latest
    ///   subnetSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    /// ---
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeClassRef:
    ///         group: karpenter.k8s.aws
    ///         kind: EC2NodeClass
    ///         name: default
    ///       requirements:
    ///         - key: kubernetes.io/arch
    ///           operator: In
    ///           values: ["amd64"]
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: aws-load-balancer-controller
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {app: lbc}
    ///   template:
    ///     metadata:
    ///       labels: {app: lbc}
    ///     spec:
    ///       containers:
    ///         - name: controller
    ///           image: public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1
    ///           args: [--cluster-name=my-cluster]
    /// ```
    ///
    /// ## Use instead
    /// Tell the controller what it would ask IMDS (or set `metadataOptions.httpPutResponseHopLimit:
    /// 2` on the EC2NodeClass, which lets every pod reach the node's credentials).
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: aws-load-balancer-controller
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {app: lbc}
    ///   template:
    ///     metadata:
    ///       labels: {app: lbc}
    ///     spec:
    ///       containers:
    ///         - name: controller
    ///           image: public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1
    ///           args: [--cluster-name=my-cluster, --aws-vpc-id=vpc-0123456789abcdef0, --aws-region=eu-west-1]
    /// ```
    ///
    /// ## References
    /// - Karpenter v1 migration Changelog, "Defaults changed" (hop limit 2 → 1):
    ///   aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - Where the controller reads its VPC ID and region: kubernetes-sigs/aws-load-balancer-controller
    ///   `pkg/aws/cloud.go`; issue #3695 (AL2023 nodes with hop limit 1)
    pub struct KarpenterImdsHopLimit {
        code: "KARP019",
        name: "karpenter-imds-hop-limit",
        family: Karp,
        severity: Warning,
        fix: None,
        summary: "A workload that reads IMDS can only run on Karpenter nodes whose EC2NodeClass sets the IMDS hop limit to 1",
    }
}

impl Rule for KarpenterImdsHopLimit {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.karp;
        let profiles = &ctx.settings.fargate_profiles;
        let mut out = Vec::new();
        for pod in &facts.imds {
            if pod.host_network || pod.pins.elsewhere {
                continue;
            }
            let labels = pod.labels.iter().map(|(k, v)| (&**k, &**v));
            if profiles
                .iter()
                .any(|p| p.selecting(&pod.namespace, labels.clone()).is_some())
            {
                continue;
            }
            let candidates: Vec<_> = facts
                .pools
                .iter()
                .filter(|p| !p.is_auto_mode())
                .filter(|p| match &pod.pins.pools {
                    Some(names) => names.contains(&p.name),
                    None => p.taints.iter().all(|t| {
                        !matches!(&*t.effect, "NoSchedule" | "NoExecute")
                            || pod.tolerations.iter().any(|tol| tol.tolerates(t))
                    }),
                })
                .filter_map(|p| Some((p, facts.class_of(p)?)))
                .filter(|(_, c)| match &pod.pins.classes {
                    Some(names) => names.contains(&c.name),
                    None => true,
                })
                .collect();
            if candidates.is_empty() || candidates.iter().any(|(_, c)| c.hop_limit > 1) {
                continue;
            }
            let (pool, class) = candidates[0];
            let related = match &class.hop_loc {
                Some(l) => (
                    l.clone(),
                    format!(
                        "EC2NodeClass `{}` sets the hop limit to {}",
                        class.name, class.hop_limit
                    ),
                ),
                None => (
                    class.name_loc.clone(),
                    format!(
                        "EC2NodeClass `{}` keeps v1's default hop limit of 1",
                        class.name
                    ),
                ),
            };
            out.push((pod.clone(), pool.name.clone(), related));
        }
        for (pod, pool, (rl, rm)) in out {
            let f = ctx.report(
                pod.image_loc.file.clone(),
                pod.image_loc.span,
                format!(
                    "{} reads {} from IMDS, but the Karpenter nodes it can run on (NodePool `{pool}`) answer IMDS only one hop away, and a pod is two",
                    pod.consumer, pod.what
                ),
            );
            f.label("needs IMDS")
                .help(pod.help.to_string())
                .related(rl.file.clone(), rl.span, rm);
        }
    }
}
