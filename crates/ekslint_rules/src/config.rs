//! `.ekslint.yaml`: loaded with our own span-aware loader, so every config error points at its line.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ekslint_manifest::{NodeId, SourceFile, Span, Tree};

use crate::rule::Severity;

pub const CONFIG_FILE_NAME: &str = ".ekslint.yaml";

/// A configuration error, with its position in the config file when there is one.
#[derive(Debug)]
pub struct ConfigError {
    pub source: Option<Arc<SourceFile>>,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl ConfigError {
    fn at(source: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Self {
        ConfigError {
            source: Some(source.clone()),
            span,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A value from the config file with where it was written.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// The contents of `.ekslint.yaml`.
#[derive(Debug, Default)]
pub struct Config {
    /// The file, when one was loaded.
    pub source: Option<Arc<SourceFile>>,
    /// Directory that `per-file-ignores` globs are relative to.
    pub dir: PathBuf,
    pub target_version: Option<Spanned<String>>,
    pub select: Option<Vec<Spanned<String>>>,
    pub ignore: Vec<Spanned<String>>,
    /// Rules whose fixes `--fix` may apply (`fixable`, default all) and may not (`unfixable`).
    pub fixable: Option<Vec<Spanned<String>>>,
    pub unfixable: Vec<Spanned<String>>,
    pub severity: Vec<(Spanned<String>, Severity)>,
    pub per_file_ignores: Vec<(Spanned<String>, Vec<Spanned<String>>)>,
    pub fail_on: Option<Severity>,
    /// The AWS environment being migrated to (`aws:`).
    pub aws: AwsTarget,
    /// Resource limits (`limits:`), already validated.
    pub limits: Option<ekslint_manifest::Limits>,
    /// ServiceAccounts that another tool creates (eksctl, Terraform, a platform team's
    /// repository): `name` or `namespace/name`, either part `*` (`external-service-accounts`).
    pub external_service_accounts: Vec<Spanned<String>>,
    /// The release each add-on runs on the destination cluster (`addons: {cert-manager: "1.5"}`).
    pub addons: Vec<(String, crate::version::KubeVersion)>,
    /// The destination cluster's Fargate profiles (`fargate-profiles:`): which pods run on
    /// Fargate. Without them, only a pod's own `eks.amazonaws.com/compute-type: fargate` node
    /// selector says so.
    pub fargate_profiles: Vec<FargateProfile>,
    /// The registries the new cluster's nodes can pull from (`registries:`).
    pub registries: Registries,
}

/// The registries the new cluster's nodes can pull from, and whether they reach the internet:
/// `registries:` in the config. Read by the image rules of the PORT family.
#[derive(Clone, Debug, Default)]
pub struct Registries {
    /// Registry hosts (`registry.example.com`, `registry.example.com:5000`), host wildcards
    /// (`*.example.com`) or repository prefixes (`docker.io/library`, `gcr.io/distroless`)
    /// that the nodes can pull from: images under them are never reported (`allowed`).
    pub allowed: Vec<String>,
    /// The nodes have no route to the internet: every registry but Amazon ECR and `allowed`
    /// is unreachable (`private-cluster`).
    pub private_cluster: bool,
}

impl Registries {
    /// Is the image `host/path` (path without tag or digest, Docker Hub's official images
    /// under `library/`) in an allowed registry or repository?
    pub fn allows(&self, host: &str, path: &str) -> bool {
        let bare_host = host.split(':').next().unwrap_or(host);
        self.allowed.iter().any(|a| {
            if let Some(suffix) = a.strip_prefix('*') {
                return bare_host.ends_with(suffix) && bare_host.len() > suffix.len();
            }
            match a.split_once('/') {
                Some((h, prefix)) => {
                    (h == host || h == bare_host)
                        && (path == prefix
                            || path
                                .strip_prefix(prefix)
                                .is_some_and(|rest| rest.starts_with('/')))
                }
                None => a == host || a == bare_host,
            }
        })
    }
}

const REGISTRIES_KEYS: &[&str] = &["allowed", "private-cluster"];

/// A Fargate profile of the destination cluster: its name and up to five selectors. A pod runs on
/// Fargate when any selector of any profile selects it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FargateProfile {
    /// The profile's name (`profile-<n>` when the config gives none), for messages.
    pub name: String,
    pub selectors: Vec<FargateSelector>,
}

/// One selector of a Fargate profile: a namespace and optional labels, each of which may hold the
/// `*` (any run of characters) and `?` (exactly one character) wildcards EKS allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FargateSelector {
    pub namespace: String,
    /// Label key and value patterns; a pod must have a label matching each.
    pub labels: Vec<(String, String)>,
}

impl FargateSelector {
    /// Does this selector select a pod in `namespace` with `labels`?
    pub fn matches<'a>(
        &self,
        namespace: &str,
        labels: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
    ) -> bool {
        // An empty namespace is set at deploy time: only a selector of every namespace (`*`)
        // certainly selects it.
        (if namespace.is_empty() {
            self.namespace.chars().all(|c| c == '*')
        } else {
            wildcard_match(&self.namespace, namespace)
        }) && self.labels.iter().all(|(k, v)| {
            labels
                .clone()
                .into_iter()
                .any(|(pk, pv)| wildcard_match(k, pk) && wildcard_match(v, pv))
        })
    }
}

impl FargateProfile {
    /// The first selector of this profile that selects the pod, if any.
    pub fn selecting<'a>(
        &self,
        namespace: &str,
        labels: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
    ) -> Option<&FargateSelector> {
        self.selectors
            .iter()
            .find(|s| s.matches(namespace, labels.clone()))
    }
}

/// EKS's Fargate profile wildcards: `*` matches any run of characters (none included), `?`
/// exactly one; everything else matches itself.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Greedy match with backtracking to the last `*`: linear in practice, no recursion.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The AWS account(s), partition and region the manifests are moving to: `aws:` in the config.
/// Rules that compare ARNs against the destination read this; everything is optional.
#[derive(Clone, Debug, Default)]
pub struct AwsTarget {
    /// 12-digit account IDs whose roles the manifests may use (`account-ids`).
    pub account_ids: Vec<String>,
    /// One of the partitions in `rules/aws/partitions.yaml` (`partition`).
    pub partition: Option<String>,
    /// The region of the new cluster (`region`).
    pub region: Option<String>,
}

const AWS_KEYS: &[&str] = &["account-ids", "partition", "region"];

const KEYS: &[&str] = &[
    "aws",
    "fargate-profiles",
    "limits",
    "target-version",
    "select",
    "ignore",
    "severity",
    "per-file-ignores",
    "fail-on",
    "external-service-accounts",
    "addons",
    "fixable",
    "unfixable",
];

/// `.ekslint.yaml` in `start` or the nearest parent directory.
pub fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Read and validate a config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|b| ekslint_manifest::decode(b).map_err(|(p, _)| p.message))
        .map_err(|e| ConfigError {
            source: None,
            span: Span::default(),
            message: format!("cannot read config file {}: {e}", path.display()),
            help: None,
        })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse(&path.display().to_string(), &text, dir)
}

