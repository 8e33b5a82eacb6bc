//! Counts of a report's findings by severity, rule, family, namespace and file: the summaries of
//! the human, statistics, Markdown and HTML formats, computed once here so they always agree.

use std::collections::HashMap;
use std::sync::Arc;

use ekslint_rules::{Family, Finding, Report, RuleInfo, Severity};

/// Findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    /// The highest severity counted, if any.
    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else if self.infos > 0 {
            Some(Severity::Info)
        } else {
            None
        }
    }
}

/// One rule's findings.
#[derive(Clone, Debug)]
pub struct RuleCount {
    pub rule: &'static RuleInfo,
    /// The findings' severity (after configuration), the highest when they differ.
    pub severity: Severity,
    pub count: usize,
    /// How many of them carry a fix.
    pub fixable: usize,
}

/// One family's findings.
#[derive(Clone, Debug)]
pub struct FamilyCount {
    pub family: Family,
    pub counts: Counts,
}

/// The findings in one namespace; `None` gathers objects that set no `metadata.namespace`
/// (cluster-scoped kinds, or manifests installed into a namespace chosen at apply time) and
/// findings outside any object (a file that does not parse).
#[derive(Clone, Debug)]
pub struct NamespaceCount {
    pub namespace: Option<Arc<str>>,
    pub counts: Counts,
}

/// One file's findings.
#[derive(Clone, Debug)]
pub struct FileCount<'a> {
    pub path: &'a str,
    pub counts: Counts,
    /// (code, count), by code.
    pub codes: Vec<(&'static str, usize)>,
}

/// Every count of a report.
#[derive(Clone, Debug, Default)]
pub struct Tally<'a> {
    pub total: Counts,
    /// By count, most first, then by code.
    pub rules: Vec<RuleCount>,
    /// By count, most first, then by prefix.
    pub families: Vec<FamilyCount>,
    /// By count, most first, then by name; `None` last.
    pub namespaces: Vec<NamespaceCount>,
    /// In the report's order (by path).
    pub files: Vec<FileCount<'a>>,
    /// Findings about container images by the registry the image comes from: (registry, count),
    /// most first, then by name.
    pub registries: Vec<(&'a str, usize)>,
}

impl<'a> Tally<'a> {
    pub fn of(report: &'a Report) -> Tally<'a> {
        let mut tally = Tally::default();
        let mut rules: HashMap<&'static str, RuleCount> = HashMap::new();
        let mut families: HashMap<&'static str, FamilyCount> = HashMap::new();
        let mut namespaces: HashMap<Option<Arc<str>>, Counts> = HashMap::new();
        let mut registries: HashMap<&'a str, usize> = HashMap::new();
        for f in &report.findings {
            tally.total.add(f.severity);
            if let Some(registry) = f.registry.as_deref() {
                *registries.entry(registry).or_default() += 1;
            }
            let rule = rules.entry(f.rule.code).or_insert(RuleCount {
                rule: f.rule,
                severity: f.severity,
                count: 0,
                fixable: 0,
            });
            rule.count += 1;
            rule.fixable += usize::from(f.fix.is_some());
            rule.severity = rule.severity.max(f.severity);
            families
                .entry(f.rule.family.prefix())
                .or_insert(FamilyCount {
                    family: f.rule.family,
                    counts: Counts::default(),
                })
                .counts
                .add(f.severity);
            namespaces
                .entry(f.namespace.clone())
                .or_default()
                .add(f.severity);
            tally.add_to_file(f);
        }
        tally.rules = rules.into_values().collect();
        tally
            .rules
            .sort_by(|a, b| (b.count, a.rule.code).cmp(&(a.count, b.rule.code)));
        tally.families = families.into_values().collect();
        tally.families.sort_by(|a, b| {
            (b.counts.total(), a.family.prefix()).cmp(&(a.counts.total(), b.family.prefix()))
        });
        tally.namespaces = namespaces
            .into_iter()
            .map(|(namespace, counts)| NamespaceCount { namespace, counts })
            .collect();
        tally.namespaces.sort_by(|a, b| {
            (a.namespace.is_none(), b.counts.total(), &a.namespace).cmp(&(
                b.namespace.is_none(),
                a.counts.total(),
                &b.namespace,
            ))
        });
        for file in &mut tally.files {
            file.codes.sort();
        }
        tally.registries = registries.into_iter().collect();
        tally.registries.sort_by(|a, b| (b.1, a.0).cmp(&(a.1, b.0)));
        tally
    }

    /// Findings are sorted by path, so a file's findings are neighbours.
    fn add_to_file(&mut self, f: &'a Finding) {
        let path = f.file.path.as_str();
        if self.files.last().is_none_or(|last| last.path != path) {
            self.files.push(FileCount {
                path,
                counts: Counts::default(),
                codes: Vec::new(),
            });
        }
        let file = self.files.last_mut().expect("just pushed");
        file.counts.add(f.severity);
        match file.codes.iter_mut().find(|(c, _)| *c == f.rule.code) {
            Some((_, n)) => *n += 1,
            None => file.codes.push((f.rule.code, 1)),
        }
    }

    /// Findings that carry a fix.
    pub fn fixable(&self) -> usize {
        self.rules.iter().map(|r| r.fixable).sum()
    }
}

/// How the namespace of findings outside any namespaced object is shown.
pub const NO_NAMESPACE: &str = "(not set)";

/// A namespace for display.
pub fn namespace_name(namespace: &Option<Arc<str>>) -> &str {
    namespace.as_deref().unwrap_or(NO_NAMESPACE)
}
