//! `ekslint check`.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use ekslint_manifest::{Format, ParsedFile, SourceFile};
use ekslint_report::{Emitter, Format as ReportFormat, RenderOptions};
use ekslint_rules::config::{self, Config, ConfigError};
use ekslint_rules::engine::{Collected, FileOutput};
use ekslint_rules::{Notification, Overrides, Report, RuleInfo, Settings, Severity};
use rayon::prelude::*;

use crate::args::{CheckArgs, Color, FailOn, OutputFormat};
use crate::discover::{self, Input};

const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

pub fn run(args: CheckArgs) -> ExitCode {
    match run_inner(args) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The config file: `--config`, or `.ekslint.yaml` from the working directory up.
fn load_config(args: &CheckArgs) -> Result<Config, ConfigError> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir().ok().and_then(|d| config::find(&d)),
    };
    match path {
        Some(p) => config::load(&p),
        None => Ok(Config::default()),
    }
}

fn render_config_error(err: &ConfigError) {
    let Some(src) = &err.source else {
        eprintln!("error: {}", err.message);
        if let Some(h) = &err.help {
            eprintln!("  help: {h}");
        }
        return;
    };
    let mut diag = miette::MietteDiagnostic::new(format!("invalid configuration: {}", err.message))
        .with_labels([miette::LabeledSpan::new_primary_with_span(
            Some("here".to_string()),
            (err.span.start as usize, err.span.len() as usize),
        )]);
    if let Some(h) = &err.help {
        diag = diag.with_help(h.clone());
    }
    let report = miette::Report::new(diag).with_source_code(miette::NamedSource::new(
        src.path.clone(),
        src.text.to_string(),
    ));
    eprintln!("{report:?}");
}

/// What the configuration decides for a run.
struct RunSettings {
    settings: Settings,
    fail_on: Severity,
}

/// The files of a run: those to check, those read only as context, and what could not be
/// found.
struct Inputs {
    files: Vec<Input>,
    context: Vec<PathBuf>,
    notifications: Vec<Notification>,
    /// Standard input's bytes, read once, when `-` is among the files.
    stdin: Option<Vec<u8>>,
    /// Manifests in hidden directories that the walk skipped.
    hidden: usize,
}

fn run_inner(args: CheckArgs) -> Result<u8, String> {
    let Some(run) = load_settings(&args) else {
        return Ok(EXIT_ERROR);
    };
    let output = OutputPlan::new(&args)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(16 * 1024 * 1024)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let mut timings = Timings::new(args.timings);

    let inputs = discover_inputs(&args, threads)?;
    timings.lap(
        "discovery",
        inputs.files.len() + inputs.context.len(),
        "files",
    );

    let (collected, file_notes) = lint_in_parallel(&pool, &args, &inputs, &run.settings);
    timings.lap(
        "per-file pass (read, parse, rules, facts)",
        collected.stats().documents,
        "documents",
    );

    let collected = add_context(&pool, collected, &inputs.context, &run.settings);
    timings.lap("context files", inputs.context.len(), "files");

    let mut notifications = inputs.notifications.clone();
    notifications.extend(file_notes);
    let mut report =
        ekslint_rules::finish_collected(collected, notifications, &run.settings, &Disk);
    report.stats.hidden_files = inputs.hidden;
    timings.lap(
        "cross-object pass, suppressions, sorting",
        report.findings.len(),
        "findings",
    );

    if args.fix || args.diff {
        if inputs.files.contains(&Input::Stdin) {
            return Err(
                "--fix and --diff change files: standard input cannot be fixed".to_string(),
            );
        }
        let options = ekslint_rules::fix::FixOptions {
            unsafe_fixes: args.unsafe_fixes,
        };
        let mut outcome = crate::fix::fix_all(&report, &run.settings, &options);
        timings.lap("fixes", outcome.changed.len(), "files");
        if args.diff {
            let d = crate::fix::diff(&outcome);
            write_output(args.output.as_deref(), |out| {
                out.write_all(d.as_bytes()).map(|()| Vec::new())
            })?;
            for line in crate::fix::summary(&outcome, false) {
                eprintln!("{line}");
            }
            timings.print();
            return Ok(if outcome.changed.is_empty() {
                0
            } else {
                EXIT_FINDINGS
            });
        }
        crate::fix::write_all(&mut outcome);
        for line in crate::fix::summary(&outcome, true) {
            eprintln!("{line}");
        }
        if !outcome.changed.is_empty() {
            // Report what is left in the files as they are now.
            let (collected, file_notes) = lint_in_parallel(&pool, &args, &inputs, &run.settings);
            let collected = add_context(&pool, collected, &inputs.context, &run.settings);
            let mut notifications = Vec::new();
            notifications.extend(file_notes);
            report =
                ekslint_rules::finish_collected(collected, notifications, &run.settings, &Disk);
            report.stats.hidden_files = inputs.hidden;
        }
        if !outcome.errors.is_empty() {
            render(&args, &output, &report)?;
            timings.print();
            return Ok(EXIT_ERROR);
        }
    }

    render(&args, &output, &report)?;
    timings.lap("output", report.findings.len(), "findings");
    timings.print();
    Ok(exit_code(&report, run.fail_on))
}

