//! The YAML and JSON loaders on arbitrary bytes: never panic, every span in bounds.
#![no_main]

use std::sync::Arc;

use ekslint_manifest::{Format, Limits, SourceFile};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = match ekslint_manifest::decode(data.to_vec()) {
        Ok(t) => t,
        Err((_, lossy)) => lossy,
    };
    for format in [Format::Yaml, Format::Json] {
        let source = Arc::new(SourceFile::new("fuzz.yaml", text.as_str()));
        let file = ekslint_manifest::parse(source, format, &Limits::default());
        common::check_file(&file);
        for d in &file.documents {
            if let Some(root) = d.root {
                let _ = file.tree.to_json(root);
            }
        }
    }
});
