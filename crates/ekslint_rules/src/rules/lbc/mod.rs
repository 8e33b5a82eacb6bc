//! Lbc rules.

pub mod facts;
