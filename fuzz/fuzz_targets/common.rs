// Shared checks: every span a loader or rule reports lies inside its file and on character
// boundaries.

use ekslint_manifest::{ParsedFile, Span};

pub fn check_span(text: &str, span: Span, what: &str) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(s <= e && e <= text.len(), "{what}: span {s}..{e} outside 0..{}", text.len());
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what}: span {s}..{e} not on a character boundary"
    );
}

pub fn check_file(file: &ParsedFile) {
    let text = &*file.source.text;
    for p in &file.problems {
        check_span(text, p.span, "problem");
    }
    for d in &file.documents {
        check_span(text, d.span, "document");
    }
    for o in &file.objects {
        check_span(text, o.span, "object");
    }
}
