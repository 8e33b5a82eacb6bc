use ekslint_manifest::{Entry, NodeId, Object, ParsedFile, Tree};

use crate::context::{FileCtx, SetCtx};
use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::index::Loc;
use crate::rule::Rule;
use crate::support::edit::{At, Editor, Item, New, Result};

use super::support::catalog::CATALOG;
use super::support::facts::{ClassAnnotationFact, ClassFact, LbcFacts};
use super::support::{SvcController, TARGET_TYPE_KEY, TYPE_KEY};

declare_rule! {
    /// ## What it does
    /// Reports deprecated load balancer controller annotations and values, with the replacement:
    /// `kubernetes.io/ingress.class` on an ALB Ingress (value `alb`, or ALB annotations; use
    /// `spec.ingressClassName`),
    /// `alb.ingress.kubernetes.io/web-acl-id`, and on Services the controller reconciles
    /// `aws-load-balancer-internal`, `aws-load-balancer-access-log-*` and
    /// `aws-load-balancer-cross-zone-load-balancing-enabled`; and the value `nlb-ip` of
    /// `service.beta.kubernetes.io/aws-load-balancer-type`; the IngressClassParams field
    /// `spec.PrefixListsIDs` (use `spec.prefixListsIDs`).
    ///
    /// Service keys the legacy in-tree cloud provider also reads are only reported when the
    /// Service is selected for the controller (`spec.loadBalancerClass: service.k8s.aws/nlb` or
    /// `aws-load-balancer-type: external`/`nlb-ip`): for the in-tree provider they are current.
    ///
    /// ## Why is this bad?
    /// The deprecated forms still work today but are kept only for compatibility: the
    /// `kubernetes.io/ingress.class` annotation can be forbidden by the controller flag
    /// `--disable-ingress-class-annotation`, the deprecated Service keys silently override the
    /// `aws-load-balancer-attributes` they were replaced by, and `nlb-ip` is documented as legacy.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip
    ///     service.beta.kubernetes.io/aws-load-balancer-internal: "true"
    /// spec:
    ///   type: LoadBalancer
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    ///     service.beta.kubernetes.io/aws-load-balancer-scheme: internal
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerClass: service.k8s.aws/nlb
    /// ```
    ///
    /// ## Fix safety
    /// Three of the findings have a fix with one replacement; the others (the deprecated Service
    /// keys and `web-acl-id`) are replaced by values that have to be composed, and have none.
    ///
    /// - `spec.PrefixListsIDs` is renamed to `spec.prefixListsIDs` when that is not set already:
    ///   **safe**. The controller reads either the same way, the new one first; the schema
    ///   rejects both together. (`prefixListsIDs` came with v2.14.0; v2.13 knew only the old
    ///   name.)
    /// - `kubernetes.io/ingress.class: <class>` on an Ingress without `spec.ingressClassName`
    ///   is removed and `ingressClassName: <class>` goes first in `spec`, when an IngressClass
    ///   of that name with `spec.controller: ingress.k8s.aws/alb` is in the input (`annotations`
    ///   goes too when it held only that key). With `spec.ingressClassName` already naming the
    ///   same class, the annotation is removed. The controller lets the annotation win over
    ///   the field: it matches its value against its `--ingress-class` flag (default `alb`) and
    ///   then reads no IngressClass and no IngressClassParams; through the field it loads the
    ///   class, checks its controller and applies its parameters. So the fix is **safe** for
    ///   class `alb` whose IngressClass has no `spec.parameters`, and **unsafe** when the class
    ///   has parameters (they start to apply: scheme, group, subnets, tags…), when the class
    ///   is not `alb` (the annotation selected the Ingress only for a controller started with
    ///   that `--ingress-class`), or when only the field names it and the IngressClass is not in
    ///   the input. No fix is offered when the class is not in the input and the field is
    ///   absent (create the IngressClass first), when the class in the input belongs to another
    ///   controller, or when the field names another class than the annotation.
    /// - `aws-load-balancer-type: nlb-ip` becomes `external` and
    ///   `aws-load-balancer-nlb-target-type: ip` is added after it (only the type changes when
    ///   the target type is already `ip`; with another target type there is no fix: `nlb-ip`
    ///   registers IP targets whatever it says, so the intended type is unclear). The controller
    ///   treats the two forms alike since v2.2.0, where `external` appeared (its docs: "treats it
    ///   as if you specified both"): the Service is selected the same way, the targets are IPs,
    ///   and the scheme is found the same way (the `aws-load-balancer-scheme` annotation, else
    ///   the existing load balancer's scheme, else `--default-load-balancer-scheme`, `internal`).
    ///   The scheme default did change for `nlb-ip` itself, from `internet-facing` in v2.0–v2.1
    ///   to `internal` in v2.2.0, but not between the two values, so the fix adds no scheme:
    ///   `internet-facing` would expose a new Service that the controller makes internal today.
    ///   The fix is nevertheless **unsafe**: the docs say not to add or modify
    ///   `aws-load-balancer-type` on an existing Service ("can result in misconfigured resources,
    ///   such as leaked AWS resources"), a controller older than v2.2.0 ignores `external`, and
    ///   with the `EnableIPTargetType` feature gate turned off (v2.5.0+) the controller rejects
    ///   `nlb-target-type: ip`, which `nlb-ip` bypassed.
    ///
    /// ## References
    /// - Service annotations (legacy and deprecated keys): <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/annotations.md>
    /// - `nlb-ip` compatibility and the type annotation's limitations: kubernetes-sigs/aws-load-balancer-controller `docs/guide/service/nlb.md`; the selection and target type: `pkg/service/service_utils.go`, `pkg/service/model_build_target_group.go`; the scheme: `pkg/service/model_build_load_balancer.go` (`buildLoadBalancerScheme`), at 225f44568848eb25f13e304a5f1cc68c0cd9415d, and at v2.1.3 and v2.2.0 for the change of default
    /// - IngressClass: <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/ingress/ingress_class.md>; the annotation's precedence: `pkg/ingress/group_loader.go` (`classifyIngress`), `pkg/ingress/class_loader.go`, `pkg/ingress/class_annotation_matcher.go`
    /// - `PrefixListsIDs`: `apis/elbv2/v1beta1/ingressclassparams_types.go`, `pkg/ingress/model_build_listener.go`
    /// - The catalog (`deprecated` of each key): `rules/lbc/annotations.yaml`
    pub struct LbcDeprecated {
        code: "LBC003",
        name: "lbc-deprecated",
        family: Lbc,
        severity: Warning,
        fix: Sometimes,
        safety: Mixed,
        summary: "A deprecated load balancer controller annotation or value, with its replacement",
    }
}

