//! Annotation values parsed the way the controller parses them (pkg/annotations/parser.go).

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::support::aws::Arn;
use crate::support::go::{IntError, parse_go_bool, parse_go_int};
use crate::support::quotes::curly_quoted;

use super::catalog::{Items, JsonShape, MapRule, RangeBy, Row, ValueType};
use super::json;

/// Why a value is wrong: a message, the label under the value, and an optional help line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

impl Problem {
    fn new(message: String, label: &str) -> Problem {
        Problem {
            message,
            label: label.to_string(),
            help: None,
        }
    }

    fn help(mut self, h: impl Into<String>) -> Problem {
        self.help = Some(h.into());
        self
    }
}

/// Go's `net.ParseCIDR`: an IPv4 or IPv6 address, `/`, a decimal prefix length in range.
pub fn parse_cidr(s: &str) -> Option<(std::net::IpAddr, u8)> {
    let (ip, len) = s.split_once('/')?;
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let len: u8 = len.parse().ok()?;
    if let Ok(v4) = ip.parse::<Ipv4Addr>() {
        return (len <= 32).then_some((v4.into(), len));
    }
    let v6 = ip.parse::<Ipv6Addr>().ok()?;
    (len <= 128).then_some((v6.into(), len))
}

/// `true` when the CIDR has bits set past its prefix length (`10.0.0.1/8`).
pub fn has_host_bits(ip: std::net::IpAddr, len: u8) -> bool {
    match ip {
        std::net::IpAddr::V4(a) => {
            let v = u32::from(a);
            len < 32 && v & (u32::MAX >> len) != 0
        }
        std::net::IpAddr::V6(a) => {
            let v = u128::from(a);
            len < 128 && v & (u128::MAX >> len) != 0
        }
    }
}

/// `prefix` followed by lower-case hex digits only.
fn aws_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A subnet or security-group item may be an ID or a `Name` tag; only flag text that is shaped
/// like an ID (`sg-` + hex) but is not one (wrong length or upper case).
fn malformed_id(s: &str, prefix: &str) -> bool {
    let Some(h) = s.strip_prefix(prefix) else {
        return false;
    };
    !h.is_empty()
        && h.bytes().all(|b| b.is_ascii_hexdigit())
        && h.bytes().any(|b| b.is_ascii_digit())
        && (!(h.len() == 8 || h.len() == 17) || h.bytes().any(|b| b.is_ascii_uppercase()))
}

/// The controller's `stringList`: split on `,`, trim, drop empty items.
pub fn split_list(s: &str) -> Vec<&str> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The controller's `stringMap` (parser.go `splitKeyValuePairs` + `ParseStringMapAnnotation`):
/// `Err(pair)` names the first pair it rejects.
pub fn parse_map(s: &str) -> Result<Vec<(String, String)>, String> {
    let b = s.as_bytes();
    let mut pairs: Vec<String> = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    let mut i = 0;
    let mut done = false;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            cur.push(b[i + 1]);
            i += 2;
            continue;
        }
        if b[i] == b',' {
            let remaining = s[i + 1..].trim();
            if remaining.contains('=') {
                pairs.push(String::from_utf8_lossy(&cur).trim().to_string());
                cur.clear();
            } else if !remaining.is_empty() {
                pairs.push(String::from_utf8_lossy(&cur).trim().to_string());
                pairs.push(remaining.to_string());
                done = true;
                break;
            } else {
                cur.push(b',');
            }
        } else {
            cur.push(b[i]);
        }
        i += 1;
    }
    if !done && !cur.is_empty() {
        pairs.push(String::from_utf8_lossy(&cur).trim().to_string());
    }
    let mut out = Vec::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            return Err(p);
        };
        let k = k.trim();
        if k.is_empty() {
            return Err(p);
        }
        out.push((k.to_string(), v.trim().to_string()));
    }
    Ok(out)
}

fn short(key: &str) -> &str {
    key.split_once('/').map_or(key, |(_, s)| s)
}

