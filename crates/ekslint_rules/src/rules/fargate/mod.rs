//! FARGATE rules: what Fargate on EKS does not run (DaemonSets, privileged containers, the host
//! network, GPUs, Arm and Windows), its size and storage limits, load-balancer targets, its log
//! router's configuration and IMDS; and the other compute limits of EKS that decide whether a
//! pod gets what it asks for: security groups for pods. A pod is on Fargate when its own
//! `eks.amazonaws.com/compute-type: fargate` selector says so or a Fargate profile declared in
//! `.ekslint.yaml` selects it; otherwise these rules stay silent. Volumes on Fargate are
//! CSI008's, which reads the same placement.

pub mod support;

pub mod fargate_budget_blocks_patching;
pub mod fargate_daemonset;
pub mod fargate_daemonset_tolerates_fargate;
pub mod fargate_ephemeral_storage;
pub mod fargate_gpu;
pub mod fargate_host_network;
pub mod fargate_imds;
pub mod fargate_instance_target;
pub mod fargate_job_ttl;
pub mod fargate_logging_config;
pub mod fargate_pod_too_large;
pub mod fargate_privileged;
pub mod fargate_size_step_up;
pub mod fargate_unsupported_node_selector;
pub mod pod_security_group_annotation;
pub mod security_group_policy_invalid;
pub mod security_group_policy_pod;
