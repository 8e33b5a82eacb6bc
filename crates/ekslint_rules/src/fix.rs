//! Applying fixes: every fix is a set of byte-range edits on the original text, never a
//! re-print, so comments, key order, quoting, indentation and line endings stay as written.
//!
//! [`apply`] takes the findings of one file and the text they were found in, keeps the fixes
//! the run may apply (applicability and the config's `fixable`/`unfixable`), applies those whose
//! edits do not overlap an edit already taken (the others wait for the next round), and checks
//! that the result still loads as the same number of documents without a new YAML problem: a
//! fix that would break the file is dropped. The caller lints the result again and repeats until
//! nothing applies ([`MAX_ROUNDS`] at most), as ruff does.

use std::collections::BTreeMap;

use ekslint_manifest::{Format, Limits, ParsedFile, SourceFile};

use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::rule::RuleInfo;

/// How many lint-and-fix rounds `--fix` runs at most on one file.
pub const MAX_ROUNDS: usize = 10;

/// Which fixes a run applies.
#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    /// Also apply fixes that change behaviour (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
}

/// Why a fix was not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// Unsafe, and `--unsafe-fixes` was not given.
    Unsafe,
    /// The config's `unfixable` (or a `fixable` that leaves it out) names the rule.
    NotFixable,
    /// An edit overlaps one already taken this round; the next round may take it.
    Overlap,
    /// The document uses anchors, aliases, merge keys or tags, which make an edit ambiguous.
    Ambiguous,
    /// Applied, the file no longer loads as before.
    BreaksFile,
}

