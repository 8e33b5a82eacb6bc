//! aws-auth ConfigMap rules.
