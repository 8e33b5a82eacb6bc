//! Running the rules: per file (in parallel, by the caller), then once over the whole set.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use ekslint_manifest::{Limits, ParsedFile, SourceFile, Span};
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
    /// `--limit NAME=VALUE`, applied after the config's `limits:`.
    pub limits: Vec<(String, String)>,
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
    /// Directory that per-file-ignores globs are relative to: the config file's, made absolute
    /// when the settings are built.
    pub base_dir: PathBuf,
    /// The working directory when the settings were built: relative input paths are joined to
    /// it before they are matched against `base_dir` (empty: paths are matched as given).
    cwd: PathBuf,
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
            cwd: PathBuf::new(),
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
        // Globs are relative to the config file's directory wherever ekslint runs from, so both
        // sides are made absolute (ruff does the same).
        settings.cwd = std::env::current_dir().unwrap_or_default();
        settings.base_dir = absolute(&config.dir, &settings.cwd);
        settings.aws = config.aws.clone();
        if let Some(l) = &config.limits {
            settings.limits = l.clone();
        }
        for (name, value) in &overrides.limits {
            settings
                .limits
                .set(name, value)
                .map_err(|m| plain_err(format!("--limit {name}={value}: {m}")))?;
        }
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
        let full = absolute(p, &self.cwd);
        let rel = full
            .strip_prefix(&self.base_dir)
            .ok()
            .map(Path::to_path_buf)
            .or_else(|| {
                // A path through a symbolic link to the config's directory.
                let real = std::fs::canonicalize(p).ok()?;
                let base = std::fs::canonicalize(&self.base_dir).ok()?;
                real.strip_prefix(base).ok().map(Path::to_path_buf)
            });
        let rel = rel.as_deref().unwrap_or(p);
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

/// `path` joined to `base` when relative (and `base` is not empty), without `.` and `..`
/// components (lexically: symbolic links are not resolved).
fn absolute(path: &Path, base: &Path) -> PathBuf {
    use std::path::Component;
    let joined = if path.is_relative() && !base.as_os_str().is_empty() {
        base.join(path)
    } else {
        path.to_path_buf()
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
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
    /// The spans of the file's objects that set `metadata.namespace`, with it, in file order.
    namespaces: Namespaces,
    /// The file's text, for findings of the per-set rules. [`Collected::push`] keeps it only
    /// when asked to; otherwise it is read again if a per-set finding needs it.
    pub source: Option<Arc<SourceFile>>,
}

/// What the run keeps of one file after its per-file pass: no tree, no facts, and the text
/// only through its findings.
#[derive(Debug)]
struct FileRecord {
    path: String,
    findings: Vec<Finding>,
    directives: FileDirectives,
    reported: bool,
    enabled: Vec<bool>,
    namespaces: Namespaces,
}

/// The objects of one file that set `metadata.namespace`: (start, end, namespace), sorted and
/// not overlapping (documents and List items; never a List itself).
#[derive(Debug, Default)]
struct Namespaces(Vec<(u32, u32, Arc<str>)>);

impl Namespaces {
    fn of(file: &ParsedFile) -> Namespaces {
        let mut v: Vec<(u32, u32, Arc<str>)> = file
            .objects
            .iter()
            .filter(|o| o.kind_of != ekslint_manifest::ObjectKind::List)
            .filter_map(|o| {
                Some((
                    o.span.start,
                    o.span.end,
                    Arc::from(o.namespace_str(&file.tree)?),
                ))
            })
            .collect();
        v.sort_by_key(|(start, _, _)| *start);
        Namespaces(v)
    }

    /// The namespace of the object that holds `span`'s start.
    fn at(&self, span: Span) -> Option<Arc<str>> {
        let i = self.0.partition_point(|(start, _, _)| *start <= span.start);
        let (_, end, ns) = self.0.get(i.checked_sub(1)?)?;
        (span.start <= *end).then(|| ns.clone())
    }
}

/// The per-file results of a run, merged in input order as they arrive: the file records, the
/// cross-object index, and the texts kept for per-set findings. Memory grows with the index and
/// the findings, not with the input's size: a file's text is dropped after its pass unless it
/// has findings or suppression comments, or the caller keeps it (standard input, which cannot
/// be read twice).
#[derive(Debug, Default)]
pub struct Collected {
    files: Vec<FileRecord>,
    index: SetIndex,
    stats: Stats,
    texts: HashMap<Arc<str>, Arc<SourceFile>>,
}

impl Collected {
    /// Add the next file's output.
    pub fn push(&mut self, mut out: FileOutput, keep_text: bool) {
        self.stats.add(&out.stats);
        self.index.append(&mut out.facts);
        if let Some(file) = out.source.take()
            && (keep_text || !out.findings.is_empty() || out.directives.file.is_some())
        {
            self.texts.insert(file.file_ref.path.clone(), file);
        }
        self.files.push(FileRecord {
            path: out.path,
            findings: out.findings,
            directives: out.directives,
            reported: out.reported,
            enabled: out.enabled,
            namespaces: out.namespaces,
        });
    }

    /// Counts so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Add another part of the run, which comes after this one in input order.
    pub fn append(&mut self, mut other: Collected) {
        self.stats.add(&other.stats);
        self.index.append(&mut other.index);
        self.files.append(&mut other.files);
        self.texts.extend(other.texts);
    }
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
        source: Some(file.source.clone()),
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
        namespaces: Namespaces::of(file),
        source: Some(file.source.clone()),
    }
}