fn list_of(v: &[String]) -> String {
    v.iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Check a value against its catalog row; `None` when the controller accepts it. Ranges enforced
/// only by AWS on health-check keys are left to LBC010, and `group.*` to LBC009.
pub fn check(row: &Row, key: &str, value: &str) -> Option<Problem> {
    let name = short(key);
    if crate::support::placeholder::is_placeholder(value) {
        return None;
    }
    // Typographic quotes around the value: pasted from a document or chat.
    if let Some(inner) = curly_quoted(value) {
        let fixed_ok = check(row, key, inner).is_none();
        let p = Problem::new(
            format!(
                "`{name}` value `{value}` is wrapped in typographic quotes, which become part of the value: the controller reads `{value}`, not `{inner}`"
            ),
            "typographic quotes",
        );
        return Some(if fixed_ok {
            p.help(format!("write plain ASCII: \"{inner}\""))
        } else {
            p
        });
    }
    match row.ty {
        ValueType::String => check_string(row, name, value),
        ValueType::Bool => match parse_go_bool(value) {
            Some(_) => None,
            None => {
                let fallback = if row.ignored_when_invalid {
                    "; the controller silently ignores it and keeps its default"
                } else {
                    ""
                };
                let suggestion = match value.trim().to_ascii_lowercase().as_str() {
                    "yes" | "y" | "on" | "enabled" | "enable" | "true" => Some("true"),
                    "no" | "n" | "off" | "disabled" | "disable" | "false" => Some("false"),
                    _ => None,
                };
                let p = Problem::new(
                    format!(
                        "`{name}` is a boolean but `{value}` is not one Go's strconv.ParseBool accepts (true, false, 1, 0, t, f, TRUE, FALSE, True, False){fallback}"
                    ),
                    "not a Go boolean",
                );
                Some(match suggestion {
                    Some(s) => p.help(format!("write \"{s}\"")),
                    None => p,
                })
            }
        },
        ValueType::Int32 | ValueType::Int64 => {
            let bits = if row.ty == ValueType::Int32 { 32 } else { 64 };
            match parse_go_int(value, bits) {
                Err(IntError::Syntax) => {
                    let p = Problem::new(
                        format!(
                            "`{name}` must be a base-10 integer, but `{value}` is not one (no spaces, units, signs other than `-`, or decimals)"
                        ),
                        "not an integer",
                    );
                    let digits: String =
                        value.trim().chars().filter(char::is_ascii_digit).collect();
                    Some(
                        if !digits.is_empty() && digits.len() < 8 && value.trim() != digits {
                            p.help(format!("write \"{digits}\""))
                        } else {
                            p
                        },
                    )
                }
                Err(IntError::Range) => Some(Problem::new(
                    format!("`{name}` value `{value}` does not fit in an int{bits}"),
                    "out of range",
                )),
                Ok(v) => {
                    let [lo, hi] = row.range?;
                    if row.hc.is_some() || name.starts_with("group.") {
                        return None;
                    }
                    (v < lo || v > hi).then(|| {
                        let by = match row.range_by {
                            Some(RangeBy::Aws) => "AWS accepts",
                            _ => "the controller accepts",
                        };
                        Problem::new(
                            format!("`{name}` is {v}, but {by} {lo} to {hi}"),
                            "out of range",
                        )
                    })
                }
            }
        }
        ValueType::Enum => check_enum(row, name, value),
        ValueType::List => check_list(row, name, value),
        ValueType::Map => check_map(row, name, value),
        ValueType::Json => {
            let shape = row.json?;
            json::check(shape, value).err().map(|e| {
                let label = match shape {
                    JsonShape::ListenPorts => "invalid listen-ports",
                    _ => "invalid JSON for this annotation",
                };
                Problem::new(format!("`{name}`: {e}"), label)
            })
        }
        ValueType::Hcport => {
            if value == "traffic-port" {
                return None;
            }
            match parse_go_int(value, 64) {
                Ok(p) if !(1..=65535).contains(&p) => Some(Problem::new(
                    format!("`{name}` port {p} is outside 1-65535"),
                    "not a port",
                )),
                Ok(_) => None,
                Err(_) if row.named_ok => (value.is_empty() || value.contains(char::is_whitespace))
                    .then(|| {
                        Problem::new(
                            format!(
                                "`{name}` must be `traffic-port`, a port number or a Service port name, not `{value}`"
                            ),
                            "not a port",
                        )
                    }),
                Err(_) => Some(Problem::new(
                    format!(
                        "`{name}` must be `traffic-port` or a port number; `{value}` is neither (named ports are not supported here)"
                    ),
                    "not a port",
                )),
            }
        }
        ValueType::Codes => {
            let ok = !value.is_empty()
                && value.split(',').all(|part| {
                    let part = part.trim();
                    let num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                    match part.split_once('-') {
                        Some((a, b)) => num(a) && num(b),
                        None => num(part),
                    }
                });
            (!ok).then(|| {
                Problem::new(
                    format!(
                        "`{name}` must be a status code, a comma-separated list (`200,302`) or a range (`200-399`), not `{value}`"
                    ),
                    "not a code, list or range",
                )
            })
        }
    }
}

fn check_string(row: &Row, name: &str, value: &str) -> Option<Problem> {
    if row.nonempty && value.is_empty() {
        return Some(Problem::new(
            format!("`{name}` cannot be empty"),
            "empty value",
        ));
    }
    if let Some(service) = &row.arn {
        if value.is_empty() || (row.none_ok && value == "none") {
            return None;
        }
        return match Arn::parse(value) {
            Some(a) if a.service == service && a.known_partition() => None,
            Some(a) => Some(Problem::new(
                format!(
                    "`{name}` needs an ARN of service `{service}`, but `{value}` is for `{}`",
                    a.service
                ),
                "wrong kind of ARN",
            )),
            None => Some(Problem::new(
                format!(
                    "`{name}` needs an ARN (`arn:aws:{service}:<region>:<account>:…`){}, not `{value}`",
                    if row.none_ok { " or `none`" } else { "" }
                ),
                "not an ARN",
            )),
        };
    }
    None
}

fn check_enum(row: &Row, name: &str, value: &str) -> Option<Problem> {
    if row.open {
        return None;
    }
    let ok = if row.ci {
        row.allowed.iter().any(|a| a.eq_ignore_ascii_case(value))
    } else {
        row.allowed.iter().any(|a| a == value)
    };
    if ok {
        return None;
    }
    let fallback = if !row.ignored_when_invalid {
        ""
    } else if name == "aws-load-balancer-nlb-target-type" {
        "; anything but exactly `ip` silently means instance targets"
    } else if name == "aws-load-balancer-backend-protocol" {
        "; anything but exactly `ssl` silently means `tcp`"
    } else {
        "; the controller silently ignores it"
    };
    let p = Problem::new(
        format!(
            "`{value}` is not a valid `{name}`: expected {}{fallback}",
            if row.allowed.len() == 1 {
                list_of(&row.allowed)
            } else {
                format!("one of {}", list_of(&row.allowed))
            }
        ),
        "not an allowed value",
    );
    let near = row
        .allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value.trim()));
    Some(match near {
        Some(a) if a != value.trim() => p.help(format!("values are case-sensitive: write \"{a}\"")),
        Some(a) => p.help(format!("remove the surrounding spaces: \"{a}\"")),
        None => p,
    })
}

