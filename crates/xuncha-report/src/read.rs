//! Reading findings back from the files `xuncha run` wrote.

use std::path::Path;

use polars::prelude::*;
use xuncha_schema::{Finding, FINDING_FIELDS};

use crate::WriteError;

fn fail(path: &Path, e: impl std::fmt::Display) -> WriteError {
    WriteError {
        path: path.display().to_string(),
        message: format!("无法读取：{e}"),
    }
}

/// Read findings from `findings.jsonl` or `findings.parquet`.
pub fn read_findings(path: &Path) -> Result<Vec<Finding>, WriteError> {
    if path.extension().is_some_and(|e| e == "jsonl") {
        let text = std::fs::read_to_string(path).map_err(|e| fail(path, e))?;
        return text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(|e| fail(path, e)))
            .collect();
    }
    let file = std::fs::File::open(path).map_err(|e| fail(path, e))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| fail(path, e))?;
    let text_columns: Vec<(&str, StringChunked)> = FINDING_FIELDS
        .iter()
        .filter(|n| !matches!(**n, "amount" | "sources"))
        .map(|n| {
            df.column(n)
                .and_then(|c| c.str().cloned())
                .map(|c| (*n, c))
                .map_err(|e| fail(path, e))
        })
        .collect::<Result<_, _>>()?;
    let amount = df
        .column("amount")
        .and_then(|c| c.f64().cloned())
        .map_err(|e| fail(path, e))?;
    let sources = df
        .column("sources")
        .and_then(|c| c.list().cloned())
        .map_err(|e| fail(path, e))?;
    (0..df.height())
        .map(|i| {
            let text = |name: &str| {
                text_columns
                    .iter()
                    .find(|(n, _)| *n == name)
                    .and_then(|(_, c)| c.get(i))
                    .map(str::to_string)
            };
            let srcs: Vec<String> = sources
                .get_as_series(i)
                .and_then(|s| {
                    s.str()
                        .ok()
                        .map(|s| s.iter().flatten().map(str::to_string).collect())
                })
                .unwrap_or_default();
            Finding::from_fields(text, amount.get(i), srcs)
                .map_err(|e| fail(path, format!("第 {} 条疑点：{e}", i + 1)))
        })
        .collect()
}
