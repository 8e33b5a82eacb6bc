//! In-process benchmarks of the three stages of a run: parsing, the per-file rules, and the
//! cross-object pass. `cargo bench -p ekslint_rules` (see docs/performance.md).
//!
//! The input is one migration-style service bundle (ServiceAccount with an IRSA role, Deployment,
//! Service, Ingress with ALB annotations, claim, ConfigMap; the shape of `bench/gen_corpus.py`),
//! repeated with a different name per copy. The cross-object pass is measured at two sizes so a
//! step that is not linear shows as a drop in throughput.
//!
//! The `one file` group reads and lints a single file of 25,000 to 200,000 ConfigMaps, as
//! documents and as the items of one `kind: List` (the shapes of `bench/gen_single.py`):
//! throughput that drops as the file grows is a superlinear step.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ekslint_manifest::{Format, Limits, ParsedFile, SourceFile};
use ekslint_rules::rules::SetIndex;
use ekslint_rules::{KubeVersion, Settings};

const BUNDLE: &str = r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: NAME
  namespace: team-TEAM
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/NAME
    eks.amazonaws.com/sts-regional-endpoints: "true"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  namespace: team-TEAM
  labels:
    app.kubernetes.io/name: NAME
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: NAME
  template:
    metadata:
      labels:
        app.kubernetes.io/name: NAME
    spec:
      serviceAccountName: NAME
      securityContext:
        fsGroup: 65534
      containers:
      - name: NAME
        image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2
        ports:
        - name: http
          containerPort: 8080
        env:
        - name: AWS_REGION
          value: "eu-west-1"
        - name: LOG_LEVEL
          value: "info"
        resources:
          requests:
            cpu: 250m
            memory: 512Mi
        readinessProbe:
          httpGet:
            path: /healthz
            port: 8080
        volumeMounts:
        - name: data
          mountPath: /var/lib/app
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: NAME-data
---
apiVersion: v1
kind: Service
metadata:
  name: NAME
  namespace: team-TEAM
spec:
  selector:
    app.kubernetes.io/name: NAME
  ports:
  - name: http
    port: 80
    targetPort: http
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: NAME
  namespace: team-TEAM
  annotations:
    alb.ingress.kubernetes.io/scheme: internal
    alb.ingress.kubernetes.io/target-type: ip
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'
    alb.ingress.kubernetes.io/ssl-redirect: "443"
    alb.ingress.kubernetes.io/group.name: team-TEAM
    alb.ingress.kubernetes.io/healthcheck-path: /healthz
spec:
  ingressClassName: alb
  rules:
  - host: NAME.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: NAME
            port:
              number: 80
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: NAME-data
  namespace: team-TEAM
spec:
  storageClassName: gp3
  accessModes:
  - ReadWriteOnce
  resources:
    requests:
      storage: 20Gi
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: NAME-config
  namespace: team-TEAM
data:
  LOG_FORMAT: json
  application.properties: |
    server.port=8080
    cache.ttl=300
    feature.flags=alpha,bravo,charlie
"#;

const DOCUMENTS_PER_BUNDLE: u64 = 6;

fn bundle(i: usize) -> String {
    BUNDLE
        .replace("NAME", &format!("svc-{i:05}"))
        .replace("TEAM", &format!("{:02}", i % 40))
}

fn parse(path: String, text: String) -> ParsedFile {
    ekslint_manifest::parse(
        Arc::new(SourceFile::new(path, text)),
        Format::Yaml,
        &Limits::default(),
    )
}

fn settings() -> Settings {
    Settings::new(KubeVersion::new(1, 33))
}

fn parsing(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    let one = bundle(0);
    g.throughput(Throughput::Bytes(one.len() as u64));
    g.bench_function("service bundle (6 documents)", |b| {
        b.iter(|| parse("a.yaml".into(), black_box(one.clone())))
    });
    let large: String = (0..500).map(bundle).collect::<Vec<_>>().join("---\n");
    g.throughput(Throughput::Bytes(large.len() as u64));
    g.bench_function("one file of 3,000 documents", |b| {
        b.iter(|| parse("big.yaml".into(), black_box(large.clone())))
    });
    g.finish();
}