/// Step 1: the config file and the command line, combined. `None` after a configuration error,
/// which is rendered here.
fn load_settings(args: &CheckArgs) -> Option<RunSettings> {
    let config = load_config(args)
        .map_err(|e| render_config_error(&e))
        .ok()?;
    let overrides = Overrides {
        target: args.target_version.clone(),
        limits: args.limit.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let settings = Settings::build(&config, &overrides, &ekslint_rules::version::today_utc())
        .map_err(|e| render_config_error(&e))
        .ok()?;
    let fail_on = match (args.fail_on, config.fail_on) {
        (Some(FailOn::Error), _) => Severity::Error,
        (Some(FailOn::Warning), _) => Severity::Warning,
        (Some(FailOn::Info), _) => Severity::Info,
        (None, Some(s)) => s,
        (None, None) => Severity::Error,
    };
    Some(RunSettings { settings, fail_on })
}

/// Step 2: the files to check and the context files; standard input is read here, once.
fn discover_inputs(args: &CheckArgs, threads: usize) -> Result<Inputs, String> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let found = discover::discover(&paths, threads, args.force_exclude);
    let (context, context_notes) = context_inputs(&args.context, &found.inputs, threads);
    if found.inputs.is_empty() && found.notes.is_empty() {
        let mut notice = "warning: no manifests found (*.yaml, *.yml, *.json; .gitignore, .ignore and .ekslintignore are honoured)".to_string();
        if found.hidden > 0 {
            notice.push_str(&format!(
                "; {} in hidden directories skipped: name the directory to lint {}",
                found.hidden,
                if found.hidden == 1 { "it" } else { "them" }
            ));
        }
        if found.excluded > 0 {
            notice.push_str(&format!(
                "; {} named {} excluded by --force-exclude",
                found.excluded,
                if found.excluded == 1 {
                    "file was"
                } else {
                    "files were"
                }
            ));
        }
        eprintln!("{notice}");
    }
    let stdin = if found.inputs.contains(&Input::Stdin) {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Some(buf)
    } else {
        None
    };
    let mut notifications = found.notes;
    notifications.extend(context_notes);
    Ok(Inputs {
        files: found.inputs,
        context,
        notifications,
        stdin,
        hidden: found.hidden,
    })
}

