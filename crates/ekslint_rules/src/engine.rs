//! Running the rules: per file (in parallel, by the caller), then once over the whole set.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ekslint_manifest::{Limits, ParsedFile};
use globset::{Glob, GlobMatcher};

use crate::config::{AwsTarget, Config, ConfigError};
use crate::context::{FileCtx, SetCtx};
use crate::finding::{Finding, Notification, Report, Stats};
use crate::index::SetIndex;
use crate::rule::{RuleInfo, Severity};
use crate::rules::RULES;
use crate::suppress::{self, FileDirectives};
use crate::version::{self, KubeVersion};

/// Settings from the command line that win over the config file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub target: Option<String>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
}

/// Everything that decides what a run checks.
#[derive(Clone, Debug)]
pub struct Settings {
    pub target: KubeVersion,
    enabled: Vec<bool>,
    severity: HashMap<&'static str, Severity>,
    per_file: Vec<(GlobMatcher, Vec<String>)>,
    /// Directory that per-file-ignores globs are relative to.
    pub base_dir: PathBuf,
    pub limits: Limits,
    /// The AWS account(s), partition and region being migrated to (`aws:` in the config).
    pub aws: AwsTarget,
}

impl Settings {
    /// Every rule on, default severities.
    pub fn new(target: KubeVersion) -> Settings {
        Settings {
            target,
            enabled: vec![true; RULES.len()],
            severity: HashMap::new(),
            per_file: Vec::new(),
            base_dir: PathBuf::new(),
            limits: Limits::default(),
            aws: AwsTarget::default(),
        }
    }

    /// Only the rules that `selectors` select (fixture tests run one rule at a time).
    pub fn only(target: KubeVersion, selectors: &[&str]) -> Settings {
        let mut s = Settings::new(target);
        for (i, r) in RULES.iter().enumerate() {
            s.enabled[i] = selectors
                .iter()
                .any(|sel| crate::selector::matches(sel, r.info()));
        }
        s
    }

    /// Combine the config file and command-line overrides.
    pub fn build(
        config: &Config,
        overrides: &Overrides,
        today: &str,
    ) -> Result<Settings, ConfigError> {
        let plain_err = |message: String| ConfigError {
            source: None,
            span: Default::default(),
            message,
            help: None,
        };
        let target = match (&overrides.target, &config.target_version) {
            (Some(t), _) => version::resolve_target(t, today)
                .map_err(|m| plain_err(format!("--target-version: {m}")))?,
            (None, Some(t)) => {
                version::resolve_target(&t.value, today).map_err(|m| ConfigError {
                    source: config.source.clone(),
                    span: t.span,
                    message: m,
                    help: None,
                })?
            }
            (None, None) => version::default_target(today),
        };
        for s in overrides.select.iter().flatten().chain(&overrides.ignore) {
            if !crate::selector::is_known(s) {
                let mut m = format!("`{s}` selects no rule");
                if let Some(n) = crate::selector::suggest(s) {
                    m.push_str(&format!(" (did you mean `{n}`?)"));
                }
                return Err(plain_err(m));
            }
        }
        let select: Vec<String> = match (&overrides.select, &config.select) {
            (Some(cli), _) => cli.clone(),
            (None, Some(cfg)) => cfg.iter().map(|s| s.value.clone()).collect(),
            (None, None) => vec!["ALL".to_string()],
        };
        let ignore: Vec<String> = config
            .ignore
            .iter()
            .map(|s| s.value.clone())
            .chain(overrides.ignore.iter().cloned())
            .collect();
        let mut settings = Settings::new(target);
        for (i, r) in RULES.iter().enumerate() {
            let info = r.info();
            settings.enabled[i] = select.iter().any(|s| crate::selector::matches(s, info))
                && !ignore.iter().any(|s| crate::selector::matches(s, info));
            for (sel, level) in &config.severity {
                if crate::selector::matches(&sel.value, info) {
                    settings.severity.insert(info.code, *level);
                }
            }
        }
        for (glob, codes) in &config.per_file_ignores {
            let m = Glob::new(&glob.value)
                .map_err(|e| plain_err(e.to_string()))?
                .compile_matcher();
            settings
                .per_file
                .push((m, codes.iter().map(|c| c.value.clone()).collect()));
        }
        settings.base_dir = config.dir.clone();
        settings.aws = config.aws.clone();
        Ok(settings)
    }

    pub fn severity_of(&self, rule: &RuleInfo) -> Severity {
        self.severity
            .get(rule.code)
            .copied()
            .unwrap_or(rule.severity)
    }

    /// Which rules run on this path (per-file-ignores applied).
    pub fn enabled_for(&self, path: &str) -> Vec<bool> {
        let mut enabled = self.enabled.clone();
        if self.per_file.is_empty() {
            return enabled;
        }
        let p = Path::new(path);
        let rel = p.strip_prefix(&self.base_dir).unwrap_or(p);
        let rel = rel.strip_prefix("./").unwrap_or(rel);
        for (m, codes) in &self.per_file {
            if m.is_match(rel) || m.is_match(p) {
                for (i, r) in RULES.iter().enumerate() {
                    if codes.iter().any(|c| crate::selector::matches(c, r.info())) {
                        enabled[i] = false;
                    }
                }
            }
        }
        enabled
    }

    /// Is any rule enabled at all (before per-file ignores)?
    pub fn is_enabled(&self, rule: &RuleInfo) -> bool {
        RULES
            .iter()
            .position(|r| r.info().code == rule.code)
            .is_some_and(|i| self.enabled[i])
    }
}