/// Parse config text (exposed for tests).
pub fn parse(path: &str, text: &str, dir: PathBuf) -> Result<Config, ConfigError> {
    let file = ekslint_manifest::parse_str(path, text);
    let src = file.source.clone();
    if let Some(p) = file.problems.first() {
        return Err(ConfigError::at(
            &src,
            p.span,
            format!("invalid YAML in config: {}", p.message),
        ));
    }
    let mut config = Config {
        source: Some(src.clone()),
        dir,
        ..Config::default()
    };
    let tree = &file.tree;
    let Some(root) = file.documents.first().and_then(|d| d.root) else {
        return Ok(config);
    };
    if tree.is_null(root) {
        return Ok(config);
    }
    let Some(entries) = tree.entries(root) else {
        return Err(ConfigError::at(
            &src,
            tree.span(root),
            "the config must be a map of settings",
        ));
    };
    for e in entries {
        let key = tree.scalar_text(e.key).unwrap_or("");
        let kspan = tree.span(e.key);
        let v = e.value;
        match key {
            "target-version" => {
                // The raw text: unquoted `1.30` must not become the float 1.3.
                let s = scalar_string(tree, v, &src, "target-version")?;
                config.target_version = Some(s);
            }
            "select" => config.select = Some(string_list(tree, v, &src, "select")?),
            "ignore" => config.ignore = string_list(tree, v, &src, "ignore")?,
            "fixable" => config.fixable = Some(string_list(tree, v, &src, "fixable")?),
            "unfixable" => config.unfixable = string_list(tree, v, &src, "unfixable")?,
            "fail-on" => {
                let s = scalar_string(tree, v, &src, "fail-on")?;
                config.fail_on = Some(parse_severity(&s, &src)?);
            }
            "aws" => config.aws = parse_aws(tree, v, &src)?,
            "registries" => config.registries = parse_registries(tree, v, &src)?,
            "addons" => {
                let Some(map) = tree.entries(v) else {
                    return Err(ConfigError::at(
                        &src,
                        tree.span(v),
                        "`addons` must map add-on names to their release (`cert-manager: \"1.5\"`)",
                    ));
                };
                for ae in map {
                    let name = scalar_string(tree, ae.key, &src, "addons")?;
                    if crate::rules::api::support::addons::addon(&name.value).is_none() {
                        let known: Vec<&str> = crate::rules::api::support::addons::ADDONS
                            .addons
                            .iter()
                            .map(|a| a.name.as_str())
                            .collect();
                        let mut err = ConfigError::at(
                            &src,
                            name.span,
                            format!(
                                "`{}` is not an add-on ekslint knows the APIs of",
                                name.value
                            ),
                        );
                        err = match crate::support::suggest::closest(
                            &name.value,
                            known.iter().copied(),
                        ) {
                            Some(n) => err.help(format!("did you mean `{n}`?")),
                            None => err.help(format!("known add-ons: {}", known.join(", "))),
                        };
                        return Err(err);
                    }
                    let release = scalar_string(tree, ae.value, &src, "addons")?;
                    let Some(v) = crate::version::KubeVersion::parse(&release.value) else {
                        return Err(ConfigError::at(
                            &src,
                            release.span,
                            format!("`{}` is not a release like 1.5 or v6.2.1", release.value),
                        ));
                    };
                    config.addons.push((name.value, v));
                }
            }
            "external-service-accounts" => {
                let list = string_list(tree, v, &src, "external-service-accounts")?;
                for s in &list {
                    let ok = match s.value.split_once('/') {
                        Some((ns, name)) => {
                            !ns.is_empty() && !name.is_empty() && !name.contains('/')
                        }
                        None => !s.value.is_empty(),
                    };
                    if !ok {
                        return Err(ConfigError::at(
                            &src,
                            s.span,
                            format!("`{}` is not a ServiceAccount", s.value),
                        )
                        .help("write `name` (any namespace) or `namespace/name`; either part may be `*`"));
                    }
                }
                config.external_service_accounts = list;
            }
            "fargate-profiles" => config.fargate_profiles = parse_fargate(tree, v, &src)?,
            "limits" => {
                let Some(map) = tree.entries(v) else {
                    return Err(ConfigError::at(
                        &src,
                        tree.span(v),
                        "`limits` must map limit names to numbers",
                    ));
                };
                let mut limits = ekslint_manifest::Limits::default();
                for le in map {
                    let name = scalar_string(tree, le.key, &src, "limits")?;
                    let value = scalar_string(tree, le.value, &src, "limits")?;
                    limits.set(&name.value, &value.value).map_err(|m| {
                        let span = if ekslint_manifest::Limits::NAMES
                            .iter()
                            .any(|(n, _)| *n == name.value)
                        {
                            value.span
                        } else {
                            name.span
                        };
                        ConfigError::at(&src, span, m)
                    })?;
                }
                config.limits = Some(limits);
            }
            "severity" => {
                let Some(map) = tree.entries(v) else {
                    return Err(ConfigError::at(
                        &src,
                        tree.span(v),
                        "`severity` must map rule codes to error, warning or info",
                    ));
                };
                for se in map {
                    let code = scalar_string(tree, se.key, &src, "severity")?;
                    let level = scalar_string(tree, se.value, &src, "severity")?;
                    let level = parse_severity(&level, &src)?;
                    config.severity.push((code, level));
                }
            }
            "per-file-ignores" => {
                let Some(map) = tree.entries(v) else {
                    return Err(ConfigError::at(
                        &src,
                        tree.span(v),
                        "`per-file-ignores` must map file globs to lists of rule codes",
                    ));
                };
                for pe in map {
                    let glob = scalar_string(tree, pe.key, &src, "per-file-ignores")?;
                    if let Err(err) = globset::Glob::new(&glob.value) {
                        return Err(ConfigError::at(
                            &src,
                            glob.span,
                            format!("invalid glob `{}`: {err}", glob.value),
                        ));
                    }
                    let codes = string_list(tree, pe.value, &src, "per-file-ignores")?;
                    config.per_file_ignores.push((glob, codes));
                }
            }
            _ => {
                let mut err = ConfigError::at(&src, kspan, format!("unknown setting `{key}`"));
                err = match crate::support::suggest::closest(key, KEYS.iter().copied()) {
                    Some(n) => err.help(format!("did you mean `{n}`?")),
                    None => err.help(format!("known settings: {}", KEYS.join(", "))),
                };
                return Err(err);
            }
        }
    }
    // Every rule selector must name something.
    let selectors = config
        .select
        .iter()
        .flatten()
        .chain(&config.ignore)
        .chain(config.fixable.iter().flatten())
        .chain(&config.unfixable)
        .chain(config.severity.iter().map(|(c, _)| c))
        .chain(config.per_file_ignores.iter().flat_map(|(_, c)| c));
    for s in selectors {
        check_selector(s, &src)?;
    }
    Ok(config)
}

