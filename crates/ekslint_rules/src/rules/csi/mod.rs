//! CSI storage rules: StorageClasses of the EBS, EFS and FSx for Lustre CSI drivers, in-tree
//! provisioners and volume sources, static PersistentVolumes, and claims resolved against classes.

pub mod support;

pub mod claim_storageclass_missing;
pub mod claim_without_default_class;
pub mod ebs_binding_mode;
pub mod ebs_boolean_parameter;
pub mod ebs_filesystem_options;
pub mod ebs_parameter_range;
pub mod ebs_volume_type;
pub mod efs_static_volume;
pub mod efs_storageclass_invalid;
pub mod efs_storageclass_risky;
pub mod fargate_volume;
pub mod fsx_lustre_invalid;
pub mod in_tree_migrated;
pub mod in_tree_provisioner;
pub mod in_tree_volume_source;
pub mod multiple_default_classes;
pub mod storage_advice;
pub mod storageclass_invalid_parameter;
pub mod volume_access_mode;
