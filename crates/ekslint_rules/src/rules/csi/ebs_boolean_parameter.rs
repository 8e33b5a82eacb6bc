use ekslint_manifest::Object;

use super::support::table::ParamKind;
use super::support::{Driver, StorageClass, quoted};
use crate::context::FileCtx;
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::rule::Rule;
use crate::support::quotes::curly_quoted;

declare_rule! {
    /// ## What it does
    /// Reports an EBS CSI boolean StorageClass parameter (`encrypted`,
    /// `allowAutoIOPSPerGBIncrease`, `allowAutoIOPSIncreaseOnModify`, `ext4BigAlloc`,
    /// `ext4EncryptionSupport`, `blockAttachUntilInitialized`) whose value is not exactly
    /// `"true"` or `"false"`.
    ///
    /// ## Why is this bad?
    /// The EBS CSI driver compares the value with the exact string `true`; anything else, `True`,
    /// `TRUE`, `1`, `yes`, is **silently false**. `encrypted: "True"` creates unencrypted volumes
    /// with no error anywhere. (The EFS and FSx drivers use Go's `ParseBool`, where `True` works,
    /// which makes the habit easy to pick up.)
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: encrypted-gp3
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   encrypted: "True"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: encrypted-gp3
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   encrypted: "true"
    /// ```
    ///
    /// ## Fix safety
    /// Replacing a differently-cased `true`/`false` with the lowercase word is what the author
    /// meant: safe. Rewriting `1`, `yes` or `on` guesses the intent: unsafe. Either way only new
    /// volumes change; existing volumes keep how they were created.
    ///
    /// ## References
    /// - `isTrue`: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/429e202e589798e55c0f8ddcc81b2850b7f000d0/pkg/driver/controller.go#L1340-L1342>
    /// - Parameter loop: <https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/429e202e589798e55c0f8ddcc81b2850b7f000d0/pkg/driver/controller.go#L141-L229>
    pub struct EbsBooleanParameter {
        code: "CSI002",
        name: "ebs-boolean-parameter",
        family: Csi,
        severity: Error,
        fix: Sometimes,
        safety: Mixed,
        summary: "An EBS CSI boolean parameter that is not exactly \"true\" or \"false\" (the driver reads it as false)",
        security_severity: "7.5",
    }
}

impl Rule for EbsBooleanParameter {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        let Some(sc) = StorageClass::of_driver(tree, obj, Driver::Ebs) else {
            return;
        };
        for p in &sc.params {
            let Some(row) = Driver::Ebs.row().param(p.key) else {
                continue;
            };
            if row.kind != ParamKind::BoolExact {
                continue;
            }
            let text = tree.scalar_text(p.value_node);
            if matches!(text, Some("true" | "false")) {
                continue; // quoted: fine; unquoted: CSI001 asks for quotes.
            }
            let span = tree.span(p.value_node);
            let shown = text.unwrap_or("");
            let bare = text.map(|t| curly_quoted(t).unwrap_or(t)).unwrap_or("");
            let lower = bare.to_ascii_lowercase();
            let meant = match lower.as_str() {
                "true" => Some((true, true)),
                "false" => Some((false, true)),
                "1" | "t" | "yes" | "y" | "on" => Some((true, false)),
                "0" | "f" | "no" | "n" | "off" => Some((false, false)),
                _ => None,
            };
            let key = row.key.as_str();
            let consequence = if key == "encrypted" {
                "so volumes of this class are created UNENCRYPTED".to_string()
            } else {
                format!("so `{key}` is off")
            };
            let f = ctx.report(
                span,
                format!(
                    "`{}: {}` is read as false: the EBS CSI driver treats only the exact lowercase string \"true\" as true, {consequence}",
                    p.key,
                    quoted(shown)
                ),
            );
            match meant {
                Some((b, safe)) => {
                    let word = if b { "true" } else { "false" };
                    f.label(format!("write \"{word}\""));
                    f.help(format!("replace the value with {}", quoted(word)));
                    f.fix(Fix {
                        title: format!("replace `{shown}` with {}", quoted(word)),
                        edits: vec![Edit {
                            span,
                            replacement: quoted(word),
                        }],
                        applicability: if safe {
                            Applicability::Safe
                        } else {
                            Applicability::Unsafe
                        },
                    });
                }
                None => {
                    f.label("not \"true\" or \"false\"");
                    f.help("write \"true\" or \"false\"");
                }
            }
        }
    }
}
