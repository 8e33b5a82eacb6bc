//! `ekslint check --fix` and `--diff`: apply the report's fixes file by file, lint each fixed
//! text again and repeat until nothing more applies, then write each changed file atomically
//! (or print a unified diff and write nothing).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use ekslint_manifest::SourceFile;
use ekslint_rules::fix::{self, FixOptions, Skipped};
use ekslint_rules::{Finding, Report, Settings};

/// What fixing did across the run.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Files whose text changed: (path, original text, fixed text).
    pub changed: Vec<(String, Arc<str>, String)>,
    /// Fixes applied, by rule code.
    pub fixed: BTreeMap<&'static str, usize>,
    /// Fixes left because they are unsafe and `--unsafe-fixes` was not given, by rule code.
    pub unsafe_left: BTreeMap<&'static str, usize>,
    /// Fixes refused because the document uses anchors, aliases, merge keys or tags.
    pub ambiguous: usize,
    /// Fixes dropped because the fixed file would not load as before.
    pub breaking: usize,
    /// Files not written because they changed since they were read, or could not be written.
    pub errors: Vec<(String, String)>,
}

/// Compute every file's fixed text from the report of the first round.
pub fn fix_all(report: &Report, settings: &Settings, options: &FixOptions) -> Outcome {
    let mut by_file: BTreeMap<&str, (Arc<SourceFile>, Vec<&Finding>)> = BTreeMap::new();
    for f in &report.findings {
        if f.fix.is_none() || !f.file.is_loaded() {
            continue;
        }
        by_file
            .entry(f.file.path.as_str())
            .or_insert_with(|| (f.file.clone(), Vec::new()))
            .1
            .push(f);
    }
    let mut out = Outcome::default();
    for (path, (file, findings)) in by_file {
        let original: Arc<str> = file.text.clone();
        let first: Vec<Finding> = findings.into_iter().cloned().collect();
        let rounds = fix::fix_rounds(path, &original, first, settings, options);
        for r in &rounds.fixed {
            *out.fixed.entry(r.code).or_default() += 1;
        }
        for (r, why) in &rounds.left {
            match why {
                Skipped::Unsafe => *out.unsafe_left.entry(r.code).or_default() += 1,
                Skipped::Ambiguous => out.ambiguous += 1,
                Skipped::BreaksFile => out.breaking += 1,
                Skipped::NotFixable | Skipped::Overlap => {}
            }
        }
        if *rounds.text != *original {
            out.changed.push((path.to_string(), original, rounds.text));
        }
    }
    out
}

/// Write each changed file: only when it still holds exactly what was linted, through a
/// temporary file in the same directory renamed over it, keeping its permissions. A file that
/// cannot be written is left as it was and named in `out.errors`.
pub fn write_all(out: &mut Outcome) {
    let mut errors = Vec::new();
    for (path, original, fixed) in &out.changed {
        if let Err(e) = write_one(Path::new(path), original, fixed) {
            errors.push((path.clone(), e));
        }
    }
    out.errors = errors;
}

fn write_one(path: &Path, original: &str, fixed: &str) -> Result<(), String> {
    let now = std::fs::read(path).map_err(|e| format!("cannot read it again: {e}"))?;
    if now != original.as_bytes() {
        return Err("it changed since it was linted; not fixed".to_string());
    }
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.ekslint-fix-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(fixed.as_bytes())?;
        f.sync_all()?;
        std::fs::set_permissions(&tmp, meta.permissions())?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write it: {e}"));
    }
    Ok(())
}

/// A unified diff of every changed file, as `diff -u` prints it.
pub fn diff(out: &Outcome) -> String {
    let mut s = String::new();
    for (path, original, fixed) in &out.changed {
        let d = similar::TextDiff::from_lines(&**original, fixed.as_str());
        let shown = path.trim_start_matches("./").trim_start_matches('/');
        s.push_str(
            &d.unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string(),
        );
    }
    s
}

/// One line per fact: what was fixed, what is left and why.
pub fn summary(out: &Outcome, wrote: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let total: usize = out.fixed.values().sum();
    let verb = if wrote { "Fixed" } else { "Would fix" };
    if total == 0 {
        lines.push("No fixes to apply.".to_string());
    } else {
        let by: Vec<String> = out
            .fixed
            .iter()
            .map(|(c, n)| {
                if *n == 1 {
                    c.to_string()
                } else {
                    format!("{c} ×{n}")
                }
            })
            .collect();
        lines.push(format!(
            "{verb} {total} {} in {} {} ({}).",
            if total == 1 { "finding" } else { "findings" },
            out.changed.len(),
            if out.changed.len() == 1 {
                "file"
            } else {
                "files"
            },
            by.join(", ")
        ));
    }
    let unsafe_total: usize = out.unsafe_left.values().sum();
    if unsafe_total > 0 {
        let by: Vec<&str> = out.unsafe_left.keys().copied().collect();
        lines.push(format!(
            "{unsafe_total} more {} with --unsafe-fixes ({}): they change behaviour, review them.",
            if unsafe_total == 1 {
                "fix is available"
            } else {
                "fixes are available"
            },
            by.join(", ")
        ));
    }
    if out.ambiguous > 0 {
        lines.push(format!(
            "{} {} not applied: the document uses YAML anchors, aliases, merge keys or tags, where an edit may change other nodes; fix by hand.",
            out.ambiguous,
            if out.ambiguous == 1 { "fix was" } else { "fixes were" }
        ));
    }
    if out.breaking > 0 {
        lines.push(format!(
            "{} {} not applied: the file would no longer load as before.",
            out.breaking,
            if out.breaking == 1 {
                "fix was"
            } else {
                "fixes were"
            }
        ));
    }
    for (path, e) in &out.errors {
        lines.push(format!("{path}: {e}"));
    }
    lines
}
