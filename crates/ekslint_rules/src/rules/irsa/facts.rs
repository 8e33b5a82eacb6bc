//! What the IRSA per-set rules need from each object: every ServiceAccount with its role ARN, and
//! every workload with the ServiceAccount it resolves to and the pod facts whose meaning depends on
//! that ServiceAccount having a role.

use std::sync::Arc;

use ekslint_manifest::{NodeId, Object, ParsedFile, SourceFile, Tree};

use super::{TABLE, containers, env_vars, map_entries, pod_metadata};
use crate::index::{ByKey, Facts, Loc, namespace_or_default, ns_key};

/// `eks.amazonaws.com/role-arn` of a ServiceAccount (non-empty).
#[derive(Clone, Debug)]
pub struct RoleFact {
    pub arn: Box<str>,
    /// The annotation value.
    pub loc: Loc,
    /// Partition and account when the ARN is a valid role ARN.
    pub partition: Option<Box<str>>,
    pub account: Option<Box<str>>,
}

/// One ServiceAccount of the input.
#[derive(Clone, Debug)]
pub struct ServiceAccountFact {
    pub name: Box<str>,
    pub namespace: Box<str>,
    /// `metadata.name`'s value.
    pub loc: Loc,
    /// Position among the objects of its file.
    pub order: usize,
    pub role: Option<RoleFact>,
}

/// A container setting that puts other credentials ahead of (or in place of) web identity.
#[derive(Clone, Debug)]
pub struct CredentialFact {
    /// The env var's `name` value, or the volumeMount's `mountPath` value.
    pub loc: Loc,
    /// The env var name or the mount path.
    pub what: Box<str>,
    /// `keys`, `profile`, `file` (env vars, see the table) or `mount` (a mounted `.aws` folder).
    pub kind: &'static str,
    /// The env var has a literal `value` (not `valueFrom`).
    pub literal: bool,
    pub container: Box<str>,
}

/// One Pod or pod template.
#[derive(Clone, Debug)]
pub struct WorkloadFact {
    pub kind: Box<str>,
    pub name: Box<str>,
    pub namespace: Box<str>,
    /// `spec.serviceAccountName`, else the deprecated `spec.serviceAccount`, else `default`.
    pub service_account: Box<str>,
    /// The value node that named it; `None` when defaulted.
    pub sa_loc: Option<Loc>,
    /// The pod spec's `spec` key (where a missing `serviceAccountName` is reported).
    pub spec_loc: Loc,
    /// Position among the objects of its file.
    pub order: usize,
    pub credentials: Vec<CredentialFact>,
    /// The `eks.amazonaws.com/skip-pod-identity-webhook` label key.
    pub skip_label: Option<Loc>,
    /// Windows targeted through nodeAffinity or `os.name` but not nodeSelector.
    pub windows_without_selector: Option<Loc>,
    /// A non-root setting in a pod with no `fsGroup`, where the token file may be unreadable.
    pub non_root_without_fs_group: Option<Loc>,
}

/// IRSA facts of the whole input.
#[derive(Clone, Debug, Default)]
pub struct IrsaFacts {
    pub service_accounts: Vec<ServiceAccountFact>,
    pub workloads: Vec<WorkloadFact>,
    sa_by_ns_name: ByKey,
    sa_by_name: ByKey,
}

impl IrsaFacts {
    /// The ServiceAccounts named `name` in `namespace`.
    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&ServiceAccountFact> {
        // The last one wins, as with `kubectl apply` of the same object twice.
        self.sa_by_ns_name
            .find(
                &self.service_accounts,
                |s| Some(ns_key(&s.namespace, &s.name)),
                &ns_key(namespace, name),
            )
            .next_back()
    }

    /// The ServiceAccounts named `name` in any namespace, in input order.
    pub fn service_accounts_named<'a>(
        &'a self,
        name: &str,
    ) -> impl Iterator<Item = &'a ServiceAccountFact> + 'a {
        self.sa_by_name
            .find(&self.service_accounts, |s| Some(s.name.to_string()), name)
    }

    /// The role the webhook would inject for a workload: its ServiceAccount's, when the input has it.
    pub fn role_of(&self, w: &WorkloadFact) -> Option<(&ServiceAccountFact, &RoleFact)> {
        let sa = self.service_account(&w.namespace, &w.service_account)?;
        Some((sa, sa.role.as_ref()?))
    }
}