/// Step 3: read, parse and lint every file on the pool. Each worker folds its files into a
/// `Collected` (input order kept; rayon's reduce joins neighbours), so a file's tree and text
/// are dropped as soon as its pass ends.
fn lint_in_parallel(
    pool: &rayon::ThreadPool,
    args: &CheckArgs,
    inputs: &Inputs,
    settings: &Settings,
) -> (Collected, Vec<Notification>) {
    let stdin_name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "<stdin>".to_string());
    let progress = crate::progress::Progress::start(
        crate::progress::wanted(args.progress),
        inputs.files.len(),
    );
    let result = pool.install(|| {
        inputs
            .files
            .par_iter()
            .map(|input| {
                let is_stdin = *input == Input::Stdin;
                let (name, bytes) = match input {
                    Input::Stdin => (
                        stdin_name.clone(),
                        Ok(inputs.stdin.clone().unwrap_or_default()),
                    ),
                    Input::File(p) => (
                        discover::display(p),
                        read_file(p, settings.limits.max_file_bytes),
                    ),
                };
                let bytes = bytes.map_err(|message| Notification {
                    path: name.clone(),
                    message,
                })?;
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    lint_bytes(&name, bytes, is_stdin, settings)
                }));
                progress.file_done(out.as_ref().map_or(0, |o| o.stats.documents));
                out.map(|o| (o, is_stdin)).map_err(|panic| Notification {
                    path: name.clone(),
                    message: format!(
                        "internal error while linting this file ({}); please report it with the file",
                        panic_message(&panic)
                    ),
                })
            })
            .fold(
                || (Collected::default(), Vec::new()),
                |(mut c, mut notes), r| {
                    match r {
                        // Standard input cannot be read again: keep its text.
                        Ok((o, is_stdin)) => c.push(o, is_stdin),
                        Err(n) => notes.push(n),
                    }
                    (c, notes)
                },
            )
            .reduce(
                || (Collected::default(), Vec::new()),
                |(mut a, mut an), (b, mut bn)| {
                    a.append(b);
                    an.append(&mut bn);
                    (a, an)
                },
            )
    });
    progress.finish();
    result
}

/// Step 4: the context files' facts. One that cannot be read or parsed is skipped quietly: it is
/// not being checked, and its problems are reported when it is.
fn add_context(
    pool: &rayon::ThreadPool,
    mut collected: Collected,
    context: &[PathBuf],
    settings: &Settings,
) -> Collected {
    let outputs: Vec<FileOutput> = pool.install(|| {
        context
            .par_iter()
            .filter_map(|p| {
                let bytes = read_file(p, settings.limits.max_file_bytes).ok()?;
                let name = discover::display(p);
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let parsed = parse_bytes(&name, bytes, false, settings);
                    ekslint_rules::engine::collect_context(&parsed)
                }))
                .ok()
            })
            .collect()
    });
    for o in outputs {
        collected.push(o, false);
    }
    collected
}

/// How the report is written: checked before any file is read, so a bad option fails fast.
struct OutputPlan {
    format: ReportFormat,
    /// `--statistics`: the table (or its JSON) instead of the findings.
    statistics: bool,
    options: RenderOptions,
}

impl OutputPlan {
    fn new(args: &CheckArgs) -> Result<OutputPlan, String> {
        let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
        let color = match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
        };
        let mut sarif = ekslint_report::SarifOptions::with_root(
            args.sarif_root
                .clone()
                .unwrap_or_else(|| PathBuf::from(".")),
        )
        .map_err(|e| format!("--sarif-root: {e}"))?;
        if let Some(c) = &args.sarif_category {
            if c.trim_matches('/').is_empty() {
                return Err("--sarif-category must not be empty".to_string());
            }
            sarif.category = c.clone();
        }
        let format = match args.format {
            OutputFormat::Human => ReportFormat::Human,
            OutputFormat::Concise => ReportFormat::Concise,
            OutputFormat::Json => ReportFormat::Json,
            OutputFormat::Sarif => ReportFormat::Sarif,
            OutputFormat::Github => ReportFormat::Github,
            OutputFormat::Junit => ReportFormat::Junit,
            OutputFormat::Gitlab => ReportFormat::Gitlab,
            OutputFormat::Markdown => ReportFormat::Markdown,
            OutputFormat::Html => ReportFormat::Html,
        };
        if args.statistics
            && !matches!(
                format,
                ReportFormat::Human | ReportFormat::Concise | ReportFormat::Json
            )
        {
            return Err(format!(
                "--statistics prints a table, or JSON with --format json; not {}",
                format.as_str()
            ));
        }
        // GitLab shows paths relative to the project: `$CI_PROJECT_DIR` in its CI.
        let current_dir = std::env::current_dir()
            .map_err(|e| format!("cannot read the current directory: {e}"))?;
        let gitlab_root = std::env::var_os("CI_PROJECT_DIR")
            .filter(|d| !d.is_empty())
            .map(|d| current_dir.join(d))
            .unwrap_or_else(|| current_dir.clone());
        Ok(OutputPlan {
            format,
            statistics: args.statistics,
            options: RenderOptions {
                human: ekslint_report::HumanOptions {
                    color,
                    width: if to_terminal { terminal_width() } else { 100 },
                    links: false,
                },
                sarif,
                gitlab: ekslint_report::GitlabOptions {
                    root: gitlab_root,
                    current_dir,
                },
            },
        })
    }

    /// Whether the summary line is part of the report itself (or goes to standard error).
    fn summary_in_report(&self, args: &CheckArgs) -> bool {
        self.format.is_for_terminal() && args.output.is_none()
    }
}

