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
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) => {
                        if e.file_type().is_some_and(|t| t.is_file()) && is_manifest(e.path()) {
                            found.lock().expect("not poisoned").push(e.into_path());
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
    }
    inputs.sort();
    inputs.dedup();
    notes.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    (inputs, notes)
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
