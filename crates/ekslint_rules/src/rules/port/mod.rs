//! Portability rules: what a manifest written for GKE, AKS, OpenShift, MetalLB or a
//! self-managed cluster carries that EKS ignores, rejects or cannot serve: load balancer
//! annotations and classes, kinds, workload identity, node labels and zones, accelerators,
//! storage drivers and classes, the Docker runtime, and image registries.

pub mod support;
