//! What the IRSA per-set rules need from each object: every ServiceAccount with its role ARN, and
//! every workload with the ServiceAccount it resolves to and the pod facts whose meaning depends on
//! that ServiceAccount having a role.

use std::sync::Arc;

use ekslint_manifest::{NodeId, Object, ParsedFile, SourceFile, Tree};

use super::TABLE;
use crate::index::{ByKey, Facts, Loc, Namespace, NamespaceMap};
use ekslint_manifest::{containers, env_vars};

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
    pub namespace: Namespace,
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
    pub kind: super::CredentialKind,
    /// The env var has a literal `value` (not `valueFrom`).
    pub literal: bool,
    pub container: Box<str>,
}

/// One Pod or pod template.
#[derive(Clone, Debug)]
pub struct WorkloadFact {
    pub kind: Box<str>,
    pub name: Box<str>,
    pub namespace: Namespace,
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
    sa_by_name: ByKey,
}

impl IrsaFacts {
    /// The ServiceAccount named `name` that can be in `namespace` (either may be set at deploy
    /// time): one in exactly that namespace first, the last of several as with `kubectl apply`
    /// of the same object twice.
    pub fn service_account(
        &self,
        namespace: &Namespace,
        name: &str,
    ) -> Option<&ServiceAccountFact> {
        let named = || self.service_accounts_named(name);
        named()
            .rfind(|s| namespace.name().is_some() && s.namespace == *namespace)
            .or_else(|| named().rfind(|s| s.namespace.may_equal(namespace)))
    }

    /// The ServiceAccounts named `name` in any namespace, in input order.
    pub fn service_accounts_named<'a>(
        &'a self,
        name: &str,
    ) -> impl DoubleEndedIterator<Item = &'a ServiceAccountFact> + 'a {
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
        let namespace = Namespace::of(obj.namespace_str(tree));
        if super::is_service_account(tree, obj) {
            let (Some(name), Some(name_field)) = (obj.name_str(tree), obj.name) else {
                return;
            };
            let role = obj.annotation(tree, super::ROLE_ARN).and_then(|n| {
                let arn = tree.scalar_text(n)?;
                if arn.is_empty() {
                    return None;
                }
                let parsed = crate::support::aws::parse_role_arn(arn).ok();
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
        if !obj.is_workload(tree) {
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
        let meta = obj.pod_metadata(tree);
        let skip_label = tree
            .string_entries(meta.and_then(|m| tree.get(m, "labels")))
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
            // IRSA010 and IRSA014 decide these from the pod spec; the set pass reports them
            // when the workload's ServiceAccount has a role.
            windows_without_selector: super::super::windows_without_node_selector::target(
                tree, spec,
            )
            .map(|n| loc(src, tree, n)),
            non_root_without_fs_group: super::super::non_root_without_fs_group::signal(tree, spec)
                .map(|n| loc(src, tree, n)),
        });
    }

    fn settle(&mut self, namespaces: &NamespaceMap) {
        for s in &mut self.service_accounts {
            s.namespace.settle(&s.loc.file, namespaces);
        }
        for w in &mut self.workloads {
            w.namespace.settle(&w.spec_loc.file, namespaces);
        }
    }

    fn append(&mut self, other: &mut Self) {
        self.service_accounts.append(&mut other.service_accounts);
        self.workloads.append(&mut other.workloads);
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
                    kind: super::CredentialKind::Mount,
                    literal: false,
                    container: cname.into(),
                });
            }
        }
    }
    out
}
