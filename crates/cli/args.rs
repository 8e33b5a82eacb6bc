//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A fast linter for Kubernetes manifests moving to Amazon EKS.
#[derive(Debug, Parser)]
#[command(name = "ekslint", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint manifests: files, directories (walked, honouring .gitignore), or `-` for stdin.
    Check(Box<CheckArgs>),
    /// List every rule.
    Rules(RulesArgs),
    /// Show a rule's documentation.
    Rule(RuleArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Each finding's place and message, its source snippet and help; then a summary.
    Human,
    /// One `path:line:col: CODE message` line per finding; then a summary.
    Concise,
    /// The stable JSON schema of docs/json-output.md.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions annotations (at most 10 per type per step are shown).
    Github,
    /// JUnit XML, for Jenkins, GitLab and Azure DevOps test views.
    Junit,
    /// GitLab Code Quality JSON, for merge requests.
    Gitlab,
    /// A Markdown migration readiness report, for pull request comments and job summaries.
    Markdown,
    /// A self-contained HTML page with charts and a filterable table of findings.
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to lint, or `-` for standard input [default: .]
    pub paths: Vec<PathBuf>,

    /// Also read the manifests under this path (repeatable), only as context for cross-object
    /// rules: a Deployment's ServiceAccount or an Ingress's Service found there counts, but
    /// nothing is reported on these files. For hooks that pass only the changed files:
    /// `ekslint check --context . changed.yaml`.
    #[arg(long, value_name = "PATH")]
    pub context: Vec<PathBuf>,

    /// Raise or lower a resource limit (repeatable): max-file-bytes (default 64 MiB),
    /// max-depth (255), max-alias-expansion (1000000), max-documents (100000),
    /// max-line-bytes (1 MiB). Also `limits:` in .ekslint.yaml.
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_limit)]
    pub limit: Vec<(String, String)>,

    /// Name to report for standard input (also picks YAML or JSON by its extension).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Kubernetes version of the target cluster: `1.33`, `v1.33.2`, `eks-latest`,
    /// `eks-oldest-standard` or `eks-oldest-supported`; one ekslint does not know (older than
    /// 1.8, newer than the EKS calendar) is an error [default: the newest version in EKS
    /// standard support, from rules/eks-versions.yaml]
    #[arg(long, value_name = "VERSION")]
    pub target_version: Option<String>,

    /// Only these rules: codes, names or prefixes, comma-separated (`API,YAML004`). Replaces the
    /// config file's `select`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Skip these rules: codes, names or prefixes, comma-separated. Adds to the config file's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Exit with 1 when a finding has this severity or a higher one [default: error, or the config's fail-on]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,

    /// Instead of the findings, print how many each rule has, most first, with its name,
    /// severity and how many carry a fix. A table, or JSON with `--format json`.
    #[arg(long)]
    pub statistics: bool,

    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Use this config file instead of searching for .ekslint.yaml from the current directory up.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any .ekslint.yaml.
    #[arg(long)]
    pub no_config: bool,

    /// Worker threads [default: the number of CPUs]. Output is identical for any value.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Directory that SARIF artifact URIs are relative to [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub sarif_root: Option<PathBuf>,

    /// SARIF `runAutomationDetails` category: GitHub code scanning keeps one set of alerts per
    /// category, so give each ekslint upload for the same commit its own [default: ekslint]
    #[arg(long, value_name = "NAME")]
    pub sarif_category: Option<String>,

    /// Apply `.ekslintignore`, `.gitignore` and `.ignore` to files named on the command line too
    /// (directories are always walked with them). For hooks that pass every changed file by
    /// name, such as pre-commit.
    #[arg(long)]
    pub force_exclude: bool,

    /// Apply the safe fixes and write the fixed files (atomically, keeping comments and layout),
    /// linting each fixed file again until nothing more applies; the report then shows what is
    /// left. The config's `fixable`/`unfixable` choose the rules.
    #[arg(long)]
    pub fix: bool,

    /// With `--fix` or `--diff`, also apply the fixes that change behaviour.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what `--fix` would change and write nothing; exit 1 when there
    /// is something to fix.
    #[arg(long)]
    pub diff: bool,

    /// Colours in human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,

    /// Print only the summary line and unreadable inputs in human and concise output (no findings).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Show a progress bar on standard error while files are linted. Only on a terminal: never
    /// when standard error is piped or redirected, nor when the `CI` environment variable is set.
    #[arg(long)]
    pub progress: bool,

    /// Print how long each phase took (discovery, per-file pass, cross-object pass, output) to
    /// standard error.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print the rules as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (`API001`) or name (`api-removed`).
    pub rule: String,
}

fn parse_limit(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, for example max-depth=1000, not `{s}`"))?;
    let mut probe = ekslint_manifest::Limits::default();
    probe.set(name.trim(), value)?;
    Ok((name.trim().to_string(), value.trim().to_string()))
}
