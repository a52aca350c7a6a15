//! Parameters: defaults from the spec, overrides from the command line, and
//! substitution into the query text.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// Render a parameter value as SQL: numbers and booleans bare, strings as
/// quoted literals, arrays as comma-separated literals (for `IN (…)`).
pub fn sql_literal(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string().to_uppercase(),
        toml::Value::Datetime(d) => format!("DATE '{d}'"),
        toml::Value::Array(items) => items.iter().map(sql_literal).collect::<Vec<_>>().join(", "),
        toml::Value::Table(_) => String::new(),
    }
}

/// Parse a command-line override into the type of the default it replaces.
pub fn parse_override(default: &toml::Value, raw: &str) -> Result<toml::Value, String> {
    let parsed = match default {
        toml::Value::String(_) => Ok(toml::Value::String(raw.to_string())),
        toml::Value::Integer(_) => raw
            .parse()
            .map(toml::Value::Integer)
            .map_err(|_| "需要整数"),
        toml::Value::Float(_) => raw.parse().map(toml::Value::Float).map_err(|_| "需要数值"),
        toml::Value::Boolean(_) => raw
            .parse()
            .map(toml::Value::Boolean)
            .map_err(|_| "需要 true 或 false"),
        toml::Value::Array(items) => {
            let item = items
                .first()
                .cloned()
                .unwrap_or(toml::Value::String(String::new()));
            raw.split(',')
                .map(|part| parse_override(&item, part.trim()))
                .collect::<Result<Vec<_>, _>>()
                .map(toml::Value::Array)
                .map_err(|_| "列表元素类型不符")
        }
        _ => Err("不支持覆盖此类型的参数"),
    };
    parsed.map_err(|why| format!("参数值“{raw}”无效：{why}"))
}

/// Substitute `{name}` placeholders with parameter literals and `{as_of}`
/// with the run's as-of date. Unknown placeholders are an error.
pub fn substitute(
    sql: &str,
    params: &BTreeMap<String, toml::Value>,
    as_of: NaiveDate,
) -> Result<String, String> {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| "查询中的“{”没有配对的“}”".to_string())?;
        let name = &after[..end];
        if name == "as_of" {
            out.push_str(&format!("DATE '{as_of}'"));
        } else {
            let value = params
                .get(name)
                .ok_or_else(|| format!("查询引用了未定义的参数 {{{name}}}"))?;
            out.push_str(&sql_literal(value));
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> BTreeMap<String, toml::Value> {
        toml::from_str("n = 3\nt = 0.01\ns = \"O'Brien\"\nl = [\"小型轿车\", \"轻型货车\"]")
            .unwrap()
    }

    #[test]
    fn params_render_as_sql_literals() {
        let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let sql = substitute(
            "a > {n} AND b < {t} AND c = {s} AND d IN ({l}) AND e <= {as_of}",
            &params(),
            as_of,
        )
        .unwrap();
        assert_eq!(sql, "a > 3 AND b < 0.01 AND c = 'O''Brien' AND d IN ('小型轿车', '轻型货车') AND e <= DATE '2024-12-31'");
        assert!(substitute("{missing}", &params(), as_of)
            .unwrap_err()
            .contains("missing"));
    }

    #[test]
    fn overrides_keep_the_default_type() {
        let p = params();
        assert_eq!(parse_override(&p["n"], "5"), Ok(toml::Value::Integer(5)));
        assert!(parse_override(&p["n"], "five").is_err());
        assert_eq!(parse_override(&p["t"], "0.5"), Ok(toml::Value::Float(0.5)));
        let l = parse_override(&p["l"], "a, b").unwrap();
        assert_eq!(sql_literal(&l), "'a', 'b'");
    }
}
