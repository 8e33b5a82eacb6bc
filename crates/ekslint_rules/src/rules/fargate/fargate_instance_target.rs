use super::support::facts::{PodFact, Targets};
use super::support::placement::profile_for;
use crate::context::SetCtx;
use crate::declare_rule;
use crate::index::Loc;
use crate::index::Namespace;
use crate::rule::Rule;
use crate::settings::Settings;

declare_rule! {
    /// ## What it does
    /// Finds load balancers that register **instance** targets in front of pods that run on
    /// Fargate: a `type: LoadBalancer` Service (the in-tree cloud provider always uses
    /// instances; the Load Balancer Controller does unless
    /// `aws-load-balancer-nlb-target-type: ip`), and ALB Ingresses whose target type for the
    /// backend Service is `instance` (the controller's default). The Service's selector is
    /// matched against the pods of the input, and a pod is on Fargate when it is pinned with
    /// `eks.amazonaws.com/compute-type: fargate` or a Fargate profile of `.ekslint.yaml`
    /// selects it. Services, Ingresses and pods may sit in different files.
    ///
    /// ## Why is this bad?
    /// "Network Load Balancers and Application Load Balancers can be used with Fargate with IP
    /// targets only." A Fargate pod is no EC2 instance the load balancer could register, so the
    /// pods behind it never receive traffic (the targets are missing or unhealthy).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerClass: service.k8s.aws/nlb
    ///   selector: {app: api}
    ///   ports:
    ///     - port: 443
    ///       targetPort: 8443
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
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
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerClass: service.k8s.aws/nlb
    ///   selector: {app: api}
    ///   ports:
    ///     - port: 443
    ///       targetPort: 8443
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
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
    /// - EKS user guide, "AWS Fargate considerations": awsdocs/amazon-eks-user-guide
    ///   `latest/ug/nodes/fargate.adoc`; "Route TCP and UDP traffic with Network Load Balancers"
    ///   and "Route application and HTTP traffic with Application Load Balancers"
    /// - The controller's target types: kubernetes-sigs/aws-load-balancer-controller
    ///   `docs/guide/service/annotations.md`, `docs/guide/ingress/annotations.md`
    pub struct FargateInstanceTarget {
        code: "FARGATE010",
        name: "fargate-instance-target",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "A load balancer with instance targets in front of pods that run on Fargate",
    }
}

/// How a pod in the facts is on Fargate: its selector, or a configured profile.
fn fargate_reason(settings: &Settings, p: &PodFact) -> Option<(Loc, String)> {
    if let Some(l) = &p.fargate_selector {
        return Some((l.clone(), format!("{} is pinned to Fargate", p.what)));
    }
    let labels = p.labels.iter().map(|(k, v)| (&**k, &**v));
    let (profile, _) = profile_for(settings, &p.namespace, labels)?;
    Some((
        p.loc.clone(),
        format!("Fargate profile `{}` selects {}", profile.name, p.what),
    ))
}

impl Rule for FargateInstanceTarget {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.fargate;
        let lbc = &ctx.index.lbc;
        let settings = ctx.settings;
        // The Fargate pods a Service selects (the first one names them all).
        let fargate_pods =
            |ns: &str, svc: &super::support::facts::ServiceFact| -> Option<(Loc, String, usize)> {
                if svc.selector.is_empty() {
                    return None;
                }
                let hits: Vec<(Loc, String)> = facts
                    .pods_in(ns)
                    .filter(|p| svc.selector.matches(&p.labels) == Some(true))
                    .filter_map(|p| fargate_reason(settings, p))
                    .collect();
                let n = hits.len();
                hits.into_iter().next().map(|(l, m)| (l, m, n))
            };
        let mut out: Vec<(Loc, String, &'static str, Loc, String)> = Vec::new();
        for svc in &facts.services {
            let Targets::Instance { why, loc } = &svc.lb else {
                continue;
            };
            let Some((pl, pm, _)) = fargate_pods(&svc.namespace, svc) else {
                continue;
            };
            out.push((
                loc.clone(),
                format!("Service `{}` gets a load balancer with instance targets ({why}), but its pods run on Fargate, which takes IP targets only", svc.name),
                "instance targets",
                pl,
                pm,
            ));
        }
        for ing in &lbc.ingresses {
            if !lbc.is_alb(ing) {
                continue;
            }
            for b in &ing.backends {
                let Some(lsvc) = lbc.service(&ing.namespace, &b.service) else {
                    continue;
                };
                let Some((tt, from)) = lbc.target_type(ing, lsvc) else {
                    continue;
                };
                if &*tt != "instance" {
                    continue;
                }
                let Some(svc) = facts.service(Namespace::as_text(ing.namespace.name()), &b.service)
                else {
                    continue;
                };
                let Some((pl, pm, _)) = fargate_pods(Namespace::as_text(ing.namespace.name()), svc)
                else {
                    continue;
                };
                out.push((
                    b.service_loc.clone(),
                    format!("the ALB registers instance targets for Service `{}` ({from}), but its pods run on Fargate, which takes IP targets only", b.service),
                    "instance targets",
                    pl,
                    pm,
                ));
            }
        }
        for (l, msg, label, pl, pm) in out {
            let f = ctx.report(l.file.clone(), l.span, msg);
            f.label(label)
                .help("use IP targets: `alb.ingress.kubernetes.io/target-type: ip` for an ALB, `service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip` (with the Load Balancer Controller) for an NLB")
                .related(pl.file.clone(), pl.span, pm);
        }
    }
}
