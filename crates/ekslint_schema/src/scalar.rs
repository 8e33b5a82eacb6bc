//! Checks of scalar text the API server makes while decoding: quantities, base64, RFC 3339.

/// A `resource.Quantity` string (apimachinery `pkg/api/resource/quantity.go`, `ParseQuantity`):
/// an optional sign, a decimal number (`1`, `1.5`, `.5`, `1.`), then one suffix: a binary SI
/// suffix (`Ki` … `Ei`), a decimal SI suffix (`n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`, `E`), or a
/// decimal exponent (`e3`, `E-2`).
pub fn is_quantity(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - digits_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac;
    }
    if digits == 0 {
        return false;
    }
    let suffix = &s[i..];
    match suffix {
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T"
        | "P" | "E" => true,
        _ => {
            let Some(exp) = suffix.strip_prefix(['e', 'E']) else {
                return false;
            };
            let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            !exp.is_empty() && exp.bytes().all(|c| c.is_ascii_digit())
        }
    }
}

/// Standard base64 with padding, as Go's `encoding/json` decodes a `[]byte` (it skips `\r` and
/// `\n`).
pub fn is_base64(s: &str) -> bool {
    let mut n = 0usize;
    let mut pad = 0usize;
    for c in s.bytes() {
        match c {
            b'\r' | b'\n' => continue,
            b'=' => pad += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if pad == 0 => {}
            _ => return false,
        }
        n += 1;
    }
    n.is_multiple_of(4) && pad <= 2
}

/// An RFC 3339 date-time (`2024-01-02T03:04:05Z`, fractions and offsets allowed), as
/// `metav1.Time` parses it.
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        for ok in [
            "1", "500m", "1.5", ".5", "1.", "2Gi", "128Mi", "1e3", "1E-2", "-1", "+3k", "0",
        ] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in [
            "", "1 Gi", "1GB", "1gi", "Gi", "1.5.5", "one", "1e", "1Kb", ".",
        ] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn base64() {
        for ok in ["", "aGVsbG8=", "aGVsbA==", "aGVs", "aGVs\nbG8=", "+/+/"] {
            assert!(is_base64(ok), "{ok}");
        }
        for bad in ["hello", "aGVsbG8", "aGV=sbG8", "a===", "aGVs bG8="] {
            assert!(!is_base64(bad), "{bad}");
        }
    }

    #[test]
    fn date_times() {
        for ok in [
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.123+02:00",
            "2024-01-02t03:04:05z",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2024-01-02",
            "2024-01-02 03:04:05Z",
            "2024-01-02T03:04:05",
            "yesterday",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }
}
