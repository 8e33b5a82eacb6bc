//! Restate the CRDs ekslint bundles (`rules/schema/crds/`) from the upstream repositories:
//! the CRD without its prose (`description` fields), in a stable YAML layout, with the
//! repository, commit and path in a header. MIRROR holds one git directory per repository,
//! `MIRROR/<owner>+<name>/repo` (what ekslint's fetch tool writes) or a plain clone at
//! `MIRROR/<owner>/<name>`; the commit restated is that directory's HEAD.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// (repository, path in it, file written under rules/schema/crds/).
const SOURCES: &[(&str, &str, &str)] = &[
    (
        "kubernetes-sigs/aws-load-balancer-controller",
        "config/crd/bases/elbv2.k8s.aws_targetgroupbindings.yaml",
        "elbv2.k8s.aws_targetgroupbindings.yaml",
    ),
    (
        "kubernetes-sigs/aws-load-balancer-controller",
        "config/crd/bases/elbv2.k8s.aws_ingressclassparams.yaml",
        "elbv2.k8s.aws_ingressclassparams.yaml",
    ),
    (
        "aws/karpenter-provider-aws",
        "pkg/apis/crds/karpenter.sh_nodepools.yaml",
        "karpenter.sh_nodepools.yaml",
    ),
    (
        "aws/karpenter-provider-aws",
        "pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml",
        "karpenter.k8s.aws_ec2nodeclasses.yaml",
    ),
    (
        "kubernetes-csi/external-snapshotter",
        "client/config/crd/snapshot.storage.k8s.io_volumesnapshots.yaml",
        "snapshot.storage.k8s.io_volumesnapshots.yaml",
    ),
    (
        "kubernetes-csi/external-snapshotter",
        "client/config/crd/snapshot.storage.k8s.io_volumesnapshotclasses.yaml",
        "snapshot.storage.k8s.io_volumesnapshotclasses.yaml",
    ),
    (
        "kubernetes-csi/external-snapshotter",
        "client/config/crd/snapshot.storage.k8s.io_volumesnapshotcontents.yaml",
        "snapshot.storage.k8s.io_volumesnapshotcontents.yaml",
    ),
    (
        "aws/amazon-vpc-resource-controller-k8s",
        "config/crd/bases/vpcresources.k8s.aws_securitygrouppolicies.yaml",
        "vpcresources.k8s.aws_securitygrouppolicies.yaml",
    ),
];

pub fn restate(root: &Path, mirror: &Path) {
    let out_dir = root.join("rules").join("schema").join("crds");
    std::fs::create_dir_all(&out_dir).unwrap();
    for (repo, path, file) in SOURCES {
        let git = git_dir(mirror, repo);
        let commit = git_out(&git, &["rev-parse", "HEAD"]);
        let text = git_out(&git, &["show", &format!("HEAD:{path}")]);
        let parsed = ekslint_manifest::parse_str(path, &text);
        assert!(parsed.problems.is_empty(), "{repo}/{path} does not parse");
        let root_node = parsed.documents[0].root.expect("a document");
        let mut crd = parsed.tree.to_json(root_node);
        strip(&mut crd);
        let mut yaml = format!(
            "# Restated by schema-gen (`crds`) from {repo} @ {}\n# {path}\n# The upstream CRD without its descriptions; do not edit (docs/schema.md).\n",
            commit.trim()
        );
        emit(&crd, 0, &mut yaml, false);
        std::fs::write(out_dir.join(file), yaml).unwrap();
        eprintln!("wrote rules/schema/crds/{file}");
    }
}

fn git_dir(mirror: &Path, repo: &str) -> PathBuf {
    let fetched = mirror.join(repo.replace('/', "+")).join("repo");
    if fetched.exists() {
        fetched
    } else {
        mirror.join(repo)
    }
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?} in {}", dir.display());
    String::from_utf8(out.stdout).unwrap()
}

/// Drop prose: every `description` of a schema, and the generator's annotations.
fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("description").is_some_and(Value::is_string) {
                m.remove("description");
            }
            if let Some(ann) = m.get_mut("annotations").and_then(Value::as_object_mut) {
                ann.remove("controller-gen.kubebuilder.io/version");
            }
            for (_, x) in m.iter_mut() {
                strip(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

/// A block-style YAML rendering of JSON: strings always double-quoted (a JSON string is a
/// valid YAML double-quoted scalar, so no YAML 1.1 surprises), keys plain when safe.
fn emit(v: &Value, indent: usize, out: &mut String, in_list: bool) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            let mut first = true;
            for (k, x) in m {
                if !(first && in_list) {
                    out.push_str(&pad);
                }
                first = false;
                out.push_str(&key(k));
                out.push(':');
                match x {
                    Value::Object(o) if !o.is_empty() => {
                        out.push('\n');
                        emit(x, indent + 2, out, false);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        emit(x, indent, out, false);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&scalar(x));
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for x in a {
                out.push_str(&pad);
                out.push_str("- ");
                match x {
                    Value::Object(o) if !o.is_empty() => emit(x, indent + 2, out, true),
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        emit(x, indent + 2, out, false);
                    }
                    _ => {
                        out.push_str(&scalar(x));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !k.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    if plain {
        k.to_string()
    } else {
        serde_json::to_string(k).unwrap()
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => serde_json::to_string(other).unwrap(),
    }
}