impl Rule for LbcDeprecated {
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {
        let tree = ctx.tree();
        if obj.kind_str(tree) == Some("IngressClassParams")
            && obj.group(tree) == "elbv2.k8s.aws"
            && let Some(spec) = obj.get(tree, &["spec"])
            && let Some(e) = tree.get_entry(spec, "PrefixListsIDs")
        {
            let both = tree.get_entry(spec, "prefixListsIDs").is_some();
            let edits = (!both)
                .then(|| {
                    let mut ed = Editor::new(ctx.file, obj.node);
                    ed.rename(e, "prefixListsIDs").ok()?;
                    ed.finish().ok()
                })
                .flatten();
            let f = ctx.report(
                tree.span(e.key),
                "`spec.PrefixListsIDs` is deprecated: use `spec.prefixListsIDs`",
            );
            f.label("deprecated field");
            if both {
                f.help("remove `PrefixListsIDs`: `prefixListsIDs` is set too, and the IngressClassParams schema rejects both");
            }
            if let Some(edits) = edits {
                f.fix(Fix {
                    title: "rename to `prefixListsIDs`".to_string(),
                    edits,
                    applicability: Applicability::Safe,
                });
            }
        }
        let Some(kind) = super::support::lbc_kind(tree, obj) else {
            return;
        };
        let ctl = (kind == "Service").then(|| super::support::service_controller(tree, obj));
        for a in super::support::annotations(tree, obj) {
            if kind == "Ingress" && a.key == CATALOG.ingress_class_annotation.key {
                // Reported by the per-set pass, which knows the input's IngressClasses.
                continue;
            }
            if a.key == TYPE_KEY && a.value == Some("nlb-ip") {
                let (fix, help) = nlb_ip_fix(ctx.file, obj);
                let f = ctx.report(
                    a.value_span,
                    "`aws-load-balancer-type: nlb-ip` is deprecated: use `external` with `aws-load-balancer-nlb-target-type: ip`, or `spec.loadBalancerClass: service.k8s.aws/nlb`",
                );
                f.label("deprecated value").help(help);
                if let Some(fix) = fix {
                    f.fix(fix);
                }
                continue;
            }
            let Some(row) = super::support::row_of(a.key) else {
                continue;
            };
            let Some(replacement) = &row.deprecated else {
                continue;
            };
            if !row.reads(kind) {
                continue;
            }
            if row.is_service_key()
                && !matches!(
                    ctl,
                    Some(SvcController::Lbc | SvcController::ExternalUnselected)
                )
            {
                continue;
            }
            ctx.report(
                a.key_span,
                format!("`{}` is deprecated: use {replacement}", a.key),
            )
            .label("deprecated annotation");
        }
    }

