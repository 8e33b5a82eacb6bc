//! A pod's Fargate size: the vCPU and memory Fargate provisions for it, from its containers'
//! requests (a request Kubernetes defaults from the limit when only the limit is set).
//!
//! Fargate takes the larger of the biggest init container and the sum of the long-running
//! containers (sidecars, init containers with `restartPolicy: Always`, count with these), adds
//! 256 MiB for the kubelet, kube-proxy and containerd, and rounds up to the first vCPU and
//! memory combination of its table that holds both.

use ekslint_manifest::{NodeId, Tree};

use super::table::{FARGATE, Size};

/// One resource's request of a pod, with the container value that weighs most.
#[derive(Clone, Copy, Debug, Default)]
pub struct Demand {
    /// Millicores for `cpu`, bytes for memory and storage.
    pub amount: f64,
    /// The request (or limit) node of the container that contributes most.
    pub node: Option<NodeId>,
}

/// A container's request of `resource`: `requests`, else `limits` (the API server copies a
/// limit into a missing request). `Err` when the value is not a quantity.
fn request(tree: &Tree, container: NodeId, resource: &str) -> Result<Option<(f64, NodeId)>, ()> {
    for section in ["requests", "limits"] {
        if let Some(n) = tree.path(container, &["resources", section, resource]) {
            let text = tree.scalar_text(n).ok_or(())?;
            return quantity(text).map(|q| Some((q, n))).ok_or(());
        }
    }
    Ok(None)
}

/// A Kubernetes quantity as a number (cores for CPU, bytes for memory): `250m`, `0.5`, `1Gi`,
/// `512M`, `1e3`.
pub fn quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => return None,
    };
    (n.is_finite() && n >= 0.0).then_some(n * mult)
}

/// The pod's request of `resource` as Fargate (and the scheduler) add it up. `None` when a
/// value is not a quantity (a template placeholder, say): the pod is not judged.
pub fn demand(tree: &Tree, pod_spec: NodeId, resource: &str) -> Option<Demand> {
    let mut long = Demand::default();
    let mut long_max = 0.0;
    let mut init = Demand::default();
    let items = |k: &str| {
        tree.get(pod_spec, k)
            .and_then(|l| tree.items(l))
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|&c| tree.is_map(c))
            .collect::<Vec<_>>()
    };
    for (c, is_init) in items("initContainers")
        .into_iter()
        .map(|c| (c, true))
        .chain(items("containers").into_iter().map(|c| (c, false)))
    {
        let sidecar = is_init
            && tree
                .get(c, "restartPolicy")
                .and_then(|n| tree.scalar_text(n))
                == Some("Always");
        let Some((amount, node)) = request(tree, c, resource).ok()? else {
            continue;
        };
        if is_init && !sidecar {
            if amount > init.amount {
                init = Demand {
                    amount,
                    node: Some(node),
                };
            }
        } else {
            long.amount += amount;
            if amount > long_max {
                long_max = amount;
                long.node = Some(node);
            }
        }
    }
    Some(if init.amount > long.amount {
        init
    } else {
        long
    })
}

/// A Fargate configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    pub vcpu: f64,
    pub memory_mib: u64,
}

impl std::fmt::Display for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let gb = self.memory_mib as f64 / 1024.0;
        write!(f, "{} vCPU and {} GB", trim(self.vcpu), trim(gb))
    }
}

