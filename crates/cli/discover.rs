//! Which files to lint: explicit files always; directories walked in parallel, honouring
//! `.gitignore`, `.ignore` and `.ekslintignore`, keeping `*.yaml`, `*.yml` and `*.json`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use ekslint_rules::Notification;

/// One input to lint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

fn is_manifest(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// How a path is shown: as given, without a leading `./`.
pub fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.to_string()
}

/// The ignore files a directory walk honours, most precedent first (the `ignore` crate's order).
const IGNORE_FILES: [&str; 3] = [".ekslintignore", ".ignore", ".gitignore"];

/// What [`discover`] found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Sorted and de-duplicated.
    pub inputs: Vec<Input>,
    /// Paths that do not exist or cannot be walked.
    pub notes: Vec<Notification>,
    /// Files named on the command line that `--force-exclude` left out.
    pub excluded: usize,
    /// Manifests a walk skipped because they are in a hidden directory (`.deploy/`) or are
    /// hidden themselves; a directory or file named on the command line is always walked.
    pub hidden: usize,
}

/// Expand the command-line paths into a sorted, de-duplicated list of inputs. Paths that do not
/// exist or cannot be walked become notifications. With `force_exclude`, files named explicitly
/// are dropped when the ignore files would skip them in a walk (pre-commit names every changed
/// file, ignored or not).
pub fn discover(paths: &[PathBuf], threads: usize, force_exclude: bool) -> Discovered {
    let mut inputs = Vec::new();
    let mut notes = Vec::new();
    let mut dirs = Vec::new();
    let mut excluded = 0;
    let hidden = std::sync::atomic::AtomicUsize::new(0);
    let mut ignores = IgnoreCache::default();
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => dirs.push(p.clone()),
            Ok(_) if force_exclude && ignores.is_excluded(p) => excluded += 1,
            Ok(_) => inputs.push(Input::File(p.clone())),
            Err(e) => notes.push(Notification {
                path: display(p),
                message: match e.kind() {
                    std::io::ErrorKind::NotFound if p.symlink_metadata().is_ok() => {
                        "dangling symbolic link: its target does not exist".to_string()
                    }
                    std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                    _ => format!("cannot read: {e}"),
                },
            }),
        }
    }
    if !dirs.is_empty() {
        let mut builder = ignore::WalkBuilder::new(&dirs[0]);
        for d in &dirs[1..] {
            builder.add(d);
        }
        // Hidden entries are walked (to count what is skipped) but not linted; `.git` is never
        // entered.
        builder
            .threads(threads)
            .require_git(false)
            .hidden(false)
            .filter_entry(|e| e.file_name() != ".git")
            .add_custom_ignore_filename(".ekslintignore");
        let found = Mutex::new(Vec::new());
        let errors = Mutex::new(Vec::new());
        let link_notes = Mutex::new(Vec::new());
        let roots: Vec<PathBuf> = dirs
            .iter()
            .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()))
            .collect();
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) => {
                        let Some(t) = e.file_type() else {
                            return ignore::WalkState::Continue;
                        };
                        let in_hidden = e.depth() > 0
                            && e.path()
                                .components()
                                .rev()
                                .take(e.depth())
                                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
                        if in_hidden {
                            if (t.is_file() || t.is_symlink()) && is_manifest(e.path()) {
                                hidden.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            }
                            return ignore::WalkState::Continue;
                        }
                        if t.is_file() && is_manifest(e.path()) {
                            found.lock().expect("not poisoned").push(e.into_path());
                        } else if t.is_symlink() && is_manifest(e.path()) {
                            // Symbolic links are not followed while walking (a loop could never
                            // end); a link to a file outside the walked directories is linted,
                            // a broken one is reported.
                            match symlink_target(e.path(), &roots) {
                                Ok(Some(p)) => found.lock().expect("not poisoned").push(p),
                                Ok(None) => {}
                                Err(n) => link_notes.lock().expect("not poisoned").push(n),
                            }
                        }
                    }
                    Err(err) => errors.lock().expect("not poisoned").push(err),
                }
                ignore::WalkState::Continue
            })
        });
        inputs.extend(
            found
                .into_inner()
                .expect("not poisoned")
                .into_iter()
                .map(Input::File),
        );
        for err in errors.into_inner().expect("not poisoned") {
            notes.push(walk_error(&err));
        }
        notes.extend(link_notes.into_inner().expect("not poisoned"));
    }
    inputs.sort();
    inputs.dedup();
    notes.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    Discovered {
        inputs,
        notes,
        excluded,
        hidden: hidden.into_inner(),
    }
}