    fn check_set(&self, ctx: &mut SetCtx<'_>) {
        let facts = &ctx.index.lbc;
        for c in &facts.class_annotations {
            let (help, fix) = class_annotation_help_and_fix(facts, c);
            let f = ctx.report(
                c.key_loc.file.clone(),
                c.key_loc.span,
                format!(
                    "`{}` is deprecated: use `spec.ingressClassName` naming an IngressClass whose controller is `ingress.k8s.aws/alb`",
                    c.key
                ),
            );
            f.label("deprecated annotation");
            if let Some(help) = help {
                f.help(help);
            }
            if let Some(fix) = fix {
                f.fix(fix);
            }
        }
    }
}

/// The IngressClass controller of the AWS Load Balancer Controller (not EKS Auto Mode's): the
/// one that read the annotation.
fn lbc_controller() -> &'static str {
    CATALOG
        .alb_controllers
        .iter()
        .find(|c| !c.auto_mode)
        .map_or("ingress.k8s.aws/alb", |c| c.controller.as_str())
}

const UNSAFE_NLB_IP: &str = "the controller's documentation asks not to modify `aws-load-balancer-type` on an existing Service";

/// The fix of `aws-load-balancer-type: nlb-ip`, and the finding's help.
fn nlb_ip_fix(file: &ParsedFile, obj: &Object) -> (Option<Fix>, String) {
    let tree = &file.tree;
    let want = "set `service.beta.kubernetes.io/aws-load-balancer-type: external` and `service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`";
    let Some(map) = obj.get(tree, &["metadata", "annotations"]) else {
        return (None, want.to_string());
    };
    let target = tree.get_entry(map, TARGET_TYPE_KEY);
    if let Some(t) = target
        && tree.as_str(t.value) != Some("ip")
    {
        let shown = tree.scalar_text(t.value).unwrap_or("");
        return (
            None,
            format!(
                "{want}; no fix is offered: `nlb-ip` registers targets by IP whatever `aws-load-balancer-nlb-target-type` says, and with `external` its `{shown}` would take effect: choose the target type"
            ),
        );
    }
    let edits = (|| -> Option<Vec<Edit>> {
        let ty = tree.get_entry(map, TYPE_KEY)?;
        let mut ed = Editor::new(file, obj.node);
        let done: Result = (|| {
            ed.set(ty.value, New::str("external"))?;
            if target.is_none() {
                ed.insert(
                    map,
                    At::After(ty),
                    Item::new(TARGET_TYPE_KEY, New::str("ip")),
                )?;
            }
            Ok(())
        })();
        done.ok()?;
        ed.finish().ok()
    })();
    let help = format!("{want}; the fix (`--fix --unsafe-fixes`) does it, but {UNSAFE_NLB_IP}");
    let fix = edits.map(|edits| Fix {
        title: format!("use `external` with `nlb-target-type: ip` ({UNSAFE_NLB_IP})"),
        edits,
        applicability: Applicability::Unsafe,
    });
    match fix {
        Some(f) => (Some(f), help),
        None => (None, want.to_string()),
    }
}

/// The `kubernetes.io/ingress.class` annotations of an ALB Ingress (value `alb`, or ALB
/// annotations; another controller's class is not ours to judge), for the per-set pass: the
/// facts call this for every object.
pub fn class_annotations(file: &ParsedFile, obj: &Object) -> Vec<ClassAnnotationFact> {
    let tree = &file.tree;
    if super::support::lbc_kind(tree, obj) != Some("Ingress") {
        return Vec::new();
    }
    let anns = super::support::annotations(tree, obj);
    let key = CATALOG.ingress_class_annotation.key.as_str();
    let found: Vec<_> = anns.iter().filter(|a| a.key == key).collect();
    if found.is_empty() {
        return Vec::new();
    }
    let alb_annotations = anns
        .iter()
        .any(|a| a.key.starts_with(super::support::catalog::INGRESS_PREFIX));
    let field_node = obj.get(tree, &["spec", "ingressClassName"]);
    let field = field_node.and_then(|n| tree.as_str(n));
    let mut out = Vec::new();
    for a in &found {
        let value = a.value.unwrap_or("");
        if value != "alb" && !alb_annotations {
            continue;
        }
        // One annotation (not a duplicated key), a class named, and the field absent or equal.
        let movable =
            found.len() == 1 && !value.is_empty() && (field_node.is_none() || field == Some(value));
        let edits = movable
            .then(|| move_class_edits(file, obj, tree, value, field_node.is_none()))
            .flatten();
        out.push(ClassAnnotationFact {
            key: a.key.into(),
            key_loc: Loc::new(&file.source, a.key_span),
            value: value.into(),
            has_field: field_node.is_some(),
            field: field.map(Into::into),
            edits,
        });
    }
    out
}

