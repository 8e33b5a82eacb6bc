//! Every rule, grouped by family, and the explicit registry.

pub mod api;
pub mod auth;
pub mod csi;
pub mod fargate;
pub mod irsa;
pub mod karp;
pub mod lbc;
pub mod port;
pub mod schema;
pub mod sup;
pub mod yaml;

use ekslint_manifest::ParsedFile;

use crate::data::{TableCheck, table_check};
use crate::index::{Facts, Kustomization, NamespaceMap};
use crate::rule::Rule;

/// Every rule ekslint has, in code order. Adding a rule means adding it here.
pub static RULES: &[&dyn Rule] = &[
    &api::api_removed::ApiRemoved,
    &api::api_deprecated::ApiDeprecated,
    &api::api_addon_deprecated::ApiAddonDeprecated,
    &api::api_addon_removed::ApiAddonRemoved,
    &api::api_removed_reference::ApiRemovedReference,
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
    // FARGATE: Fargate and other EKS compute limits.
    &fargate::fargate_daemonset::FargateDaemonset,
    &fargate::fargate_daemonset_tolerates_fargate::FargateDaemonsetToleratesFargate,
    &fargate::fargate_privileged::FargatePrivileged,
    &fargate::fargate_host_network::FargateHostNetwork,
    &fargate::fargate_gpu::FargateGpu,
    &fargate::fargate_ephemeral_storage::FargateEphemeralStorage,
    &fargate::fargate_pod_too_large::FargatePodTooLarge,
    &fargate::fargate_size_step_up::FargateSizeStepUp,
    &fargate::fargate_unsupported_node_selector::FargateUnsupportedNodeSelector,
    &fargate::fargate_instance_target::FargateInstanceTarget,
    &fargate::fargate_logging_config::FargateLoggingConfig,
    &fargate::fargate_job_ttl::FargateJobTtl,
    &fargate::fargate_imds::FargateImds,
    &fargate::security_group_policy_invalid::SecurityGroupPolicyInvalid,
    &fargate::security_group_policy_pod::SecurityGroupPolicyPod,
    &fargate::pod_security_group_annotation::PodSecurityGroupAnnotation,
    &fargate::fargate_budget_blocks_patching::FargateBudgetBlocksPatching,
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
    // KARP: Karpenter and autoscaling.
    &karp::karpenter_pre_v1_api::KarpenterPreV1Api,
    &karp::karpenter_consolidation_policy_renamed::KarpenterConsolidationPolicyRenamed,
    &karp::karpenter_consolidate_after_required::KarpenterConsolidateAfterRequired,
    &karp::karpenter_expire_after_moved::KarpenterExpireAfterMoved,
    &karp::karpenter_node_class_ref::KarpenterNodeClassRef,
    &karp::karpenter_kubelet_on_node_pool::KarpenterKubeletOnNodePool,
    &karp::karpenter_node_class_not_found::KarpenterNodeClassNotFound,
    &karp::karpenter_ami_selector_terms::KarpenterAmiSelectorTerms,
    &karp::karpenter_custom_ami_taint::KarpenterCustomAmiTaint,
    &karp::karpenter_node_class_invalid::KarpenterNodeClassInvalid,
    &karp::karpenter_node_pool_invalid::KarpenterNodePoolInvalid,
    &karp::karpenter_restricted_label::KarpenterRestrictedLabel,
    &karp::karpenter_unknown_node_label::KarpenterUnknownNodeLabel,
    &karp::karpenter_removed_annotation::KarpenterRemovedAnnotation,
    &karp::karpenter_disruption_taint_renamed::KarpenterDisruptionTaintRenamed,
    &karp::karpenter_do_not_disrupt_misplaced::KarpenterDoNotDisruptMisplaced,
    &karp::karpenter_cluster_autoscaler_annotation::KarpenterClusterAutoscalerAnnotation,
    &karp::karpenter_cluster_autoscaler_version::KarpenterClusterAutoscalerVersion,
    &karp::karpenter_imds_hop_limit::KarpenterImdsHopLimit,
    &karp::karpenter_auto_mode_label::KarpenterAutoModeLabel,
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
    &lbc::lbc_auto_mode_unsupported::LbcAutoModeUnsupported,
    // PORT: what other platforms left in the manifests.
    &port::foreign_load_balancer_exposure::ForeignLoadBalancerExposure,
    &port::load_balancer_ip::LoadBalancerIp,
    &port::load_balancer_scheme_implicit::LoadBalancerSchemeImplicit,
    &port::foreign_class::ForeignClass,
    &port::ingress_without_class::IngressWithoutClass,
    &port::foreign_annotation::ForeignAnnotation,
    &port::foreign_leftover::ForeignLeftover,
    &port::foreign_kind::ForeignKind,
    &port::foreign_workload_identity::ForeignWorkloadIdentity,
    &port::foreign_node_label::ForeignNodeLabel,
    &port::deprecated_node_label::DeprecatedNodeLabel,
    &port::foreign_zone::ForeignZone,
    &port::foreign_accelerator::ForeignAccelerator,
    &port::foreign_csi_driver::ForeignCsiDriver,
    &port::foreign_storage_class_name::ForeignStorageClassName,
    &port::local_dev_provisioner::LocalDevProvisioner,
    &port::docker_socket_mount::DockerSocketMount,
    &port::docker_data_mount::DockerDataMount,
    &port::registry_needs_credentials::RegistryNeedsCredentials,
    &port::frozen_registry::FrozenRegistry,
    &port::cluster_internal_registry::ClusterInternalRegistry,
    &port::private_cluster_registry::PrivateClusterRegistry,
    &port::docker_hub_rate_limit::DockerHubRateLimit,
    &port::network_policy_enforcement::NetworkPolicyEnforcement,
    &port::network_policy_port_limit::NetworkPolicyPortLimit,
    // SCHEMA: the target version's API schema and CRD schemas.
    &schema::schema_unknown_field::SchemaUnknownField,
    &schema::schema_wrong_type::SchemaWrongType,
    &schema::schema_missing_field::SchemaMissingField,
    &schema::schema_value_not_allowed::SchemaValueNotAllowed,
    &schema::schema_duplicate_key::SchemaDuplicateKey,
    &schema::schema_duplicate_entry::SchemaDuplicateEntry,
    &schema::schema_constraint::SchemaConstraint,
    &schema::schema_cel_rule::SchemaCelRule,
    &sup::unused_suppression::UnusedSuppression,
    &sup::invalid_suppression::InvalidSuppression,
    &yaml::invalid_yaml::InvalidYaml,
    &yaml::helm_template::HelmTemplate,
    &yaml::duplicate_key::DuplicateKey,
    &yaml::non_string_value::NonStringValue,
    &yaml::input_limit::InputLimit,
    &yaml::invalid_object_shape::InvalidObjectShape,
    &yaml::not_a_kubernetes_object::NotAKubernetesObject,
    &yaml::unrendered_placeholder::UnrenderedPlaceholder,
];

