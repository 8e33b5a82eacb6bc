//! The annotation catalog (`rules/lbc/annotations.yaml`): lookup of a key, templated families,
//! and "did you mean" suggestions.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::support::suggest::{distance, is_typo_of, max_distance};

/// How the controller parses a value.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    String,
    Bool,
    Int32,
    Int64,
    Enum,
    List,
    Map,
    Json,
    Hcport,
    Codes,
}

/// Format of each item of a list value.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Items {
    Cidr,
    Pl,
    Eip,
    AcmArn,
    Int,
    Ipv4,
    Ipv6,
    NatPrefix,
    Subnet,
    Sg,
}

/// Rule for the values of a `k=v` map.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum MapRule {
    Capacity,
    PortMap,
}

/// JSON shapes.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum JsonShape {
    ListenPorts,
    Action,
    Conditions,
    Transforms,
    Cognito,
    Oidc,
    Jwt,
    Mtls,
    SvcAction,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RangeBy {
    Controller,
    Aws,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Hc {
    Interval,
    Timeout,
    Threshold,
}

/// One annotation (or templated family of annotations).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub key: String,
    pub kinds: Vec<String>,
    #[serde(rename = "type")]
    pub ty: ValueType,
    #[serde(default)]
    pub allowed: Vec<String>,
    #[serde(default)]
    pub ci: bool,
    #[serde(default)]
    pub open: bool,
    pub items: Option<Items>,
    pub arn: Option<String>,
    #[serde(default)]
    pub none_ok: bool,
    pub map: Option<MapRule>,
    pub json: Option<JsonShape>,
    pub range: Option<[i64; 2]>,
    pub range_by: Option<RangeBy>,
    pub hc: Option<Hc>,
    #[serde(default)]
    pub ignored_when_invalid: bool,
    pub merge: Option<String>,
    pub list_order: Option<String>,
    pub deprecated: Option<String>,
    #[serde(default)]
    pub in_tree: bool,
    #[serde(default)]
    pub legacy_only: bool,
    #[serde(default)]
    pub nonempty: bool,
    #[serde(default)]
    pub named_ok: bool,
    #[serde(default)]
    pub output: bool,
    pub sample: String,
    pub bad: Option<String>,
    pub src: String,
}

impl Row {
    pub fn reads(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }

    /// The literal part of a templated key before its first `{`, or `None` for a fixed key.
    pub fn template_prefix(&self) -> Option<&str> {
        self.key.find('{').map(|i| &self.key[..i])
    }

    /// The last path part of the key (`scheme`, `aws-load-balancer-type`).
    pub fn suffix(&self) -> &str {
        self.key.split_once('/').map_or(&*self.key, |(_, s)| s)
    }

    pub fn is_service_key(&self) -> bool {
        self.key.starts_with("service.beta.kubernetes.io/")
    }

    /// Read only by the legacy in-tree cloud provider, not by LBC.
    pub fn lbc_only(&self) -> bool {
        self.is_service_key() && !self.in_tree
    }

    /// Does `suffix` (what follows the template prefix) fit the template?
    fn template_fits(&self, suffix: &str) -> bool {
        let pattern = &self.key[self.template_prefix().map_or(0, str::len)..];
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        match pattern {
            "{name}" => !suffix.is_empty(),
            "{port}" => digits(suffix),
            "{service}.{port}" => suffix
                .split_once('.')
                .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty()),
            p => {
                // `{A|B|C}-{port}`
                let protos = p
                    .strip_prefix('{')
                    .and_then(|p| p.split_once('}'))
                    .map(|(alts, _)| alts.split('|').collect::<Vec<_>>())
                    .unwrap_or_default();
                suffix
                    .rsplit_once('-')
                    .is_some_and(|(proto, port)| protos.contains(&proto) && digits(port))
            }
        }
    }

    /// What the part after the template prefix must look like, for messages.
    pub fn template_shape(&self) -> String {
        let pattern = &self.key[self.template_prefix().map_or(0, str::len)..];
        match pattern {
            "{name}" => "a name".to_string(),
            "{port}" => "a Service port number".to_string(),
            "{service}.{port}" => "`<service>.<port>`".to_string(),
            p => {
                let alts = p
                    .strip_prefix('{')
                    .and_then(|p| p.split_once('}'))
                    .map_or("", |(a, _)| a);
                let list: Vec<String> = alts.split('|').map(|a| format!("`{a}`")).collect();
                format!(
                    "`<PROTOCOL>-<port>` with the protocol in upper case, one of {}",
                    list.join(", ")
                )
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassAnnotation {
    pub key: String,
    pub deprecated: String,
    pub src: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupName {
    pub max_len: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    pub repo: String,
    pub commit: String,
    pub in_tree_repo: String,
    pub in_tree_commit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub upstream: Upstream,
    pub annotations: Vec<Row>,
    pub ingress_class_annotation: ClassAnnotation,
    pub group_name: GroupName,
    pub alb_controllers: Vec<AlbController>,
    pub nlb_classes: Vec<NlbClass>,
    pub auto_mode_unsupported: Vec<AutoModeUnsupported>,
}

/// An IngressClass controller that reads the ALB annotations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlbController {
    pub controller: String,
    /// The API group of the IngressClassParams it accepts.
    pub params_group: String,
    /// Who it is, for messages.
    pub product: String,
    /// EKS Auto Mode's built-in load balancing.
    #[serde(default)]
    pub auto_mode: bool,
}

/// A Service `loadBalancerClass` that reads the NLB annotations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NlbClass {
    pub class: String,
    pub product: String,
    #[serde(default)]
    pub auto_mode: bool,
}

/// An annotation EKS Auto Mode does not support, and what to write instead.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoModeUnsupported {
    pub key: String,
    pub kind: AnnotatedKind,
    pub instead: String,
}

/// The kind of object an annotation sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum AnnotatedKind {
    Ingress,
    Service,
}

