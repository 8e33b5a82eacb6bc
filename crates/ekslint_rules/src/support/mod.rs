//! Helpers that rules of several families share, one per job: how Go programs parse values
//! ([`go`]), AWS ARNs and partitions ([`aws`]), typographic quotes ([`quotes`]), values filled
//! in by a templating step ([`placeholder`]), "did you mean" ([`suggest`]), positions inside
//! string values that hold text of their own ([`embedded`]) and span edits on YAML and JSON text
//! that keep everything they do not touch ([`edit`]), for fixes.
//!
//! A family's own helpers live in `rules/<family>/support/`; Kubernetes object accessors that
//! are not rule logic live in `ekslint_manifest`.

pub mod aws;
pub mod edit;
pub mod embedded;
pub mod go;
pub mod placeholder;
pub mod quotes;
pub mod suggest;
