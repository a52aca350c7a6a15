//! Findings assembly: one result row of a model becomes one finding with a
//! stable id, village attached, evidence, sources and the explain sentence.

use std::borrow::Cow;
use std::collections::HashMap;

use polars::prelude::*;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use xuncha_ingest::sources::SourceNames;
use xuncha_model::Model;
use xuncha_schema::Finding;

use crate::values::{explain_text, plain, to_json};

/// Output columns whose names start with this prefix cite input rows
/// (`_src`, `_src_payment`, …): strings or lists of `file[#sheet]:row`.
pub const SOURCE_PREFIX: &str = "_src";

/// Name, township and county of one village.
#[derive(Debug, Clone, Default)]
struct VillageInfo {
    name: Option<String>,
    township: Option<String>,
    county: Option<String>,
}

/// Village names, townships and counties by village code.
#[derive(Debug, Default)]
pub struct VillageIndex {
    by_code: HashMap<String, VillageInfo>,
}

impl VillageIndex {
    /// Index the canonical `villages` frame, if present.
    pub fn new(villages: Option<&DataFrame>) -> Self {
        let mut by_code = HashMap::new();
        let Some(df) = villages else {
            return Self { by_code };
        };
        let text = |name: &str| df.column(name).ok().and_then(|c| c.str().ok().cloned());
        let (Some(codes), names, towns, counties) = (
            text("village_code"),
            text("village_name"),
            text("township"),
            text("county"),
        ) else {
            return Self { by_code };
        };
        let get = |c: &Option<StringChunked>, i: usize| {
            c.as_ref().and_then(|c| c.get(i)).map(str::to_string)
        };
        for i in 0..df.height() {
            if let Some(code) = codes.get(i) {
                let info = VillageInfo {
                    name: get(&names, i),
                    township: get(&towns, i),
                    county: get(&counties, i),
                };
                by_code.insert(code.to_string(), info);
            }
        }
        Self { by_code }
    }
}