/// Remove the annotation (and `annotations` with it when it was the only one) and, with
/// `insert`, put `ingressClassName: <value>` first in `spec`.
fn move_class_edits(
    file: &ParsedFile,
    obj: &Object,
    tree: &Tree,
    value: &str,
    insert: bool,
) -> Option<Vec<Edit>> {
    let key = CATALOG.ingress_class_annotation.key.as_str();
    let meta = obj.get(tree, &["metadata"])?;
    let anns: Entry = tree.get_entry(meta, "annotations")?;
    let entry = tree.get_entry(anns.value, key)?;
    let spec: Option<NodeId> = obj.get(tree, &["spec"]);
    let mut ed = Editor::new(file, obj.node);
    let done: Result = (|| {
        let only = tree.entries(anns.value).is_some_and(|e| e.len() == 1);
        let meta_len = tree.entries(meta).map_or(0, <[Entry]>::len);
        if only && meta_len > 1 {
            ed.remove(meta, anns)?;
        } else {
            ed.remove(anns.value, entry)?;
        }
        if insert {
            let Some(spec) = spec else {
                return Err(crate::support::edit::Refused("no spec".to_string()));
            };
            let at = match tree.entries(spec) {
                Some([first, ..]) => At::Before(*first),
                _ => At::End,
            };
            ed.insert(spec, at, Item::new("ingressClassName", New::str(value)))?;
        }
        Ok(())
    })();
    done.ok()?;
    ed.finish().ok()
}

/// The help and the fix of one `kubernetes.io/ingress.class` finding, once the input's
/// IngressClasses are known.
fn class_annotation_help_and_fix(
    facts: &LbcFacts,
    c: &ClassAnnotationFact,
) -> (Option<String>, Option<Fix>) {
    let v = &*c.value;
    let alb = lbc_controller();
    let class = (!v.is_empty()).then(|| facts.class(v)).flatten();
    let foreign = class.and_then(|k| {
        let ctl = k.controller.as_ref().map_or("", |(c, _)| &**c);
        (ctl != alb).then_some(ctl)
    });
    let equal = c.field.as_deref() == Some(v);
    let (mut help, what) = if c.has_field {
        let h = "remove the annotation: it overrides `spec.ingressClassName`, and the API server rejects an Ingress created with both".to_string();
        if !equal {
            return (Some(h), None);
        }
        (h, "removes it")
    } else if v.is_empty() {
        return (None, None);
    } else {
        (
            format!("replace it with `spec.ingressClassName: {v}`"),
            "does it",
        )
    };
    if let Some(ctl) = foreign {
        let ctl = if ctl.is_empty() { "none" } else { ctl };
        help.push_str(&format!(
            "; no fix is offered: IngressClass `{v}` in the input has controller `{ctl}`, not `{alb}`, and would take the Ingress over"
        ));
        return (Some(help), None);
    }
    if class.is_none() && !c.has_field {
        help.push_str(&format!(
            " and create an IngressClass `{v}` with `spec.controller: {alb}`: the input has none, so no fix is offered"
        ));
        return (Some(help), None);
    }
    let Some(edits) = c.edits.clone() else {
        return (Some(help), None);
    };
    let reasons = class_reasons(facts, class, v);
    let applicability = if reasons.is_empty() {
        Applicability::Safe
    } else {
        help.push_str(&format!(
            "; the fix (`--fix --unsafe-fixes`) {what}, but {}",
            reasons.join("; ")
        ));
        Applicability::Unsafe
    };
    let mut title = if c.has_field {
        "remove the annotation".to_string()
    } else {
        format!("move it to `spec.ingressClassName: {v}`")
    };
    if !reasons.is_empty() {
        title.push_str(&format!(" ({})", reasons.join("; ")));
    }
    (
        Some(help),
        Some(Fix {
            title,
            edits,
            applicability,
        }),
    )
}

/// Why moving from the annotation to the IngressClass `v` changes what the controller does.
fn class_reasons(facts: &LbcFacts, class: Option<&ClassFact>, v: &str) -> Vec<String> {
    let alb = lbc_controller();
    let mut out = Vec::new();
    match class {
        None => out.push(format!(
            "no IngressClass `{v}` is in the input: without the annotation the controller reconciles the Ingress only if that class exists with controller `{alb}`"
        )),
        Some(k) => {
            if let Some(p) = &k.params {
                let known = facts.params_of(k).is_some();
                out.push(format!(
                    "IngressClass `{v}` has parameters (IngressClassParams `{}`{}): the controller applies them to an Ingress that names the class, not to one the annotation selects",
                    p.name,
                    if known { "" } else { ", not in the input" }
                ));
            }
        }
    }
    if v != "alb" {
        out.push(format!(
            "the annotation selected the Ingress only for a controller started with `--ingress-class={v}` (the default is `alb`), the IngressClass selects it for every `{alb}` controller"
        ));
    }
    out
}
