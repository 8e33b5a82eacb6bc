//! Running the rules: per file (in parallel, by the caller), then once over the whole set.

use std::collections::HashMap;
use std::sync::Arc;

use ekslint_manifest::{ParsedFile, SourceFile, Span};

use crate::context::{FileCtx, SetCtx, SuppressionCtx};
use crate::finding::{Finding, Notification, Report, Stats};
use crate::rule::{RuleInfo, Severity};
use crate::rules::RULES;
use crate::rules::SetIndex;
use crate::settings::Settings;
use crate::suppress::{self, FileDirectives};

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

/// The objects of one file that set `metadata.namespace`: (start, end, index into `names`),
/// sorted and not overlapping (documents and List items; never a List itself). Kept for the
/// whole run, to route findings of the cross-object pass: 12 bytes per object and one string
/// per distinct namespace (a 200,000-object file has a few dozen).
#[derive(Debug, Default)]
struct Namespaces {
    spans: Vec<(u32, u32, u32)>,
    names: Vec<Arc<str>>,
}

impl Namespaces {
    fn of(file: &ParsedFile) -> Namespaces {
        let mut interned: HashMap<&str, u32> = HashMap::new();
        let mut names: Vec<Arc<str>> = Vec::new();
        let mut spans: Vec<(u32, u32, u32)> = file
            .objects
            .iter()
            .filter(|o| o.kind_of != ekslint_manifest::ObjectKind::List)
            .filter_map(|o| {
                let ns = o.namespace_str(&file.tree)?;
                let i = *interned.entry(ns).or_insert_with(|| {
                    names.push(Arc::from(ns));
                    (names.len() - 1) as u32
                });
                Some((o.span.start, o.span.end, i))
            })
            .collect();
        // Objects come in file order, so this is sorted already; a sort (which allocates a
        // buffer of half the list) only if not.
        if !spans.is_sorted_by_key(|(start, _, _)| *start) {
            spans.sort_by_key(|(start, _, _)| *start);
        }
        spans.shrink_to_fit();
        Namespaces { spans, names }
    }

