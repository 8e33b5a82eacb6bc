//! IRSA rules: IAM roles for service accounts, the EKS pod identity webhook, and the ServiceAccount
//! a workload resolves to across the whole input.

pub mod support;

pub mod credentials_shadow_role;
pub mod irsa_annotation_on_pod;
pub mod kube2iam_kiam_annotation;
pub mod missing_service_account;
pub mod non_root_without_fs_group;
pub mod reserved_token_volume;
pub mod role_arn_destination;
pub mod role_arn_format;
pub mod role_on_other_service_account;
pub mod skip_containers;
pub mod static_aws_credentials;
pub mod sts_endpoint_or_audience;
pub mod token_expiration;
pub mod web_identity_env_half_set;
pub mod webhook_skip_label;
pub mod windows_without_node_selector;
pub mod workload_before_service_account;