fn parse_aws(tree: &Tree, node: NodeId, src: &Arc<SourceFile>) -> Result<AwsTarget, ConfigError> {
    let mut aws = AwsTarget::default();
    if tree.is_null(node) {
        return Ok(aws);
    }
    let Some(entries) = tree.entries(node) else {
        return Err(ConfigError::at(
            src,
            tree.span(node),
            "`aws` must be a map with account-ids, partition and region",
        ));
    };
    for e in entries {
        let key = tree.scalar_text(e.key).unwrap_or("");
        match key {
            "account-ids" => {
                for id in string_list(tree, e.value, src, "aws.account-ids")? {
                    if id.value.len() != 12 || !id.value.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(ConfigError::at(
                            src,
                            id.span,
                            format!("`{}` is not a 12-digit AWS account ID", id.value),
                        )
                        .help(
                            "quote account IDs so that leading zeros survive: \"012345678901\"",
                        ));
                    }
                    aws.account_ids.push(id.value);
                }
            }
            "partition" => {
                let p = scalar_string(tree, e.value, src, "aws.partition")?;
                if !crate::support::aws::is_partition(&p.value) {
                    return Err(ConfigError::at(
                        src,
                        p.span,
                        format!("`{}` is not an AWS partition", p.value),
                    )
                    .help(format!(
                        "use one of {}",
                        crate::support::aws::partition_ids()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                aws.partition = Some(p.value);
            }
            "region" => {
                let r = scalar_string(tree, e.value, src, "aws.region")?;
                let ok = r.value.split('-').count() >= 3
                    && r.value
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !ok {
                    return Err(ConfigError::at(
                        src,
                        r.span,
                        format!("`{}` is not an AWS region name", r.value),
                    )
                    .help("for example eu-west-1 or us-gov-west-1"));
                }
                aws.region = Some(r.value);
            }
            _ => {
                let mut err = ConfigError::at(
                    src,
                    tree.span(e.key),
                    format!("unknown setting `aws.{key}`"),
                );
                err = err.help(format!(
                    "known settings under `aws`: {}",
                    AWS_KEYS.join(", ")
                ));
                return Err(err);
            }
        }
    }
    Ok(aws)
}

/// Fargate allows five selectors per profile (`fargate-profile.adoc`).
const MAX_FARGATE_SELECTORS: usize = 5;

const FARGATE_PROFILE_KEYS: &[&str] = &["name", "selectors", "namespace", "labels"];

/// `fargate-profiles:` a list of profiles, each `{name, selectors: [{namespace, labels}]}`, or
/// `{name, namespace, labels}` for a profile with one selector.
fn parse_fargate(
    tree: &Tree,
    node: NodeId,
    src: &Arc<SourceFile>,
) -> Result<Vec<FargateProfile>, ConfigError> {
    if tree.is_null(node) {
        return Ok(Vec::new());
    }
    let Some(items) = tree.items(node) else {
        return Err(ConfigError::at(
            src,
            tree.span(node),
            "`fargate-profiles` must be a list of profiles",
        )
        .help("fargate-profiles:\n  - name: batch\n    selectors:\n      - namespace: batch-*"));
    };
    let mut out = Vec::new();
    for (i, &p) in items.iter().enumerate() {
        let Some(entries) = tree.entries(p) else {
            return Err(ConfigError::at(
                src,
                tree.span(p),
                "a Fargate profile must be a map with `name` and `selectors`",
            ));
        };
        let mut profile = FargateProfile {
            name: format!("profile-{}", i + 1),
            selectors: Vec::new(),
        };
        let mut inline: Option<NodeId> = None;
        for e in entries {
            let key = tree.scalar_text(e.key).unwrap_or("");
            match key {
                "name" => profile.name = scalar_string(tree, e.value, src, "name")?.value,
                "selectors" => {
                    let Some(sels) = tree.items(e.value) else {
                        return Err(ConfigError::at(
                            src,
                            tree.span(e.value),
                            "`selectors` must be a list of `{namespace, labels}` maps",
                        ));
                    };
                    if sels.is_empty() {
                        return Err(ConfigError::at(
                            src,
                            tree.span(e.value),
                            "a Fargate profile needs at least one selector",
                        ));
                    }
                    if sels.len() > MAX_FARGATE_SELECTORS {
                        return Err(ConfigError::at(
                            src,
                            tree.span(sels[MAX_FARGATE_SELECTORS]),
                            format!(
                                "a Fargate profile has at most {MAX_FARGATE_SELECTORS} selectors"
                            ),
                        )
                        .help("split the selectors over several profiles"));
                    }
                    for &s in sels {
                        profile
                            .selectors
                            .push(parse_fargate_selector(tree, s, src)?);
                    }
                }
                "namespace" | "labels" => inline = Some(p),
                _ => {
                    let err = ConfigError::at(
                        src,
                        tree.span(e.key),
                        format!("unknown setting `{key}` in a Fargate profile"),
                    );
                    return Err(
                        match crate::support::suggest::closest(
                            key,
                            FARGATE_PROFILE_KEYS.iter().copied(),
                        ) {
                            Some(n) => err.help(format!("did you mean `{n}`?")),
                            None => err.help("a profile has `name` and `selectors`"),
                        },
                    );
                }
            }
        }
        match inline {
            Some(_) if !profile.selectors.is_empty() => {
                return Err(ConfigError::at(
                    src,
                    tree.span(p),
                    "a Fargate profile has either `selectors` or one `namespace` (with `labels`), not both",
                ));
            }
            Some(p) => profile
                .selectors
                .push(parse_fargate_selector(tree, p, src)?),
            None if profile.selectors.is_empty() => {
                return Err(ConfigError::at(
                    src,
                    tree.span(p),
                    "a Fargate profile needs `selectors` (each with a `namespace`)",
                ));
            }
            None => {}
        }
        out.push(profile);
    }
    Ok(out)
}

fn parse_fargate_selector(
    tree: &Tree,
    node: NodeId,
    src: &Arc<SourceFile>,
) -> Result<FargateSelector, ConfigError> {
    let Some(entries) = tree.entries(node) else {
        return Err(ConfigError::at(
            src,
            tree.span(node),
            "a Fargate selector must be a map with `namespace` and optional `labels`",
        ));
    };
    let mut namespace = None;
    let mut labels = Vec::new();
    for e in entries {
        match tree.scalar_text(e.key).unwrap_or("") {
            "namespace" => namespace = Some(scalar_string(tree, e.value, src, "namespace")?),
            "labels" => {
                if tree.is_null(e.value) {
                    continue;
                }
                let Some(map) = tree.entries(e.value) else {
                    return Err(ConfigError::at(
                        src,
                        tree.span(e.value),
                        "`labels` must map label keys to values",
                    ));
                };
                for le in map {
                    let k = scalar_string(tree, le.key, src, "labels")?;
                    let v = scalar_string(tree, le.value, src, "labels")?;
                    labels.push((k.value, v.value));
                }
            }
            // `name` and `selectors` belong to the profile of a one-selector shorthand.
            "name" | "selectors" => {}
            other => {
                return Err(ConfigError::at(
                    src,
                    tree.span(e.key),
                    format!("unknown setting `{other}` in a Fargate selector"),
                )
                .help("a selector has `namespace` and optional `labels`"));
            }
        }
    }
    let Some(namespace) = namespace else {
        return Err(ConfigError::at(
            src,
            tree.span(node),
            "a Fargate selector must name a `namespace` (wildcards `*` and `?` allowed)",
        ));
    };
    if namespace.value.is_empty() {
        return Err(ConfigError::at(
            src,
            namespace.span,
            "a Fargate selector's namespace cannot be empty",
        ));
    }
    Ok(FargateSelector {
        namespace: namespace.value,
        labels,
    })
}

fn check_selector(s: &Spanned<String>, src: &Arc<SourceFile>) -> Result<(), ConfigError> {
    if crate::selector::is_known(&s.value) {
        return Ok(());
    }
    let err = ConfigError::at(src, s.span, format!("`{}` selects no rule", s.value));
    Err(match crate::selector::suggest(&s.value) {
        Some(near) => err.help(format!("did you mean `{near}`? `ekslint rules` lists every rule")),
        None => err.help("use a rule code (API001), a name (api-removed), a prefix (API) or ALL; `ekslint rules` lists them"),
    })
}

fn parse_severity(s: &Spanned<String>, src: &Arc<SourceFile>) -> Result<Severity, ConfigError> {
    Severity::parse(&s.value).ok_or_else(|| {
        ConfigError::at(src, s.span, format!("`{}` is not a severity", s.value))
            .help("use error, warning or info")
    })
}

fn scalar_string(
    tree: &Tree,
    node: NodeId,
    src: &Arc<SourceFile>,
    what: &str,
) -> Result<Spanned<String>, ConfigError> {
    match tree.scalar_text(node) {
        Some(s) => Ok(Spanned {
            value: s.to_string(),
            span: tree.span(node),
        }),
        None => Err(ConfigError::at(
            src,
            tree.span(node),
            format!(
                "`{what}` expects a single value here, not a {}",
                tree.type_name(node)
            ),
        )),
    }
}

fn string_list(
    tree: &Tree,
    node: NodeId,
    src: &Arc<SourceFile>,
    what: &str,
) -> Result<Vec<Spanned<String>>, ConfigError> {
    match tree.items(node) {
        Some(items) => items
            .iter()
            .map(|&i| scalar_string(tree, i, src, what))
            .collect(),
        None if tree.scalar(node).is_some() => Ok(vec![scalar_string(tree, node, src, what)?]),
        None => Err(ConfigError::at(
            src,
            tree.span(node),
            format!("`{what}` expects a list, not a {}", tree.type_name(node)),
        )),
    }
}

fn parse_registries(
    tree: &Tree,
    node: NodeId,
    src: &Arc<SourceFile>,
) -> Result<Registries, ConfigError> {
    let mut out = Registries::default();
    if tree.is_null(node) {
        return Ok(out);
    }
    let Some(entries) = tree.entries(node) else {
        return Err(ConfigError::at(
            src,
            tree.span(node),
            "`registries` must be a map with allowed and private-cluster",
        ));
    };
    for e in entries {
        let key = tree.scalar_text(e.key).unwrap_or("");
        match key {
            "allowed" => {
                for r in string_list(tree, e.value, src, "registries.allowed")? {
                    check_registry(&r, src)?;
                    out.allowed.push(r.value);
                }
            }
            "private-cluster" => {
                out.private_cluster = match tree.scalar(e.value).map(|s| s.resolved()) {
                    Some(ekslint_manifest::yaml11::Resolved::Bool(b)) => b,
                    _ => {
                        return Err(ConfigError::at(
                            src,
                            tree.span(e.value),
                            "`registries.private-cluster` is true or false",
                        )
                        .help("true when the cluster's nodes have no route to the internet"));
                    }
                };
            }
            _ => {
                let err = ConfigError::at(
                    src,
                    tree.span(e.key),
                    format!("unknown setting `registries.{key}`"),
                );
                return Err(
                    match crate::support::suggest::closest(key, REGISTRIES_KEYS.iter().copied()) {
                        Some(n) => err.help(format!("did you mean `{n}`?")),
                        None => err.help(format!(
                            "known settings under `registries`: {}",
                            REGISTRIES_KEYS.join(", ")
                        )),
                    },
                );
            }
        }
    }
    Ok(out)
}

/// A registry host, `*.` host wildcard or `host/repository` prefix, without a scheme, tag or
/// digest.
fn check_registry(r: &Spanned<String>, src: &Arc<SourceFile>) -> Result<(), ConfigError> {
    let v = r.value.as_str();
    let problem = if v.is_empty() {
        Some("an empty registry")
    } else if v.contains("://") {
        Some("a URL: write the registry host without a scheme")
    } else if v.chars().any(char::is_whitespace) {
        Some("not a registry: it has a space")
    } else if v.contains('@')
        || v.rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':') && v.contains('/'))
    {
        Some("an image: write the registry host or repository prefix without a tag or digest")
    } else if v.ends_with('/') {
        Some("a prefix with a trailing `/`")
    } else if v.contains('*') && !(v.starts_with("*.") && !v[1..].contains('*') && !v.contains('/'))
    {
        Some("a wildcard in the wrong place: only a leading `*.` is allowed (`*.example.com`)")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(ConfigError::at(src, r.span, format!("`{v}` is {p}")).help(
            "list registry hosts (`registry.example.com`), host wildcards (`*.example.com`) or repository prefixes (`gcr.io/distroless`)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let text = "target-version: 1.30\nselect: [API, YAML]\nignore: [API002]\nseverity: {API003: error}\nper-file-ignores:\n  'legacy/**': [API001]\nfail-on: warning\n";
        let c = parse("c.yaml", text, PathBuf::new()).unwrap();
        assert_eq!(c.target_version.unwrap().value, "1.30");
        assert_eq!(c.select.unwrap().len(), 2);
        assert_eq!(c.severity[0].1, Severity::Error);
        assert_eq!(c.fail_on, Some(Severity::Warning));
        assert_eq!(c.per_file_ignores[0].0.value, "legacy/**");
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        let err = parse(
            "c.yaml",
            "target-version: 1.30\nselct: [API]\n",
            PathBuf::new(),
        )
        .unwrap_err();
        assert_eq!(err.span, Span::new(21, 26));
        assert!(err.help.unwrap().contains("select"));
        let err = parse("c.yaml", "ignore: [API01]\n", PathBuf::new()).unwrap_err();
        assert_eq!(err.span, Span::new(9, 14));
        assert!(err.help.unwrap().contains("API001"));
        let err = parse("c.yaml", "severity: {API001: fatal}\n", PathBuf::new()).unwrap_err();
        assert!(err.message.contains("fatal"));
    }

    #[test]
    fn limits() {
        let c = parse(
            "c.yaml",
            "limits:\n  max-depth: 1000\n  max-file-bytes: 1_000_000\n",
            PathBuf::new(),
        )
        .unwrap();
        let l = c.limits.unwrap();
        assert_eq!((l.max_depth, l.max_file_bytes), (1000, 1_000_000));
        let err = parse("c.yaml", "limits:\n  max-depth: 99999\n", PathBuf::new()).unwrap_err();
        assert_eq!(err.span, Span::new(21, 26), "{}", err.message);
        let err = parse("c.yaml", "limits:\n  depth: 9\n", PathBuf::new()).unwrap_err();
        assert!(err.message.contains("max-depth"), "{}", err.message);
        assert_eq!(err.span, Span::new(10, 15));
    }

    #[test]
    fn fargate_profiles() {
        let text = "fargate-profiles:\n  - name: batch\n    selectors:\n      - namespace: batch-*\n        labels: {tier: 'work?r'}\n      - namespace: jobs\n  - namespace: kube-system\n    labels:\n      k8s-app: kube-dns\n";
        let c = parse("c.yaml", text, PathBuf::new()).unwrap();
        assert_eq!(c.fargate_profiles.len(), 2);
        let batch = &c.fargate_profiles[0];
        assert_eq!(batch.name, "batch");
        assert_eq!(batch.selectors.len(), 2);
        assert!(
            batch
                .selecting("batch-nightly", [("tier", "worker")])
                .is_some()
        );
        assert!(
            batch
                .selecting("batch-nightly", [("tier", "web")])
                .is_none()
        );
        assert!(batch.selecting("jobs", []).is_some());
        assert!(batch.selecting("batch", [("tier", "workers")]).is_none());
        let dns = &c.fargate_profiles[1];
        assert_eq!(dns.name, "profile-2");
        assert!(
            dns.selecting("kube-system", [("k8s-app", "kube-dns")])
                .is_some()
        );
        assert!(
            dns.selecting("kube-system", [("k8s-app", "metrics")])
                .is_none()
        );
        let err = parse(
            "c.yaml",
            "fargate-profiles:\n  - name: a\n    selectors: [{labels: {a: b}}]\n",
            PathBuf::new(),
        )
        .unwrap_err();
        assert!(err.message.contains("namespace"), "{}", err.message);
        let err = parse(
            "c.yaml",
            "fargate-profiles:\n  - name: a\n    selector: []\n",
            PathBuf::new(),
        )
        .unwrap_err();
        assert_eq!(err.help.as_deref(), Some("did you mean `selectors`?"));
        let six = (0..6)
            .map(|i| format!("{{namespace: n{i}}}"))
            .collect::<Vec<_>>()
            .join(", ");
        let err = parse(
            "c.yaml",
            &format!("fargate-profiles:\n  - selectors: [{six}]\n"),
            PathBuf::new(),
        )
        .unwrap_err();
        assert!(err.message.contains("at most 5"), "{}", err.message);
    }

    #[test]
    fn fargate_wildcards() {
        for (p, t, ok) in [
            ("prod*", "prod", true),
            ("prod*", "prod-metrics", true),
            ("*dev", "team-dev", true),
            ("*dev", "dev-team", false),
            ("value?", "valuea", true),
            ("value?", "value", false),
            ("value?", "value-a", false),
            ("frontend*?", "frontend", false),
            ("frontend*?", "frontend1", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("*", "", true),
            ("", "", true),
            ("", "x", false),
            ("kube-system", "kube-system", true),
        ] {
            assert_eq!(wildcard_match(p, t), ok, "{p} vs {t}");
        }
    }

    #[test]
    fn aws_target() {
        let text = "aws:\n  account-ids: ['012345678901', \"111122223333\"]\n  partition: aws-cn\n  region: cn-north-1\n";
        let c = parse("c.yaml", text, PathBuf::new()).unwrap();
        assert_eq!(c.aws.account_ids, ["012345678901", "111122223333"]);
        assert_eq!(c.aws.partition.as_deref(), Some("aws-cn"));
        assert_eq!(c.aws.region.as_deref(), Some("cn-north-1"));
        // An unquoted account ID with a leading zero is an octal int in YAML 1.1: keep the text.
        let err = parse("c.yaml", "aws:\n  account-ids: [12345]\n", PathBuf::new()).unwrap_err();
        assert!(err.message.contains("12-digit"), "{}", err.message);
        let err = parse("c.yaml", "aws:\n  partition: aws-china\n", PathBuf::new()).unwrap_err();
        assert!(err.help.unwrap().contains("aws-cn"));
        let err = parse("c.yaml", "aws:\n  regoin: x\n", PathBuf::new()).unwrap_err();
        assert!(err.message.contains("aws.regoin"));
    }

    #[test]
    fn registries() {
        let text = "registries:\n  allowed: [registry.example.com, '*.corp.example', gcr.io/distroless, 'mirror:5000']\n  private-cluster: yes\n";
        let c = parse("c.yaml", text, PathBuf::new()).unwrap();
        let r = &c.registries;
        assert!(r.private_cluster, "YAML 1.1 `yes` is true");
        assert!(r.allows("registry.example.com", "team/app"));
        assert!(r.allows("registry.example.com:443", "team/app"));
        assert!(r.allows("a.corp.example", "app"));
        assert!(!r.allows("corp.example", "app"));
        assert!(r.allows("gcr.io", "distroless/static"));
        assert!(!r.allows("gcr.io", "distrolessX/static"));
        assert!(!r.allows("gcr.io", "my-project/app"));
        assert!(r.allows("mirror:5000", "app"));
        assert!(!r.allows("mirror", "app"));
        assert!(!Registries::default().allows("docker.io", "library/nginx"));
        for (bad, what) in [
            ("registries:\n  allowed: ['https://gcr.io']\n", "URL"),
            ("registries:\n  allowed: ['gcr.io/app:1.0']\n", "image"),
            ("registries:\n  allowed: ['gcr.*.io']\n", "wildcard"),
            ("registries:\n  private-cluster: maybe\n", "true or false"),
            ("registries:\n  alowed: [x]\n", "registries.alowed"),
        ] {
            let err = parse("c.yaml", bad, PathBuf::new()).unwrap_err();
            assert!(err.message.contains(what), "{bad}: {}", err.message);
            assert!(err.span.start > 0, "{bad}: points into the file");
        }
        let err = parse("c.yaml", "registries:\n  alowed: [x]\n", PathBuf::new()).unwrap_err();
        assert!(err.help.unwrap().contains("allowed"));
    }

    /// The example in docs/configuration.md is a valid config.
    #[test]
    fn the_documented_example_parses() {
        let doc = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/configuration.md"
        ));
        let start = doc.find("```yaml\n").unwrap() + 8;
        let end = start + doc[start..].find("```").unwrap();
        let c = parse("configuration.md", &doc[start..end], PathBuf::new())
            .unwrap_or_else(|e| panic!("{}: {:?}", e.message, e.span));
        assert!(c.registries.allows("gcr.io", "distroless/static"));
        assert!(!c.registries.private_cluster);
    }
}
