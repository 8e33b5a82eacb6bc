//! Files that hold partial objects (Kustomize patches), so SCHEMA003 does not report what they
//! leave out: files a kustomization lists as patches, in the file's directory or one of the
//! directories above it (Kustomize reads patches from below its root), and, for a patch whose
//! kustomization is not part of the input, files that Kustomize's conventions name as patches.
//! A kustomization is read once per directory, and only when an object lacks a required field.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

const NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// How many directories above a file a kustomization that lists it is looked for (its own
/// directory included): `overlays/prod/kustomization.yaml` listing `patches/cpu/limits.yaml`.
const LEVELS: usize = 4;

/// Is the file at `path` a patch: listed under `patches`, `patchesStrategicMerge` or
/// `patchesJson6902` by a kustomization in its directory or above, or named as one?
pub(crate) fn is_patch(path: &str) -> bool {
    let p = Path::new(path);
    let (Some(dir), Some(_)) = (p.parent(), p.file_name()) else {
        return false;
    };
    if named_like_a_patch(p) {
        return true;
    }
    let file = normalize(p);
    dir.ancestors().take(LEVELS).any(|d| {
        let d = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        patches_in(d).contains(&file)
    })
}

/// Kustomize's conventions for patch files, for inputs without their kustomization: a file
/// whose name has the word `patch` (`patch.yaml`, `iam_for_sa_patch.yaml`, `patch-replicas.yaml`,
/// not `dispatcher.yaml`), or
/// any file in a `patches` directory or in an overlay (`overlays/<name>/`), where the files
/// beside the kustomization are the changes it makes to its base.
fn named_like_a_patch(p: &Path) -> bool {
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let patch_word = |w: &str| {
        w.strip_prefix("patch")
            .is_some_and(|rest| rest == "es" || rest.bytes().all(|b| b.is_ascii_digit()))
    };
    if stem.split(['-', '_', '.', ' ']).any(patch_word) {
        return true;
    }
    p.parent().is_some_and(|d| {
        d.components()
            .any(|c| matches!(c, Component::Normal(n) if n == "patches" || n == "overlays"))
    })
}

fn patches_in(dir: &Path) -> Arc<HashSet<PathBuf>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<HashSet<PathBuf>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(dir).cloned()) {
        return hit;
    }
    let found = Arc::new(read(dir));
    if let Ok(mut c) = cache.lock() {
        c.insert(dir.to_path_buf(), found.clone());
    }
    found
}

fn read(dir: &Path) -> HashSet<PathBuf> {
    let mut out = HashSet::new();
    for name in NAMES {
        let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
            continue;
        };
        let file = ekslint_manifest::parse_str(name, &text);
        let tree = &file.tree;
        let Some(root) = file.documents.first().and_then(|d| d.root) else {
            continue;
        };
        let mut add = |node: Option<ekslint_manifest::NodeId>| {
            if let Some(rel) = node.and_then(|n| tree.as_str(n))
                && !rel.contains('\n')
            {
                out.insert(normalize(&dir.join(rel)));
            }
        };
        for key in ["patches", "patchesJson6902"] {
            for &item in tree
                .get(root, key)
                .and_then(|l| tree.items(l))
                .unwrap_or(&[])
            {
                add(tree.get(item, "path"));
            }
        }
        for &item in tree
            .get(root, "patchesStrategicMerge")
            .and_then(|l| tree.items(l))
            .unwrap_or(&[])
        {
            add(Some(item));
        }
    }
    out
}

/// `a/./b/../c.yaml` → `a/c.yaml`, lexically (the files need not exist).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_by_name_and_directory() {
        for p in [
            "a/patch.yaml",
            "config/controller/iam_for_sa_patch.yaml",
            "k8s/Patch-Replicas.yml",
            "config/crd/patches/cainjection_in_x.yaml",
            "k8s/overlays/prod/increase_replicas.yaml",
        ] {
            assert!(named_like_a_patch(Path::new(p)), "{p}");
        }
        for p in [
            "k8s/base/deployment.yaml",
            "dispatcher.yaml",
            "k8s/patchwork.yaml",
            "overlays.yaml",
            "patches.d/x/deployment.yaml",
        ] {
            assert!(!named_like_a_patch(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn a_kustomization_above_the_file_lists_it() {
        let root = std::env::temp_dir().join(format!("ekslint-kustomize-{}", std::process::id()));
        let sub = root.join("prod/changes/cpu");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(
            root.join("prod/kustomization.yaml"),
            "resources: [../base]\npatches:\n  - path: changes/cpu/limits.yaml\n",
        )
        .unwrap();
        let listed = sub.join("limits.yaml");
        let other = sub.join("requests.yaml");
        assert!(is_patch(&listed.to_string_lossy()));
        assert!(!is_patch(&other.to_string_lossy()));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