/// Everything per-set rules need from the whole input: one [`Facts`] per family that has per-set
/// rules. Adding such a family means adding its facts here.
#[derive(Clone, Debug, Default)]
pub struct SetIndex {
    pub irsa: irsa::support::facts::IrsaFacts,
    pub lbc: lbc::support::facts::LbcFacts,
    pub csi: csi::support::facts::CsiFacts,
    /// The kustomization.yaml files of the input: the namespaces they give the files they list.
    pub kustomizations: Vec<Kustomization>,
    pub karp: karp::support::facts::KarpFacts,
    pub fargate: fargate::support::facts::FargateFacts,
    pub port: port::support::facts::PortFacts,
    pub schema: schema::support::facts::SchemaFacts,
    /// Documents missing `apiVersion` or `kind` (YAML006 reports those that are not patches).
    pub shape_gaps: Vec<crate::index::ShapeGap>,
}

impl SetIndex {
    /// The facts of one file.
    pub fn of_file(file: &ParsedFile) -> SetIndex {
        let mut index = SetIndex::default();
        index.kustomizations.extend(Kustomization::of_file(file));
        index.shape_gaps = crate::index::ShapeGap::of_file(file);
        let tree = &file.tree;
        for o in &file.objects {
            if o.kind_of == ekslint_manifest::ObjectKind::List {
                continue;
            }
            if o.api_version(tree).is_none() || o.kind_str(tree).is_none() {
                continue;
            }
            index.irsa.collect(file, o);
            index.lbc.collect(file, o);
            index.csi.collect(file, o);
            index.karp.collect(file, o);
            index.fargate.collect(file, o);
            index.port.collect(file, o);
            index.schema.collect(file, o);
        }
        index
    }