/// What one file contributes to the run.
#[derive(Debug, Default)]
pub struct FileOutput {
    /// The file's display path.
    pub path: String,
    pub findings: Vec<Finding>,
    pub directives: FileDirectives,
    pub stats: Stats,
    /// The file's contribution to the cross-object index.
    pub facts: SetIndex,
    /// False for context files: their facts are used, nothing is reported on them.
    pub reported: bool,
    enabled: Vec<bool>,
}

/// A context file (`--context`): only its facts, for cross-object rules; no finding is ever
/// reported on it. Pre-commit passes only the changed files, and a Deployment's
/// ServiceAccount in an unchanged file must still be found.
pub fn collect_context(file: &ParsedFile) -> FileOutput {
    FileOutput {
        path: file.source.path.clone(),
        facts: SetIndex::of_file(file),
        stats: Stats {
            context_files: 1,
            ..Stats::default()
        },
        reported: false,
        ..FileOutput::default()
    }
}

/// Run the per-file, per-document and per-object checks of every enabled rule on one file.
pub fn lint_file(file: &ParsedFile, settings: &Settings) -> FileOutput {
    let enabled = settings.enabled_for(&file.source.path);
    let mut ctx = FileCtx {
        file,
        target: settings.target,
        settings,
        rule: RULES[0].info(),
        severity: Severity::Error,
        findings: Vec::new(),
    };
    for (i, rule) in RULES.iter().enumerate() {
        if !enabled[i] {
            continue;
        }
        ctx.rule = rule.info();
        ctx.severity = settings.severity_of(ctx.rule);
        rule.check_file(&mut ctx);
        for doc in file.documents.iter().filter(|d| d.root.is_some()) {
            rule.check_document(&mut ctx, doc);
        }
        for obj in &file.objects {
            rule.check_object(&mut ctx, obj);
        }
    }
    let mut findings = ctx.findings;
    let mut sup_findings = Vec::new();
    let directives = suppress::collect(file, &mut sup_findings);
    findings.extend(
        sup_findings
            .into_iter()
            .filter(|f| enabled_code(&enabled, f.rule)),
    );
    let facts = SetIndex::of_file(file);
    let objects = file
        .objects
        .iter()
        .filter(|o| o.kind_of != ekslint_manifest::ObjectKind::List)
        .count();
    FileOutput {
        path: file.source.path.clone(),
        findings,
        directives,
        stats: Stats {
            files: 1,
            documents: file.documents.len(),
            objects,
            non_kubernetes_documents: file.non_kubernetes_documents,
            helm_templates: usize::from(file.helm.is_some()),
            unreadable_files: 0,
            context_files: 0,
        },
        facts,
        reported: true,
        enabled,
    }
}

fn enabled_code(enabled: &[bool], rule: &RuleInfo) -> bool {
    RULES
        .iter()
        .position(|r| r.info().code == rule.code)
        // Context files have no enabled list: nothing is reported on them.
        .is_some_and(|i| enabled.get(i).copied().unwrap_or(false))
}

/// Run the per-set checks, apply suppressions, and sort: the finished report.
pub fn finish(
    mut outputs: Vec<FileOutput>,
    notifications: Vec<Notification>,
    settings: &Settings,
) -> Report {
    let mut stats = Stats::default();
    let mut index = SetIndex::default();
    for o in &mut outputs {
        stats.add(&o.stats);
        index.append(&mut o.facts);
    }
    stats.unreadable_files = notifications.len();
    // Per-set rules.
    let mut set_findings = Vec::new();
    for rule in RULES.iter().filter(|r| settings.is_enabled(r.info())) {
        let mut ctx = SetCtx {
            index: &index,
            target: settings.target,
            settings,
            rule: rule.info(),
            severity: settings.severity_of(rule.info()),
            findings: Vec::new(),
        };
        rule.check_set(&mut ctx);
        set_findings.append(&mut ctx.findings);
    }
    // Route set findings to their file, honouring per-file ignores; findings on context files
    // are dropped (only the files being checked are reported on).
    let mut by_path: HashMap<&str, usize> = HashMap::new();
    for (i, o) in outputs.iter().enumerate() {
        by_path.insert(o.path.as_str(), i);
    }
    let mut routed: Vec<(usize, Finding)> = Vec::new();
    for f in set_findings {
        if let Some(&i) = by_path.get(f.file.path.as_str()) {
            let o = &outputs[i];
            if o.reported && enabled_code(&o.enabled, f.rule) {
                routed.push((i, f));
            }
        }
    }
    drop(by_path);
    for (i, f) in routed {
        outputs[i].findings.push(f);
    }
    let mut findings = Vec::new();
    for mut o in outputs {
        let enabled = o.enabled.clone();
        let is_enabled = |r: &RuleInfo| enabled_code(&enabled, r);
        let unused = suppress::apply(&mut o.findings, &mut o.directives, &is_enabled);
        let sup_on = enabled_code(&enabled, crate::rules::sup::UnusedSuppression::INFO_REF);
        findings.append(&mut o.findings);
        if sup_on {
            findings.extend(unused);
        }
    }
    // One place applies severity overrides, to every finding (suppression findings included).
    for f in &mut findings {
        f.severity = settings.severity_of(f.rule);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    Report {
        findings,
        notifications,
        stats,
        target: settings.target.to_string(),
    }
}
