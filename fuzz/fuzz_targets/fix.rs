//! Every fix on arbitrary input (issue 17): lint the bytes with every rule, apply every fix
//! (unsafe ones too) until nothing more applies, and check that the result still loads as the
//! input did (as many documents, no new problem) and that one more round changes nothing.
#![no_main]

use std::sync::Arc;

use ekslint_manifest::{Format, Limits, SourceFile};
use ekslint_rules::fix::{self, FixOptions};
use ekslint_rules::{KubeVersion, Settings};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = String::from_utf8(data.to_vec()) else {
        return; // only UTF-8 files are ever fixed
    };
    let settings = Settings::new(KubeVersion::new(1, 33));
    let source = Arc::new(SourceFile::new("fuzz.yaml", text.as_str()));
    let file = ekslint_manifest::parse(source, Format::Yaml, &Limits::default());
    let findings: Vec<_> = ekslint_rules::engine::lint_file_alone(&file, &settings)
        .into_iter()
        .filter(|f| f.fix.is_some())
        .collect();
    if findings.is_empty() {
        return;
    }
    let options = FixOptions { unsafe_fixes: true };
    let rounds = fix::fix_rounds("fuzz.yaml", &text, findings, &settings, &options);
    if rounds.fixed.is_empty() {
        return;
    }
    let after = ekslint_manifest::parse(
        Arc::new(SourceFile::new("fuzz.yaml", rounds.text.as_str())),
        Format::Yaml,
        &Limits::default(),
    );
    common::check_file(&after);
    assert_eq!(after.documents.len(), file.documents.len(), "documents lost");
    assert!(after.problems.len() <= file.problems.len(), "a fix broke the file");
    if rounds.rounds < fix::MAX_ROUNDS {
        let left: Vec<_> = ekslint_rules::engine::lint_file_alone(&after, &settings)
            .into_iter()
            .filter(|f| f.fix.is_some())
            .collect();
        let refs = fix::references_by_document("fuzz.yaml", &rounds.text);
        let again = fix::apply("fuzz.yaml", &rounds.text, &left, &options, &|_| true, &refs);
        assert!(again.fixed.is_empty(), "a second pass still fixes {:?}", again.fixed);
    }
});
