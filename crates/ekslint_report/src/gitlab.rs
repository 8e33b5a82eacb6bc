//! GitLab Code Quality: the JSON array GitLab shows in merge requests
//! (`artifacts: reports: codequality:`), one issue per finding.
//!
//! ```text
//! [
//!   {
//!     "type": "issue",
//!     "check_name": "API001",
//!     "description": "API001 (api-removed): `extensions/v1beta1` Ingress was removed …",
//!     "fingerprint": "5f0c…",              // 32 hex digits, unique in the report
//!     "severity": "critical",              // error: critical, warning: major, info: info
//!     "location": { "path": "k8s/ingress.yaml", "lines": { "begin": 1 } }
//!   }
//! ]
//! ```
//!
//! Paths are relative to the project root (`$CI_PROJECT_DIR` in GitLab CI, else the current
//! directory) with `/` separators. The fingerprint hashes the rule, path and message (not the
//! line, so it survives edits above the finding) and, for findings that agree on all three, how
//! many came before in the file: GitLab compares the fingerprints of two pipelines to tell new
//! findings from fixed ones. Inputs that could not be read are not code quality issues: they go
//! to standard error and make the exit code 2.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use ekslint_rules::{Report, RuleInfo, Severity};
use serde::Serialize;

use crate::Emitter;
use crate::concise::one_line;

/// Options of the GitLab format.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitlabOptions {
    /// The project root: paths are written relative to it (absolute).
    pub root: PathBuf,
    /// The directory relative paths in the report are relative to (absolute).
    pub current_dir: PathBuf,
}

/// The GitLab Code Quality format.
#[derive(Clone, Debug, Default)]
pub struct GitlabEmitter {
    options: GitlabOptions,
}

impl GitlabEmitter {
    pub fn new(options: GitlabOptions) -> Self {
        GitlabEmitter { options }
    }

    /// A path as GitLab wants it: relative to the root when inside it, with `/` separators.
    fn path(&self, path: &str) -> String {
        let absolute = crate::uri::absolute(Path::new(path), &self.options.current_dir);
        let root = crate::uri::normalize(&self.options.root);
        match absolute.strip_prefix(&root) {
            Ok(relative) if !root.as_os_str().is_empty() => relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            _ => path.to_string(),
        }
    }
}

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'static str,
    description: String,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

impl Emitter for GitlabEmitter {
    fn emit(
        &self,
        report: &Report,
        _rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        let paths: HashMap<&str, String> = report
            .findings
            .iter()
            .map(|f| (f.file.path.as_str(), self.path(&f.file.path)))
            .collect();
        let mut seen: HashMap<u128, u32> = HashMap::new();
        let issues: Vec<Issue> = report
            .findings
            .iter()
            .map(|f| {
                let path = &paths[f.file.path.as_str()];
                let mut hash = Fnv128::default();
                for part in [f.rule.code, path.as_str(), f.message.as_str()] {
                    hash.write(part.as_bytes());
                    hash.write(&[0]);
                }
                let base = hash.0;
                let nth = seen.entry(base).or_insert(0);
                hash.write(&nth.to_le_bytes());
                *nth += 1;
                Issue {
                    kind: "issue",
                    check_name: f.rule.code,
                    description: format!(
                        "{} ({}): {}",
                        f.rule.code,
                        f.rule.name,
                        one_line(&f.message)
                    ),
                    fingerprint: format!("{:032x}", hash.0),
                    severity: match f.severity {
                        Severity::Error => "critical",
                        Severity::Warning => "major",
                        Severity::Info => "info",
                    },
                    location: Location {
                        path,
                        lines: Lines {
                            begin: f.file.line_col(f.span.start).line,
                        },
                    },
                }
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &issues)?;
        out.write_all(b"\n")?;
        Ok(Vec::new())
    }
}

/// 128-bit FNV-1a: a stable hash (the same on every platform and release, unlike std's
/// `Hasher`s), enough for fingerprints that only need to tell findings apart.
struct Fnv128(u128);

impl Default for Fnv128 {
    fn default() -> Self {
        Fnv128(0x6c62272e07bb014262b821756295c58d)
    }
}

impl Fnv128 {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(0x0000000001000000000000000000013B);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv128_matches_the_reference_values() {
        // The FNV reference test vectors for FNV-1a, 128 bits.
        let hash = |s: &str| {
            let mut h = Fnv128::default();
            h.write(s.as_bytes());
            h.0
        };
        assert_eq!(hash(""), 0x6c62272e07bb014262b821756295c58d);
        assert_eq!(hash("a"), 0xd228cb696f1a8caf78912b704e4a8964);
        assert_eq!(hash("abc"), 0xa68d622cec8b5822836dbc7977af7f3b);
        assert_eq!(hash("foobar"), 0x343e1662793c64bf6f0d3597ba446f18);
    }

    #[test]
    fn paths_are_relative_to_the_root() {
        let e = GitlabEmitter::new(GitlabOptions {
            root: PathBuf::from("/repo"),
            current_dir: PathBuf::from("/repo/sub"),
        });
        assert_eq!(e.path("k8s/a.yaml"), "sub/k8s/a.yaml");
        assert_eq!(e.path("../k8s/a.yaml"), "k8s/a.yaml");
        assert_eq!(e.path("/repo/b.yaml"), "b.yaml");
        assert_eq!(e.path("/elsewhere/c.yaml"), "/elsewhere/c.yaml");
    }
}