fn loc(file: &Arc<SourceFile>, tree: &Tree, node: NodeId) -> Loc {
    Loc::new(file, tree.span(node))
}

impl Facts for IrsaFacts {
    fn collect(&mut self, file: &ParsedFile, obj: &Object) {
        let tree = &file.tree;
        let src = &file.source;
        let order = obj.position;
        let namespace: Box<str> = namespace_or_default(obj.namespace_str(tree)).into();
        if super::is_service_account(tree, obj) {
            let (Some(name), Some(name_field)) = (obj.name_str(tree), obj.name) else {
                return;
            };
            let role = obj.annotation(tree, super::ROLE_ARN).and_then(|n| {
                let arn = tree.scalar_text(n)?;
                if arn.is_empty() {
                    return None;
                }
                let parsed = crate::values::parse_role_arn(arn).ok();
                Some(RoleFact {
                    arn: arn.into(),
                    loc: loc(src, tree, n),
                    partition: parsed.map(|r| r.partition.into()),
                    account: parsed.map(|r| r.account.into()),
                })
            });
            self.service_accounts.push(ServiceAccountFact {
                name: name.into(),
                namespace,
                loc: Loc::new(src, name_field.value),
                order,
                role,
            });
            return;
        }
        if !super::is_workload(tree, obj) {
            return;
        }
        let Some(spec) = obj.pod_spec(tree) else {
            return;
        };
        let kind = obj.kind_str(tree).unwrap_or("");
        let spec_path: &[&str] = if kind == "Pod" {
            &["spec"]
        } else {
            match Object::pod_template_path(kind) {
                Some(p) => p,
                None => return,
            }
        };
        let mut full: Vec<&str> = spec_path.to_vec();
        if kind != "Pod" {
            full.push("spec");
        }
        let spec_loc = tree
            .path_entry(obj.node, &full)
            .map(|e| loc(src, tree, e.key))
            .unwrap_or_else(|| Loc::new(src, obj.span));
        let sa_node = ["serviceAccountName", "serviceAccount"]
            .iter()
            .filter_map(|k| tree.get(spec, k))
            .find(|&n| tree.scalar_text(n).is_some_and(|s| !s.is_empty()));
        let (service_account, sa_loc) = match sa_node {
            Some(n) => (
                tree.scalar_text(n).unwrap_or("default").into(),
                Some(loc(src, tree, n)),
            ),
            None => ("default".into(), None),
        };
        let meta = pod_metadata(tree, obj);
        let skip_label = map_entries(tree, meta.and_then(|m| tree.get(m, "labels")))
            .into_iter()
            .find(|(k, _)| *k == TABLE.skip_label)
            .map(|(_, e)| loc(src, tree, e.key));
        self.workloads.push(WorkloadFact {
            kind: kind.into(),
            name: obj.name_str(tree).unwrap_or("").into(),
            namespace,
            service_account,
            sa_loc,
            spec_loc,
            order,
            credentials: credentials(src, tree, spec),
            skip_label,
            windows_without_selector: windows_without_selector(tree, spec)
                .map(|n| loc(src, tree, n)),
            non_root_without_fs_group: non_root_without_fs_group(tree, spec)
                .map(|n| loc(src, tree, n)),
        });
    }

    fn append(&mut self, other: &mut Self) {
        self.service_accounts.append(&mut other.service_accounts);
        self.workloads.append(&mut other.workloads);
        self.sa_by_ns_name.reset();
        self.sa_by_name.reset();
    }
}

