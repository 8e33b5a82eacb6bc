//! File paths as SARIF artifact URIs.

use std::path::{Component, Path, PathBuf};

/// The base id of relative URIs in SARIF output.
pub(crate) const SRCROOT: &str = "%SRCROOT%";

/// A path without `.` and `..` components (lexically: symbolic links are not resolved). `..` at
/// the root stays at the root.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
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

/// `path` made absolute against `base` and normalized.
pub(crate) fn absolute(path: &Path, base: &Path) -> PathBuf {
    if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&base.join(path))
    }
}

/// A `file://` URI of an absolute path; with a trailing `/` when `directory`.
pub(crate) fn file_uri(path: &Path, directory: bool) -> String {
    let mut uri = String::from("file://");
    let mut wrote_segment = false;
    for component in path.components() {
        match component {
            // `C:` (Windows): `file:///C:/…`.
            Component::Prefix(prefix) => {
                uri.push('/');
                uri.push_str(&prefix.as_os_str().to_string_lossy().replace('\\', "/"));
            }
            Component::RootDir => {}
            Component::CurDir => {}
            Component::ParentDir => {
                uri.push_str("/..");
                wrote_segment = true;
            }
            Component::Normal(segment) => {
                uri.push('/');
                encode_segment(&segment.to_string_lossy(), &mut uri);
                wrote_segment = true;
            }
        }
    }
    if directory || !wrote_segment {
        uri.push('/');
    }
    uri
}

/// A relative path as a URI reference: segments percent-encoded, joined with `/`.
pub(crate) fn relative_uri(path: &Path) -> String {
    let mut uri = String::new();
    for component in path.components() {
        let segment = match component {
            Component::Normal(segment) => segment.to_string_lossy(),
            Component::ParentDir => "..".into(),
            _ => continue,
        };
        if !uri.is_empty() {
            uri.push('/');
        }
        encode_segment(&segment, &mut uri);
    }
    uri
}

/// Percent-encodes everything but RFC 3986 unreserved characters and the sub-delimiters and `@`
/// that are safe in a path segment. `:` is encoded, so a relative URI never looks like a scheme.
pub(crate) fn encode_segment(segment: &str, out: &mut String) {
    for byte in segment.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(normalize(Path::new("a/../../b")), PathBuf::from("../b"));
    }

    #[test]
    #[cfg(unix)]
    fn encodes_uris() {
        assert_eq!(
            file_uri(Path::new("/repo dir/k8s"), true),
            "file:///repo%20dir/k8s/"
        );
        assert_eq!(file_uri(Path::new("/"), true), "file:///");
        assert_eq!(
            relative_uri(Path::new("k8s/my app/ingrés#1?.yaml")),
            "k8s/my%20app/ingr%C3%A9s%231%3F.yaml"
        );
        assert_eq!(relative_uri(Path::new("a:b/c%d.yaml")), "a%3Ab/c%25d.yaml");
    }
}
