//! The whole per-file lint (every rule, then the set pass) on arbitrary bytes: never panics,
//! every finding and label inside its file.
#![no_main]

use std::sync::Arc;

use ekslint_manifest::{Format, Limits, SourceFile};
use ekslint_rules::{KubeVersion, Settings};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = match ekslint_manifest::decode(data.to_vec()) {
        Ok(t) => t,
        Err((_, lossy)) => lossy,
    };
    let settings = Settings::new(KubeVersion::new(1, 33));
    let source = Arc::new(SourceFile::new("fuzz.yaml", text.as_str()));
    let file = ekslint_manifest::parse(source, Format::Yaml, &Limits::default());
    common::check_file(&file);
    let out = ekslint_rules::lint_file(&file, &settings);
    let report = ekslint_rules::finish(vec![out], Vec::new(), &settings);
    for f in &report.findings {
        common::check_span(&f.file.text, f.span, f.rule.code);
        for l in &f.labels {
            let t = l.file.as_ref().map_or(&f.file.text, |f| &f.text);
            common::check_span(t, l.span, f.rule.code);
        }
        if let Some(fix) = &f.fix {
            for e in &fix.edits {
                common::check_span(&f.file.text, e.span, f.rule.code);
            }
        }
    }
});
