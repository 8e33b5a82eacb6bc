//! How much of what another platform left in real manifests the PORT family reports, measured
//! on `../shared/corpus/real` (public repositories' manifests, mostly GKE samples).
//!
//! The constructs are found here by a walk of every document that knows nothing of the rules'
//! code (any `nodeSelector` map, any `matchExpressions` item, any `provisioner`/`driver` value,
//! any `hostPath`, any ServiceAccount annotation), and one counts as reported when a PORT finding
//! starts on the exact line of its key or value. The issue that asked for the family counted
//! 56 GKE CSI driver uses, 226 GKE/AKS node-label pins, 11 Workload Identity ServiceAccounts, 6
//! Docker-socket mounts and 95 LoadBalancer Services without an AWS annotation; each kind must
//! be at least 95% reported. `cargo test --test port_corpus -- --nocapture` prints the figures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ekslint_manifest::{Format, Limits, NodeId, NodeKind, SourceFile, Tree};
use ekslint_rules::selector::Selector;
use ekslint_rules::{KubeVersion, Settings};

const CORPUS: &str = "../shared/corpus/real";

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The kinds of construct measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Construct {
    CsiDriver,
    NodeLabelPin,
    WorkloadIdentity,
    DockerSocket,
    PlainLoadBalancer,
}

fn foreign_label(key: &str) -> bool {
    ["cloud.google.com/", "kubernetes.azure.com/", "iam.gke.io/"]
        .iter()
        .any(|p| key.starts_with(p))
        || key == "agentpool"
}

fn foreign_driver(name: &str) -> bool {
    name.ends_with(".csi.storage.gke.io") || name.ends_with(".csi.azure.com")
}

fn text(tree: &Tree, n: NodeId) -> Option<&str> {
    tree.scalar_text(n)
}

