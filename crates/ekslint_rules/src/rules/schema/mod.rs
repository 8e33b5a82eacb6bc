//! SCHEMA: every object against the target version's API schema (built-in kinds) or its CRD's
//! schema (custom resources), each problem at its key or value.

pub mod schema_cel_rule;
pub mod schema_constraint;
pub mod schema_duplicate_entry;
pub mod schema_duplicate_key;
pub mod schema_missing_field;
pub mod schema_unknown_field;
pub mod schema_value_not_allowed;
pub mod schema_wrong_type;
pub mod support;
