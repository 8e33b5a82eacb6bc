//! Everything that decides what a run checks: the target version, the enabled rules and their
//! severities, per-file ignores, limits and the AWS destination, from the config file and the
//! command line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ekslint_manifest::Limits;
use globset::{Glob, GlobMatcher};

use crate::config::{AwsTarget, Config, ConfigError, Registries};
use crate::rule::{RuleInfo, Severity};
use crate::rules::RULES;
use crate::version::{self, KubeVersion};

/// Settings from the command line that win over the config file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub target: Option<String>,
    /// `--limit NAME=VALUE`, applied after the config's `limits:`.
    pub limits: Vec<(String, String)>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
}

/// Everything that decides what a run checks.
#[derive(Clone, Debug)]
pub struct Settings {
    pub target: KubeVersion,
    enabled: Vec<bool>,
    severity: HashMap<&'static str, Severity>,
    per_file: Vec<(GlobMatcher, Vec<String>)>,
    /// Directory that per-file-ignores globs are relative to: the config file's, made absolute
    /// when the settings are built.
    pub base_dir: PathBuf,
    /// The working directory when the settings were built: relative input paths are joined to
    /// it before they are matched against `base_dir` (empty: paths are matched as given).
    cwd: PathBuf,
    pub limits: Limits,
    /// The AWS account(s), partition and region being migrated to (`aws:` in the config).
    pub aws: AwsTarget,
    /// ServiceAccounts created outside the manifests (`external-service-accounts:`).
    pub external_service_accounts: Vec<String>,
    /// Add-on releases the config names (`addons:`); others are assumed from the table.
    pub addons: HashMap<String, KubeVersion>,
    /// Per rule: may `--fix` apply its fixes (`fixable`/`unfixable` in the config)?
    fixable: Vec<bool>,
    /// The destination cluster's Fargate profiles (`fargate-profiles:` in the config).
    pub fargate_profiles: Vec<crate::config::FargateProfile>,
    /// The registries the nodes can pull from (`registries:` in the config).
    pub registries: Registries,
}

impl Settings {
    /// Every rule on, default severities.
    pub fn new(target: KubeVersion) -> Settings {
        Settings {
            target,
            enabled: vec![true; RULES.len()],
            severity: HashMap::new(),
            per_file: Vec::new(),
            base_dir: PathBuf::new(),
            cwd: PathBuf::new(),
            limits: Limits::default(),
            aws: AwsTarget::default(),
            external_service_accounts: Vec::new(),
            addons: HashMap::new(),
            fixable: vec![true; RULES.len()],
            fargate_profiles: Vec::new(),
            registries: Registries::default(),
        }
    }

    /// Only the rules that `selectors` select (fixture tests run one rule at a time).
    pub fn only(target: KubeVersion, selectors: &[crate::selector::Selector]) -> Settings {
        let mut s = Settings::new(target);
        for (i, r) in RULES.iter().enumerate() {
            s.enabled[i] = selectors.iter().any(|sel| sel.matches(r.info()));
        }
        s
    }

    /// Combine the config file and command-line overrides.
    pub fn build(
        config: &Config,
        overrides: &Overrides,
        today: &str,
    ) -> Result<Settings, ConfigError> {
        let plain_err = |message: String| ConfigError {
            source: None,
            span: Default::default(),
            message,
            help: None,
        };
        let target = match (&overrides.target, &config.target_version) {
            (Some(t), _) => version::resolve_target(t, today)
                .map_err(|m| plain_err(format!("--target-version: {m}")))?,
            (None, Some(t)) => {
                version::resolve_target(&t.value, today).map_err(|m| ConfigError {
                    source: config.source.clone(),
                    span: t.span,
                    message: m,
                    help: None,
                })?
            }
            (None, None) => version::default_target(today),
        };
        for s in overrides.select.iter().flatten().chain(&overrides.ignore) {
            crate::selector::Selector::parse(s).map_err(plain_err)?;
        }
        let select: Vec<String> = match (&overrides.select, &config.select) {
            (Some(cli), _) => cli.clone(),
            (None, Some(cfg)) => cfg.iter().map(|s| s.value.clone()).collect(),
            (None, None) => vec!["ALL".to_string()],
        };
        let ignore: Vec<String> = config
            .ignore
            .iter()
            .map(|s| s.value.clone())
            .chain(overrides.ignore.iter().cloned())
            .collect();
        let mut settings = Settings::new(target);
        for (i, r) in RULES.iter().enumerate() {
            let info = r.info();
            settings.enabled[i] = select.iter().any(|s| crate::selector::matches(s, info))
                && !ignore.iter().any(|s| crate::selector::matches(s, info));
            for (sel, level) in &config.severity {
                if crate::selector::matches(&sel.value, info) {
                    settings.severity.insert(info.code, *level);
                }
            }
        }
        for (glob, codes) in &config.per_file_ignores {
            let m = Glob::new(&glob.value)
                .map_err(|e| plain_err(e.to_string()))?
                .compile_matcher();
            settings
                .per_file
                .push((m, codes.iter().map(|c| c.value.clone()).collect()));
        }
        // Globs are relative to the config file's directory wherever ekslint runs from, so both
        // sides are made absolute (ruff does the same).
        settings.cwd = std::env::current_dir().unwrap_or_default();
        settings.base_dir = absolute(&config.dir, &settings.cwd);
        settings.aws = config.aws.clone();
        settings.addons = config.addons.iter().cloned().collect();
        for (i, r) in RULES.iter().enumerate() {
            let info = r.info();
            let listed = config
                .fixable
                .as_ref()
                .is_none_or(|f| f.iter().any(|s| crate::selector::matches(&s.value, info)));
            let refused = config
                .unfixable
                .iter()
                .any(|s| crate::selector::matches(&s.value, info));
            settings.fixable[i] = listed && !refused;
        }
        settings.external_service_accounts = config
            .external_service_accounts
            .iter()
            .map(|s| s.value.clone())
            .collect();
        settings.fargate_profiles = config.fargate_profiles.clone();
        settings.registries = config.registries.clone();
        if let Some(l) = &config.limits {
            settings.limits = l.clone();
        }
        for (name, value) in &overrides.limits {
            settings
                .limits
                .set(name, value)
                .map_err(|m| plain_err(format!("--limit {name}={value}: {m}")))?;
        }
        Ok(settings)
    }