/// Stable finding id: model id, subject key and identity columns, hashed.
pub fn finding_id(model_id: &str, subject_key: &str, key_values: &[String]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(model_id.as_bytes());
    hasher.update([0x1f]);
    hasher.update(subject_key.as_bytes());
    for k in key_values {
        hasher.update([0x1f]);
        hasher.update(k.as_bytes());
    }
    let digest = hasher.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Render an explain template with evidence values. A range written
/// `{from}至{to}` whose two ends read the same is said once (`2024-03`, not
/// `2024-03至2024-03`).
pub fn render_explain(template: &str, evidence: &Map<String, Value>) -> String {
    let text = |name: &str| {
        evidence
            .get(name)
            .map_or_else(|| "（空）".to_string(), explain_text)
    };
    let names = xuncha_model::spec::placeholders(template);
    let mut out = template.to_string();
    for pair in names.windows(2) {
        let range = format!("{{{}}}至{{{}}}", pair[0], pair[1]);
        if out.contains(&range) && text(pair[0]) == text(pair[1]) {
            out = out.replacen(&range, &format!("{{{}}}", pair[0]), 1);
        }
    }
    for name in names {
        out = out.replacen(&format!("{{{name}}}"), &text(name), 1);
    }
    out
}

/// Build the findings of one model from its result frame. Rows come out
/// sorted by subject so the order never depends on the query plan; rows
/// that share an identity get `-2`, `-3` … appended to the id.
pub fn assemble(
    model: &Model,
    result: &DataFrame,
    run_id: &str,
    villages: &VillageIndex,
    names: &SourceNames,
) -> Vec<Finding> {
    let spec = &model.spec;
    let f = &spec.finding;
    let columns = result.columns();
    let mut rows: Vec<(Map<String, Value>, Vec<String>)> = (0..result.height())
        .map(|i| {
            let mut evidence = Map::new();
            let mut sources = Vec::new();
            for col in columns {
                let value = expand(to_json(&col.get(i).unwrap_or(AnyValue::Null)), names);
                if col.name().starts_with(SOURCE_PREFIX) {
                    collect_sources(&value, &mut sources);
                } else {
                    evidence.insert(col.name().to_string(), value);
                }
            }
            sources.sort_by(|a, b| source_order(a).cmp(&source_order(b)));
            sources.dedup();
            (evidence, sources)
        })
        .collect();
    let text = |ev: &Map<String, Value>, col: &Option<String>| {
        col.as_ref().and_then(|c| ev.get(c)).and_then(plain)
    };
    let subject = |ev: &Map<String, Value>| ev.get(&f.subject).and_then(plain).unwrap_or_default();
    rows.sort_by_cached_key(|(ev, _)| (subject(ev), Value::Object(ev.clone()).to_string()));
    let mut seen: HashMap<String, usize> = HashMap::new();
    rows.into_iter()
        .map(|(evidence, sources)| {
            let subject_key = subject(&evidence);
            let keys: Vec<String> = f
                .key
                .iter()
                .map(|k| evidence.get(k).and_then(plain).unwrap_or_default())
                .collect();
            let mut id = finding_id(&spec.id, &subject_key, &keys);
            let n = seen.entry(id.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                id = format!("{id}-{n}");
            }
            let village_code = text(&evidence, &f.village);
            let village = village_code
                .as_ref()
                .and_then(|c| villages.by_code.get(c).cloned())
                .unwrap_or_default();
            Finding {
                finding_id: id,
                run_id: run_id.to_string(),
                model_id: spec.id.clone(),
                model_title: spec.title.clone(),
                category: spec.category.clone(),
                severity: spec.severity,
                county: village.county,
                township: village.township,
                village_code,
                village_name: village.name,
                subject_type: f.subject_type().unwrap_or("other").to_string(),
                subject_key,
                subject_name: text(&evidence, &f.subject_name),
                amount: f
                    .amount
                    .as_ref()
                    .and_then(|c| evidence.get(c))
                    .and_then(Value::as_f64),
                period_from: text(&evidence, &f.period_from),
                period_to: text(&evidence, &f.period_to),
                explain: render_explain(&f.explain, &evidence),
                evidence,
                sources,
                triage: None,
            }
        })
        .collect()
}

/// Sort key of a source `file[#sheet]:row`: by file and sheet, then by row
/// as a number (row 9 before row 10).
fn source_order(source: &str) -> (&str, u64, &str) {
    match source.rsplit_once(':') {
        Some((file, row)) => (file, row.parse().unwrap_or(u64::MAX), row),
        None => (source, 0, ""),
    }
}

/// A value with compacted source references (a query's `_src`, under any
/// name) turned back into `file:row`; other text is kept, not copied.
fn expand(value: Value, names: &SourceNames) -> Value {
    match value {
        Value::String(s) => {
            let expanded = match names.expand(&s) {
                Cow::Owned(reference) => Some(reference),
                Cow::Borrowed(_) => None,
            };
            Value::String(expanded.unwrap_or(s))
        }
        Value::Array(items) if !names.is_empty() => {
            Value::Array(items.into_iter().map(|v| expand(v, names)).collect())
        }
        other => other,
    }
}

fn collect_sources(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_sources(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_sort_by_file_then_row_number() {
        let mut sources = vec!["b.csv:2", "a.xlsx#表1:10", "a.xlsx#表1:9", "a.xlsx#表1:100"];
        sources.sort_by(|a, b| source_order(a).cmp(&source_order(b)));
        assert_eq!(
            sources,
            vec!["a.xlsx#表1:9", "a.xlsx#表1:10", "a.xlsx#表1:100", "b.csv:2"]
        );
    }

    #[test]
    fn ids_are_stable_and_depend_on_identity_only() {
        let a = finding_id("mz.x", "110105194912310021", &["低保".into()]);
        assert_eq!(
            a,
            finding_id("mz.x", "110105194912310021", &["低保".into()])
        );
        assert_ne!(
            a,
            finding_id("mz.x", "110105194912310021", &["特困".into()])
        );
        assert_ne!(
            a,
            finding_id("mz.y", "110105194912310021", &["低保".into()])
        );
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn explain_fills_placeholders() {
        let ev: Map<String, Value> = serde_json::from_str(
            r#"{"name":"张三","death_date":"2024-03-15","amount":1200.0,"months":2}"#,
        )
        .unwrap();
        assert_eq!(
            render_explain(
                "{name}于{death_date}死亡，此后{months}个月共{amount}元",
                &ev
            ),
            "张三于2024年3月15日死亡，此后2个月共1,200.00元"
        );
    }

    #[test]
    fn explain_says_a_range_of_one_month_once() {
        let ev = |from: &str, to: &str| -> Map<String, Value> {
            serde_json::from_value(serde_json::json!({"from": from, "to": to, "months": 1}))
                .unwrap()
        };
        let template = "{from}至{to}有{months}个月超发";
        assert_eq!(
            render_explain(template, &ev("2024-03", "2024-03")),
            "2024-03有1个月超发"
        );
        assert_eq!(
            render_explain(template, &ev("2024-03", "2024-05")),
            "2024-03至2024-05有1个月超发"
        );
    }
}
