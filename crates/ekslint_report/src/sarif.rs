//! SARIF 2.1.0 output for GitHub code scanning, with serde structs of our own.
//!
//! One run. `tool.driver.rules` describes every rule that can fire (sorted by code), with its
//! documentation as help; results point at it by `ruleId` and `ruleIndex`. URIs are relative to a
//! root directory (the repository root) declared as `%SRCROOT%` in `originalUriBaseIds`; regions
//! are 1-based with `columnKind: unicodeCodePoints`. `partialFingerprints` is left out:
//! `github/codeql-action/upload-sarif` computes `primaryLocationLineHash` itself.
//!
//! GitHub rejects a run with more than 25,000 results, so results are capped at
//! [`SARIF_MAX_RESULTS`], keeping the most severe, and the emitter returns a warning for stderr.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};

use ekslint_manifest::{SourceFile, Span};
use ekslint_rules::{Finding, Report, RuleInfo, Severity};
use serde::Serialize;

use crate::json::Position;
use crate::uri::{self, SRCROOT};
use crate::{Emitter, TOOL_NAME, TOOL_URI, TOOL_VERSION, plural};

/// The most results GitHub code scanning accepts in one run.
pub const SARIF_MAX_RESULTS: usize = 25_000;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const MAX_DESCRIPTION: usize = 1024;
const MAX_NAME: usize = 255;

/// Options of the SARIF format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SarifOptions {
    /// The directory URIs are relative to (`%SRCROOT%`): the repository root. Absolute.
    pub root: PathBuf,
    /// The directory relative finding paths are relative to. Absolute.
    pub current_dir: PathBuf,
    /// `runAutomationDetails.id` is `<category>/`: GitHub keeps one set of alerts per category,
    /// so two ekslint uploads for the same commit (two roots) need two categories.
    pub category: String,
}

/// The default `runAutomationDetails` category.
pub const DEFAULT_CATEGORY: &str = "ekslint";

impl SarifOptions {
    /// `root` (absolute, or relative to the process's current directory), with symbolic links
    /// resolved when it exists, as the current directory's are.
    pub fn with_root(root: impl AsRef<Path>) -> io::Result<Self> {
        let current_dir = std::env::current_dir()?;
        let root = uri::absolute(root.as_ref(), &current_dir);
        Ok(SarifOptions {
            root: std::fs::canonicalize(&root).unwrap_or(root),
            current_dir,
            category: DEFAULT_CATEGORY.to_string(),
        })
    }
}

impl Default for SarifOptions {
    /// The process's current directory as both root and base of relative paths.
    fn default() -> Self {
        let current_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        SarifOptions {
            root: current_dir.clone(),
            current_dir,
            category: DEFAULT_CATEGORY.to_string(),
        }
    }
}

/// The SARIF format.
#[derive(Clone, Debug, Default)]
pub struct SarifEmitter {
    options: SarifOptions,
}

impl SarifEmitter {
    pub fn new(options: SarifOptions) -> Self {
        SarifEmitter { options }
    }

