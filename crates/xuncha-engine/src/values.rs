//! Turning polars values into JSON evidence and Chinese explain text.

use chrono::NaiveDate;
use polars::prelude::*;
use serde_json::Value;
use xuncha_schema::format_money;

/// Days from 0001-01-01 to the Unix epoch.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// The date of a polars `Date` value.
pub fn date_of(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days + UNIX_EPOCH_DAYS_FROM_CE)
}

/// JSON for one cell: dates as ISO strings, lists as arrays.
pub fn to_json(value: &AnyValue<'_>) -> Value {
    match value {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::String(s) => Value::String(s.to_string()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Int8(v) => (*v).into(),
        AnyValue::Int16(v) => (*v).into(),
        AnyValue::Int32(v) => (*v).into(),
        AnyValue::Int64(v) => (*v).into(),
        AnyValue::UInt8(v) => (*v).into(),
        AnyValue::UInt16(v) => (*v).into(),
        AnyValue::UInt32(v) => (*v).into(),
        AnyValue::UInt64(v) => (*v).into(),
        AnyValue::Float32(v) => round2(*v as f64),
        AnyValue::Float64(v) => round2(*v),
        AnyValue::Date(days) => {
            date_of(*days).map_or(Value::Null, |d| Value::String(d.to_string()))
        }
        AnyValue::List(series) => Value::Array(series.iter().map(|v| to_json(&v)).collect()),
        other => Value::String(other.to_string()),
    }
}

fn round2(v: f64) -> Value {
    serde_json::Number::from_f64((v * 100.0).round() / 100.0).map_or(Value::Null, Value::Number)
}

/// Text of a JSON evidence value for keys and names (strings unquoted).
pub fn plain(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Text of a value inside an explain sentence: dates as 2024年3月5日,
/// money-like numbers with thousands separators and two decimals.
pub fn explain_text(value: &Value) -> String {
    match value {
        Value::Null => "（空）".to_string(),
        Value::String(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d.format("%Y年%-m月%-d日").to_string(),
            Err(_) => s.clone(),
        },
        Value::Number(n) if n.is_f64() => format_money(n.as_f64().unwrap_or_default()),
        Value::Array(items) => items
            .iter()
            .map(explain_text)
            .collect::<Vec<_>>()
            .join("、"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_text_is_readable() {
        assert_eq!(
            explain_text(&Value::String("2024-03-05".into())),
            "2024年3月5日"
        );
        assert_eq!(explain_text(&serde_json::json!(1234567.5)), "1,234,567.50");
        assert_eq!(explain_text(&serde_json::json!(-12.0)), "-12.00");
        assert_eq!(explain_text(&serde_json::json!(3)), "3");
        assert_eq!(explain_text(&Value::Null), "（空）");
    }

    #[test]
    fn dates_become_iso_strings() {
        assert_eq!(
            to_json(&AnyValue::Date(19787)),
            Value::String("2024-03-05".into())
        );
    }
}
