//! The validator on small manifests, against the built-in table.

use ekslint_schema::{Problem, builtin, validate};

fn check(yaml: &str) -> Vec<(String, String)> {
    check_at(36, yaml)
}

fn check_at(minor: u32, yaml: &str) -> Vec<(String, String)> {
    let file = ekslint_manifest::parse_str("t.yaml", yaml);
    let obj = &file.objects[0];
    let tree = &file.tree;
    let reg = builtin::registry(minor);
    let id = reg
        .kind(obj.api_version(tree).unwrap(), obj.kind_str(tree).unwrap())
        .expect("known kind");
    let opts = ekslint_schema::Options {
        kind: obj.kind_str(tree).unwrap(),
        ..Default::default()
    };
    validate(reg, id, tree, obj.node, &opts)
        .violations
        .into_iter()
        .map(|v| {
            let text = yaml[v.span.range()].to_string();
            let what = match v.problem {
                Problem::UnknownField { suggestion, .. } => format!("unknown {suggestion:?}"),
                Problem::WrongType {
                    expected,
                    found,
                    detail,
                } => {
                    format!("type {expected} {found} {detail:?}")
                }
                Problem::Missing { field, null, .. } => format!("missing {field} {null}"),
                Problem::NotAllowed { value, .. } => format!("not allowed {value}"),
                Problem::Duplicate { key, effect, .. } => format!("duplicate {key} {effect:?}"),
                Problem::Constraint { message } => message,
                Problem::Cel { message, .. } => message,
            };
            (format!("{} @ {text}", v.path), what)
        })
        .collect()
}

#[test]
fn every_version_builds_and_the_data_files_name_real_fields() {
    for &v in builtin::versions() {
        let reg = builtin::registry(v);
        assert!(reg.kind("apps/v1", "Deployment").is_some(), "1.{v}");
        assert!(reg.kind("v1", "Pod").is_some(), "1.{v}");
    }
    for (ty, field, known) in builtin::data_references() {
        assert!(known, "{ty}.{field} is not in rules/schema/kubernetes.txt");
    }
    assert_eq!(builtin::table_for(20), builtin::versions()[0]);
    assert_eq!(builtin::table_for(99), *builtin::versions().last().unwrap());
}

#[test]
fn a_valid_deployment_has_no_problem() {
    let v = check(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          imagePullPolicy: IfNotPresent
          ports: [{containerPort: 80, protocol: TCP}]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 0.5, memory: 1Gi}
          env:
            - {name: A, value: x}
            - name: B
              valueFrom: {fieldRef: {fieldPath: metadata.name}}
",
    );
    assert_eq!(v, Vec::<(String, String)>::new());
}

#[test]
fn every_problem_of_a_deployment_is_found() {
    let v = check(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: \"2\"
  selector:
    matchLabels: {app: web}
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: web
          image: nginx
          imagePullPolicy: IfNotPresant
          resource: {}
          ports:
            - containerPort: 80
            - containerPort: 80
              name: http
          resources:
            limits: {memory: 1 GB}
        - name: web
          image: other
        - image: nameless
",
    );
    let expected = [
        ("spec.replicas @ \"2\"", "type a 32-bit integer string None"),
        (
            "spec.template.spec.restartPolicy @ OnFailure",
            "not allowed OnFailure",
        ),
        (
            "spec.template.spec.containers[0].imagePullPolicy @ IfNotPresant",
            "not allowed IfNotPresant",
        ),
        (
            "spec.template.spec.containers[0].resource @ resource",
            "unknown Some(\"resources\")",
        ),
        (
            "spec.template.spec.containers[0].ports[1] @ 80",
            "duplicate containerPort=80, protocol=TCP Warned",
        ),
        (
            "spec.template.spec.containers[0].resources.limits.memory @ 1 GB",
            "type a quantity (`500m`, `2Gi`, `1.5`) string Some(\"`1 GB` is not a quantity\")",
        ),
        (
            "spec.template.spec.containers[1] @ web",
            "duplicate name=web Rejected",
        ),
        (
            "spec.template.spec.containers[2] @ image",
            "missing name false",
        ),
    ];
    let mut v = v;
    v.sort();
    let mut e: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    e.sort();
    assert_eq!(v, e);
}