fn check_list(row: &Row, name: &str, value: &str) -> Option<Problem> {
    let items = row.items?;
    for item in split_list(value) {
        let bad = match items {
            Items::Cidr => parse_cidr(item).is_none().then(|| {
                let hint = if item.parse::<std::net::IpAddr>().is_ok() {
                    format!(" (a single address needs a prefix length: `{item}/32`, or `/128` for IPv6)")
                } else {
                    String::new()
                };
                format!("`{item}` is not a CIDR{hint}")
            }),
            Items::Pl => (!aws_id(item, "pl-"))
                .then(|| format!("`{item}` is not a managed prefix list ID (`pl-` followed by hex digits)")),
            Items::Eip => (!aws_id(item, "eipalloc-"))
                .then(|| format!("`{item}` is not an Elastic IP allocation ID (`eipalloc-…`)")),
            Items::AcmArn => match Arn::parse(item) {
                Some(a) if a.service == "acm" && a.resource.starts_with("certificate/") => None,
                Some(a) if a.service == "iam" && a.resource.starts_with("server-certificate/") => None,
                Some(_) => Some(format!("`{item}` is an ARN but not of an ACM certificate (`arn:aws:acm:<region>:<account>:certificate/<id>`) or an IAM server certificate")),
                None => Some(format!("`{item}` is not a certificate ARN (`arn:aws:acm:<region>:<account>:certificate/<id>`)")),
            },
            Items::Int => parse_go_int(item, 64)
                .is_err()
                .then(|| format!("`{item}` is not a port number")),
            Items::Ipv4 => item
                .parse::<Ipv4Addr>()
                .is_err()
                .then(|| format!("`{item}` is not an IPv4 address (no prefix length)")),
            Items::Ipv6 => item
                .parse::<Ipv6Addr>()
                .is_err()
                .then(|| format!("`{item}` is not an IPv6 address (no prefix length)")),
            Items::NatPrefix => (item != "auto_assigned"
                && !matches!(parse_cidr(item), Some((std::net::IpAddr::V6(_), 80))))
            .then(|| format!("`{item}` must be `auto_assigned` or an IPv6 CIDR with prefix length /80")),
            Items::Subnet => malformed_id(item, "subnet-").then(|| {
                format!("`{item}` looks like a subnet ID but is not one (`subnet-` and 8 or 17 lower-case hex digits)")
            }),
            Items::Sg => malformed_id(item, "sg-").then(|| {
                format!("`{item}` looks like a security group ID but is not one (`sg-` and 8 or 17 lower-case hex digits)")
            }),
        };
        if let Some(b) = bad {
            return Some(Problem::new(format!("`{name}`: {b}"), "invalid item"));
        }
    }
    None
}

