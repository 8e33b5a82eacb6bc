//! Value parsers shared by rule families, each matching how the consuming Go program parses the
//! value (so a linter verdict equals the controller's): `strconv.ParseBool`, `strconv.ParseInt`
//! in base 10, and IAM role ARNs.

/// What Go's `strconv.ParseBool` accepts: `1 t T TRUE true True` and `0 f F FALSE false False`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Does the text look like a boolean wrapped in typographic quotes (`“true”`, `‘false’`), the
/// usual result of pasting from a document or chat? Returns the bare word.
pub fn curly_quoted(s: &str) -> Option<&str> {
    const QUOTES: &[char] = &['“', '”', '‘', '’', '„', '«', '»'];
    let inner = s.trim_matches(QUOTES);
    (inner.len() != s.len() && !inner.is_empty()).then_some(inner)
}

/// Why a base-10 integer did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntError {
    /// Not `[+-]?[0-9]+` (Go base 10 allows no spaces, underscores, `0x` or decimals).
    Syntax,
    /// Outside the bit size.
    Range,
}

/// Go's `strconv.ParseInt(s, 10, bits)`.
pub fn parse_go_int(s: &str, bits: u32) -> Result<i64, IntError> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IntError::Syntax);
    }
    let v: i128 = digits.parse::<i128>().map_err(|_| IntError::Range)?;
    let v = if s.starts_with('-') { -v } else { v };
    let max = (1i128 << (bits - 1)) - 1;
    let min = -(1i128 << (bits - 1));
    if v < min || v > max {
        return Err(IntError::Range);
    }
    Ok(v as i64)
}

/// The AWS partitions an ARN can name (aws-iam-authenticator `pkg/endpoints/partitions.go`).
pub use crate::config::PARTITIONS;

/// The six colon-separated fields of an ARN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Split `arn:partition:service:region:account:resource` (the resource may contain `:`).
    pub fn parse(s: &'a str) -> Option<Arn<'a>> {
        let mut it = s.splitn(6, ':');
        if it.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: it.next()?,
            service: it.next()?,
            region: it.next()?,
            account: it.next()?,
            resource: it.next()?,
        })
    }

    /// `true` when the partition is one AWS has.
    pub fn known_partition(&self) -> bool {
        PARTITIONS.contains(&self.partition)
    }
}

/// A valid IAM role ARN, split up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleArn<'a> {
    pub partition: &'a str,
    pub account: &'a str,
    /// `/` when there is no path, otherwise `/a/b/`.
    pub path: &'a str,
    pub name: &'a str,
}

impl RoleArn<'_> {
    /// The ARN without its path: what STS and aws-auth compare against.
    pub fn without_path(&self) -> String {
        format!(
            "arn:{}:iam::{}:role/{}",
            self.partition, self.account, self.name
        )
    }
}

/// Why a string is not an IAM role ARN; each has its own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleArnError {
    Empty,
    /// No `arn:` prefix: a bare role name (only `--compose-role-arn` expands these).
    BareName,
    /// `arn:` but fewer than six fields.
    Malformed,
    UnknownPartition(String),
    /// An STS session ARN: `arn:aws:sts::…:assumed-role/NAME/SESSION`.
    AssumedRole {
        role: String,
    },
    /// Another service than `iam`.
    NotIam(String),
    /// The region field of an IAM ARN must be empty.
    RegionSet(String),
    /// Not exactly 12 digits.
    BadAccount(String),
    /// An IAM ARN of another resource type: `user`, `group`, `instance-profile`, `policy`…
    NotRole(String),
    /// Role name empty, over 64 characters, or outside `[A-Za-z0-9_+=,.@-]`.
    BadName(String),
    /// Path not `/…/` of U+0021–U+007E, or over 512 characters.
    BadPath(String),
}

impl RoleArnError {
    /// A sentence for a finding message.
    pub fn message(&self) -> String {
        match self {
            RoleArnError::Empty => "the role ARN is empty".to_string(),
            RoleArnError::BareName => {
                "this is a role name, not a role ARN: write `arn:aws:iam::<account-id>:role/<name>`"
                    .to_string()
            }
            RoleArnError::Malformed => {
                "not an ARN: expected `arn:<partition>:iam::<12-digit account>:role/<name>`"
                    .to_string()
            }
            RoleArnError::UnknownPartition(p) => format!(
                "`{p}` is not an AWS partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc)"
            ),
            RoleArnError::AssumedRole { role } => format!(
                "this is an STS assumed-role session ARN, not a role ARN: use the role itself, `role/{role}` in `iam`"
            ),
            RoleArnError::NotIam(s) => {
                format!("the ARN is for service `{s}`; a role ARN has `iam` there")
            }
            RoleArnError::RegionSet(r) => {
                format!("the region field must be empty in an IAM ARN (`iam::`), not `{r}`")
            }
            RoleArnError::BadAccount(a) => {
                format!("`{a}` is not a 12-digit AWS account ID")
            }
            RoleArnError::NotRole(t) => format!("this is an IAM `{t}` ARN, not a role ARN"),
            RoleArnError::BadName(n) => format!(
                "`{n}` is not a valid role name (1-64 characters of A-Z a-z 0-9 _ + = , . @ -)"
            ),
            RoleArnError::BadPath(p) => format!(
                "`{p}` is not a valid IAM path (starts and ends with `/`, printable ASCII, at most 512 characters)"
            ),
        }
    }
}

