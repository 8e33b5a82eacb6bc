//! HTML: the migration readiness report as one self-contained page to open in a browser or keep
//! as a CI artifact. It shows the totals, two charts (findings by family and by namespace,
//! stacked by severity, as inline SVG), the rules that fired, and every finding in a table that
//! can be filtered by rule (also from the address: `report.html#code=API001`) and searched.
//!
//! Nothing is loaded from elsewhere: the styles, the charts and the small script are inline, and
//! the page's Content-Security-Policy forbids any fetch. All text from the manifests is escaped;
//! the script only shows and hides rows. The filter's state is reported in `#shown`, and
//! `<body data-ready="1">` marks that the script ran (CI checks both in headless Chromium).

use std::io;

use ekslint_rules::{Report, RuleInfo};

use crate::tally::{Counts, Tally, namespace_name};
use crate::{Emitter, TOOL_VERSION, grouped, plural};

/// The most namespaces in the chart; the rest are one bar.
pub const HTML_CHART_NAMESPACES: usize = 12;

/// Bar colours (the same shades as the legend, and nowhere else on the page, so a screenshot
/// can find the charts by colour).
const ERROR_COLOUR: &str = "#cf222e";
const WARNING_COLOUR: &str = "#bf8700";
const INFO_COLOUR: &str = "#0969da";

/// The HTML format.
#[derive(Clone, Copy, Debug, Default)]
pub struct HtmlEmitter;

