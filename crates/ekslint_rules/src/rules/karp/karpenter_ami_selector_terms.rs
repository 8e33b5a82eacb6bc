use ekslint_manifest::{NodeId, Object, Tree};

use super::support::table::KARPENTER;
use super::support::{ec2_node_class, edit};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Fix};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Checks how an EC2NodeClass selects its AMI: v1 requires `amiSelectorTerms`, dropped the
    /// `Ubuntu` AMI family, and adds `alias: family@version` terms; the CRD's validation rules
    /// decide the rest from the manifest alone (the alias format and family, `windows*@latest`,
    /// alias and `id` terms that cannot be combined, a term that selects nothing, empty tags,
    /// an `amiFamily` that contradicts the alias, or no `amiFamily` without an alias).
    ///
    /// ## Why is this bad?
    /// "Failure to specify `amiSelectorTerms` will result in the `EC2NodeClass` and all
    /// referencing `NodePools` to become `NotReady`", so no node is launched. The other cases are
    /// rejected by the API server with the CRD's messages (`'alias' is improperly formatted,
    /// must match the format 'family@version'`, `must specify amiFamily if amiSelectorTerms does
    /// not contain an alias`, …). Ubuntu is no longer a supported `amiFamily`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: default
    /// spec:
    ///   amiFamily: AL2023
    ///   role: KarpenterNodeRole-my-cluster
    ///   subnetSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: default
    /// spec:
    ///   role: KarpenterNodeRole-my-cluster
    ///   amiSelectorTerms:
    ///     - alias: al2023@latest
    ///   subnetSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    ///   securityGroupSelectorTerms:
    ///     - tags: {karpenter.sh/discovery: my-cluster}
    /// ```
    ///
    /// Pin a version (`al2023@v20240807`) to control when nodes roll to a new AMI.
    ///
    /// ## Fix safety
    /// An alias whose family is written in capitals (`AL2023@latest`) gets the lower-case family
    /// the CRD accepts; that fix is safe.
    ///
    /// ## References
    /// - Karpenter v1 migration Changelog ("AMISelectorTerms are required", "Ubuntu is dropped"):
    ///   aws/karpenter-provider-aws `website/content/en/v1.0/upgrading/v1-migration.md`
    /// - The EC2NodeClass CRD's `amiSelectorTerms` and `amiFamily` rules:
    ///   `pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml`; the families: `pkg/apis/v1/labels.go`
    /// - karpenter-provider-aws issues #7328, #7347 (NodeClasses NotReady after the upgrade)
    pub struct KarpenterAmiSelectorTerms {
        code: "KARP008",
        name: "karpenter-ami-selector-terms",
        family: Karp,
        severity: Error,
        fix: Sometimes,
        safety: Safe,
        summary: "An EC2NodeClass lacks amiSelectorTerms, uses the dropped Ubuntu family, or breaks the CRD's AMI selection rules",
    }
}

const TERM_FIELDS: &[&str] = &["tags", "id", "name", "alias", "ssmParameter"];

/// `has(x.field)`: present and not null.
fn has(tree: &Tree, map: NodeId, key: &str) -> bool {
    tree.get(map, key).is_some_and(|v| !tree.is_null(v))
}

/// The `amiFamily` an alias family stands for (`al2023` → `AL2023`).
fn family_of(alias_family: &str) -> Option<&'static str> {
    KARPENTER
        .ami
        .families
        .iter()
        .find(|f| f.to_ascii_lowercase() == alias_family)
        .map(String::as_str)
}

