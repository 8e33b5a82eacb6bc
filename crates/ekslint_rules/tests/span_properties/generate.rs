//! The structure-aware generator: Kubernetes-like manifests (Ingresses, Services,
//! ServiceAccounts, workloads, StorageClasses, claims, volumes, load balancer controller kinds,
//! aws-auth) rendered in random YAML styles (block or flow, indentation, quoting, literal blocks,
//! LF or CRLF, a byte-order mark, comments and suppressions, several documents, now and then JSON),
//! with values that the rules care about, good and bad, misspelled keys, non-ASCII text, curly
//! quotes, and now and then a damaged line.
//!
//! Every choice shrinks toward the plain form (no damage, LF, block style, plain values), so a
//! failing case comes out small.

use proptest::prelude::*;
use proptest::sample::{Index, select};

use ekslint_manifest::Format;

/// A YAML value before rendering; the renderer picks the style of each node.
#[derive(Clone, Debug)]
pub enum V {
    /// A string; quoted or plain as the renderer likes (plain `true` or `80` is then no string).
    Str(String),
    /// Written as is: numbers, booleans, `null`, odd tokens.
    Raw(String),
    Map(Vec<(String, V)>),
    Seq(Vec<V>),
    /// A literal block scalar (`|`); lines relative to the block's indentation.
    Block(Vec<String>),
}

pub fn s(v: impl Into<String>) -> V {
    V::Str(v.into())
}

pub fn raw(v: impl Into<String>) -> V {
    V::Raw(v.into())
}

pub fn map(entries: Vec<(&str, V)>) -> V {
    V::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// Odd text to splice into values and names.
pub const ODD: &[&str] = &[
    "é", "日本", "😀", "\t", "\u{feff}", "\u{200b}", "ß", "İ", "e\u{301}", "\\", "\"", "'", " # x",
    ": y", "\r", "\u{2028}",
];

/// A value from `values`, sometimes curly-quoted, padded, spliced with odd text, or left unquoted
/// so that YAML reads a number or boolean. (Plain values come first: proptest shrinks toward them.)
pub fn tweak(values: &'static [&'static str]) -> impl Strategy<Value = V> {
    (select(values), 0..16u8, select(ODD)).prop_map(|(v, m, odd)| match m {
        11 => s(format!("“{v}”")),
        12 => s(format!("{v}{odd}")),
        13 => s(format!("{odd}{v}")),
        14 => s(format!(" {v}\t")),
        15 => raw(v),
        _ => s(v),
    })
}

/// A name from `names`, now and then with odd text.
pub fn name(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    (select(names), 0..10u8, select(ODD)).prop_map(|(n, m, odd)| match m {
        9 => format!("{n}{odd}"),
        _ => n.to_string(),
    })
}

pub type Pool = &'static [(&'static str, &'static [&'static str])];

/// One annotation from `pool`: a key (misspellings included) and one of its values, tweaked.
pub fn annotation(pool: Pool) -> impl Strategy<Value = (String, V)> {
    (select(pool), any::<Index>(), 0..16u8, select(ODD)).prop_map(|((k, vs), i, m, odd)| {
        let v = vs[i.index(vs.len())];
        let v = match m {
            12 => s(format!("“{v}”")),
            13 => s(format!("{v}{odd}")),
            14 => raw(v),
            15 => s(format!("{v} ")),
            _ => s(v),
        };
        (k.to_string(), v)
    })
}

pub const ACM: &str =
    "arn:aws:acm:us-west-2:111122223333:certificate/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

