//! Value parsers that match how the consuming Go program parses a value, so a linter verdict
//! equals the controller's or driver's: `strconv.ParseBool` and `strconv.ParseInt` in base 10.

/// What Go's `strconv.ParseBool` accepts: `1 t T TRUE true True` and `0 f F FALSE false False`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
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
}
