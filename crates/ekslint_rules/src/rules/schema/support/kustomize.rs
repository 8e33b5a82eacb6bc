//! Files that a kustomization in the same directory applies as patches: they hold partial
//! objects, so SCHEMA003 does not report what they leave out. The kustomization is read once
//! per directory, and only when an object of that directory lacks a required field.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

const NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Is the file at `path` listed under `patches`, `patchesStrategicMerge` or
/// `patchesJson6902` by a kustomization in its directory?
pub(crate) fn is_patch(path: &str) -> bool {
    let p = Path::new(path);
    let (Some(dir), Some(_)) = (p.parent(), p.file_name()) else {
        return false;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    patches_in(dir).contains(&normalize(p))
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
