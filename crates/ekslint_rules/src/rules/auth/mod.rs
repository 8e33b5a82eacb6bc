//! aws-auth ConfigMap rules.

pub mod embedded;