/// `0.25`, `2`, `0.5`: no trailing zeros.
pub fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The configuration Fargate provisions for `millicores` and `memory_mib` (the overhead not yet
/// added), or `None` when no configuration is large enough.
pub fn provisioned(millicores: f64, memory_bytes: f64) -> Option<Config> {
    let need_mib = memory_bytes / (1024.0 * 1024.0) + FARGATE.overhead_mib as f64;
    FARGATE
        .sizes
        .iter()
        .find_map(|s| fits(s, millicores, need_mib))
}

fn fits(s: &Size, millicores: f64, need_mib: f64) -> Option<Config> {
    if (s.millicores() as f64) < millicores - 1e-6 {
        return None;
    }
    let m = s
        .memory_mib()
        .into_iter()
        .find(|&m| m as f64 >= need_mib - 1e-6)?;
    Some(Config {
        vcpu: s.vcpu,
        memory_mib: m,
    })
}

/// The smallest vCPU size that holds `millicores` alone.
pub fn vcpu_for(millicores: f64) -> Option<f64> {
    FARGATE
        .sizes
        .iter()
        .find(|s| s.millicores() as f64 >= millicores - 1e-6)
        .map(|s| s.vcpu)
}

/// The largest configuration.
pub fn largest() -> Config {
    let s = FARGATE.sizes.last().expect("the table has sizes");
    Config {
        vcpu: s.vcpu,
        memory_mib: *s.memory_mib().last().expect("sizes have memory"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

    #[test]
    fn the_documented_example_and_the_edges() {
        // "a request for 1 vCPU and 8 GB memory ... will provision ... 2 vCPUs and 9 GB"
        assert_eq!(
            provisioned(1000.0, 8.0 * GIB),
            Some(Config {
                vcpu: 2.0,
                memory_mib: 9 * 1024
            })
        );
        // No request: the smallest configuration.
        assert_eq!(
            provisioned(0.0, 0.0),
            Some(Config {
                vcpu: 0.25,
                memory_mib: 512
            })
        );
        assert_eq!(
            provisioned(250.0, 256.0 * 1024.0 * 1024.0),
            Some(Config {
                vcpu: 0.25,
                memory_mib: 512
            })
        );
        assert_eq!(
            provisioned(250.0, 257.0 * 1024.0 * 1024.0),
            Some(Config {
                vcpu: 0.25,
                memory_mib: 1024
            })
        );
        // 8 vCPU memory steps by 4 GB: 17 GB needs 20.
        assert_eq!(
            provisioned(8000.0, 17.0 * GIB - 256.0 * 1024.0 * 1024.0),
            Some(Config {
                vcpu: 8.0,
                memory_mib: 20 * 1024
            })
        );
        assert_eq!(
            provisioned(16000.0, 119.0 * GIB),
            Some(Config {
                vcpu: 16.0,
                memory_mib: 120 * 1024
            })
        );
        assert_eq!(provisioned(16000.0, 120.0 * GIB), None);
        assert_eq!(provisioned(17000.0, GIB), None);
        assert_eq!(vcpu_for(1000.0), Some(1.0));
        assert_eq!(
            largest(),
            Config {
                vcpu: 16.0,
                memory_mib: 120 * 1024
            }
        );
        assert_eq!(
            Config {
                vcpu: 0.25,
                memory_mib: 512
            }
            .to_string(),
            "0.25 vCPU and 0.5 GB"
        );
    }

    #[test]
    fn quantities_and_pod_demand() {
        assert_eq!(quantity("250m"), Some(0.25));
        assert_eq!(quantity("1Gi"), Some(GIB));
        assert_eq!(quantity("1e3"), Some(1000.0));
        assert_eq!(quantity("${CPU}"), None);
        let f = ekslint_manifest::parse_str(
            "p.yaml",
            "initContainers:\n- {name: i, resources: {requests: {cpu: '3'}}}\n- {name: s, restartPolicy: Always, resources: {limits: {cpu: 500m}}}\ncontainers:\n- {name: a, resources: {requests: {cpu: '1'}}}\n- {name: b, resources: {requests: {cpu: 1500m}}}\n",
        );
        let pod = f.documents[0].root.unwrap();
        let d = demand(&f.tree, pod, "cpu").unwrap();
        // Long-running: 1 + 1.5 + the 0.5 sidecar = 3, the same as the init container.
        assert_eq!(d.amount, 3.0);
        let bad = ekslint_manifest::parse_str(
            "p.yaml",
            "containers:\n- {name: a, resources: {requests: {cpu: '{{ .cpu }}'}}}\n",
        );
        assert!(demand(&bad.tree, bad.documents[0].root.unwrap(), "cpu").is_none());
    }
}
