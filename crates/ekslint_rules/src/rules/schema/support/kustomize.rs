//! Files that hold partial objects (Kustomize patches) by Kustomize's naming conventions, so
//! SCHEMA003 does not report what they leave out even when their kustomization is not part of
//! the input. A file that a kustomization *of the input* applies as a patch is recognised after
//! the whole input is read (the engine drops findings marked `unless_patch` on it, from
//! [`crate::index::Kustomization::patches_file`]); no rule reads the disk.

use std::path::{Component, Path};

/// Kustomize's conventions for patch files, for inputs without their kustomization: a file
/// whose name has the word `patch` (`patch.yaml`, `iam_for_sa_patch.yaml`, `patch-replicas.yaml`,
/// not `dispatcher.yaml`), or
/// any file in a `patches` directory or in an overlay (`overlays/<name>/`), where the files
/// beside the kustomization are the changes it makes to its base.
pub(crate) fn named_like_a_patch(p: &Path) -> bool {
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
}