/// Context files have no `enabled` list (nothing is reported on them): every code is off there.
fn enabled_code(enabled: &[bool], rule: &RuleInfo) -> bool {
    RULES
        .iter()
        .position(|r| r.info().code == rule.code)
        .is_some_and(|i| enabled.get(i).copied().unwrap_or(false))
}

/// Run the per-set checks, apply suppressions, and sort: the finished report. Every file's
/// text is kept (for callers that lint text held in memory); see [`finish_collected`].
pub fn finish(
    outputs: Vec<FileOutput>,
    notifications: Vec<Notification>,
    settings: &Settings,
) -> Report {
    let mut collected = Collected::default();
    for o in outputs {
        collected.push(o, true);
    }
    finish_collected(collected, notifications, settings)
}

/// [`finish`] on results merged as they arrived.
pub fn finish_collected(
    collected: Collected,
    mut notifications: Vec<Notification>,
    settings: &Settings,
) -> Report {
    let Collected {
        files: mut outputs,
        index,
        mut stats,
        mut texts,
    } = collected;
    let set_findings = run_set_rules(&index, settings);
    drop(index);
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
    // Set findings name their files without text: load each file once (kept, or read again).
    let mut changed = Vec::new();
    for (_, f) in &mut routed {
        load(&mut f.file, &mut f.span, &mut texts, &mut changed);
        for l in &mut f.labels {
            if let Some(lf) = &mut l.file {
                load(lf, &mut l.span, &mut texts, &mut changed);
            }
        }
    }
    drop(texts);
    notifications.extend(changed.into_iter().map(|path: Arc<str>| Notification {
        path: path.to_string(),
        message: "the file changed or disappeared while ekslint ran; findings that point into it are shown at its start".to_string(),
    }));
    for (i, f) in routed {
        outputs[i].findings.push(f);
    }
    stats.unreadable_files = notifications.len();
    let mut findings = Vec::new();
    // Context files have no findings and no suppressions of their own to judge.
    for mut o in outputs.into_iter().filter(|o| o.reported) {
        let enabled = std::mem::take(&mut o.enabled);
        let is_enabled = |r: &RuleInfo| enabled_code(&enabled, r);
        let mut unused = suppress::apply(&mut o.findings, &mut o.directives, &is_enabled);
        let sup_on = enabled_code(&enabled, crate::rules::sup::UnusedSuppression::INFO_REF);
        for f in o.findings.iter_mut().chain(&mut unused) {
            f.namespace = o.namespaces.at(f.span);
        }
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

/// Run every enabled per-set rule over the merged index. Their findings name files without
/// text (see [`FileRef`](ekslint_manifest::FileRef)); [`finish_collected`] loads them.
pub fn run_set_rules(index: &SetIndex, settings: &Settings) -> Vec<Finding> {
    let mut set_findings = Vec::new();
    for rule in RULES.iter().filter(|r| settings.is_enabled(r.info())) {
        let mut ctx = SetCtx {
            index,
            target: settings.target,
            settings,
            rule: rule.info(),
            severity: settings.severity_of(rule.info()),
            findings: Vec::new(),
        };
        rule.check_set(&mut ctx);
        set_findings.append(&mut ctx.findings);
    }
    set_findings
}

/// Give a per-set finding's (possibly text-less) file its text: the kept text, or the file read
/// and decoded again as it was at lint time. When the file read back is not the one that was
/// linted (its digest differs) or cannot be read, `span` is moved to the file's start and the
/// path is listed in `changed`, once.
fn load(
    file: &mut Arc<SourceFile>,
    span: &mut Span,
    texts: &mut HashMap<Arc<str>, Arc<SourceFile>>,
    changed: &mut Vec<Arc<str>>,
) {
    if file.is_loaded() {
        return;
    }
    let key = file.file_ref.path.clone();
    let found = texts
        .entry(key.clone())
        .or_insert_with(|| {
            std::fs::read(&*key)
                .ok()
                .map(|bytes| {
                    let text = match ekslint_manifest::decode(bytes) {
                        Ok(t) => t,
                        Err((_, lossy)) => lossy,
                    };
                    Arc::new(SourceFile::new(&*key, text))
                })
                .filter(|again| again.file_ref == file.file_ref)
                .unwrap_or_else(|| {
                    changed.push(key.clone());
                    file.clone()
                })
        })
        .clone();
    if found.file_ref != file.file_ref || !found.is_loaded() {
        *span = Span::default();
    }
    *file = found;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, text: &str) -> String {
        let dir = std::env::temp_dir().join(format!("ekslint-engine-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p.to_string_lossy().into_owned()
    }

    /// A span that stays where it was when the file loads as linted.
    const AT: Span = Span::new(6, 20);

    fn loaded(
        stub: &Arc<SourceFile>,
        texts: &mut HashMap<Arc<str>, Arc<SourceFile>>,
        changed: &mut Vec<Arc<str>>,
    ) -> (Arc<SourceFile>, bool) {
        let (mut file, mut span) = (stub.clone(), AT);
        load(&mut file, &mut span, texts, changed);
        (file, span == AT)
    }

    #[test]
    fn a_text_less_file_is_read_again_once_and_checked_against_its_digest() {
        let path = scratch("same.yaml", "kind: ServiceAccount\n");
        let linted = SourceFile::new(path.as_str(), "kind: ServiceAccount\n");
        let stub: Arc<SourceFile> = linted.file_ref.clone().into();
        assert!(!stub.is_loaded());
        let (mut texts, mut changed) = (HashMap::new(), Vec::new());
        let (file, ok) = loaded(&stub, &mut texts, &mut changed);
        assert!(ok && file.is_loaded());
        assert_eq!(&*file.text, "kind: ServiceAccount\n");
        assert!(changed.is_empty());
        // The second finding on the same file reuses the loaded text.
        let (again, ok) = loaded(&stub, &mut texts, &mut changed);
        assert!(ok && Arc::ptr_eq(&file, &again));
    }

    #[test]
    fn a_file_that_changed_after_linting_is_named_and_not_trusted() {
        let path = scratch("changed.yaml", "kind: ConfigMap\n");
        let linted = SourceFile::new(path.as_str(), "kind: ServiceAccount\n");
        let stub: Arc<SourceFile> = linted.file_ref.clone().into();
        let (mut texts, mut changed) = (HashMap::new(), Vec::new());
        let (_, ok) = loaded(&stub, &mut texts, &mut changed);
        assert!(!ok);
        assert_eq!(changed.len(), 1);
        assert_eq!(&*changed[0], path.as_str());
        // Named once, however many findings point into it.
        let (_, ok) = loaded(&stub, &mut texts, &mut changed);
        assert!(!ok);
        assert_eq!(changed.len(), 1);
        let gone: Arc<SourceFile> = SourceFile::new("/nonexistent/ekslint/x.yaml", "a: 1\n")
            .file_ref
            .clone()
            .into();
        assert!(!loaded(&gone, &mut texts, &mut changed).1);
        assert_eq!(changed.len(), 2);
    }
}