/// What one round on one file did.
#[derive(Debug, Default)]
pub struct Applied {
    /// The text after the round (the input when nothing applied).
    pub text: String,
    /// The rules whose fixes were applied, one entry per fix.
    pub fixed: Vec<&'static RuleInfo>,
    /// Fixes not applied, and why.
    pub skipped: Vec<(&'static RuleInfo, Skipped)>,
}

/// Apply the applicable fixes of `findings` (all of one file, whose text is `text`).
/// `fixable(rule)` says whether the config lets the rule fix; `ambiguous(offset)` whether the
/// document around an offset uses anchors, aliases, merge keys or tags.
pub fn apply(
    path: &str,
    text: &str,
    findings: &[Finding],
    options: &FixOptions,
    fixable: &dyn Fn(&RuleInfo) -> bool,
    ambiguous: &dyn Fn(u32) -> bool,
) -> Applied {
    let mut out = Applied {
        text: text.to_string(),
        ..Applied::default()
    };
    let mut candidates: Vec<(&'static RuleInfo, &Fix)> = Vec::new();
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        if fix.edits.is_empty() {
            continue;
        }
        let skip = if !fixable(f.rule) {
            Some(Skipped::NotFixable)
        } else if fix.applicability == Applicability::DisplayOnly {
            continue;
        } else if fix.applicability == Applicability::Unsafe && !options.unsafe_fixes {
            Some(Skipped::Unsafe)
        } else if fix.edits.iter().any(|e| ambiguous(e.span.start)) {
            Some(Skipped::Ambiguous)
        } else {
            None
        };
        match skip {
            Some(s) => out.skipped.push((f.rule, s)),
            None => candidates.push((f.rule, fix)),
        }
    }
    if candidates.is_empty() {
        return out;
    }
    // Earliest fixes first; a fix is taken whole or not at all.
    candidates.sort_by_key(|(_, fix)| fix.edits.iter().map(|e| e.span.start).min());
    let mut taken: Vec<(&'static RuleInfo, &Fix)> = Vec::new();
    // Keyed by (start, end): an insertion and a replacement may start at the same offset.
    let mut edits: BTreeMap<(u32, u32), &Edit> = BTreeMap::new();
    for (rule, fix) in candidates {
        let clash = fix.edits.iter().any(|e| {
            edits.values().any(|o| overlaps(e, o))
                || fix
                    .edits
                    .iter()
                    .filter(|x| !std::ptr::eq(*x, e))
                    .any(|x| overlaps(e, x))
        });
        if clash || !fix.edits.iter().all(|e| in_bounds(text, e)) {
            out.skipped.push((rule, Skipped::Overlap));
            continue;
        }
        for e in &fix.edits {
            edits.insert((e.span.start, e.span.end), e);
        }
        taken.push((rule, fix));
    }
    let before = load(path, text);
    let result = splice(text, edits.values().copied());
    if still_loads(&before, path, &result) {
        out.text = result;
        out.fixed = taken.iter().map(|(r, _)| *r).collect();
        return out;
    }
    // Together they break the file: keep the fixes that do not, one at a time (offsets stay
    // those of the original text; the kept fixes' edits do not overlap).
    let mut kept: BTreeMap<(u32, u32), &Edit> = BTreeMap::new();
    let mut current = text.to_string();
    for (rule, fix) in taken {
        let mut trial_edits = kept.clone();
        for e in &fix.edits {
            trial_edits.insert((e.span.start, e.span.end), e);
        }
        let trial = splice(text, trial_edits.values().copied());
        if still_loads(&before, path, &trial) {
            kept = trial_edits;
            current = trial;
            out.fixed.push(rule);
        } else {
            out.skipped.push((rule, Skipped::BreaksFile));
        }
    }
    out.text = current;
    out
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    // Two insertions at the same point, or ranges that share a byte.
    let (a0, a1, b0, b1) = (a.span.start, a.span.end, b.span.start, b.span.end);
    if a0 == a1 && b0 == b1 {
        return a0 == b0;
    }
    a0 < b1 && b0 < a1 || (a0 == a1 && b0 < a0 && a0 < b1) || (b0 == b1 && a0 < b0 && b0 < a1)
}

fn in_bounds(text: &str, e: &Edit) -> bool {
    let (s, t) = (e.span.start as usize, e.span.end as usize);
    s <= t && t <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(t)
}

/// What [`fix_rounds`] did to one file.
#[derive(Debug, Default)]
pub struct Rounds {
    /// The text after the last round.
    pub text: String,
    /// Fixes applied, one entry per fix.
    pub fixed: Vec<&'static RuleInfo>,
    /// What the last round left, and why.
    pub left: Vec<(&'static RuleInfo, Skipped)>,
    /// Rounds that applied something; [`MAX_ROUNDS`] means the loop was cut short.
    pub rounds: usize,
}

/// Fix one file until nothing more applies: round one takes `first` (the run's findings of the
/// file, cross-object ones included), every later round lints the fixed text again with the
/// per-file rules. At most [`MAX_ROUNDS`] rounds.
pub fn fix_rounds(
    path: &str,
    text: &str,
    first: Vec<Finding>,
    settings: &crate::settings::Settings,
    options: &FixOptions,
) -> Rounds {
    let fixable = |r: &RuleInfo| settings.is_fixable(r);
    let mut out = Rounds {
        text: text.to_string(),
        ..Rounds::default()
    };
    let mut round = first;
    for _ in 0..MAX_ROUNDS {
        let applied = {
            let refs = references_by_document(path, &out.text);
            apply(path, &out.text, &round, options, &fixable, &refs)
        };
        if applied.fixed.is_empty() {
            out.left = applied.skipped;
            break;
        }
        out.rounds += 1;
        out.fixed.extend(applied.fixed);
        out.text = applied.text;
        let source = std::sync::Arc::new(SourceFile::new(path, out.text.as_str()));
        let parsed = ekslint_manifest::parse(source, Format::from_path(path), &settings.limits);
        round = crate::engine::lint_file_alone(&parsed, settings)
            .into_iter()
            .filter(|f| f.fix.is_some())
            .collect();
    }
    out
}

/// A test of whether the document around a byte offset of `text` uses anchors, aliases, merge
/// keys or tags.
pub fn references_by_document(path: &str, text: &str) -> impl Fn(u32) -> bool + use<> {
    let parsed = load(path, text);
    let docs: Vec<(u32, u32, bool)> = parsed
        .documents
        .iter()
        .map(|d| {
            let t = text.get(d.span.range()).unwrap_or("");
            (
                d.span.start,
                d.span.end,
                ekslint_manifest::uses_references(t),
            )
        })
        .collect();
    move |at| {
        docs.iter()
            .find(|(s, e, _)| *s <= at && at <= *e)
            .is_some_and(|(_, _, uses)| *uses)
    }
}

/// Apply non-overlapping edits (in offset order) to `text`.
pub fn splice<'a>(text: &str, edits: impl Iterator<Item = &'a Edit>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for e in edits {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        out.push_str(&text[at..s]);
        out.push_str(&e.replacement);
        at = t;
    }
    out.push_str(&text[at..]);
    out
}

fn load(path: &str, text: &str) -> ParsedFile {
    let source = std::sync::Arc::new(SourceFile::new(path, text));
    ekslint_manifest::parse(source, Format::from_path(path), &Limits::default())
}

/// The fixed text loads as the original did: as many documents, and no problem the original did
/// not have.
fn still_loads(before: &ParsedFile, path: &str, text: &str) -> bool {
    let after = load(path, text);
    after.documents.len() == before.documents.len()
        && after.problems.len() <= before.problems.len()
        && after.objects.len() == before.objects.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekslint_manifest::Span;

    fn finding(text: &str, edits: Vec<Edit>) -> Finding {
        let file = std::sync::Arc::new(SourceFile::new("a.yaml", text));
        let mut f = Finding::new(
            &crate::rules::lbc::lbc_deprecated::LbcDeprecated::INFO,
            crate::rule::Severity::Warning,
            file,
            Span::new(0, 1),
            "m",
        );
        f.fix(Fix {
            title: "t".to_string(),
            edits,
            applicability: Applicability::Safe,
        });
        f
    }

    /// One fix inserts where another's replacement starts: both are applied, the insertion
    /// first (keyed by start alone, one of them was lost).
    #[test]
    fn an_insertion_and_a_replacement_at_the_same_offset_both_apply() {
        let text = "a: 1\nb: 2\n";
        let insert = Edit {
            span: Span::new(5, 5),
            replacement: "x: 0\n".to_string(),
        };
        let replace = Edit {
            span: Span::new(5, 10),
            replacement: "c: 3\n".to_string(),
        };
        let findings = [finding(text, vec![insert]), finding(text, vec![replace])];
        let out = apply(
            "a.yaml",
            text,
            &findings,
            &FixOptions::default(),
            &|_| true,
            &|_| false,
        );
        assert_eq!(out.text, "a: 1\nx: 0\nc: 3\n");
        assert_eq!(out.fixed.len(), 2);
    }
}
