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
                    ..
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

#[test]
fn every_bundled_crd_compiles_with_all_its_cel_rules() {
    let mut total = 0;
    for b in ekslint_schema::bundled::all() {
        assert!(
            b.upstream.contains(" @ "),
            "{}: no upstream in its header",
            b.file
        );
        for v in b.crd.versions.iter().filter(|v| v.served) {
            assert!(v.schema.is_some(), "{} {}", b.file, v.name);
            if let Some(cel) = &v.cel {
                let (rules, broken) = cel.coverage();
                assert_eq!(
                    broken, 0,
                    "{} {}: rules kube-cel cannot compile",
                    b.file, v.name
                );
                total += rules;
            }
        }
    }
    // Karpenter NodePool (20) and EC2NodeClass (44), LBC IngressClassParams (1), the snapshot
    // CRDs (14): docs/schema.md gives the figures.
    assert_eq!(total, 79);
}

#[test]
fn a_bundled_crd_validates_its_custom_resource_with_cel() {
    let yaml = "apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: default
spec:
  role: r
  instanceProfile: p
  amiSelectorTerms:
    - alias: al2023@latest
  subnetSelectorTerms:
    - tags: {a: b}
  securityGroupSelectorTerms:
    - tags: {a: b}
  metadataOptions:
    httpTokens: sometimes
";
    let file = ekslint_manifest::parse_str("nc.yaml", yaml);
    let obj = &file.objects[0];
    let b = ekslint_schema::bundled::find("karpenter.k8s.aws", "EC2NodeClass").unwrap();
    let v = b.crd.version("karpenter.k8s.aws/v1").unwrap();
    let structural = validate(
        &b.crd.registry,
        v.schema.unwrap(),
        &file.tree,
        obj.node,
        &ekslint_schema::Options {
            kind: "EC2NodeClass",
            skip_root: &["apiVersion", "kind", "metadata"],
            strict_null: true,
            ..Default::default()
        },
    );
    let enums: Vec<_> = structural
        .violations
        .iter()
        .map(|v| (v.path.as_str(), &yaml[v.span.range()]))
        .collect();
    assert_eq!(enums, [("spec.metadataOptions.httpTokens", "sometimes")]);
    let cel = ekslint_schema::cel::violations(v.cel.as_deref().unwrap(), &file.tree, obj.node);
    let at: Vec<_> = cel
        .iter()
        .map(|v| (v.path.as_str(), &yaml[v.span.range()]))
        .collect();
    assert_eq!(at, [("spec", "spec")], "{cel:?}");
}

/// A CRD exercising the structural-schema extensions and value validations.
const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
spec:
  group: example.com
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              oneOf:
                - required: [a]
                - required: [b]
              properties:
                size: {type: integer, minimum: 1, maximum: 10}
                a: {type: string, pattern: '^[a-z]+$'}
                b: {type: string, nullable: true}
                port: {x-kubernetes-int-or-string: true}
                free: {type: object, x-kubernetes-preserve-unknown-fields: true}
                template:
                  type: object
                  x-kubernetes-embedded-resource: true
                  x-kubernetes-preserve-unknown-fields: true
                tags:
                  type: array
                  x-kubernetes-list-type: set
                  items: {type: string}
                rules:
                  type: array
                  x-kubernetes-list-type: map
                  x-kubernetes-list-map-keys: [name]
                  items:
                    type: object
                    properties:
                      name: {type: string}
                      mode: {type: string, enum: ['on', 'off']}
    - name: v0
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object}
";

