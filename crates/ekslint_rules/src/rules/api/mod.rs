//! The `API` family: removed and deprecated API versions against the target Kubernetes version.

pub mod support;

pub mod api_addon_deprecated;
pub mod api_addon_removed;
pub mod api_deprecated;
pub mod api_removed;
pub mod api_removed_reference;
