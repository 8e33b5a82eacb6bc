//! Values that a templating step fills in before the manifest is applied. Repositories render
//! values with envsubst, `sed`, Flux `postBuild.substitute`, Kustomize vars and replacements,
//! Helm, or a CI "replace tokens" task; a value that still holds such a placeholder is not the
//! value the cluster will see, so no rule judges it.
//!
//! This is the one definition every value-checking rule uses.

/// The templating syntax a placeholder is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `${VAR}`, `${VAR:-default}` (envsubst, Flux `postBuild.substitute`, shells).
    DollarBrace,
    /// `$(VAR)` (Kubernetes env expansion, Kustomize vars).
    DollarParen,
    /// `$VAR` (envsubst, shells).
    Dollar,
    /// `{{ … }}` (Helm and other Go templates, Jinja, Mustache).
    Braces,
    /// `<account-id>`, `<role-arn>`: a documentation placeholder.
    Angle,
    /// `[Filesystem ID]`: a documentation placeholder (capitalised words with a space).
    Bracket,
    /// `#{VAR}#` (Azure DevOps "replace tokens", Octopus).
    HashBrace,
    /// `__VAR__` (Azure DevOps "replace tokens").
    Underscores,
    /// `xxxxxxxxxxxx`, `sg-XXXXXXXX`: a documentation mask, four or more `x` (or `X`) forming a
    /// whole token, where an account ID, resource ID or ARN part belongs.
    Masked,
}

/// One placeholder inside a value: where it is (byte offsets into the value) and its syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placeholder {
    pub start: usize,
    pub end: usize,
    pub syntax: Syntax,
}

/// Does the value hold a placeholder that a templating step fills in?
pub fn is_placeholder(value: &str) -> bool {
    find(value).is_some()
}

/// The first placeholder in the value.
pub fn find(value: &str) -> Option<Placeholder> {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let found = match b[i] {
            b'$' => dollar(b, i),
            // Not the EBS CSI driver's own tag templates (`{{ .PVCName }}`, `{{ .PVName }}`).
            b'{' if b.get(i + 1) == Some(&b'{') => find_from(b, i + 2, b"}}")
                .filter(|&e| !value[i + 2..e].trim_start().starts_with(".PV"))
                .map(|e| (e + 2, Syntax::Braces)),
            b'<' => enclosed(b, i, b'>', |c| c != b'<' && c != b'>' && c != b'\n')
                .filter(|_| b[i + 1].is_ascii_alphabetic())
                .map(|e| (e, Syntax::Angle)),
            b'[' => enclosed(b, i, b']', |c| {
                c.is_ascii_alphanumeric() || c == b' ' || c == b'_' || c == b'-'
            })
            // Words with a space (`[Filesystem ID]`): not a one-item flow list like `[Pod]`.
            .filter(|&e| b[i + 1].is_ascii_uppercase() && b[i + 1..e - 1].contains(&b' '))
            .map(|e| (e, Syntax::Bracket)),
            b'#' if b.get(i + 1) == Some(&b'{') => {
                let name = name_len(&b[i + 2..]);
                (name > 0
                    && b.get(i + 2 + name) == Some(&b'}')
                    && b.get(i + 3 + name) == Some(&b'#'))
                .then_some((i + 4 + name, Syntax::HashBrace))
            }
            b'_' if b.get(i + 1) == Some(&b'_') && (i == 0 || b[i - 1] != b'_') => {
                let n = b[i + 2..]
                    .iter()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || **c == b'_')
                    .count();
                // `__NAME__`: upper case, ends in exactly two underscores, starts with a letter.
                let body = &b[i + 2..i + 2 + n];
                (n > 2
                    && body[0].is_ascii_uppercase()
                    && body.ends_with(b"__")
                    && !body[..n - 2].ends_with(b"_"))
                .then_some((i + 2 + n, Syntax::Underscores))
            }
            b'x' | b'X' if i == 0 || !b[i - 1].is_ascii_alphanumeric() => {
                let n = b[i..].iter().take_while(|c| **c == b[i]).count();
                (n >= 4 && b.get(i + n).is_none_or(|c| !c.is_ascii_alphanumeric()))
                    .then_some((i + n, Syntax::Masked))
            }
            _ => None,
        };
        if let Some((end, syntax)) = found {
            return Some(Placeholder {
                start: i,
                end,
                syntax,
            });
        }
        i += 1;
    }
    None
}

