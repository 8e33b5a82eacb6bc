//! The YAML 1.1 plain-scalar resolver on arbitrary strings: never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let r = ekslint_manifest::yaml11::resolve_plain(text);
    let _ = r.type_name();
    let _ = ekslint_manifest::yaml11::yaml11_surprise(text);
});