impl Emitter for HtmlEmitter {
    fn emit(
        &self,
        report: &Report,
        _rules: &[&'static RuleInfo],
        out: &mut dyn io::Write,
    ) -> io::Result<Vec<String>> {
        let tally = Tally::of(report);
        let title = if report.target.is_empty() {
            "ekslint: migration readiness".to_string()
        } else {
            format!(
                "ekslint: migration readiness for Kubernetes {}",
                report.target
            )
        };
        let stats = &report.stats;
        write!(
            out,
            r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="checked">{files} checked ({documents}, {objects}) · ekslint {TOOL_VERSION}</p>
</header>
"#,
            title = html(&title),
            files = plural_grouped(stats.files, "file", "files"),
            documents = plural_grouped(stats.documents, "document", "documents"),
            objects = plural_grouped(stats.objects, "object", "objects"),
        )?;
        write!(
            out,
            r#"<section id="totals" class="totals">
<div class="card">{}</div>
<div class="card">{}</div>
<div class="card">{}</div>
<div class="card">{}</div>
<div class="card"><b>{}</b> with a fix</div>
</section>
"#,
            card(tally.total.total(), "finding", "findings"),
            card(tally.total.errors, "error", "errors"),
            card(tally.total.warnings, "warning", "warnings"),
            card(tally.total.infos, "info", "infos"),
            grouped(tally.fixable()),
        )?;
        if !report.notifications.is_empty() {
            writeln!(
                out,
                r#"<section id="unread"><h2>{} could not be read and {} not checked</h2><ul>"#,
                plural_grouped(report.notifications.len(), "input", "inputs"),
                if report.notifications.len() == 1 {
                    "was"
                } else {
                    "were"
                }
            )?;
            for n in &report.notifications {
                writeln!(
                    out,
                    "<li><code>{}</code>: {}</li>",
                    html(&n.path),
                    html(&n.message)
                )?;
            }
            writeln!(out, "</ul></section>")?;
        }
        if tally.total.total() == 0 {
            writeln!(out, r#"<p id="shown" class="clean">No findings.</p>"#)?;
            writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>")?;
            return Ok(Vec::new());
        }

        // The charts.
        let families: Vec<(String, String, Counts)> = tally
            .families
            .iter()
            .map(|f| {
                (
                    f.family.prefix().to_string(),
                    f.family.title().to_string(),
                    f.counts,
                )
            })
            .collect();
        // The namespaces with most findings, the others as one bar, and the findings without
        // a namespace last (never folded into the others: they are often the most).
        let named: Vec<_> = tally
            .namespaces
            .iter()
            .filter(|n| n.namespace.is_some())
            .collect();
        let mut namespaces: Vec<(String, String, Counts)> = named
            .iter()
            .take(HTML_CHART_NAMESPACES)
            .map(|n| {
                let name = namespace_name(&n.namespace).to_string();
                (name.clone(), name, n.counts)
            })
            .collect();
        if named.len() > HTML_CHART_NAMESPACES {
            let rest = &named[HTML_CHART_NAMESPACES..];
            let mut counts = Counts::default();
            for n in rest {
                counts.errors += n.counts.errors;
                counts.warnings += n.counts.warnings;
                counts.infos += n.counts.infos;
            }
            let label = format!("{} more", rest.len());
            namespaces.push((label.clone(), format!("{label} namespaces"), counts));
        }
        if let Some(none) = tally.namespaces.iter().find(|n| n.namespace.is_none()) {
            let name = namespace_name(&none.namespace).to_string();
            namespaces.push((
                name.clone(),
                format!("{name}: cluster-scoped objects, manifests whose namespace is chosen when they are applied, and findings outside any object"),
                none.counts,
            ));
        }
        write!(
            out,
            r#"<section id="summary">
<p class="legend"><span class="swatch" style="background:{ERROR_COLOUR}"></span>error: breaks on EKS <span class="swatch" style="background:{WARNING_COLOUR}"></span>warning: risky <span class="swatch" style="background:{INFO_COLOUR}"></span>info: migration advice</p>
<div class="charts">
<figure id="chart-family"><figcaption>Findings by family</figcaption>
{}</figure>
<figure id="chart-namespace"><figcaption>Findings by namespace</figcaption>
{}</figure>
</div>
</section>
"#,
            chart("family", &families),
            chart("namespace", &namespaces),
        )?;

        // The rules.
        writeln!(
            out,
            r#"<section><h2>Rules</h2>
<table id="rules"><thead><tr><th>code</th><th>name</th><th>severity</th><th class="n">count</th><th class="n">with a fix</th></tr></thead><tbody>"#
        )?;
        for r in &tally.rules {
            writeln!(
                out,
                r#"<tr><td><a href="{url}">{code}</a></td><td>{name}</td><td class="sev {sev}">{sev}</td><td class="n">{count}</td><td class="n">{fixable}</td></tr>"#,
                url = html(&r.rule.url()),
                code = html(r.rule.code),
                name = html(r.rule.name),
                sev = r.severity.as_str(),
                count = grouped(r.count),
                fixable = grouped(r.fixable),
            )?;
        }
        writeln!(out, "</tbody></table></section>")?;

        // Every finding, filterable.
        let total = report.findings.len();
        writeln!(
            out,
            r#"<section><h2>Findings</h2>
<form id="filter" onsubmit="return false"><label>Rule <select id="code"><option value="">every rule ({})</option>"#,
            grouped(total)
        )?;
        let mut codes: Vec<_> = tally.rules.iter().collect();
        codes.sort_by_key(|r| r.rule.code);
        for r in codes {
            writeln!(
                out,
                r#"<option value="{code}">{code} {name} ({count})</option>"#,
                code = html(r.rule.code),
                name = html(r.rule.name),
                count = grouped(r.count)
            )?;
        }
        writeln!(
            out,
            r#"</select></label> <label>Search <input id="search" type="search" placeholder="path, message, namespace"></label></form>
<p id="shown">{}</p>
<table id="findings"><thead><tr><th>file</th><th>line</th><th>namespace</th><th>severity</th><th>rule</th><th>message</th></tr></thead><tbody>"#,
            plural_grouped(total, "finding", "findings")
        )?;
        for f in &report.findings {
            let at = f.file.line_col(f.span.start);
            let help = match &f.help {
                Some(h) => format!(r#"<div class="help">{}</div>"#, html(h)),
                None => String::new(),
            };
            writeln!(
                out,
                r#"<tr data-code="{code}"><td class="file"><code>{path}</code></td><td class="n">{line}:{col}</td><td>{ns}</td><td class="sev {sev}">{sev}</td><td><a href="{url}">{code}</a></td><td>{message}{help}</td></tr>"#,
                code = html(f.rule.code),
                // Long paths break after a `/`, not inside a name.
                path = html(&f.file.path).replace('/', "/<wbr>"),
                line = at.line,
                col = at.column,
                ns = html(f.namespace.as_deref().unwrap_or("")),
                sev = f.severity.as_str(),
                url = html(&f.rule.url()),
                message = html(&f.message),
            )?;
        }
        writeln!(
            out,
            "</tbody></table></section>\n<script>{SCRIPT}</script>\n</body>\n</html>"
        )?;
        Ok(Vec::new())
    }
}

/// A horizontal bar chart, one bar per row stacked by severity, as inline SVG.
fn chart(id: &str, rows: &[(String, String, Counts)]) -> String {
    const LABEL: usize = 170;
    const BARS: usize = 300;
    const ROW: usize = 24;
    const WIDTH: usize = LABEL + BARS + 70;
    let max = rows.iter().map(|r| r.2.total()).max().unwrap_or(0).max(1);
    let height = rows.len() * ROW + 8;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="svg-{id}" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="findings by {id}">"#
    );
    for (i, (label, full, counts)) in rows.iter().enumerate() {
        let y = i * ROW + 4;
        let shown: String = if label.chars().count() > 24 {
            label.chars().take(23).chain(['…']).collect()
        } else {
            label.clone()
        };
        svg.push_str(&format!(
            r#"<g><title>{}: {}</title><text x="{}" y="{}" text-anchor="end">{}</text>"#,
            html(full),
            breakdown(counts),
            LABEL - 8,
            y + 15,
            html(&shown)
        ));
        let mut x = LABEL as f64;
        for (n, colour) in [
            (counts.errors, ERROR_COLOUR),
            (counts.warnings, WARNING_COLOUR),
            (counts.infos, INFO_COLOUR),
        ] {
            if n == 0 {
                continue;
            }
            // At least two pixels, so a single finding stays visible next to hundreds.
            let w = (n as f64 * BARS as f64 / max as f64).max(2.0);
            svg.push_str(&format!(
                r#"<rect x="{x:.1}" y="{}" width="{w:.1}" height="{}" fill="{colour}"/>"#,
                y + 3,
                ROW - 8
            ));
            x += w;
        }
        svg.push_str(&format!(
            r#"<text x="{:.1}" y="{}">{}</text></g>"#,
            x + 6.0,
            y + 15,
            grouped(counts.total())
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

fn breakdown(c: &Counts) -> String {
    [
        (c.errors, "error", "errors"),
        (c.warnings, "warning", "warnings"),
        (c.infos, "info", "infos"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| plural_grouped(*n, one, many))
    .collect::<Vec<_>>()
    .join(", ")
}

/// A count in bold and its noun: `<b>1</b> error`.
fn card(count: usize, singular: &str, plural_form: &str) -> String {
    let noun = if count == 1 { singular } else { plural_form };
    format!("<b>{}</b> {noun}", grouped(count))
}

fn plural_grouped(count: usize, singular: &str, plural_form: &str) -> String {
    plural(count, singular, plural_form).replacen(&count.to_string(), &grouped(count), 1)
}

/// Text for HTML content and attribute values.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
body { margin: 0 auto; padding: 24px; max-width: 1400px; background: #ffffff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
.checked { color: #59636e; margin: 0 0 16px; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid #d1d9e0; border-radius: 6px; padding: 10px 16px; min-width: 110px; }
.card b { display: block; font-size: 24px; }
.legend { color: #59636e; }
.swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: -1px; }
.charts { display: flex; gap: 24px; flex-wrap: wrap; }
figure { margin: 0; border: 1px solid #d1d9e0; border-radius: 6px; padding: 12px; }
figcaption { font-weight: 600; margin-bottom: 8px; }
svg text { font-size: 12px; fill: #1f2328; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #d1d9e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.n, th.n { text-align: right; white-space: nowrap; }
td.file { min-width: 22em; }
td code { overflow-wrap: anywhere; }
.sev.error { color: #a40e26; font-weight: 600; }
.sev.warning { color: #7d4e00; font-weight: 600; }
.sev.info { color: #0550ae; }
.help { color: #59636e; white-space: pre-wrap; margin-top: 4px; }
form { margin: 8px 0; }
select, input { font: inherit; padding: 2px 4px; }
#shown { color: #59636e; }
"#;

/// Filters the findings by rule and text; `#code=API001` in the address picks the rule.
const SCRIPT: &str = r#"
(function () {
  var select = document.getElementById('code');
  var search = document.getElementById('search');
  var shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  function apply() {
    var code = select.value, text = search.value.toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var keep = (!code || row.getAttribute('data-code') === code) &&
        (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !keep;
      if (keep) { n += 1; }
    });
    shown.textContent = 'Showing ' + n + ' of ' + rows.length + ' findings' +
      (code ? ' (rule ' + code + ')' : '') + (text ? ' matching "' + search.value + '"' : '');
  }
  if (select) {
    var wanted = /^#code=([A-Za-z]+[0-9]+)$/.exec(window.location.hash);
    if (wanted) { select.value = wanted[1].toUpperCase(); }
    select.addEventListener('change', apply);
    search.addEventListener('input', apply);
    apply();
  }
  document.body.setAttribute('data-ready', '1');
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            html(r#"<script>alert('x' & "y")</script>"#),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"
        );
    }
}
