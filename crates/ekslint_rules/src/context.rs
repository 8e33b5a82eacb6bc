//! What a rule sees while it runs, and where its findings go.

use std::sync::Arc;

use ekslint_manifest::{ParsedFile, SourceFile, Span, Tree};

use crate::finding::Finding;
use crate::rule::{RuleInfo, Severity};

/// Per-file context: the parsed file, the settings, and the findings so far.
pub struct FileCtx<'a> {
    pub file: &'a ParsedFile,
    pub target: crate::version::KubeVersion,
    /// The whole run's settings (the AWS destination in `settings.aws`).
    pub settings: &'a crate::engine::Settings,
    pub(crate) rule: &'static RuleInfo,
    pub(crate) severity: Severity,
    pub(crate) findings: Vec<Finding>,
}

impl<'a> FileCtx<'a> {
    pub fn tree(&self) -> &'a Tree {
        &self.file.tree
    }

    pub fn source(&self) -> &Arc<SourceFile> {
        &self.file.source
    }

    pub fn text(&self) -> &'a str {
        &self.file.source.text
    }

    /// Report a finding of the running rule at `span`.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding::new(
            self.rule,
            self.severity,
            self.file.source.clone(),
            span,
            message,
        ));
        self.findings.last_mut().expect("just pushed")
    }
}

/// Per-set context: the cross-object index of the whole input.
pub struct SetCtx<'a> {
    pub index: &'a crate::index::SetIndex,
    pub target: crate::version::KubeVersion,
    pub settings: &'a crate::engine::Settings,
    pub(crate) rule: &'static RuleInfo,
    pub(crate) severity: Severity,
    pub(crate) findings: Vec<Finding>,
}

impl SetCtx<'_> {
    /// Report a finding at `span` of `file`. The file's text is loaded again, by path, when
    /// the report is finished: the index keeps no texts.
    pub fn report(
        &mut self,
        file: ekslint_manifest::FileRef,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.findings.push(Finding::new(
            self.rule,
            self.severity,
            Arc::new(SourceFile::unloaded(file)),
            span,
            message,
        ));
        self.findings.last_mut().expect("just pushed")
    }
}
