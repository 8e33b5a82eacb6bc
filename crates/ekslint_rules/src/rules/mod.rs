//! Every rule, grouped by family, and the explicit registry.

pub mod api;
pub mod auth;
pub mod csi;
pub mod irsa;
pub mod lbc;
pub mod schema;
pub mod sup;
pub mod yaml;

use crate::rule::Rule;

/// Every rule ekslint has, in code order. Adding a rule means adding it here.
pub static RULES: &[&dyn Rule] = &[
    &api::api_removed::ApiRemoved,
    &api::api_deprecated::ApiDeprecated,
    &api::api_component_deprecated::ApiComponentDeprecated,
    // AUTH: the aws-auth ConfigMap.
    &auth::location::AwsAuthLocation,
    &auth::data_key_case::DataKeyCase,
    &auth::data_not_string::DataNotString,
    &auth::embedded_invalid::EmbeddedYamlInvalid,
    &auth::mapping_shape::MappingShape,
    &auth::folded_group::FoldedGroup,
    &auth::role_arn_path::RoleArnPath,
    &auth::arn_type::ArnType,
    &auth::duplicate_arn::DuplicateArn,
    &auth::template_token::TemplateToken,
    &auth::node_mapping::NodeMapping,
    &auth::windows_node::WindowsNode,
    &auth::system_masters::SystemMasters,
    &auth::map_accounts::MapAccounts,
    &auth::access_entry::AccessEntryMigration,
    // CSI: storage.
    &csi::storageclass_invalid_parameter::StorageclassInvalidParameter,
    &csi::ebs_boolean_parameter::EbsBooleanParameter,
    &csi::ebs_volume_type::EbsVolumeType,
    &csi::ebs_parameter_range::EbsParameterRange,
    &csi::ebs_filesystem_options::EbsFilesystemOptions,
    &csi::ebs_binding_mode::EbsBindingMode,
    &csi::volume_access_mode::VolumeAccessMode,
    &csi::fargate_volume::FargateVolume,
    &csi::efs_storageclass_invalid::EfsStorageclassInvalid,
    &csi::efs_storageclass_risky::EfsStorageclassRisky,
    &csi::efs_static_volume::EfsStaticVolume,
    &csi::fsx_lustre_invalid::FsxLustreInvalid,
    &csi::storage_advice::StorageAdvice,
    &csi::in_tree_provisioner::InTreeProvisioner,
    &csi::in_tree_volume_source::InTreeVolumeSource,
    &csi::in_tree_migrated::InTreeMigrated,
    &csi::claim_storageclass_missing::ClaimStorageclassMissing,
    &csi::claim_without_default_class::ClaimWithoutDefaultClass,
    &csi::multiple_default_classes::MultipleDefaultClasses,
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
    // SCHEMA: the target version's API schema and CRD schemas.
    &schema::schema_unknown_field::SchemaUnknownField,
    &schema::schema_wrong_type::SchemaWrongType,
    &schema::schema_missing_field::SchemaMissingField,
    &schema::schema_value_not_allowed::SchemaValueNotAllowed,
    &schema::schema_duplicate_key::SchemaDuplicateKey,
    &schema::schema_duplicate_entry::SchemaDuplicateEntry,
    &schema::schema_constraint::SchemaConstraint,
    &schema::schema_cel_rule::SchemaCelRule,
    &sup::UnusedSuppression,
    &sup::UnknownSuppression,
    &yaml::invalid_yaml::InvalidYaml,
    &yaml::helm_template::HelmTemplate,
    &yaml::duplicate_key::DuplicateKey,
    &yaml::non_string_value::NonStringValue,
    &yaml::input_limit::InputLimit,
    &yaml::object_shape::ObjectShape,
    &yaml::not_an_object::NotAnObject,
];

/// A rule by code or kebab name (case-insensitive code).
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| {
        let i = r.info();
        i.code.eq_ignore_ascii_case(code_or_name) || i.name == code_or_name
    })
}
