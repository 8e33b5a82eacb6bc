//! ekslint's rule engine: the `Rule` trait and registry, configuration, suppressions, the
//! cross-object index, and every rule, one file per rule, grouped by family.

pub mod context;
pub mod finding;
pub mod rule;

pub use context::{FileCtx, SetCtx};
pub use finding::{Applicability, Edit, Finding, Fix, Label, Notification, Report, Stats};
pub use rule::{Family, FixAvailability, Rule, RuleInfo, RuleMeta, Severity};

/// Where the generated rule pages live.
pub const DOCS_BASE_URL: &str = "https://github.com/ekslint/ekslint/blob/main/docs/rules";

pub mod data;
pub mod index;
pub mod support;
pub mod version;

pub use version::KubeVersion;
pub mod config;
pub mod engine;
pub mod rules;
pub mod selector;
pub mod suppress;

pub use engine::{Collected, FileOutput, Overrides, Settings, finish, finish_collected, lint_file};
pub use rules::RULES;
pub mod docs;
