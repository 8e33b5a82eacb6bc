//! Portability rules: what a manifest written for GKE, AKS, OpenShift, MetalLB or a
//! self-managed cluster carries that EKS ignores, rejects or cannot serve: load balancer
//! annotations and classes, kinds, workload identity, node labels and zones, accelerators,
//! storage drivers and classes, the Docker runtime, and image registries.

pub mod cluster_internal_registry;
pub mod deprecated_node_label;
pub mod docker_data_mount;
pub mod docker_hub_rate_limit;
pub mod docker_socket_mount;
pub mod foreign_accelerator;
pub mod foreign_annotation;
pub mod foreign_class;
pub mod foreign_csi_driver;
pub mod foreign_kind;
pub mod foreign_leftover;
pub mod foreign_load_balancer_exposure;
pub mod foreign_node_label;
pub mod foreign_storage_class_name;
pub mod foreign_workload_identity;
pub mod foreign_zone;
pub mod frozen_registry;
pub mod ingress_without_class;
pub mod load_balancer_ip;
pub mod load_balancer_scheme_implicit;
pub mod local_dev_provisioner;
pub mod network_policy_enforcement;
pub mod network_policy_port_limit;
pub mod private_cluster_registry;
pub mod registry_needs_credentials;
pub mod support;
