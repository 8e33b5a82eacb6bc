//! The shapes of zone and region names: AWS's, and the other platforms' (to name where a value
//! came from). The examples in `rules/port/scheduling.yaml` are checked against these parsers.

use super::table::{Platform, ZoneKind};

fn letters(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase())
}

/// Google Cloud and Azure region names name a direction (`us-central1`, `westeurope`,
/// `australiaeast`); requiring one keeps on-premises names such as `rack-1` apart.
fn directional(s: &str) -> bool {
    ["east", "west", "north", "south", "central"]
        .iter()
        .any(|d| s.contains(d))
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// An AWS region or zone name, split at the number that ends the region: `(region, rest)`,
/// where `rest` is `""` for a region, `"a"` for `us-east-1a`, `"-bos-1a"` for a Local Zone.
fn aws_split(s: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = s.split('-').collect();
    let i = parts
        .iter()
        .position(|p| p.starts_with(|c: char| c.is_ascii_digit()))?;
    if !(2..=3).contains(&i) {
        return None;
    }
    let geo = parts[0];
    if !(2..=4).contains(&geo.len()) || !letters(geo) || !parts[1..i].iter().all(|p| letters(p)) {
        return None;
    }
    let num = parts[i];
    let d = num.bytes().take_while(u8::is_ascii_digit).count();
    let suffix = &num[d..];
    let region_len = parts[..i].iter().map(|p| p.len() + 1).sum::<usize>() + d;
    let (region, rest) = s.split_at(region_len);
    let last = i + 1 == parts.len();
    if last {
        return (suffix.is_empty() || (suffix.len() == 1 && letters(suffix)))
            .then_some((region, rest));
    }
    // A Local Zone or Wavelength Zone: the region, then lower-case alphanumeric parts.
    let ok = suffix.is_empty()
        && parts[i + 1..].iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    ok.then_some((region, rest))
}

/// `us-east-1`, `us-gov-west-1`.
pub fn is_aws_region(s: &str) -> bool {
    aws_split(s).is_some_and(|(_, rest)| rest.is_empty())
}

/// The region of an AWS zone name (`us-east-1a`, `us-east-1-bos-1a`).
pub fn aws_zone_region(s: &str) -> Option<&str> {
    aws_split(s).and_then(|(region, rest)| (!rest.is_empty()).then_some(region))
}

/// An AWS zone ID (`use1-az1`), which belongs to `topology.k8s.aws/zone-id`, not to zone names.
pub fn is_aws_zone_id(s: &str) -> bool {
    let Some((head, az)) = s.split_once("-az") else {
        return false;
    };
    let d = head.bytes().rev().take_while(u8::is_ascii_digit).count();
    d > 0 && head.len() > d && letters(&head[..head.len() - d]) && digits(az)
}

/// `us-central1` (region) and `us-central1-a` (zone).
fn gcp(s: &str, kind: ZoneKind) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let name_num = |p: &str| {
        let l = p.bytes().take_while(u8::is_ascii_lowercase).count();
        l > 0 && digits(&p[l..])
    };
    match (kind, parts.as_slice()) {
        (ZoneKind::Region, [a, b]) => letters(a) && name_num(b) && directional(b),
        (ZoneKind::Zone, [a, b, c]) => {
            letters(a) && name_num(b) && directional(b) && c.len() == 1 && letters(c)
        }
        _ => false,
    }
}

/// `eastus2` (region) and `eastus2-1` or a bare number (zone).
fn azure(s: &str, kind: ZoneKind) -> bool {
    let region = |p: &str| {
        let l = p.bytes().take_while(u8::is_ascii_lowercase).count();
        l > 0 && (l == p.len() || digits(&p[l..])) && directional(p)
    };
    match kind {
        ZoneKind::Region => region(s),
        ZoneKind::Zone => match s.split_once('-') {
            Some((r, n)) => region(r) && digits(n) && n.len() == 1,
            None => digits(s) && s.len() == 1,
        },
    }
}

/// Whose zone or region name `value` looks like.
pub fn platform_of(value: &str, kind: ZoneKind) -> Platform {
    let aws = match kind {
        ZoneKind::Zone => aws_zone_region(value).is_some(),
        ZoneKind::Region => is_aws_region(value),
    };
    if aws {
        Platform::Aws
    } else if gcp(value, kind) {
        Platform::Gke
    } else if azure(value, kind) {
        Platform::Aks
    } else {
        Platform::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_examples() {
        for e in &super::super::table::SCHEDULING.zones.examples {
            assert_eq!(platform_of(&e.value, e.kind), e.platform, "{}", e.value);
        }
    }

    #[test]
    fn aws_names() {
        for z in [
            "us-east-1a",
            "eu-central-2b",
            "ap-southeast-4c",
            "us-gov-east-1a",
            "cn-north-1a",
            "us-iso-east-1a",
            "eusc-de-east-1a",
            "us-east-1-bos-1a",
            "us-east-1-wl1-bos-wlz-1",
        ] {
            assert!(aws_zone_region(z).is_some(), "{z}");
        }
        assert_eq!(aws_zone_region("us-west-2d"), Some("us-west-2"));
        assert_eq!(aws_zone_region("us-east-1-bos-1a"), Some("us-east-1"));
        for r in ["us-east-1", "us-gov-west-1", "il-central-1"] {
            assert!(is_aws_region(r), "{r}");
            assert!(aws_zone_region(r).is_none(), "{r}");
        }
        for bad in [
            "us-central1-a",
            "us-central1",
            "eastus2-1",
            "1",
            "zone-a",
            "us-east-1ab",
            "use1-az1",
            "",
            "us-east-1-",
        ] {
            assert!(aws_zone_region(bad).is_none(), "{bad}");
        }
        assert!(is_aws_zone_id("use1-az1") && is_aws_zone_id("usw2-az4"));
        assert!(!is_aws_zone_id("us-east-1a"));
    }
}