/// Step 5: write the report (to standard output or `--output`), then what belongs on standard
/// error: the emitter's warnings, and the summary and unreadable inputs when the report is not
/// for people. A reader that went away (`ekslint check | head`) ends the output quietly.
fn render(args: &CheckArgs, plan: &OutputPlan, report: &Report) -> Result<(), String> {
    let rules: Vec<&'static RuleInfo> = ekslint_rules::RULES.iter().map(|r| r.info()).collect();
    let summary = ekslint_report::summary_line(report);
    let quiet = args.quiet && plan.format.is_for_terminal();
    let warnings = write_output(args.output.as_deref(), |out| {
        if quiet {
            for n in &report.notifications {
                writeln!(out, "error: {}: {}", n.path, n.message)?;
            }
            writeln!(out, "{summary}")?;
            return Ok(Vec::new());
        }
        if plan.statistics {
            let json = plan.format == ReportFormat::Json;
            let w = ekslint_report::StatisticsEmitter { json }.emit(report, &rules, out)?;
            if !json {
                for n in &report.notifications {
                    writeln!(out, "error: {}: {}", n.path, n.message)?;
                }
                if plan.summary_in_report(args) {
                    writeln!(out, "\n{summary}")?;
                }
            }
            return Ok(w);
        }
        ekslint_report::render(plan.format, report, &rules, &plan.options, out)
    })?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    if !plan.summary_in_report(args) {
        eprintln!("{summary}");
        for n in &report.notifications {
            eprintln!("error: {}: {}", n.path, n.message);
        }
    }
    Ok(())
}

/// Step 6: 2 when an input could not be read, 1 when a finding reaches `--fail-on`, else 0.
fn exit_code(report: &Report, fail_on: Severity) -> u8 {
    if !report.notifications.is_empty() {
        EXIT_ERROR
    } else if report.findings.iter().any(|f| f.severity >= fail_on) {
        EXIT_FINDINGS
    } else {
        0
    }
}

/// Runs `f` on the report's destination and flushes it. A closed standard output (the reader
/// went away) is not an error: nothing more is written and no warning is returned.
fn write_output(
    path: Option<&Path>,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<Vec<String>>,
) -> Result<Vec<String>, String> {
    match path {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let written = f(&mut out).and_then(|w| out.flush().map(|()| w));
            match written {
                Ok(w) => Ok(w),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    // Drop what is buffered: writing it again would fail again.
                    let _ = out.into_parts();
                    Ok(Vec::new())
                }
                Err(e) => Err(format!("cannot write the report: {e}")),
            }
        }
        Some(p) => {
            let file = std::fs::File::create(p)
                .map_err(|e| format!("cannot create {}: {e}", p.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let w = f(&mut out).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
            out.flush()
                .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
            Ok(w)
        }
    }
}

fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_dir() {
        return Err("is a directory".to_string());
    }
    if meta.len() > max {
        return Err(format!(
            "the file is {}, over the limit of {}; not read (`--limit max-file-bytes=N` raises it)",
            size(meta.len()),
            size(max)
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

/// A size for people: exact bytes, with the MiB or KiB figure when it is large
/// (`1,500 bytes`, `70,000,000 bytes (66.8 MiB)`).
fn size(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB {
        format!("{grouped} bytes ({:.1} MiB)", b / (KIB * KIB))
    } else if b >= 10.0 * KIB {
        format!("{grouped} bytes ({:.1} KiB)", b / KIB)
    } else {
        format!("{grouped} bytes")
    }
}

/// The files under the `--context` paths that are not also being checked, and the context
/// paths that do not exist or cannot be walked.
fn context_inputs(
    paths: &[PathBuf],
    checked: &[Input],
    threads: usize,
) -> (Vec<PathBuf>, Vec<Notification>) {
    if paths.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let key = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let checked: std::collections::HashSet<PathBuf> = checked
        .iter()
        .filter_map(|i| match i {
            Input::File(p) => Some(key(p)),
            Input::Stdin => None,
        })
        .collect();
    let found = discover::discover(paths, threads, false);
    let files = found
        .inputs
        .into_iter()
        .filter_map(|i| match i {
            Input::File(p) if !checked.contains(&key(&p)) => Some(p),
            _ => None,
        })
        .collect();
    let notes = found
        .notes
        .into_iter()
        .map(|n| Notification {
            path: n.path,
            message: format!("--context: {}", n.message),
        })
        .collect();
    (files, notes)
}

/// Parse and lint one file's bytes. Undecodable bytes become a YAML001 finding on a lossy copy.
fn lint_bytes(name: &str, bytes: Vec<u8>, is_stdin: bool, settings: &Settings) -> FileOutput {
    let parsed = parse_bytes(name, bytes, is_stdin, settings);
    ekslint_rules::lint_file(&parsed, settings)
}

fn parse_bytes(name: &str, bytes: Vec<u8>, is_stdin: bool, settings: &Settings) -> ParsedFile {
    let format =
        if is_stdin && !name.to_ascii_lowercase().ends_with(".json") && !name.ends_with(".yaml") {
            let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
            if first == Some(&b'{') {
                Format::Json
            } else {
                Format::from_path(name)
            }
        } else {
            Format::from_path(name)
        };
    match ekslint_manifest::decode(bytes) {
        Ok(text) => ekslint_manifest::parse(
            Arc::new(SourceFile::new(name, text)),
            format,
            &settings.limits,
        ),
        Err((problem, text)) => {
            ekslint_manifest::unparsed(Arc::new(SourceFile::new(name, text)), problem)
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// `--timings`: wall-clock time per phase, printed to standard error at the end.
struct Timings {
    on: bool,
    start: std::time::Instant,
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration, usize, &'static str)>,
}

impl Timings {
    fn new(on: bool) -> Timings {
        let now = std::time::Instant::now();
        Timings {
            on,
            start: now,
            last: now,
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, phase: &'static str, count: usize, unit: &'static str) {
        if self.on {
            let now = std::time::Instant::now();
            self.laps.push((phase, now - self.last, count, unit));
            self.last = now;
        }
    }

    fn print(&self) {
        if !self.on {
            return;
        }
        for (phase, took, count, unit) in &self.laps {
            eprintln!(
                "timing: {:>9.3} s  {phase} ({count} {unit})",
                took.as_secs_f64()
            );
        }
        eprintln!(
            "timing: {:>9.3} s  total",
            self.start.elapsed().as_secs_f64()
        );
    }
}

/// Files read again from disk for findings of the cross-object pass, decoded as at lint time.
struct Disk;

impl ekslint_rules::engine::Sources for Disk {
    fn read(&self, path: &str) -> Option<Arc<SourceFile>> {
        let bytes = std::fs::read(path).ok()?;
        let text = match ekslint_manifest::decode(bytes) {
            Ok(t) => t,
            Err((_, lossy)) => lossy,
        };
        Some(Arc::new(SourceFile::new(path, text)))
    }
}
