//! The PORT family as a whole: fixes that apply cleanly, and a migration from GKE that gets
//! the findings it should, each once.

use crate::engine::{finish, lint_file};
use crate::selector::Selector;
use crate::settings::Settings;
use crate::version::KubeVersion;

/// Every PORT finding of `yaml` (as one file), as `(code, line, fix edits applied)`.
fn port_findings(yaml: &str) -> Vec<(String, u32, Option<String>)> {
    let file = ekslint_manifest::parse_str("t.yaml", yaml);
    let settings = Settings::only(KubeVersion::new(1, 36), &[Selector::parse("PORT").unwrap()]);
    let out = lint_file(&file, &settings);
    let report = finish(vec![out], Vec::new(), &settings);
    report
        .findings
        .iter()
        .map(|f| {
            let fixed = f.fix.as_ref().map(|fix| {
                let mut text = yaml.to_string();
                let mut edits = fix.edits.clone();
                edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
                for e in edits {
                    text.replace_range(e.span.range(), &e.replacement);
                }
                text
            });
            (
                f.rule.code.to_string(),
                file.source.line_col(f.span.start).line,
                fixed,
            )
        })
        .collect()
}

#[test]
fn deprecated_labels_are_renamed_in_place_keeping_quotes() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector:\n    \"beta.kubernetes.io/instance-type\": m5.large\n  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - topologyKey: 'failure-domain.beta.kubernetes.io/zone'\n        labelSelector: {matchLabels: {app: p}}\n  containers: [{name: c, image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/c:1}]\n";
    let found = port_findings(yaml);
    let fixed: Vec<&String> = found
        .iter()
        .filter(|(c, _, _)| c == "PORT011")
        .filter_map(|(_, _, f)| f.as_ref())
        .collect();
    assert_eq!(fixed.len(), 2, "{found:?}");
    assert!(fixed[0].contains("\"node.kubernetes.io/instance-type\": m5.large"));
    assert!(fixed[1].contains("topologyKey: 'topology.kubernetes.io/zone'"));
    // Applied, the rule has nothing left to say.
    for text in fixed {
        let again = port_findings(text);
        assert!(
            again.iter().filter(|(c, _, _)| c == "PORT011").count() == 1,
            "one of the two is still there until its own fix: {again:?}"
        );
    }
}

#[test]
fn a_duplicate_ga_key_gets_no_fix() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector:\n    kubernetes.io/os: linux\n    beta.kubernetes.io/os: linux\n  containers: [{name: c, image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/c:1}]\n";
    let found = port_findings(yaml);
    assert_eq!(found, vec![("PORT011".to_string(), 7, None)]);
}

#[test]
fn frozen_registry_fix_keeps_the_value_style() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: k8s.gcr.io/pause:3.9}\n  - {name: b, image: \"k8s.gcr.io/coredns/coredns:v1.11.1\"}\n  - name: c\n    image: >-\n      k8s.gcr.io/pause:3.9\n";
    let found: Vec<_> = port_findings(yaml)
        .into_iter()
        .filter(|(c, _, _)| c == "PORT020")
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found[0]
            .2
            .as_ref()
            .unwrap()
            .contains("image: registry.k8s.io/pause:3.9}")
    );
    assert!(
        found[1]
            .2
            .as_ref()
            .unwrap()
            .contains("image: \"registry.k8s.io/coredns/coredns:v1.11.1\"}")
    );
    assert_eq!(found[2].2, None, "a folded scalar is not rewritten");
}

/// A GKE manifest moved as is: every construct gets its one finding, on its line.
#[test]
fn a_gke_manifest_gets_each_finding_once() {
    let yaml = "\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  annotations:
    iam.gke.io/gcp-service-account: app@p.iam.gserviceaccount.com
---
apiVersion: v1
kind: Service
metadata:
  name: app
  annotations:
    networking.gke.io/load-balancer-type: Internal
    cloud.google.com/neg: '{\"ingress\": true}'
spec:
  type: LoadBalancer
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      serviceAccountName: app
      nodeSelector:
        cloud.google.com/gke-nodepool: pool-1
        failure-domain.beta.kubernetes.io/zone: us-central1-a
      containers:
      - name: app
        image: gcr.io/p/app:1
      volumes:
      - name: d
        hostPath: {path: /var/run/docker.sock}
";
    let mut got: Vec<(String, u32)> = port_findings(yaml)
        .into_iter()
        .map(|(c, l, _)| (c, l))
        .collect();
    got.sort();
    let want: Vec<(String, u32)> = [
        ("PORT001", 13),
        ("PORT007", 14),
        ("PORT009", 6),
        ("PORT010", 30),
        ("PORT011", 31),
        ("PORT012", 31),
        ("PORT017", 37),
        ("PORT019", 34),
    ]
    .iter()
    .map(|(c, l)| (c.to_string(), *l))
    .collect();
    assert_eq!(got, want);
}
