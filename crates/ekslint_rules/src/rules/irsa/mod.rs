//! Irsa rules.

pub mod facts;
