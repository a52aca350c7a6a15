//! The findings schema as table columns: [`FINDING_FIELDS`] of
//! `xuncha-schema`, plus `sources_count`, for the CSV and Parquet writers.

use polars::prelude::*;
use xuncha_schema::{FieldValue, Finding, FINDING_FIELDS};

/// Column names of the findings tables, in order.
pub const FINDING_COLUMNS: [&str; 21] = {
    let mut names = [""; 21];
    let mut i = 0;
    while i < FINDING_FIELDS.len() {
        names[i] = FINDING_FIELDS[i];
        i += 1;
    }
    names[20] = "sources_count";
    names
};

/// One finding as CSV cells: amounts with two decimals, sources joined with `; `.
pub fn text_row(f: &Finding) -> Vec<String> {
    let mut row: Vec<String> = FINDING_FIELDS
        .iter()
        .map(|name| match f.field(name) {
            FieldValue::Text(t) => t.map(|t| t.into_owned()).unwrap_or_default(),
            FieldValue::Amount(a) => a.map(|a| format!("{a:.2}")).unwrap_or_default(),
            FieldValue::Sources(s) => s.join("; "),
        })
        .collect();
    row.push(f.sources.len().to_string());
    row
}

/// Findings as a polars frame with typed columns (amount as f64, sources as a list).
pub fn findings_frame(findings: &[Finding]) -> PolarsResult<DataFrame> {
    let n = findings.len();
    let mut columns: Vec<Column> = Vec::with_capacity(FINDING_COLUMNS.len());
    for name in FINDING_FIELDS {
        let column = match findings.first().map(|f| f.field(name)) {
            Some(FieldValue::Amount(_)) | None if name == "amount" => {
                let amounts: Vec<Option<f64>> = findings.iter().map(|f| f.amount).collect();
                Column::new(name.into(), amounts)
            }
            Some(FieldValue::Sources(_)) | None if name == "sources" => {
                let lists: Vec<Series> = findings
                    .iter()
                    .map(|f| {
                        Series::new(
                            "".into(),
                            f.sources.iter().map(String::as_str).collect::<Vec<_>>(),
                        )
                    })
                    .collect();
                let list = Series::new(name.into(), lists);
                list.cast(&DataType::List(Box::new(DataType::String)))?
                    .into_column()
            }
            _ => {
                let values: Vec<Option<String>> = findings
                    .iter()
                    .map(|f| match f.field(name) {
                        FieldValue::Text(t) => t.map(|t| t.into_owned()),
                        _ => None,
                    })
                    .collect();
                Column::new(name.into(), values)
            }
        };
        columns.push(column);
    }
    let counts: Vec<u32> = findings.iter().map(|f| f.sources.len() as u32).collect();
    columns.push(Column::new("sources_count".into(), counts));
    DataFrame::new(n, columns)
}
