//! Bytes → documents → Kubernetes objects, with byte spans on every key and value.
//!
//! This crate knows YAML, JSON and Kubernetes object identity (apiVersion, kind, namespace,
//! name). It knows nothing about rules.

mod fast;
#[cfg(test)]
mod fast_tests;
mod json;
pub mod object;
pub mod pod;
pub mod span;
pub mod tree;
mod yaml;
pub mod yaml11;

use std::sync::Arc;

pub use object::{Field, Object, ObjectKind, containers, env_vars};
pub use span::{LineCol, LineIndex, Span};
pub use tree::{Entry, Node, NodeId, NodeKind, Scalar, ScalarStyle, ScalarTag, Tree};

/// Resource limits for one file. Every limit produces a diagnostic, never a crash.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most nodes that aliases may add to one document when expanded.
    pub max_alias_expansion: u64,
    /// Most documents read from one file.
    pub max_documents: usize,
    /// Longest line, in bytes; a file with a longer line is not parsed.
    pub max_line_bytes: usize,
}

impl Limits {
    /// The names used by `--limit NAME=VALUE` and the config's `limits:`, with their meaning.
    pub const NAMES: &'static [(&'static str, &'static str)] = &[
        ("max-file-bytes", "largest file read, in bytes"),
        (
            "max-depth",
            "deepest nesting of maps and lists (at most 10000)",
        ),
        (
            "max-alias-expansion",
            "most nodes that aliases may add to one document",
        ),
        ("max-documents", "most documents read from one file"),
        ("max-line-bytes", "longest line, in bytes"),
    ];

    /// Set one limit by name. The value is a positive integer; `max-depth` is capped so that
    /// no configuration can make a deep document overflow a stack.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let v: u64 = value
            .trim()
            .replace('_', "")
            .parse()
            .ok()
            .filter(|&v| v > 0)
            .ok_or_else(|| format!("`{value}` is not a positive whole number"))?;
        let as_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        match name {
            "max-file-bytes" => self.max_file_bytes = v,
            "max-depth" => {
                if v > Self::DEPTH_CEILING as u64 {
                    return Err(format!(
                        "max-depth can be at most {}, to keep deep documents from overflowing the stack",
                        Self::DEPTH_CEILING
                    ));
                }
                self.max_depth = as_usize(v);
            }
            "max-alias-expansion" => self.max_alias_expansion = v,
            "max-documents" => self.max_documents = as_usize(v),
            "max-line-bytes" => self.max_line_bytes = as_usize(v),
            _ => {
                let names: Vec<&str> = Self::NAMES.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "unknown limit `{name}`; the limits are {}",
                    names.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The highest `max-depth` accepted.
    pub const DEPTH_CEILING: usize = 10_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_depth: 255,
            max_alias_expansion: 1_000_000,
            max_documents: 100_000,
            max_line_bytes: 1024 * 1024,
        }
    }
}

/// A comment, `#` included in its span, text after the `#`.
#[derive(Clone, Debug)]
pub struct Comment {
    pub span: Span,
    pub text: Box<str>,
}

/// One YAML document (or one top-level JSON value).
#[derive(Clone, Debug)]
pub struct Document {
    /// `None` when the document could not be parsed.
    pub root: Option<NodeId>,
    pub span: Span,
    /// Index into [`ParsedFile::problems`] of the error that broke this document.
    pub problem: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not valid YAML or JSON (or not decodable by Kubernetes).
    Syntax,
    /// The same key twice in one map; `first` is the earlier occurrence.
    DuplicateKey { first: Span },
    /// A resource limit was hit (alias expansion, documents, size).
    Limit,
    /// The file is not UTF-8 text.
    Encoding,
}

/// Something wrong with the file itself, found while loading it.
#[derive(Clone, Debug)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
}

#[derive(Default)]
pub(crate) struct Loaded {
    tree: Tree,
    documents: Vec<Document>,
    comments: Vec<Comment>,
    problems: Vec<Problem>,
}

/// A file's path (as the user should see it) and text.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    pub line_index: LineIndex,
    /// The file without its text: what long-lived facts keep.
    pub file_ref: FileRef,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let path = path.into();
        let text = text.into();
        let line_index = LineIndex::lazy(text.clone());
        let file_ref = FileRef {
            path: Arc::from(path.as_str()),
            digest: digest(&text),
        };
        SourceFile {
            path,
            text,
            line_index,
            file_ref,
        }
    }

    /// A placeholder for a file whose text is not in memory: the engine replaces it with the
    /// file read again before anything is rendered.
    pub fn unloaded(file_ref: FileRef) -> Self {
        SourceFile {
            path: file_ref.path.to_string(),
            text: Arc::from(""),
            line_index: LineIndex::new(""),
            file_ref,
        }
    }

    /// False for an [`unloaded`](SourceFile::unloaded) placeholder.
    pub fn is_loaded(&self) -> bool {
        !self.text.is_empty() || self.file_ref.digest == digest("")
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        self.line_index.line_col(offset, &self.text)
    }
}

