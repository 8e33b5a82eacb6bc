//! Shared helpers of the CSI rules: tables, views and parsers that several rules use.

pub mod facts;
pub mod table;

use ekslint_manifest::{NodeId, Object, Tree};

/// A CSI driver ekslint knows the parameters of: a row of `rules/csi/drivers.yaml`.
pub use table::DriverId as Driver;

impl Driver {
    /// The driver of a StorageClass `provisioner` or a PV `csi.driver` (the names are in the
    /// table's `provisioners`).
    pub fn of(name: &str) -> Option<Driver> {
        table::driver_of(name)
    }

    pub fn row(self) -> &'static table::DriverRow {
        table::driver(self)
    }

    pub fn service(self) -> &'static str {
        &self.row().service
    }
}

/// One `parameters` entry of a StorageClass.
#[derive(Clone, Copy, Debug)]
pub struct Param<'t> {
    pub key: &'t str,
    pub key_node: NodeId,
    pub value_node: NodeId,
    /// The value when Kubernetes reads it as a string; `None` for numbers, booleans, maps.
    pub value: Option<&'t str>,
}

/// The parts of a StorageClass the rules read.
#[derive(Clone, Debug)]
pub struct StorageClass<'t> {
    pub provisioner: &'t str,
    pub provisioner_node: NodeId,
    pub params: Vec<Param<'t>>,
}

impl<'t> StorageClass<'t> {
    /// The StorageClass view of an object, when it is one (`storage.k8s.io`, any version).
    pub fn of(tree: &'t Tree, obj: &Object) -> Option<StorageClass<'t>> {
        if obj.kind_str(tree)? != "StorageClass" || obj.group(tree) != "storage.k8s.io" {
            return None;
        }
        let provisioner_node = obj.get(tree, &["provisioner"])?;
        let provisioner = tree.scalar_text(provisioner_node)?;
        let mut params = Vec::new();
        if let Some(entries) = obj.get(tree, &["parameters"]).and_then(|p| tree.entries(p)) {
            for e in entries {
                let Some(key) = tree.scalar_text(e.key) else {
                    continue;
                };
                params.push(Param {
                    key,
                    key_node: e.key,
                    value_node: e.value,
                    value: tree.as_str(e.value),
                });
            }
        }
        Some(StorageClass {
            provisioner,
            provisioner_node,
            params,
        })
    }

    pub fn driver(&self) -> Option<Driver> {
        Driver::of(self.provisioner)
    }

    /// The StorageClass view of an object whose provisioner is `driver`'s CSI driver (the
    /// in-tree provisioner does not count).
    pub fn of_driver(tree: &'t Tree, obj: &Object, driver: Driver) -> Option<StorageClass<'t>> {
        StorageClass::of(tree, obj).filter(|sc| sc.driver() == Some(driver))
    }

    /// The last entry with this key as the driver matches keys (EBS: case-insensitively).
    pub fn param(&self, driver: Driver, key: &str) -> Option<Param<'t>> {
        let insensitive = driver.row().key_case == table::KeyCase::Insensitive
            && !key.starts_with("csi.storage.k8s.io/");
        self.params
            .iter()
            .rev()
            .find(|p| {
                if insensitive {
                    p.key.eq_ignore_ascii_case(key)
                } else {
                    p.key == key
                }
            })
            .copied()
    }

    /// The string value of a parameter (None when absent or not a string).
    pub fn value(&self, driver: Driver, key: &str) -> Option<&'t str> {
        self.param(driver, key).and_then(|p| p.value)
    }
}

/// `"value"` quoted for a YAML replacement.
pub fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

/// Kubernetes quantity → bytes (binary and decimal suffixes, plain numbers). `None` if unparsable.
pub fn quantity_bytes(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "m" => 1e-3,
        _ => return None,
    };
    Some(n * mult)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_quantities() {
        let keys = ["fileSystemId", "directoryPerms", "basePath"];
        assert_eq!(
            crate::support::suggest::closest("filesystemid", keys.iter().copied()),
            Some("fileSystemId")
        );
        assert_eq!(
            crate::support::suggest::closest("directoryPerm", keys.iter().copied()),
            Some("directoryPerms")
        );
        assert_eq!(
            crate::support::suggest::closest("zone", keys.iter().copied()),
            None
        );
        assert_eq!(quantity_bytes("10Gi"), Some(10.0 * 1024f64.powi(3)));
        assert_eq!(quantity_bytes("1.5Ti"), Some(1.5 * 1024f64.powi(4)));
        assert_eq!(quantity_bytes("5G"), Some(5e9));
        assert_eq!(quantity_bytes("abc"), None);
    }
}

/// A volume source of a Pod, pod template or PersistentVolume: its field name (`awsElasticBlockStore`),
/// key node and value node; `in_pv` for a PersistentVolume's `spec`.
#[derive(Clone, Copy, Debug)]
pub struct VolumeSource<'t> {
    pub field: &'t str,
    pub key: NodeId,
    pub value: NodeId,
    pub in_pv: bool,
}

/// Every volume source field of an object (Pod and workload `volumes[]`, PersistentVolume `spec`).
pub fn volume_sources<'t>(tree: &'t Tree, obj: &Object) -> Vec<VolumeSource<'t>> {
    let mut out = Vec::new();
    let kind = obj.kind_str(tree).unwrap_or("");
    if kind == "PersistentVolume" && obj.group(tree).is_empty() {
        if let Some(entries) = obj.get(tree, &["spec"]).and_then(|s| tree.entries(s)) {
            for e in entries {
                if let Some(field) = tree.scalar_text(e.key) {
                    out.push(VolumeSource {
                        field,
                        key: e.key,
                        value: e.value,
                        in_pv: true,
                    });
                }
            }
        }
        return out;
    }
    let Some(pod) = obj.pod_spec(tree) else {
        return out;
    };
    for &v in tree
        .get(pod, "volumes")
        .and_then(|l| tree.items(l))
        .unwrap_or(&[])
    {
        for e in tree.entries(v).unwrap_or(&[]) {
            if let Some(field) = tree.scalar_text(e.key)
                && field != "name"
            {
                out.push(VolumeSource {
                    field,
                    key: e.key,
                    value: e.value,
                    in_pv: false,
                });
            }
        }
    }
    out
}

/// An EFS (`fs-`) or access point (`fsap-`) ID: the prefix and 8 to 40 lowercase hex digits.
pub fn is_fs_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        (8..=40).contains(&h.len())
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}
