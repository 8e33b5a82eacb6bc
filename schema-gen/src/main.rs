//! Generates `rules/schema/kubernetes.txt`, ekslint's table of the Kubernetes API schema, from
//! k8s-openapi: one `dump` build per Kubernetes version (k8s-openapi compiles one version at a
//! time), then a merge that deduplicates across versions. See docs/schema.md.
//!
//! ```text
//! cargo run --manifest-path schema-gen/Cargo.toml             # regenerate
//! cargo run --manifest-path schema-gen/Cargo.toml -- --check  # fail if the table is stale
//! cargo run --manifest-path schema-gen/Cargo.toml -- crds MIRROR  # restate the bundled CRDs
//! ```

mod crds;
mod merge;

use std::path::{Path, PathBuf};
use std::process::Command;

const VERSIONS: &[u32] = &[33, 34, 35, 36, 37];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("dump") => dump(Path::new(&args[1])),
        Some("crds") => crds::restate(&repo_root(), Path::new(args.get(1).expect("crds MIRROR"))),
        None | Some("--check") => drive(!args.is_empty()),
        Some(other) => {
            eprintln!("usage: schema-gen [--check] | dump FILE (unknown argument `{other}`)");
            std::process::exit(2);
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Build and run `dump` once per version, then merge the dumps into the table.
fn drive(check: bool) {
    let root = repo_root();
    let target = root.join("target").join("schema-gen");
    let mut dumps = Vec::new();
    for v in VERSIONS {
        let file = target.join(format!("v1_{v}.json"));
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["run", "--quiet", "--locked", "--manifest-path"])
            .arg(root.join("schema-gen").join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            .args(["--features", &format!("v1_{v}"), "--", "dump"])
            .arg(&file)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "dump for 1.{v} failed");
        let text = std::fs::read_to_string(&file).unwrap();
        dumps.push(serde_json::from_str::<serde_json::Value>(&text).unwrap());
    }
    let table = merge::merge(&dumps);
    let path = root.join("rules").join("schema").join("kubernetes.txt");
    if check {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != table {
            eprintln!(
                "{} is not what the generator produces; run `cargo run --manifest-path schema-gen/Cargo.toml`",
                path.display()
            );
            std::process::exit(1);
        }
        eprintln!("{} is up to date", path.display());
    } else {
        std::fs::write(&path, table).unwrap();
        eprintln!("wrote {}", path.display());
    }
}

#[cfg(not(any(
    feature = "v1_33",
    feature = "v1_34",
    feature = "v1_35",
    feature = "v1_36",
    feature = "v1_37"
)))]
fn dump(_: &Path) {
    panic!("`dump` needs one version feature (the driver passes it)");
}

/// Write the schema of every resource type of this build's Kubernetes version, with the
/// definitions they reference.
#[cfg(any(
    feature = "v1_33",
    feature = "v1_34",
    feature = "v1_35",
    feature = "v1_36",
    feature = "v1_37"
))]
fn dump(out: &Path) {
    use k8s_openapi::Resource;
    use schemars::JsonSchema;

    fn resource<T: Resource + JsonSchema>(
        generator: &mut schemars::SchemaGenerator,
        kinds: &mut Vec<serde_json::Value>,
    ) {
        generator.subschema_for::<T>();
        kinds.push(serde_json::json!([
            T::GROUP,
            T::VERSION,
            T::KIND,
            T::schema_name()
        ]));
    }

    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut kinds = Vec::new();
    include!(concat!(env!("OUT_DIR"), "/resources.rs"));
    let definitions = generator.take_definitions(true);
    let version = k8s_version();
    let dump = serde_json::json!({
        "version": version,
        "kinds": kinds,
        "definitions": definitions,
    });
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(out, serde_json::to_string_pretty(&dump).unwrap()).unwrap();
}

#[cfg(any(
    feature = "v1_33",
    feature = "v1_34",
    feature = "v1_35",
    feature = "v1_36",
    feature = "v1_37"
))]
#[allow(clippy::needless_late_init)]
fn k8s_version() -> &'static str {
    let v: &'static str;
    k8s_openapi::k8s_if_1_33! { v = "1.33"; }
    k8s_openapi::k8s_if_1_34! { v = "1.34"; }
    k8s_openapi::k8s_if_1_35! { v = "1.35"; }
    k8s_openapi::k8s_if_1_36! { v = "1.36"; }
    k8s_openapi::k8s_if_1_37! { v = "1.37"; }
    v
}