/// A file of the input named without its text: the cross-object index keeps these, so that a
/// run's memory holds the facts of every file but the text of only the files it reports on.
/// The text is found again by path when a finding needs it; the digest tells whether the file
/// read back is the one that was linted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileRef {
    pub path: Arc<str>,
    pub digest: u64,
}

/// A text-less file becomes an [`unloaded`](SourceFile::unloaded) placeholder.
impl From<FileRef> for Arc<SourceFile> {
    fn from(file_ref: FileRef) -> Self {
        Arc::new(SourceFile::unloaded(file_ref))
    }
}

/// A 64-bit digest of a file's text (FNV-1a over 8-byte words, rotated so high bits mix down): cheap enough to take for every
/// file, enough to notice a file that changed while it was being linted.
pub fn digest(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(23);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// `.json` files are JSON; everything else is YAML (of which JSON is nearly a subset).
    pub fn from_path(path: &str) -> Format {
        if path.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

/// Where an unrendered template was recognised, and whose template it is.
#[derive(Clone, Debug)]
pub struct HelmTemplate {
    pub span: Span,
    pub engine: TemplateEngine,
}

/// The templating tool whose syntax an unrendered template file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateEngine {
    /// A Helm chart template (`{{ .Values.x }}`, `{{- include … }}`).
    Helm,
    /// A Terraform `templatefile()` template (`%{ if … }`, `${var.x}`, `${a ? "b" : "c"}`),
    /// recognised only when the text does not load as YAML.
    Terraform,
}

/// Everything known about one file after loading.
#[derive(Debug)]
pub struct ParsedFile {
    pub source: Arc<SourceFile>,
    pub tree: Tree,
    pub documents: Vec<Document>,
    pub comments: Vec<Comment>,
    pub problems: Vec<Problem>,
    /// Kubernetes objects (documents with `apiVersion` and `kind`, and the items of `List`s), in
    /// source order.
    pub objects: Vec<Object>,
    /// Set when the file is an unrendered Helm template; it is then not parsed further.
    pub helm: Option<HelmTemplate>,
    /// Documents that are not Kubernetes objects (values files, CI configs, empty maps).
    pub non_kubernetes_documents: usize,
}

/// Decode bytes as UTF-8 text. On failure, returns the problem and the text to show with it:
/// empty for a binary file, a lossy copy (identical up to the problem's offset) for invalid UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, (Problem, String)> {
    let probe = &bytes[..bytes.len().min(8192)];
    if let Some(nul) = probe.iter().position(|&b| b == 0) {
        return Err((
            Problem {
                kind: ProblemKind::Encoding,
                span: Span::default(),
                message: format!("binary file (NUL byte at offset {nul}); not a manifest"),
            },
            String::new(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        (
            Problem {
                kind: ProblemKind::Encoding,
                span: Span::from_range(at..at),
                message: format!(
                    "invalid UTF-8 at byte offset {at}; Kubernetes manifests must be UTF-8"
                ),
            },
            lossy,
        )
    })
}

/// A file that was not parsed because of `problem` (its encoding, its size).
pub fn unparsed(source: Arc<SourceFile>, problem: Problem) -> ParsedFile {
    ParsedFile {
        source,
        tree: Tree::default(),
        documents: Vec::new(),
        comments: Vec::new(),
        problems: vec![problem],
        objects: Vec::new(),
        helm: None,
        non_kubernetes_documents: 0,
    }
}

/// Load a file's text. Never panics on any input; problems are returned inside the result.
pub fn parse(source: Arc<SourceFile>, format: Format, limits: &Limits) -> ParsedFile {
    let text = source.text.clone();
    let helm = if format == Format::Yaml {
        detect_helm(&text)
    } else {
        None
    };
    let long_line = long_line(&text, limits.max_line_bytes);
    let loaded = if helm.is_some() || long_line.is_some() {
        Loaded::default()
    } else {
        match format {
            Format::Yaml => load_yaml(&text, limits),
            Format::Json => json::load(&text, limits),
        }
    };
    // A Terraform template is often not YAML until rendered (`%{ if }` lines, expressions with
    // quotes): only a text that fails to load is taken for one, so valid YAML is always linted.
    let failed = loaded
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::Syntax);
    let terraform = (helm.is_none() && format == Format::Yaml && failed)
        .then(|| detect_terraform(&text))
        .flatten();
    let (helm, loaded) = match terraform {
        Some(t) => (Some(t), Loaded::default()),
        None => (helm, loaded),
    };
    let mut problems = loaded.problems;
    problems.extend(long_line);
    let mut file = ParsedFile {
        source,
        tree: loaded.tree,
        documents: loaded.documents,
        comments: loaded.comments,
        problems,
        objects: Vec::new(),
        helm,
        non_kubernetes_documents: 0,
    };
    let (objects, non_k8s) = object::collect(&file.tree, &file.documents);
    file.objects = objects;
    file.non_kubernetes_documents = non_k8s;
    file
}

/// Files from this size are loaded in parts, in parallel.
const PARTS_FROM_BYTES: usize = 2 << 20;
/// The size of a part: about this many bytes, up to the next `---`.
const PART_BYTES: usize = 1 << 20;

/// Load YAML; a large file in parts on the current rayon pool (documents are independent). The
/// parts depend only on the text, never on the number of threads, and a file whose parts do
/// not all load cleanly is loaded again in one piece, so the result is always that of loading
/// it in one piece.
fn load_yaml(text: &Arc<str>, limits: &Limits) -> Loaded {
    load_yaml_in_parts(text, limits, PARTS_FROM_BYTES, PART_BYTES)
}

fn load_yaml_in_parts(text: &Arc<str>, limits: &Limits, from: usize, part: usize) -> Loaded {
    if let Some(parts) = split_at_document_markers(text, from, part) {
        use rayon::prelude::*;
        // A few parts per thread at a time, joined as they come: the memory of a file loaded
        // in parts stays that of its tree plus a few parts.
        let batch = 4 * rayon::current_num_threads().max(1);
        // The joined tree is sized for the whole file once, from what the first batch of parts
        // holds per byte: growing it part by part would leave the smaller arrays it outgrew
        // behind in the allocator's heap, and a fixed guess per byte (as a file loaded in one
        // piece makes) was short by half on ConfigMaps, so the arrays doubled at the end
        // (docs/performance.md, "Memory in one file").
        let mut all = Loaded {
            tree: Tree::new(text.clone()),
            documents: Vec::new(),
            comments: Vec::new(),
            problems: Vec::new(),
        };
        let mut clean = true;
        for parts in parts.chunks(batch) {
            let loaded: Vec<Loaded> = parts
                .par_iter()
                .map(|part| yaml::load_region(text, part.clone(), limits))
                .collect();
            // Syntax errors resume at the next `---` and limits count documents: both are
            // decided on the whole file. Duplicate keys are found within one map, so within
            // one part.
            clean = loaded.iter().all(|l| {
                l.problems
                    .iter()
                    .all(|p| matches!(p.kind, ProblemKind::DuplicateKey { .. }))
            });
            if !clean {
                break;
            }
            if all.tree.is_empty() {
                let sampled: usize = parts.iter().map(|p| p.len()).sum();
                let trees: Vec<&Tree> = loaded.iter().map(|l| &l.tree).collect();
                all.tree
                    .reserve_like(&trees, text.len() as f64 / sampled.max(1) as f64);
            }
            for l in loaded {
                join(&mut all, l);
            }
            // Over the document limit, the file is read in one piece, which stops there.
            if over_document_limit(text, &all.documents, text.len(), limits) {
                clean = false;
                break;
            }
        }
        if clean {
            return all;
        }
    }
    yaml::load(text, limits)
}

/// Does reading `documents` (of `text` up to `end`) reach the document limit in a way only
/// granit-parser's loader decides (where it stops, whether the rest is worth a finding)? Over
/// the limit, yes; at it exactly, only if something other than blank lines and `---` follows
/// the last document (that loader's test). A file of exactly the limit's documents is thus read
/// once, not twice.
pub(crate) fn over_document_limit(
    text: &str,
    documents: &[Document],
    end: usize,
    limits: &Limits,
) -> bool {
    match documents.len().cmp(&limits.max_documents) {
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => {
            let from = documents.last().map_or(0, |d| d.span.end as usize);
            text.get(from..end).is_none_or(|rest| {
                rest.lines()
                    .any(|l| !l.trim().is_empty() && l.trim() != "---")
            })
        }
    }
}

/// Cut points of a large YAML file: before lines that are exactly a `---` marker at column 0.
/// YAML allows such a line only as a document start (inside a quoted scalar it is an error,
/// and it ends a plain or block scalar), so every part starts a document. `None` for small
/// files and for files with a `%` directive, which applies to the document after it.
fn split_at_document_markers(
    text: &str,
    min: usize,
    part: usize,
) -> Option<Vec<std::ops::Range<usize>>> {
    let b = text.as_bytes();
    if b.len() < min || b.first() == Some(&b'%') || text.contains("\n%") {
        return None;
    }
    let is_marker = |i: usize| {
        b.get(i..i + 3) == Some(b"---")
            && matches!(b.get(i + 3), None | Some(b' ' | b'\n' | b'\r' | b'\t'))
    };
    let mut parts = Vec::new();
    let mut start = 0;
    loop {
        let from = start + part;
        let cut = b.get(from..).and_then(|rest| {
            let mut i = 0;
            while let Some(n) = rest[i..].iter().position(|&c| c == b'\n') {
                let at = from + i + n + 1;
                if is_marker(at) {
                    return Some(at);
                }
                i += n + 1;
            }
            None
        });
        match cut {
            Some(at) => {
                parts.push(start..at);
                start = at;
            }
            None => {
                parts.push(start..b.len());
                break;
            }
        }
    }
    (parts.len() > 1).then_some(parts)
}

/// Append the next part of a file loaded in parts.
fn join(all: &mut Loaded, part: Loaded) {
    let Loaded {
        tree,
        documents,
        comments,
        problems,
    } = part;
    let moved = all.tree.append(tree);
    let problem_base = all.problems.len();
    all.documents
        .extend(documents.into_iter().map(|d| Document {
            root: d.root.map(|r| r + moved),
            problem: d.problem.map(|p| p + problem_base),
            ..d
        }));
    all.comments.extend(comments);
    all.problems.extend(problems);
}

/// The first line longer than `max` bytes, as a limit problem at its start.
fn long_line(text: &str, max: usize) -> Option<Problem> {
    if text.len() <= max {
        return None;
    }
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let len = line.trim_end_matches(['\n', '\r']).len();
        if len > max {
            let first = line.chars().next().map_or(0, char::len_utf8) as u32;
            return Some(Problem {
                kind: ProblemKind::Limit,
                span: Span::new(start as u32, start as u32 + first),
                message: format!(
                    "a line of {len} bytes, over the {max}-byte limit (`--limit max-line-bytes=N` raises it); the file was not parsed"
                ),
            });
        }
        start += line.len();
    }
    None
}

