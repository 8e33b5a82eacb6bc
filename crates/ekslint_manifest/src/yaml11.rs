//! How Kubernetes reads an untagged plain scalar.
//!
//! kubectl, Helm and the API server decode YAML with `sigs.k8s.io/yaml`, which vendors go-yaml v2:
//! a YAML 1.1 resolver. Unquoted `yes`, `on`, `y` are booleans and `0755` is an octal integer there,
//! where a YAML 1.2 parser reads strings and 755. This module restates go-yaml v2's `resolve.go`
//! rules (read at sigs.k8s.io/yaml `goyaml.v2/resolve.go`) as a table-tested function of ours.

/// What a plain (unquoted, untagged) scalar becomes.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str,
}

impl Resolved {
    /// A short noun for messages: "boolean", "integer", ….
    pub fn type_name(&self) -> &'static str {
        match self {
            Resolved::Null => "null",
            Resolved::Bool(_) => "boolean",
            Resolved::Int(_) => "integer",
            Resolved::Float(_) => "number",
            Resolved::Str => "string",
        }
    }
}

const TRUE_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
];
const FALSE_WORDS: &[&str] = &[
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
];
const NULL_WORDS: &[&str] = &["", "~", "null", "Null", "NULL"];

/// Resolve a plain scalar the way go-yaml v2 does.
pub fn resolve_plain(text: &str) -> Resolved {
    if TRUE_WORDS.contains(&text) {
        return Resolved::Bool(true);
    }
    if FALSE_WORDS.contains(&text) {
        return Resolved::Bool(false);
    }
    if NULL_WORDS.contains(&text) {
        return Resolved::Null;
    }
    match text {
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Resolved::Str;
    }
    // go-yaml v2 drops every underscore before trying the numeric forms.
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return Resolved::Int(i);
    }
    if is_yaml_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Resolved::Float(f);
    }
    Resolved::Str
}

/// `strconv.ParseInt(s, 0, 64)` and `ParseUint`: optional sign, then `0x`/`0X` hex, `0o`/`0O` or a
/// leading `0` octal, `0b`/`0B` binary, or decimal.
fn parse_go_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()? as i128;
    let value = if neg { -magnitude } else { magnitude };
    // ParseInt takes int64; ParseUint (tried next by go-yaml) takes the rest of uint64, unsigned only.
    if value < i64::MIN as i128 || (neg && value > 0) {
        return None;
    }
    Some(value)
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// True when YAML 1.1 (Kubernetes) and YAML 1.2 read this plain scalar differently: the 1.1-only
/// booleans (`yes`, `on`, `y`, …), and integers with a leading zero or `0o`/`0b` prefix, or
/// underscores.
pub fn yaml11_surprise(text: &str) -> bool {
    match resolve_plain(text) {
        Resolved::Bool(_) => {
            !matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
        }
        Resolved::Int(_) => {
            let t = text.trim_start_matches(['-', '+']);
            text.contains('_')
                || (t.len() > 1 && t.starts_with('0') && !t[1..].starts_with(['x', 'X']))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::Resolved::*;
    use super::*;

    #[test]
    fn resolves_like_go_yaml_v2() {
        let cases: &[(&str, Resolved)] = &[
            ("yes", Bool(true)),
            ("Yes", Bool(true)),
            ("YES", Bool(true)),
            ("y", Bool(true)),
            ("on", Bool(true)),
            ("ON", Bool(true)),
            ("true", Bool(true)),
            ("no", Bool(false)),
            ("n", Bool(false)),
            ("off", Bool(false)),
            ("False", Bool(false)),
            ("yEs", Str),
            ("tRue", Str),
            ("", Null),
            ("~", Null),
            ("null", Null),
            ("NULL", Null),
            ("nUll", Str),
            ("0", Int(0)),
            ("42", Int(42)),
            ("-42", Int(-42)),
            ("+7", Int(7)),
            ("0755", Int(493)),
            ("0o755", Int(493)),
            ("0x1F", Int(31)),
            ("0b101", Int(5)),
            ("1_000", Int(1000)),
            ("0089", Float(89.0)),
            ("08.5", Float(8.5)),
            ("1.5", Float(1.5)),
            ("1.", Float(1.0)),
            (".5", Float(0.5)),
            ("1e3", Float(1000.0)),
            ("-1.5E-2", Float(-0.015)),
            ("1.2.3", Str),
            ("1.33", Float(1.33)),
            (".inf", Float(f64::INFINITY)),
            ("-.Inf", Float(f64::NEG_INFINITY)),
            ("18446744073709551615", Int(18446744073709551615)),
            ("18446744073709551616", Float(18446744073709551616.0)),
            ("v1", Str),
            ("-", Str),
            ("+", Str),
            ("0x", Str),
            ("12:30", Str),
            ("2001-12-14", Str),
        ];
        for (text, want) in cases {
            let got = resolve_plain(text);
            match (&got, want) {
                (Float(a), Float(b)) if a.is_nan() && b.is_nan() => {}
                _ => assert_eq!(&got, want, "resolving {text:?}"),
            }
        }
        assert!(matches!(resolve_plain(".nan"), Float(f) if f.is_nan()));
    }

    #[test]
    fn flags_only_the_1_1_surprises() {
        for t in ["yes", "on", "N", "off", "0755", "0o17", "1_000", "-0644"] {
            assert!(yaml11_surprise(t), "{t}");
        }
        for t in ["true", "false", "0", "10", "0x1F", "1.5", "hello", "null"] {
            assert!(!yaml11_surprise(t), "{t}");
        }
    }
}
