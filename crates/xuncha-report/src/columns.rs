//! The findings schema as columns, shared by the tabular writers.

use polars::prelude::*;
use xuncha_schema::Finding;

/// Column names of the findings schema, in order.
pub const FINDING_COLUMNS: [&str; 21] = [
    "finding_id",
    "run_id",
    "model_id",
    "model_title",
    "category",
    "severity",
    "county",
    "township",
    "village_code",
    "village_name",
    "subject_type",
    "subject_key",
    "subject_name",
    "amount",
    "period_from",
    "period_to",
    "explain",
    "evidence",
    "triage",
    "sources",
    "sources_count",
];

fn texts(f: &Finding) -> [Option<String>; 19] {
    [
        Some(f.finding_id.clone()),
        Some(f.run_id.clone()),
        Some(f.model_id.clone()),
        Some(f.model_title.clone()),
        Some(f.category.clone()),
        Some(f.severity.as_str().to_string()),
        f.county.clone(),
        f.township.clone(),
        f.village_code.clone(),
        f.village_name.clone(),
        Some(f.subject_type.clone()),
        Some(f.subject_key.clone()),
        f.subject_name.clone(),
        f.amount.map(|a| format!("{a:.2}")),
        f.period_from.clone(),
        f.period_to.clone(),
        Some(f.explain.clone()),
        Some(serde_json::Value::Object(f.evidence.clone()).to_string()),
        f.triage.clone(),
    ]
}

/// One finding as CSV cells.
pub fn text_row(f: &Finding) -> Vec<String> {
    let mut row: Vec<String> = texts(f)
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    row.push(f.sources.join("; "));
    row.push(f.sources.len().to_string());
    row
}

/// Findings as a polars frame with typed columns (amount as f64, sources as a list).
pub fn findings_frame(findings: &[Finding]) -> PolarsResult<DataFrame> {
    let n = findings.len();
    let rows: Vec<[Option<String>; 19]> = findings.iter().map(texts).collect();
    let mut columns: Vec<Column> = Vec::with_capacity(FINDING_COLUMNS.len());
    for (i, name) in FINDING_COLUMNS.iter().take(19).enumerate() {
        if *name == "amount" {
            let amounts: Vec<Option<f64>> = findings.iter().map(|f| f.amount).collect();
            columns.push(Column::new((*name).into(), amounts));
        } else {
            let values: Vec<Option<&str>> = rows.iter().map(|r| r[i].as_deref()).collect();
            columns.push(Column::new((*name).into(), values));
        }
    }
    let sources: Vec<Series> = findings
        .iter()
        .map(|f| {
            Series::new(
                "".into(),
                f.sources.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        })
        .collect();
    let mut list = Series::new("sources".into(), sources);
    if n == 0 {
        list = list.cast(&DataType::List(Box::new(DataType::String)))?;
    }
    columns.push(list.into_column());
    let counts: Vec<u32> = findings.iter().map(|f| f.sources.len() as u32).collect();
    columns.push(Column::new("sources_count".into(), counts));
    DataFrame::new(n, columns)
}