/// Parse text held in memory (tests, stdin, config files).
pub fn parse_str(path: &str, text: &str) -> ParsedFile {
    let source = Arc::new(SourceFile::new(path, text));
    parse(source, Format::from_path(path), &Limits::default())
}

/// An unrendered Helm chart template: a Go template action that uses Helm's objects, functions or
/// control flow (`{{ .Values.x }}`, `{{- include … }}`, `{{ if }}`). Plain `{{ … }}` text inside
/// values, as in Argo Workflows or Prometheus rules, is not a Helm template.
pub fn detect_helm(text: &str) -> Option<HelmTemplate> {
    const HEADS: &[&str] = &[
        ".Values",
        ".Release",
        ".Chart",
        ".Capabilities",
        ".Files",
        ".Template",
        "include ",
        "template ",
        "if ",
        "else",
        "end",
        "range ",
        "with ",
        "define ",
        "toYaml",
        "tpl ",
        "required ",
        "default ",
        "printf ",
        "/*",
    ];
    // `str::find` with a two-byte pattern runs a general substring search; finding the first
    // byte with `memchr` (what `find(char)` does) and checking the second is several times
    // faster, and this runs over every byte of every YAML file.
    fn find2(hay: &str, pair: &str) -> Option<usize> {
        let [a, b] = pair.as_bytes() else {
            return hay.find(pair);
        };
        let mut from = 0;
        while let Some(i) = hay[from..].find(char::from(*a)) {
            let at = from + i;
            if hay.as_bytes().get(at + 1) == Some(b) {
                return Some(at);
            }
            from = at + 1;
        }
        None
    }
    let mut rest = text;
    let mut base = 0usize;
    while let Some(open) = find2(rest, "{{") {
        let start = base + open;
        let after = &rest[open + 2..];
        let Some(close) = find2(after, "}}") else {
            break;
        };
        let action = &after[..close];
        let trimmed_left = action.starts_with('-');
        let trimmed_right = action.ends_with('-');
        let body = action.trim_start_matches('-').trim();
        let helmish = trimmed_left
            || trimmed_right
            || HEADS.iter().any(|h| body.starts_with(h))
            || body.contains(".Values.")
            || body.contains("| nindent")
            || body.contains("| indent")
            || body.contains("| toYaml");
        let end = start + 2 + close + 2;
        if helmish {
            return Some(HelmTemplate {
                span: Span::from_range(start..end),
                engine: TemplateEngine::Helm,
            });
        }
        base = end;
        rest = &text[end..];
    }
    None
}