fn per_file(c: &mut Criterion) {
    let mut g = c.benchmark_group("per-file rules");
    let s = settings();
    let file = parse("a.yaml".into(), bundle(0));
    g.throughput(Throughput::Elements(DOCUMENTS_PER_BUNDLE));
    g.bench_function("every rule on a service bundle", |b| {
        b.iter(|| ekslint_rules::lint_file(black_box(&file), &s))
    });
    g.bench_function("facts of a service bundle", |b| {
        b.iter(|| SetIndex::of_file(black_box(&file)))
    });
    g.finish();
}

fn cross_object(c: &mut Criterion) {
    let mut g = c.benchmark_group("cross-object pass");
    g.sample_size(20);
    let s = settings();
    for files in [500usize, 5_000] {
        // Each file's facts, as the per-file pass leaves them; merged and checked per iteration.
        let per_file: Vec<SetIndex> = (0..files)
            .map(|i| SetIndex::of_file(&parse(format!("team/svc-{i:05}.yaml"), bundle(i))))
            .collect();
        g.throughput(Throughput::Elements(files as u64 * DOCUMENTS_PER_BUNDLE));
        g.bench_function(format!("merge and run set rules, {files} files"), |b| {
            b.iter_batched(
                || per_file.clone(),
                |mut parts| {
                    let mut index = SetIndex::default();
                    for p in &mut parts {
                        index.append(p);
                    }
                    ekslint_rules::engine::run_set_rules(&index, &s)
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

/// One ConfigMap of `bench/gen_single.py`, indented for a List item when `item`.
fn config_map(i: usize, item: bool) -> String {
    let timeout = if i % 500 == 7 {
        format!("{}", i % 60 + 1)
    } else {
        format!("\"{}\"", i % 60 + 1)
    };
    let lines = [
        "apiVersion: v1".to_string(),
        "kind: ConfigMap".to_string(),
        "metadata:".to_string(),
        format!("  name: settings-{i:06}"),
        format!("  namespace: team-{:02}", i % 40),
        "  labels:".to_string(),
        format!("    app.kubernetes.io/name: svc-{i:06}"),
        "data:".to_string(),
        "  LOG_LEVEL: info".to_string(),
        format!("  TIMEOUT_SECONDS: {timeout}"),
        "  application.properties: |".to_string(),
        format!("    server.port={}", 8000 + i % 1000),
        "    cache.ttl=300".to_string(),
        "    feature.flags=alpha,bravo,charlie".to_string(),
    ];
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        out.push_str(match (item, n) {
            (false, _) => "",
            (true, 0) => "  - ",
            (true, _) => "    ",
        });
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn one_file(shape: &str, count: usize) -> String {
    if shape == "documents" {
        (0..count)
            .map(|i| config_map(i, false))
            .collect::<Vec<_>>()
            .join("---\n")
    } else {
        let mut text =
            "apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n".to_string();
        for i in 0..count {
            text.push_str(&config_map(i, true));
        }
        text
    }
}

fn single_file(c: &mut Criterion) {
    let mut g = c.benchmark_group("one file");
    g.sample_size(10);
    let s = settings();
    let limits = Limits::default();
    for shape in ["documents", "list"] {
        for count in [25_000usize, 50_000, 100_000, 200_000] {
            let text = one_file(shape, count);
            g.throughput(Throughput::Elements(count as u64));
            g.bench_function(format!("{shape}, {count}: parse and per-file rules"), |b| {
                b.iter(|| {
                    let file = ekslint_manifest::parse(
                        Arc::new(SourceFile::new("big.yaml", black_box(text.clone()))),
                        Format::Yaml,
                        &limits,
                    );
                    ekslint_rules::lint_file(&file, &s)
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, parsing, per_file, cross_object, single_file);
criterion_main!(benches);
