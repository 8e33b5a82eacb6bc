//! The `AUTH` family: the `kube-system/aws-auth` ConfigMap that maps IAM principals to Kubernetes
//! users and groups, and its migration to EKS access entries.
//!
//! `mapRoles`, `mapUsers` and `mapAccounts` are YAML documents stored inside strings; they are
//! parsed again by [`embedded::parse_embedded`], whose spans point into the outer file.

pub mod support;

pub mod access_entry_migration;
pub mod arn_wrong_type;
pub mod aws_auth_location;
pub mod data_key_case;
pub mod data_value_not_string;
pub mod duplicate_arn;
pub mod embedded_yaml_invalid;
pub mod folded_group;
pub mod map_accounts;
pub mod mapping_shape;
pub mod node_mapping;
pub mod role_arn_path;
pub mod system_masters;
pub mod template_token;
pub mod windows_node_group;