/// The first mark of a Terraform `templatefile()` template: a directive line (`%{ if … }`,
/// `%{ for … }`, `%{ else }`, `%{ endif }`, `%{ endfor }`, optionally with `~`), or an
/// interpolation that only Terraform writes (`${var.x}`, `${local.x}`, a function call, a
/// conditional or a quoted string inside `${ }`). A plain `${NAME}` is envsubst's as well and
/// is not a mark.
pub fn detect_terraform(text: &str) -> Option<HelmTemplate> {
    let mark = |start: usize, end: usize| {
        Some(HelmTemplate {
            span: Span::from_range(start..end),
            engine: TemplateEngine::Terraform,
        })
    };
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let rest = &line[indent..];
        if let Some(body) = rest.strip_prefix("%{")
            && let Some(close) = body.find('}')
        {
            let word = body[..close].trim_matches(|c: char| c == '~' || c.is_whitespace());
            let head = word.split_whitespace().next().unwrap_or("");
            if matches!(head, "if" | "else" | "endif" | "for" | "endfor") {
                let start = line_start + indent;
                return mark(start, start + 2 + close + 1);
            }
        }
        line_start += line.len();
    }
    let mut from = 0;
    while let Some(open) = text[from..].find("${") {
        let start = from + open;
        let body_start = start + 2;
        let Some(close) = text[body_start..].find(['}', '\n']) else {
            break;
        };
        let body = &text[body_start..body_start + close];
        let end = body_start + close + 1;
        if text[body_start + close..].starts_with('}') {
            let terraform = ["var.", "local.", "module.", "data."]
                .iter()
                .any(|p| body.trim_start().starts_with(p))
                || body.contains(['(', '"', '?']);
            if terraform {
                return mark(start, end);
            }
        }
        from = end;
    }
    None
}