    /// Is the ServiceAccount `name` in `namespace` (`None`: set at deploy time) declared as
    /// created outside the manifests?
    pub fn external_service_account(&self, namespace: Option<&str>, name: &str) -> bool {
        self.external_service_accounts.iter().any(|e| {
            let (ns, n) = e.split_once('/').unwrap_or(("*", e));
            (n == "*" || n == name) && (ns == "*" || namespace.is_none_or(|x| x == ns))
        })
    }

    /// May `--fix` apply this rule's fixes?
    pub fn is_fixable(&self, rule: &RuleInfo) -> bool {
        rule_index(rule.code).is_some_and(|i| self.fixable[i])
    }

    /// The severity the config sets for a rule, if it sets one.
    pub fn severity_override(&self, rule: &RuleInfo) -> Option<Severity> {
        self.severity.get(rule.code).copied()
    }

    pub fn severity_of(&self, rule: &RuleInfo) -> Severity {
        self.severity
            .get(rule.code)
            .copied()
            .unwrap_or(rule.severity)
    }

    /// Which rules run on this path (per-file-ignores applied).
    pub fn enabled_for(&self, path: &str) -> Vec<bool> {
        let mut enabled = self.enabled.clone();
        if self.per_file.is_empty() {
            return enabled;
        }
        let p = Path::new(path);
        let full = absolute(p, &self.cwd);
        let rel = full
            .strip_prefix(&self.base_dir)
            .ok()
            .map(Path::to_path_buf)
            .or_else(|| {
                // A path through a symbolic link to the config's directory.
                let real = std::fs::canonicalize(p).ok()?;
                let base = std::fs::canonicalize(&self.base_dir).ok()?;
                real.strip_prefix(base).ok().map(Path::to_path_buf)
            });
        let rel = rel.as_deref().unwrap_or(p);
        let rel = rel.strip_prefix("./").unwrap_or(rel);
        for (m, codes) in &self.per_file {
            if m.is_match(rel) || m.is_match(p) {
                for (i, r) in RULES.iter().enumerate() {
                    if codes.iter().any(|c| crate::selector::matches(c, r.info())) {
                        enabled[i] = false;
                    }
                }
            }
        }
        enabled
    }

    /// Is any rule enabled at all (before per-file ignores)?
    pub fn is_enabled(&self, rule: &RuleInfo) -> bool {
        rule_index(rule.code).is_some_and(|i| self.enabled[i])
    }
}

/// The place of the rule `code` in [`RULES`]. Rules ask whether another rule runs once per
/// object (SCHEMA whether SCHEMA008 evaluates CEL), so this is a lookup, not a scan of 154
/// rules: the scan was 14 % of a one-thread run of 100,000 ConfigMaps.
pub(crate) fn rule_index(code: &str) -> Option<usize> {
    static INDEX: std::sync::OnceLock<HashMap<&'static str, usize>> = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| {
            RULES
                .iter()
                .enumerate()
                .map(|(i, r)| (r.info().code, i))
                .collect()
        })
        .get(code)
        .copied()
}

/// `path` joined to `base` when relative (and `base` is not empty), without `.` and `..`
/// components (lexically: symbolic links are not resolved).
fn absolute(path: &Path, base: &Path) -> PathBuf {
    use std::path::Component;
    let joined = if path.is_relative() && !base.as_os_str().is_empty() {
        base.join(path)
    } else {
        path.to_path_buf()
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
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