pub const INGRESS_ANNOTATIONS: Pool = &[
    (
        "alb.ingress.kubernetes.io/scheme",
        &["internet-facing", "internal", "intenal", "Internal"],
    ),
    (
        "alb.ingress.kubernetes.io/target-type",
        &["ip", "instance", "IP", "pod"],
    ),
    (
        "alb.ingress.kubernetes.io/listen-ports",
        &[
            r#"[{"HTTP": 80}, {"HTTPS": 443}]"#,
            r#"[{"HTTPS": 443}]"#,
            r#"[{"HTTP": "80"}]"#,
            r#"[{"HTTP": 80"#,
            r#"[{"HTTPS": 8443}, {"HTTP": 8080}]"#,
            r#"[{"HTTP": 80, "HTTPS": 443}]"#,
            "80",
        ],
    ),
    (
        "alb.ingress.kubernetes.io/ssl-redirect",
        &["443", "8443", "true", "0"],
    ),
    (
        "alb.ingress.kubernetes.io/healthcheck-interval-seconds",
        &["15", "5", "301", "x", "1"],
    ),
    (
        "alb.ingress.kubernetes.io/healthcheck-timeout-seconds",
        &["5", "30", "120", "-1"],
    ),
    (
        "alb.ingress.kubernetes.io/healthy-threshold-count",
        &["2", "11", "1"],
    ),
    (
        "alb.ingress.kubernetes.io/group.name",
        &["team-a", "Bad Name!", "é", "aws-x", ""],
    ),
    (
        "alb.ingress.kubernetes.io/group.order",
        &["10", "1001", "-1", "1o"],
    ),
    (
        "alb.ingress.kubernetes.io/ssl-policy",
        &[
            "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "ELBSecurityPolicy-2016-08",
            "ELBSecurityPolicy-Bogus",
            "TLS13",
        ],
    ),
    (
        "alb.ingress.kubernetes.io/certificate-arn",
        &[
            ACM,
            "a1b2c3d4",
            "arn:aws:iam::111122223333:server-certificate/x",
        ],
    ),
    (
        "alb.ingress.kubernetes.io/inbound-cidrs",
        &["0.0.0.0/0", "10.0.0.0/8,2001:db8::/32", "10.0.0.1", "::/0"],
    ),
    (
        "alb.ingress.kubernetes.io/actions.redirect",
        &[
            r#"{"type":"redirect","redirectConfig":{"protocol":"HTTPS","port":"443","statusCode":"HTTP_301"}}"#,
            r#"{"type":"fixed-response""#,
            r#"{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"web","servicePort":80}]}}"#,
            "{}",
        ],
    ),
    (
        "alb.ingress.kubernetes.io/web-acl-id",
        &["0123abcd-4567-89ef-0123-456789abcdef"],
    ),
    (
        "alb.ingress.kubernetes.io/subnets",
        &["subnet-0123456789abcdef0", "subnet-x, é"],
    ),
    (
        "alb.ingress.kubernetes.io/security-groups",
        &["sg-0123456789abcdef0", "my-sg"],
    ),
    (
        "alb.ingress.kubernetes.io/tags",
        &["team=web,env=prod", "team", "日本=語"],
    ),
    (
        "alb.ingress.kubernetes.io/load-balancer-attributes",
        &["idle_timeout.timeout_seconds=600", "x"],
    ),
    (
        "alb.ingress.kubernetes.io/success-codes",
        &["200", "200-399", "2OO"],
    ),
    (
        "alb.ingress.kubernetes.io/backend-protocol",
        &["HTTPS", "https", "TCP"],
    ),
    ("alb.ingress.kubernetes.io/schema", &["internal"]),
    ("alb.ingress.kubernetes.io/target_type", &["ip"]),
    (
        "alb.ingress.kubernetes.io/sslpolicy",
        &["ELBSecurityPolicy-2016-08"],
    ),
    ("alb.ingress.kubernetes.io/healthcheck-interval", &["15"]),
    (
        "alb.ingress.kubernetes.io/lísten-ports",
        &[r#"[{"HTTP": 80}]"#],
    ),
    ("kubernetes.io/ingress.class", &["alb", "nginx", "alb "]),
    (
        "service.beta.kubernetes.io/aws-load-balancer-type",
        &["nlb"],
    ),
    (
        "ekslint.io/ignore",
        &["LBC001", "LBC004,API001", "NOPE1", "lbc"],
    ),
];

pub const SERVICE_ANNOTATIONS: Pool = &[
    (
        "service.beta.kubernetes.io/aws-load-balancer-type",
        &["external", "nlb", "nlb-ip", "alb", "NLB"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-type",
        &["external", "nlb"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type",
        &["ip", "instance", "pod"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        &["internet-facing", "internal", "public"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        &["true", "false", "0.0.0.0/0", "yes"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
        &[ACM, "cert"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-ssl-ports",
        &["443", "https", "443,8443", "*"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-backend-protocol",
        &["tcp", "ssl", "http", "udp"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol",
        &["*", "true"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval",
        &["10", "30", "400", "x"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout",
        &["6", "10", "0"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled",
        &["true", "True", "1"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes",
        &["preserve_client_ip.enabled=true", "x="],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-eip-allocations",
        &["eipalloc-0123456789abcdef0", "eip-1"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-shceme",
        &["internal"],
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target_type",
        &["ip"],
    ),
    ("alb.ingress.kubernetes.io/scheme", &["internal"]),
    (
        "alb.ingress.kubernetes.io/healthcheck-path",
        &["/healthz", "healthz"],
    ),
    (
        "eks.amazonaws.com/role-arn",
        &["arn:aws:iam::111122223333:role/web"],
    ),
];

pub const ROLE_ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:role/s3-reader",
    "arn:aws:iam::111122223333:role/s3-reader",
    "arn:aws:iam::111122223333:role/path/to/reader",
    "arn:aws:iam::11112222333:role/short",
    "arn:aws:iam:111122223333:role/x",
    "arn:aws-cn:iam::111122223333:role/cn",
    "arn:aws:iam::444455556666:role/other",
    "arn:aws:iam::111122223333:user/bob",
    "arn:aws:sts::111122223333:assumed-role/x/y",
    "s3-reader",
    "arn:aws:iam::111122223333:role/é",
    "",
];

pub const SERVICE_ACCOUNT_ANNOTATIONS: Pool = &[
    ("eks.amazonaws.com/role-arn", ROLE_ARNS),
    (
        "eks.amazonaws.com/token-expiration",
        &["86400", "100", "600", "x", "90000"],
    ),
    (
        "eks.amazonaws.com/sts-regional-endpoints",
        &["true", "yes", "TRUE", "false"],
    ),
    (
        "eks.amazonaws.com/audience",
        &["sts.amazonaws.com", "sts.amazonaws.com.cn", "other"],
    ),
    (
        "eks.amazonaws.com/rolearn",
        &["arn:aws:iam::111122223333:role/s3-reader"],
    ),
    (
        "eks.amazonaws.com/role-ARN",
        &["arn:aws:iam::111122223333:role/s3-reader"],
    ),
    ("iam.amazonaws.com/role", &["s3-reader"]),
    ("ekslint.io/ignore", &["IRSA001", "IRSA999", "IRSA"]),
];

pub const POD_ANNOTATIONS: Pool = &[
    ("eks.amazonaws.com/role-arn", ROLE_ARNS),
    ("eks.amazonaws.com/token-expiration", &["3600", "100", "x"]),
    (
        "eks.amazonaws.com/skip-containers",
        &["sidecar", "app, sidecar", "nope", "app,sidecar"],
    ),
    (
        "iam.amazonaws.com/role",
        &["arn:aws:iam::111122223333:role/kube2iam"],
    ),
    ("iam.amazonaws.com/permitted", &[".*"]),
    ("eks.amazonaws.com/sts-regional-endpoints", &["true"]),
];

pub const SA_NAMES: &[&str] = &["s3-reader", "app", "default", "worker", "s3-reader"];
pub const NAMESPACES: &[&str] = &["apps", "default", "batch", "kube-system"];
pub const SVC_NAMES: &[&str] = &["web", "api", "backend", "redirect", "web"];
pub const SC_NAMES: &[&str] = &["gp3", "ebs-sc", "efs-sc", "fsx-sc", "gp2", "standard"];
pub const CLAIM_NAMES: &[&str] = &["data", "logs", "shared"];

pub fn namespace() -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(0.4, name(NAMESPACES))
}

/// `metadata:` with a name, maybe a namespace, annotations from `pool`, maybe labels.
pub fn metadata(names: &'static [&'static str], pool: Pool) -> impl Strategy<Value = V> {
    (
        name(names),
        namespace(),
        prop::collection::vec(annotation(pool), 0..5),
        any::<bool>(),
    )
        .prop_map(|(name, ns, annotations, labels)| {
            let mut m = vec![("name", s(name))];
            if let Some(ns) = ns {
                m.push(("namespace", s(ns)));
            }
            if labels {
                m.push(("labels", map(vec![("app.kubernetes.io/name", s("web"))])));
            }
            if !annotations.is_empty() {
                m.push(("annotations", V::Map(annotations)));
            }
            map(m)
        })
}

pub fn ingress() -> impl Strategy<Value = V> {
    let path = (
        select(&["/", "/*", "/api", "/api/*", "/é", "/v?", ""][..]),
        prop::option::of(select(
            &["Prefix", "Exact", "ImplementationSpecific", "prefix"][..],
        )),
        name(SVC_NAMES),
        prop_oneof![
            select(&["80", "443", "8080"][..]).prop_map(|p| (true, p)),
            select(&["http", "https", "use-annotation"][..]).prop_map(|p| (false, p)),
        ],
    );
    (
        select(
            &[
                "networking.k8s.io/v1",
                "networking.k8s.io/v1",
                "extensions/v1beta1",
                "networking.k8s.io/v1beta1",
            ][..],
        ),
        metadata(&["web", "api", "shop"], INGRESS_ANNOTATIONS),
        prop::option::of(select(&["alb", "nginx", "alb-internal"][..])),
        prop::collection::vec(path, 1..4),
        any::<bool>(),
        prop::option::of(select(
            &["example.com", "é.example.com", "*.example.com"][..],
        )),
    )
        .prop_map(|(api, meta, class, paths, v1, host)| {
            let paths = paths
                .into_iter()
                .map(|(p, pt, svc, (number, port))| {
                    let port_v = if number { raw(port) } else { s(port) };
                    let backend = if v1 {
                        let port = map(vec![(if number { "number" } else { "name" }, port_v)]);
                        map(vec![(
                            "service",
                            map(vec![("name", s(svc)), ("port", port)]),
                        )])
                    } else {
                        map(vec![("serviceName", s(svc)), ("servicePort", port_v)])
                    };
                    let mut m = vec![("path", s(p))];
                    if let Some(pt) = pt {
                        m.push(("pathType", s(pt)));
                    }
                    m.push(("backend", backend));
                    map(m)
                })
                .collect();
            let mut rule = vec![("http", map(vec![("paths", V::Seq(paths))]))];
            if let Some(h) = host {
                rule.insert(0, ("host", s(h)));
            }
            let mut spec = vec![("rules", V::Seq(vec![map(rule)]))];
            if let Some(c) = class {
                spec.insert(0, ("ingressClassName", s(c)));
            }
            map(vec![
                ("apiVersion", s(api)),
                ("kind", s("Ingress")),
                ("metadata", meta),
                ("spec", map(spec)),
            ])
        })
}

pub fn service() -> impl Strategy<Value = V> {
    let port = (
        select(&["http", "https", "é", "tcp"][..]),
        select(&["80", "443", "8080", "0"][..]),
        any::<bool>(),
        prop::option::of(select(&["TCP", "UDP", "tcp"][..])),
    );
    (
        metadata(SVC_NAMES, SERVICE_ANNOTATIONS),
        prop::option::of(select(
            &["LoadBalancer", "ClusterIP", "NodePort", "loadbalancer"][..],
        )),
        prop::option::weighted(
            0.3,
            select(
                &[
                    "service.k8s.aws/nlb",
                    "eks.amazonaws.com/nlb",
                    "example.com/lb",
                ][..],
            ),
        ),
        prop::collection::vec(port, 1..3),
        prop::option::weighted(
            0.3,
            prop::collection::vec(
                select(&["0.0.0.0/0", "10.0.0.0/8", "10.0.0.1", "::/0"][..]),
                0..3,
            ),
        ),
    )
        .prop_map(|(meta, ty, class, ports, ranges)| {
            let ports = ports
                .into_iter()
                .map(|(n, p, target_name, proto)| {
                    let mut m = vec![("name", s(n)), ("port", raw(p))];
                    m.push((
                        "targetPort",
                        if target_name { s("http") } else { raw("8080") },
                    ));
                    if let Some(proto) = proto {
                        m.push(("protocol", s(proto)));
                    }
                    map(m)
                })
                .collect();
            let mut spec = vec![
                ("ports", V::Seq(ports)),
                ("selector", map(vec![("app", s("web"))])),
            ];
            if let Some(t) = ty {
                spec.insert(0, ("type", s(t)));
            }
            if let Some(c) = class {
                spec.push(("loadBalancerClass", s(c)));
            }
            if let Some(r) = ranges {
                spec.push((
                    "loadBalancerSourceRanges",
                    V::Seq(r.into_iter().map(s).collect()),
                ));
            }
            map(vec![
                ("apiVersion", s("v1")),
                ("kind", s("Service")),
                ("metadata", meta),
                ("spec", map(spec)),
            ])
        })
}

pub fn service_account() -> impl Strategy<Value = V> {
    (
        metadata(SA_NAMES, SERVICE_ACCOUNT_ANNOTATIONS),
        prop::option::weighted(0.8, tweak(ROLE_ARNS)),
        prop::option::weighted(0.2, select(&["true", "false", "no"][..])),
    )
        .prop_map(|(mut meta, role, automount)| {
            if let (V::Map(m), Some(role)) = (&mut meta, role) {
                match m.iter_mut().find(|(k, _)| k == "annotations") {
                    Some((_, V::Map(a))) => {
                        a.insert(0, ("eks.amazonaws.com/role-arn".into(), role))
                    }
                    _ => m.push((
                        "annotations".into(),
                        V::Map(vec![("eks.amazonaws.com/role-arn".into(), role)]),
                    )),
                }
            }
            let mut o = vec![
                ("apiVersion", s("v1")),
                ("kind", s("ServiceAccount")),
                ("metadata", meta),
            ];
            if let Some(a) = automount {
                o.push(("automountServiceAccountToken", raw(a)));
            }
            map(o)
        })
}

pub const ENV: &[(&str, &str)] = &[
    ("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/s3-reader"),
    (
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
    ),
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    ("AWS_PROFILE", "default"),
    ("AWS_SHARED_CREDENTIALS_FILE", "/creds/é"),
    ("AWS_REGION", "eu-west-1"),
    ("GREETING", "日本 😀"),
];

pub fn container() -> impl Strategy<Value = V> {
    (
        select(&["app", "sidecar", "é"][..]),
        select(
            &[
                "public.ecr.aws/docker/library/busybox:1.36",
                "nginx",
                "日本:1",
            ][..],
        ),
        prop::collection::vec((select(ENV), 0..6u8), 0..4),
        prop::collection::vec(
            select(
                &[
                    (
                        "aws-iam-token",
                        "/var/run/secrets/eks.amazonaws.com/serviceaccount",
                    ),
                    ("data", "/data"),
                    ("creds", "/root/.aws"),
                ][..],
            ),
            0..2,
        ),
    )
        .prop_map(|(n, image, env, mounts)| {
            let env = env
                .into_iter()
                .map(|((k, v), m)| match m {
                    4 => map(vec![
                        ("name", s(k)),
                        (
                            "valueFrom",
                            map(vec![(
                                "secretKeyRef",
                                map(vec![("name", s("aws")), ("key", s(k))]),
                            )]),
                        ),
                    ]),
                    5 => map(vec![("name", s(k)), ("value", raw("true"))]),
                    _ => map(vec![("name", s(k)), ("value", s(v))]),
                })
                .collect();
            let mounts = mounts
                .into_iter()
                .map(|(n, p)| map(vec![("name", s(n)), ("mountPath", s(p))]))
                .collect();
            let mut c = vec![("name", s(n)), ("image", s(image))];
            c.push(("env", V::Seq(env)));
            c.push(("volumeMounts", V::Seq(mounts)));
            map(c)
        })
}

pub fn volume() -> impl Strategy<Value = V> {
    (0..7u8, name(CLAIM_NAMES)).prop_map(|(k, claim)| match k {
        0 => map(vec![
            ("name", s("aws-iam-token")),
            ("projected", map(vec![("sources", V::Seq(vec![]))])),
        ]),
        1 | 2 => map(vec![
            ("name", s("data")),
            ("persistentVolumeClaim", map(vec![("claimName", s(claim))])),
        ]),
        3 => map(vec![
            ("name", s("ebs")),
            (
                "awsElasticBlockStore",
                map(vec![
                    ("volumeID", s("vol-0123456789abcdef0")),
                    ("fsType", s("ext4")),
                ]),
            ),
        ]),
        4 => map(vec![
            ("name", s("gce")),
            ("gcePersistentDisk", map(vec![("pdName", s("disk"))])),
        ]),
        5 => map(vec![
            ("name", s("efs")),
            (
                "csi",
                map(vec![
                    ("driver", s("efs.csi.aws.com")),
                    ("volumeHandle", s("fs-12345678")),
                ]),
            ),
        ]),
        _ => map(vec![
            ("name", s("creds")),
            ("secret", map(vec![("secretName", s("aws"))])),
        ]),
    })
}

pub fn pod_spec() -> impl Strategy<Value = V> {
    (
        prop::option::weighted(0.8, (name(SA_NAMES), any::<bool>())),
        prop::collection::vec(container(), 1..3),
        prop::collection::vec(volume(), 0..3),
        prop::option::weighted(0.2, select(&["windows", "linux"][..])),
        prop::option::weighted(0.2, (any::<bool>(), any::<bool>())),
        prop::option::weighted(0.1, select(&["fargate", "ip-10-0-0-1"][..])),
    )
        .prop_map(|(sa, containers, volumes, os, sec, node)| {
            let mut p = Vec::new();
            if let Some((sa, legacy)) = sa {
                p.push((
                    if legacy {
                        "serviceAccount"
                    } else {
                        "serviceAccountName"
                    },
                    s(sa),
                ));
            }
            if let Some(os) = os {
                p.push(("nodeSelector", map(vec![("kubernetes.io/os", s(os))])));
            }
            if let Some((non_root, fs_group)) = sec {
                let mut sc = vec![("runAsNonRoot", raw(if non_root { "true" } else { "false" }))];
                if fs_group {
                    sc.push(("fsGroup", raw("65534")));
                }
                p.push(("securityContext", map(sc)));
            }
            if let Some(n) = node {
                p.push(("nodeName", s(n)));
            }
            p.push(("containers", V::Seq(containers)));
            if !volumes.is_empty() {
                p.push(("volumes", V::Seq(volumes)));
            }
            map(p)
        })
}

pub fn workload() -> impl Strategy<Value = V> {
    (
        select(
            &[
                ("apps/v1", "Deployment"),
                ("apps/v1", "Deployment"),
                ("apps/v1", "StatefulSet"),
                ("apps/v1", "DaemonSet"),
                ("extensions/v1beta1", "Deployment"),
                ("apps/v1beta2", "Deployment"),
                ("batch/v1", "Job"),
                ("v1", "Pod"),
            ][..],
        ),
        metadata(&["reader", "web", "worker"], POD_ANNOTATIONS),
        prop::collection::vec(annotation(POD_ANNOTATIONS), 0..3),
        prop::option::weighted(0.15, select(&["true", "false"][..])),
        pod_spec(),
    )
        .prop_map(|((api, kind), meta, tmpl_annotations, skip, spec)| {
            let spec = if kind == "Pod" {
                spec
            } else {
                let mut labels = vec![("app", s("reader"))];
                if let Some(v) = skip {
                    labels.push(("eks.amazonaws.com/skip-pod-identity-webhook", s(v)));
                }
                let mut tm = vec![("labels", map(labels))];
                if !tmpl_annotations.is_empty() {
                    tm.push(("annotations", V::Map(tmpl_annotations)));
                }
                map(vec![
                    ("replicas", raw("2")),
                    (
                        "selector",
                        map(vec![("matchLabels", map(vec![("app", s("reader"))]))]),
                    ),
                    ("template", map(vec![("metadata", map(tm)), ("spec", spec)])),
                ])
            };
            map(vec![
                ("apiVersion", s(api)),
                ("kind", s(kind)),
                ("metadata", meta),
                ("spec", spec),
            ])
        })
}

pub const SC_PARAMETERS: Pool = &[
    (
        "type",
        &["gp3", "gp2", "io2", "io1", "sc1", "standard", "gp4"],
    ),
    ("iops", &["3000", "100000", "x", "16000"]),
    ("iopsPerGB", &["50", "10", "abc"]),
    ("throughput", &["125", "2000", "1000"]),
    ("encrypted", &["true", "yes", "True", "false"]),
    ("fsType", &["ext4", "xfs", "ntfs"]),
    (
        "csi.storage.k8s.io/fstype",
        &["ext4", "xfs", "ntfs", "btrfs", "efs"],
    ),
    ("csi.storage.k8s.io/secret", &["x"]),
    ("blockExpress", &["true"]),
    ("allowAutoIOPSPerGBIncrease", &["true", "1"]),
    (
        "tagSpecification_1",
        &["team=web", "bad", "kubernetes.io/x=y"],
    ),
    (
        "kmsKeyId",
        &["arn:aws:kms:eu-west-1:111122223333:key/abcd", ""],
    ),
    ("blockSize", &["4096", "4k!"]),
    ("provisioningMode", &["efs-ap", "efs", "s3files-ap"]),
    ("fileSystemId", &["fs-12345678", "x", ""]),
    ("directoryPerms", &["700", "0700", "rwx", "7777"]),
    ("gidRangeStart", &["1000", "x", "-1"]),
    ("gidRangeEnd", &["2000", "10"]),
    ("basePath", &["/dynamic", "relative", "/"]),
    (
        "subPathPattern",
        &["${.PVC.namespace}/${.PVC.name}", "${.Bad}"],
    ),
    ("reuseAccessPoint", &["true", "maybe"]),
    ("deploymentType", &["SCRATCH_2", "PERSISTENT_2", "scratch"]),
    ("subnetId", &["subnet-0123456789abcdef0", "x"]),
    ("perUnitStorageThroughput", &["125", "7"]),
    ("Type", &["gp3"]),
];

pub fn storage_class() -> impl Strategy<Value = V> {
    (
        select(
            &[
                "storage.k8s.io/v1",
                "storage.k8s.io/v1",
                "storage.k8s.io/v1beta1",
            ][..],
        ),
        name(SC_NAMES),
        prop::option::weighted(0.3, tweak(&["true", "false", "True"])),
        tweak(&[
            "ebs.csi.aws.com",
            "ebs.csi.aws.com",
            "kubernetes.io/aws-ebs",
            "efs.csi.aws.com",
            "fsx.csi.aws.com",
            "kubernetes.io/gce-pd",
            "ebs.csi.eks.amazonaws.com",
        ]),
        prop::collection::vec(annotation(SC_PARAMETERS), 0..6),
        prop::option::of(select(&["WaitForFirstConsumer", "Immediate", "Later"][..])),
        prop::option::weighted(0.3, select(&["true", "false", "yes"][..])),
        prop::option::weighted(
            0.2,
            prop::collection::vec(select(&["tls", "iam", "noatime", "é"][..]), 0..3),
        ),
    )
        .prop_map(|(api, n, default, prov, params, binding, expand, mount)| {
            let mut meta = vec![("name", s(n))];
            if let Some(d) = default {
                meta.push((
                    "annotations",
                    map(vec![("storageclass.kubernetes.io/is-default-class", d)]),
                ));
            }
            let mut o = vec![
                ("apiVersion", s(api)),
                ("kind", s("StorageClass")),
                ("metadata", map(meta)),
                ("provisioner", prov),
            ];
            if !params.is_empty() {
                o.push(("parameters", V::Map(params)));
            }
            if let Some(b) = binding {
                o.push(("volumeBindingMode", s(b)));
            }
            if let Some(e) = expand {
                o.push(("allowVolumeExpansion", raw(e)));
            }
            if let Some(m) = mount {
                o.push(("mountOptions", V::Seq(m.into_iter().map(s).collect())));
            }
            map(o)
        })
}

pub const ACCESS_MODES: &[&str] = &[
    "ReadWriteOnce",
    "ReadWriteMany",
    "ReadOnlyMany",
    "ReadWriteOncePod",
    "RWO",
];

pub fn claim() -> impl Strategy<Value = V> {
    (
        name(CLAIM_NAMES),
        namespace(),
        prop::option::weighted(
            0.7,
            name(&["gp3", "ebs-sc", "efs-sc", "fsx-sc", "", "fast"]),
        ),
        prop::collection::vec(select(ACCESS_MODES), 1..3),
        prop::option::weighted(0.2, select(&["Block", "Filesystem"][..])),
        tweak(&["10Gi", "1200Gi", "10", "1Ti", "ten"]),
    )
        .prop_map(|(n, ns, class, modes, vmode, size)| {
            let mut meta = vec![("name", s(n))];
            if let Some(ns) = ns {
                meta.push(("namespace", s(ns)));
            }
            let mut spec = Vec::new();
            if let Some(c) = class {
                spec.push(("storageClassName", s(c)));
            }
            spec.push(("accessModes", V::Seq(modes.into_iter().map(s).collect())));
            if let Some(m) = vmode {
                spec.push(("volumeMode", s(m)));
            }
            spec.push((
                "resources",
                map(vec![("requests", map(vec![("storage", size)]))]),
            ));
            map(vec![
                ("apiVersion", s("v1")),
                ("kind", s("PersistentVolumeClaim")),
                ("metadata", map(meta)),
                ("spec", map(spec)),
            ])
        })
}

pub fn volume_object() -> impl Strategy<Value = V> {
    (
        select(
            &[
                "efs.csi.aws.com",
                "ebs.csi.aws.com",
                "fsx.csi.aws.com",
                "in-tree",
            ][..],
        ),
        tweak(&[
            "fs-12345678",
            "fs-12345678::fsap-0123456789abcdef0",
            "fs-1:/dir",
            "vol-0123",
            "bad",
        ]),
        prop::option::weighted(
            0.3,
            select(&["encryptInTransit", "mounttargetip", "bogus", "dnsname"][..]),
        ),
        prop::collection::vec(select(ACCESS_MODES), 1..3),
        any::<bool>(),
        prop::option::weighted(0.3, name(SC_NAMES)),
    )
        .prop_map(|(driver, handle, attr, modes, affinity, class)| {
            let mut spec = vec![
                ("capacity", map(vec![("storage", s("5Gi"))])),
                ("accessModes", V::Seq(modes.into_iter().map(s).collect())),
            ];
            if driver == "in-tree" {
                spec.push(("awsElasticBlockStore", map(vec![("volumeID", handle)])));
            } else {
                let mut csi = vec![("driver", s(driver)), ("volumeHandle", handle)];
                if let Some(a) = attr {
                    csi.push(("volumeAttributes", map(vec![(a, s("true"))])));
                }
                spec.push(("csi", map(csi)));
            }
            if let Some(c) = class {
                spec.push(("storageClassName", s(c)));
            }
            if affinity {
                let term = map(vec![(
                    "matchExpressions",
                    V::Seq(vec![map(vec![
                        ("key", s("topology.ebs.csi.aws.com/zone")),
                        ("operator", s("In")),
                        ("values", V::Seq(vec![s("eu-west-1a")])),
                    ])]),
                )]);
                spec.push((
                    "nodeAffinity",
                    map(vec![(
                        "required",
                        map(vec![("nodeSelectorTerms", V::Seq(vec![term]))]),
                    )]),
                ));
            }
            map(vec![
                ("apiVersion", s("v1")),
                ("kind", s("PersistentVolume")),
                ("metadata", map(vec![("name", s("pv-1"))])),
                ("spec", map(spec)),
            ])
        })
}

pub const AUTH_ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:role/eks-node",
    "arn:aws:iam::111122223333:role/admins",
    "arn:aws:iam::111122223333:role/path/admins",
    "arn:aws:iam::111122223333:user/bob",
    "arn:aws:sts::111122223333:assumed-role/x/y",
    "arn:aws:iam::1111:role/short",
    "arn:aws-cn:iam::111122223333:role/cn",
    "arn:aws:iam::111122223333:role/é",
    "not-an-arn",
];
pub const USERNAMES: &[&str] = &[
    "system:node:{{EC2PrivateDNSName}}",
    "admin",
    "{{SessionName}}",
    "ops-{{AccountID}}",
    "é-user",
    "system:node:{{SessionName}}",
    "",
];
pub const GROUPS: &[&str] = &[
    "system:bootstrappers",
    "system:nodes",
    "system:masters",
    "eks:kube-proxy-windows",
    "dev team",
    "viewers",
    "日本",
    "system:bootstrappers - system:nodes",
];

/// One mapRoles / mapUsers entry as lines of the embedded YAML, in one of several shapes.
pub fn auth_entry(arn_key: &'static str) -> impl Strategy<Value = Vec<String>> {
    (
        select(AUTH_ARNS),
        prop::option::weighted(0.8, select(USERNAMES)),
        prop::collection::vec(select(GROUPS), 0..3),
        0..12u8,
        select(ODD),
    )
        .prop_map(move |(arn, user, groups, form, odd)| {
            let q = |v: &str| format!("\"{v}\"");
            let mut l = Vec::new();
            match form {
                6 => {
                    // flow entry
                    let g: Vec<String> = groups.iter().map(|g| q(g)).collect();
                    l.push(format!(
                        "- {{{arn_key}: {arn}, username: {}, groups: [{}]}}",
                        q(user.unwrap_or("x")),
                        g.join(", ")
                    ));
                }
                7 => {
                    // misspelled fields, groups as a string
                    l.push(format!("- role_arn: {arn}"));
                    l.push(format!("  group: {}", groups.first().unwrap_or(&"viewers")));
                }
                8 => l.push(format!("- {arn}")),
                9 => {
                    // broken embedded YAML
                    l.push(format!("- {arn_key}: {arn}"));
                    l.push(format!(" username: [{odd}"));
                }
                10 => {
                    // a group list item folded by an indentation slip
                    l.push(format!("- {arn_key}: {arn}"));
                    l.push("  groups:".into());
                    l.push("    - system:bootstrappers".into());
                    l.push("   - system:nodes".into());
                }
                11 => {
                    l.push(format!("- {arn_key}: {arn}{odd}"));
                    l.push(String::new());
                    l.push(format!("  username: {}", user.unwrap_or("u")));
                }
                _ => {
                    l.push(format!(
                        "- {arn_key}: {}",
                        if form == 1 { q(arn) } else { arn.into() }
                    ));
                    if let Some(u) = user {
                        l.push(format!("  username: {}", q(u)));
                    }
                    if !groups.is_empty() {
                        l.push("  groups:".into());
                        for g in &groups {
                            l.push(format!(
                                "    - {}",
                                if form == 2 { g.to_string() } else { q(g) }
                            ));
                        }
                    }
                }
            }
            l
        })
}

pub fn aws_auth() -> impl Strategy<Value = V> {
    let lines = |arn_key| prop::collection::vec(auth_entry(arn_key), 1..5).prop_map(|e| e.concat());
    let accounts = prop::collection::vec(
        select(
            &[
                "- \"111122223333\"",
                "- 111122223333",
                "- '1111'",
                "- 444455556666",
            ][..],
        ),
        1..3,
    )
    .prop_map(|l| l.into_iter().map(String::from).collect::<Vec<_>>());
    (
        prop::collection::vec(
            (
                select(
                    &[
                        "mapRoles",
                        "mapRoles",
                        "mapRoles",
                        "mapUsers",
                        "mapAccounts",
                        "MapRoles",
                        "maproles",
                        "mapRole",
                    ][..],
                ),
                0..10u8,
            ),
            1..3,
        ),
        lines("rolearn"),
        lines("userarn"),
        accounts,
        select(
            &[
                "aws-auth",
                "aws-auth",
                "aws-auth",
                "aws_auth",
                "aws-auth-cm",
            ][..],
        ),
        prop::option::weighted(0.9, select(&["kube-system", "kube-system", "default"][..])),
    )
        .prop_map(|(keys, roles, users, accounts, n, ns)| {
            let data = keys
                .into_iter()
                .map(|(k, form)| {
                    let lines = match k.to_ascii_lowercase().as_str() {
                        "mapusers" => users.clone(),
                        "mapaccounts" => accounts.clone(),
                        _ => roles.clone(),
                    };
                    let v = match form {
                        // a quoted string, a YAML list instead of a string (a missing `|`)
                        0 => s(lines.join("\n") + "\n"),
                        1 => V::Seq(
                            lines
                                .iter()
                                .map(|l| s(l.trim_start_matches("- ")))
                                .collect(),
                        ),
                        _ => V::Block(lines),
                    };
                    (k.to_string(), v)
                })
                .collect();
            let mut meta = vec![("name", s(n))];
            if let Some(ns) = ns {
                meta.push(("namespace", s(ns)));
            }
            map(vec![
                ("apiVersion", s("v1")),
                ("kind", s("ConfigMap")),
                ("metadata", map(meta)),
                ("data", V::Map(data)),
            ])
        })
}

/// IngressClass, and the controller's own kinds (IngressClassParams, TargetGroupBinding).
pub fn lbc_object() -> impl Strategy<Value = V> {
    (
        0..3u8,
        select(&["alb", "alb", "public", "nginx"][..]),
        select(&["ingress.k8s.aws/alb", "ingress.k8s.aws/alb", "k8s.io/ingress-nginx"][..]),
        prop::option::weighted(0.6, select(&["IngressClassParams", "IngressClassParam"][..])),
        tweak(&["internal", "internet-facing", "Internet-facing"]),
        prop::collection::vec(select(&["10.0.0.0/8", "10.0.0.1/8", "192.168.1.1", "é"][..]), 0..3),
        tweak(&["443", "https", "0"]),
        select(&["ip", "instance", "IP"][..]),
        name(SVC_NAMES),
        tweak(&["vpc-0123456789abcdef0", "vpc-123"]),
        prop::option::weighted(0.3, select(&["team-a", "Bad Name!"][..])),
    )
        .prop_map(|(k, n, controller, params, scheme, cidrs, redirect, target, svc, vpc, group)| match k {
            0 => {
                let mut spec = vec![("controller", s(controller))];
                if let Some(kind) = params {
                    spec.push((
                        "parameters",
                        map(vec![("apiGroup", s("elbv2.k8s.aws")), ("kind", s(kind)), ("name", s("public"))]),
                    ));
                }
                map(vec![
                    ("apiVersion", s("networking.k8s.io/v1")),
                    ("kind", s("IngressClass")),
                    ("metadata", map(vec![("name", s(n))])),
                    ("spec", map(spec)),
                ])
            }
            1 => {
                let mut spec = vec![
                    ("scheme", scheme),
                    ("inboundCIDRs", V::Seq(cidrs.into_iter().map(s).collect())),
                    ("sslRedirectPort", redirect),
                ];
                if let Some(g) = group {
                    spec.push(("group", map(vec![("name", s(g))])));
                }
                map(vec![
                    ("apiVersion", s("elbv2.k8s.aws/v1beta1")),
                    ("kind", s("IngressClassParams")),
                    ("metadata", map(vec![("name", s("public"))])),
                    ("spec", map(spec)),
                ])
            }
            _ => map(vec![
                ("apiVersion", s("elbv2.k8s.aws/v1beta1")),
                ("kind", s("TargetGroupBinding")),
                ("metadata", map(vec![("name", s(n))])),
                (
                    "spec",
                    map(vec![
                        ("serviceRef", map(vec![("name", s(svc)), ("port", raw("80"))])),
                        (
                            "targetGroupARN",
                            s("arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/web/0123456789abcdef"),
                        ),
                        ("targetType", s(target)),
                        ("vpcID", vpc),
                    ]),
                ),
            ]),
        })
}

/// Objects of API versions that are deprecated or removed at some target version.
pub fn old_api_object() -> impl Strategy<Value = V> {
    select(
        &[
            ("policy/v1beta1", "PodSecurityPolicy"),
            ("batch/v1beta1", "CronJob"),
            ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
            ("snapshot.storage.k8s.io/v1beta1", "VolumeSnapshotClass"),
            ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"),
            ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
        ][..],
    )
    .prop_map(|(api, kind)| {
        map(vec![
            ("apiVersion", s(api)),
            ("kind", s(kind)),
            ("metadata", map(vec![("name", s("old"))])),
        ])
    })
}

/// Documents that are not quite objects: a scalar, a list, no kind, a List of objects.
pub fn odd_document() -> impl Strategy<Value = V> {
    prop_oneof![
        Just(s("just a string é")),
        Just(V::Seq(vec![s("a"), raw("1")])),
        Just(map(vec![
            ("apiVersion", s("v1")),
            ("metadata", map(vec![("name", s("x"))]))
        ])),
        Just(map(vec![
            ("apiVersion", raw("1")),
            ("kind", V::Seq(vec![])),
            ("metadata", s("x"))
        ])),
        Just(map(vec![])),
        prop::collection::vec(prop_oneof![service_account(), service()], 1..3).prop_map(|items| {
            map(vec![
                ("apiVersion", s("v1")),
                ("kind", s("List")),
                ("items", V::Seq(items)),
            ])
        }),
    ]
}

/// Any object.
pub fn object() -> BoxedStrategy<V> {
    prop_oneof![
        3 => ingress(),
        3 => service(),
        3 => service_account(),
        3 => workload(),
        3 => storage_class(),
        2 => claim(),
        1 => volume_object(),
        2 => lbc_object(),
        3 => aws_auth(),
        1 => old_api_object(),
        1 => odd_document(),
    ]
    .boxed()
}

/// Objects that refer to others (a workload to its ServiceAccount, an Ingress to its Services
/// and IngressClass, a claim to its StorageClass), for one file of a multi-file set...
pub fn referring_object() -> BoxedStrategy<V> {
    prop_oneof![3 => workload(), 2 => ingress(), 2 => claim(), 1 => volume_object(), 1 => object()]
        .boxed()
}

/// ... and the objects they refer to, for another file.
pub fn referred_object() -> BoxedStrategy<V> {
    prop_oneof![
        3 => service_account(),
        2 => service(),
        2 => storage_class(),
        1 => lbc_object(),
        1 => object(),
    ]
    .boxed()
}

/// How a file is written: line ends, byte-order mark, indentation, flow or block nodes, quoting.
#[derive(Clone, Debug)]
pub struct Style {
    /// 0: LF, 1: CRLF, 2: mixed.
    pub line_end: u8,
    pub bom: bool,
    pub indent: usize,
    /// Indent block sequences under their key (`key:\n  - x`) or not (`key:\n- x`).
    pub indent_seqs: bool,
    /// 0: block only, 1: some flow nodes, 2: many, 3: every document in flow style.
    pub flow: u8,
    /// Per-node choices (flow or block, quoting style, block header), used in turn.
    pub choices: Vec<u8>,
    pub leading_separator: bool,
    pub end_marker: bool,
    /// Trailing comments (suppressions among them) on some lines: (line, comment).
    pub comments: Vec<(Index, &'static str)>,
}

pub const COMMENTS: &[&str] = &[
    "# ekslint: ignore[LBC001] typo kept on purpose é",
    "# ekslint: ignore[NOPE9]",
    "# ekslint: ignore-file[CSI]",
    "# ekslint: ignore[IRSA001,YAML004]",
    "# 日本語のコメント 😀",
    "#",
];

pub fn style() -> impl Strategy<Value = Style> {
    (
        prop_oneof![3 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)],
        prop::bool::weighted(0.2),
        select(&[2usize, 4, 3, 1][..]),
        any::<bool>(),
        prop_oneof![4 => Just(0u8), 3 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)],
        prop::collection::vec(any::<u8>(), 1..32),
        any::<bool>(),
        prop::bool::weighted(0.1),
        prop::collection::vec((any::<Index>(), select(COMMENTS)), 0..3),
    )
        .prop_map(
            |(
                line_end,
                bom,
                indent,
                indent_seqs,
                flow,
                choices,
                leading_separator,
                end_marker,
                comments,
            )| {
                Style {
                    line_end,
                    bom,
                    indent,
                    indent_seqs,
                    flow,
                    choices,
                    leading_separator,
                    end_marker,
                    comments,
                }
            },
        )
}

/// A damaged line: what a bad merge or a careless edit leaves behind.
#[derive(Clone, Debug)]
pub enum Damage {
    TabIndent,
    DeleteLine,
    DuplicateLine,
    Insert(&'static str),
    Truncate,
    ExtraSpace,
    ReplaceLine(&'static str),
}

pub fn damage() -> impl Strategy<Value = (Index, Index, Damage)> {
    let d = prop_oneof![
        Just(Damage::TabIndent),
        Just(Damage::DeleteLine),
        Just(Damage::DuplicateLine),
        select(
            &[
                "\"",
                "'",
                ": x",
                "[",
                "}",
                "&a ",
                "*b",
                "é",
                "\t",
                " #",
                "{{ .Values.x }}"
            ][..]
        )
        .prop_map(Damage::Insert),
        Just(Damage::Truncate),
        Just(Damage::ExtraSpace),
        select(&["\t- [é", "- - -", "? : ?", "<<: *nope", "%YAML 2.0", "'"][..])
            .prop_map(Damage::ReplaceLine),
    ];
    (any::<Index>(), any::<Index>(), d)
}

/// A generated file: its path, text and format, ready to load.
#[derive(Clone)]
pub struct GenFile {
    pub path: String,
    pub text: String,
    pub format: Format,
}

impl std::fmt::Debug for GenFile {
    // The text in full, escaped, so that a failing case can be pasted into a regression test.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:?}): {:?}", self.path, self.format, self.text)
    }
}

pub fn gen_file(path: &'static str) -> impl Strategy<Value = GenFile> {
    gen_file_of(path, object())
}

/// A file of 1 to 4 documents drawn from `objects`, rendered in a random style, sometimes damaged,
/// sometimes as JSON.
pub fn gen_file_of(
    path: &'static str,
    objects: BoxedStrategy<V>,
) -> impl Strategy<Value = GenFile> {
    (
        prop::collection::vec(objects, 1..5),
        style(),
        prop_oneof![6 => Just(Vec::new()), 1 => prop::collection::vec(damage(), 1..3)],
        prop::bool::weighted(0.08),
    )
        .prop_map(move |(docs, style, damage, json)| {
            if json {
                // One JSON value: the object, or a List of the objects.
                let mut r = Render::new(&style, true);
                let v = if docs.len() == 1 {
                    docs[0].clone()
                } else {
                    map(vec![
                        ("apiVersion", s("v1")),
                        ("kind", s("List")),
                        ("items", V::Seq(docs)),
                    ])
                };
                r.flow(&v);
                r.out.push('\n');
                let path = path.replace(".yaml", ".json");
                // JSON has no comments.
                let style = Style {
                    comments: Vec::new(),
                    ..style.clone()
                };
                return GenFile {
                    path,
                    text: finish_text(r.out, &style, &damage),
                    format: Format::Json,
                };
            }
            let mut out = String::new();
            for (i, d) in docs.iter().enumerate() {
                if i > 0 || style.leading_separator {
                    out.push_str(if i % 2 == 0 { "---\n" } else { "--- # é\n" });
                }
                let mut r = Render::new(&style, false);
                r.choice = i * 7;
                r.document(d);
                out.push_str(&r.out);
            }
            if style.end_marker {
                out.push_str("...\n");
            }
            GenFile {
                path: path.to_string(),
                text: finish_text(out, &style, &damage),
                format: Format::Yaml,
            }
        })
}

/// Comments, damage, line ends and the byte-order mark, on rendered LF text.
pub fn finish_text(text: String, style: &Style, damage: &[(Index, Index, Damage)]) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for (at, c) in &style.comments {
        if !lines.is_empty() {
            let i = at.index(lines.len());
            lines[i] = format!("{} {c}", lines[i]);
        }
    }
    for (line, pos, d) in damage {
        if lines.is_empty() {
            break;
        }
        let i = line.index(lines.len());
        let l = &lines[i];
        let chars = l.chars().count();
        let at = l
            .char_indices()
            .nth(pos.index(chars + 1))
            .map_or(l.len(), |(b, _)| b);
        match d {
            Damage::TabIndent => lines[i].insert(0, '\t'),
            Damage::DeleteLine => {
                lines.remove(i);
            }
            Damage::DuplicateLine => lines.insert(i, lines[i].clone()),
            Damage::Insert(t) => lines[i].insert_str(at, t),
            Damage::Truncate => lines[i].truncate(at),
            Damage::ExtraSpace => lines[i].insert(0, ' '),
            Damage::ReplaceLine(t) => lines[i] = t.to_string(),
        }
    }
    let mut out = String::new();
    if style.bom {
        out.push('\u{feff}');
    }
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        let crlf = style.line_end == 1 || (style.line_end == 2 && i % 3 == 1);
        out.push_str(if crlf { "\r\n" } else { "\n" });
    }
    out
}

/// Writes a [`V`] as YAML (or JSON), taking each style decision from the style's choices.
pub struct Render<'a> {
    style: &'a Style,
    json: bool,
    choice: usize,
    out: String,
}

impl<'a> Render<'a> {
    pub fn new(style: &'a Style, json: bool) -> Self {
        Render {
            style,
            json,
            choice: 0,
            out: String::new(),
        }
    }

    fn pick(&mut self) -> u8 {
        let c = &self.style.choices;
        let v = c[self.choice % c.len()];
        self.choice += 1;
        v
    }

    /// Should this collection node be written in flow style?
    fn flow_here(&mut self) -> bool {
        match self.style.flow {
            0 => false,
            1 => self.pick() < 32,
            2 => self.pick() < 85,
            _ => true,
        }
    }

    fn pad(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    pub fn document(&mut self, v: &V) {
        match v {
            V::Map(e) if !e.is_empty() && self.style.flow != 3 => self.map_block(e, 0),
            V::Seq(items) if !items.is_empty() && !self.flow_here() => self.seq_block(items, 0),
            _ => {
                self.flow(v);
                self.out.push('\n');
            }
        }
    }

    fn map_block(&mut self, entries: &[(String, V)], indent: usize) {
        for (k, v) in entries {
            self.pad(indent);
            let k = self.scalar(k, true, false);
            self.out.push_str(&k);
            self.out.push(':');
            self.after_key(v, indent);
        }
    }

    fn after_key(&mut self, v: &V, indent: usize) {
        let step = self.style.indent;
        match v {
            V::Block(lines) if !lines.is_empty() && !lines[0].starts_with(' ') => {
                self.block_scalar(lines, indent + step)
            }
            V::Map(e) if !e.is_empty() && !self.flow_here() => {
                self.out.push('\n');
                self.map_block(e, indent + step);
            }
            V::Seq(items) if !items.is_empty() && !self.flow_here() => {
                self.out.push('\n');
                let at = if self.style.indent_seqs {
                    indent + step
                } else {
                    indent
                };
                self.seq_block(items, at);
            }
            _ => {
                self.out.push(' ');
                self.flow(v);
                self.out.push('\n');
            }
        }
    }

    fn seq_block(&mut self, items: &[V], indent: usize) {
        for item in items {
            let start = self.out.len();
            match item {
                V::Map(e) if !e.is_empty() && !self.flow_here() => {
                    self.map_block(e, indent + 2);
                    self.dash(start, indent);
                }
                V::Seq(inner) if !inner.is_empty() && !self.flow_here() => {
                    self.seq_block(inner, indent + 2);
                    self.dash(start, indent);
                }
                V::Block(lines) if !lines.is_empty() && !lines[0].starts_with(' ') => {
                    self.pad(indent);
                    self.out.push('-');
                    self.block_scalar(lines, indent + 2);
                }
                _ => {
                    self.pad(indent);
                    self.out.push_str("- ");
                    self.flow(item);
                    self.out.push('\n');
                }
            }
        }
    }

    /// Turn the first `indent + 2` spaces written since `start` into `- ` at `indent`.
    fn dash(&mut self, start: usize, indent: usize) {
        self.out
            .replace_range(start + indent..start + indent + 2, "- ");
    }

    /// Multi-line text (an aws-auth `mapRoles`): a literal block mostly, sometimes a quoted
    /// scalar over several lines, whose line folding and escapes the rules must map back.
    fn block_scalar(&mut self, lines: &[String], indent: usize) {
        let header = match self.pick() % 8 {
            0 => " |-\n",
            1 => " |+\n",
            6 => return self.quoted_lines(lines, indent, false),
            7 => return self.quoted_lines(lines, indent, true),
            _ => " |\n",
        };
        self.out.push_str(header);
        for l in lines {
            if !l.is_empty() {
                self.pad(indent);
                self.out.push_str(l);
            }
            self.out.push('\n');
        }
    }

    /// The lines as one quoted scalar over several source lines. Single-quoted: each line break
    /// of the text is an empty source line (leading spaces of a line fold away, which changes the
    /// embedded YAML; fine for a hostile input). Double-quoted: `\n` escapes, escaped line breaks
    /// and `\ ` for leading spaces keep the text exactly.
    fn quoted_lines(&mut self, lines: &[String], indent: usize, double_quoted: bool) {
        self.out.push(' ');
        self.out.push(if double_quoted { '"' } else { '\'' });
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                if double_quoted {
                    self.out.push_str("\\n\\\n");
                } else {
                    self.out.push_str("\n\n");
                }
                self.pad(indent);
            }
            if double_quoted {
                let rest = l.trim_start_matches(' ');
                for _ in 0..l.len() - rest.len() {
                    self.out.push_str("\\ ");
                }
                let d = double(rest);
                self.out.push_str(&d[1..d.len() - 1]);
            } else {
                self.out.push_str(&l.replace('\'', "''"));
            }
        }
        if double_quoted {
            self.out.push_str("\\n\"\n");
        } else {
            self.out.push_str("\n\n");
            self.pad(indent);
            self.out.push_str("'\n");
        }
    }

    pub fn flow(&mut self, v: &V) {
        match v {
            V::Str(t) => {
                let t = self.scalar(t, false, true);
                self.out.push_str(&t);
            }
            V::Raw(t) => self.out.push_str(t),
            V::Block(lines) => {
                let t = double(&(lines.join("\n") + "\n"));
                self.out.push_str(&t);
            }
            V::Map(e) => {
                self.out.push('{');
                for (i, (k, v)) in e.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    let k = self.scalar(k, true, true);
                    self.out.push_str(&k);
                    self.out.push_str(": ");
                    self.flow(v);
                }
                self.out.push('}');
            }
            V::Seq(items) => {
                self.out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.flow(v);
                }
                self.out.push(']');
            }
        }
    }

    /// A string as a plain, single- or double-quoted scalar (always double-quoted in JSON).
    fn scalar(&mut self, t: &str, key: bool, in_flow: bool) -> String {
        if self.json {
            return double(t);
        }
        let mode = self.pick() % if key { 8 } else { 4 };
        match mode {
            0 | 1 | 4..=7 if plain_ok(t, in_flow) => t.to_string(),
            2 if !t.chars().any(|c| c.is_control() && c != '\t') => {
                format!("'{}'", t.replace('\'', "''"))
            }
            _ => double(t),
        }
    }
}

/// Can `t` be written as a plain scalar and read back as the same text (type aside)?
pub fn plain_ok(t: &str, in_flow: bool) -> bool {
    let Some(first) = t.chars().next() else {
        return false;
    };
    let second = t.chars().nth(1);
    !t.starts_with(char::is_whitespace)
        && !t.ends_with(char::is_whitespace)
        && !t.ends_with(':')
        && !t
            .chars()
            .any(|c| c.is_control() || c == '\u{feff}' || c == '\u{2028}')
        && !t.contains(": ")
        && !t.contains(" #")
        && !",[]{}#&*!|>'\"%@`".contains(first)
        && !("-?:".contains(first) && second.is_none_or(char::is_whitespace))
        && !(in_flow && t.contains([',', '[', ']', '{', '}']))
}

/// A double-quoted scalar, valid in YAML and in JSON.
pub fn double(t: &str) -> String {
    let mut o = String::from("\"");
    for c in t.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{feff}' => {
                o.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The renderer writes what it is asked: a quick look at the shapes it produces.
    #[test]
    fn renderer_shapes() {
        let style = Style {
            line_end: 0,
            bom: false,
            indent: 2,
            indent_seqs: false,
            flow: 0,
            choices: vec![4],
            leading_separator: false,
            end_marker: false,
            comments: Vec::new(),
        };
        let v = map(vec![
            ("a", s("x")),
            (
                "b",
                V::Seq(vec![map(vec![("c", s("y")), ("d", raw("1"))]), s("z")]),
            ),
            (
                "e",
                V::Block(vec![
                    "- rolearn: r".into(),
                    "".into(),
                    "  groups: [g]".into(),
                ]),
            ),
            ("f", map(vec![])),
        ]);
        let mut r = Render::new(&style, false);
        r.document(&v);
        assert_eq!(
            r.out,
            "a: x\nb:\n- c: y\n  d: 1\n- z\ne: |\n  - rolearn: r\n\n    groups: [g]\nf: {}\n"
        );
        let lines = vec!["- a: 'x'".to_string(), "  b: [c]".to_string()];
        let mut r = Render::new(&style, false);
        r.quoted_lines(&lines, 2, true);
        assert_eq!(r.out, " \"- a: 'x'\\n\\\n  \\ \\ b: [c]\\n\"\n");
        let mut r = Render::new(&style, false);
        r.quoted_lines(&lines, 2, false);
        assert_eq!(r.out, " '- a: ''x''\n\n    b: [c]\n\n  '\n");
        for (text, value) in [
            (
                "k: \"- a: 'x'\\n\\\n  \\ \\ b: [c]\\n\"\n",
                "- a: 'x'\n  b: [c]\n",
            ),
            (
                "k: '- a: ''x''\n\n    b: [c]\n\n  '\n",
                "- a: 'x'\nb: [c]\n",
            ),
        ] {
            let file = ekslint_manifest::parse_str("q.yaml", text);
            assert!(file.problems.is_empty(), "{text:?}: {:?}", file.problems);
            let root = file.documents[0].root.expect("a root");
            let k = file.tree.get(root, "k").expect("k");
            assert_eq!(file.tree.as_str(k), Some(value), "{text:?}");
        }
        let mut r = Render::new(&style, true);
        r.flow(&v);
        let json: serde_json::Value = serde_json::from_str(&r.out).expect("JSON");
        assert_eq!(json["e"], "- rolearn: r\n\n  groups: [g]\n");
    }
}
