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
    &api::api_addon_deprecated::ApiAddonDeprecated,
    // AUTH: the aws-auth ConfigMap.
    &auth::aws_auth_location::AwsAuthLocation,
    &auth::data_key_case::DataKeyCase,
    &auth::data_value_not_string::DataValueNotString,
    &auth::embedded_yaml_invalid::EmbeddedYamlInvalid,
    &auth::mapping_shape::MappingShape,
    &auth::folded_group::FoldedGroup,
    &auth::role_arn_path::RoleArnPath,
    &auth::arn_wrong_type::ArnWrongType,
    &auth::duplicate_arn::DuplicateArn,
    &auth::template_token::TemplateToken,
    &auth::node_mapping::NodeMapping,
    &auth::windows_node_group::WindowsNodeGroup,
    &auth::system_masters::SystemMasters,
    &auth::map_accounts::MapAccounts,
    &auth::access_entry_migration::AccessEntryMigration,
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
    &irsa::irsa_annotation_on_pod::IrsaAnnotationOnPod,
    &irsa::role_on_other_service_account::RoleOnOtherServiceAccount,
    &irsa::web_identity_env_half_set::WebIdentityEnvHalfSet,
    &irsa::credentials_shadow_role::CredentialsShadowRole,
    &irsa::reserved_token_volume::ReservedTokenVolume,
    &irsa::token_expiration::TokenExpiration,
    &irsa::sts_endpoint_or_audience::StsEndpointOrAudience,
    &irsa::skip_containers::SkipContainers,
    &irsa::windows_without_node_selector::WindowsWithoutNodeSelector,
    &irsa::kube2iam_kiam_annotation::Kube2iamKiamAnnotation,
    &irsa::webhook_skip_label::WebhookSkipLabel,
    &irsa::workload_before_service_account::WorkloadBeforeServiceAccount,
    &irsa::non_root_without_fs_group::NonRootWithoutFsGroup,
    &irsa::role_arn_destination::RoleArnDestination,
    &irsa::missing_service_account::MissingServiceAccount,
    &irsa::static_aws_credentials::StaticAwsCredentials,
    // LBC: AWS Load Balancer Controller.
    &lbc::lbc_unknown_annotation::LbcUnknownAnnotation,
    &lbc::lbc_annotation_wrong_kind::LbcAnnotationWrongKind,
    &lbc::lbc_deprecated::LbcDeprecated,
    &lbc::lbc_invalid_value::LbcInvalidValue,
    &lbc::lbc_service_not_reconciled::LbcServiceNotReconciled,
    &lbc::lbc_ssl_redirect_without_https::LbcSslRedirectWithoutHttps,
    &lbc::lbc_wildcard_prefix_path::LbcWildcardPrefixPath,
    &lbc::lbc_use_annotation_without_action::LbcUseAnnotationWithoutAction,
    &lbc::lbc_group_invalid::LbcGroupInvalid,
    &lbc::lbc_health_check_range::LbcHealthCheckRange,
    &lbc::lbc_unknown_ssl_policy::LbcUnknownSslPolicy,
    &lbc::lbc_internet_facing_unrestricted::LbcInternetFacingUnrestricted,
    &lbc::lbc_ingress_class::LbcIngressClass,
    &lbc::lbc_instance_target_cluster_ip::LbcInstanceTargetClusterIp,
    &lbc::lbc_group_conflict::LbcGroupConflict,
    &lbc::lbc_backend_not_found::LbcBackendNotFound,
    &lbc::lbc_crd_schema::LbcCrdSchema,
    &sup::unused_suppression::UnusedSuppression,
    &sup::invalid_suppression::InvalidSuppression,
    &yaml::invalid_yaml::InvalidYaml,
    &yaml::helm_template::HelmTemplate,
    &yaml::duplicate_key::DuplicateKey,
    &yaml::non_string_value::NonStringValue,
    &yaml::input_limit::InputLimit,
    &yaml::invalid_object_shape::InvalidObjectShape,
    &yaml::not_a_kubernetes_object::NotAKubernetesObject,
];

/// A rule by code or kebab name (case-insensitive code).
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| {
        let i = r.info();
        i.code.eq_ignore_ascii_case(code_or_name) || i.name == code_or_name
    })
}
