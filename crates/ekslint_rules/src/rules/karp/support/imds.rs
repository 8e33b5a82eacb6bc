//! Workloads that read the EC2 instance metadata service (IMDS) unless told otherwise: the
//! `imds_consumers` of `rules/karp/karpenter.yaml`. KARP019 (EC2NodeClass hop limit 1) and the
//! Fargate family (no IMDS on Fargate) share this.

use ekslint_manifest::{NodeId, Tree};

use super::table::{ImdsConsumer, ImdsNeed, KARPENTER};

/// A container of a known IMDS consumer and the needs it leaves to IMDS.
#[derive(Debug)]
pub struct Unmet {
    pub consumer: &'static ImdsConsumer,
    /// The container's `image` value.
    pub image: NodeId,
    /// Needs that neither a flag nor a variable of the container covers, and that no webhook
    /// may cover at admission.
    pub missing: Vec<&'static ImdsNeed>,
    /// Needs that a webhook may cover (the region with IRSA): named in the help only.
    pub maybe: Vec<&'static ImdsNeed>,
}

/// The repository's last path component of an image reference (`…/aws-load-balancer-controller`
/// of `public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1`).
pub fn image_name(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

/// The containers of a pod spec that belong to a known IMDS consumer and leave something to IMDS.
pub fn unmet(tree: &Tree, pod_spec: NodeId) -> Vec<Unmet> {
    let mut out = Vec::new();
    for c in ekslint_manifest::containers(tree, pod_spec) {
        let Some(image_node) = tree.get(c, "image") else {
            continue;
        };
        let Some(image) = tree.scalar_text(image_node) else {
            continue;
        };
        let name = image_name(image);
        let Some(consumer) = KARPENTER.imds_consumers.iter().find(|k| k.image == name) else {
            continue;
        };
        let args: Vec<&str> = ["command", "args"]
            .iter()
            .filter_map(|k| tree.get(c, k).and_then(|l| tree.items(l)))
            .flat_map(|items| items.iter().filter_map(|&i| tree.scalar_text(i)))
            .collect();
        let env: Vec<&str> = ekslint_manifest::env_vars(tree, c)
            .into_iter()
            .map(|(_, _, n)| n)
            .collect();
        let env_from = tree.get(c, "envFrom").is_some();
        let covered = |n: &ImdsNeed| {
            n.args_any.iter().any(|flag| {
                args.iter()
                    .any(|a| *a == flag || a.strip_prefix(flag.as_str()).is_some_and(|r| r.starts_with('=')))
            }) || n.env_any.iter().any(|v| env.contains(&v.as_str()))
                // Variables from a ConfigMap or Secret may be anything.
                || (env_from && !n.env_any.is_empty())
        };
        let (maybe, missing): (Vec<_>, Vec<_>) = consumer
            .needs
            .iter()
            .filter(|n| !covered(n))
            .partition(|n| n.supplied_by_webhook);
        if !missing.is_empty() {
            out.push(Unmet {
                consumer,
                image: image_node,
                missing,
                maybe,
            });
        }
    }
    out
}

impl Unmet {
    /// "the VPC ID" or "the VPC ID and the region".
    pub fn what(&self) -> String {
        let v: Vec<&str> = self.missing.iter().map(|n| n.what.as_str()).collect();
        v.join(" and ")
    }

    /// The flags that would tell the workload what it otherwise asks IMDS, every need included.
    pub fn help(&self) -> String {
        let mut parts: Vec<String> = self
            .missing
            .iter()
            .map(|n| format!("`{}` (Helm value `{}`)", n.args_any[0], n.helm_value))
            .collect();
        for n in &self.maybe {
            parts.push(format!(
                "`{}` (Helm value `{}`; not needed when IRSA or Pod Identity sets {})",
                n.args_any[0],
                n.helm_value,
                n.env_any.join("/")
            ));
        }
        format!("pass {} to {}", parts.join(" and "), self.consumer.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_balancer_controller_without_vpc_id() {
        let f = ekslint_manifest::parse_str(
            "t.yaml",
            "containers:\n- name: c\n  image: public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1\n  args: [--cluster-name=x]\n- name: d\n  image: x/aws-load-balancer-controller@sha256:ab\n  args: [--aws-vpc-id=vpc-1, --aws-region, eu-west-1]\n- name: e\n  image: nginx\n",
        );
        let root = f.documents[0].root.unwrap();
        let u = unmet(&f.tree, root);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].what(), "the VPC ID");
        assert_eq!(u[0].maybe.len(), 1);
        assert!(u[0].help().contains("--aws-vpc-id"), "{}", u[0].help());
        assert_eq!(image_name("registry:5000/a/b:1"), "b");
        assert_eq!(image_name("b"), "b");
    }
}
