//! Rule metadata, the `declare_rule!` macro and the `Rule` trait.

use ekslint_manifest::{Document, Object};

use crate::context::{FileCtx, SetCtx, SuppressionCtx};

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Migration advice.
    Info,
    /// Risky: works, but bites later or differently on EKS.
    Warning,
    /// Breaks on EKS: apply fails or the workload silently does not work.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A rule family and its code prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Parse-level problems of the file itself.
    Yaml,
    /// Removed and deprecated API versions.
    Api,
    /// ekslint's own suppression comments and annotations.
    Sup,
    /// AWS Load Balancer Controller annotations, Ingresses and Services.
    Lbc,
    /// IAM roles for service accounts.
    Irsa,
    /// The aws-auth ConfigMap.
    Auth,
    /// CSI storage classes, volumes and claims.
    Csi,
    /// Karpenter NodePools and EC2NodeClasses, and the Cluster Autoscaler.
    Karp,
    /// Fargate, security groups for pods and other EKS compute limits.
    Fargate,
    /// What another platform (GKE, AKS, OpenShift, on-premises) left in the manifests.
    Port,
    /// The target version's API schema, and CRD schemas with their CEL rules.
    Schema,
}

impl Family {
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Yaml => "YAML",
            Family::Api => "API",
            Family::Sup => "SUP",
            Family::Lbc => "LBC",
            Family::Irsa => "IRSA",
            Family::Auth => "AUTH",
            Family::Csi => "CSI",
            Family::Karp => "KARP",
            Family::Fargate => "FARGATE",
            Family::Port => "PORT",
            Family::Schema => "SCHEMA",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Family::Yaml => "YAML and JSON syntax",
            Family::Api => "Removed and deprecated API versions",
            Family::Sup => "Suppressions",
            Family::Lbc => "AWS Load Balancer Controller",
            Family::Irsa => "IAM roles for service accounts",
            Family::Auth => "The aws-auth ConfigMap",
            Family::Csi => "CSI storage",
            Family::Karp => "Karpenter and autoscaling",
            Family::Fargate => "Fargate and EKS compute",
            Family::Port => "Portability from other platforms",
            Family::Schema => "API and CRD schemas",
        }
    }
}

/// Whether a rule can offer a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "no",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "yes",
        }
    }
}

/// What a rule's fixes do, as declared: `--fix` applies safe ones, `--unsafe-fixes` unsafe ones
/// too, display-only ones are suggestions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixSafety {
    /// The rule has no fix.
    NoFix,
    Safe,
    Unsafe,
    /// Safe in some cases, unsafe in others (the rule page's "Fix safety" says which).
    Mixed,
    DisplayOnly,
}

impl FixSafety {
    pub fn as_str(self) -> &'static str {
        match self {
            FixSafety::NoFix => "",
            FixSafety::Safe => "safe",
            FixSafety::Unsafe => "unsafe",
            FixSafety::Mixed => "safe or unsafe",
            FixSafety::DisplayOnly => "display only",
        }
    }
}

impl RuleInfo {
    /// The fix column of `ekslint rules` and the rule pages: `no`, or availability and safety
    /// (`sometimes, unsafe`).
    pub fn fix_label(&self) -> String {
        match self.fix {
            FixAvailability::None => "no".to_string(),
            f => format!("{}, {}", f.as_str(), self.fix_safety.as_str()),
        }
    }
}

/// Everything about a rule that does not depend on the input.
#[derive(Debug)]
pub struct RuleInfo {
    /// Family prefix plus three digits: `API001`.
    pub code: &'static str,
    /// Kebab-case name: `api-removed`.
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// What its fixes do (`NoFix` when it has none).
    pub fix_safety: FixSafety,
    /// One sentence: what the rule reports.
    pub summary: &'static str,
    /// The rule's documentation: its doc comment, in markdown.
    pub docs: &'static str,
    /// Security relevant (SARIF `security-severity`), as a 0.1–10.0 score.
    pub security_severity: Option<&'static str>,
    /// The rule judges values that hold template syntax itself (aws-auth's `{{AccountID}}`
    /// tokens, unrendered Helm). For every other rule, a finding whose value holds a placeholder
    /// that a templating step fills in is dropped: that value is not what the cluster will see.
    pub judges_placeholders: bool,
    /// The rule's source file, relative to the workspace root (`file!()`).
    pub source: &'static str,
    /// The name of the rule's type (`ApiRemoved`): the camel case of `name`.
    pub type_name: &'static str,
}

impl RuleInfo {
    /// The rule's documentation URL.
    pub fn url(&self) -> String {
        format!("{}/{}.md", crate::DOCS_BASE_URL, self.code)
    }

    /// The doc comment with the one leading space of each `///` line removed.
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }
}

/// Declares a rule: a unit struct whose doc comment is its documentation, and its metadata.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub struct ApiRemoved {
///         code: "API001",
///         name: "api-removed",
///         family: Api,
///         severity: Error,
///         fix: None,
///         summary: "The apiVersion is no longer served by the target Kubernetes version",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            family: $family:ident,
            severity: $sev:ident,
            fix: $fix:ident,
            $(safety: $safety:ident,)?
            summary: $summary:literal
            $(, security_severity: $sec:literal)?
            $(, placeholders: $ph:ident)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $name;

        impl $name {
            pub const INFO: $crate::RuleInfo = $crate::RuleInfo {
                code: $code,
                name: $rname,
                family: $crate::Family::$family,
                severity: $crate::Severity::$sev,
                fix: $crate::FixAvailability::$fix,
                fix_safety: $crate::__safety!($($safety)?),
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                security_severity: $crate::__opt!($($sec)?),
                judges_placeholders: $crate::__judged!($($ph)?),
                source: file!(),
                type_name: stringify!($name),
            };
        }

        impl $crate::RuleMeta for $name {
            fn info(&self) -> &'static $crate::RuleInfo {
                &Self::INFO
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __safety {
    () => {
        $crate::rule::FixSafety::NoFix
    };
    ($s:ident) => {
        $crate::rule::FixSafety::$s
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __judged {
    () => {
        false
    };
    (Judged) => {
        true
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __opt {
    () => {
        None
    };
    ($v:literal) => {
        Some($v)
    };
}

/// Gives a rule's metadata; implemented by `declare_rule!`.
pub trait RuleMeta {
    fn info(&self) -> &'static RuleInfo;
}

/// A rule's checks. Each entry point has an empty default; a rule implements the ones it needs.
///
/// Per-file, per-document and per-object checks run in parallel, one file per task. Per-set
/// checks run once, after every file, over the compact cross-object index.
pub trait Rule: RuleMeta + Sync + Send {
    /// Once per file (parse-level rules).
    fn check_file(&self, _ctx: &mut FileCtx<'_>) {}
    /// Once per parsed document, Kubernetes object or not.
    fn check_document(&self, _ctx: &mut FileCtx<'_>, _doc: &Document) {}
    /// Once per Kubernetes object (List items included).
    fn check_object(&self, _ctx: &mut FileCtx<'_>, _obj: &Object) {}
    /// Once over the whole input.
    fn check_set(&self, _ctx: &mut SetCtx<'_>) {}
    /// Once per file after suppressions were applied, when some matched nothing.
    fn check_suppressions(&self, _ctx: &mut SuppressionCtx<'_>) {}
}