    /// Merge another file's facts into this index.
    pub fn append(&mut self, other: &mut SetIndex) {
        self.irsa.append(&mut other.irsa);
        self.lbc.append(&mut other.lbc);
        self.csi.append(&mut other.csi);
        self.karp.append(&mut other.karp);
        self.fargate.append(&mut other.fargate);
        self.port.append(&mut other.port);
        self.schema.append(&mut other.schema);
        self.kustomizations.append(&mut other.kustomizations);
        self.shape_gaps.append(&mut other.shape_gaps);
    }

    /// Once every file is merged: give every object the namespace of the kustomization that
    /// lists its file.
    pub fn settle(&mut self) {
        let map = NamespaceMap::new(&self.kustomizations);
        self.irsa.settle(&map);
        self.lbc.settle(&map);
        self.csi.settle(&map);
        self.karp.settle(&map);
        self.fargate.settle(&map);
        self.port.settle(&map);
    }
}

/// Every table under `rules/`, each with its typed load. Adding a table means adding it here; a
/// test fails for a file under `rules/` that is not listed.
pub static TABLES: &[TableCheck] = &[
    table_check::<api::support::table::TableFile>(api::support::table::TABLE_FILE),
    table_check::<api::support::addons::AddonsFile>(api::support::addons::ADDONS_TABLE),
    table_check::<auth::support::AuthTable>(auth::support::TABLE_FILE),
    table_check::<crate::support::aws::PartitionsFile>(crate::support::aws::PARTITIONS_TABLE),
    table_check::<csi::support::table::DriversFile>(csi::support::table::DRIVERS_TABLE),
    table_check::<csi::support::table::InTreeFile>(csi::support::table::IN_TREE_TABLE),
    table_check::<fargate::support::table::FargateFile>(fargate::support::table::FARGATE_TABLE),
    table_check::<crate::version::EksCalendar>(crate::version::EKS_VERSIONS),
    table_check::<irsa::support::Table>(irsa::support::TABLE_FILE),
    table_check::<karp::support::table::KarpenterFile>(karp::support::table::KARPENTER_TABLE),
    table_check::<karp::support::table::CelFile>(karp::support::table::CEL_TABLE),
    table_check::<lbc::support::catalog::Catalog>(lbc::support::catalog::CATALOG_TABLE),
    table_check::<lbc::support::catalog::SslPolicies>(lbc::support::catalog::SSL_POLICIES_TABLE),
    table_check::<port::support::table::AnnotationsFile>(port::support::table::ANNOTATIONS_TABLE),
    table_check::<port::support::table::PlatformFile>(port::support::table::PLATFORM_TABLE),
    table_check::<port::support::table::RegistriesFile>(port::support::table::REGISTRIES_TABLE),
    table_check::<port::support::table::SchedulingFile>(port::support::table::SCHEDULING_TABLE),
    table_check::<port::support::table::StorageFile>(port::support::table::STORAGE_TABLE),
    table_check::<ekslint_schema::builtin::ClosedSets>(crate::data::Table {
        path: "rules/schema/closed-sets.yaml",
        text: ekslint_schema::builtin::CLOSED_SETS,
    }),
    table_check::<ekslint_schema::builtin::UniqueKeys>(crate::data::Table {
        path: "rules/schema/unique-keys.yaml",
        text: ekslint_schema::builtin::UNIQUE_KEYS,
    }),
];

