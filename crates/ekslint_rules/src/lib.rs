//! ekslint's rule engine and rules.
//!
//! - The rule model: [`rule`] (the `Rule` trait, `declare_rule!`), [`context`] (what a rule
//!   sees), [`finding`] (what it reports).
//! - Running them: [`settings`] (what a run checks), [`engine`] (per file, then once over the
//!   set), [`index`] (building blocks of the cross-object index), [`suppress`] (suppression
//!   comments and annotations), [`config`] (`.ekslint.yaml`), [`selector`] (rule selectors),
//!   [`version`] (Kubernetes versions and the EKS calendar).
//! - Knowledge: [`data`] (the one loader of the tables under `rules/`) and [`support`] (helpers
//!   every family shares).
//! - [`rules`]: every rule, one file per rule, grouped by family, with the explicit registry.
//! - [`docs`]: the generated rule pages.

pub mod config;
pub mod context;
pub mod data;
pub mod docs;
pub mod engine;
pub mod finding;
pub mod fix;
pub mod index;
pub mod rule;
pub mod rules;
pub mod selector;
pub mod settings;
pub mod support;
pub mod suppress;
pub mod version;

pub use context::{FileCtx, SetCtx, SuppressionCtx};
pub use engine::{Collected, FileOutput, finish, finish_collected, lint_file};
pub use finding::{Applicability, Edit, Finding, Fix, Label, Notification, Report, Stats};
pub use rule::{Family, FixAvailability, FixSafety, Rule, RuleInfo, RuleMeta, Severity};
pub use rules::RULES;
pub use settings::{Overrides, Settings};
pub use version::KubeVersion;

/// Where the generated rule pages live.
pub const DOCS_BASE_URL: &str = "https://github.com/ekslint/ekslint/blob/main/docs/rules";