fn credentials(src: &Arc<SourceFile>, tree: &Tree, spec: NodeId) -> Vec<CredentialFact> {
    let mut out = Vec::new();
    for c in containers(tree, spec) {
        let cname = tree
            .get(c, "name")
            .and_then(|n| tree.scalar_text(n))
            .unwrap_or("");
        for (item, name_node, name) in env_vars(tree, c) {
            let Some(kind) = TABLE.credential_kind(name) else {
                continue;
            };
            let kind: &'static str = match kind {
                "keys" => "keys",
                "profile" => "profile",
                _ => "file",
            };
            out.push(CredentialFact {
                loc: loc(src, tree, name_node),
                what: name.into(),
                kind,
                literal: tree.get(item, "valueFrom").is_none(),
                container: cname.into(),
            });
        }
        let mounts = tree.get(c, "volumeMounts").and_then(|m| tree.items(m));
        for &m in mounts.unwrap_or(&[]) {
            let Some(path_node) = tree.get(m, "mountPath") else {
                continue;
            };
            let Some(path) = tree.scalar_text(path_node) else {
                continue;
            };
            let p = super::normalize_path(path);
            if p.ends_with("/.aws")
                || p.ends_with("/.aws/credentials")
                || p.ends_with("/.aws/config")
            {
                out.push(CredentialFact {
                    loc: loc(src, tree, path_node),
                    what: path.into(),
                    kind: "mount",
                    literal: false,
                    container: cname.into(),
                });
            }
        }
    }
    out
}

/// The node that targets Windows when nodeSelector does not.
fn windows_without_selector(tree: &Tree, spec: NodeId) -> Option<NodeId> {
    let selector = tree.get(spec, "nodeSelector");
    let by_selector = map_entries(tree, selector).into_iter().any(|(k, e)| {
        TABLE.windows_node_selector_keys.iter().any(|w| w == k)
            && tree.scalar_text(e.value) == Some("windows")
    });
    if by_selector {
        return None;
    }
    let terms = tree
        .path(
            spec,
            &[
                "affinity",
                "nodeAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution",
                "nodeSelectorTerms",
            ],
        )
        .and_then(|t| tree.items(t))
        .unwrap_or(&[]);
    for &term in terms {
        let exprs = tree
            .get(term, "matchExpressions")
            .and_then(|e| tree.items(e))
            .unwrap_or(&[]);
        for &ex in exprs {
            let key = tree.get(ex, "key").and_then(|k| tree.scalar_text(k));
            let op = tree.get(ex, "operator").and_then(|k| tree.scalar_text(k));
            if !key.is_some_and(|k| TABLE.windows_node_selector_keys.iter().any(|w| w == k))
                || op != Some("In")
            {
                continue;
            }
            let values = tree
                .get(ex, "values")
                .and_then(|v| tree.items(v))
                .unwrap_or(&[]);
            if let Some(&v) = values
                .iter()
                .find(|&&v| tree.scalar_text(v) == Some("windows"))
            {
                return Some(v);
            }
        }
    }
    tree.path(spec, &["os", "name"])
        .filter(|&n| tree.scalar_text(n) == Some("windows"))
}

/// A non-root `runAsUser`/`runAsNonRoot` in a pod without `fsGroup`, unless every container
/// runs as the same explicit user (kubelet then gives that user the projected token file).
fn non_root_without_fs_group(tree: &Tree, spec: NodeId) -> Option<NodeId> {
    let pod_sc = tree.get(spec, "securityContext");
    if pod_sc
        .and_then(|sc| tree.get(sc, "fsGroup"))
        .is_some_and(|n| !tree.is_null(n))
    {
        return None;
    }
    let field = |sc: Option<NodeId>, key: &str| sc.and_then(|sc| tree.get(sc, key));
    let mut users: Vec<Option<&str>> = Vec::new();
    let mut signal: Option<NodeId> = None;
    let all = containers(tree, spec);
    if all.is_empty() {
        return None;
    }
    for c in all {
        let csc = tree.get(c, "securityContext");
        let user = field(csc, "runAsUser").or(field(pod_sc, "runAsUser"));
        let non_root = field(csc, "runAsNonRoot").or(field(pod_sc, "runAsNonRoot"));
        let user_text = user.and_then(|u| tree.scalar_text(u));
        users.push(user_text);
        if signal.is_none() {
            if let Some(u) = user.filter(|_| user_text.is_some_and(|t| t != "0")) {
                signal = Some(u);
            } else if let Some(n) =
                non_root.filter(|&n| tree.scalar_text(n) == Some("true") && user_text.is_none())
            {
                signal = Some(n);
            }
        }
    }
    let same_explicit_user = users.iter().all(|u| u.is_some() && *u == users[0]);
    if same_explicit_user {
        return None;
    }
    signal
}
