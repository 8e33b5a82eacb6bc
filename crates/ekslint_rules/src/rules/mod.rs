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
    // LBC: AWS Load Balancer Controller.
    &lbc::unknown_annotation::UnknownAnnotation,
    &lbc::annotation_wrong_kind::AnnotationWrongKind,
    &lbc::deprecated::Deprecated,
    &lbc::invalid_value::InvalidValue,
    &lbc::service_controller::ServiceController,
    &lbc::ssl_redirect::SslRedirect,
    &lbc::wildcard_path::WildcardPath,
    &lbc::missing_action::MissingAction,
    &lbc::group_invalid::GroupInvalid,
    &lbc::health_check::HealthCheck,
    &lbc::ssl_policy::SslPolicy,
    &lbc::open_to_internet::OpenToInternet,
    &lbc::ingress_class::IngressClassRule,
    &lbc::instance_cluster_ip::InstanceClusterIp,
    &lbc::group_conflict::GroupConflict,
    &lbc::backend_missing::BackendMissing,
    &lbc::crd_schema::CrdSchema,
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