    /// The SARIF log as a JSON value, and the warnings.
    pub fn to_value(
        &self,
        report: &Report,
        rules: &[&'static RuleInfo],
    ) -> (serde_json::Value, Vec<String>) {
        let (log, warnings) = self.log(report, rules);
        (
            serde_json::to_value(&log).expect("SARIF structs serialize"),
            warnings,
        )
    }

    fn log(&self, report: &Report, registry: &[&'static RuleInfo]) -> (Log, Vec<String>) {
        let mut warnings = Vec::new();

        // Every rule that can fire, plus any that fired without being in the registry.
        let mut rules: Vec<&'static RuleInfo> = registry.to_vec();
        rules.extend(report.findings.iter().map(|f| f.rule));
        rules.sort_by_key(|r| r.code);
        rules.dedup_by_key(|r| r.code);
        let rule_index: HashMap<&str, usize> =
            rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();

        // The findings to report: all of them, or the most severe when over the cap.
        let findings = &report.findings;
        let mut selected: Vec<usize> = (0..findings.len()).collect();
        let cap = SARIF_MAX_RESULTS;
        if findings.len() > cap {
            selected.sort_by_key(|&i| std::cmp::Reverse(findings[i].severity));
            let dropped = selected.split_off(cap);
            let count = |s: Severity| {
                dropped
                    .iter()
                    .filter(|&&i| findings[i].severity == s)
                    .count()
            };
            let mut kinds = Vec::new();
            for (severity, one, many) in [
                (Severity::Error, "error", "errors"),
                (Severity::Warning, "warning", "warnings"),
                (Severity::Info, "info", "infos"),
            ] {
                let n = count(severity);
                if n > 0 {
                    kinds.push(plural(n, one, many));
                }
            }
            warnings.push(format!(
                "SARIF output capped at {cap} results per run, GitHub code scanning's limit: {} of {} findings left out, least severe first ({})",
                dropped.len(),
                findings.len(),
                kinds.join(", "),
            ));
        }

        let mut locator = Locator::new(&self.options);
        let results = selected
            .iter()
            .map(|&i| {
                let finding = &findings[i];
                SarifResult::new(finding, rule_index[finding.rule.code], &mut locator)
            })
            .collect();

        // Files that could not be read, and files (or documents) that could not be parsed: the
        // latter are YAML001 results too, and also execution notifications with their position,
        // so that code scanning's tool status page lists them.
        let mut notifications: Vec<ToolNotification> = report
            .notifications
            .iter()
            .map(|n| ToolNotification {
                level: "error",
                message: Message::new(format!("{}: {}", n.path, n.message)),
                locations: vec![Location {
                    id: None,
                    physical_location: PhysicalLocation {
                        artifact_location: locator.artifact(&n.path),
                        region: None,
                    },
                    message: None,
                }],
                descriptor: None,
            })
            .collect();
        notifications.extend(
            report
                .findings
                .iter()
                .filter(|f| f.rule.code == PARSE_FAILURE_RULE)
                .map(|f| ToolNotification {
                    level: "error",
                    message: Message::new(format!(
                        "{}: could not be parsed: {}",
                        f.file.path, f.message
                    )),
                    locations: vec![Location {
                        id: None,
                        physical_location: locator.physical(&f.file, f.span),
                        message: None,
                    }],
                    descriptor: Some(Descriptor {
                        id: PARSE_FAILURE_RULE,
                    }),
                }),
        );

        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: TOOL_NAME,
                        semantic_version: TOOL_VERSION,
                        information_uri: TOOL_URI,
                        rules: rules.iter().map(|r| Rule::new(r)).collect(),
                    },
                },
                invocations: vec![Invocation {
                    execution_successful: true,
                    tool_execution_notifications: notifications,
                }],
                original_uri_base_ids: BTreeMap::from([(
                    SRCROOT,
                    ArtifactLocation {
                        uri: uri::file_uri(&uri::normalize(&self.options.root), true),
                        uri_base_id: None,
                    },
                )]),
                column_kind: "unicodeCodePoints",
                automation_details: AutomationDetails {
                    id: format!("{}/", self.options.category.trim_end_matches('/')),
                },
                results,
            }],
        };
        (log, warnings)
    }
}

impl Emitter for SarifEmitter {
    fn emit(
        &self,
        report: &Report,
        rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        let (log, warnings) = self.log(report, rules);
        serde_json::to_writer_pretty(&mut *out, &log)?;
        out.write_all(b"\n")?;
        Ok(warnings)
    }
}

/// Paths to artifact locations, computed once per path.
struct Locator<'o> {
    root: PathBuf,
    current_dir: &'o Path,
    cache: HashMap<String, ArtifactLocation>,
}

impl<'o> Locator<'o> {
    fn new(options: &'o SarifOptions) -> Self {
        Locator {
            root: uri::normalize(&options.root),
            current_dir: &options.current_dir,
            cache: HashMap::new(),
        }
    }

    fn artifact(&mut self, path: &str) -> ArtifactLocation {
        if let Some(location) = self.cache.get(path) {
            return location.clone();
        }
        let absolute = uri::absolute(Path::new(path), self.current_dir);
        // Outside the root as written: perhaps inside it once symbolic links are resolved.
        let resolved = match absolute.strip_prefix(&self.root) {
            Ok(_) => absolute,
            Err(_) => std::fs::canonicalize(&absolute).unwrap_or(absolute),
        };
        let location = match resolved.strip_prefix(&self.root) {
            Ok(relative) if relative.components().next().is_some() => ArtifactLocation {
                uri: uri::relative_uri(relative),
                uri_base_id: Some(SRCROOT),
            },
            _ => ArtifactLocation {
                uri: uri::file_uri(&resolved, false),
                uri_base_id: None,
            },
        };
        self.cache.insert(path.to_string(), location.clone());
        location
    }

