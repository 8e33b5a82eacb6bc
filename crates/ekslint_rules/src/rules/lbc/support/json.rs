//! JSON annotations checked against the Go structs the controller unmarshals them into
//! (pkg/ingress/config_types.go, pkg/service/config_types.go, pkg/ingress/model_build_listener.go).
//! Go's `encoding/json` matches field names case-insensitively, ignores unknown fields and
//! needs JSON numbers for integer fields; enum values are compared exactly.

use serde_json::{Map, Value};

use super::catalog::JsonShape;

type Obj = Map<String, Value>;

/// A field by name, exact match first, then ASCII case-insensitive (as Go does).
fn field<'a>(o: &'a Obj, name: &str) -> Option<&'a Value> {
    o.get(name)
        .or_else(|| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn want_obj<'a>(v: &'a Value, what: &str) -> Result<&'a Obj, String> {
    v.as_object()
        .ok_or_else(|| format!("{what} must be a JSON object, not {}", kind(v)))
}

fn want_arr<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("{what} must be a JSON array, not {}", kind(v)))
}

/// An optional string field: absent/null is fine, anything but a string is not.
fn opt_str<'a>(o: &'a Obj, name: &str) -> Result<Option<&'a str>, String> {
    match field(o, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(format!("`{name}` must be a string, not {}", kind(v))),
    }
}

fn opt_int(o: &Obj, name: &str, bits: u32) -> Result<Option<i64>, String> {
    match field(o, name) {
        None => Ok(None),
        Some(Value::Number(n)) => {
            let v = n
                .as_i64()
                .ok_or_else(|| format!("`{name}` must be an integer, not `{n}`"))?;
            let max = (1i64 << (bits - 1)) - 1;
            if v > max || v < -max - 1 {
                return Err(format!("`{name}` {v} does not fit in an int{bits}"));
            }
            Ok(Some(v))
        }
        Some(v) => Err(format!("`{name}` must be a JSON number, not {}", kind(v))),
    }
}

fn opt_bool(o: &Obj, name: &str) -> Result<Option<bool>, String> {
    match field(o, name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(format!("`{name}` must be true or false, not {}", kind(v))),
    }
}

