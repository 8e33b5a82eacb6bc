//! AWS ARNs and partitions. The partitions and their regions are data:
//! `rules/aws/partitions.yaml`.

use std::sync::LazyLock;

use crate::data::SchemaV1;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partition {
    pub id: String,
    /// Region names starting with one of these belong to this partition.
    pub region_prefixes: Vec<String>,
    /// The partition of regions no prefix matches.
    #[serde(default)]
    pub default: bool,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionsFile {
    pub schema_version: SchemaV1,
    pub upstream: String,
    pub partitions: Vec<Partition>,
}

pub const PARTITIONS_TABLE: crate::data::Table = crate::table!("rules/aws/partitions.yaml");

pub static PARTITIONS: LazyLock<PartitionsFile> =
    LazyLock::new(|| crate::data::load(&PARTITIONS_TABLE));

/// The partition IDs, in table order (`aws` first).
pub fn partition_ids() -> impl Iterator<Item = &'static str> {
    PARTITIONS.partitions.iter().map(|p| p.id.as_str())
}

/// Is `id` an AWS partition?
pub fn is_partition(id: &str) -> bool {
    partition_ids().any(|p| p == id)
}

/// The partition a region belongs to.
pub fn partition_of_region(region: &str) -> &'static str {
    let parts = &PARTITIONS.partitions;
    parts
        .iter()
        .find(|p| {
            p.region_prefixes
                .iter()
                .any(|r| region.starts_with(r.as_str()))
        })
        .or_else(|| parts.iter().find(|p| p.default))
        .map(|p| p.id.as_str())
        .expect("the partitions table has a default partition")
}

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
        is_partition(self.partition)
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
                "`{p}` is not an AWS partition ({})",
                partition_ids().collect::<Vec<_>>().join(", ")
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
    fn partitions() {
        assert_eq!(
            PARTITIONS.partitions.iter().filter(|p| p.default).count(),
            1
        );
        for p in &PARTITIONS.partitions {
            assert_eq!(p.default, p.region_prefixes.is_empty(), "{}", p.id);
            assert!(
                p.region_prefixes.iter().all(|r| r.ends_with('-')),
                "{}",
                p.id
            );
        }
        assert_eq!(partition_of_region("cn-north-1"), "aws-cn");
        assert_eq!(partition_of_region("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of_region("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition_of_region("us-iso-east-1"), "aws-iso");
        assert_eq!(partition_of_region("eusc-de-east-1"), "aws-eusc");
        assert_eq!(partition_of_region("eu-west-1"), "aws");
        assert!(is_partition("aws-eusc") && !is_partition("aws-china"));
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