/// A rule by code or kebab name (case-insensitive code).
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| {
        let i = r.info();
        i.code.eq_ignore_ascii_case(code_or_name) || i.name == code_or_name
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use ekslint_manifest::{NodeKind, Tree};

    use super::TABLES;

    /// Every YAML file under `rules/`, but the upstream CRDs under `rules/schema/crds/`: those
    /// are restated from upstream, not tables of ours (ekslint_schema's tests compile each).
    fn table_files() -> BTreeSet<String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
        let mut out = BTreeSet::new();
        let mut dirs = vec![std::path::PathBuf::from(root).join("rules")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    if !p.ends_with("schema/crds") {
                        dirs.push(p);
                    }
                } else if p.extension().is_some_and(|x| x == "yaml") {
                    let rel = p
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.insert(rel);
                }
            }
        }
        out
    }

    #[test]
    fn every_table_is_listed_and_loads() {
        let listed: BTreeSet<String> = TABLES.iter().map(|t| t.table.path.to_string()).collect();
        assert_eq!(
            listed,
            table_files(),
            "list every table under rules/ in TABLES"
        );
        for t in TABLES {
            if let Err(e) = (t.check)(t.table.path, t.table.text) {
                panic!("{e}");
            }
        }
    }

    /// Map keys whose names are data, not the table's schema: misspelling one is a different
    /// key, which the table's own tests judge.
    const FREE_KEYS: &[&str] = &["drivers[].iops_limits"];

    /// The key nodes of every map, with their path pattern (`apis[].fields[].path`).
    fn keys(
        tree: &Tree,
        root: ekslint_manifest::NodeId,
    ) -> Vec<(String, ekslint_manifest::NodeId)> {
        let mut out = Vec::new();
        let mut stack = vec![(root, String::new())];
        while let Some((n, path)) = stack.pop() {
            match tree.node(n).kind {
                NodeKind::Map(entries) => {
                    for e in entries {
                        let k = tree.scalar_text(e.key).unwrap_or("");
                        let p = if path.is_empty() {
                            k.to_string()
                        } else {
                            format!("{path}.{k}")
                        };
                        if !FREE_KEYS.contains(&path.as_str()) {
                            out.push((p.clone(), e.key));
                        }
                        stack.push((e.value, p));
                    }
                }
                NodeKind::Seq(items) => {
                    for i in items {
                        stack.push((*i, format!("{path}[]")));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// A misspelt or unknown key anywhere in any table fails its load, and the error points at
    /// the key's line. Every key pattern of every table is tried once.
    #[test]
    fn a_misspelt_key_in_any_table_fails_with_its_position() {
        let mut tried = 0;
        for t in TABLES {
            let (path, text) = (t.table.path, t.table.text);
            let file = ekslint_manifest::parse_str(path, text);
            let root = file.documents[0].root.unwrap();
            let mut seen = BTreeSet::new();
            for (pattern, key) in keys(&file.tree, root) {
                if !seen.insert(pattern.clone()) {
                    continue;
                }
                let span = file.tree.span(key);
                let name = file.tree.scalar_text(key).unwrap();
                assert_eq!(&text[span.range()], name, "{path}: keys are plain scalars");
                let mutated = format!(
                    "{}{name}_X{}",
                    &text[..span.start as usize],
                    &text[span.end as usize..]
                );
                let err = (t.check)(path, &mutated)
                    .err()
                    .unwrap_or_else(|| panic!("{path}: misspelling `{pattern}` still loads"));
                let line = file.source.line_col(span.start).line;
                assert_eq!(err.line, line, "{path}: `{pattern}`: {err}");
                tried += 1;
            }
        }
        assert!(tried > 100, "{tried} keys tried");
    }

    /// The acceptance case: `removed_in` renamed in the API table used to drop API001 to API002.
    #[test]
    fn renaming_removed_in_fails_the_api_table() {
        let t = &TABLES[0];
        let text = t.table.text.replacen("removed_in:", "removed_In:", 1);
        let err = (t.check)(t.table.path, &text).unwrap_err();
        assert!(err.message.contains("unknown field `removed_In`"), "{err}");
        assert!(err.key.starts_with("apis[0]."), "{err}");
    }
}
