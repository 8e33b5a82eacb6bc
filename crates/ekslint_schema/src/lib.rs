//! The Kubernetes API schema for ekslint's SCHEMA rules: the built-in kinds of every
//! Kubernetes version k8s-openapi supports (a table generated ahead of time, embedded, see
//! `rules/schema/kubernetes.txt` and docs/schema.md), CustomResourceDefinition schemas, and a
//! validator over ekslint's span tree that reports every problem of an object at its key or
//! value.

pub mod builtin;
pub mod bundled;
pub mod cel;
pub mod crd;
pub mod model;
pub mod scalar;
pub mod validate;

pub use model::{Effect, Registry, SchemaId};
pub use validate::{Options, Outcome, Problem, Violation, is_patch_directive, validate};