fn str_list(o: &Obj, name: &str) -> Result<Vec<String>, String> {
    match field(o, name) {
        None => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{name}` items must be strings, not {}", kind(v)))
            })
            .collect(),
        Some(v) => Err(format!(
            "`{name}` must be an array of strings, not {}",
            kind(v)
        )),
    }
}

fn str_map(o: &Obj, name: &str) -> Result<(), String> {
    match field(o, name) {
        None => Ok(()),
        Some(Value::Object(m)) => {
            for (k, v) in m {
                if !v.is_string() && !v.is_null() {
                    return Err(format!("`{name}.{k}` must be a string, not {}", kind(v)));
                }
            }
            Ok(())
        }
        Some(v) => Err(format!(
            "`{name}` must be an object of strings, not {}",
            kind(v)
        )),
    }
}

fn int_or_string(o: &Obj, name: &str) -> Result<bool, String> {
    match field(o, name) {
        None => Ok(false),
        Some(Value::String(_)) => Ok(true),
        Some(Value::Number(n)) if n.as_i64().is_some() => Ok(true),
        Some(v) => Err(format!(
            "`{name}` must be a port number or name, not {}",
            kind(v)
        )),
    }
}

/// Check `text` against `shape`.
pub fn check(shape: JsonShape, text: &str) -> Result<(), String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON ({e})"))?;
    match shape {
        JsonShape::ListenPorts => listen_ports(&v),
        JsonShape::Action => action(&v),
        JsonShape::Conditions => conditions(&v),
        JsonShape::Transforms => transforms(&v),
        JsonShape::Cognito => {
            let o = want_obj(&v, "the Cognito configuration")?;
            for f in ["userPoolARN", "userPoolClientID", "userPoolDomain"] {
                opt_str(o, f)?;
            }
            str_map(o, "authenticationRequestExtraParams")
        }
        JsonShape::Oidc => {
            let o = want_obj(&v, "the OIDC configuration")?;
            for f in [
                "issuer",
                "authorizationEndpoint",
                "tokenEndpoint",
                "userInfoEndpoint",
                "secretName",
            ] {
                opt_str(o, f)?;
            }
            str_map(o, "authenticationRequestExtraParams")
        }
        JsonShape::Jwt => jwt(&v),
        JsonShape::Mtls => mtls(&v),
        JsonShape::SvcAction => svc_action(&v),
    }
}

fn listen_ports(v: &Value) -> Result<(), String> {
    let a = want_arr(v, "listen-ports")
        .map_err(|e| format!("{e}: write it as `[{{\"HTTP\": 80}}, {{\"HTTPS\": 443}}]`"))?;
    if a.is_empty() {
        return Err("the list of listen ports is empty".to_string());
    }
    for item in a {
        let o = want_obj(item, "each listen-ports item")?;
        for (proto, port) in o {
            let Some(p) = port.as_i64() else {
                return Err(format!(
                    "the port of `{proto}` must be a JSON number (`{{\"{proto}\": 443}}`), not {}",
                    kind(port)
                ));
            };
            if proto != "HTTP" && proto != "HTTPS" {
                return Err(format!(
                    "listen protocol `{proto}` must be `HTTP` or `HTTPS` (upper case)"
                ));
            }
            if !(1..=65535).contains(&p) {
                return Err(format!("listen port {p} is outside 1-65535"));
            }
        }
    }
    Ok(())
}

/// The ports of one protocol in a `listen-ports` value (for LBC006), `None` when it does not
/// parse.
pub fn listen_ports_of(text: &str, protocol: &str) -> Option<Vec<i64>> {
    let v: Value = serde_json::from_str(text).ok()?;
    let mut out = Vec::new();
    for item in v.as_array()? {
        for (proto, port) in item.as_object()? {
            if proto == protocol {
                out.push(port.as_i64()?);
            }
        }
    }
    Some(out)
}

fn tuple(o: &Obj, svc: bool) -> Result<bool, String> {
    let arn = opt_str(o, "targetGroupARN")?.is_some();
    let name = if svc {
        false
    } else {
        opt_str(o, "targetGroupName")?.is_some()
    };
    let service = opt_str(o, "serviceName")?.is_some();
    let port = int_or_string(o, "servicePort")?;
    let weight = opt_int(o, "weight", 32)?;
    if svc {
        opt_bool(o, "decrypt")?;
        if let Some(w) = weight
            && !(0..=999).contains(&w)
        {
            return Err(format!("target group weight {w} is outside 0-999"));
        }
    }
    let tg = if svc {
        "targetGroupARN"
    } else {
        "targetGroupARN/targetGroupName"
    };
    if !arn && !name && !service {
        return Err(format!("a target group needs `serviceName` or `{tg}`"));
    }
    if (arn || name) && service {
        return Err(format!(
            "a target group takes either `serviceName` or `{tg}`, not both"
        ));
    }
    if service && !port {
        return Err("a target group with `serviceName` needs `servicePort`".to_string());
    }
    Ok(weight.is_some())
}

fn forward_config(o: &Obj, svc: bool) -> Result<(), String> {
    let tgs = match field(o, "targetGroups") {
        None => Vec::new(),
        Some(v) => want_arr(v, "`forwardConfig.targetGroups`")?.clone(),
    };
    let mut all_weighted = true;
    for t in &tgs {
        all_weighted &= tuple(want_obj(t, "each target group")?, svc)?;
    }
    if tgs.len() > 1 && !all_weighted {
        return Err("with more than one target group every one needs a `weight`".to_string());
    }
    if let Some(s) = field(o, "targetGroupStickinessConfig") {
        let s = want_obj(s, "`targetGroupStickinessConfig`")?;
        opt_bool(s, "enabled")?;
        if !svc {
            opt_int(s, "durationSeconds", 32)?;
        }
    }
    if svc
        && let Some(w) = opt_int(o, "baseServiceWeight", 32)?
        && !(0..=999).contains(&w)
    {
        return Err(format!("`baseServiceWeight` {w} is outside 0-999"));
    }
    Ok(())
}

fn action(v: &Value) -> Result<(), String> {
    let o = want_obj(v, "an action").map_err(|e| {
        if v.is_array() {
            format!("{e}: remove the surrounding `[` `]`")
        } else {
            e
        }
    })?;
    let ty = opt_str(o, "type")?.unwrap_or("");
    let tg_arn = opt_str(o, "targetGroupARN")?.is_some();
    let tg_name = opt_str(o, "targetGroupName")?.is_some();
    match ty {
        "fixed-response" | "redirect" => {
            let (cfg, fields): (&str, &[&str]) = if ty == "redirect" {
                (
                    "redirectConfig",
                    &["host", "path", "port", "protocol", "query"],
                )
            } else {
                ("fixedResponseConfig", &["contentType", "messageBody"])
            };
            let Some(c) = field(o, cfg) else {
                return Err(format!("a `{ty}` action needs `{cfg}`"));
            };
            let c = want_obj(c, &format!("`{cfg}`"))?;
            for f in fields {
                opt_str(c, f)?;
            }
            if opt_str(c, "statusCode")?.unwrap_or("").is_empty() {
                return Err(format!(
                    "`{cfg}.statusCode` is required (a string such as {})",
                    if ty == "redirect" {
                        "\"HTTP_301\""
                    } else {
                        "\"404\""
                    }
                ));
            }
            Ok(())
        }
        "forward" => {
            let fc = field(o, "forwardConfig");
            if fc.is_none() && !tg_arn && !tg_name {
                return Err(
                    "a `forward` action needs `forwardConfig` or `targetGroupARN`/`targetGroupName`"
                        .to_string(),
                );
            }
            if fc.is_some() && (tg_arn || tg_name) {
                return Err("a `forward` action takes either `forwardConfig` or `targetGroupARN`/`targetGroupName`, not both".to_string());
            }
            match fc {
                Some(fc) => forward_config(want_obj(fc, "`forwardConfig`")?, false),
                None => Ok(()),
            }
        }
        "" => Err("an action needs `type`: `fixed-response`, `redirect` or `forward`".to_string()),
        other => Err(format!(
            "unknown action type `{other}`: expected `fixed-response`, `redirect` or `forward` (exact, lower case)"
        )),
    }
}

fn conditions(v: &Value) -> Result<(), String> {
    let a = want_arr(v, "conditions")?;
    for c in a {
        let o = want_obj(c, "each condition")?;
        let f = opt_str(o, "field")?.unwrap_or("");
        let (cfg, values_or_regex, nonempty) = match f {
            "host-header" => ("hostHeaderConfig", true, false),
            "path-pattern" => ("pathPatternConfig", true, false),
            "http-header" => ("httpHeaderConfig", true, false),
            "http-request-method" => ("httpRequestMethodConfig", false, true),
            "source-ip" => ("sourceIpConfig", false, true),
            "query-string" => ("queryStringConfig", false, false),
            _ => continue,
        };
        let Some(c) = field(o, cfg) else {
            return Err(format!("a `{f}` condition needs `{cfg}`"));
        };
        let c = want_obj(c, &format!("`{cfg}`"))?;
        if values_or_regex {
            if f == "http-header" {
                opt_str(c, "httpHeaderName")?;
            }
            let v = str_list(c, "values")?;
            let r = str_list(c, "regexValues")?;
            if v.is_empty() == r.is_empty() {
                return Err(format!(
                    "`{cfg}` needs exactly one of `values` and `regexValues`"
                ));
            }
        } else if nonempty {
            if str_list(c, "values")?.is_empty() {
                return Err(format!("`{cfg}.values` cannot be empty"));
            }
        } else {
            let vals = match field(c, "values") {
                None => Vec::new(),
                Some(v) => want_arr(v, "`queryStringConfig.values`")?.clone(),
            };
            if vals.is_empty() {
                return Err("`queryStringConfig.values` cannot be empty".to_string());
            }
            for kv in &vals {
                let kv = want_obj(kv, "each query string value")?;
                opt_str(kv, "key")?;
                if opt_str(kv, "value")?.unwrap_or("").is_empty() {
                    return Err(
                        "each `queryStringConfig.values` item needs a non-empty `value`"
                            .to_string(),
                    );
                }
            }
        }
    }
    Ok(())
}

fn transforms(v: &Value) -> Result<(), String> {
    for t in want_arr(v, "transforms")? {
        let o = want_obj(t, "each transform")?;
        let ty = opt_str(o, "type")?.unwrap_or("");
        let cfg = match ty {
            "url-rewrite" => "urlRewriteConfig",
            "host-header-rewrite" => "hostHeaderRewriteConfig",
            other => {
                return Err(format!(
                    "unknown transform type `{other}`: expected `url-rewrite` or `host-header-rewrite`"
                ));
            }
        };
        let Some(c) = field(o, cfg) else {
            return Err(format!("a `{ty}` transform needs `{cfg}`"));
        };
        let c = want_obj(c, &format!("`{cfg}`"))?;
        let rewrites = match field(c, "rewrites") {
            None => Vec::new(),
            Some(r) => want_arr(r, "`rewrites`")?.clone(),
        };
        if rewrites.is_empty() {
            return Err(format!("`{cfg}.rewrites` cannot be empty"));
        }
        for r in &rewrites {
            let r = want_obj(r, "each rewrite")?;
            opt_str(r, "regex")?;
            opt_str(r, "replace")?;
        }
    }
    Ok(())
}

fn jwt(v: &Value) -> Result<(), String> {
    let o = want_obj(v, "the JWT validation configuration")?;
    for f in ["jwksEndpoint", "issuer"] {
        if opt_str(o, f)?.unwrap_or("").is_empty() {
            return Err(format!("`{f}` is required"));
        }
    }
    if let Some(claims) = field(o, "additionalClaims") {
        for c in want_arr(claims, "`additionalClaims`")? {
            let c = want_obj(c, "each additional claim")?;
            for f in ["name", "format"] {
                if opt_str(c, f)?.unwrap_or("").is_empty() {
                    return Err(format!("each additional claim needs `{f}`"));
                }
            }
            if str_list(c, "values")?.is_empty() {
                return Err("each additional claim needs non-empty `values`".to_string());
            }
        }
    }
    Ok(())
}

fn mtls(v: &Value) -> Result<(), String> {
    let a = want_arr(v, "mutual-authentication")?;
    if a.is_empty() {
        return Err("the list is empty".to_string());
    }
    for m in a {
        let o = want_obj(m, "each mutual-authentication item")?;
        let port = opt_int(o, "port", 32)?.unwrap_or(0);
        if !(1..=65535).contains(&port) {
            return Err(format!("`port` {port} is outside 1-65535"));
        }
        let mode = opt_str(o, "mode")?.unwrap_or("");
        let ts = opt_str(o, "trustStore")?.is_some_and(|s| !s.is_empty());
        let ignore = opt_bool(o, "ignoreClientCertificateExpiry")?;
        let advertise = opt_str(o, "advertiseTrustStoreCaNames")?;
        match mode {
            "verify" => {
                if !ts {
                    return Err(format!("port {port}: mode `verify` needs a `trustStore`"));
                }
            }
            "off" | "passthrough" => {
                if ts || ignore.is_some() {
                    return Err(format!(
                        "port {port}: `trustStore` and `ignoreClientCertificateExpiry` apply only to mode `verify`"
                    ));
                }
                if advertise.is_some() {
                    return Err(format!(
                        "port {port}: `advertiseTrustStoreCaNames` applies only to mode `verify`"
                    ));
                }
            }
            other => {
                return Err(format!(
                    "port {port}: mode `{other}` must be `off`, `passthrough` or `verify`"
                ));
            }
        }
        if let Some(a) = advertise
            && a != "on"
            && a != "off"
        {
            return Err(format!(
                "port {port}: `advertiseTrustStoreCaNames` must be `on` or `off`, not `{a}`"
            ));
        }
    }
    Ok(())
}

fn svc_action(v: &Value) -> Result<(), String> {
    let o = want_obj(v, "a Service action")?;
    let ty = opt_str(o, "type")?.unwrap_or("");
    if ty != "forward" {
        return Err(format!(
            "unknown action type `{ty}`: NLB listener actions support only `forward`"
        ));
    }
    let Some(fc) = field(o, "forwardConfig") else {
        return Err("a `forward` action needs `forwardConfig`".to_string());
    };
    forward_config(want_obj(fc, "`forwardConfig`")?, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_semantics() {
        // Field names match case-insensitively (upstream's own cognito example).
        assert!(check(JsonShape::Action, r#"{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443","StatusCode":"HTTP_301"}}"#).is_ok());
        // Enum values do not.
        assert!(
            check(
                JsonShape::Action,
                r#"{"type":"Redirect","redirectConfig":{"statusCode":"HTTP_301"}}"#
            )
            .is_err()
        );
        assert!(
            check(
                JsonShape::Action,
                r#"{"type":"fixed-response","fixedResponseConfig":{"statusCode":404}}"#
            )
            .is_err()
        );
        assert!(check(JsonShape::ListenPorts, r#"[{"HTTP":80,"HTTPS":443}]"#).is_ok());
        assert!(check(JsonShape::ListenPorts, r#"[{"HTTP":"80"}]"#).is_err());
        assert!(check(JsonShape::ListenPorts, r#"[{"http":80}]"#).is_err());
        assert!(check(JsonShape::ListenPorts, r#"[]"#).is_err());
        assert!(check(JsonShape::Action, r#"{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"a","servicePort":"80"},{"serviceName":"b","servicePort":80,"weight":1}]}}"#).is_err());
        assert!(check(JsonShape::Conditions, r#"[{"field":"query-string","queryStringConfig":{"values":[{"key":"a","value":"b"}]}}]"#).is_ok());
        assert!(
            check(
                JsonShape::Conditions,
                r#"[{"field":"source-ip","sourceIpConfig":{"values":[]}}]"#
            )
            .is_err()
        );
        assert_eq!(
            listen_ports_of(r#"[{"HTTP":80},{"HTTPS":8443}]"#, "HTTPS"),
            Some(vec![8443])
        );
    }
}