const ROUTING_POLICIES: &[&str] = &[
    "availability_zone_affinity",
    "partial_availability_zone_affinity",
    "any_availability_zone",
];

fn check_map(row: &Row, name: &str, value: &str) -> Option<Problem> {
    let pairs = match parse_map(value) {
        Ok(p) => p,
        Err(pair) => {
            let p = Problem::new(
                format!(
                    "`{name}` is a list of `key=value` pairs separated by commas, but `{pair}` is not a pair"
                ),
                "not key=value pairs",
            );
            return Some(if pair.contains(':') && !pair.contains('=') {
                p.help("use `=` between key and value, not `:`")
            } else {
                p.help("escape a comma inside a value as `\\,`")
            });
        }
    };
    for (k, v) in &pairs {
        match row.map {
            Some(MapRule::Capacity) => {
                if k != "CapacityUnits" {
                    return Some(
                        Problem::new(
                            format!("`{name}` accepts only the key `CapacityUnits`, not `{k}`"),
                            "unknown key",
                        )
                        .help(format!("write \"CapacityUnits={v}\"")),
                    );
                }
                if parse_go_int(v, 32).is_err() {
                    return Some(Problem::new(
                        format!("`{name}`: `CapacityUnits` must be an integer, not `{v}`"),
                        "not an integer",
                    ));
                }
            }
            Some(MapRule::PortMap) => {
                for p in [k, v] {
                    if parse_go_int(p, 32).is_err() {
                        return Some(Problem::new(
                            format!(
                                "`{name}` maps `<NLB port>=<ALB listen port>`, and `{p}` is not a port number"
                            ),
                            "not a port",
                        ));
                    }
                }
            }
            None => {}
        }
        if k == "preserve_client_ip.enabled"
            && name.starts_with("aws-load-balancer-target-group-attributes")
            && parse_go_bool(v).is_none()
        {
            return Some(Problem::new(
                format!(
                    "`{name}`: `preserve_client_ip.enabled` must be a Go boolean (true/false), not `{v}`"
                ),
                "not a Go boolean",
            ));
        }
        if k == "dns_record.client_routing_policy"
            && (name == "aws-load-balancer-attributes" || name == "frontend-nlb-attributes")
            && !ROUTING_POLICIES.contains(&v.as_str())
        {
            return Some(Problem::new(
                format!(
                    "`{name}`: `dns_record.client_routing_policy` must be one of `availability_zone_affinity`, `partial_availability_zone_affinity`, `any_availability_zone`, not `{v}`"
                ),
                "not an allowed value",
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_parse_like_the_controller() {
        assert_eq!(
            parse_map("a=1, b = 2").unwrap(),
            vec![("a".into(), "1".into()), ("b".into(), "2".into())]
        );
        assert_eq!(parse_map("").unwrap(), vec![]);
        assert_eq!(
            parse_map(r"k=x\,y,z=1").unwrap(),
            vec![("k".into(), "x,y".into()), ("z".into(), "1".into())]
        );
        assert_eq!(parse_map("a=1,").unwrap(), vec![("a".into(), "1,".into())]);
        assert_eq!(parse_map("a=1,b"), Err("b".into()));
        assert_eq!(parse_map("a:1"), Err("a:1".into()));
        assert_eq!(parse_map("=1"), Err("=1".into()));
        assert_eq!(parse_map("a=1,,b=2"), Err(String::new()));
        // A comma before text without `=` ends parsing: the rest is one bad pair.
        assert_eq!(parse_map("a=x,y,b=2"), Err("y".into()));
    }

    #[test]
    fn cidrs_parse_like_go() {
        assert!(parse_cidr("10.0.0.0/8").is_some());
        assert!(parse_cidr("2001:db8::/32").is_some());
        assert!(parse_cidr("10.0.0.1").is_none());
        assert!(parse_cidr("10.0.0.0/33").is_none());
        assert!(parse_cidr("10.0.0.0/").is_none());
        assert!(parse_cidr("010.0.0.0/8").is_none());
        let (ip, len) = parse_cidr("10.0.0.1/8").unwrap();
        assert!(has_host_bits(ip, len));
        let (ip, len) = parse_cidr("10.0.0.0/8").unwrap();
        assert!(!has_host_bits(ip, len));
    }

    #[test]
    fn ids() {
        assert!(!malformed_id("sg-0123456789abcdef0", "sg-"));
        assert!(!malformed_id("sg-01234567", "sg-"));
        assert!(malformed_id("sg-0123456789abcdef", "sg-"));
        assert!(malformed_id("sg-0123456789ABCDEF0", "sg-"));
        assert!(!malformed_id("sg-web", "sg-"));
        assert!(!malformed_id("my-sg", "sg-"));
    }
}
