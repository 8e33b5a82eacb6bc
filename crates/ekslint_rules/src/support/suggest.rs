//! "Did you mean": one edit distance and one policy for how close a typo must be, used by every
//! rule and by the configuration and selector errors.
//!
//! The distance is the optimal string alignment distance (Levenshtein plus transposition of two
//! neighbouring characters, the commonest typing slip), compared case-insensitively. A candidate
//! is close enough when the distance is at most a fifth of its length, at least 1 and at most
//! 3, and less than its whole length.

/// The optimal string alignment distance between `a` and `b` (case-sensitive).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    // Three rows: two back (transpositions), one back, and the current one.
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

/// The most edits a candidate of `len` characters may be away from a typo of it.
pub fn max_distance(len: usize) -> usize {
    (len / 5).clamp(1, 3)
}

/// The case-insensitive distance from `typo` to `candidate`, when close enough to be a typo of it.
pub fn typo_distance(typo: &str, candidate: &str) -> Option<usize> {
    let len = candidate.chars().count();
    let d = distance(&typo.to_lowercase(), &candidate.to_lowercase());
    (d <= max_distance(len) && d < len).then_some(d)
}

/// Is `typo` close enough to `candidate` to be a misspelling of it (or equal, ignoring case)?
pub fn is_typo_of(typo: &str, candidate: &str) -> bool {
    typo_distance(typo, candidate).is_some()
}

/// The candidate closest to `typo`, when one is close enough. Ties go to the longer candidate
/// (dropping a character is the commonest slip), then to the earlier one.
pub fn closest<'a>(typo: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter_map(|c| typo_distance(typo, c).map(|d| (d, c)))
        .min_by_key(|(d, c)| (*d, std::cmp::Reverse(c.len())))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("maprccounts", "mapaccounts"), 1);
        assert_eq!(distance("tpye", "type"), 1, "a transposition is one edit");
        assert_eq!(distance("balancre", "balancer"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn policy() {
        assert_eq!(max_distance(3), 1);
        assert_eq!(max_distance(11), 2);
        assert_eq!(max_distance(40), 3);
        assert!(is_typo_of("API01", "API001"));
        assert!(is_typo_of("maproles", "mapRoles"));
        assert!(is_typo_of("maprccounts", "mapAccounts"));
        assert!(is_typo_of(
            "alb.ingres.kubernetes.io",
            "alb.ingress.kubernetes.io"
        ));
        assert!(!is_typo_of(
            "ingress.kubernetes.io",
            "alb.ingress.kubernetes.io"
        ));
        assert!(is_typo_of(
            "aws-load-balancre-type",
            "aws-load-balancer-type"
        ));
        assert!(
            !is_typo_of("a", "b"),
            "a one-letter candidate matches only itself"
        );
        assert!(!is_typo_of("iops", "type"));
        assert_eq!(
            closest("target-versoin", ["select", "target-version", "ignore"]),
            Some("target-version")
        );
        assert_eq!(closest("zzz", ["select", "ignore"]), None);
        // Ties prefer the longer candidate.
        assert_eq!(closest("scheme", ["schem", "schemes"]), Some("schemes"));
    }
}
