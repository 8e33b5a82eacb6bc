//! Which files to lint: explicit files always; directories walked in parallel, honouring
//! `.gitignore`, `.ignore` and `.ekslintignore`, keeping `*.yaml`, `*.yml` and `*.json`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

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

/// Expand the command-line paths into a sorted, de-duplicated list of inputs. Paths that do not
/// exist or cannot be walked become notifications.
pub fn discover(paths: &[PathBuf], threads: usize) -> (Vec<Input>, Vec<Notification>) {
    let mut inputs = Vec::new();
    let mut notes = Vec::new();
    let mut dirs = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => dirs.push(p.clone()),
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
        builder
            .threads(threads)
            .require_git(false)
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
    (inputs, notes)
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