/// `${…}`, `$(…)` or `$NAME` starting at `i`.
fn dollar(b: &[u8], i: usize) -> Option<(usize, Syntax)> {
    match b.get(i + 1)? {
        // `${NAME}`, `${NAME:-default}`; not the EFS driver's own `${.PVC.name}`.
        b'{' if b
            .get(i + 2)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
        {
            find_from(b, i + 2, b"}").map(|e| (e + 1, Syntax::DollarBrace))
        }
        b'(' if b
            .get(i + 2)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
        {
            find_from(b, i + 2, b")").map(|e| (e + 1, Syntax::DollarParen))
        }
        c if c.is_ascii_alphabetic() || *c == b'_' => {
            Some((i + 1 + name_len(&b[i + 1..]), Syntax::Dollar))
        }
        _ => None,
    }
}

/// The length of a variable name (`[A-Za-z0-9_]`) at the start of `b`.
fn name_len(b: &[u8]) -> usize {
    b.iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count()
}

/// The offset of `needle` in `b` at or after `from`.
fn find_from(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The end (exclusive) of `open … close` starting at `i`, when the text between is non-empty and
/// every byte of it passes `ok`.
fn enclosed(b: &[u8], i: usize, close: u8, ok: impl Fn(u8) -> bool) -> Option<usize> {
    let inner = b[i + 1..].iter().take_while(|c| ok(**c)).count();
    (inner > 0 && b.get(i + 1 + inner) == Some(&close)).then_some(i + 2 + inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_of_every_syntax() {
        let cases: &[(&str, Syntax)] = &[
            ("${APP_ROLE_ARN}", Syntax::DollarBrace),
            ("arn:aws:iam::${ACCOUNT}:role/x", Syntax::DollarBrace),
            ("$(POD_NAMESPACE)", Syntax::DollarParen),
            ("$ALLOWED_CIDRS", Syntax::Dollar),
            ("{{ .Values.roleArn }}", Syntax::Braces),
            ("team={{ .Values.team }}", Syntax::Braces),
            ("<role-arn>", Syntax::Angle),
            ("<insert subnet ID>", Syntax::Angle),
            (
                "arn:aws:acm:<region>:<account-id>:certificate/<id>",
                Syntax::Angle,
            ),
            ("efs:[Filesystem ID]", Syntax::Bracket),
            ("#{RoleArn}#", Syntax::HashBrace),
            ("__ROLE_ARN__", Syntax::Underscores),
            ("fs-__FS_ID__", Syntax::Underscores),
            ("xxxxxxxxxxxx", Syntax::Masked),
            ("arn:aws:iam::XXXXXXXXXXXX:role/app", Syntax::Masked),
            ("sg-xxxxxxxx", Syntax::Masked),
        ];
        for (v, syntax) in cases {
            let p = find(v).unwrap_or_else(|| panic!("{v}"));
            assert_eq!(p.syntax, *syntax, "{v}");
            assert!(p.start < p.end && p.end <= v.len(), "{v}");
        }
        assert_eq!(
            find("x-${A}-y"),
            Some(Placeholder {
                start: 2,
                end: 6,
                syntax: Syntax::DollarBrace
            })
        );
    }

    #[test]
    fn real_values_are_not_placeholders() {
        for v in [
            "arn:aws:iam::111122223333:role/app",
            "10.0.0.0/8, 192.168.0.0/16",
            "fs-0123456789abcdef0",
            r#"[{"Key": "env", "Value": "prod"}]"#,
            r##"{"type":"redirect","redirectConfig":{"host":"#{host}","port":"443"}}"##,
            r#"{"field":"path-pattern","pathPatternConfig":{"values":["^/api$"]}}"#,
            "[a, b]",
            "[ConfigMap]",
            "${.PVC.namespace}/${.PVC.name}",
            "pvc={{ .PVCNamespace }}/{{ .PVCName }}",
            "price: 5$",
            "a < b > c",
            "__init__",
            "_PRIVATE__",
            "xxx",
            "fs-0123xxxx",
            "xxxxl",
            "boxxxx",
            "XxXx",
            "",
            "$",
            "${",
            "{{",
            "<>",
        ] {
            assert_eq!(find(v), None, "{v}");
        }
    }
}