/// Every construct of one document: `(kind, line)`.
fn constructs(tree: &Tree, src: &SourceFile, root: NodeId) -> Vec<(Construct, u32)> {
    let line = |n: NodeId| src.line_col(tree.span(n).start).line;
    let mut out = Vec::new();
    let kind = tree.get(root, "kind").and_then(|k| text(tree, k));
    if kind == Some("CustomResourceDefinition") {
        return out;
    }
    if kind == Some("ServiceAccount") {
        let anns = tree.path(root, &["metadata", "annotations"]);
        for (k, e) in tree.string_entries(anns) {
            if k == "iam.gke.io/gcp-service-account" || k == "azure.workload.identity/client-id" {
                out.push((Construct::WorkloadIdentity, line(e.key)));
            }
        }
    }
    if kind == Some("Service")
        && tree
            .path(root, &["spec", "type"])
            .and_then(|t| text(tree, t))
            == Some("LoadBalancer")
        && tree.path(root, &["spec", "loadBalancerClass"]).is_none()
    {
        let anns = tree.path(root, &["metadata", "annotations"]);
        if !tree
            .string_entries(anns)
            .iter()
            .any(|(k, _)| k.starts_with("service.beta.kubernetes.io/aws-load-balancer-"))
        {
            // Counted per Service: reported when any PORT finding is inside the object.
            out.push((Construct::PlainLoadBalancer, line(root)));
        }
    }
    let mut seen = BTreeSet::new();
    let mut stack = vec![(root, String::new())];
    while let Some((n, parent)) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        match tree.node(n).kind {
            NodeKind::Map(entries) => {
                for e in entries {
                    let Some(k) = text(tree, e.key) else { continue };
                    match k {
                        "nodeSelector" if tree.is_map(e.value) => {
                            for (label, le) in tree.string_entries(Some(e.value)) {
                                if foreign_label(label) {
                                    out.push((Construct::NodeLabelPin, line(le.key)));
                                }
                            }
                        }
                        "matchExpressions" => {
                            for &x in tree.items(e.value).unwrap_or(&[]) {
                                if let Some(kn) = tree.get(x, "key")
                                    && text(tree, kn).is_some_and(foreign_label)
                                {
                                    out.push((Construct::NodeLabelPin, line(kn)));
                                }
                            }
                        }
                        "provisioner" | "driver"
                            if text(tree, e.value).is_some_and(foreign_driver) =>
                        {
                            out.push((Construct::CsiDriver, line(e.value)));
                        }
                        "hostPath" if parent != "spec" => {
                            if let Some(p) = tree.get(e.value, "path")
                                && text(tree, p).is_some_and(|p| p.contains("docker.sock"))
                            {
                                out.push((Construct::DockerSocket, line(p)));
                            }
                        }
                        _ => {}
                    }
                    stack.push((e.value, k.to_string()));
                }
            }
            NodeKind::Seq(items) => {
                stack.extend(items.iter().map(|&i| (i, parent.clone())));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn port_reports_what_other_platforms_left_in_the_corpus() {
    let root = Path::new(CORPUS);
    assert!(
        root.is_dir(),
        "{CORPUS} is missing: this test measures the PORT family on the shared corpus beside the repository"
    );
    let settings = Settings::only(KubeVersion::new(1, 36), &[Selector::parse("PORT").unwrap()]);
    let mut outputs = Vec::new();
    // (file, construct, line, object span lines) for every construct found.
    let mut found: Vec<(String, Construct, u32, (u32, u32))> = Vec::new();
    for path in files(root) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path.to_string_lossy().replace('\\', "/");
        let source = Arc::new(SourceFile::new(name.clone(), text));
        let parsed = ekslint_manifest::parse(source, Format::from_path(&name), &Limits::default());
        // An object's lines run to the next object's start: its span can end early when its
        // last value is an alias (the alias's node is the anchored one, earlier in the file).
        let starts: Vec<u32> = parsed
            .objects
            .iter()
            .map(|o| parsed.source.line_col(o.span.start).line)
            .collect();
        for (i, o) in parsed.objects.iter().enumerate() {
            let next = starts.iter().copied().filter(|&s| s > starts[i]).min();
            let lines = (starts[i], next.map_or(u32::MAX, |n| n - 1));
            for (c, l) in constructs(&parsed.tree, &parsed.source, o.node) {
                found.push((name.clone(), c, l, lines));
            }
        }
        outputs.push(ekslint_rules::lint_file(&parsed, &settings));
    }
    let report = ekslint_rules::finish(outputs, Vec::new(), &settings);
    let mut at: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for f in &report.findings {
        at.entry(f.file.path.as_str())
            .or_default()
            .insert(f.file.line_col(f.span.start).line);
    }
    let mut totals: BTreeMap<Construct, (usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    for (file, c, line, (first, last)) in &found {
        let lines = at.get(file.as_str());
        let hit = match c {
            Construct::PlainLoadBalancer => {
                lines.is_some_and(|ls| ls.range(*first..=*last).next().is_some())
            }
            _ => lines.is_some_and(|ls| ls.contains(line)),
        };
        let t = totals.entry(*c).or_default();
        t.0 += 1;
        if hit {
            t.1 += 1;
        } else {
            missed.push(format!("{file}:{line} {c:?}"));
        }
    }
    let mut failures = Vec::new();
    for (c, (n, hit)) in &totals {
        let pct = *hit as f64 * 100.0 / *n as f64;
        eprintln!(
            "{c:?}: {hit} of {n} reported ({pct:.1}%; at the line of the key or value, a Service anywhere in it)"
        );
        if hit * 100 < n * 95 {
            failures.push(format!("{c:?}: only {hit} of {n}"));
        }
    }
    for m in missed.iter().take(20) {
        eprintln!("  not reported: {m}");
    }
    assert_eq!(
        totals.len(),
        5,
        "every kind of construct is in the corpus: {totals:?}"
    );
    assert!(failures.is_empty(), "{failures:?}");
}
