//! What a rule reports.

use std::sync::Arc;

use ekslint_manifest::{SourceFile, Span};

use crate::rule::{RuleInfo, Severity};

/// A secondary label: on the same file (`file: None`) or on another one.
#[derive(Clone, Debug)]
pub struct Label {
    pub file: Option<Arc<SourceFile>>,
    pub span: Span,
    pub message: String,
}

/// A byte-range replacement in the finding's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps the meaning the author intended; `--fix` may apply it.
    Safe,
    /// Changes behaviour; only with an explicit opt-in.
    Unsafe,
    /// Shown as a suggestion, never applied (more than one right answer).
    DisplayOnly,
}

#[derive(Clone, Debug)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// One finding, with its exact position.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleInfo,
    pub severity: Severity,
    pub file: Arc<SourceFile>,
    /// The offending key or value.
    pub span: Span,
    pub message: String,
    /// Text of the primary label (under the span); defaults to nothing.
    pub label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// `metadata.namespace` of the object the finding is in, when the manifest sets one. Filled
    /// in when the report is finished (rules leave it `None`); reports group findings by it.
    pub namespace: Option<Arc<str>>,
    /// For a finding about a container image: the registry it is pulled from (a host, or
    /// `Docker Hub`), which the summary counts findings under.
    pub registry: Option<Box<str>>,
    /// About something a Kustomize patch may leave out (a required field): dropped once the
    /// whole input is read if a kustomization of the input applies the finding's file as a
    /// patch (`patches`, `patchesStrategicMerge`, `patchesJson6902`).
    pub unless_patch: bool,
}

impl Finding {
    /// A finding with only its rule, severity, place and message.
    pub fn new(
        rule: &'static RuleInfo,
        severity: Severity,
        file: Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            severity,
            file,
            span,
            message: message.into(),
            label: None,
            labels: Vec::new(),
            help: None,
            unless_patch: false,
            fix: None,
            namespace: None,
            registry: None,
        }
    }

    /// The registry of the image the finding is about (counted in the summary).
    pub fn registry(&mut self, registry: impl Into<Box<str>>) -> &mut Self {
        self.registry = Some(registry.into());
        self
    }

    pub fn label(&mut self, text: impl Into<String>) -> &mut Self {
        self.label = Some(text.into());
        self
    }

    /// A secondary label in the same file.
    pub fn with_label(&mut self, span: Span, text: impl Into<String>) -> &mut Self {
        self.labels.push(Label {
            file: None,
            span,
            message: text.into(),
        });
        self
    }

    /// A related location in another file (or the same file, when passed).
    /// A label on another object, in any file of the input (per-set rules).
    pub fn related(
        &mut self,
        file: impl Into<Arc<SourceFile>>,
        span: Span,
        text: impl Into<String>,
    ) -> &mut Self {
        self.labels.push(Label {
            // A `FileRef` (the index's text-less file) is loaded again by path when the report
            // is finished (see `engine::finish_collected`).
            file: Some(file.into()),
            span,
            message: text.into(),
        });
        self
    }

    pub fn help(&mut self, text: impl Into<String>) -> &mut Self {
        self.help = Some(text.into());
        self
    }

    pub fn fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }

    /// The sort key that makes output deterministic: file, position, code, message.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.file.path,
            self.span.start,
            self.span.end,
            self.rule.code,
            &self.message,
        )
    }
}

/// A file that could not be read at all (I/O error), or a path that does not exist.
#[derive(Clone, Debug)]
pub struct Notification {
    pub path: String,
    pub message: String,
}

/// Counts for the summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub non_kubernetes_documents: usize,
    pub helm_templates: usize,
    pub unreadable_files: usize,
    /// Files read only as context for cross-object rules (`--context`), never reported on.
    pub context_files: usize,
    /// Manifests in hidden directories (`.deploy/`) that a directory walk skipped; naming the
    /// directory or the file lints them.
    pub hidden_files: usize,
}

impl Stats {
    pub fn add(&mut self, other: &Stats) {
        self.files += other.files;
        self.documents += other.documents;
        self.objects += other.objects;
        self.non_kubernetes_documents += other.non_kubernetes_documents;
        self.helm_templates += other.helm_templates;
        self.unreadable_files += other.unreadable_files;
        self.context_files += other.context_files;
        self.hidden_files += other.hidden_files;
    }
}

/// Everything a run produced, ready to render.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by [`Finding::sort_key`].
    pub findings: Vec<Finding>,
    pub notifications: Vec<Notification>,
    pub stats: Stats,
    /// The Kubernetes version checked against, e.g. `1.36`.
    pub target: String,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}