fn valid_role_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// Parse an IAM role ARN (`arn:<partition>:iam::<account>:role/<path/><name>`), the shape that
/// IRSA's `eks.amazonaws.com/role-arn` and aws-auth's `rolearn` need.
pub fn parse_role_arn(s: &str) -> Result<RoleArn<'_>, RoleArnError> {
    if s.is_empty() {
        return Err(RoleArnError::Empty);
    }
    if !s.starts_with("arn:") {
        return Err(
            if !s.contains(':') && valid_role_name(s.trim_start_matches("role/")) {
                RoleArnError::BareName
            } else {
                RoleArnError::Malformed
            },
        );
    }
    let arn = Arn::parse(s).ok_or(RoleArnError::Malformed)?;
    if !arn.known_partition() {
        return Err(RoleArnError::UnknownPartition(arn.partition.to_string()));
    }
    if let ("sts", Some(rest)) = (arn.service, arn.resource.strip_prefix("assumed-role/")) {
        let role = rest.split('/').next().unwrap_or("").to_string();
        return Err(RoleArnError::AssumedRole { role });
    }
    if arn.service != "iam" {
        return Err(RoleArnError::NotIam(arn.service.to_string()));
    }
    if !arn.region.is_empty() {
        return Err(RoleArnError::RegionSet(arn.region.to_string()));
    }
    if arn.account.len() != 12 || !arn.account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RoleArnError::BadAccount(arn.account.to_string()));
    }
    let Some(rest) = arn.resource.strip_prefix("role/") else {
        let kind = arn.resource.split('/').next().unwrap_or(arn.resource);
        return Err(RoleArnError::NotRole(kind.to_string()));
    };
    let (path, name) = match rest.rfind('/') {
        Some(i) => (&arn.resource[4..5 + i + 1], &rest[i + 1..]),
        None => ("/", rest),
    };
    if !valid_role_name(name) {
        return Err(RoleArnError::BadName(name.to_string()));
    }
    if path.len() > 512 || !path.bytes().all(|b| (0x21..=0x7e).contains(&b)) || path.contains("//")
    {
        return Err(RoleArnError::BadPath(path.to_string()));
    }
    Ok(RoleArn {
        partition: arn.partition,
        account: arn.account,
        path,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_bool() {
        for t in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_go_bool(t), Some(true), "{t}");
        }
        for f in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_go_bool(f), Some(false), "{f}");
        }
        for bad in ["yes", "on", "tRUE", " true", "“true”", ""] {
            assert_eq!(parse_go_bool(bad), None, "{bad}");
        }
        assert_eq!(curly_quoted("“true”"), Some("true"));
        assert_eq!(curly_quoted("true"), None);
    }

    #[test]
    fn go_int() {
        assert_eq!(parse_go_int("42", 32), Ok(42));
        assert_eq!(parse_go_int("+7", 32), Ok(7));
        assert_eq!(parse_go_int("-2147483648", 32), Ok(-2147483648));
        assert_eq!(parse_go_int("2147483648", 32), Err(IntError::Range));
        assert_eq!(parse_go_int("9223372036854775807", 64), Ok(i64::MAX));
        assert_eq!(
            parse_go_int("99999999999999999999999999999999999999999", 64),
            Err(IntError::Range)
        );
        for bad in ["", "1_000", "0x10", "1.5", " 1", "60s", "-"] {
            assert_eq!(parse_go_int(bad, 64), Err(IntError::Syntax), "{bad}");
        }
    }

    #[test]
    fn role_arns() {
        let r = parse_role_arn("arn:aws:iam::111122223333:role/team/apps/s3-reader").unwrap();
        assert_eq!(
            (r.partition, r.account, r.path, r.name),
            ("aws", "111122223333", "/team/apps/", "s3-reader")
        );
        assert_eq!(r.without_path(), "arn:aws:iam::111122223333:role/s3-reader");
        let r = parse_role_arn("arn:aws-cn:iam::111122223333:role/x").unwrap();
        assert_eq!(r.path, "/");
        use RoleArnError::*;
        let cases: &[(&str, RoleArnError)] = &[
            ("", Empty),
            ("my-role", BareName),
            ("arn:aws:iam::1", Malformed),
            (
                "arn:aws-china:iam::111122223333:role/x",
                UnknownPartition("aws-china".into()),
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/Admin/jane",
                AssumedRole {
                    role: "Admin".into(),
                },
            ),
            ("arn:aws:s3:::bucket", NotIam("s3".into())),
            (
                "arn:aws:iam:us-east-1:111122223333:role/x",
                RegionSet("us-east-1".into()),
            ),
            (
                "arn:aws:iam::1111-2222-3333:role/x",
                BadAccount("1111-2222-3333".into()),
            ),
            (
                "arn:aws:iam::11112222333:role/x",
                BadAccount("11112222333".into()),
            ),
            (
                "arn:aws:iam::111122223333:user/jane",
                NotRole("user".into()),
            ),
            (
                "arn:aws:iam::111122223333:instance-profile/nodes",
                NotRole("instance-profile".into()),
            ),
            ("arn:aws:iam::111122223333:role/", BadName("".into())),
            (
                "arn:aws:iam::111122223333:role/has space",
                BadName("has space".into()),
            ),
            (
                &*format!("arn:aws:iam::111122223333:role/{}", "a".repeat(65)),
                BadName("a".repeat(65)),
            ),
            ("arn:aws:iam::111122223333:role//x", BadPath("//".into())),
        ];
        for (s, want) in cases {
            assert_eq!(parse_role_arn(s).unwrap_err(), *want, "{s}");
            assert!(!want.message().is_empty());
        }
    }
}
