//! The `YAML` family: problems of the file itself, found while loading it, and YAML 1.1 traps.

pub mod duplicate_key;
pub mod helm_template;
pub mod input_limit;
pub mod invalid_object_shape;
pub mod invalid_yaml;
pub mod non_string_value;
pub mod not_a_kubernetes_object;
pub mod unrendered_placeholder;