impl Catalog {
    /// The ALB controller of an IngressClass `spec.controller`.
    pub fn alb_controller(&self, controller: &str) -> Option<&AlbController> {
        self.alb_controllers
            .iter()
            .find(|c| c.controller == controller)
    }

    /// The NLB class of a Service `spec.loadBalancerClass`.
    pub fn nlb_class(&self, class: &str) -> Option<&NlbClass> {
        self.nlb_classes.iter().find(|c| c.class == class)
    }

    /// Auto Mode's row for an annotation it does not support on `kind`.
    pub fn auto_mode_unsupported(
        &self,
        key: &str,
        kind: AnnotatedKind,
    ) -> Option<&AutoModeUnsupported> {
        self.auto_mode_unsupported
            .iter()
            .find(|u| u.key == key && u.kind == kind)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SslPolicies {
    pub prefix: String,
    pub names: Vec<String>,
}

pub const CATALOG_TABLE: crate::data::Table = crate::table!("rules/lbc/annotations.yaml");
pub const SSL_POLICIES_TABLE: crate::data::Table = crate::table!("rules/lbc/ssl-policies.yaml");

pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| crate::data::load(&CATALOG_TABLE));

pub static SSL_POLICIES: LazyLock<SslPolicies> =
    LazyLock::new(|| crate::data::load(&SSL_POLICIES_TABLE));

pub const INGRESS_PREFIX: &str = "alb.ingress.kubernetes.io/";
pub const SERVICE_PREFIX: &str = "service.beta.kubernetes.io/";

/// What the catalog says about a key.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    /// A known key (or a member of a templated family).
    Known(&'a Row),
    /// Starts like a templated family but the rest does not fit it.
    BadTemplate(&'a Row),
    /// Under an LBC prefix (or a near miss of one) but unknown.
    Unknown,
    /// Not an LBC key at all.
    NotOurs,
}

/// Is the key under a prefix the controller owns (or a near miss of one)?
fn ours(key: &str) -> bool {
    let Some((prefix, suffix)) = key.split_once('/') else {
        return false;
    };
    if prefix == "alb.ingress.kubernetes.io" {
        return true;
    }
    if prefix == "service.beta.kubernetes.io" || prefix == "service.kubernetes.io" {
        return suffix.starts_with("aws-load-balancer-")
            || (prefix == "service.beta.kubernetes.io" && suffix.starts_with("actions."))
            || is_typo_of(suffix, "load-balancer-source-ranges")
            || misspelt_service_key(suffix);
    }
    // Near misses of the prefixes themselves: `alb.ingress.kubernetes.com/scheme`.
    if is_typo_of(prefix, "alb.ingress.kubernetes.io") {
        return true;
    }
    is_typo_of(prefix, "service.beta.kubernetes.io")
        && (suffix.starts_with("aws-load-balancer-") || misspelt_service_key(suffix))
}

/// A Service key whose whole name is a typo of a catalog key, the typo inside the
/// `aws-load-balancer-` part itself (`aws-load-balancre-type`, `aws-load-blaancer-scheme`). Other
/// clouds' keys under the same prefix (`azure-load-balancer-internal`,
/// `oci-load-balancer-shape`) are a different word, not a slip: a key counts only when it still
/// starts with `aws` or is at most two edits away.
fn misspelt_service_key(suffix: &str) -> bool {
    CATALOG
        .annotations
        .iter()
        .filter(|r| !r.output && r.template_prefix().is_none())
        .filter_map(|r| r.key.strip_prefix(SERVICE_PREFIX))
        .any(|known| {
            crate::support::suggest::typo_distance(suffix, known)
                .is_some_and(|d| d <= 2 || suffix.starts_with("aws"))
        })
}

pub fn lookup(key: &str) -> Lookup<'static> {
    let cat = &*CATALOG;
    if let Some(r) = cat.annotations.iter().find(|r| r.key == key) {
        return Lookup::Known(r);
    }
    for r in &cat.annotations {
        if let Some(p) = r.template_prefix()
            && let Some(rest) = key.strip_prefix(p)
        {
            return if r.template_fits(rest) {
                Lookup::Known(r)
            } else {
                Lookup::BadTemplate(r)
            };
        }
    }
    if ours(key) {
        Lookup::Unknown
    } else {
        Lookup::NotOurs
    }
}

/// `listenPorts` → `listen-ports`, `SSL_Policy` → `ssl-policy`.
fn kebab(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c == '_' {
            out.push('-');
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// The known key closest to an unknown one, when close enough to be a typo.
pub fn suggest(key: &str) -> Option<String> {
    let (prefix, suffix) = key.split_once('/')?;
    let service_side = prefix.starts_with("service")
        || (!is_typo_of(prefix, "alb.ingress.kubernetes.io")
            && suffix.starts_with("aws-load-balancer-"));
    let family = if service_side {
        SERVICE_PREFIX
    } else {
        INGRESS_PREFIX
    };
    let norm = kebab(suffix);
    let mut cands: Vec<(usize, String)> = Vec::new();
    for r in CATALOG
        .annotations
        .iter()
        .filter(|r| r.key.starts_with(family))
    {
        if r.output {
            continue;
        }
        match r.template_prefix() {
            None => {
                let c = r.suffix();
                cands.push((distance(suffix, c).min(distance(&norm, c)), r.key.clone()));
            }
            Some(p) => {
                // Compare the literal head (`actions.`) and keep the user's tail.
                let head = &p[family.len()..];
                let split = suffix.find('.').map_or(suffix.len(), |i| i + 1);
                let (uh, tail) = suffix.split_at(split);
                if tail.is_empty() {
                    continue;
                }
                let d = distance(uh, head).min(distance(&kebab(uh), head));
                cands.push((d, format!("{p}{tail}")));
            }
        }
    }
    // Ties: prefer the longer key, as dropping a character is the commonest typo.
    let best = cands
        .into_iter()
        .min_by_key(|(d, full)| (*d, std::cmp::Reverse(full.len())));
    let (d, full) = best?;
    (d <= max_distance(suffix.chars().count()) && full != key).then_some(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_consistent() {
        let cat = &*CATALOG;
        assert!(cat.annotations.len() > 100);
        let mut seen = std::collections::HashSet::new();
        for r in &cat.annotations {
            assert!(seen.insert(&r.key), "duplicate {}", r.key);
            assert!(
                r.key.starts_with(INGRESS_PREFIX) || r.key.starts_with(SERVICE_PREFIX),
                "{}",
                r.key
            );
            assert!(!r.kinds.is_empty() && !r.src.is_empty(), "{}", r.key);
            for k in &r.kinds {
                assert!(["Ingress", "Service", "Pod"].contains(&k.as_str()), "{k}");
            }
            match r.ty {
                ValueType::Enum => assert!(r.open || !r.allowed.is_empty(), "{}", r.key),
                _ => assert!(r.allowed.is_empty(), "{}", r.key),
            }
            assert_eq!(
                r.items.is_some(),
                r.items.is_some() && r.ty == ValueType::List
            );
            assert_eq!(r.json.is_some(), r.ty == ValueType::Json, "{}", r.key);
            assert_eq!(r.range.is_some(), r.range_by.is_some(), "{}", r.key);
            if let Some([lo, hi]) = r.range {
                assert!(lo <= hi);
            }
            assert!(
                matches!(r.lookup_self(), Lookup::Known(x) if std::ptr::eq(x, r)),
                "{} does not look itself up",
                r.key
            );
        }
        assert!(
            SSL_POLICIES
                .names
                .iter()
                .all(|n| n.starts_with(&SSL_POLICIES.prefix))
        );
    }

    impl Row {
        fn lookup_self(&self) -> Lookup<'static> {
            match self.template_prefix() {
                None => lookup(&self.key),
                Some(p) => {
                    let tail = match &self.key[p.len()..] {
                        "{name}" => "x".to_string(),
                        "{port}" => "80".to_string(),
                        "{service}.{port}" => "svc.80".to_string(),
                        t => format!("{}-443", &t[1..t.find('|').unwrap()]),
                    };
                    lookup(&format!("{p}{tail}"))
                }
            }
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("alb.ingress.kubernetes.io/listenPorts").as_deref(),
            Some("alb.ingress.kubernetes.io/listen-ports")
        );
        assert_eq!(
            suggest("alb.ingress.kubernetes.io/action.redirect").as_deref(),
            Some("alb.ingress.kubernetes.io/actions.redirect")
        );
        assert_eq!(
            suggest("service.beta.kubernetes.io/aws-load-balancer-nlb-target-typ").as_deref(),
            Some("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type")
        );
        assert_eq!(
            suggest("service.kubernetes.io/aws-load-balancer-type").as_deref(),
            Some("service.beta.kubernetes.io/aws-load-balancer-type")
        );
        assert_eq!(
            suggest("alb.ingress.kubernetes.io/completely-different"),
            None
        );
        assert!(matches!(
            lookup("alb.ingress.kubernetes.io/listener-attributes.https-443"),
            Lookup::BadTemplate(_)
        ));
        assert!(matches!(lookup("example.com/x"), Lookup::NotOurs));
        assert!(matches!(
            lookup("service.beta.kubernetes.io/azure-load-balancer-internal"),
            Lookup::NotOurs
        ));
    }
}