    /// The namespace of the object that holds `span`'s start.
    fn at(&self, span: Span) -> Option<Arc<str>> {
        let i = self
            .spans
            .partition_point(|(start, _, _)| *start <= span.start);
        let (_, end, ns) = self.spans.get(i.checked_sub(1)?)?;
        (span.start <= *end).then(|| self.names[*ns as usize].clone())
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
    let mut facts = SetIndex::of_file(file);
    // Nothing is reported on context files: their custom resources need no validation.
    facts.schema.drop_instances();
    FileOutput {
        path: file.source.path.clone(),
        facts,
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
    let mut ctx = FileCtx::new(file, settings);
    // Each document and object is visited once with every rule, not once per rule: a rule at a
    // time walked the whole tree about 200 times, and once a file's tree outgrows the CPU's
    // caches each of those walks reads it from memory (a 50,000-document file cost 2.3 times a
    // 25,000-document one). Findings keep the order of a rule at a time: each is tagged with its
    // rule's place, and a stable sort by it puts them back.
    let active: Vec<(u16, &dyn crate::rule::Rule, &'static RuleInfo, Severity)> = RULES
        .iter()
        .enumerate()
        .filter(|(i, _)| enabled[*i])
        .map(|(i, rule)| {
            let info = rule.info();
            (i as u16, *rule, info, settings.severity_of(info))
        })
        .collect();
    let mut owner: Vec<u16> = Vec::new();
    let each_rule = |ctx: &mut FileCtx,
                     owner: &mut Vec<u16>,
                     visit: &dyn Fn(&dyn crate::rule::Rule, &mut FileCtx)| {
        for &(i, rule, info, severity) in &active {
            ctx.rule = info;
            ctx.severity = severity;
            visit(rule, ctx);
            owner.resize(ctx.findings.len(), i);
        }
    };
    each_rule(&mut ctx, &mut owner, &|rule, ctx| rule.check_file(ctx));
    // Documents and objects are independent of each other here (what crosses them waits for
    // the cross-object pass), so a file of many runs its rules on every core, a run of them
    // per task; each run's findings are appended in file order, as one thread would.
    in_runs(&mut ctx, &mut owner, &file.documents, |ctx, owner, doc| {
        if doc.root.is_some() {
            each_rule(ctx, owner, &|rule, ctx| rule.check_document(ctx, doc));
        }
    });
    in_runs(&mut ctx, &mut owner, &file.objects, |ctx, owner, obj| {
        each_rule(ctx, owner, &|rule, ctx| rule.check_object(ctx, obj));
    });
    ctx.directives();
    let mut findings: Vec<(u16, Finding)> = owner.into_iter().zip(ctx.findings).collect();
    findings.sort_by_key(|(i, _)| *i);
    let findings: Vec<Finding> = findings.into_iter().map(|(_, f)| f).collect();
    let directives = ctx.directives.take().unwrap_or_default();
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
            hidden_files: 0,
        },
        facts,
        reported: true,
        enabled,
        namespaces: Namespaces::of(file),
        source: Some(file.source.clone()),
    }
}

/// Items per task when a file's documents or objects are linted on several threads: enough
/// work per task (milliseconds) that splitting costs nothing measurable, and a file under it
/// stays on one thread. The unit tests use short runs, so that small files cross them.
const RUN: usize = if cfg!(test) { 64 } else { 2048 };

/// Visit `items` with `visit` and append what it reports to `ctx` and `owner`: in runs of
/// [`RUN`] on the current rayon pool, each run with a context of its own, the runs' findings
/// appended in item order (all on this thread when there is one run or one thread).
fn in_runs<'a, T: Sync>(
    ctx: &mut FileCtx<'a>,
    owner: &mut Vec<u16>,
    items: &[T],
    visit: impl Fn(&mut FileCtx<'a>, &mut Vec<u16>, &T) + Sync,
) {
    use rayon::prelude::*;
    if items.len() <= RUN || rayon::current_num_threads() == 1 {
        items.iter().for_each(|item| visit(ctx, owner, item));
        return;
    }
    let (file, settings) = (ctx.file, ctx.settings);
    let runs: Vec<(Vec<u16>, Vec<Finding>)> = items
        .par_chunks(RUN)
        .map(|items| {
            let mut run = FileCtx::new(file, settings);
            let mut run_owner = Vec::new();
            items
                .iter()
                .for_each(|item| visit(&mut run, &mut run_owner, item));
            (run_owner, run.findings)
        })
        .collect();
    for (o, f) in runs {
        owner.extend(o);
        ctx.findings.extend(f);
    }
}

/// The findings of one file's per-file pass, with the placeholder guard and the file's own
/// suppressions applied: what a `--fix` round after the first lints again (the per-set rules run
/// once, over the whole input, in the first round).
pub fn lint_file_alone(file: &ParsedFile, settings: &Settings) -> Vec<Finding> {
    let mut out = lint_file(file, settings);
    out.findings.retain(|f| !on_placeholder(f));
    let enabled = std::mem::take(&mut out.enabled);
    let is_enabled = |r: &RuleInfo| enabled_code(&enabled, r);
    suppress::apply(&mut out.findings, &mut out.directives, &is_enabled);
    out.findings
}

/// Context files have no `enabled` list (nothing is reported on them): every code is off there.
fn enabled_code(enabled: &[bool], rule: &RuleInfo) -> bool {
    crate::settings::rule_index(rule.code).is_some_and(|i| enabled.get(i).copied().unwrap_or(false))
}

/// Where the engine gets a file's text back for findings of the cross-object pass: the index
/// keeps no texts, and most texts are dropped after their file's pass. The caller decides where
/// texts come from (the CLI reads the file again); the engine does no I/O of its own.
pub trait Sources {
    /// The file at `path` as it is now, decoded as at lint time; `None` when it cannot be read.
    fn read(&self, path: &str) -> Option<Arc<SourceFile>>;
}

/// For callers that keep every text ([`finish`]): nothing needs to be read again.
pub struct KeptTexts;

impl Sources for KeptTexts {
    fn read(&self, _path: &str) -> Option<Arc<SourceFile>> {
        None
    }
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
    finish_collected(collected, notifications, settings, &KeptTexts)
}

/// [`finish`] on results merged as they arrived; the texts that were dropped come back through
/// `sources`.
pub fn finish_collected(
    collected: Collected,
    mut notifications: Vec<Notification>,
    settings: &Settings,
    sources: &dyn Sources,
) -> Report {
    let Collected {
        files: mut outputs,
        index,
        mut stats,
        mut texts,
    } = collected;
    let mut index = index;
    index.settle();
    let set_findings = run_set_rules(&index, settings);
    // What a patch leaves out is not missing: drop those findings on the files a kustomization
    // of the input applies as patches.
    let is_patch = |path: &str| index.kustomizations.iter().any(|k| k.patches_file(path));
    for o in &mut outputs {
        if o.findings.iter().any(|f| f.unless_patch) && is_patch(&o.path) {
            o.findings.retain(|f| !f.unless_patch);
        }
    }
    let set_findings: Vec<Finding> = set_findings
        .into_iter()
        .filter(|f| !(f.unless_patch && is_patch(&f.file.path)))
        .collect();
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
        load(&mut f.file, &mut f.span, &mut texts, &mut changed, sources);
        for l in &mut f.labels {
            if let Some(lf) = &mut l.file {
                load(lf, &mut l.span, &mut texts, &mut changed, sources);
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
        o.findings.retain(|f| !on_placeholder(f));
        let enabled = std::mem::take(&mut o.enabled);
        let is_enabled = |r: &RuleInfo| enabled_code(&enabled, r);
        let unused = suppress::apply(&mut o.findings, &mut o.directives, &is_enabled);
        if let Some(file) = o.directives.file.as_ref().filter(|_| !unused.is_empty()) {
            run_suppression_rules(file, &unused, &enabled, settings, &mut o.findings);
        }
        for f in &mut o.findings {
            f.namespace = o.namespaces.at(f.span);
        }
        findings.append(&mut o.findings);
    }
    // One place applies the config's severity overrides, to every finding (suppression
    // findings included); a finding keeps the severity its rule gave it otherwise.
    for f in &mut findings {
        if let Some(s) = settings.severity_override(f.rule) {
            f.severity = s;
        }
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

/// A finding on a value that a templating step fills in before apply (`${ROLE_ARN}`,
/// `{{ .Values.x }}`, `<account-id>`): the value is not what the cluster will see, so only rules
/// that judge template syntax itself report on it. One guard for every rule, so no rule can
/// forget it. Only a one-line span counts (a value, not a block or an object that happens to
/// hold one somewhere).
fn on_placeholder(f: &Finding) -> bool {
    if f.rule.judges_placeholders || !f.file.is_loaded() {
        return false;
    }
    f.file
        .text
        .get(f.span.range())
        .is_some_and(|t| !t.contains('\n') && crate::support::placeholder::is_placeholder(t))
}

/// Hand one file's unused suppressions to the enabled rules that judge them.
fn run_suppression_rules(
    file: &Arc<SourceFile>,
    unused: &[suppress::Unused],
    enabled: &[bool],
    settings: &Settings,
    findings: &mut Vec<Finding>,
) {
    for (i, rule) in RULES.iter().enumerate() {
        if !enabled.get(i).copied().unwrap_or(false) {
            continue;
        }
        let mut ctx = SuppressionCtx {
            file,
            unused,
            rule: rule.info(),
            severity: settings.severity_of(rule.info()),
            findings: Vec::new(),
        };
        rule.check_suppressions(&mut ctx);
        findings.append(&mut ctx.findings);
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
/// again through `sources`. When the file read back is not the one that was linted (its digest
/// differs) or cannot be read, `span` is moved to the file's start and the path is listed in
/// `changed`, once.
fn load(
    file: &mut Arc<SourceFile>,
    span: &mut Span,
    texts: &mut HashMap<Arc<str>, Arc<SourceFile>>,
    changed: &mut Vec<Arc<str>>,
    sources: &dyn Sources,
) {
    if file.is_loaded() {
        return;
    }
    let key = file.file_ref.path.clone();
    let found = texts
        .entry(key.clone())
        .or_insert_with(|| {
            sources
                .read(&key)
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

    /// Files read again from disk, as the CLI does.
    struct Disk;

    impl Sources for Disk {
        fn read(&self, path: &str) -> Option<Arc<SourceFile>> {
            let text = String::from_utf8(std::fs::read(path).ok()?).ok()?;
            Some(Arc::new(SourceFile::new(path, text)))
        }
    }

    /// A span that stays where it was when the file loads as linted.
    const AT: Span = Span::new(6, 20);

    fn loaded(
        stub: &Arc<SourceFile>,
        texts: &mut HashMap<Arc<str>, Arc<SourceFile>>,
        changed: &mut Vec<Arc<str>>,
    ) -> (Arc<SourceFile>, bool) {
        let (mut file, mut span) = (stub.clone(), AT);
        load(&mut file, &mut span, texts, changed, &Disk);
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

    /// A file of more documents and objects than one run of [`RUN`] is linted on several
    /// threads; its findings are those of one thread, in the same order.
    #[test]
    fn a_file_linted_in_runs_on_several_threads_reports_as_on_one() {
        let kinds = [
            // a removed API with a replacement, an unquoted number in a ConfigMap, a misspelt
            // LBC annotation, a role ARN with a typo, and a clean object
            "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web-{i}\nspec:\n  backend:\n    serviceName: web\n    servicePort: 80\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-{i}\ndata:\n  TIMEOUT: 30\n",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s-{i}\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-schme: internal\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n",
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-{i}\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::12345678901:role/app\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok-{i}\ndata:\n  A: \"1\"\n",
        ];
        let mut text = String::new();
        for i in 0..RUN * 3 + 17 {
            text.push_str("---\n");
            text.push_str(&kinds[i % kinds.len()].replace("{i}", &i.to_string()));
        }
        let file = ekslint_manifest::parse_str("all.yaml", &text);
        assert!(file.objects.len() > RUN * 3);
        let settings = Settings::new(crate::version::KubeVersion::new(1, 33));
        let lint = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool");
            pool.install(|| lint_file(&file, &settings).findings)
                .iter()
                .map(|f| (f.rule.code, f.span, f.message.clone()))
                .collect::<Vec<_>>()
        };
        let one = lint(1);
        let codes: std::collections::HashSet<&str> = one.iter().map(|f| f.0).collect();
        for code in ["API001", "YAML004", "IRSA001"] {
            assert!(codes.contains(code), "{code} not in {codes:?}");
        }
        assert!(one.len() > RUN, "{} findings", one.len());
        assert_eq!(one, lint(4));
    }
}