impl Rule for KarpenterAmiSelectorTerms {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(version) = ec2_node_class(tree, obj) else {
            return;
        };
        let Some(spec_entry) = tree.get_entry(obj.node, "spec") else {
            return;
        };
        let spec = spec_entry.value;
        if !tree.is_map(spec) {
            return;
        }
        let family = tree.get(spec, "amiFamily");
        let family_text = family.and_then(|n| tree.scalar_text(n));
        if let (Some(n), Some(f)) = (family, family_text)
            && let Some(d) = KARPENTER
                .ami
                .dropped_families
                .iter()
                .find(|d| d.family == f)
        {
            ctx.report(
                tree.span(n),
                format!("v1 dropped `amiFamily: {f}`; {}", version.verdict()),
            )
            .label("dropped in v1")
            .help(d.note.clone());
        }
        let Some(terms_entry) = tree.get_entry(spec, "amiSelectorTerms") else {
            let alias = family_text
                .map(str::to_ascii_lowercase)
                .filter(|f| KARPENTER.ami.alias_families.contains(f))
                .unwrap_or_else(|| "al2023".to_string());
            ctx.report(
                tree.span(spec_entry.key),
                format!(
                    "the EC2NodeClass has no `amiSelectorTerms`, which v1 requires (a class without them is NotReady, and so is every NodePool that uses it); {}",
                    version.verdict()
                ),
            )
            .label("amiSelectorTerms missing")
            .help(format!(
                "add `amiSelectorTerms: [{{alias: {alias}@latest}}]` (or pin a version such as `{alias}@v20240807`), or select AMIs by id, name, tags or ssmParameter"
            ));
            return;
        };
        let Some(terms) = tree.items(terms_entry.value) else {
            return;
        };
        let mut alias_families: Vec<(&str, NodeId)> = Vec::new();
        let any_alias = terms.iter().any(|&t| has(tree, t, "alias"));
        for &t in terms {
            if !tree.is_map(t) {
                continue;
            }
            if !TERM_FIELDS.iter().any(|k| has(tree, t, k)) {
                ctx.report(
                    tree.span(t),
                    "this AMI selector term selects nothing: it needs one of `tags`, `id`, `name`, `alias` or `ssmParameter` (the CRD rejects it)",
                )
                .label("no selector field");
            }
            let id = tree.get_entry(t, "id").filter(|e| !tree.is_null(e.value));
            let alias = tree
                .get_entry(t, "alias")
                .filter(|e| !tree.is_null(e.value));
            let others = |skip: &str| {
                ["alias", "id", "tags", "name", "owner"]
                    .into_iter()
                    .filter(|k| *k != skip && has(tree, t, k))
                    .collect::<Vec<_>>()
            };
            if let Some(e) = id
                && alias.is_none()
                && !others("id").is_empty()
            {
                ctx.report(
                    tree.span(e.key),
                    format!(
                        "`id` cannot be combined with {} in an AMI selector term (the CRD rejects it)",
                        others("id").iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .label("id is exclusive")
                .help("an `id` selects one AMI: put the other fields in a term of their own");
            }
            if let Some(e) = alias {
                if !others("alias").is_empty() {
                    ctx.report(
                        tree.span(e.key),
                        format!(
                            "`alias` cannot be combined with {} in an AMI selector term (the CRD rejects it)",
                            others("alias").iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .label("alias is exclusive");
                } else if terms.len() != 1 {
                    ctx.report(
                        tree.span(e.key),
                        "an `alias` term must be the only AMI selector term (the CRD rejects it with others)",
                    )
                    .label("alias is exclusive")
                    .help("keep the alias alone, or select the AMIs by id, name, tags or ssmParameter");
                }
                if let Some(v) = tree.scalar_text(e.value) {
                    self.alias(ctx, t, e, v, &mut alias_families);
                }
            }
            if let Some(tags) = tree.get(t, "tags") {
                for (k, te) in tree.string_entries(Some(tags)) {
                    let empty_value = tree.scalar_text(te.value) == Some("");
                    if k.is_empty() || empty_value {
                        ctx.report(
                            tree.span(if k.is_empty() { te.key } else { te.value }),
                            "empty tag keys or values aren't supported in AMI selector terms (the CRD rejects them)",
                        )
                        .label("empty")
                        .help("use `*` to match any value of a tag");
                    }
                }
            }
        }
        match (family, family_text) {
            (Some(n), Some(f)) => {
                for (af, _) in &alias_families {
                    let want = family_of(af);
                    if want.is_some_and(|w| w != f) && f != "Custom" {
                        ctx.report(
                            tree.span(n),
                            format!(
                                "`amiFamily: {f}` contradicts the alias family `{af}`: with an alias, amiFamily may only be `{}` or `Custom` (the CRD rejects it)",
                                want.unwrap_or("")
                            ),
                        )
                        .label("contradicts the alias")
                        .help("drop `amiFamily`: the alias sets it");
                    }
                }
            }
            _ if !any_alias && !terms.is_empty() => {
                ctx.report(
                    tree.span(terms_entry.key),
                    "without an `alias` term the EC2NodeClass must set `amiFamily` (the CRD rejects it): Karpenter needs it for the UserData format",
                )
                .label("amiFamily missing")
                .help("add `amiFamily: AL2023` (or AL2, Bottlerocket, Windows2022, Custom …)");
            }
            _ => {}
        }
    }
}

impl KarpenterAmiSelectorTerms {
    /// The alias value rules: `family@version`, a known family, Windows only `@latest`.
    fn alias<'t>(
        &self,
        ctx: &mut FileCtx<'t>,
        term: NodeId,
        e: ekslint_manifest::Entry,
        v: &'t str,
        families: &mut Vec<(&'t str, NodeId)>,
    ) {
        let tree = ctx.tree();
        let span = tree.span(e.value);
        let Some((fam, ver)) = v.split_once('@').filter(|(f, ver)| {
            !f.is_empty() && f.bytes().all(|b| b.is_ascii_alphanumeric()) && !ver.is_empty()
        }) else {
            ctx.report(
                span,
                format!("alias `{v}` is improperly formatted: it must be `family@version` (the CRD rejects it)"),
            )
            .label("not family@version")
            .help("for example `al2023@latest`, `bottlerocket@v1.20.3` or `al2023@v20240807`");
            return;
        };
        let known = &KARPENTER.ami.alias_families;
        if !known.iter().any(|k| k == fam) {
            let lower = fam.to_ascii_lowercase();
            if known.contains(&lower) {
                let fixed = format!("{lower}@{ver}");
                let edit = edit::replace_value(ctx.text(), tree, term, &e, &fixed);
                let f = ctx.report(
                    span,
                    format!(
                        "alias family `{fam}` must be lower case: `{lower}` (the CRD rejects it)"
                    ),
                );
                f.label("upper case").help(format!("write `{fixed}`"));
                if let Some(edit) = edit {
                    f.fix(Fix {
                        title: format!("write `{fixed}`"),
                        edits: vec![edit],
                        applicability: Applicability::Safe,
                    });
                }
                families.push((
                    known
                        .iter()
                        .find(|k| **k == lower)
                        .map(String::as_str)
                        .unwrap_or(""),
                    e.value,
                ));
            } else {
                let near = crate::support::suggest::closest(fam, known.iter().map(String::as_str));
                let f = ctx.report(
                    span,
                    format!(
                        "alias family `{fam}` is not supported: it must be one of {} (the CRD rejects it)",
                        known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                );
                f.label("unknown family");
                if let Some(n) = near {
                    f.help(format!("did you mean `{n}@{ver}`?"));
                } else if fam.eq_ignore_ascii_case("ubuntu") {
                    f.help("v1 dropped Ubuntu: select the Ubuntu AMI by id, name or tags and set `amiFamily: AL2` or `Custom`");
                }
            }
            return;
        }
        families.push((fam, e.value));
        if KARPENTER
            .ami
            .windows_alias_families
            .iter()
            .any(|w| w == fam)
            && ver != "latest"
        {
            ctx.report(
                span,
                format!("Windows aliases only take the version `latest`, not `{ver}` (the CRD rejects it)"),
            )
            .label("only @latest")
            .help(format!("write `{fam}@latest`, or select a pinned Windows AMI by id or name"));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn alias_families_map_to_ami_families() {
        for f in &super::KARPENTER.ami.alias_families {
            assert!(super::family_of(f).is_some(), "{f}");
        }
    }
}
