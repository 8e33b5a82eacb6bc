use crate::context::SetCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports every StorageClass after the first that carries
    /// `storageclass.kubernetes.io/is-default-class: "true"`, with a related label on the first.
    ///
    /// ## Why is this bad?
    /// With several default classes, Kubernetes gives a claim without `storageClassName` the
    /// most recently created default: which class (and which driver) a claim gets depends on
    /// install order. Common after adding an `ebs.csi.aws.com` default next to a migrated `gp2`
    /// default: remove the annotation from the old class.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp2
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "true"
    /// provisioner: kubernetes.io/aws-ebs
    /// ---
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "true"
    /// provisioner: ebs.csi.aws.com
    /// ```
    ///
    /// ## Use instead
    /// Keep the annotation on one class only (`"false"` or no annotation on the others).
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp2
    /// provisioner: kubernetes.io/aws-ebs
    /// ---
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "true"
    /// provisioner: ebs.csi.aws.com
    /// ```
    ///
    /// ## References
    /// - Default StorageClass: <https://kubernetes.io/docs/concepts/storage/storage-classes/#default-storageclass>
    pub struct MultipleDefaultClasses {
        code: "CSI019",
        name: "multiple-default-classes",
        family: Csi,
        severity: Warning,
        fix: None,
        summary: "More than one StorageClass of the input is marked as the default",
    }
}

impl Rule for MultipleDefaultClasses {
    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.csi;
        let defaults: Vec<_> = facts.defaults().collect();
        let Some(first) = defaults.first() else {
            return;
        };
        let mut out = Vec::new();
        for c in defaults.iter().skip(1) {
            if c.name == first.name {
                continue; // the same class defined twice (variants of one manifest)
            }
            out.push((*c).clone());
        }
        for c in out {
            let at = c.default_loc.clone().unwrap_or_else(|| c.loc.clone());
            let first_at = first
                .default_loc
                .clone()
                .unwrap_or_else(|| first.loc.clone());
            ctx.report(
                at.file.clone(),
                at.span,
                format!(
                    "StorageClass `{}` is marked default, and so is `{}`: claims without storageClassName get whichever default was created last",
                    c.name, first.name
                ),
            )
            .label("second default class")
            .related(first_at.file, first_at.span, format!("`{}` is also the default", first.name))
            .help("keep `storageclass.kubernetes.io/is-default-class: \"true\"` on one class only");
        }
    }
}
