use ekslint_manifest::{Object, Span};

use super::support::FARGATE;
use super::support::table::LogSection;
use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;
use crate::support::embedded::{Positions, positions};

declare_rule! {
    /// ## What it does
    /// Checks the configuration of Fargate's built-in log router: the `aws-observability`
    /// Namespace must carry the label `aws-observability: enabled`; the `aws-logging` ConfigMap
    /// must live in that namespace, stay within 5,300 characters, hold `[FILTER]` sections in
    /// `filters.conf`, `[OUTPUT]` in `output.conf` and `[PARSER]` in `parsers.conf` (no other
    /// sections), give each section its required keys (`Name` and `Match`; `Name` and `Format`
    /// for parsers), use only the filters and outputs Fargate supports, indent consistently,
    /// use no `${ENV}` variables, and have at least one supported output. Findings point into
    /// the Fluent Bit text at the line they concern.
    ///
    /// ## Why is this bad?
    /// Fargate validates the ConfigMap when a pod starts and, when it is invalid, runs the pod
    /// without the log router: the logs go nowhere and nothing in the workload says so. Only
    /// `grep`, `parser`, `record_modifier`, `rewrite_tag`, `throttle`, `nest`, `modify` and
    /// `kubernetes` filters and `es`, `firehose`, `kinesis_firehose`, `cloudwatch`,
    /// `cloudwatch_logs` and `kinesis` outputs are accepted.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-logging
    ///   namespace: aws-observability
    /// data:
    ///   output.conf: |
    ///     [OUTPUT]
    ///         Name  loki
    ///         Match *
    ///         Url   ${LOKI_URL}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-logging
    ///   namespace: aws-observability
    /// data:
    ///   output.conf: |
    ///     [OUTPUT]
    ///         Name cloudwatch_logs
    ///         Match   kube.*
    ///         region eu-west-1
    ///         log_group_name my-logs
    ///         log_stream_prefix from-fluent-bit-
    ///         auto_create_group true
    /// ```
    ///
    /// ## References
    /// - EKS user guide, "Start AWS Fargate logging for your cluster" (the ConfigMap's criteria
    ///   and validation rules): awsdocs/amazon-eks-user-guide `latest/ug/nodes/fargate-logging.adoc`
    pub struct FargateLoggingConfig {
        code: "FARGATE011",
        name: "fargate-logging-config",
        family: Fargate,
        severity: Error,
        fix: None,
        summary: "The Fargate log router's aws-observability namespace or aws-logging ConfigMap breaks a rule Fargate validates",
        placeholders: Judged,
    }
}

/// One line of a Fluent Bit configuration: its inner offset, indentation and content.
struct Line<'t> {
    start: u32,
    indent: usize,
    text: &'t str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut offset = 0u32;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let content = line.trim();
        if !content.is_empty() && !content.starts_with('#') {
            out.push(Line {
                start: offset + indent as u32,
                indent,
                text: content,
            });
        }
        offset += raw.len() as u32;
    }
    out
}

struct Section<'t> {
    name: String,
    header: Span,
    /// (key, value, where the value is).
    entries: Vec<(&'t str, &'t str, Span)>,
}

impl Rule for FargateLoggingConfig {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let log = &FARGATE.logging;
        if obj.is_core(ctx.tree(), "Namespace")
            && obj.name_str(tree) == Some(log.namespace.as_str())
        {
            let label = obj.get(tree, &["metadata", "labels", &log.namespace_label.key]);
            if label.and_then(|n| tree.scalar_text(n)) != Some(log.namespace_label.value.as_str()) {
                let at = label.or(obj.name.map(|f| f.node)).unwrap_or(obj.node);
                ctx.report(
                    tree.span(at),
                    format!(
                        "Fargate's log router only reads the `{}` namespace when it has the label `{}: {}`",
                        log.namespace, log.namespace_label.key, log.namespace_label.value
                    ),
                )
                .label("label missing")
                .help(format!("add `labels: {{{}: {}}}`", log.namespace_label.key, log.namespace_label.value));
            }
            return;
        }
        if !obj.is_core(tree, "ConfigMap") || obj.name_str(tree) != Some(log.config_map.as_str()) {
            return;
        }
        let Some(data_entry) = tree.get_entry(obj.node, "data") else {
            return;
        };
        let data = tree.string_entries(Some(data_entry.value));
        let ours = |k: &str| {
            log.sections.iter().any(|s| s.key == k) || log.other_keys.iter().any(|o| o == k)
        };
        if !data.iter().any(|(k, _)| ours(k)) {
            return;
        }
        if obj.namespace_str(tree) != Some(log.namespace.as_str()) {
            let at = obj
                .namespace
                .map(|f| f.value)
                .or(obj.name.map(|f| f.value))
                .unwrap_or(obj.span);
            ctx.report(
                at,
                format!(
                    "Fargate reads the `{}` ConfigMap only in the `{}` namespace",
                    log.config_map, log.namespace
                ),
            )
            .label("not read here")
            .help(format!(
                "put it in `namespace: {}` (a Namespace labelled `{}: {}`)",
                log.namespace, log.namespace_label.key, log.namespace_label.value
            ));
            return;
        }
        let total: usize = data
            .iter()
            .filter_map(|(_, e)| tree.scalar_text(e.value))
            .map(|v| v.chars().count())
            .sum();
        if total > log.max_characters {
            ctx.report(
                tree.span(data_entry.key),
                format!("the log router's configuration holds {total} characters; Fargate accepts at most {}", log.max_characters),
            )
            .label("too long")
            .help("drop comments and optional keys, or move parsing to a filter in your log destination");
        }
        let mut has_output = false;
        for (k, e) in &data {
            let Some(row) = log.sections.iter().find(|s| s.key == *k) else {
                continue;
            };
            let Some(text) = tree.scalar_text(e.value) else {
                continue;
            };
            let Some(pos) = positions(ctx.text(), tree, e.value) else {
                continue;
            };
            has_output |= self.section_file(ctx, row, text, &pos);
        }
        if !has_output {
            ctx.report(
                tree.span(data_entry.key),
                "the log router has no `[OUTPUT]` with a supported plugin in `output.conf`, so Fargate enables no logging",
            )
            .label("no output")
            .help("add `output.conf` with an `[OUTPUT]` of `cloudwatch_logs`, `firehose`, `kinesis_firehose`, `es`, `cloudwatch` or `kinesis`");
        }
    }
}

