//! Csi rules.

pub mod facts;