/// Does this YAML text use anchors (`&name`), aliases (`*name`), merge keys (`<<:`) or tags
/// (`!tag`)? An edit inside such a document may change what other nodes mean, so fixes refuse
/// them. Lexical and conservative: quoted scalars and comments are skipped, and a marker counts
/// only where a YAML node can start (after `: `, `- `, `[`, `{`, `,`, or at a line's start).
pub fn uses_references(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    // Where a node may start: true at the beginning and after the separators above.
    let mut node_start = true;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' if i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t' || b[i - 1] == b'\n' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if node_start => {
                // Skip the quoted scalar ('' escapes in single quotes, \ in double quotes).
                i += 1;
                while i < b.len() {
                    if c == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == c {
                        if c == b'\'' && b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                node_start = false;
                continue;
            }
            b'&' | b'*' | b'!' if node_start => {
                let next = b.get(i + 1).copied().unwrap_or(b' ');
                if !next.is_ascii_whitespace() && next != b',' && next != b']' && next != b'}' {
                    return true;
                }
                node_start = false;
            }
            b'<' if node_start && b[i..].starts_with(b"<<") => {
                let rest = &b[i + 2..];
                let colon = rest.iter().position(|x| *x != b' ').map(|p| rest[p]);
                if colon == Some(b':') {
                    return true;
                }
                node_start = false;
            }
            b'\n' | b'[' | b'{' | b',' => node_start = true,
            b' ' | b'\t' | b'\r' => {}
            b':' | b'-' | b'?' => {
                // `key: value`, `- item`, `? key`: a node starts after the indicator and a space.
                node_start = matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\n' | b'\r') | None);
            }
            _ => node_start = false,
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod reference_tests {
    use super::uses_references;

    #[test]
    fn anchors_aliases_merges_and_tags() {
        for yes in [
            "a: &x 1\nb: *x\n",
            "base: &b {x: 1}\nc:\n  <<: *b\n",
            "v: !!str 1\n",
            "- &a x\n- *a\n",
            "k: [*a]\n",
            "  << : {x: 1}\n",
        ] {
            assert!(uses_references(yes), "{yes:?}");
        }
        for no in [
            "path: /*\n",
            "proxy: \"*\"\n",
            "url: http://x/?a=1&b=2\n",
            "msg: 'hello *world* & !bang'\n",
            "a: b # &anchor in a comment\n",
            "list: [a, b]\n",
            "note: x!y\n",
            "text: |\n  a & b\n",
        ] {
            assert!(!uses_references(no), "{no:?}");
        }
    }
}
