//! Every rule, grouped by family, and the explicit registry.

pub mod api;
pub mod auth;
pub mod csi;
pub mod irsa;
pub mod lbc;
pub mod sup;
pub mod yaml;

use crate::rule::Rule;

/// Every rule ekslint has, in code order. Adding a rule means adding it here.
pub static RULES: &[&dyn Rule] = &[
    &api::api_removed::ApiRemoved,
    &api::api_deprecated::ApiDeprecated,
    &api::api_component_deprecated::ApiComponentDeprecated,
    // AUTH: the aws-auth ConfigMap.
    // CSI: storage.
    // IRSA: IAM roles for service accounts.
    &irsa::role_arn_format::RoleArnFormat,
    &irsa::pod_annotation::PodAnnotation,
    &irsa::wrong_namespace::WrongNamespace,
    &irsa::env_pair::EnvPair,
    &irsa::shadowing_credentials::ShadowingCredentials,
    &irsa::reserved_token_volume::ReservedTokenVolume,
    &irsa::token_expiration::TokenExpiration,
    &irsa::sts_audience::StsAudience,
    &irsa::skip_containers::SkipContainers,
    &irsa::windows_affinity::WindowsAffinity,
    &irsa::legacy_annotation::LegacyAnnotation,
    &irsa::skip_label::SkipLabel,
    &irsa::workload_before_service_account::WorkloadBeforeServiceAccount,
    &irsa::non_root_no_fs_group::NonRootNoFsGroup,
    &irsa::role_arn_target::RoleArnTarget,
    &irsa::missing_service_account::MissingServiceAccount,
    &irsa::static_credentials::StaticCredentials,
    // LBC: AWS Load Balancer Controller.
    &sup::UnusedSuppression,
    &sup::UnknownSuppression,
    &yaml::invalid_yaml::InvalidYaml,
    &yaml::helm_template::HelmTemplate,
    &yaml::duplicate_key::DuplicateKey,
    &yaml::non_string_value::NonStringValue,
    &yaml::input_limit::InputLimit,
];

/// A rule by code or kebab name (case-insensitive code).
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| {
        let i = r.info();
        i.code.eq_ignore_ascii_case(code_or_name) || i.name == code_or_name
    })
}