impl FargateLoggingConfig {
    /// Check one `*.conf` value; true when it has an output Fargate supports.
    fn section_file(
        &self,
        ctx: &mut FileCtx<'_>,
        row: &LogSection,
        text: &str,
        pos: &Positions,
    ) -> bool {
        let at = |start: u32, len: usize| pos.outer_span(Span::new(start, start + len as u32));
        let mut sections: Vec<Section<'_>> = Vec::new();
        let mut directive_indent: Option<usize> = None;
        let mut entry_indent: Option<usize> = None;
        let mut problems: Vec<(Span, String, &'static str)> = Vec::new();
        if let Some(i) = text.find("${") {
            let len = text[i..].find('}').map_or(2, |j| j + 1);
            problems.push((
                at(i as u32, len),
                "Fargate's log router does not expand environment variables such as `${…}`"
                    .to_string(),
                "not expanded",
            ));
        }
        for l in lines(text) {
            if let Some(name) = l.text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                let name = name.trim().to_ascii_uppercase();
                if *directive_indent.get_or_insert(l.indent) != l.indent {
                    problems.push((
                        at(l.start, l.text.len()),
                        "Fargate requires every section header of a file at the same indentation"
                            .to_string(),
                        "indentation",
                    ));
                }
                if name != row.section {
                    let home = FARGATE.logging.sections.iter().find(|s| s.section == name);
                    problems.push((
                        at(l.start, l.text.len()),
                        match home {
                            Some(h) => format!("`[{name}]` belongs in `{}`, not `{}`: Fargate rejects it here", h.key, row.key),
                            None => format!("Fargate accepts only `[FILTER]`, `[OUTPUT]` and `[PARSER]` sections; it manages `[{name}]` itself or rejects it"),
                        },
                        "wrong section",
                    ));
                }
                sections.push(Section {
                    name,
                    header: at(l.start, l.text.len()),
                    entries: Vec::new(),
                });
                continue;
            }
            let (key, value) = match l.text.split_once([' ', '\t']) {
                Some((k, v)) => (k, v.trim()),
                None => (l.text, ""),
            };
            let value_start =
                l.start + (l.text.len() - l.text[key.len()..].trim_start().len()) as u32;
            if *entry_indent.get_or_insert(l.indent) != l.indent
                || directive_indent.is_some_and(|d| l.indent <= d)
            {
                problems.push((at(l.start, key.len()), "Fargate requires every key of a file at the same indentation, deeper than the section headers".to_string(), "indentation"));
            }
            match sections.last_mut() {
                Some(s) => s.entries.push((key, value, at(value_start, value.len()))),
                None => problems.push((
                    at(l.start, l.text.len()),
                    format!("a key outside any `[{}]` section", row.section),
                    "outside a section",
                )),
            }
        }
        let mut supported_output = false;
        for s in &sections {
            if s.name != row.section {
                continue;
            }
            for req in &row.required {
                if !s
                    .entries
                    .iter()
                    .any(|(k, _, _)| k.eq_ignore_ascii_case(req))
                {
                    let mut shown = req.clone();
                    if let Some(first) = shown.get_mut(0..1) {
                        first.make_ascii_uppercase();
                    }
                    problems.push((
                        s.header,
                        format!("Fargate requires `{shown}` in every `[{}]` section", s.name),
                        "key missing",
                    ));
                }
            }
            let name = s
                .entries
                .iter()
                .find(|(k, _, _)| k.eq_ignore_ascii_case("name"));
            if let Some((_, v, span)) = name {
                if row.names.is_empty() || row.names.iter().any(|n| n.eq_ignore_ascii_case(v)) {
                    supported_output |= s.name == "OUTPUT";
                } else {
                    problems.push((
                        *span,
                        format!(
                            "Fargate does not support the `{v}` {} plugin; it accepts {}",
                            s.name.to_ascii_lowercase(),
                            row.names.join(", ")
                        ),
                        "unsupported plugin",
                    ));
                }
            }
        }
        for (span, msg, label) in problems {
            ctx.report(span, msg).label(label);
        }
        supported_output
    }
}
