//! Lists every type of the enabled Kubernetes version that implements `k8s_openapi::Resource`,
//! by reading k8s-openapi's own source (found with `cargo metadata`), and writes the calls that
//! dump their schemas to `$OUT_DIR/resources.rs`. k8s-openapi has no list of its resources.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("resources.rs");
    let Some(version) = (33..=37).find(|v| std::env::var(format!("CARGO_FEATURE_V1_{v}")).is_ok())
    else {
        std::fs::write(&out, "").unwrap();
        return;
    };
    let src = k8s_openapi_src().join(format!("v1_{version}"));
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    let mut calls = String::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("impl crate::Resource for ") else {
                continue;
            };
            let ty: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // src/v1_37/api/core/v1/pod.rs → k8s_openapi::api::core::v1::Pod (types are
            // re-exported by their parent module).
            let rel = f.parent().unwrap().strip_prefix(&src).unwrap();
            let module: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            calls.push_str(&format!(
                "resource::<k8s_openapi::{}::{ty}>(&mut generator, &mut kinds);\n",
                module.join("::")
            ));
        }
    }
    std::fs::write(&out, format!("{{\n{calls}}}\n")).unwrap();
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// k8s-openapi's `src/`, from `cargo metadata` (works for registry, vendored and git sources).
fn k8s_openapi_src() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("Cargo.toml");
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pkg = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "k8s-openapi")
        .expect("k8s-openapi in the dependency graph");
    PathBuf::from(pkg["manifest_path"].as_str().unwrap())
        .parent()
        .unwrap()
        .join("src")
}
