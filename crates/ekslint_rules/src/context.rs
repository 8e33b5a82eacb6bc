//! What a rule sees while it runs, and where its findings go.

use std::sync::Arc;

use std::cell::OnceCell;

use ekslint_manifest::{ParsedFile, SourceFile, Span, Tree};

use crate::finding::Finding;
use crate::rule::{RuleInfo, Severity};

/// Per-file context: the parsed file, the settings, and the findings so far.
pub struct FileCtx<'a> {
    pub file: &'a ParsedFile,
    pub target: crate::version::KubeVersion,
    /// The whole run's settings (the AWS destination in `settings.aws`).
    pub settings: &'a crate::settings::Settings,
    pub(crate) rule: &'static RuleInfo,
    pub(crate) severity: Severity,
    pub(crate) findings: Vec<Finding>,
    /// The file's suppression directives, read on first use (SUP002 reads them during the pass,
    /// the engine after it).
    pub(crate) directives: OnceCell<crate::suppress::FileDirectives>,
}

impl<'a> FileCtx<'a> {
    /// A context for linting `file`, with no findings yet (the engine sets the running rule).
    pub(crate) fn new(file: &'a ParsedFile, settings: &'a crate::settings::Settings) -> Self {
        FileCtx {
            file,
            target: settings.target,
            settings,
            rule: crate::rules::RULES[0].info(),
            severity: Severity::Error,
            findings: Vec::new(),
            directives: Default::default(),
        }
    }

    /// The file's suppression comments and annotations.
    pub fn directives(&self) -> &crate::suppress::FileDirectives {
        self.directives
            .get_or_init(|| crate::suppress::collect(self.file))
    }

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
    pub index: &'a crate::rules::SetIndex,
    pub target: crate::version::KubeVersion,
    pub settings: &'a crate::settings::Settings,
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

/// After suppressions were applied to one file: the suppressions that matched nothing.
pub struct SuppressionCtx<'a> {
    pub file: &'a Arc<SourceFile>,
    /// Suppressions of rules that ran on the file and found nothing there.
    pub unused: &'a [crate::suppress::Unused],
    pub(crate) rule: &'static RuleInfo,
    pub(crate) severity: Severity,
    pub(crate) findings: Vec<Finding>,
}

impl SuppressionCtx<'_> {
    /// Report a finding of the running rule at `span` of the file.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding::new(
            self.rule,
            self.severity,
            self.file.clone(),
            span,
            message,
        ));
        self.findings.last_mut().expect("just pushed")
    }
}
