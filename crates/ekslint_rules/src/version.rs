//! Kubernetes versions and the EKS calendar that picks the default target.

use std::fmt;
use std::sync::OnceLock;

/// A Kubernetes minor version, `1.33`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl KubeVersion {
    pub const fn new(major: u32, minor: u32) -> Self {
        KubeVersion { major, minor }
    }

    /// `1.33`, `v1.33`, `1.33.4`, `v1.33.4-eks-abc`. A patch and suffix are accepted and ignored.
    pub fn parse(s: &str) -> Option<KubeVersion> {
        let s = s.trim();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let mut parts = s.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor_part = parts.next()?;
        let digits: String = minor_part
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.is_empty() || digits.len() != minor_part.len() && parts.clone().next().is_some() {
            return None;
        }
        let minor = digits.parse().ok()?;
        if let Some(patch) = parts.next() {
            let p: String = patch.chars().take_while(char::is_ascii_digit).collect();
            if p.is_empty() {
                return None;
            }
        }
        Some(KubeVersion { major, minor })
    }
}

impl<'de> serde::Deserialize<'de> for KubeVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        KubeVersion::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a version like 1.33")))
    }
}

/// A calendar date, `YYYY-MM-DD`; compared as text, which orders dates correctly.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(String);

impl Date {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let b = s.as_bytes();
        let ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if ok {
            Ok(Date(s))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{s}` is not a date like 2026-01-31"
            )))
        }
    }
}

/// How a calendar row was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verified {
    /// Read from the AWS documentation source.
    AwsDocs,
    /// Two independent quotes of the AWS page that agree with the support policy.
    Secondary,
}

/// One row of `rules/eks-versions.yaml`.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EksVersion {
    pub minor: KubeVersion,
    pub eks_release: Date,
    pub end_standard: Date,
    pub end_extended: Date,
    pub verified: Verified,
}

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EksCalendar {
    pub as_of: Date,
    pub versions: Vec<EksVersion>,
}

pub const EKS_VERSIONS: crate::data::Table = crate::table!("rules/eks-versions.yaml");

/// The bundled EKS calendar.
pub fn eks_calendar() -> &'static EksCalendar {
    static CAL: OnceLock<EksCalendar> = OnceLock::new();
    CAL.get_or_init(|| crate::data::load(&EKS_VERSIONS))
}

impl EksVersion {
    /// In EKS standard support on `today`.
    fn standard_on(&self, today: &str) -> bool {
        self.eks_release.as_str() <= today && today < self.end_standard.as_str()
    }

    /// In standard or extended support on `today`.
    fn supported_on(&self, today: &str) -> bool {
        self.eks_release.as_str() <= today && today < self.end_extended.as_str()
    }
}

/// The default target: the newest minor in EKS standard support on `today` (`YYYY-MM-DD`), or the
/// newest minor in the calendar when none is.
pub fn default_target(today: &str) -> KubeVersion {
    let cal = eks_calendar();
    cal.versions
        .iter()
        .filter(|v| v.standard_on(today))
        .map(|v| v.minor)
        .max()
        .or_else(|| cal.versions.iter().map(|v| v.minor).max())
        .expect("the EKS calendar is not empty")
}

/// Named targets: `eks-latest`, `eks-oldest-standard`, `eks-oldest-supported`, or a version.
pub fn resolve_target(s: &str, today: &str) -> Result<KubeVersion, String> {
    let cal = eks_calendar();
    match s {
        "eks-latest" => Ok(default_target(today)),
        "eks-oldest-standard" => cal
            .versions
            .iter()
            .filter(|v| v.standard_on(today))
            .map(|v| v.minor)
            .min()
            .ok_or_else(|| {
                "no EKS version is in standard support in the bundled calendar".to_string()
            }),
        "eks-oldest-supported" => cal
            .versions
            .iter()
            .filter(|v| v.supported_on(today))
            .map(|v| v.minor)
            .min()
            .ok_or_else(|| "no EKS version is supported in the bundled calendar".to_string()),
        other => {
            let v = KubeVersion::parse(other).ok_or_else(|| {
                format!(
                    "`{other}` is not a Kubernetes version; write it like `1.33` or `v1.33.2`, or use eks-latest, eks-oldest-standard or eks-oldest-supported"
                )
            })?;
            let (oldest, newest) = known_range();
            if v < oldest || v > newest {
                let mut m = format!(
                    "Kubernetes `{other}` is outside what ekslint knows: ekslint {} knows Kubernetes {oldest} to {newest}",
                    env!("CARGO_PKG_VERSION")
                );
                match suggest_version(v) {
                    Some(s) => m.push_str(&format!("; did you mean `{s}`?")),
                    None if v > newest => {
                        m.push_str(" (a newer ekslint knows newer versions; eks-latest is the newest in EKS standard support)")
                    }
                    None => {}
                }
                return Err(m);
            }
            Ok(v)
        }
    }
}

/// The Kubernetes versions a target may be: from the oldest minor in which the API table
/// (`rules/api/deprecated-apis.yaml`) records a Kubernetes deprecation or removal, to the newest
/// minor of the EKS calendar (`rules/eks-versions.yaml`). Outside it there is nothing to check
/// against, and such a target is almost always a typo (`1.3` for `1.30`).
pub fn known_range() -> (KubeVersion, KubeVersion) {
    static RANGE: OnceLock<(KubeVersion, KubeVersion)> = OnceLock::new();
    *RANGE.get_or_init(|| {
        let oldest = crate::rules::api::support::table::ApiTable::get()
            .rows
            .iter()
            .filter(|r| r.is_kubernetes())
            .flat_map(|r| [r.deprecated(), r.removed()])
            .flatten()
            .min()
            .expect("the API table has Kubernetes rows");
        let newest = eks_calendar()
            .versions
            .iter()
            .map(|v| v.minor)
            .max()
            .expect("the EKS calendar is not empty");
        (oldest.min(newest), newest)
    })
}

/// A known version that `v` is a likely typo of: a dropped trailing zero (`1.3` for `1.30`, the
/// way YAML reads an unquoted 1.30 as a number).
fn suggest_version(v: KubeVersion) -> Option<KubeVersion> {
    let (oldest, newest) = known_range();
    let tens = KubeVersion::new(v.major, v.minor.checked_mul(10)?);
    (oldest <= tens && tens <= newest).then_some(tens)
}

/// Today's date in UTC as `YYYY-MM-DD`, from the system clock.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's civil-from-days algorithm).
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_version_spellings() {
        assert_eq!(KubeVersion::parse("1.33"), Some(KubeVersion::new(1, 33)));
        assert_eq!(KubeVersion::parse("v1.33"), Some(KubeVersion::new(1, 33)));
        assert_eq!(KubeVersion::parse("1.33.4"), Some(KubeVersion::new(1, 33)));
        assert_eq!(
            KubeVersion::parse("v1.30.2-eks-1"),
            Some(KubeVersion::new(1, 30))
        );
        assert_eq!(KubeVersion::parse("1"), None);
        assert_eq!(KubeVersion::parse("1.x"), None);
        assert_eq!(KubeVersion::parse("latest"), None);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_414), "2025-11-22");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }

    #[test]
    fn default_target_follows_the_calendar() {
        assert_eq!(default_target("2026-11-22"), KubeVersion::new(1, 36));
        assert_eq!(default_target("2026-01-01"), KubeVersion::new(1, 34));
        assert_eq!(
            resolve_target("eks-oldest-standard", "2026-11-22"),
            Ok(KubeVersion::new(1, 34))
        );
        // 1.31's extended support ends on 2026-11-26.
        assert_eq!(
            resolve_target("eks-oldest-supported", "2026-11-22"),
            Ok(KubeVersion::new(1, 31))
        );
        assert_eq!(
            resolve_target("eks-oldest-supported", "2026-11-26"),
            Ok(KubeVersion::new(1, 32))
        );
        assert!(resolve_target("lts", "2026-11-22").is_err());
        // Outside the known range: a dropped trailing zero is suggested.
        let typo = resolve_target("1.3", "2026-11-22").unwrap_err();
        assert!(typo.contains("did you mean `1.30`?"), "{typo}");
        for v in ["1.40", "2.0", "0.9", "1.7"] {
            assert!(resolve_target(v, "2026-11-22").is_err(), "{v}");
        }
        let (oldest, newest) = known_range();
        assert_eq!(oldest, KubeVersion::new(1, 8));
        let calendar_newest = eks_calendar().versions.iter().map(|v| v.minor).max();
        assert_eq!(Some(newest), calendar_newest);
        assert_eq!(resolve_target("1.8", "2026-11-22"), Ok(oldest));
    }

    #[test]
    fn calendar_rows_are_well_formed() {
        for v in &eks_calendar().versions {
            assert!(
                v.eks_release < v.end_standard && v.end_standard < v.end_extended,
                "{}",
                v.minor
            );
        }
    }
}
