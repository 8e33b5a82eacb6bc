//! LBC: the AWS Load Balancer Controller's annotations, Ingresses, Services and CRDs.
//!
//! Knowledge lives in `rules/lbc/annotations.yaml` (the annotation catalog) and
//! `rules/lbc/ssl-policies.yaml`; [`catalog`] loads them, [`parse`] and [`json`] parse values the
//! way the controller does.

pub mod support;

pub mod lbc_annotation_wrong_kind;
pub mod lbc_auto_mode_unsupported;
pub mod lbc_backend_not_found;
pub mod lbc_crd_schema;
pub mod lbc_deprecated;
pub mod lbc_group_conflict;
pub mod lbc_group_invalid;
pub mod lbc_health_check_range;
pub mod lbc_ingress_class;
pub mod lbc_instance_target_cluster_ip;
pub mod lbc_internet_facing_unrestricted;
pub mod lbc_invalid_value;
pub mod lbc_service_not_reconciled;
pub mod lbc_ssl_redirect_without_https;
pub mod lbc_unknown_annotation;
pub mod lbc_unknown_ssl_policy;
pub mod lbc_use_annotation_without_action;
pub mod lbc_wildcard_prefix_path;