    fn physical(&mut self, file: &SourceFile, span: Span) -> PhysicalLocation {
        let start = Position::of(file, span.start);
        let end = Position::of(file, span.end.max(span.start));
        PhysicalLocation {
            artifact_location: self.artifact(&file.path),
            region: Some(Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
            }),
        }
    }
}

/// Link text in a SARIF message: `[` and `]` escaped (SARIF 2.1.0 §3.11.6).
fn escape_link_text(text: &str) -> String {
    let text = if text.is_empty() { "related" } else { text };
    text.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// At most `max` characters, with `…` at the end when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The first paragraph of the "What it does" section of the docs, on one line; else the summary.
fn full_description(rule: &RuleInfo) -> String {
    let docs = rule.documentation();
    let mut lines = docs.lines();
    let mut paragraph = Vec::new();
    if lines.any(|l| l.starts_with('#') && l.to_ascii_lowercase().contains("what it does")) {
        for line in lines.by_ref().skip_while(|l| l.trim().is_empty()) {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                break;
            }
            paragraph.push(line);
        }
    }
    if paragraph.is_empty() {
        truncate(rule.summary, MAX_DESCRIPTION)
    } else {
        truncate(&paragraph.join(" "), MAX_DESCRIPTION)
    }
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    #[serde(rename = "automationDetails")]
    automation_details: AutomationDetails,
    results: Vec<SarifResult>,
}

/// `run.automationDetails` (the property GitHub's docs call `runAutomationDetails`).
#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

/// The rule whose findings mean "this file or document could not be parsed".
const PARSE_FAILURE_RULE: &str = "YAML001";

#[derive(Serialize)]
struct Descriptor {
    id: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: MultiformatMessage,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

impl Rule {
    fn new(rule: &'static RuleInfo) -> Self {
        let documentation = rule.documentation();
        let mut tags = vec![rule.family.prefix().to_ascii_lowercase()];
        if rule.security_severity.is_some() {
            tags.push("security".to_string());
        }
        Rule {
            id: rule.code,
            name: truncate(rule.name, MAX_NAME),
            short_description: Message::new(truncate(rule.summary, MAX_DESCRIPTION)),
            full_description: Message::new(full_description(rule)),
            help: MultiformatMessage {
                text: documentation.clone(),
                markdown: documentation,
            },
            help_uri: rule.url(),
            default_configuration: Configuration {
                level: level(rule.severity),
            },
            properties: RuleProperties {
                tags,
                precision: "very-high",
                problem_severity: match rule.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "recommendation",
                },
                security_severity: rule.security_severity,
            },
        }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn new(text: impl Into<String>) -> Self {
        Message { text: text.into() }
    }
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<ToolNotification>,
}

#[derive(Serialize)]
struct ToolNotification {
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptor: Option<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
}

impl SarifResult {
    fn new(finding: &Finding, rule_index: usize, locator: &mut Locator<'_>) -> Self {
        let mut text = finding.message.clone();
        // GitHub shows related locations only when the message links to them: `[text](id)`.
        let links: Vec<String> = finding
            .labels
            .iter()
            .enumerate()
            .filter(|(_, l)| l.file.is_some())
            .map(|(i, l)| format!("[{}]({})", escape_link_text(&l.message), i + 1))
            .collect();
        if !links.is_empty() {
            text.push_str("\n\nRelated: ");
            text.push_str(&links.join("; "));
        }
        if let Some(help) = &finding.help {
            text.push_str("\n\nHelp: ");
            text.push_str(help);
        }
        let related_locations = finding
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let file = label.file.as_deref().unwrap_or(&finding.file);
                Location {
                    id: Some(i + 1),
                    physical_location: locator.physical(file, label.span),
                    message: Some(Message::new(label.message.clone())),
                }
            })
            .collect();
        SarifResult {
            rule_id: finding.rule.code,
            rule_index,
            level: level(finding.severity),
            message: Message::new(text),
            locations: vec![Location {
                id: None,
                physical_location: locator.physical(&finding.file, finding.span),
                message: None,
            }],
            related_locations,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}