fn check_crd(instance: &str) -> Vec<(String, String, String)> {
    let crd_file = ekslint_manifest::parse_str("crd.yaml", CRD);
    let crd = ekslint_schema::crd::compile(&crd_file.tree, crd_file.objects[0].node).unwrap();
    assert!(crd.schema_for("example.com/v0").is_none(), "not served");
    let file = ekslint_manifest::parse_str("thing.yaml", instance);
    let obj = &file.objects[0];
    let id = crd
        .schema_for(obj.api_version(&file.tree).unwrap())
        .unwrap();
    let out = validate(
        &crd.registry,
        id,
        &file.tree,
        obj.node,
        &ekslint_schema::Options {
            kind: "Thing",
            skip_root: &["apiVersion", "kind", "metadata"],
            strict_null: true,
            ..Default::default()
        },
    );
    out.violations
        .into_iter()
        .map(|v| {
            let kind = match v.problem {
                Problem::UnknownField { .. } => "unknown".to_string(),
                Problem::WrongType { found, .. } => format!("type {found}"),
                Problem::Missing { field, .. } => format!("missing {field}"),
                Problem::NotAllowed { value, .. } => format!("enum {value}"),
                Problem::Duplicate { key, .. } => format!("duplicate {key}"),
                Problem::Constraint { message } => message,
                Problem::Cel { message, .. } => message,
            };
            (v.path, instance[v.span.range()].to_string(), kind)
        })
        .collect()
}

#[test]
fn a_valid_custom_resource_passes() {
    let v = check_crd(
        "apiVersion: example.com/v1
kind: Thing
metadata: {name: t}
spec:
  size: 3
  a: abc
  port: http
  free: {anything: [1, 2]}
  template: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {}}
  tags: [red, blue]
  rules:
    - {name: r1, mode: 'on'}
    - {name: r2}
",
    );
    assert_eq!(v, Vec::<(String, String, String)>::new());
}

#[test]
fn every_problem_of_a_custom_resource_is_found() {
    let mut v = check_crd(
        "apiVersion: example.com/v1
kind: Thing
metadata: {name: t}
spec:
  size: 11
  a: ABC
  b: x
  port: 1.5
  colour: red
  template: {metadata: {name: p}}
  tags: [red, red]
  rules:
    - {name: r1, mode: maybe}
    - {name: r1}
",
    );
    v.sort();
    let mut want = vec![
        (
            "spec",
            "spec",
            "matches 2 of the schemas of its `oneOf`; exactly one must match",
        ),
        (
            "spec.a",
            "ABC",
            "`ABC` does not match the pattern `^[a-z]+$`",
        ),
        ("spec.colour", "colour", "unknown"),
        ("spec.port", "1.5", "type number"),
        ("spec.rules[0].mode", "maybe", "enum maybe"),
        ("spec.rules[1]", "r1", "duplicate name=r1"),
        (
            "spec.size",
            "11",
            "11 is out of range: it must be at most 10",
        ),
        ("spec.tags[1]", "red", "duplicate red"),
        ("spec.template", "template", "missing apiVersion"),
        ("spec.template", "template", "missing kind"),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect::<Vec<_>>();
    want.sort();
    assert_eq!(v, want);
}

#[test]
fn nested_one_of_does_not_explode() {
    // 14 levels of a two-branch oneOf whose branches both nest the next level (aliases keep
    // the text small): trying every branch at every level would take 2^14 validations each.
    let mut defs = String::from("      l0: &l0 {type: string}\n");
    for i in 1..=14 {
        defs.push_str(&format!(
            "      l{i}: &l{i} {{oneOf: [*l{}, *l{}]}}\n",
            i - 1,
            i - 1
        ));
    }
    let crd = format!(
        "x-defs:\n{defs}apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: xs.e.com}}\nspec:\n  group: e.com\n  names: {{kind: X, plural: xs}}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec: *l14\n"
    );
    let file = ekslint_manifest::parse_str("crd.yaml", &crd);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let Some(c) = ekslint_schema::crd::compile(&file.tree, file.objects[0].node) else {
        panic!("compiles");
    };
    // Shared nodes compiled once: a few dozen schemas, not 2^14.
    assert!(
        c.registry.schemas.len() < 100,
        "{}",
        c.registry.schemas.len()
    );
    let inst = ekslint_manifest::parse_str("x.yaml", "apiVersion: e.com/v1\nkind: X\nspec: 3\n");
    let out = validate(
        &c.registry,
        c.schema_for("e.com/v1").unwrap(),
        &inst.tree,
        inst.objects[0].node,
        &ekslint_schema::Options {
            kind: "X",
            skip_root: &["apiVersion", "kind", "metadata"],
            strict_null: true,
            ..Default::default()
        },
    );
    // Finishing is the point; the outer oneOf sees both (identical) branches match.
    assert_eq!(out.violations.len(), 1, "{:?}", out.violations);
}