/// The ignore files of each directory, read once.
#[derive(Default)]
struct IgnoreCache {
    dirs: HashMap<PathBuf, Vec<Gitignore>>,
}

impl IgnoreCache {
    /// Whether a walk of the file's repository would skip the file at `path`: the ignore files
    /// of its directory and of every directory above it up to the repository's root (the
    /// nearest directory with `.git`; without one, the working directory when the file is
    /// under it) are asked, the nearest first, and the first that matches the file or one of
    /// its parent directories decides (`!pattern` keeps a file).
    fn is_excluded(&mut self, path: &Path) -> bool {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return false;
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let Ok(dir) = std::fs::canonicalize(parent) else {
            return false;
        };
        let file = dir.join(name);
        let cwd = std::env::current_dir().and_then(std::fs::canonicalize).ok();
        let root = dir
            .ancestors()
            .find(|a| a.join(".git").exists())
            .map(Path::to_path_buf)
            .or_else(|| cwd.filter(|c| dir.starts_with(c)));
        for ancestor in dir.ancestors() {
            for ignore in self.of(ancestor) {
                match ignore.matched_path_or_any_parents(&file, false) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            if root.as_deref() == Some(ancestor) {
                break;
            }
        }
        false
    }

    fn of(&mut self, dir: &Path) -> &[Gitignore] {
        self.dirs.entry(dir.to_path_buf()).or_insert_with(|| {
            IGNORE_FILES
                .iter()
                .map(|name| dir.join(name))
                .filter(|f| f.is_file())
                .filter_map(|f| {
                    let mut builder = GitignoreBuilder::new(dir);
                    builder.add(f);
                    builder.build().ok()
                })
                .collect()
        })
    }
}

/// `ELOOP`: too many levels of symbolic links.
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
const ELOOP: i32 = 62;
#[cfg(not(any(target_os = "macos", target_os = "ios", target_os = "freebsd")))]
const ELOOP: i32 = 40;

/// A symbolic link met while walking: `Ok(Some(path))` to lint it (a file outside the walked
/// directories), `Ok(None)` to skip it (a directory, or a file that is linted where it lives),
/// `Err` for a broken link or a loop.
fn symlink_target(link: &Path, roots: &[PathBuf]) -> Result<Option<PathBuf>, Notification> {
    match std::fs::canonicalize(link) {
        Ok(target) => {
            let is_file = std::fs::metadata(&target).is_ok_and(|m| m.is_file());
            let inside = roots.iter().any(|r| target.starts_with(r));
            Ok((is_file && !inside).then(|| link.to_path_buf()))
        }
        Err(e) => Err(Notification {
            path: display(link),
            message: if e.raw_os_error() == Some(ELOOP) {
                "symbolic link loop: not followed".to_string()
            } else if e.kind() == std::io::ErrorKind::NotFound {
                "dangling symbolic link: its target does not exist".to_string()
            } else {
                format!("cannot follow symbolic link: {e}")
            },
        }),
    }
}

fn walk_error(err: &ignore::Error) -> Notification {
    let mut path = None;
    let mut e = err;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(display(p));
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err
            }
            _ => break,
        }
    }
    let message = match e {
        ignore::Error::Loop { child, .. } => {
            format!("symbolic link loop at {}: not followed", display(child))
        }
        other => format!("cannot read: {other}"),
    };
    Notification {
        path: path.unwrap_or_else(|| "<walk>".to_string()),
        message,
    }
}
