//! KARP rules: Karpenter and autoscaling. The v1 migration (API versions, renamed and moved
//! fields, removed annotations and labels, the renamed disruption taint), the CEL validation
//! rules of the NodePool and EC2NodeClass CRDs that a manifest decides on its own, node labels
//! that no node carries, EKS Auto Mode's labels, the Cluster Autoscaler's annotations and
//! version, and the IMDS hop limit of EC2NodeClasses. NodePools and the classes they name are
//! resolved across files through the KARP facts.

pub mod support;

pub mod karpenter_ami_selector_terms;
pub mod karpenter_auto_mode_label;
pub mod karpenter_cluster_autoscaler_annotation;
pub mod karpenter_cluster_autoscaler_version;
pub mod karpenter_consolidate_after_required;
pub mod karpenter_consolidation_policy_renamed;
pub mod karpenter_custom_ami_taint;
pub mod karpenter_disruption_taint_renamed;
pub mod karpenter_do_not_disrupt_misplaced;
pub mod karpenter_expire_after_moved;
pub mod karpenter_imds_hop_limit;
pub mod karpenter_kubelet_on_node_pool;
pub mod karpenter_node_class_invalid;
pub mod karpenter_node_class_not_found;
pub mod karpenter_node_class_ref;
pub mod karpenter_node_pool_invalid;
pub mod karpenter_pre_v1_api;
pub mod karpenter_removed_annotation;
pub mod karpenter_restricted_label;
pub mod karpenter_unknown_node_label;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ekslint_manifest::{Format, Limits, SourceFile};

    use crate::selector::Selector;
    use crate::{FixAvailability, KubeVersion, Settings};

    fn lint(code: &str, name: &str, text: &str) -> crate::Report {
        let rule = crate::rules::find(code).unwrap().info();
        let settings = Settings::only(KubeVersion::new(1, 36), &[Selector::rule(rule)]);
        let source = Arc::new(SourceFile::new(name, text));
        let parsed = ekslint_manifest::parse(source, Format::from_path(name), &Limits::default());
        crate::finish(
            vec![crate::lint_file(&parsed, &settings)],
            Vec::new(),
            &settings,
        )
    }

    /// Every fix of every fixable KARP rule, applied to its failing fixtures: the result parses
    /// cleanly and the findings that had a fix are gone (the fixes converge in one pass).
    #[test]
    fn fixes_apply_cleanly_and_converge() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
        let mut tried = 0;
        for r in crate::RULES {
            let i = r.info();
            if i.family != crate::Family::Karp || i.fix == FixAvailability::None {
                continue;
            }
            let dir = format!("{root}/{}-{}", i.code, i.name);
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                if !name.starts_with("fail") || p.is_dir() {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                let report = lint(i.code, &name, &text);
                let fixed: Vec<_> = report.findings.iter().filter(|f| f.fix.is_some()).collect();
                if fixed.is_empty() {
                    continue;
                }
                let edits: Vec<_> = fixed
                    .iter()
                    .flat_map(|f| f.fix.as_ref().unwrap().edits.clone())
                    .collect();
                let out = super::support::edit::apply(&text, &edits);
                let again = ekslint_manifest::parse_str(&name, &out);
                assert!(
                    again.problems.is_empty(),
                    "{}: {out}\n{:?}",
                    i.code,
                    again.problems
                );
                let after = lint(i.code, &name, &out);
                assert_eq!(
                    after.findings.len(),
                    report.findings.len() - fixed.len(),
                    "{} {name}: after the fixes:\n{out}",
                    i.code
                );
                tried += fixed.len();
            }
        }
        assert!(tried >= 5, "{tried} fixes tried");
    }
}
